"""The client address that sign-in throttling (django-axes) counts failures against."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or behind our reverse proxy the address it appended to X-Forwarded-For
    (the last entry: earlier ones are whatever the client sent and cannot be trusted)."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR")
