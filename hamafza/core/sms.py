"""Sending SMS through a pluggable backend (settings.SMS_BACKEND, a dotted path).

A backend is any class with `send(self, mobile: str, text: str) -> None` that raises on
failure. Hamafza ships the console backend (prints, for demo and development) and the
locmem backend (keeps messages in `outbox`, for tests). To use a gateway, write a class with
that one method that calls the gateway's HTTP API and point HAMAFZA_SMS_BACKEND at it; see
docs/sms.md for the interface, error handling and an example.
"""

import sys

from django.conf import settings
from django.utils.module_loading import import_string

outbox: list[tuple[str, str]] = []


class ConsoleBackend:
    def send(self, mobile: str, text: str) -> None:
        sys.stdout.write(f"[SMS to {mobile}] {text}\n")


class LocmemBackend:
    def send(self, mobile: str, text: str) -> None:
        outbox.append((mobile, text))


def send_sms(mobile: str, text: str) -> None:
    import_string(settings.SMS_BACKEND)().send(mobile, text)
