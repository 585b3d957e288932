"""Notifying people: in the app, by e-mail and by SMS, as each person chose per kind.

Every part sends through `notify()`, so a person's choices (NotificationPreference) apply
everywhere. Without a stored choice: in the app and by e-mail, not by SMS.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

KINDS = {
    "action_assigned": _("اقدام تازه به عهده شما"),
    "action_due_soon": _("نزدیک شدن مهلت اقدام"),
    "action_overdue": _("گذشتن مهلت اقدام"),
    "action_escalated": _("ارجاع اقدام معوق به هیئت رئیسه"),
    "action_updated": _("گزارش تازه درباره اقدام"),
    "consultation_reminder": _("یادآوری نظرخواهی"),
    "consultation_outcome": _("جمع‌بندی نظرخواهی"),
    "meeting_invitation": _("دعوت به جلسه"),
    "proposal_answer": _("پاسخ به پیشنهاد"),
    "case_filed": _("تأیید ثبت درخواست"),
    "case_updated": _("تغییر وضعیت درخواست"),
    "case_message": _("پیام تازه در درخواست"),
    "case_new": _("درخواست تازه برای اتاق"),
    "case_assigned": _("سپردن درخواست به شما"),
    "case_referred": _("ارجاع درخواست به دستگاه شما"),
    "case_sla": _("هشدار مهلت رسیدگی به درخواست"),
    "general": _("دیگر پیام‌ها"),
}
DEFAULTS = {"in_app": True, "email": True, "sms": False}
# Kinds whose default differs: a filed case is confirmed by SMS too (its tracking number).
KIND_DEFAULTS = {"case_filed": {"in_app": True, "email": True, "sms": True}}
CHANNELS = ("in_app", "email", "sms")


def internal_path(url: str) -> str:
    """The URL if it is a path on this site ("/followup/actions/7/"), else "".

    A notification links only inside Hamafza: an absolute or scheme-relative address
    ("https://…", "//…", "javascript:…") is neutralised, never followed.
    """
    url = (url or "").strip()
    if (
        url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and not any(ord(ch) < 32 or ord(ch) == 127 for ch in url)
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    ):
        return url
    return ""


def notify(
    users: Iterable, *, subject: str, body: str, kind: str = "general", url: str = ""
) -> int:
    """Deliver to each user by the channels they chose; returns how many people were reached."""
    from hamafza.core.models import Notification, NotificationPreference
    from hamafza.core.sms import send_sms

    users = [u for u in users if getattr(u, "is_active", True)]
    if not users:
        return 0
    if url and not internal_path(url):
        logger.warning("notify: dropped a link that is not a path on this site: %r", url)
    url = internal_path(url)
    prefs = {p.user_id: p for p in NotificationPreference.objects.filter(user__in=users, kind=kind)}
    reached = 0
    in_app = []
    for user in users:
        pref = prefs.get(user.pk)
        channels = (
            {"in_app": pref.in_app, "email": pref.email, "sms": pref.sms}
            if pref
            else KIND_DEFAULTS.get(kind, DEFAULTS)
        )
        delivered = False
        if channels["in_app"]:
            in_app.append(
                Notification(
                    user=user, kind=kind, title=str(subject)[:300], body=str(body), url=url
                )
            )
            delivered = True
        if channels["email"] and user.email:
            text = f"{body}\n\n{settings.HAMAFZA_SITE_URL}{url}" if url else str(body)
            try:
                send_mail(str(subject), text, settings.DEFAULT_FROM_EMAIL, [user.email])
                delivered = True
            except Exception:  # a mail server failure must not stop the other channels
                logger.exception("e-mail to user %s failed", user.pk)
        if channels["sms"] and getattr(user, "mobile", ""):
            try:
                send_sms(
                    user.mobile,
                    f"{subject}\n{settings.HAMAFZA_SITE_URL}{url}" if url else str(subject),
                )
                delivered = True
            except Exception:  # a gateway failure must not stop the other channels
                logger.exception("SMS to user %s failed", user.pk)
        reached += delivered
    Notification.objects.bulk_create(in_app)
    return reached


@task()
def deliver(user_ids: list[int], subject: str, body: str, kind: str, url: str) -> int:
    """The background half of notify_later(): deliver to the users who are still active."""
    from hamafza.accounts.models import User

    return notify(
        User.objects.filter(pk__in=user_ids, is_active=True),
        subject=subject,
        body=body,
        kind=kind,
        url=url,
    )


def notify_later(
    users: Iterable, *, subject: str, body: str, kind: str = "general", url: str = ""
) -> int:
    """Like notify(), for many people at once (a meeting's invitations, a consultation's
    audience, every staff member): delivered by a background task once the caller's
    transaction commits, so a request does not wait for hundreds of e-mails and SMS.
    The text is rendered now, in the current language. Returns how many people were queued.
    """
    ids = sorted({u.pk for u in users if getattr(u, "is_active", True)})
    if ids:
        deliver.enqueue(ids, str(subject), str(body), kind, str(url or ""))
    return len(ids)
