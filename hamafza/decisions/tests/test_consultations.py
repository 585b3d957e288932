"""Consultations (نظرخواهی) through the web: opening, answering each kind, refusals, results,
export, outcome, the list's queries, and answers sent at the same moment."""

import io
import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from hamafza.accounts.models import Role, RoleAssignment
from hamafza.conftest import make_user, sign_in
from hamafza.decisions import services
from hamafza.decisions.models import Consultation, Response, ResponseChoice
from hamafza.persian.jalali import format_jalali_datetime
from hamafza.registry.models import County, Sector

OPTIONS = ["تأمین مالی", "بازار فروش", "آموزش"]


def make(world, kind="proposal", *, actor="staff", **fields) -> Consultation:
    arguments = {
        "title": f"نظرخواهی {kind}",
        "question": "نظر شما چیست؟",
        "kind": kind,
        "audience": Consultation.Audience.ALL,
        "closes_at": timezone.now() + timedelta(days=3),
        "options": [] if kind == "proposal" else OPTIONS,
    }
    arguments.update(fields)
    return services.consultation_create(actor=world.users[actor], **arguments)


def close(consultation: Consultation) -> Consultation:
    now = timezone.now()
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=now - timedelta(days=5), closes_at=now - timedelta(minutes=1)
    )
    consultation.refresh_from_db()
    return consultation


def option_ids(consultation: Consultation) -> list[int]:
    return list(consultation.options.order_by("order").values_list("pk", flat=True))


def answer_url(consultation: Consultation) -> str:
    return reverse("decisions:consultation_answer", args=[consultation.pk])


def detail(client, consultation: Consultation) -> str:
    return client.get(
        reverse("decisions:consultation_detail", args=[consultation.pk])
    ).content.decode()


def jalali_in(days: int) -> str:
    return format_jalali_datetime(timezone.now() + timedelta(days=days), persian_digits=True)


# --------------------------------------------------------------------------- opening
def test_it_opens_a_consultation_from_the_form(world, client_for):
    client = client_for("board")
    assert "نظرخواهی تازه" in client.get(reverse("decisions:consultation_create")).content.decode()
    response = client.post(
        reverse("decisions:consultation_create"),
        {
            "title": "اولویت‌های سال",
            "question": "کدام اولویت مهم‌تر است؟",
            "kind": "ranked",
            "options": "تأمین مالی\n\n  بازار فروش  \nآموزش\n",
            "audience": "county",
            "audience_county": County.objects.get(name="مشهد").pk,
            "closes_at": jalali_in(5),  # Persian digits, as the date picker writes them
            "visibility": "live",
            "score_max": "۵",
        },
    )
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("decisions:consultation_detail", args=[consultation.pk])
    assert consultation.created_by == world.users["board"]
    assert consultation.audience_county.name == "مشهد"
    assert consultation.visibility == "live" and not consultation.anonymous
    assert [o.text for o in consultation.options.all()] == OPTIONS
    assert timedelta(days=4) < consultation.closes_at - timezone.now() < timedelta(days=6)


def test_it_keeps_what_was_typed_and_saves_nothing_on_bad_input(world, client_for):
    client = client_for("staff")
    url = reverse("decisions:consultation_create")
    response = client.post(
        url,
        {
            "title": "نرخ خرید تضمینی",
            "question": "پرسش نوشته‌شده",
            "kind": "single",
            "options": "تنها گزینه",
            "audience": "county",
            "closes_at": jalali_in(-2),
            "visibility": "after_close",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "نظرخواهی باز نشد" in html
    assert "شهرستان مخاطبان را انتخاب کنید." in html
    assert "دست‌کم دو گزینه بنویسید." in html
    assert "زمان پایان باید در آینده باشد." in html
    assert "نرخ خرید تضمینی" in html and "پرسش نوشته‌شده" in html and "تنها گزینه" in html
    assert not Consultation.objects.exists()

    response = client.post(
        url,
        {
            "title": "نرخ خرید تضمینی",
            "question": "؟",
            "kind": "score",
            "options": "الف\nب",
            "score_max": "20",
            "audience": "all",
            "closes_at": "1405/13/40",
            "visibility": "live",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "چنین تاریخ یا ساعتی وجود ندارد." in html or "تاریخ و ساعت را" in html
    assert 'value="1405/13/40"' in html
    assert not Consultation.objects.exists()


def test_it_refuses_duplicate_options(world, client_for):
    response = client_for("staff").post(
        reverse("decisions:consultation_create"),
        {
            "title": "ت",
            "question": "؟",
            "kind": "multiple",
            "options": "الف\nالف",
            "audience": "sector",
            "audience_sector": Sector.objects.get(name="کشاورزی").pk,
            "closes_at": jalali_in(2),
            "visibility": "live",
        },
    )
    assert response.status_code == 422
    assert "گزینه‌ها نباید تکراری باشند." in response.content.decode()
    assert not Consultation.objects.exists()


# --------------------------------------------------------------------------- answering
def _answer_data(kind: str, ids: list[int]) -> dict:
    match kind:
        case "proposal":
            return {"stance": "disagree", "reason": "هزینه‌ها بالا می‌رود."}
        case "single":
            return {"option": [str(ids[1])]}
        case "multiple":
            return {"option": [str(ids[0]), str(ids[2])]}
        case "ranked":
            # Persian digits, as a phone keyboard might send them.
            return {f"rank_{ids[0]}": "۳", f"rank_{ids[1]}": "1", f"rank_{ids[2]}": "2"}
    return {f"score_{ids[0]}": "5", f"score_{ids[1]}": "2", f"score_{ids[2]}": "4"}


@pytest.mark.parametrize("kind", ["proposal", "single", "multiple", "ranked", "score"])
def test_it_answers_each_kind_through_the_web_form(world, client_for, kind):
    consultation = make(world, kind)
    ids = option_ids(consultation)
    client = client_for("coop")
    page = detail(client, consultation)
    assert 'data-testid="answer-form"' in page
    assert world.coop_a.name in page  # answers for its cooperative
    response = client.post(answer_url(consultation), _answer_data(kind, ids))
    assert response.status_code == 302
    answer = Response.objects.get(consultation=consultation)
    assert answer.cooperative == world.coop_a and answer.respondent == world.users["coop"]
    choices = {c.option_id: c for c in answer.choices.all()}
    match kind:
        case "proposal":
            assert answer.stance == "disagree" and answer.reason == "هزینه‌ها بالا می‌رود."
        case "single":
            assert set(choices) == {ids[1]}
        case "multiple":
            assert set(choices) == {ids[0], ids[2]}
        case "ranked":
            assert {i: c.rank for i, c in choices.items()} == {ids[0]: 3, ids[1]: 1, ids[2]: 2}
        case "score":
            assert {i: c.score for i, c in choices.items()} == {ids[0]: 5, ids[1]: 2, ids[2]: 4}
    page = client.get(response["Location"]).content.decode()
    assert "پاسخ شما ثبت شد" in page
    assert 'data-testid="current-answer"' in page and "تغییر پاسخ" in page


def test_it_replaces_a_changed_answer(world, client_for):
    consultation = make(world, "multiple")
    ids = option_ids(consultation)
    client = client_for("coop")
    client.post(answer_url(consultation), {"option": [ids[0], ids[1]]})
    response = client.post(answer_url(consultation), {"option": [ids[2]], "reason": "تغییر"})
    assert response.status_code == 302
    answer = Response.objects.get(consultation=consultation)
    assert [c.option_id for c in answer.choices.all()] == [ids[2]]
    assert ResponseChoice.objects.filter(response__consultation=consultation).count() == 1
    assert "پاسخ شما تغییر کرد" in client.get(response["Location"]).content.decode()
    # The page shows the current answer chosen.
    assert f'value="{ids[2]}" checked' in detail(client, consultation)


def test_it_refuses_a_ranking_that_repeats_a_rank_and_keeps_the_choice(world, client_for):
    consultation = make(world, "ranked")
    ids = option_ids(consultation)
    response = client_for("coop").post(
        answer_url(consultation),
        {f"rank_{ids[0]}": "1", f"rank_{ids[1]}": "1", f"rank_{ids[2]}": "2"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "همه گزینه‌ها را رتبه‌بندی کنید؛ هر رتبه یک بار." in html
    assert "چیزی ثبت یا تغییر داده نشد" in html
    assert html.count('value="1" selected') == 2 and 'value="2" selected' in html
    assert not Response.objects.exists()


def test_it_refuses_a_score_out_of_range(world, client_for):
    consultation = make(world, "score", score_max=5)
    ids = option_ids(consultation)
    response = client_for("coop").post(
        answer_url(consultation),
        {f"score_{ids[0]}": "9", f"score_{ids[1]}": "1", f"score_{ids[2]}": "1"},
    )
    assert response.status_code == 422
    assert "امتیاز هر گزینه باید بین ۱ و ۵ باشد." in response.content.decode()
    assert not Response.objects.exists()


def test_it_refuses_an_answer_to_a_closed_consultation_and_changes_nothing(world, client_for):
    consultation = make(world, "proposal")
    client = client_for("coop")
    client.post(answer_url(consultation), {"stance": "agree", "reason": "نخست"})
    close(consultation)
    response = client.post(answer_url(consultation), {"stance": "disagree", "reason": "دوم"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "این نظرخواهی بسته شده است و پاسخ تازه پذیرفته نمی‌شود." in html
    answer = Response.objects.get(consultation=consultation)
    assert (answer.stance, answer.reason) == ("agree", "نخست")
    assert 'data-testid="answer-form"' not in detail(client, consultation)


def test_it_refuses_an_answer_from_outside_the_audience(world, client_for):
    mashhad = County.objects.get(name="مشهد")
    by_county = make(world, "proposal", audience="county", audience_county=mashhad)
    by_union = make(world, "proposal", audience="union", audience_union=world.union)
    by_sector = make(
        world, "proposal", audience="sector", audience_sector=Sector.objects.get(name="صنعتی")
    )
    client = client_for("coop2")  # Neyshabur, no union, agriculture
    for consultation in (by_county, by_union, by_sector):
        response = client.post(answer_url(consultation), {"stance": "agree"})
        assert response.status_code == 404  # not theirs to see, so not theirs to answer
        with pytest.raises(PermissionDenied):
            services.consultation_answer(
                actor=world.users["coop2"],
                consultation=consultation,
                cooperative=world.coop_b,
                stance="agree",
            )
    # Seen (open to all) but answered in another cooperative's name: refused with a message.
    to_all = make(world, "proposal")
    response = client.post(answer_url(to_all), {"stance": "agree", "cooperative": world.coop_a.pk})
    assert response.status_code == 403
    assert "فقط نماینده تعاونی می‌تواند از طرف آن پاسخ دهد." in response.content.decode()
    # Staff see the consultation but answer for no cooperative.
    response = client_for("staff").post(answer_url(to_all), {"stance": "agree"})
    assert response.status_code == 403
    assert not Response.objects.exists()


def test_it_lets_board_members_answer_a_board_consultation(world, client_for):
    consultation = make(world, "single", audience="board")
    ids = option_ids(consultation)
    assert (
        client_for("coop")
        .get(reverse("decisions:consultation_detail", args=[consultation.pk]))
        .status_code
        == 404
    )
    response = client_for("board").post(answer_url(consultation), {"option": [ids[0]]})
    assert response.status_code == 302
    assert Response.objects.get().board_member == world.users["board"]


# --------------------------------------------------------------------------- results
def test_it_hides_results_until_close_when_visibility_is_after_close(world, client_for):
    consultation = make(world, "proposal", visibility="after_close")
    services.consultation_answer(
        actor=world.users["coop"], consultation=consultation, stance="agree"
    )
    page = detail(client_for("coop2"), consultation)
    assert 'data-testid="results-hidden"' in page and 'data-testid="turnout"' not in page
    assert world.coop_a.name not in page
    # The owner's side (staff) and the board always see them.
    assert 'data-testid="turnout"' in detail(client_for("staff"), consultation)
    assert 'data-testid="turnout"' in detail(client_for("board"), consultation)
    close(consultation)
    page = detail(client_for("coop2"), consultation)
    assert 'data-testid="turnout"' in page
    assert "۵۰٪ (۱ از ۲)" in page  # one of the two active cooperatives answered
    assert "hz-w-100" in page  # every answer agrees


def test_it_shows_live_results_while_open(world, client_for):
    consultation = make(world, "single", visibility="live")
    ids = option_ids(consultation)
    services.consultation_answer(
        actor=world.users["coop"], consultation=consultation, option_ids=[ids[1]]
    )
    page = detail(client_for("coop2"), consultation)
    assert 'data-testid="turnout"' in page
    assert 'hx-trigger="every 30s"' in page
    assert "۱ (۱۰۰٪)" in page
    partial = client_for("coop2").get(
        reverse("decisions:consultation_detail", args=[consultation.pk]),
        {"part": "results"},
        headers={"HX-Request": "true"},
    )
    assert "<html" not in partial.content.decode()
    assert 'data-testid="turnout"' in partial.content.decode()


def test_it_hides_names_when_anonymous(world, client_for):
    named = make(world, "proposal", visibility="live")
    anonymous = make(world, "proposal", visibility="live", anonymous=True)
    for consultation in (named, anonymous):
        services.consultation_answer(
            actor=world.users["coop"], consultation=consultation, stance="agree", reason="دلیل"
        )
    page = detail(client_for("coop2"), named)
    assert 'data-testid="respondents"' in page and world.coop_a.name in page
    for persona in ("coop2", "staff", "board"):
        page = detail(client_for(persona), anonymous)
        assert 'data-testid="respondents"' not in page
        assert world.coop_a.name not in page


# --------------------------------------------------------------------------- export
def _sheet_rows(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_it_exports_results_and_answers_as_xlsx(world, client_for):
    consultation = make(world, "single", title="انتخاب اولویت")
    ids = option_ids(consultation)
    services.consultation_answer(
        actor=world.users["coop"],
        consultation=consultation,
        option_ids=[ids[1]],
        reason='=HYPERLINK("http://evil")',
    )
    rows = _sheet_rows(
        client_for("staff").get(reverse("decisions:consultation_export", args=[consultation.pk]))
    )
    assert rows[0][:2] == ("نظرخواهی", "انتخاب اولویت")
    assert rows[6][:2] == ("شمار پاسخ‌ها", 1)
    results = rows.index(("گزینه", "شمار", "درصد", None, None))
    assert rows[results + 1][:3] == ("بازار فروش", 1, 100)
    answers = rows[rows.index(("پاسخ‌دهنده", "شناسه ملی", "پاسخ", "دلیل", "زمان پاسخ")) + 1 :]
    assert len(answers) == 1
    assert answers[0][:4] == (
        world.coop_a.name,
        world.coop_a.national_id,
        "بازار فروش",
        '\'=HYPERLINK("http://evil")',  # neutralised, never a formula
    )


def test_it_exports_no_names_of_an_anonymous_consultation(world, client_for):
    consultation = make(world, "proposal", anonymous=True)
    services.consultation_answer(
        actor=world.users["coop"], consultation=consultation, stance="agree"
    )
    rows = _sheet_rows(
        client_for("staff").get(reverse("decisions:consultation_export", args=[consultation.pk]))
    )
    flat = [str(v) for row in rows for v in row if v is not None]
    assert world.coop_a.name not in flat and world.coop_a.national_id not in flat
    assert "موافق" in flat


# --------------------------------------------------------------------------- outcome
def test_it_publishes_the_outcome_only_after_close_and_mails_the_audience(world, client_for):
    consultation = make(world, "proposal", actor="board")
    url = reverse("decisions:consultation_outcome", args=[consultation.pk])
    client = client_for("board")
    mail.outbox.clear()
    response = client.post(url, {"outcome": "زود است"})
    assert response.status_code == 409
    assert "جمع‌بندی پس از پایان نظرخواهی نوشته می‌شود." in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.outcome_published_at is None and not mail.outbox
    # Not yet visible to the public.
    assert (
        client_for("public")
        .get(reverse("decisions:consultation_list"))
        .content.decode()
        .count("data-consultation=")
        == 0
    )
    close(consultation)
    assert client.post(url, {"outcome": "  "}).status_code == 422
    response = client.post(url, {"outcome": "بیشتر تعاونی‌ها موافق بودند؛ به هیئت رئیسه می‌رود."})
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.outcome.startswith("بیشتر تعاونی‌ها")
    assert sorted(m.to[0] for m in mail.outbox) == ["coop2@example.org", "coop@example.org"]
    assert consultation.title in mail.outbox[0].subject
    assert "۲ نفر" in client.get(response["Location"]).content.decode()
    # Now the public sees it, with its outcome.
    public = client_for("public")
    assert (
        f'data-consultation="{consultation.pk}"'
        in public.get(reverse("decisions:consultation_list")).content.decode()
    )
    page = detail(public, consultation)
    assert 'data-testid="outcome"' in page and "به هیئت رئیسه می‌رود" in page


def test_it_refuses_the_outcome_to_those_who_do_not_own_the_consultation(world, client_for):
    consultation = close(make(world, "proposal", actor="board"))
    url = reverse("decisions:consultation_outcome", args=[consultation.pk])
    for persona in ("coop", "directorate"):
        assert client_for(persona).post(url, {"outcome": "x"}).status_code == 403
    assert Consultation.objects.get(pk=consultation.pk).outcome == ""


# --------------------------------------------------------------------------- list
def test_it_lists_open_consultations_first_with_state_and_answer(world, client_for):
    closed = close(make(world, "proposal", title="بسته‌شده"))
    later = make(world, "proposal", title="دیرتر", closes_at=timezone.now() + timedelta(days=9))
    sooner = make(world, "proposal", title="زودتر", closes_at=timezone.now() + timedelta(days=1))
    services.consultation_answer(actor=world.users["coop"], consultation=later, stance="agree")
    client = client_for("coop")
    html = client.get(reverse("decisions:consultation_list")).content.decode()
    positions = [html.index(f'data-consultation="{c.pk}"') for c in (sooner, later, closed)]
    assert positions == sorted(positions)
    assert html.count('data-answered="yes"') == 1 and html.count('data-answered="no"') == 1
    only_open = client.get(
        reverse("decisions:consultation_list"), {"state": "open"}
    ).content.decode()
    assert "بسته‌شده" not in only_open and "زودتر" in only_open
    only_closed = client.get(
        reverse("decisions:consultation_list"), {"state": "closed"}
    ).content.decode()
    assert "بسته‌شده" in only_closed and "زودتر" not in only_closed


@pytest.mark.parametrize("persona", ["coop", "staff"])
def test_it_lists_with_the_same_number_of_queries_however_many_consultations(
    world, client_for, persona
):
    client = client_for(persona)
    url = reverse("decisions:consultation_list")

    def add(n):
        for i in range(n):
            c = make(
                world,
                "single",
                title=f"ن {i}",
                audience="county",
                audience_county=world.coop_a.county,
            )
            services.consultation_answer(
                actor=world.users["coop"], consultation=c, option_ids=option_ids(c)[:1]
            )

    add(2)
    client.get(url)  # warm caches (session, roles)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(15)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("data-consultation=") == 17
    assert len(many) == len(few)
    assert len(many) <= 12


# --------------------------------------------------------------------------- concurrency
def _busy_wait(call):
    """Run call, waiting out another connection's write lock.

    A file SQLite database (WAL, busy_timeout, as deployed) and PostgreSQL wait by
    themselves. Django's default SQLite *test* database is in memory with a shared cache,
    where a lock is refused at once ("database table is locked") instead of waited for; the
    refused transaction rolled back whole, so trying again is what busy_timeout would do.
    """
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    for _attempt in range(200):
        try:
            return call()
        except OperationalError as error:
            if not (in_memory and "locked" in str(error)):
                raise
            time.sleep(0.01)
    raise AssertionError("still locked after 2 seconds")


def _in_parallel(calls) -> list[Exception]:
    barrier = threading.Barrier(len(calls))
    errors: list[Exception] = []

    def run(call):
        try:
            barrier.wait()
            _busy_wait(call)
        except Exception as exc:  # pragma: no cover - reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_it_counts_answers_sent_at_the_same_moment_exactly_once(world):
    consultation = make(world, "single")
    ids = option_ids(consultation)
    # A second representative of the same cooperative.
    deputy = make_user("coop-deputy", Role.COOPERATIVE, cooperative=world.coop_a)
    first, second = world.users["coop"], deputy

    errors = _in_parallel(
        [
            lambda: services.consultation_answer(
                actor=first, consultation=consultation, option_ids=[ids[0]]
            ),
            lambda: services.consultation_answer(
                actor=second, consultation=consultation, option_ids=[ids[1]]
            ),
        ]
    )
    assert not errors, errors
    answer = Response.objects.get(consultation=consultation)
    assert answer.cooperative_id == world.coop_a.pk
    assert ResponseChoice.objects.filter(response__consultation=consultation).count() == 1
    assert answer.choices.get().option_id in ids[:2]

    # The same person sending twice at once (a double click): still one answer.
    other = make(world, "proposal")
    coop2 = world.users["coop2"]
    errors = _in_parallel(
        [
            lambda: services.consultation_answer(
                actor=coop2, consultation=other, stance="agree", reason="یک"
            ),
            lambda: services.consultation_answer(
                actor=coop2, consultation=other, stance="agree", reason="یک"
            ),
        ]
    )
    assert not errors, errors
    assert Response.objects.filter(consultation=other).count() == 1
    assert Response.objects.filter(consultation=other, cooperative=world.coop_b).exists()


def test_it_lets_a_second_representative_change_the_cooperatives_answer(world, client_for):
    consultation = make(world, "proposal")
    deputy = make_user("coop-deputy", Role.COOPERATIVE, cooperative=world.coop_a)
    client_for("coop").post(answer_url(consultation), {"stance": "agree"})
    from django.test import Client

    response = sign_in(Client(), deputy).post(answer_url(consultation), {"stance": "abstain"})
    assert response.status_code == 302
    answer = Response.objects.get(consultation=consultation)
    assert (answer.stance, answer.respondent) == ("abstain", deputy)
    assert RoleAssignment.objects.filter(cooperative=world.coop_a).count() == 2


def test_it_ignores_fields_the_chosen_kind_does_not_use(world, client_for):
    response = client_for("staff").post(
        reverse("decisions:consultation_create"),
        {
            "title": "پیشنهاد",
            "question": "موافقید؟",
            "kind": "proposal",
            "options": "الف\nالف",  # typed before switching the kind; hidden now
            "score_max": "99",
            "audience": "all",
            "closes_at": jalali_in(3),
            "visibility": "after_close",
        },
    )
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.kind == "proposal" and not consultation.options.exists()


def test_it_says_how_long_until_a_consultation_closes():
    from hamafza.decisions.views_consultations import time_left

    now = timezone.now()
    assert time_left(now + timedelta(days=2, hours=3, minutes=5), now) == "2 روز و 3 ساعت"
    assert time_left(now + timedelta(hours=5, minutes=7), now) == "5 ساعت و 7 دقیقه"
    assert time_left(now + timedelta(seconds=20), now) == "1 دقیقه"
