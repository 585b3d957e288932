"""A case's referral letter (نامه ارجاع) as a PDF, made as the minutes are
(hamafza/decisions/pdf.py): WeasyPrint, A4, right to left, the Vazirmatn font from the
installed npm package. The letter is made on request from what was recorded at referral, so
it always reads the same.

The letter carries text typed by cooperatives and staff. The template escapes all of it, and
the renderer fetches nothing but the letter's own fonts (fonts_only): no file of the server and
nothing on the network, whatever markup a letter might ever contain."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from hamafza.cases.forms_desk import ltr_number
from hamafza.cases.models import Referral
from hamafza.decisions.pdf import font_faces, fonts_only


def letter_context(referral: Referral) -> dict:
    case = referral.case
    signer = referral.created_by
    return {
        "referral": referral,
        "case": case,
        "cooperative": case.cooperative,
        "organisation": referral.organisation,
        "signer_name": signer.get_full_name() or signer.username,
        "tracking_number": ltr_number(case.tracking_number),
        "letter_number": ltr_number(referral.letter_number),
        "chamber_name": settings.HAMAFZA_CHAMBER_NAME,
        # The cooperative's files on the case when it was referred (sent with the letter).
        "attachment_count": case.attachments.filter(
            internal=False, uploaded_at__lte=referral.created_at
        ).count(),
        "fonts": font_faces(),
    }


def render_referral_letter(referral: Referral) -> bytes:
    """The letter of ``referral`` as PDF bytes, in the installation's language."""
    from weasyprint import HTML

    with translation.override(settings.LANGUAGE_CODE):
        context = letter_context(referral)
        context["direction"] = "rtl" if translation.get_language_bidi() else "ltr"
        context["language"] = translation.get_language()
        html = render_to_string("cases/referral_letter_pdf.html", context)
    return HTML(
        string=html, base_url=str(settings.NODE_MODULES), url_fetcher=fonts_only()
    ).write_pdf()


def letter_filename(referral: Referral) -> str:
    """«referral-1405-00042-1.pdf»: Latin digits and no slash, safe in every browser."""
    return "referral-" + referral.letter_number.replace("/", "-") + ".pdf"
