import pytest
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from hamafza.api.models import ApiToken
from hamafza.conftest import PASSWORD, make_cooperative


def bearer(user) -> dict:
    _token, raw = ApiToken.issue(user)
    return {"Authorization": f"Bearer {raw}"}


def test_it_lists_cooperatives_in_the_contract_shape(world):
    data = Client().get("/api/v1/cooperatives").json()
    assert data["count"] == 2
    item = data["results"][0]
    assert set(item) == {
        "id",
        "name",
        "national_id",
        "registration_number",
        "county",
        "sector",
        "status",
        "members",
        "employees",
    }


def test_it_searches_and_filters(world):
    c = Client()
    assert [r["id"] for r in c.get("/api/v1/cooperatives", {"q": "فيروزه"}).json()["results"]] == [
        world.coop_b.pk
    ]
    by_union = c.get("/api/v1/cooperatives", {"union": world.union.pk}).json()
    assert [r["id"] for r in by_union["results"]] == [world.coop_a.pk]
    by_name = c.get("/api/v1/cooperatives", {"county": "نيشابور", "status": "active"}).json()
    assert [r["id"] for r in by_name["results"]] == [world.coop_b.pk]
    sector = c.get("/api/v1/cooperatives", {"sector": "کشاورزی"}).json()
    assert sector["count"] == 2


def test_it_paginates_with_at_most_100(world):
    for n in range(30):
        make_cooperative(200 + n)
    c = Client()
    page2 = c.get("/api/v1/cooperatives", {"page": 2, "page_size": 10}).json()
    assert page2["count"] == 32 and len(page2["results"]) == 10
    too_big = c.get("/api/v1/cooperatives", {"page_size": 101})
    assert too_big.status_code == 400 and "detail" in too_big.json()


@pytest.mark.parametrize(
    ("params", "status"),
    [({"status": "bogus"}, 400), ({"county": "تهران"}, 400), ({"page": "x"}, 422)],
)
def test_it_answers_bad_input_with_detail(world, params, status):
    response = Client().get("/api/v1/cooperatives", params)
    assert response.status_code == status
    assert set(response.json()) == {"detail"}


def test_it_hides_private_fields_from_the_public_and_other_cooperatives(world):
    url = f"/api/v1/cooperatives/{world.coop_a.pk}"
    assert "mobile" not in Client().get(url).json()
    assert "mobile" not in Client().get(url, headers=bearer(world.users["coop2"])).json()
    assert "mobile" not in Client().get(url, headers=bearer(world.users["union"])).json()
    assert Client().get(url, headers=bearer(world.users["coop"])).json()["mobile"] == "09151234567"
    assert "capital_rial" in Client().get(url, headers=bearer(world.users["staff"])).json()


def test_it_answers_404_with_detail(world):
    response = Client().get("/api/v1/cooperatives/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "پیدا نشد."}
    assert Client().get("/api/v1/nothing-here").json() == {"detail": "پیدا نشد."}


def test_it_issues_a_token_that_authenticates(world):
    response = Client().post(
        "/api/v1/auth/token",
        {"username": "coop", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    detail = (
        Client()
        .get(
            f"/api/v1/cooperatives/{world.coop_a.pk}", headers={"Authorization": f"Bearer {token}"}
        )
        .json()
    )
    assert "mobile" in detail


def test_it_refuses_a_bad_token_with_401(world):
    response = Client().get("/api/v1/cooperatives", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert "detail" in response.json()


def test_it_refuses_wrong_passwords_and_locks_after_repeated_failures(world):
    client = Client()
    for _ in range(5):
        bad = client.post(
            "/api/v1/auth/token",
            {"username": "coop", "password": "wrong"},
            content_type="application/json",
        )
        assert bad.status_code in (401, 429)
    locked = client.post(
        "/api/v1/auth/token",
        {"username": "coop", "password": PASSWORD},
        content_type="application/json",
    )
    assert locked.status_code == 429


@override_settings(REQUIRE_2FA=True)
def test_it_asks_staff_for_the_second_factor(world):
    staff = world.users["staff"]
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client = Client()
    without = client.post(
        "/api/v1/auth/token",
        {"username": "staff", "password": PASSWORD},
        content_type="application/json",
    )
    assert without.status_code == 401
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    code.time = None
    with_otp = client.post(
        "/api/v1/auth/token",
        {"username": "staff", "password": PASSWORD, "otp": f"{code.token():06d}"},
        content_type="application/json",
    )
    assert with_otp.status_code == 200


def test_it_serves_the_openapi_document_and_local_docs(world):
    spec = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/cooperatives" in spec["paths"]
    docs = Client().get("/api/v1/docs").content.decode()
    assert "cdn" not in docs.lower()


def test_it_lists_reference_data(world):
    counties = Client().get("/api/v1/counties").json()
    assert counties["count"] >= 30
    sectors = [s["name"] for s in Client().get("/api/v1/sectors").json()["results"]]
    assert sectors[0] == "کشاورزی" and len(sectors) == 11
    unions = Client().get("/api/v1/unions").json()["results"]
    assert unions[0]["cooperatives"] == 1
