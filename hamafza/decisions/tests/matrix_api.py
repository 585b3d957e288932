"""Permission-matrix rows of the decisions API (/api/v1/consultations, meetings, resolutions).

The objects: a consultation open to the union's members (coop and union are its audience,
coop2 is not; the public sees no open consultation: 404), a board meeting (board, staff,
directorate, admin see it; the others are not invited: 404) and a published resolution.
"""

from datetime import timedelta

from django.utils import timezone

from hamafza.core.tests.matrix import ALL, SIGNED_IN, Row, only
from hamafza.decisions import services
from hamafza.decisions.models import Consultation, MeetingKind

READERS = only("staff", "board", "directorate", "admin")

EXPECTED = {
    "api:consultations": Row(ALL, api=True),
    "api:consultation": Row(
        ALL - {"coop2"},
        api=True,
        kwargs=lambda w: {"consultation_id": w.api_consultation.pk},
        denied=(404,),
        # The public reaches the endpoint, but an open consultation does not exist for it.
        per_persona={"public": (404,)},
    ),
    "api:meetings": Row(SIGNED_IN, api=True),
    "api:meeting": Row(
        READERS,
        api=True,
        kwargs=lambda w: {"meeting_id": w.api_meeting.pk},
        denied=(404,),
    ),
    "api:resolutions": Row(ALL, api=True),
    "api:resolution": Row(ALL, api=True, kwargs=lambda w: {"resolution_id": w.api_resolution.pk}),
}


def prepare(world) -> None:
    if getattr(world, "api_resolution", None) is not None:
        return
    staff, board = world.users["staff"], world.users["board"]
    world.api_consultation = services.consultation_create(
        actor=staff,
        title="نظرخواهی اعضای اتحادیه (ماتریس API)",
        question="کدام گزینه؟",
        kind=Consultation.Kind.SINGLE,
        audience=Consultation.Audience.UNION,
        audience_union=world.union,
        closes_at=timezone.now() + timedelta(days=3),
        options=["یک", "دو"],
    )
    meeting = services.meeting_create(
        actor=staff,
        kind=MeetingKind.BOARD,
        title="جلسه هیئت رئیسه (ماتریس API)",
        starts_at=timezone.now() - timedelta(days=1),
    )
    services.attendance_set(actor=staff, meeting=meeting, present_user_ids=[board.pk])
    item = services.agenda_item_add(actor=staff, meeting=meeting, title="بند نمونه")
    services.voting_open(actor=staff, item=item)
    services.vote_cast(actor=board, item=item, choice="for")
    world.api_meeting = meeting
    world.api_resolution = services.voting_close(actor=staff, item=item)
