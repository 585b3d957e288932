"""Meetings: creation, agenda, attendance, quorum, votes, resolutions, search, calendar."""

import datetime
import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hamafza.accounts.models import Role
from hamafza.conftest import make_user, sign_in
from hamafza.decisions import ical, services
from hamafza.decisions.models import (
    AgendaItem,
    Meeting,
    MeetingKind,
    MeetingMember,
    MeetingRule,
    Proposal,
    Resolution,
    Vote,
)
from hamafza.persian.text import to_persian_digits

pytestmark = pytest.mark.django_db

TEHRAN = datetime.timezone(datetime.timedelta(hours=3, minutes=30))


def board_meeting(world, *, members: int = 4, present: int | None = None, **fields) -> Meeting:
    """A board meeting of `members` board members (the board persona first); the first
    `present` of them present (all when None)."""
    users = [world.users["board"]] + [
        make_user(f"board-{i}", Role.BOARD) for i in range(2, members + 1)
    ]
    defaults = {
        "kind": MeetingKind.BOARD,
        "title": "جلسه هیئت رئیسه",
        "starts_at": timezone.now() + datetime.timedelta(days=1),
        "place": "سالن جلسات",
    }
    meeting = services.meeting_create(actor=world.users["staff"], **{**defaults, **fields})
    chosen = users if present is None else users[:present]
    services.attendance_set(
        actor=world.users["staff"], meeting=meeting, present_user_ids=[u.pk for u in chosen]
    )
    meeting.voters = users
    return meeting


def open_item(world, meeting, title="تکمیل زنجیره ارزش زعفران") -> AgendaItem:
    item = services.agenda_item_add(actor=world.users["staff"], meeting=meeting, title=title)
    services.voting_open(actor=world.users["staff"], item=item)
    return item


def vote_url(item) -> str:
    return reverse("decisions:vote", args=[item.meeting_id, item.pk])


def htmx_vote(client, item, choice="for"):
    return client.post(vote_url(item), {"choice": choice}, headers={"HX-Request": "true"})


# --------------------------------------------------------------------------- creation
def test_it_creates_a_board_meeting_from_the_form_with_a_jalali_time(world, client_for):
    extra = make_user("board-2", Role.BOARD)
    response = client_for("staff").post(
        reverse("decisions:meeting_create"),
        {
            "kind": "board",
            "title": "جلسه عادی هیئت رئیسه",
            "starts_at": "۱۴۰۵/۰۲/۱۰ ۱۶:۳۰",
            "place": "سالن جلسات اتاق",
        },
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == reverse("decisions:meeting_detail", args=[meeting.pk])
    local = timezone.localtime(meeting.starts_at)
    assert (local.year, local.month, local.day, local.hour, local.minute) == (2026, 4, 30, 16, 30)
    assert set(meeting.members.values_list("user_id", flat=True)) == {
        world.users["board"].pk,
        extra.pk,
    }
    assert all(meeting.members.values_list("voting", flat=True))


def test_it_invites_the_directorate_as_guests_to_a_joint_session(world, client_for):
    client_for("staff").post(
        reverse("decisions:meeting_create"),
        {
            "kind": "joint",
            "title": "جلسه مشترک در هفته تعاون",
            "starts_at": "1405/04/15 10:00",
            "online_link": "meet.example.org/hamafza",
        },
    )
    meeting = Meeting.objects.get()
    assert meeting.online_link == "https://meet.example.org/hamafza"
    members = {m.user.username: m.voting for m in meeting.members.select_related("user")}
    assert members == {"board": True, "directorate": False}


def test_it_creates_a_commission_with_the_chosen_voting_members(world, client_for):
    client = client_for("staff")
    url = reverse("decisions:meeting_create")
    base = {"kind": "commission", "title": "کمیسیون کشاورزی", "starts_at": "1405/03/01 09:00"}
    refused = client.post(url, {**base, "place": "اتاق ۲"})
    assert refused.status_code == 422
    assert "دست‌کم یک عضو" in refused.content.decode()
    assert client.post(url, {**base, "members": [world.users["union"].pk]}).status_code == 422
    unknown = client.post(url, {**base, "place": "اتاق ۲", "other_members": "nobody"})
    assert "nobody" in unknown.content.decode()
    assert not Meeting.objects.exists()
    client.post(
        url,
        {
            **base,
            "place": "اتاق ۲",
            "members": [world.users["union"].pk],
            "other_members": "coop",
        },
    )
    meeting = Meeting.objects.get()
    assert set(meeting.members.values_list("user__username", flat=True)) == {"union", "coop"}
    # The commission's member (a cooperative's representative) now sees the meeting.
    assert (
        client_for("coop").get(reverse("decisions:meeting_detail", args=[meeting.pk])).status_code
        == 200
    )
    assert (
        client_for("coop2").get(reverse("decisions:meeting_detail", args=[meeting.pk])).status_code
        == 404
    )


def test_it_refuses_meeting_creation_to_those_who_do_not_manage_meetings(world):
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            actor=world.users["board"], kind="board", title="x", starts_at=timezone.now()
        )


# --------------------------------------------------------------------------- agenda
def test_it_puts_a_proposal_on_the_agenda_carrying_its_text_and_legal_basis(world, client_for):
    proposal = services.proposal_submit(
        actor=world.users["coop"],
        title="معافیت مالیاتی تعاونی‌های زعفران",
        text="درخواست پیگیری معافیت مالیاتی",
        legal_basis="ماده ۳۸ قانون بخش تعاونی",
    )
    meeting = board_meeting(world, members=1)
    url = reverse("decisions:agenda_item_add", args=[meeting.pk])
    client = client_for("staff")
    page = client.get(url).content.decode()
    assert f'<option value="{proposal.pk}"' in page
    client.post(url, {"source": "proposal", "proposal": proposal.pk})
    item = meeting.agenda.get()
    assert (item.title, item.description, item.legal_basis, item.proposal) == (
        proposal.title,
        proposal.text,
        proposal.legal_basis,
        proposal,
    )
    assert Proposal.objects.get(pk=proposal.pk).state == Proposal.State.ON_AGENDA
    # No longer offered: it is on an agenda already.
    assert f'<option value="{proposal.pk}"' not in client.get(url).content.decode()


def test_it_puts_a_consultation_on_the_agenda(world, client_for):
    consultation = services.consultation_create(
        actor=world.users["staff"],
        title="نظرخواهی درباره شبکه فروش",
        question="آیا با شبکه فروش مشترک موافقید؟",
        kind="proposal",
        audience="all",
        closes_at=timezone.now() + datetime.timedelta(days=3),
    )
    meeting = board_meeting(world, members=1)
    client_for("staff").post(
        reverse("decisions:agenda_item_add", args=[meeting.pk]),
        {"source": "consultation", "consultation": consultation.pk, "title": "شبکه فروش"},
    )
    item = meeting.agenda.get()
    assert (item.title, item.consultation, item.description) == (
        "شبکه فروش",
        consultation,
        consultation.question,
    )


def test_it_needs_a_title_for_a_free_agenda_item(world, client_for):
    meeting = board_meeting(world, members=1)
    url = reverse("decisions:agenda_item_add", args=[meeting.pk])
    response = client_for("staff").post(url, {"source": "free", "title": "  "})
    assert response.status_code == 422
    assert "عنوان بند را بنویسید" in response.content.decode()
    assert not meeting.agenda.exists()


# --------------------------------------------------------------------------- quorum
def test_it_needs_more_than_half_of_the_voting_members_for_quorum(world, client_for):
    meeting = board_meeting(world, members=4, present=2)
    assert services.quorum(meeting) == (2, 4, False)
    page = client_for("board").get(reverse("decisions:meeting_detail", args=[meeting.pk]))
    html = page.content.decode()
    assert "۲ از ۴" in html and "حدنصاب حاصل نیست" in html
    item = services.agenda_item_add(actor=world.users["staff"], meeting=meeting, title="بند")
    with pytest.raises(ValidationError, match="حدنصاب"):
        services.voting_open(actor=world.users["staff"], item=item)

    # Guests do not count towards the quorum.
    guest = make_user("guest", Role.DIRECTORATE)
    MeetingMember.objects.create(meeting=meeting, user=guest, voting=False, present=True)
    assert services.quorum(meeting) == (2, 4, False)

    client_for("staff").post(
        reverse("decisions:meeting_attendance", args=[meeting.pk]),
        {"present": [u.pk for u in meeting.voters[:3]]},
    )
    assert services.quorum(meeting) == (3, 4, True)
    html = client_for("board").get(page.request["PATH_INFO"]).content.decode()
    assert "۳ از ۴" in html and "حدنصاب حاصل است" in html


def test_it_follows_the_configured_quorum_percentage(world):
    MeetingRule.objects.update_or_create(kind="board", defaults={"quorum_percent": 66})
    meeting = board_meeting(world, members=3, present=2)
    assert services.quorum(meeting) == (2, 3, True)  # 66.7% > 66%
    MeetingRule.objects.filter(kind="board").update(quorum_percent=67)
    assert services.quorum(meeting)[2] is False


def test_it_passes_nothing_without_quorum(world, client_for):
    meeting = board_meeting(world, members=4, present=3)
    item = open_item(world, meeting)
    services.vote_cast(actor=meeting.voters[0], item=item, choice="for")
    # A member leaves: two of four present, the quorum is lost while the item is open.
    services.attendance_set(
        actor=world.users["staff"],
        meeting=meeting,
        present_user_ids=[meeting.voters[0].pk, meeting.voters[1].pk],
    )
    response = htmx_vote(sign_in(client_for("public"), meeting.voters[1]), item)
    assert "جلسه به حدنصاب نرسیده است" in response.content.decode()
    assert Vote.objects.count() == 1
    assert services.voting_close(actor=world.users["staff"], item=item) is None
    item.refresh_from_db()
    assert item.state == AgendaItem.State.NO_QUORUM
    assert (item.votes_for, item.present_count) == (1, 2)
    assert not Resolution.objects.exists()


# --------------------------------------------------------------------------- majority
@pytest.mark.parametrize(
    ("majority", "votes", "passes"),
    [
        # Five present. 2 for, 1 against, 2 not voting.
        ("present", ["for", "for", "against"], False),
        ("cast", ["for", "for", "against"], True),
        ("two_thirds", ["for", "for", "against"], False),
        # 3 for, 2 against.
        ("present", ["for", "for", "for", "against", "against"], True),
        ("cast", ["for", "for", "for", "against", "against"], True),
        ("two_thirds", ["for", "for", "for", "against", "against"], False),
        # 4 for, 1 abstain: abstentions count against «present» but not «cast».
        ("two_thirds", ["for", "for", "for", "for", "abstain"], True),
        ("present", ["for", "for", "abstain", "abstain", "abstain"], False),
        ("cast", ["for", "for", "abstain", "against"], False),
    ],
)
def test_it_counts_votes_by_the_configured_majority(world, majority, votes, passes):
    MeetingRule.objects.update_or_create(kind="board", defaults={"majority": majority})
    meeting = board_meeting(world, members=5)
    item = open_item(world, meeting)
    for voter, choice in zip(meeting.voters, votes, strict=False):
        services.vote_cast(actor=voter, item=item, choice=choice)
    resolution = services.voting_close(actor=world.users["staff"], item=item)
    item.refresh_from_db()
    assert item.state == ("passed" if passes else "rejected")
    assert (resolution is not None) is passes
    assert (item.votes_for, item.votes_against, item.votes_abstain, item.present_count) == (
        votes.count("for"),
        votes.count("against"),
        votes.count("abstain"),
        5,
    )


# --------------------------------------------------------------------------- refusals
def test_it_refuses_a_vote_from_an_absent_member(world, client_for):
    meeting = board_meeting(world, members=3, present=2)
    item = open_item(world, meeting)
    absent = sign_in(client_for("public"), meeting.voters[2])
    page = absent.get(reverse("decisions:meeting_detail", args=[meeting.pk])).content.decode()
    assert 'data-testid="vote-form"' not in page
    assert "عضو غایب رأی نمی‌دهد" in page
    response = htmx_vote(absent, item)
    assert response.status_code == 200
    assert "حضور شما در این جلسه ثبت نشده است" in response.content.decode()
    assert not Vote.objects.exists()


def test_it_refuses_a_vote_from_someone_who_is_not_a_voting_member(world, client_for):
    meeting = board_meeting(world, members=1)
    item = open_item(world, meeting)
    guest = make_user("guest", Role.DIRECTORATE)
    MeetingMember.objects.create(meeting=meeting, user=guest, voting=False, present=True)
    for client in (
        client_for("staff"),
        client_for("directorate"),
        sign_in(client_for("public"), guest),
    ):
        response = htmx_vote(client, item)
        assert "فقط اعضای دارای رأی این جلسه رأی می‌دهند" in response.content.decode()
    # Without htmx: the same message, on the meeting page.
    response = client_for("admin").post(vote_url(item), {"choice": "for"}, follow=True)
    assert "فقط اعضای دارای رأی" in response.content.decode()
    # Not even invited and may not see the meeting: 404.
    assert htmx_vote(client_for("coop"), item).status_code == 404
    assert not Vote.objects.exists()


def test_it_refuses_a_second_vote_and_keeps_the_first(world, client_for):
    meeting = board_meeting(world, members=1)
    item = open_item(world, meeting)
    client = client_for("board")
    first = htmx_vote(client, item, "against")
    html = first.content.decode()
    assert "<html" not in html and f'id="item-{item.pk}"' in html
    assert "رأی شما ثبت شد" in html and "رأی شما: مخالف" in html
    second = htmx_vote(client, item, "for")
    assert "رأی شما برای این بند پیش‌تر ثبت شده است" in second.content.decode()
    assert list(Vote.objects.values_list("choice", flat=True)) == ["against"]


def test_it_refuses_a_vote_after_the_item_is_closed(world, client_for):
    meeting = board_meeting(world, members=1)
    item = open_item(world, meeting)
    client_for("staff").post(
        reverse("decisions:voting_close", args=[meeting.pk, item.pk]),
        {f"close-{item.pk}-text": "متن"},
    )
    response = htmx_vote(client_for("board"), item)
    assert "رأی‌گیری این بند باز نیست" in response.content.decode()
    pending = services.agenda_item_add(actor=world.users["staff"], meeting=meeting, title="بعدی")
    assert "رأی‌گیری این بند باز نیست" in htmx_vote(client_for("board"), pending).content.decode()
    assert not Vote.objects.exists()
    with pytest.raises(ValidationError):
        services.vote_cast(actor=world.users["board"], item=item, choice="maybe")


def test_it_refuses_an_unknown_choice(world, client_for):
    meeting = board_meeting(world, members=1)
    item = open_item(world, meeting)
    response = htmx_vote(client_for("board"), item, "maybe")
    assert "رأی باید موافق، مخالف یا ممتنع باشد" in response.content.decode()
    assert not Vote.objects.exists()


def _in_parallel(calls) -> tuple[list, list[Exception]]:
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait()
            # The tests' shared in-memory SQLite refuses a second writer outright where a real
            # database waits; a refused request is sent again, as a browser would.
            for _attempt in range(100):
                try:
                    results.append(call())
                    return
                except OperationalError:
                    time.sleep(0.01)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_it_counts_votes_sent_at_the_same_moment_by_one_member_once(world):
    meeting = board_meeting(world, members=2)
    item = open_item(world, meeting)
    voter, other = meeting.voters
    results, errors = _in_parallel(
        [lambda: services.vote_cast(actor=voter, item=item, choice="for")] * 4
        + [lambda: services.vote_cast(actor=other, item=item, choice="against")]
    )
    assert len(results) == 2, errors
    assert len(errors) == 3
    assert all(
        isinstance(e, ValidationError) and "پیش‌تر ثبت شده" in e.messages[0] for e in errors
    ), errors
    assert sorted(Vote.objects.values_list("member__username", "choice")) == [
        ("board", "for"),
        ("board-2", "against"),
    ]
    services.voting_close(actor=world.users["staff"], item=item)
    item.refresh_from_db()
    assert (item.votes_for, item.votes_against) == (1, 1)


# --------------------------------------------------------------------------- resolutions
def _pass(world, meeting, title):
    item = open_item(world, meeting, title)
    for voter in meeting.voters:
        services.vote_cast(actor=voter, item=item, choice="for")
    return services.voting_close(actor=world.users["staff"], item=item)


def test_it_numbers_resolutions_by_jalali_year_meeting_and_sequence(world):
    first_day = datetime.datetime(2025, 3, 21, 10, 0, tzinfo=TEHRAN)  # ۱ فروردین ۱۴۰۴
    last_day = datetime.datetime(2025, 3, 20, 10, 0, tzinfo=TEHRAN)  # ۳۰ اسفند ۱۴۰۳
    first = board_meeting(world, members=1, starts_at=first_day)
    assert [_pass(world, first, f"بند {n}").number for n in (1, 2)] == [
        "1404/1/1",
        "1404/1/2",
    ]
    second = board_meeting(world, members=1, starts_at=first_day + datetime.timedelta(days=30))
    older = board_meeting(world, members=1, starts_at=last_day)
    joint = services.meeting_create(
        actor=world.users["staff"],
        kind=MeetingKind.JOINT,
        title="جلسه مشترک",
        starts_at=first_day,
        place="اتاق",
    )
    services.attendance_set(
        actor=world.users["staff"], meeting=joint, present_user_ids=[world.users["board"].pk]
    )
    joint.voters = [world.users["board"]]
    assert _pass(world, second, "بند").number == "1404/2/1"
    assert _pass(world, older, "بند").number == "1403/1/1"
    resolution = _pass(world, joint, "بند")
    assert resolution.number == "1404/3/1"  # one series for every kind of meeting
    assert resolution.passed_on == datetime.date(2025, 3, 21)


def _resolution(world, title, **fields) -> Resolution:
    meeting = board_meeting(world, members=1) if not hasattr(world, "_m") else world._m
    world._m = meeting
    resolution = _pass(world, meeting, title)
    if fields:
        Resolution.objects.filter(pk=resolution.pk).update(**fields)
        resolution.refresh_from_db()
    return resolution


def test_it_finds_resolutions_whatever_the_arabic_or_persian_letters(world, client_for):
    official = _resolution(world, "حمايت از شركت تعاوني توليدي")  # Arabic ي and ك
    modern = _resolution(world, "تأمین نهاده‌های کشاورزی")
    other = _resolution(world, "گزارش مالی")
    client = client_for("public")
    url = reverse("decisions:resolution_list")
    html = client.get(url, {"q": "شرکت تعاونی"}).content.decode()
    assert official.title in html and other.title not in html
    html = client.get(url, {"q": "تامين نهاده"}).content.decode()
    assert modern.title in html and official.title not in html
    html = client.get(url, {"q": "نهادههای"}).content.decode()
    assert modern.title in html
    assert "پیدا نشد" in client.get(url, {"q": "زعفران"}).content.decode()
    assert all(r.title in client.get(url).content.decode() for r in (official, modern, other))


def test_it_shows_only_published_resolutions_to_the_public(world, client_for):
    hidden = _resolution(world, "مصوبه محرمانه", published=False)
    shown = _resolution(world, "مصوبه عمومی")
    public = client_for("public").get(reverse("decisions:resolution_list")).content.decode()
    assert shown.title in public and hidden.title not in public
    url = reverse("decisions:resolution_detail", args=[hidden.pk])
    assert client_for("public").get(url).status_code == 404
    assert client_for("coop").get(url).status_code == 404
    assert client_for("board").get(url).status_code == 200


def test_it_shows_a_resolutions_origin_with_links_the_reader_may_follow(world, client_for):
    proposal = services.proposal_submit(
        actor=world.users["union"], title="شبکه فروش زعفران", text="متن پیشنهاد"
    )
    meeting = board_meeting(world, members=1)
    item = services.agenda_item_add(
        actor=world.users["staff"],
        meeting=meeting,
        title=proposal.title,
        legal_basis="ماده ۶۳ قانون بخش تعاونی",
        proposal=proposal,
    )
    services.voting_open(actor=world.users["staff"], item=item)
    services.vote_cast(actor=world.users["board"], item=item, choice="for")
    resolution = services.voting_close(
        actor=world.users["staff"], item=item, text="اتاق شبکه فروش را راه می‌اندازد."
    )
    url = reverse("decisions:resolution_detail", args=[resolution.pk])
    meeting_url = reverse("decisions:meeting_detail", args=[meeting.pk])
    public = client_for("public").get(url).content.decode()
    assert "اتاق شبکه فروش را راه می‌اندازد." in public
    assert "ماده ۶۳ قانون بخش تعاونی" in public
    assert meeting.title in public and meeting_url not in public
    assert "هنوز اقدامی برای اجرای این مصوبه ثبت نشده است" in public
    board = client_for("board").get(url).content.decode()
    assert meeting_url in board
    assert proposal.title in board
    try:
        proposal_url = reverse("decisions:proposal_detail", args=[proposal.pk])
    except Exception:  # the proposals area is not installed
        proposal_url = None
    if proposal_url:
        assert proposal_url in board and proposal_url not in public


# --------------------------------------------------------------------------- pages
def test_it_lists_upcoming_meetings_first_with_their_details(world, client_for):
    past = board_meeting(
        world, members=1, title="جلسه گذشته", starts_at=timezone.now() - datetime.timedelta(days=9)
    )
    later = services.meeting_create(
        actor=world.users["staff"],
        kind="joint",
        title="جلسه دورتر",
        starts_at=timezone.now() + datetime.timedelta(days=20),
        online_link="https://meet.example.org/x",
    )
    soon = services.meeting_create(
        actor=world.users["staff"],
        kind="board",
        title="جلسه نزدیک",
        starts_at=timezone.now() + datetime.timedelta(days=2),
        place="سالن",
    )
    html = client_for("board").get(reverse("decisions:meeting_list")).content.decode()
    assert html.index(soon.title) < html.index(later.title) < html.index(past.title)
    assert "https://meet.example.org/x" in html and "جلسه مشترک با اداره کل" in html
    assert client_for("coop").get(reverse("decisions:meeting_list")).status_code == 200
    assert (
        soon.title not in client_for("coop").get(reverse("decisions:meeting_list")).content.decode()
    )


@pytest.mark.parametrize("url_name", ["decisions:meeting_list", "decisions:resolution_list"])
def test_it_runs_the_same_queries_however_long_the_list(world, client_for, url_name):
    client = client_for("board")
    url = reverse(url_name)

    def add(n):
        for _i in range(n):
            meeting = board_meeting(world, members=1) if not hasattr(world, "_m") else world._m
            world._m = meeting
            _pass(world, meeting, "مصوبه درباره شركت تعاوني")
            services.meeting_create(
                actor=world.users["staff"],
                kind="board",
                title="جلسه",
                starts_at=timezone.now() + datetime.timedelta(days=3),
                place="سالن",
            )
            services.meeting_create(
                actor=world.users["staff"],
                kind="commission",
                title="کمیسیون",
                starts_at=timezone.now() - datetime.timedelta(days=3),
                place="سالن",
                members=[world.users["board"]],
            )

    add(2)
    client.get(url)  # warm caches (session, roles, the calendar token)
    for params in ({}, {"q": "شرکت تعاونی"}):
        with CaptureQueriesContext(connection) as few:
            client.get(url, params)
        add(6)
        with CaptureQueriesContext(connection) as many:
            response = client.get(url, params)
        assert response.status_code == 200
        assert len(many) == len(few), params
        assert len(many) <= 12


def test_it_shows_vote_buttons_only_to_present_voting_members(world, client_for):
    meeting = board_meeting(world, members=1)
    item = open_item(world, meeting)
    url = reverse("decisions:meeting_detail", args=[meeting.pk])
    assert 'data-testid="vote-form"' in client_for("board").get(url).content.decode()
    staff_page = client_for("staff").get(url).content.decode()
    assert 'data-testid="vote-form"' not in staff_page
    assert 'data-testid="voting-close"' in staff_page
    assert 'data-testid="voting-close"' not in client_for("board").get(url).content.decode()
    services.vote_cast(actor=world.users["board"], item=item, choice="for")
    client_for("staff").post(
        reverse("decisions:voting_close", args=[meeting.pk, item.pk]),
        {f"close-{item.pk}-text": "متن ویرایش‌شده مصوبه"},
    )
    assert Resolution.objects.get().text == "متن ویرایش‌شده مصوبه"


def test_it_shows_each_items_result(world, client_for):
    meeting = board_meeting(world, members=3)
    item = open_item(world, meeting)
    for voter, choice in zip(meeting.voters, ["for", "for", "abstain"], strict=True):
        services.vote_cast(actor=voter, item=item, choice=choice)
    services.voting_close(actor=world.users["staff"], item=item)
    html = (
        client_for("directorate")
        .get(reverse("decisions:meeting_detail", args=[meeting.pk]))
        .content.decode()
    )
    assert 'data-state="passed"' in html and "تصویب شد" in html
    assert "board-2" in html  # who voted how
    number = Resolution.objects.get().number
    assert "\u2066" + to_persian_digits(number).replace("ه", "ه\u200e") + "\u2069" in html


# --------------------------------------------------------------------------- calendar
def test_it_serves_the_meetings_a_user_may_see_as_icalendar(world, client_for):
    day = timezone.localdate() + datetime.timedelta(days=10)
    starts = datetime.datetime.combine(day, datetime.time(16, 30), tzinfo=TEHRAN)
    meeting = services.meeting_create(
        actor=world.users["staff"],
        kind="board",
        title="جلسه هیئت رئیسه، بررسی زنجیره ارزش زعفران و شبکه‌سازی تعاونی‌های استان خراسان رضوی",
        starts_at=starts,
        place="سالن جلسات; طبقه دوم, اتاق ۲",
    )
    token = services.calendar_token_for(world.users["board"])
    assert services.calendar_token_for(world.users["board"]) == token
    response = client_for("public").get(reverse("decisions:calendar_feed", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    unfolded = body.replace("\r\n ", "")
    assert f"UID:meeting-{meeting.pk}@testserver" in unfolded
    assert f"DTSTART:{day:%Y%m%d}T130000Z" in unfolded
    assert f"SUMMARY:{meeting.title}\r\n" in unfolded
    assert "LOCATION:سالن جلسات\\; طبقه دوم\\, اتاق ۲\r\n" in unfolded
    assert f"URL:http://testserver/decisions/meetings/{meeting.pk}/" in unfolded
    assert "DTSTAMP:" in unfolded and "VERSION:2.0" in unfolded


def test_it_renews_the_calendar_address_and_the_old_one_stops_working(world, client_for):
    from hamafza.core.models import AuditEvent

    old = services.calendar_token_for(world.users["board"])
    client = client_for("board")
    assert (
        'data-testid="calendar-renew"'
        in client.get(reverse("decisions:meeting_list")).content.decode()
    )
    response = client.post(reverse("decisions:calendar_renew"))
    assert response.status_code == 302
    new = services.calendar_token_for(world.users["board"])
    assert new != old
    public = client_for("public")
    assert public.get(reverse("decisions:calendar_feed", args=[old])).status_code == 404
    assert public.get(reverse("decisions:calendar_feed", args=[new])).status_code == 200
    assert AuditEvent.objects.filter(action="decisions.calendar_token_renew").count() == 1
    assert client.get(reverse("decisions:calendar_renew")).status_code == 405


def test_it_gives_each_user_only_their_own_meetings_in_the_feed(world, client_for):
    meeting = board_meeting(world, members=1, title="جلسه هیئت رئیسه ویژه")
    coop_feed = client_for("public").get(
        reverse("decisions:calendar_feed", args=[services.calendar_token_for(world.users["coop"])])
    )
    assert coop_feed.status_code == 200
    assert "BEGIN:VEVENT" not in coop_feed.content.decode()
    assert meeting.title not in coop_feed.content.decode()
    unknown = client_for("public").get(reverse("decisions:calendar_feed", args=["not-a-token"]))
    assert unknown.status_code == 404
    world.users["board"].is_active = False
    world.users["board"].save()
    board_token = services.calendar_token_for(world.users["board"])
    assert (
        client_for("public").get(reverse("decisions:calendar_feed", args=[board_token])).status_code
        == 404
    )


def test_it_shows_the_users_feed_address_on_the_meeting_list(world, client_for):
    html = client_for("board").get(reverse("decisions:meeting_list")).content.decode()
    token = services.calendar_token_for(world.users["board"])
    assert f"http://testserver/decisions/calendar/{token}.ics" in html
    assert f"webcal://testserver/decisions/calendar/{token}.ics" in html
    other = services.calendar_token_for(world.users["staff"])
    assert other != token and other not in html


def test_it_folds_long_lines_without_splitting_a_character():
    line = "SUMMARY:" + "زنجیره ارزش " * 20
    folded = ical.fold(line)
    pieces = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in pieces)
    assert all(p.startswith(" ") for p in pieces[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(pieces)) == line
    assert ical.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


# --------------------------------------------------------------------------- browser
@pytest.mark.browser
def test_a_member_votes_in_the_browser_and_only_the_item_changes(world, live_server, open_page):
    """On a phone: the board member votes with htmx (the item alone is replaced, no page
    load), then staff close the vote and the resolution number appears."""
    from django.test import override_settings

    from hamafza.core.tests.browser import PageWatch, login, screenshot

    meeting = board_meeting(world, members=1, title="جلسه هیئت رئیسه: صندوق ضمانت")
    item = open_item(world, meeting, "تشکیل صندوق ضمانت تعاونی‌ها")
    url = f"{live_server.url}/decisions/meetings/{meeting.pk}/"
    with override_settings(REQUIRE_2FA=False):
        page = open_page("phone")
        watch = PageWatch.attach(page)
        login(page, live_server, "board")
        page.goto(url)
        page.evaluate("window.__sameDocument = true")
        card = page.locator(f"#item-{item.pk}")
        card.locator("button[value=against]").click()
        page.locator("[data-testid=vote-notice]").wait_for()
        assert page.evaluate("window.__sameDocument") is True  # swapped, not reloaded
        assert "رأی شما: مخالف" in card.inner_text()
        assert card.locator("[data-testid=vote-form]").count() == 0
        screenshot(page, "meeting-browser-vote-phone")
        assert Vote.objects.get().choice == "against"

        staff = open_page("laptop")
        staff_watch = PageWatch.attach(staff)
        login(staff, live_server, "staff")
        staff.goto(url)
        staff.on("dialog", lambda dialog: dialog.accept())  # the data-confirm question
        staff.locator("[data-testid=voting-close]").click()
        staff.wait_for_load_state("load")
        assert "تصویب نشد" in staff.locator(f"#item-{item.pk}").inner_text()
    assert watch.problems() == [] and staff_watch.problems() == []
    assert watch.csp_violations() == [] and staff_watch.csp_violations() == []
