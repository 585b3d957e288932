import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hamafza.api.models import ApiToken
from hamafza.followup.models import Action, Organisation
from hamafza.followup.tests.accountability_helpers import action, body, pass_resolutions, report

Status = Action.Status


def bearer(user) -> dict:
    _token, raw = ApiToken.issue(user)
    return {"Authorization": f"Bearer {raw}"}


def get(url: str, user=None, **params):
    return Client().get(url, params, headers=bearer(user) if user else {})


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


@pytest.fixture
def acted(world):
    """Published and unpublished resolutions with actions of every kind of body."""
    (feed, market) = pass_resolutions(world, ["تأمین نهاده‌های دامداران", "بازارچه دائمی"])
    (secret,) = pass_resolutions(world, ["خرید ساختمان"], days_ago=10, published=False)
    bank = body("بانک توسعه تعاون")
    directorate = body(
        "اداره کل تعاون، کار و رفاه اجتماعی خراسان رضوی",
        Organisation.Kind.DIRECTORATE,
        members=[world.users["directorate"]],
    )
    coop_body = body(world.coop_a.name, Organisation.Kind.COOPERATIVE, cooperative=world.coop_a)
    done = action(
        world,
        feed,
        bank,
        title="خط اعتباری نهاده",
        status=Status.DONE,
        due_in=-10,
        done_days_after_due=-2,
        owner=world.users["staff"],
    )
    report(world, done, text="نیمی انجام شد", status=Status.IN_PROGRESS, progress=50)
    report(
        world,
        done,
        text="انجام شد؛ نامه بانک پیوست است",
        status=Status.DONE,
        progress=100,
        evidence=2,
    )
    late = action(
        world,
        feed,
        directorate,
        title="معرفی تعاونی‌ها",
        status=Status.IN_PROGRESS,
        progress=30,
        due_in=-20,
        owner=world.users["directorate"],
    )
    fresh = action(world, market, coop_body, title="اعلام نیاز غرفه", due_in=15)
    # An action of an unpublished resolution, responsible to the cooperative: only its
    # people and the readers of everything see it.
    hidden = action(world, secret, coop_body, title="اقدام پنهان", due_in=5)
    report(world, hidden, text="گزارش پنهان", status=Status.IN_PROGRESS, progress=10)
    return {
        "feed": feed,
        "market": market,
        "secret": secret,
        "bank": bank,
        "directorate": directorate,
        "coop_body": coop_body,
        "done": done,
        "late": late,
        "fresh": fresh,
        "hidden": hidden,
    }


def test_it_answers_the_documented_item_shape(acted, world):
    body_ = get("/api/v1/actions", world.users["staff"], status="done").json()
    assert body_["count"] == 1
    (item,) = body_["results"]
    done = acted["done"]
    assert item == {
        "id": done.pk,
        "title": "خط اعتباری نهاده",
        "resolution": {
            "id": acted["feed"].pk,
            "number": acted["feed"].number,
            "title": "تأمین نهاده‌های دامداران",
        },
        "responsible": {"id": acted["bank"].pk, "name": "بانک توسعه تعاون", "kind": "outside"},
        "owner": "staff",
        "due_on": done.due_on.isoformat(),
        "status": "done",
        "progress": 100,
        "overdue": False,
        "completed_on": done.completed_on.isoformat(),
    }


def test_it_shows_the_public_the_actions_of_published_resolutions_without_people(acted):
    response = get("/api/v1/actions")
    assert ids(response) == {acted["done"].pk, acted["late"].pk, acted["fresh"].pk}
    assert all(item["owner"] is None for item in response.json()["results"])
    assert get(f"/api/v1/actions/{acted['hidden'].pk}").status_code == 404


@pytest.mark.parametrize(
    ("persona", "sees_hidden"),
    [
        ("coop", True),  # represents the responsible cooperative
        ("coop2", False),
        ("union", False),
        ("staff", True),
        ("board", True),
        ("directorate", True),
        ("admin", True),
    ],
)
def test_it_shows_each_persona_what_followup_permissions_allow(acted, world, persona, sees_hidden):
    user = world.users[persona]
    public = {acted["done"].pk, acted["late"].pk, acted["fresh"].pk}
    expected = public | ({acted["hidden"].pk} if sees_hidden else set())
    assert ids(get("/api/v1/actions", user)) == expected
    detail = get(f"/api/v1/actions/{acted['hidden'].pk}", user)
    assert detail.status_code == (200 if sees_hidden else 404)
    if sees_hidden:
        assert detail.json()["updates"][0]["text"] == "گزارش پنهان"


def test_it_derives_overdue_and_filters_on_it(acted, world):
    staff = world.users["staff"]
    items = {i["id"]: i for i in get("/api/v1/actions", staff).json()["results"]}
    assert items[acted["late"].pk]["overdue"] is True
    assert items[acted["done"].pk]["overdue"] is False
    assert items[acted["fresh"].pk]["overdue"] is False
    assert ids(get("/api/v1/actions", staff, overdue="true")) == {acted["late"].pk}
    assert ids(get("/api/v1/actions", staff, overdue="false")) == {
        acted["done"].pk,
        acted["fresh"].pk,
        acted["hidden"].pk,
    }
    # Sorted by due date.
    results = get("/api/v1/actions", staff).json()["results"]
    assert [r["due_on"] for r in results] == sorted(r["due_on"] for r in results)


def test_it_filters_by_status_and_by_responsible_id_or_normalised_name(acted):
    assert ids(get("/api/v1/actions", status="in_progress")) == {acted["late"].pk}
    assert ids(get("/api/v1/actions", responsible=str(acted["bank"].pk))) == {acted["done"].pk}
    # Arabic yeh and kaf, ZWNJ written as a space: the same body.
    name = "اداره كل تعاون، كار و رفاه اجتماعي خراسان رضوي"
    assert ids(get("/api/v1/actions", responsible=name)) == {acted["late"].pk}
    persian_digits = str(acted["bank"].pk).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert ids(get("/api/v1/actions", responsible=persian_digits)) == {acted["done"].pk}


@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({"status": "finished"}, "status"),
        ({"overdue": "maybe"}, "overdue"),
        ({"responsible": "نهادی که نیست"}, "organisation"),
        ({"responsible": "999999"}, "organisation"),
        ({"page_size": "101"}, "page_size"),
        ({"page": "0"}, "page"),
    ],
)
def test_it_refuses_bad_filters_with_400_and_a_detail(acted, params, word):
    response = get("/api/v1/actions", **params)
    assert response.status_code == 400
    assert word in response.json()["detail"]


def test_it_answers_404_for_an_unknown_action(acted):
    response = get("/api/v1/actions/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "پیدا نشد."}


def test_it_answers_401_for_a_bad_token(acted):
    response = Client().get("/api/v1/actions", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert "detail" in response.json()


def test_it_gives_the_timeline_with_text_only_to_those_who_see_it_in_full(acted, world):
    url = f"/api/v1/actions/{acted['done'].pk}"
    full = get(url, world.users["staff"]).json()
    assert [u["status_after"] for u in full["updates"]] == ["in_progress", "done"]
    first, last = full["updates"]
    assert (first["progress_before"], first["progress_after"]) == (100, 50)
    assert last["text"] == "انجام شد؛ نامه بانک پیوست است"
    assert (last["evidence"], first["evidence"]) == (2, 0)
    assert datetime.datetime.fromisoformat(last["posted_at"]).tzinfo is not None
    for caller in (None, world.users["coop2"]):
        seen = get(url, caller).json()
        assert [u["text"] for u in seen["updates"]] == [None, None]
        assert [u["evidence"] for u in seen["updates"]] == [0, 2]
        assert [u["status_after"] for u in seen["updates"]] == ["in_progress", "done"]
    assert get(url).json()["owner"] is None
    assert get(url, world.users["coop2"]).json()["owner"] == "staff"


def test_it_costs_the_same_queries_for_one_row_or_twenty(acted, world):
    (r,) = pass_resolutions(world, ["مصوبه پرکار"], days_ago=5)
    for n in range(25):
        action(
            world,
            r,
            acted["bank"] if n % 2 else acted["directorate"],
            title=f"اقدام {n}",
            owner=world.users["staff"] if n % 3 else None,
        )
    headers = bearer(world.users["coop"])
    client = Client()
    client.get("/api/v1/actions", headers=headers)
    counts = {}
    for size in (1, 20):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/v1/actions", {"page_size": size}, headers=headers)
        assert len(response.json()["results"]) == size
        counts[size] = len(ctx)
    assert counts[1] == counts[20]


def test_it_costs_the_same_queries_for_a_short_or_long_timeline(acted, world):
    url = f"/api/v1/actions/{acted['late'].pk}"
    with CaptureQueriesContext(connection) as short:
        get(url, world.users["staff"])
    for n in range(6):
        report(
            world,
            acted["late"],
            text=f"گزارش {n}",
            status=Status.IN_PROGRESS,
            progress=30,
            evidence=1,
        )
    with CaptureQueriesContext(connection) as long:
        assert len(get(url, world.users["staff"]).json()["updates"]) == 6
    assert len(short) == len(long)


def test_it_documents_the_endpoints_in_openapi(acted):
    spec = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/actions" in spec["paths"]
    assert "/api/v1/actions/{action_id}" in spec["paths"]
    params = {p["name"] for p in spec["paths"]["/api/v1/actions"]["get"]["parameters"]}
    assert {"status", "overdue", "responsible", "page", "page_size"} <= params
    item = spec["components"]["schemas"]["ActionItem"]["properties"]
    assert {"resolution", "responsible", "due_on", "status", "progress", "overdue"} <= set(item)


def test_it_gives_resolutions_their_derived_progress(acted, world):
    # feed: done 100 and in progress 30 → 65; market: one action at 0 → 0; the secret
    # resolution is seen by staff only.
    results = {
        r["id"]: r["progress"]
        for r in get("/api/v1/resolutions", world.users["staff"]).json()["results"]
    }
    assert results[acted["feed"].pk] == 65
    assert results[acted["market"].pk] == 0
    assert get(f"/api/v1/resolutions/{acted['feed'].pk}").json()["progress"] == 65
    # Cancelled actions are left out; a resolution with none left has no progress.
    Action.objects.filter(pk=acted["fresh"].pk).update(status=Status.CANCELLED)
    assert get(f"/api/v1/resolutions/{acted['market'].pk}").json()["progress"] is None
    (bare,) = pass_resolutions(world, ["مصوبه بی‌اقدام"], days_ago=3)
    assert get(f"/api/v1/resolutions/{bare.pk}").json()["progress"] is None


def test_it_lists_resolutions_with_progress_at_a_constant_query_count(acted, world):
    client = Client()
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/resolutions")
    for r in pass_resolutions(world, [f"مصوبه {n}" for n in range(8)], days_ago=4):
        action(world, r, acted["bank"], status=Status.IN_PROGRESS, progress=20)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/resolutions")
    assert response.json()["count"] == 10
    assert len(few) == len(many)


def test_it_keeps_due_dates_iso(acted):
    item = get(f"/api/v1/actions/{acted['fresh'].pk}").json()
    assert datetime.date.fromisoformat(item["due_on"]) == timezone.localdate() + datetime.timedelta(
        days=15
    )
    assert item["completed_on"] is None and item["updates"] == []
