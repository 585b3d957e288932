import base64
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import TOTP

from hamafza.accounts import services
from hamafza.accounts.models import Role, RoleAssignment
from hamafza.conftest import PASSWORD, make_user
from hamafza.core.models import AuditEvent


def login(client: Client, username: str, password: str = PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_it_signs_in_a_cooperative_representative(world):
    client = Client()
    response = login(client, "coop")
    assert response.status_code == 302
    home = client.get("/").content.decode()
    assert "تعاونی من" in home


def test_it_answers_a_wrong_password_in_persian(world):
    response = login(Client(), "coop", "wrong")
    assert response.status_code == 200
    assert "نام کاربری یا گذرواژه درست نیست" in response.content.decode()


def test_it_locks_sign_in_after_repeated_failures(world):
    client = Client()
    for _ in range(5):
        login(client, "coop", "wrong")
    response = login(client, "coop")
    assert response.status_code == 429
    assert "ورود موقتاً بسته شد" in response.content.decode()


@override_settings(REQUIRE_2FA=True)
def test_it_makes_staff_enrol_a_second_factor_then_lets_them_in(world):
    client = Client()
    login(client, "staff")
    response = client.get("/registry/import/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))
    page = client.get(response["Location"]).content.decode()
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7=]+)<', page).group(1)
    wrong = client.post(reverse("accounts:two_factor_setup"), {"token": "000000"})
    assert "کد درست نیست" in wrong.content.decode()
    page = client.get(reverse("accounts:two_factor_setup")).content.decode()
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7=]+)<', page).group(1)
    totp = TOTP(base64.b32decode(secret))
    response = client.post(
        reverse("accounts:two_factor_setup") + "?next=/registry/import/",
        {"token": f"{totp.token():06d}", "next": "/registry/import/"},
    )
    assert response.status_code == 302
    assert client.get("/registry/import/").status_code == 200
    # A new sign-in asks for the code from the enrolled device.
    client.post(reverse("accounts:logout"))
    login(client, "staff")
    assert client.get("/registry/import/")["Location"].startswith(
        reverse("accounts:two_factor_verify")
    )
    response = client.post(reverse("accounts:two_factor_verify"), {"token": "۱۲۳۴۵۶"})
    assert "کد درست نیست" in response.content.decode()


@override_settings(REQUIRE_2FA=True)
def test_it_does_not_ask_cooperatives_for_a_second_factor(world):
    client = Client()
    login(client, "coop")
    assert client.get(reverse("accounts:profile")).status_code == 200


@override_settings(DEMO=False)
def test_it_refuses_demo_accounts_outside_demo_mode(world):
    user = make_user("demo-user", Role.BOARD)
    user.is_demo = True
    user.save()
    assert login(Client(), "demo-user").status_code == 200  # the form again, with an error
    with override_settings(DEMO=True):
        assert login(Client(), "demo-user").status_code == 302


def test_it_sends_a_password_reset_link(world):
    client = Client()
    response = client.post(reverse("accounts:password_reset"), {"email": "coop@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(
        r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body
    ).group(1)
    form = client.get(link, follow=True)
    assert "تعیین گذرواژه تازه" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {
            "new_password1": "a-new-long-passphrase-1405",
            "new_password2": "a-new-long-passphrase-1405",
        },
    )
    assert done.status_code == 302
    assert login(Client(), "coop", "a-new-long-passphrase-1405").status_code == 302


def test_it_binds_cooperative_roles_to_a_cooperative(world):
    with pytest.raises(ValidationError):
        services.role_assign(actor=None, user=world.users["staff"], role=Role.COOPERATIVE)
    with pytest.raises(ValidationError):
        RoleAssignment(
            user=world.users["board"], role=Role.BOARD, cooperative=world.coop_a
        ).full_clean()


def test_it_audits_role_changes(world):
    services.role_assign(
        actor=world.users["admin"], user=world.users["board"], role=Role.DIRECTORATE
    )
    event = AuditEvent.objects.get(action="accounts.role_assign")
    assert event.actor == world.users["admin"]
    assert world.users["board"].has_role(Role.DIRECTORATE)


def test_it_shows_the_audit_log_to_administrators(world, client_for):
    services.role_assign(actor=world.users["admin"], user=world.users["board"], role=Role.STAFF)
    html = client_for("admin").get(reverse("core:audit_log")).content.decode()
    assert "accounts.role_assign" in html


@override_settings(REQUIRE_2FA=True)
def test_it_does_not_let_a_password_alone_replace_an_enrolled_authenticator(world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    staff = world.users["staff"]
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client = Client()
    login(client, "staff")
    response = client.get(reverse("accounts:two_factor_setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    client.post(reverse("accounts:two_factor_setup"), {"token": "123456"})
    assert list(TOTPDevice.objects.filter(user=staff)) == [device]
    assert client.get("/registry/import/").status_code == 302


def test_it_counts_failures_per_client_behind_the_proxy(world, settings):
    settings.BEHIND_PROXY = True
    for _ in range(5):
        Client(HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7").post(
            reverse("accounts:login"), {"username": "coop", "password": "wrong"}
        )
    # The same account from another client behind the same proxy is not locked.
    other = Client(HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert login(other, "coop").status_code == 302
    locked = Client(HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert login(locked, "coop").status_code == 429
