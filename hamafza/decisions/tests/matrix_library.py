"""Permission-matrix rows of the library of laws (public)."""

from hamafza.core.tests.matrix import ALL, Row
from hamafza.decisions.models import LegalDocument


def prepare(world) -> None:
    """A library entry to open (idempotent)."""
    if getattr(world, "legal_document", None) is not None:
        return
    world.legal_document = LegalDocument.objects.create(
        kind=LegalDocument.Kind.LAW,
        title="قانون نمونه برای جدول دسترسی",
        issuer="مجلس شورای اسلامی",
    )


EXPECTED = {
    "decisions:library": Row(ALL),
    "decisions:library_detail": Row(ALL, kwargs=lambda w: {"pk": w.legal_document.pk}),
}
