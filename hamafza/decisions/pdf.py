"""Minutes (صورتجلسه) as a PDF: WeasyPrint, A4, right to left, the Vazirmatn font from the
installed npm package. HarfBuzz (through Pango) joins the Persian letters."""

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone, translation

from hamafza.decisions.models import AgendaItem, Meeting, Minutes, Vote


@dataclass
class ItemRecord:
    item: AgendaItem
    votes: dict[str, list[str]] = field(default_factory=dict)
    resolution: object = None
    vote_rows: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def closed(self) -> bool:
        return self.item.state in (
            AgendaItem.State.PASSED,
            AgendaItem.State.REJECTED,
            AgendaItem.State.NO_QUORUM,
        )


def font_faces() -> list[dict]:
    fonts = settings.NODE_MODULES / "vazirmatn" / "fonts" / "ttf"
    return [
        {"weight": 400, "url": (fonts / "Vazirmatn-Regular.ttf").as_uri()},
        {"weight": 700, "url": (fonts / "Vazirmatn-Bold.ttf").as_uri()},
    ]


def fonts_only():
    """A WeasyPrint URL fetcher that opens the Vazirmatn font files and refuses every other
    address (other files, http, data: …) with ValueError, which WeasyPrint skips. The minutes
    and the referral letters carry typed text: whatever markup might ever reach them, the
    renderer reads no file of the server and nothing on the network."""
    from weasyprint.urls import URLFetcher

    allowed = {Path(unquote(urlsplit(f["url"]).path)).resolve() for f in font_faces()}

    class FontsOnly(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
            if parts.netloc or path not in allowed:
                raise ValueError(f"a PDF fetches only its fonts, not {url[:100]}")
            return super().fetch(url, headers)

    return FontsOnly(allowed_protocols=("file",), allow_redirects=False)


def minutes_context(meeting: Meeting, minutes: Minutes) -> dict:
    members = list(meeting.members.select_related("user").order_by("-voting", "user__username"))
    items = list(meeting.agenda.select_related("resolution").order_by("order", "id"))
    votes = Vote.objects.filter(item__meeting=meeting).select_related("member").order_by("id")
    records = {item.pk: ItemRecord(item=item) for item in items}
    for vote in votes:
        record = records[vote.item_id]
        record.votes.setdefault(vote.choice, []).append(str(vote.member))
    for record in records.values():
        record.resolution = getattr(record.item, "resolution", None)
        record.vote_rows = [
            (label, record.votes.get(choice, [])) for choice, label in Vote.Choice.choices
        ]
    voting = [m for m in members if m.voting]
    return {
        "meeting": meeting,
        "minutes": minutes,
        "chamber_name": settings.HAMAFZA_CHAMBER_NAME,
        "present": [m for m in voting if m.present],
        "absent": [m for m in voting if not m.present],
        "guests": [m for m in members if not m.voting],
        "voting_total": len(voting),
        "records": list(records.values()),
        "resolutions": [r.resolution for r in records.values() if r.resolution],
        "amendments": list(minutes.amendments.select_related("created_by").order_by("created_at")),
        "fonts": font_faces(),
        "generated_at": timezone.now(),
    }


def render_minutes(meeting: Meeting, minutes: Minutes) -> ContentFile:
    """The minutes of ``meeting`` as a PDF file, in the installation's language."""
    from weasyprint import HTML

    with translation.override(settings.LANGUAGE_CODE):
        context = minutes_context(meeting, minutes)
        context["direction"] = "rtl" if translation.get_language_bidi() else "ltr"
        context["language"] = translation.get_language()
        html = render_to_string("decisions/minutes_pdf.html", context)
    pdf = HTML(
        string=html, base_url=str(settings.NODE_MODULES), url_fetcher=fonts_only()
    ).write_pdf()
    return ContentFile(pdf, name=f"minutes-{meeting.pk}.pdf")
