from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch
from django.utils import timezone

from hamafza.api.models import ApiToken
from hamafza.decisions import services
from hamafza.decisions.models import Consultation, Meeting, MeetingKind, Minutes, Resolution
from hamafza.registry.models import County


def bearer(user) -> dict:
    _token, raw = ApiToken.issue(user)
    return {"Authorization": f"Bearer {raw}"}


def get(url: str, user=None, **params):
    return Client().get(url, params, headers=bearer(user) if user else {})


def _close(consultation: Consultation, *, days_ago: int = 1) -> Consultation:
    """Move a consultation into the past (the services insist on a future close)."""
    now = timezone.now()
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=now - timedelta(days=days_ago + 10), closes_at=now - timedelta(days=days_ago)
    )
    consultation.refresh_from_db()
    return consultation


def _held_meeting(staff, *, title: str, kind=MeetingKind.BOARD, items=(), starts_days=-3):
    """A meeting with its members present and each (title, choice) item voted and closed."""
    meeting = services.meeting_create(
        actor=staff,
        kind=kind,
        title=title,
        starts_at=timezone.now() + timedelta(days=starts_days),
        place="سالن جلسات اتاق تعاون",
    )
    services.attendance_set(
        actor=staff,
        meeting=meeting,
        present_user_ids=meeting.members.values_list("user_id", flat=True),
    )
    resolutions = []
    for item_title, choice in items:
        item = services.agenda_item_add(actor=staff, meeting=meeting, title=item_title)
        services.voting_open(actor=staff, item=item)
        for member in meeting.members.filter(voting=True).select_related("user"):
            services.vote_cast(actor=member.user, item=item, choice=choice)
        resolutions.append(services.voting_close(actor=staff, item=item))
    return meeting, resolutions


@pytest.fixture
def decided(world):
    """Consultations in every state and audience, meetings and resolutions."""
    staff, coop, coop2 = world.users["staff"], world.users["coop"], world.users["coop2"]
    now = timezone.now()
    create = services.consultation_create
    union_open = create(
        actor=staff,
        title="نیازهای آموزشی تعاونی‌های عضو اتحادیه",
        question="کدام آموزش بیشتر به کار شما می‌آید؟",
        kind=Consultation.Kind.SINGLE,
        audience=Consultation.Audience.UNION,
        audience_union=world.union,
        closes_at=now + timedelta(days=5),
        options=["بازاریابی", "مالیات"],
    )
    all_live = create(
        actor=staff,
        title="پیشنهاد صندوق ضمانت مشترک",
        question="با تشکیل صندوق موافقید؟",
        kind=Consultation.Kind.PROPOSAL,
        audience=Consultation.Audience.ALL,
        visibility=Consultation.Visibility.LIVE,
        closes_at=now + timedelta(days=5),
    )
    services.consultation_answer(actor=coop2, consultation=all_live, stance="agree")
    published = create(
        actor=staff,
        title="اولویت‌های زنجیره ارزش زعفران",
        question="اولویت نخست کدام است؟",
        kind=Consultation.Kind.SINGLE,
        audience=Consultation.Audience.ALL,
        closes_at=now + timedelta(days=5),
        options=["بسته‌بندی", "صادرات"],
    )
    services.consultation_answer(
        actor=coop, consultation=published, option_ids=[published.options.first().pk]
    )
    services.consultation_publish_outcome(
        actor=staff, consultation=_close(published), outcome="بسته‌بندی در اولویت است."
    )
    unpublished = create(
        actor=staff,
        title="مشکلات تعاونی‌های نیشابور",
        question="مهم‌ترین مشکل؟",
        kind=Consultation.Kind.SINGLE,
        audience=Consultation.Audience.COUNTY,
        audience_county=County.objects.get(name="نیشابور"),
        closes_at=now + timedelta(days=5),
        options=["نقدینگی", "بازار"],
    )
    _close(unpublished, days_ago=2)
    upcoming = create(
        actor=staff,
        title="نظرخواهی آینده",
        question="؟",
        kind=Consultation.Kind.SINGLE,
        audience=Consultation.Audience.ALL,
        opens_at=now + timedelta(days=2),
        closes_at=now + timedelta(days=9),
        options=["الف", "ب"],
    )
    board_only = create(
        actor=staff,
        title="ارزیابی کمیسیون‌ها",
        question="؟",
        kind=Consultation.Kind.PROPOSAL,
        audience=Consultation.Audience.BOARD,
        closes_at=now + timedelta(days=5),
    )
    board_meeting, (passed, rejected) = _held_meeting(
        staff,
        title="جلسه هیئت رئیسه",
        items=[("تأمین نهاده‌های دامداران", "for"), ("افزایش حق عضویت", "against")],
    )
    _joint, (unpublished_resolution,) = _held_meeting(
        staff,
        title="جلسه مشترک هفته تعاون",
        kind=MeetingKind.JOINT,
        items=[("تكميل زنجيره ارزش و شبكه‌سازي", "for")],
        starts_days=-2,
    )
    Resolution.objects.filter(pk=unpublished_resolution.pk).update(published=False)
    commission = services.meeting_create(
        actor=staff,
        kind=MeetingKind.COMMISSION,
        title="کمیسیون کشاورزی",
        starts_at=now + timedelta(days=4),
        guests=[coop],
    )
    return SimpleNamespace(
        union_open=union_open,
        all_live=all_live,
        published=published,
        unpublished=unpublished,
        upcoming=upcoming,
        board_only=board_only,
        board_meeting=board_meeting,
        joint=_joint,
        commission=commission,
        passed=passed,
        rejected=rejected,
        unpublished_resolution=unpublished_resolution,
    )


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {r["id"] for r in response.json()["results"]}


# --------------------------------------------------------------------------- consultations
def test_it_lists_consultations_in_the_contract_shape(world, decided):
    data = get("/api/v1/consultations", world.users["staff"]).json()
    assert data["count"] == 6
    item = next(r for r in data["results"] if r["id"] == decided.all_live.pk)
    assert set(item) == {
        "id",
        "title",
        "kind",
        "audience",
        "opens_at",
        "closes_at",
        "state",
        "anonymous",
        "responses",
    }
    assert item["state"] == "open" and item["responses"] == 1 and item["kind"] == "proposal"
    assert item["closes_at"].startswith(
        timezone.localtime(decided.all_live.closes_at).date().isoformat()
    )
    assert "T" in item["opens_at"]


def test_it_shows_the_public_only_closed_consultations_with_a_published_outcome(world, decided):
    assert ids(get("/api/v1/consultations")) == {decided.published.pk}
    detail = get(f"/api/v1/consultations/{decided.published.pk}").json()
    assert detail["state"] == "closed"
    assert detail["outcome"] == "بسته‌بندی در اولویت است."
    assert detail["results"]["responses"] == 1
    assert get(f"/api/v1/consultations/{decided.unpublished.pk}").status_code == 404


def test_it_shows_a_cooperative_only_the_consultations_of_its_audience(world, decided):
    assert ids(get("/api/v1/consultations", world.users["coop"])) == {
        decided.union_open.pk,
        decided.all_live.pk,
        decided.published.pk,
        decided.upcoming.pk,
    }
    assert ids(get("/api/v1/consultations", world.users["coop2"])) == {
        decided.all_live.pk,
        decided.published.pk,
        decided.unpublished.pk,
        decided.upcoming.pk,
    }
    assert ids(get("/api/v1/consultations", world.users["union"])) == {
        decided.union_open.pk,
        decided.published.pk,
    }
    everything = ids(get("/api/v1/consultations", world.users["board"]))
    assert decided.board_only.pk in everything and len(everything) == 6


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("open", {"union_open", "all_live", "board_only"}),
        ("closed", {"published", "unpublished"}),
        ("upcoming", {"upcoming"}),
    ],
)
def test_it_filters_consultations_by_state(world, decided, state, expected):
    found = ids(get("/api/v1/consultations", world.users["directorate"], state=state))
    assert found == {getattr(decided, name).pk for name in expected}


def test_it_filters_consultations_by_kind(world, decided):
    found = ids(get("/api/v1/consultations", world.users["staff"], kind="proposal"))
    assert found == {decided.all_live.pk, decided.board_only.pk}


@pytest.mark.parametrize("params", [{"state": "finished"}, {"kind": "essay"}, {"page": 0}])
def test_it_refuses_bad_consultation_filters_with_400(world, decided, params):
    response = get("/api/v1/consultations", world.users["staff"], **params)
    assert response.status_code == 400
    assert set(response.json()) == {"detail"}


def test_it_gives_results_only_once_the_caller_may_see_them(world, decided):
    coop, board = world.users["coop"], world.users["board"]
    hidden = get(f"/api/v1/consultations/{decided.union_open.pk}", coop).json()
    assert hidden["results"] is None and hidden["outcome"] is None
    assert [o["text"] for o in hidden["options"]] == ["بازاریابی", "مالیات"]
    assert hidden["audience_of"] == world.union.name
    assert hidden["question"] == "کدام آموزش بیشتر به کار شما می‌آید؟"
    # Live results and the board see them while the consultation is open.
    live = get(f"/api/v1/consultations/{decided.all_live.pk}", coop).json()
    assert live["results"]["stances"]["agree"]["count"] == 1
    assert get(f"/api/v1/consultations/{decided.union_open.pk}", board).json()["results"] == {
        **services.consultation_results(decided.union_open)
    }


def test_it_answers_404_for_consultations_the_caller_may_not_see(world, decided):
    for user, consultation in [
        (world.users["coop2"], decided.union_open),
        (world.users["coop"], decided.board_only),
        (None, decided.union_open),
    ]:
        response = get(f"/api/v1/consultations/{consultation.pk}", user)
        assert response.status_code == 404
        assert response.json() == {"detail": "پیدا نشد."}
    assert get("/api/v1/consultations/999999", world.users["admin"]).status_code == 404


def test_it_paginates_consultations(world, decided):
    staff = world.users["staff"]
    first = get("/api/v1/consultations", staff, page_size=4).json()
    second = get("/api/v1/consultations", staff, page_size=4, page=2).json()
    assert first["count"] == second["count"] == 6
    assert len(first["results"]) == 4 and len(second["results"]) == 2
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}
    assert get("/api/v1/consultations", staff, page_size=101).status_code == 400
    assert get("/api/v1/consultations", staff, page=9).json()["results"] == []


# --------------------------------------------------------------------------- meetings
def test_it_asks_the_public_to_sign_in_for_meetings(world, decided):
    for url in ["/api/v1/meetings", f"/api/v1/meetings/{decided.board_meeting.pk}"]:
        response = get(url)
        assert response.status_code == 401
        assert set(response.json()) == {"detail"}


def test_it_lists_meetings_in_the_contract_shape(world, decided):
    data = get("/api/v1/meetings", world.users["board"]).json()
    assert data["count"] == 3
    by_id = {r["id"]: r for r in data["results"]}
    item = by_id[decided.board_meeting.pk]
    assert set(item) == {
        "id",
        "title",
        "kind",
        "starts_at",
        "place",
        "state",
        "quorum_met",
        "minutes_pdf",
    }
    assert item["kind"] == "board" and item["quorum_met"] is True
    assert item["minutes_pdf"] is None
    assert by_id[decided.commission.pk]["quorum_met"] is False
    # Newest first.
    assert data["results"][0]["id"] == decided.commission.pk


def test_it_computes_quorum_as_the_services_do(world, decided):
    staff = world.users["staff"]
    # Half of the voting members is no quorum: «more than half».
    extra = services.meeting_create(
        actor=staff,
        kind=MeetingKind.COMMISSION,
        title="کمیسیون دو نفره",
        starts_at=timezone.now(),
        members=[world.users["board"], world.users["directorate"]],
    )
    services.attendance_set(actor=staff, meeting=extra, present_user_ids=[world.users["board"].pk])
    found = {r["id"]: r["quorum_met"] for r in get("/api/v1/meetings", staff).json()["results"]}
    for meeting in Meeting.objects.all():
        assert found[meeting.pk] == services.quorum(meeting)[2], meeting.title
    assert found[extra.pk] is False


def test_it_shows_others_only_the_meetings_they_are_invited_to(world, decided):
    assert ids(get("/api/v1/meetings", world.users["coop"])) == {decided.commission.pk}
    assert ids(get("/api/v1/meetings", world.users["coop2"])) == set()
    assert len(ids(get("/api/v1/meetings", world.users["directorate"]))) == 3
    response = get(f"/api/v1/meetings/{decided.board_meeting.pk}", world.users["coop"])
    assert response.status_code == 404 and set(response.json()) == {"detail"}
    assert get(f"/api/v1/meetings/{decided.commission.pk}", world.users["coop"]).status_code == 200


def test_it_filters_meetings_by_kind_and_state(world, decided):
    staff = world.users["staff"]
    assert ids(get("/api/v1/meetings", staff, kind="joint")) == {decided.joint.pk}
    assert ids(get("/api/v1/meetings", staff, state="scheduled")) == {decided.commission.pk}
    for params in [{"kind": "party"}, {"state": "dreamt"}]:
        response = get("/api/v1/meetings", staff, **params)
        assert response.status_code == 400 and set(response.json()) == {"detail"}


def test_it_details_a_meeting_with_agenda_votes_and_attendance(world, decided):
    data = get(f"/api/v1/meetings/{decided.board_meeting.pk}", world.users["board"]).json()
    assert [(i["title"], i["state"]) for i in data["agenda"]] == [
        ("تأمین نهاده‌های دامداران", "passed"),
        ("افزایش حق عضویت", "rejected"),
    ]
    assert data["agenda"][0]["votes"] == {"for": 1, "against": 0, "abstain": 0}
    assert data["agenda"][0]["resolution"] == {
        "id": decided.passed.pk,
        "number": decided.passed.number,
    }
    assert data["agenda"][1]["resolution"] is None
    assert data["attendance"] == {
        "invited": 1,
        "present": 1,
        "voting_members": 1,
        "voting_present": 1,
    }
    joint = get(f"/api/v1/meetings/{decided.joint.pk}", world.users["staff"]).json()
    # The directorate is invited to a joint session as a guest, without a vote.
    assert joint["attendance"]["invited"] == 2 and joint["attendance"]["voting_members"] == 1


def test_it_links_final_minutes_as_an_absolute_url(world, decided, monkeypatch):
    minutes = Minutes.objects.create(meeting=decided.board_meeting, finalised_at=timezone.now())
    minutes.pdf.save("m.pdf", ContentFile(b"%PDF-1.4\n"))
    Minutes.objects.create(meeting=decided.joint)  # a draft: no link
    monkeypatch.setattr(
        "hamafza.api.decisions.reverse", lambda name, args: f"/decisions/minutes/{args[0]}.pdf"
    )
    found = {
        r["id"]: r["minutes_pdf"]
        for r in get("/api/v1/meetings", world.users["staff"]).json()["results"]
    }
    assert found[decided.board_meeting.pk] == (
        f"http://testserver/decisions/minutes/{decided.board_meeting.pk}.pdf"
    )
    assert found[decided.joint.pk] is None and found[decided.commission.pk] is None


def test_it_answers_null_minutes_while_the_download_is_not_served(world, decided, monkeypatch):
    minutes = Minutes.objects.create(meeting=decided.board_meeting, finalised_at=timezone.now())
    minutes.pdf.save("m.pdf", ContentFile(b"%PDF-1.4\n"))

    def missing(name, args):
        raise NoReverseMatch(name)

    monkeypatch.setattr("hamafza.api.decisions.reverse", missing)
    url = f"/api/v1/meetings/{decided.board_meeting.pk}"
    assert get(url, world.users["staff"]).json()["minutes_pdf"] is None


# --------------------------------------------------------------------------- resolutions
def test_it_lists_resolutions_in_the_contract_shape(world, decided):
    data = get("/api/v1/resolutions").json()
    assert data["count"] == 1
    (item,) = data["results"]
    assert item == {
        "id": decided.passed.pk,
        "number": decided.passed.number,
        "title": "تأمین نهاده‌های دامداران",
        "meeting": {"id": decided.board_meeting.pk, "title": "جلسه هیئت رئیسه"},
        "passed_on": decided.passed.passed_on.isoformat(),
        "progress": None,
    }


def test_it_shows_unpublished_resolutions_only_to_readers_of_everything(world, decided):
    both = {decided.passed.pk, decided.unpublished_resolution.pk}
    for persona in ["staff", "board", "directorate", "admin"]:
        assert ids(get("/api/v1/resolutions", world.users[persona])) == both, persona
    for persona in ["coop", "coop2", "union"]:
        assert ids(get("/api/v1/resolutions", world.users[persona])) == {decided.passed.pk}
    url = f"/api/v1/resolutions/{decided.unpublished_resolution.pk}"
    assert get(url).status_code == 404
    assert get(url, world.users["coop"]).json() == {"detail": "پیدا نشد."}
    assert get(url, world.users["board"]).json()["published"] is False


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("تامين نهاده", {"passed"}),  # Arabic yeh, alef without hamza
        ("نهادههای", {"passed"}),  # glued where the title has a ZWNJ
        ("تکمیل زنجیره", {"unpublished_resolution"}),  # the record is spelled ك / ي
        ("شبکه سازی", {"unpublished_resolution"}),
        ("ارزش تامین", set()),
    ],
)
def test_it_searches_resolutions_with_persian_normalisation(world, decided, q, found):
    result = ids(get("/api/v1/resolutions", world.users["staff"], q=q))
    assert result == {getattr(decided, name).pk for name in found}


def test_it_searches_resolutions_by_number(world, decided):
    result = ids(get("/api/v1/resolutions", world.users["staff"], q=decided.passed.number))
    assert result == {decided.passed.pk}


def test_it_filters_resolutions_by_meeting(world, decided):
    staff = world.users["staff"]
    found = ids(get("/api/v1/resolutions", staff, meeting=decided.joint.pk))
    assert found == {decided.unpublished_resolution.pk}


def test_it_details_a_resolution(world, decided):
    url = f"/api/v1/resolutions/{decided.passed.pk}"
    public = get(url).json()
    assert public["votes"] == {"for": 1, "against": 0, "abstain": 0}
    assert public["text"] and public["progress"] is None and public["published"] is True
    assert public["proposal"] is None and public["consultation"] is None
    assert get("/api/v1/resolutions/999999").status_code == 404


def test_it_names_a_resolution_origin_only_to_those_who_may_see_it(world, decided):
    staff = world.users["staff"]
    proposal = services.proposal_submit(
        actor=world.users["coop"], title="بازارچه دائمی", text="متن", cooperative=world.coop_a
    )
    meeting = services.meeting_create(
        actor=staff, kind=MeetingKind.BOARD, title="جلسه دوم", starts_at=timezone.now()
    )
    services.attendance_set(
        actor=staff, meeting=meeting, present_user_ids=[world.users["board"].pk]
    )
    item = services.agenda_item_add(
        actor=staff,
        meeting=meeting,
        title="بازارچه دائمی",
        proposal=proposal,
        consultation=decided.union_open,
    )
    services.voting_open(actor=staff, item=item)
    services.vote_cast(actor=world.users["board"], item=item, choice="for")
    resolution = services.voting_close(actor=staff, item=item)
    url = f"/api/v1/resolutions/{resolution.pk}"
    coop = get(url, world.users["coop"]).json()
    assert coop["proposal"] == {"id": proposal.pk, "title": "بازارچه دائمی"}
    assert coop["consultation"]["id"] == decided.union_open.pk
    assert get(url, world.users["coop2"]).json()["consultation"] is None
    assert get(url).json()["proposal"] is None


# --------------------------------------------------------------------------- no N+1
def _queries(url: str, headers: dict, **params) -> int:
    client = Client()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params, headers=headers)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url", ["/api/v1/consultations", "/api/v1/meetings", "/api/v1/resolutions"]
)
def test_it_answers_a_list_in_a_fixed_number_of_queries(world, decided, url):
    staff = world.users["staff"]
    headers = bearer(staff)
    small = _queries(url, headers, page_size=1)
    for n in range(8):
        _held_meeting(staff, title=f"جلسه {n}", items=[(f"بند {n}", "for")], starts_days=-5 - n)
        services.consultation_create(
            actor=staff,
            title=f"نظرخواهی {n}",
            question="؟",
            kind=Consultation.Kind.PROPOSAL,
            audience=Consultation.Audience.ALL,
            closes_at=timezone.now() + timedelta(days=3),
        )
    assert _queries(url, headers, page_size=20) == small


def test_it_describes_the_endpoints_in_the_openapi_document(world):
    spec = Client().get("/api/v1/openapi.json").json()
    for path in [
        "/api/v1/consultations",
        "/api/v1/consultations/{consultation_id}",
        "/api/v1/meetings",
        "/api/v1/meetings/{meeting_id}",
        "/api/v1/resolutions",
        "/api/v1/resolutions/{resolution_id}",
    ]:
        assert path in spec["paths"], path
    progress = spec["components"]["schemas"]["ResolutionItem"]["properties"]["progress"]
    assert "derived from the actions" in progress["description"]
