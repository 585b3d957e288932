"""Notifications: the inbox, marking read, the unread badge, each person's choices of channel,
and notify() itself."""

import datetime
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hamafza.core import sms
from hamafza.core.models import AuditEvent, Notification, NotificationPreference
from hamafza.core.notify import KINDS, internal_path, notify

INBOX = "/notifications/"


def note(user, title="اعلان", *, url="", kind="general", read=False, minutes_ago=0) -> Notification:
    n = Notification.objects.create(user=user, kind=kind, title=title, body="متن", url=url)
    created = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    Notification.objects.filter(pk=n.pk).update(
        created_at=created, read_at=timezone.now() if read else None
    )
    n.refresh_from_db()
    return n


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# --------------------------------------------------------------------------- inbox
def test_it_has_the_urls_the_menu_uses():
    assert reverse("core:notifications") == INBOX
    assert reverse("core:notification_read") == "/notifications/read/"
    assert reverse("core:notification_preferences") == "/notifications/preferences/"


def test_it_lists_only_my_notifications_newest_first_with_unread_highlighted(world, client_for):
    coop = world.users["coop"]
    note(coop, "قدیمی‌تر", minutes_ago=30, read=True)
    note(coop, "تازه‌تر", minutes_ago=5)
    note(world.users["coop2"], "مال دیگری")
    page = html(client_for("coop").get(INBOX))
    assert page.index("تازه‌تر") < page.index("قدیمی‌تر")
    assert "مال دیگری" not in page
    items = re.findall(r'data-testid="notification" data-unread="(\d)"', page)
    assert items == ["1", "0"]
    assert "۱ اعلان نخوانده" in page


def test_it_links_only_to_paths_on_this_site(world, client_for):
    coop = world.users["coop"]
    note(coop, "درون سامانه", url="/followup/actions/7/")
    for bad in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)", "/\\evil"):
        note(coop, f"بیرونی {bad}", url=bad)
    page = html(client_for("coop").get(INBOX))
    assert 'href="/followup/actions/7/"' in page
    assert page.count('data-testid="notification-link"') == 1
    assert "evil.example/" not in re.sub(r"بیرونی [^<]*", "", page)
    assert 'href="javascript' not in page


def test_it_pages_the_inbox(world, client_for):
    coop = world.users["coop"]
    for n in range(25):
        note(coop, f"اعلان شماره {n:02d}", minutes_ago=n)
    client = client_for("coop")
    first = html(client.get(INBOX))
    assert first.count('data-testid="notification"') == 20
    assert "اعلان شماره 00" in first and "اعلان شماره 24" not in first
    second = html(client.get(INBOX + "?page=2"))
    assert second.count('data-testid="notification"') == 5
    assert "اعلان شماره 24" in second


def test_it_filters_to_unread(world, client_for):
    coop = world.users["coop"]
    note(coop, "خوانده‌شده", read=True)
    note(coop, "نخوانده")
    page = html(client_for("coop").get(INBOX + "?unread=1"))
    assert "نخوانده" in page and "خوانده‌شده</" not in page


def test_it_shows_an_empty_inbox_kindly(world, client_for):
    page = html(client_for("board").get(INBOX))
    assert 'data-testid="no-notifications"' in page
    assert 'data-testid="mark-all-read"' not in page


def test_it_sends_the_public_to_sign_in(world, client_for):
    for url in (INBOX, reverse("core:notification_preferences")):
        response = client_for("public").get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


# --------------------------------------------------------------------------- marking read
def test_it_marks_one_notification_read(world, client_for):
    coop = world.users["coop"]
    one, other = note(coop, "یک"), note(coop, "دو")
    response = client_for("coop").post(reverse("core:notification_read"), {"id": one.pk})
    assert response.status_code == 302 and response["Location"] == INBOX
    one.refresh_from_db()
    other.refresh_from_db()
    assert one.read_at is not None and other.read_at is None


def test_it_marks_all_of_mine_read_and_no_one_elses(world, client_for):
    coop, coop2 = world.users["coop"], world.users["coop2"]
    note(coop, "یک")
    note(coop, "دو")
    theirs = note(coop2, "سه")
    response = client_for("coop").post(reverse("core:notification_read"), {"all": "1"})
    assert response.status_code == 302
    assert not Notification.objects.filter(user=coop, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_it_refuses_to_mark_someone_elses_notification(world, client_for):
    theirs = note(world.users["coop2"], "مال دیگری")
    client = client_for("coop")
    assert client.post(reverse("core:notification_read"), {"id": theirs.pk}).status_code == 404
    assert client.post(reverse("core:notification_read"), {"id": "abc"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_it_marks_read_only_by_post(world, client_for):
    assert client_for("coop").get(reverse("core:notification_read")).status_code == 405


def test_it_goes_on_to_an_internal_next_only(world, client_for):
    n = note(world.users["coop"], "یک")
    client = client_for("coop")
    url = reverse("core:notification_read")
    response = client.post(url, {"id": n.pk, "next": "/followup/actions/3/"})
    assert response["Location"] == "/followup/actions/3/"
    response = client.post(url, {"id": n.pk, "next": "https://evil.example/"})
    assert response["Location"] == INBOX
    response = client.post(url, {"id": n.pk, "page": "2"})
    assert response["Location"] == INBOX + "?page=2"


# --------------------------------------------------------------------------- badge
def test_it_shows_the_unread_count_in_the_menu(world, client_for):
    coop = world.users["coop"]
    for n in range(3):
        note(coop, f"اعلان {n}")
    note(coop, "خوانده", read=True)
    page = html(client_for("coop").get("/"))
    assert re.search(r'data-testid="unread-count">\s*۳\s*<', page)
    assert f'href="{INBOX}"' in page
    assert 'data-testid="unread-count"' not in html(client_for("coop2").get("/"))
    assert 'data-testid="notifications-link"' not in html(client_for("public").get("/"))


def test_it_counts_unread_with_one_query_and_none_for_the_public(world, client_for):
    note(world.users["coop"], "اعلان")

    def notification_queries(client) -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            client.get("/")
        return [q["sql"] for q in ctx.captured_queries if "core_notification" in q["sql"]]

    assert len(notification_queries(client_for("coop"))) == 1
    assert notification_queries(client_for("public")) == []


# --------------------------------------------------------------------------- preferences
PREFS = "/notifications/preferences/"


def form_data(choices: dict[str, set[str]] | None = None, mobile: str = "") -> dict:
    """Every kind with the given channels ticked (default: in the app and e-mail)."""
    data = {"mobile": mobile}
    for kind in KINDS:
        for channel in (choices or {}).get(kind, {"in_app", "email"}):
            data[f"{kind}__{channel}"] = "on"
    return data


def test_it_shows_every_kind_and_channel_with_the_defaults(world, client_for):
    page = html(client_for("coop").get(PREFS))
    for kind, label in KINDS.items():
        assert f'data-kind="{kind}"' in page and str(label) in page
        assert re.search(rf'name="{kind}__in_app" id="[^"]+"\s+checked', page)
        assert re.search(rf'name="{kind}__email" id="[^"]+"\s+checked', page)
    assert 'data-testid="sms-not-offered"' in page
    assert re.search(r'name="action_overdue__sms" id="[^"]+"\s+disabled', page)


def test_it_offers_sms_when_the_person_has_a_mobile(world, client_for):
    coop = world.users["coop"]
    coop.mobile = "09151234567"
    coop.save()
    page = html(client_for("coop").get(PREFS))
    assert 'data-testid="sms-offered"' in page and "۰۹۱۵۱۲۳۴۵۶۷" in page
    assert not re.search(r'name="action_overdue__sms" id="[^"]+"\s+disabled', page)


def test_it_saves_the_choices_and_audits_what_changed(world, client_for):
    coop = world.users["coop"]
    coop.mobile = "09151234567"
    coop.save()
    choices = {"action_overdue": {"sms"}, "general": set()}
    response = client_for("coop").post(PREFS, form_data(choices, mobile="09151234567"))
    assert response.status_code == 302 and response["Location"] == PREFS
    prefs = {p.kind: p for p in NotificationPreference.objects.filter(user=coop)}
    assert set(prefs) == set(KINDS)
    overdue = prefs["action_overdue"]
    assert (overdue.in_app, overdue.email, overdue.sms) == (False, False, True)
    general = prefs["general"]
    assert (general.in_app, general.email, general.sms) == (False, False, False)
    due = prefs["action_due_soon"]
    assert (due.in_app, due.email, due.sms) == (True, True, False)
    event = AuditEvent.objects.get(action="core.notification_preferences")
    assert event.actor == coop
    assert event.changes["action_overdue.sms"] == [False, True]
    assert "action_due_soon.email" not in event.changes
    # Saving the same choices again changes nothing and records nothing.
    client_for("coop").post(PREFS, form_data(choices, mobile="09151234567"))
    assert AuditEvent.objects.filter(action="core.notification_preferences").count() == 1
    page = html(client_for("coop").get(PREFS))
    assert re.search(r'name="action_overdue__sms" id="[^"]+"\s+checked', page)
    assert not re.search(r'name="action_overdue__email" id="[^"]+"\s+checked', page)


def test_it_saves_a_mobile_number_in_any_form_normalised(world, client_for):
    coop = world.users["coop"]
    response = client_for("coop").post(PREFS, form_data(mobile="+98 915 ۱۲۳ ۴۵۶۷"))
    assert response.status_code == 302
    coop.refresh_from_db()
    assert coop.mobile == "09151234567"
    event = AuditEvent.objects.get(action="core.notification_preferences")
    assert event.changes["mobile"] == ["", "09151234567"]
    # With the number stored, SMS can now be chosen.
    client_for("coop").post(
        PREFS, form_data({"action_due_soon": {"in_app", "sms"}}, mobile="09151234567")
    )
    assert NotificationPreference.objects.get(user=coop, kind="action_due_soon").sms


def test_it_refuses_a_wrong_mobile_number_in_persian_and_saves_nothing(world, client_for):
    coop = world.users["coop"]
    response = client_for("coop").post(PREFS, form_data({"general": set()}, mobile="0915123"))
    page = html(response)
    assert "شماره تلفن همراه درست نیست" in page
    assert 'data-testid="form-errors"' in page
    assert not NotificationPreference.objects.filter(user=coop).exists()
    coop.refresh_from_db()
    assert coop.mobile == ""
    # What was typed is kept for correcting it.
    assert 'value="0915123"' in page


def test_it_refuses_sms_without_a_mobile_number(world, client_for):
    coop = world.users["coop"]
    coop.mobile = "09151234567"
    coop.save()
    response = client_for("coop").post(PREFS, form_data({"action_overdue": {"sms"}}, mobile=""))
    assert "برای دریافت پیامک شماره تلفن همراه لازم است" in html(response)
    coop.refresh_from_db()
    assert coop.mobile == "09151234567"
    assert not NotificationPreference.objects.filter(user=coop).exists()


def test_it_ignores_sms_ticked_by_someone_without_a_mobile(world, client_for):
    # The SMS boxes are disabled without a number; a forged request cannot turn SMS on.
    coop = world.users["coop"]
    response = client_for("coop").post(PREFS, form_data({"action_overdue": {"sms", "in_app"}}))
    assert response.status_code == 302
    assert not NotificationPreference.objects.get(user=coop, kind="action_overdue").sms


def test_it_does_not_show_sms_on_for_someone_whose_number_was_removed(world, client_for):
    coop = world.users["coop"]
    NotificationPreference.objects.create(user=coop, kind="action_overdue", sms=True)
    page = html(client_for("coop").get(PREFS))
    assert not re.search(r'name="action_overdue__sms" id="[^"]+"\s+checked', page)
    assert client_for("coop").post(PREFS, form_data()).status_code == 302
    assert not NotificationPreference.objects.get(user=coop, kind="action_overdue").sms


# --------------------------------------------------------------------------- notify()
@pytest.fixture
def outboxes():
    mail.outbox.clear()
    sms.outbox.clear()


def test_it_delivers_by_the_default_channels_without_a_choice(world, outboxes):
    coop = world.users["coop"]
    coop.mobile = "09151234567"
    coop.save()
    reached = notify([coop], subject="موضوع", body="متن", kind="general", url="/x/")
    assert reached == 1
    assert Notification.objects.get(user=coop).url == "/x/"
    assert len(mail.outbox) == 1 and mail.outbox[0].body.endswith("/x/")
    assert sms.outbox == []


def test_it_never_stores_or_mails_a_link_off_the_site(world, outboxes):
    coop = world.users["coop"]
    notify([coop], subject="موضوع", body="متن", url="https://evil.example/phish")
    assert Notification.objects.get(user=coop).url == ""
    assert "evil.example" not in mail.outbox[0].body


def test_it_keeps_delivering_when_the_mail_server_fails(world, outboxes, monkeypatch):
    def broken_mail(*args, **kwargs):
        raise OSError("mail server unreachable")

    monkeypatch.setattr("hamafza.core.notify.send_mail", broken_mail)
    coop, coop2 = world.users["coop"], world.users["coop2"]
    coop.mobile = "09151234567"
    coop.save()
    NotificationPreference.objects.create(user=coop, kind="general", sms=True)
    assert notify([coop, coop2], subject="موضوع", body="متن") == 2
    assert Notification.objects.filter(user__in=[coop, coop2]).count() == 2
    assert len(sms.outbox) == 1


def test_it_counts_no_one_reached_by_no_channel(world, outboxes):
    coop = world.users["coop"]
    coop.email = ""
    coop.save()
    NotificationPreference.objects.create(user=coop, kind="general", in_app=False, email=True)
    assert notify([coop], subject="موضوع", body="متن") == 0
    inactive = world.users["coop2"]
    inactive.is_active = False
    inactive.save()
    assert notify([inactive], subject="موضوع", body="متن") == 0
    assert not Notification.objects.exists() and mail.outbox == []


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("/followup/actions/1/", True),
        ("/a/?b=1#c", True),
        ("", False),
        ("followup/actions/1/", False),
        ("//evil.example/", False),
        ("/\\evil.example/", False),
        ("https://evil.example/", False),
        ("javascript:alert(1)", False),
        ("/\x00x", False),
    ],
)
def test_it_keeps_only_internal_paths(url, kept):
    assert internal_path(url) == (url if kept else "")


def test_it_caps_the_badge_at_ninety_nine(world, client_for):
    coop = world.users["coop"]
    Notification.objects.bulk_create(
        Notification(user=coop, kind="general", title=f"اعلان {n}") for n in range(120)
    )
    page = html(client_for("coop").get("/"))
    assert re.search(r'data-testid="unread-count">\s*۹۹\+\s*<', page)
    assert "۱۲۰" not in page


# --------------------------------------------------------------------------- in a browser
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_it_works_in_a_browser_without_errors_or_sideways_scrolling(
    viewport, world, live_server, open_page
):
    from playwright.sync_api import expect

    from hamafza.core.tests.browser import PageWatch, login

    coop = world.users["coop"]
    note(coop, "مهلت اقدام نزدیک است", url="/", kind="action_due_soon", minutes_ago=5)
    note(coop, "جمع‌بندی نظرخواهی", kind="consultation_outcome")
    page = open_page(viewport)
    watch = PageWatch.attach(page)
    login(page, live_server, "coop")
    badge = page.locator(
        "[data-testid=notifications-link-phone]"
        if viewport == "phone"
        else "[data-testid=unread-count]"
    )
    expect(badge).to_contain_text("۲")
    page.goto(live_server.url + INBOX)
    assert page.locator("[data-testid=notification][data-unread='1']").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.locator("[data-testid=mark-all-read]").click()
    page.wait_for_load_state("load")
    assert page.locator("[data-testid=notification][data-unread='1']").count() == 0
    expect(page.locator("[data-testid=notifications-link-phone]")).to_have_count(0)
    expect(page.locator("[data-testid=unread-count]")).to_have_count(0)

    page.goto(live_server.url + PREFS)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    expect(page.locator("input[name=action_overdue__sms]")).to_be_disabled()
    page.fill("input[name=mobile]", "۰۹۱۵ ۱۲۳ ۴۵۶۷")
    page.locator("[data-testid=save-preferences]").click()
    page.wait_for_load_state("load")
    expect(page.locator("input[name=action_overdue__sms]")).to_be_enabled()
    page.check("input[name=action_overdue__sms]")
    page.locator("[data-testid=save-preferences]").click()
    page.wait_for_load_state("load")
    expect(page.locator("input[name=action_overdue__sms]")).to_be_checked()
    assert NotificationPreference.objects.get(user=coop, kind="action_overdue").sms
    assert watch.problems() == []


def test_it_queues_bulk_notices_for_a_background_task(world, settings):
    from django.tasks import task_backends

    from hamafza.core.notify import deliver, notify_later

    # Django resets its task backends when TASKS changes (and back after the test).
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    people = [world.users["staff"], world.users["board"], world.users["staff"]]
    queued = notify_later(people, subject="دعوت به جلسه", body="تالار شورا", kind="general")
    assert queued == 2
    assert not Notification.objects.exists()  # nothing delivered inside the request
    (result,) = task_backends["default"].results
    assert result.args[0] == sorted([world.users["staff"].pk, world.users["board"].pk])
    assert deliver.call(*result.args) == 2  # what the worker runs
    assert Notification.objects.filter(title="دعوت به جلسه").count() == 2
