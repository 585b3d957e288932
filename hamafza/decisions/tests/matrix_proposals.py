"""Permission-matrix rows of the proposals area (see core/tests/test_permission_matrix.py)."""

from django.core.files.base import ContentFile

from hamafza.core.tests.matrix import SIGNED_IN, Row, only
from hamafza.decisions.models import Proposal, ProposalAttachment

PROPOSERS = only("coop", "coop2", "union", "staff", "board", "admin")
MANAGERS = only("staff", "admin")


def _pk(w) -> dict:
    return {"pk": w.proposal.pk}


EXPECTED = {
    "decisions:proposal_list": Row(SIGNED_IN),
    "decisions:proposal_create": Row(PROPOSERS),
    "decisions:proposal_detail": Row(SIGNED_IN, kwargs=_pk),
    "decisions:proposal_support": Row(SIGNED_IN, kwargs=_pk, method="post", ok=(302,)),
    "decisions:proposal_comment": Row(
        SIGNED_IN,
        kwargs=_pk,
        method="post",
        data=lambda w: {"text": "با این پیشنهاد موافقم."},
        ok=(302,),
    ),
    "decisions:proposal_to_agenda": Row(MANAGERS, kwargs=_pk),
    "decisions:proposal_decline": Row(MANAGERS, kwargs=_pk),
    "decisions:proposal_attachment": Row(
        SIGNED_IN,
        kwargs=lambda w: {"pk": w.proposal.pk, "attachment_id": w.proposal_attachment.pk},
    ),
}


def prepare(world) -> None:
    """A proposal of cooperative A with one attachment (idempotent)."""
    if getattr(world, "proposal", None) is not None:
        return
    proposal = Proposal.objects.create(
        title="تشکیل صندوق ضمانت مشترک تعاونی‌های زعفران",
        text="پیشنهاد می‌شود اتاق برای تعاونی‌های زعفران صندوق ضمانت مشترک تشکیل دهد.",
        submitted_by=world.users["coop"],
        cooperative=world.coop_a,
    )
    attachment = ProposalAttachment(
        proposal=proposal,
        original_name="tarh.pdf",
        content_type="application/pdf",
        size=17,
        uploaded_by=world.users["coop"],
    )
    attachment.file.save("attachment", ContentFile(b"%PDF-1.4 proposal"), save=False)
    attachment.save()
    world.proposal = proposal
    world.proposal_attachment = attachment
