"""Meetings as an iCalendar feed (RFC 5545), written by hand: a handful of properties needs
no library. Lines end in CRLF and are folded at 75 octets without splitting a character."""

import datetime
from collections.abc import Callable, Iterable

from django.utils import timezone

from hamafza.decisions.models import Meeting

# Meetings have no end time; calendars show them with this length.
DEFAULT_DURATION = "PT2H"
PRODID = "-//Hamafza//Meetings//FA"


def escape(text: str) -> str:
    """A TEXT value: backslash, semicolon, comma and newlines escaped (RFC 5545 3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str, limit: int = 75) -> str:
    """Fold a content line into pieces of at most ``limit`` octets (UTF-8), continuation
    lines starting with one space; a multi-byte character is never split."""
    pieces, current, size = [], [], 0
    for ch in line:
        width = len(ch.encode())
        # Continuation lines carry a leading space, which counts towards their limit.
        room = limit if not pieces else limit - 1
        if size + width > room:
            pieces.append("".join(current))
            current, size = [], 0
        current.append(ch)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(
    meetings: Iterable[Meeting],
    *,
    name: str,
    url_for: Callable[[Meeting], str],
    host: str,
    now: datetime.datetime | None = None,
) -> str:
    stamp = utc(now or timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
        "X-WR-TIMEZONE:Asia/Tehran",
    ]
    for meeting in meetings:
        description = [meeting.get_kind_display()]
        if meeting.online_link:
            description.append(meeting.online_link)
        lines += [
            "BEGIN:VEVENT",
            f"UID:meeting-{meeting.pk}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{utc(meeting.starts_at)}",
            f"DURATION:{DEFAULT_DURATION}",
            f"SUMMARY:{escape(meeting.title)}",
            f"LOCATION:{escape(meeting.place or meeting.online_link)}",
            f"DESCRIPTION:{escape(chr(10).join(description))}",
            f"URL:{url_for(meeting)}",
            "STATUS:CONFIRMED",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
