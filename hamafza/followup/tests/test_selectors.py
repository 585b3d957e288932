import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hamafza.followup import selectors
from hamafza.followup.models import Action, Organisation
from hamafza.followup.tests.accountability_helpers import action, body, pass_resolutions
from hamafza.persian.jalali import to_jalali
from hamafza.persian.text import to_persian_digits

Status = Action.Status


@pytest.fixture
def known(world):
    """Two bodies: the bank with 3 done (2 on time, 1 late), 1 cancelled, 1 overdue and 1
    open; the directorate with nothing done yet. An unpublished resolution's action is left
    out of everything public."""
    (r1, r2) = pass_resolutions(world, ["تسهیلات سرمایه در گردش", "میز خدمت در نیشابور"])
    (hidden,) = pass_resolutions(world, ["مصوبه منتشرنشده"], days_ago=30, published=False)
    bank = body("بانک توسعه تعاون")
    directorate = body("اداره کل تعاون، کار و رفاه اجتماعی", Organisation.Kind.DIRECTORATE)
    action(world, r1, bank, status=Status.DONE, due_in=-20, done_days_after_due=-2)
    action(world, r1, bank, status=Status.DONE, due_in=-10, done_days_after_due=0)
    action(world, r2, bank, status=Status.DONE, due_in=-30, done_days_after_due=5)
    action(world, r2, bank, status=Status.CANCELLED, due_in=-40)
    action(world, r2, bank, status=Status.IN_PROGRESS, progress=50, due_in=-3)
    action(world, r2, bank, status=Status.NOT_STARTED, due_in=10)
    action(world, r1, directorate, status=Status.BLOCKED, progress=10, due_in=-1)
    action(world, hidden, directorate, status=Status.DONE, due_in=-5)
    return {"bank": bank, "directorate": directorate, "r1": r1, "r2": r2, "hidden": hidden}


def test_it_computes_completion_and_on_time_rates_per_body(known):
    rates = {b.id: b for b in selectors.body_rates()}
    bank = rates[known["bank"].pk]
    # 3 done of the 5 not cancelled; 2 of the 3 done by their due date; 1 overdue.
    assert (bank.actions, bank.done, bank.on_time, bank.overdue, bank.cancelled) == (5, 3, 2, 1, 1)
    assert bank.completion_rate == 60
    assert bank.on_time_rate == 67
    directorate = rates[known["directorate"].pk]
    # The unpublished resolution's done action does not count.
    assert (directorate.actions, directorate.done, directorate.overdue) == (1, 0, 1)
    assert directorate.completion_rate == 0
    assert directorate.on_time_rate is None  # nothing done: nothing to measure
    assert bank.kind_label == str(Organisation.Kind.OUTSIDE.label)
    assert directorate.kind_label == ""  # its name already says what it is
    # The body with more actions first.
    assert [b.id for b in selectors.body_rates()] == [known["bank"].pk, known["directorate"].pk]


def test_it_computes_the_rates_in_one_query_whatever_the_number_of_bodies(known, world):
    with CaptureQueriesContext(connection) as few:
        selectors.body_rates()
    for n in range(5):
        action(world, known["r1"], body(f"تعاونی شماره {n}", Organisation.Kind.COOPERATIVE))
    with CaptureQueriesContext(connection) as many:
        assert len(selectors.body_rates()) == 7
    assert len(few) == len(many) == 1


def test_it_counts_the_headline_totals(known):
    today = timezone.localdate()
    totals = selectors.totals(
        selectors.public_resolutions(), selectors.public_actions(), today=today
    )
    assert (totals.resolutions, totals.actions, totals.done, totals.on_time, totals.overdue) == (
        2,
        6,
        3,
        2,
        2,
    )
    assert totals.completion_rate == 50
    assert totals.on_time_rate == 67


def test_it_rounds_rates_and_has_none_without_a_base():
    assert selectors.rate(2, 3) == 67
    assert selectors.rate(1, 3) == 33
    assert selectors.rate(0, 4) == 0
    assert selectors.rate(0, 0) is None


def test_it_filters_resolutions_by_status_body_year_and_words(known):
    r1, r2 = known["r1"], known["r2"]

    def ids(**kw):
        return list(
            selectors.accountability_resolutions(selectors.Filters(**kw)).values_list(
                "pk", flat=True
            )
        )

    assert set(ids()) == {r1.pk, r2.pk}  # never the unpublished one
    assert ids(status=Status.CANCELLED) == [r2.pk]
    assert set(ids(status=selectors.OVERDUE)) == {r1.pk, r2.pk}
    assert ids(status=Status.BLOCKED) == [r1.pk]
    assert ids(responsible=known["directorate"].pk) == [r1.pk]
    assert ids(status=Status.BLOCKED, responsible=known["bank"].pk) == []
    year = to_jalali(r1.passed_on).year
    assert set(ids(year=year)) == {r1.pk, r2.pk}
    assert ids(year=year - 3) == []
    # Persian normalisation: Arabic yeh and kaf, and a word prefix.
    assert ids(q="تسهيلات سرما") == [r1.pk]
    assert ids(q="نيشابور") == [r2.pk]
    # A number (Persian digits too) or its beginning: by the number, not word by word.
    assert ids(q=r2.number) == [r2.pk]
    assert ids(q=to_persian_digits(r1.number)) == [r1.pk]
    assert set(ids(q=r1.number.rsplit("/", 1)[0] + "/")) == {r1.pk, r2.pk}
    assert ids(q="منتشرنشده") == []


def test_it_lists_the_years_of_published_resolutions(known):
    year = to_jalali(known["r1"].passed_on).year
    assert selectors.resolution_years() == [year]
    start, end = selectors.jalali_year_range(year)
    assert start <= known["r1"].passed_on < end
    assert to_jalali(start).month == to_jalali(start).day == 1
