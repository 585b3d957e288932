"""Permission-matrix rows of the actions area: the action's page, its report form, evidence
downloads, "my actions", the follow-up board, creating and editing actions.

The action belongs to cooperative A's body, so the coop persona acts for it; union and coop2
may not see it (404), board and directorate see it but may not report (403)."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from hamafza.core.tests.matrix import SIGNED_IN, Row, only
from hamafza.decisions.models import AgendaItem, Meeting, MeetingKind, Resolution
from hamafza.followup.models import Action, Evidence, Organisation, ProgressUpdate

MANAGERS = only("staff", "admin")
READERS = only("staff", "board", "directorate", "admin")
SEE_ACTION = only("coop", "staff", "board", "directorate", "admin")
UPDATERS = only("coop", "staff", "admin")


def prepare(world) -> None:
    if getattr(world, "fu_action", None) is not None:
        return
    staff = world.users["staff"]
    meeting = Meeting.objects.create(
        kind=MeetingKind.BOARD,
        title="جلسه هیئت رئیسه (اقدام‌ها، جدول دسترسی)",
        starts_at=timezone.now() - datetime.timedelta(days=30),
        place="سالن جلسات اتاق",
        state=Meeting.State.HELD,
        created_by=staff,
    )
    item = AgendaItem.objects.create(
        meeting=meeting, order=1, title="تأمین نقدینگی تعاونی‌های زعفران", state="passed"
    )
    resolution = Resolution.objects.create(
        number="1404/ه900/1",
        item=item,
        meeting=meeting,
        title="تأمین نقدینگی تعاونی‌های زعفران",
        text="اتاق پیگیری تسهیلات را به عهده می‌گیرد.",
        passed_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    body = Organisation.objects.create(
        name=world.coop_a.name, kind=Organisation.Kind.COOPERATIVE, cooperative=world.coop_a
    )
    action = Action.objects.create(
        resolution=resolution,
        title="درخواست تسهیلات از بانک توسعه تعاون",
        responsible=body,
        due_on=timezone.localdate() + datetime.timedelta(days=10),
        created_by=staff,
    )
    update = ProgressUpdate.objects.create(
        action=action,
        author=staff,
        text="نامه به بانک فرستاده شد.",
        status_before="not_started",
        status_after="in_progress",
        progress_before=0,
        progress_after=20,
    )
    evidence = Evidence(
        update=update, original_name="letter.pdf", content_type="application/pdf", size=9
    )
    evidence.file.save("evidence", ContentFile(b"%PDF-1.4\n"), save=False)
    evidence.save()
    world.fu_resolution = resolution
    world.fu_action = action
    world.fu_evidence = evidence


EXPECTED: dict[str, Row] = {
    "followup:board": Row(READERS),
    "followup:my_actions": Row(SIGNED_IN),
    "followup:action_create": Row(MANAGERS, kwargs=lambda w: {"resolution_id": w.fu_resolution.pk}),
    "followup:action_detail": Row(
        SEE_ACTION, kwargs=lambda w: {"pk": w.fu_action.pk}, denied=(404,)
    ),
    "followup:action_edit": Row(MANAGERS, kwargs=lambda w: {"pk": w.fu_action.pk}),
    # Those who see the action but do not act for it are refused (403); those who may not see
    # it get 404.
    "followup:action_update": Row(
        UPDATERS,
        kwargs=lambda w: {"pk": w.fu_action.pk},
        method="post",
        data=lambda w: {"text": "گزارش پیشرفت", "status": "in_progress", "progress": "۴۰"},
        ok=(302,),
        denied=(403, 404),
    ),
    "followup:evidence": Row(
        SEE_ACTION,
        kwargs=lambda w: {"pk": w.fu_action.pk, "evidence_id": w.fu_evidence.pk},
        denied=(404,),
    ),
}
