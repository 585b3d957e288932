"""Sending a notification to people: e-mail today (console backend in demo). The follow-up
part adds in-app notifications, SMS and each person's choices behind this same function."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail


def notify(users: Iterable, *, subject: str, body: str) -> int:
    """Send to every user with an e-mail address; returns how many were sent."""
    sent = 0
    for user in users:
        if not getattr(user, "email", ""):
            continue
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        sent += 1
    return sent
