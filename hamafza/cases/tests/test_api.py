import datetime

import pytest
from django.test import Client
from django.utils import timezone

from hamafza.api.models import ApiToken
from hamafza.cases import services
from hamafza.cases.models import Case, Category
from hamafza.cases.tests.helpers import case_world, category, file_case
from hamafza.conftest import PASSWORD, make_cooperative
from hamafza.core import sms
from hamafza.decisions import services as decisions
from hamafza.decisions.models import MeetingKind
from hamafza.followup.tests.accountability_helpers import action, body

ITEM_KEYS = {
    "id",
    "tracking_number",
    "title",
    "category",
    "cooperative",
    "state",
    "state_label",
    "urgency",
    "filed_at",
    "first_response_due_at",
    "resolution_due_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "breached",
    "rating",
}


def bearer(user) -> dict:
    _token, raw = ApiToken.issue(user)
    return {"Authorization": f"Bearer {raw}"}


def get(url: str, user=None, **params):
    return Client().get(url, params, headers=bearer(user) if user else {})


def post(payload: dict, user=None):
    return Client().post(
        "/api/v1/cases",
        payload,
        content_type="application/json",
        headers=bearer(user) if user else {},
    )


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


@pytest.fixture
def cw(world):
    return case_world(world)


def test_it_authenticates_with_a_token_from_the_token_endpoint(cw):
    response = Client().post(
        "/api/v1/auth/token",
        {"username": "coop", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    headers = {"Authorization": f"Bearer {response.json()['token']}"}
    listed = Client().get("/api/v1/cases", headers=headers)
    assert listed.status_code == 200
    body_ = listed.json()
    assert set(body_) == {"count", "results"}
    assert {i["id"] for i in body_["results"]} == {cw.case_a.pk, cw.case_union.pk}
    item = next(i for i in body_["results"] if i["id"] == cw.case_a.pk)
    assert set(item) == ITEM_KEYS
    assert item["tracking_number"] == cw.case_a.tracking_number
    assert item["category"] == "بیمه"
    assert item["cooperative"] == {"id": cw.coop_a.pk, "name": cw.coop_a.name}
    assert item["state"] == "referred" and item["state_label"] == "ارجاع به دستگاه"
    assert item["breached"] is False and item["rating"] is None
    # ISO 8601 dates.
    filed = datetime.datetime.fromisoformat(item["filed_at"])
    assert abs(filed - cw.case_a.filed_at) < datetime.timedelta(seconds=1)
    assert datetime.datetime.fromisoformat(item["first_response_at"])
    assert item["closed_at"] is None


def test_it_answers_the_public_with_401(cw):
    for url in ("/api/v1/cases", f"/api/v1/cases/{cw.case_a.pk}"):
        response = get(url)
        assert response.status_code == 401
        assert set(response.json()) == {"detail"}


def test_it_never_shows_a_cooperative_anothers_cases(cw):
    coop2 = cw.users["coop2"]
    assert ids(get("/api/v1/cases", coop2)) == {cw.case_b.pk}
    response = get(f"/api/v1/cases/{cw.case_a.pk}", coop2)
    assert response.status_code == 404
    assert response.json() == {"detail": "پیدا نشد."}
    for q in (cw.case_a.title, "خسارت", cw.case_a.tracking_number, cw.coop_a.name):
        assert ids(get("/api/v1/cases", coop2, q=q)) == set(), q
    assert ids(get("/api/v1/cases", coop2, cooperative=cw.coop_a.pk)) == set()
    # And the other way round.
    coop = cw.users["coop"]
    assert get(f"/api/v1/cases/{cw.case_b.pk}", coop).status_code == 404
    assert ids(get("/api/v1/cases", coop, q="مواد منفجره")) == set()


def test_it_hides_internal_notes_and_files_from_the_cooperative(cw):
    mine = get(f"/api/v1/cases/{cw.case_a.pk}", cw.users["coop"]).json()
    texts = [m["text"] for m in mine["messages"]]
    assert "نامه به اداره کل فرستاده شد." in texts
    assert not any("یادداشت داخلی" in t for t in texts)
    assert all(m["internal"] is False for m in mine["messages"])
    names = {a["name"] for a in mine["attachments"]}
    assert names == {"bimeh.pdf", "name.pdf"}
    assert all(a["internal"] is False for a in mine["attachments"])
    staff = get(f"/api/v1/cases/{cw.case_a.pk}", cw.users["staff"]).json()
    assert any(m["internal"] and "یادداشت داخلی" in m["text"] for m in staff["messages"])
    assert {a["name"] for a in staff["attachments"]} == {"bimeh.pdf", "name.pdf", "internal.pdf"}
    board = get(f"/api/v1/cases/{cw.case_a.pk}", cw.users["board"]).json()
    assert any(m["internal"] for m in board["messages"])
    directorate = get(f"/api/v1/cases/{cw.case_a.pk}", cw.users["directorate"]).json()
    assert not any(m["internal"] for m in directorate["messages"])
    assert "internal.pdf" not in {a["name"] for a in directorate["attachments"]}


def test_it_describes_the_case_in_full(cw):
    detail = get(f"/api/v1/cases/{cw.case_a.pk}", cw.users["coop"]).json()
    assert set(detail) >= ITEM_KEYS | {
        "description",
        "outcome",
        "referrals",
        "messages",
        "attachments",
        "events",
        "agenda",
    }
    assert detail["description"] == cw.case_a.description
    (referral,) = detail["referrals"]
    assert referral["organisation"] == "اداره کل تعاون، کار و رفاه اجتماعی خراسان رضوی"
    assert referral["letter_number"] == f"{cw.case_a.tracking_number}/1"
    assert [e["kind"] for e in detail["events"]][:3] == ["filed", "triaged", "assigned"]
    assert detail["events"][-1]["state_after"] == "referred"
    public_file = next(a for a in detail["attachments"] if a["name"] == "bimeh.pdf")
    assert public_file["url"].endswith(f"/cases/{cw.case_a.pk}/files/{cw.case_public_file.pk}/")
    assert public_file["size"] == cw.case_public_file.size
    assert detail["agenda"] == []


def test_it_shows_the_agenda_item_its_resolution_and_actions(cw):
    staff, board = cw.users["staff"], cw.users["board"]
    meeting = decisions.meeting_create(
        actor=staff,
        kind=MeetingKind.BOARD,
        title="جلسه هیئت رئیسه درباره بیمه محصولات",
        starts_at=timezone.now() + datetime.timedelta(days=3),
    )
    item = services.cases_put_on_agenda(
        actor=staff, cases=[cw.case_a], meeting=meeting, title="خسارت بیمه باغ‌ها"
    )
    first = get(f"/api/v1/cases/{cw.case_a.pk}", cw.users["coop"]).json()
    (agenda,) = first["agenda"]
    assert agenda["meeting"]["title"] == meeting.title and agenda["resolution"] is None
    decisions.attendance_set(actor=staff, meeting=meeting, present_user_ids=[board.pk])
    decisions.voting_open(actor=staff, item=item)
    decisions.vote_cast(actor=board, item=item, choice="for")
    resolution = decisions.voting_close(actor=staff, item=item, text="پیگیری از صندوق بیمه")
    action(cw, resolution, body("صندوق بیمه کشاورزی"), title="پرداخت خسارت معوق")
    detail = get(f"/api/v1/cases/{cw.case_a.pk}", cw.users["coop"]).json()
    (agenda,) = detail["agenda"]
    assert agenda["resolution"]["number"] == resolution.number
    assert [a["title"] for a in agenda["resolution"]["actions"]] == ["پرداخت خسارت معوق"]
    assert "agenda" in [e["kind"] for e in detail["events"]]


def test_it_lets_the_directorate_see_only_the_cases_referred_to_it(cw):
    directorate = cw.users["directorate"]
    assert ids(get("/api/v1/cases", directorate)) == {cw.case_a.pk}
    assert get(f"/api/v1/cases/{cw.case_b.pk}", directorate).status_code == 404
    assert get(f"/api/v1/cases/{cw.case_union.pk}", directorate).status_code == 404
    # A referral to an outside body does not open the case to the directorate.
    staff = cw.users["staff"]
    services.case_triage(actor=staff, case=cw.case_b)
    services.case_refer(
        actor=staff, case=cw.case_b, organisation=body("بانک توسعه تعاون"), letter_text="نامه"
    )
    assert ids(get("/api/v1/cases", directorate)) == {cw.case_a.pk}


def test_it_shows_readers_of_everything_every_case_and_the_union_its_own(cw):
    every = {cw.case_a.pk, cw.case_b.pk, cw.case_union.pk}
    for persona in ("staff", "board", "admin"):
        assert ids(get("/api/v1/cases", cw.users[persona])) == every, persona
    assert ids(get("/api/v1/cases", cw.users["union"])) == {cw.case_union.pk}


def test_it_filters_by_state_category_cooperative_and_words(cw):
    staff = cw.users["staff"]
    assert ids(get("/api/v1/cases", staff, state="new")) == {cw.case_b.pk, cw.case_union.pk}
    assert ids(get("/api/v1/cases", staff, state="referred")) == {cw.case_a.pk}
    by_name = get("/api/v1/cases", staff, category="مواد اوليه و نهاده‌ها")  # Arabic yeh
    assert ids(by_name) == {cw.case_b.pk}
    by_id = get("/api/v1/cases", staff, category=str(category("آموزش و مشاوره").pk))
    assert ids(by_id) == {cw.case_union.pk}
    assert ids(get("/api/v1/cases", staff, cooperative=cw.coop_b.pk)) == {cw.case_b.pk}
    # Every word a prefix of a word of the title, tracking number or cooperative.
    assert ids(get("/api/v1/cases", staff, q="تاخير پرداخت")) == {cw.case_a.pk}
    assert ids(get("/api/v1/cases", staff, q="فیروزه")) == {cw.case_b.pk}
    assert ids(get("/api/v1/cases", staff, q=cw.case_b.tracking_number)) == {cw.case_b.pk}
    number = cw.case_b.tracking_number.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert ids(get("/api/v1/cases", staff, q=number)) == {cw.case_b.pk}
    assert ids(get("/api/v1/cases", staff, q="بسته بندی زعفران")) == {cw.case_union.pk}
    assert ids(get("/api/v1/cases", staff, q="بسته‌بندی")) == {cw.case_union.pk}
    assert ids(get("/api/v1/cases", staff, q="هیچ‌چیز")) == set()


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"state": "bogus"}, 400),
        ({"category": "ناشناخته"}, 400),
        ({"page_size": 101}, 400),
        ({"page": 0}, 400),
        ({"page": "x"}, 422),
    ],
)
def test_it_answers_bad_filters_with_detail(cw, params, status):
    response = get("/api/v1/cases", cw.users["staff"], **params)
    assert response.status_code == status
    assert set(response.json()) == {"detail"}


def test_it_paginates(cw):
    for n in range(4):
        file_case(cw, title=f"درخواست شماره {n}")
    staff = cw.users["staff"]
    page = get("/api/v1/cases", staff, page=2, page_size=3).json()
    assert page["count"] == 7 and len(page["results"]) == 3
    assert get("/api/v1/cases", staff, page=9).json() == {"count": 7, "results": []}


def test_it_lists_without_a_query_per_row(cw, django_assert_max_num_queries):
    staff = cw.users["staff"]
    others = [make_cooperative(300 + n) for n in range(5)]
    for coop in others:
        for _ in range(3):
            file_case(cw, persona="staff", cooperative=coop)
    headers = bearer(staff)
    client = Client()
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/cases", {"page_size": 100}, headers=headers)
    assert response.json()["count"] == 18
    for n in range(5):
        services.message_add(actor=staff, case=cw.case_a, text=f"پیام {n}")
    # The token, the caller's roles, the case and one query per kind of related rows.
    with django_assert_max_num_queries(10):
        assert client.get(f"/api/v1/cases/{cw.case_a.pk}", headers=headers).status_code == 200


def test_it_files_a_case_for_the_representatives_own_cooperative(cw):
    coop = cw.users["coop"]
    coop.mobile = "09151234567"
    coop.save()
    sms.outbox.clear()
    response = post(
        {
            "category": "مالیات",
            "title": "  اختلاف در محاسبه مالیات بر ارزش افزوده  ",
            "description": "اداره مالیات فروش معاف از مالیات را مشمول دانسته است.",
            "urgency": "high",
        },
        coop,
    )
    assert response.status_code == 201, response.content
    data = response.json()
    case = Case.objects.get(pk=data["id"])
    assert data["tracking_number"] == case.tracking_number
    assert case.cooperative == cw.coop_a and case.channel == Case.Channel.WEB
    assert case.title == "اختلاف در محاسبه مالیات بر ارزش افزوده"
    assert data["state"] == "new" and data["urgency"] == "high"
    assert data["events"][0]["kind"] == "filed"
    number = case.tracking_number.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert any(to == "09151234567" and number in text for to, text in sms.outbox)
    assert data["id"] in ids(get("/api/v1/cases", coop))


def test_it_accepts_the_category_by_id_or_normalised_name(cw):
    coop = cw.users["coop"]
    by_id = post(
        {"category": category("بیمه").pk, "title": "الف", "description": "شرح"},
        coop,
    )
    assert by_id.status_code == 201 and by_id.json()["category"] == "بیمه"
    by_name = post(
        {"category": "مواد اوليه و نهاده ها", "title": "ب", "description": "شرح"},
        coop,
    )
    assert by_name.status_code == 201, by_name.content
    assert by_name.json()["category"] == "مواد اولیه و نهاده‌ها"


def test_it_refuses_an_unknown_category_with_a_persian_detail(cw):
    response = post(
        {"category": "سفر به ماه", "title": "الف", "description": "شرح"}, cw.users["coop"]
    )
    assert response.status_code == 422
    assert set(response.json()) == {"detail"} and "موضوع" in response.json()["detail"]
    assert (
        post(
            {"category": 99999, "title": "الف", "description": "شرح"}, cw.users["coop"]
        ).status_code
        == 422
    )


def test_it_refuses_an_inactive_category(cw):
    Category.objects.filter(name="سایر").update(active=False)
    response = post({"category": "سایر", "title": "الف", "description": "شرح"}, cw.users["coop"])
    assert response.status_code == 422 and "detail" in response.json()


@pytest.mark.parametrize(
    "payload",
    [
        {"title": "الف", "description": "شرح"},
        {"category": "بیمه", "description": "شرح"},
        {"category": "بیمه", "title": "   ", "description": "شرح"},
        {"category": "بیمه", "title": "الف", "description": ""},
        {"category": "بیمه", "title": "الف" * 201, "description": "شرح"},
        {"category": "بیمه", "title": "الف", "description": "شرح", "urgency": "yesterday"},
        {"category": "بیمه", "title": "الف", "description": "شرح", "cooperative": 999999},
    ],
)
def test_it_answers_invalid_filings_with_422(cw, payload):
    response = post(payload, cw.users["coop"])
    assert response.status_code == 422
    assert set(response.json()) == {"detail"}
    assert Case.objects.count() == 3


def test_it_refuses_the_public_with_401(cw):
    response = post({"category": "بیمه", "title": "الف", "description": "شرح"})
    assert response.status_code == 401 and set(response.json()) == {"detail"}
    assert Case.objects.count() == 3


def test_it_refuses_filing_for_a_cooperative_one_does_not_represent(cw):
    payload = {"category": "بیمه", "title": "الف", "description": "شرح"}
    assert post(payload | {"cooperative": cw.coop_a.pk}, cw.users["coop2"]).status_code == 403
    assert post(payload | {"cooperative": cw.coop_b.pk}, cw.users["union"]).status_code == 403
    for persona in ("board", "directorate"):
        assert post(payload, cw.users[persona]).status_code == 403, persona
        assert post(payload | {"cooperative": cw.coop_a.pk}, cw.users[persona]).status_code == 403
    assert Case.objects.count() == 3


def test_it_asks_union_and_staff_for_the_cooperative(cw):
    payload = {"category": "بیمه", "title": "الف", "description": "شرح"}
    for persona in ("union", "staff"):
        response = post(payload, cw.users[persona])
        assert response.status_code == 422 and "تعاونی" in response.json()["detail"]
    by_union = post(payload | {"cooperative": cw.coop_a.pk}, cw.users["union"])
    assert by_union.status_code == 201
    assert Case.objects.get(pk=by_union.json()["id"]).channel == Case.Channel.UNION
    by_staff = post(payload | {"cooperative": cw.coop_b.pk}, cw.users["staff"])
    assert by_staff.status_code == 201
    assert by_staff.json()["cooperative"]["id"] == cw.coop_b.pk


def test_it_asks_a_representative_of_several_cooperatives_which_one(cw):
    from hamafza.accounts.models import Role, RoleAssignment

    coop = cw.users["coop"]
    RoleAssignment.objects.create(user=coop, role=Role.COOPERATIVE, cooperative=cw.coop_b)
    payload = {"category": "بیمه", "title": "الف", "description": "شرح"}
    assert post(payload, coop).status_code == 422
    assert post(payload | {"cooperative": cw.coop_b.pk}, coop).status_code == 201


def test_it_documents_the_endpoints_in_openapi(cw):
    spec = Client().get("/api/v1/openapi.json").json()
    assert {"get", "post"} <= set(spec["paths"]["/api/v1/cases"])
    assert "get" in spec["paths"]["/api/v1/cases/{case_id}"]
    assert "201" in spec["paths"]["/api/v1/cases"]["post"]["responses"]
