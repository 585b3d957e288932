"""Permission-matrix rows of meetings, agenda, votes, minutes, resolutions and the calendar.

The world's board persona is the only board member, so a board meeting's quorum is met once
they are marked present. Minutes are finalised by hand here (a small stand-in PDF) so the
rows stay fast; the real rendering is tested in test_minutes.py.
"""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from hamafza.core.tests.matrix import ALL, SIGNED_IN, Row, only
from hamafza.decisions import services
from hamafza.decisions.models import Meeting, MeetingKind, Minutes

READERS = only("staff", "board", "directorate", "admin")
MANAGERS = only("staff", "admin")


def _meeting(world, title: str, days: int) -> Meeting:
    staff = world.users["staff"]
    meeting = services.meeting_create(
        actor=staff,
        kind=MeetingKind.BOARD,
        title=title,
        starts_at=timezone.now() + datetime.timedelta(days=days),
        place="سالن جلسات اتاق",
    )
    services.attendance_set(
        actor=staff, meeting=meeting, present_user_ids=[world.users["board"].pk]
    )
    return meeting


def prepare(world) -> None:
    if getattr(world, "meeting", None) is not None:
        return
    staff, board = world.users["staff"], world.users["board"]
    meeting = _meeting(world, "جلسه هیئت رئیسه برای جدول دسترسی", 1)
    pending = services.agenda_item_add(actor=staff, meeting=meeting, title="بند در انتظار")
    voting = services.agenda_item_add(actor=staff, meeting=meeting, title="بند در رأی‌گیری")
    services.voting_open(actor=staff, item=voting)
    passed = services.agenda_item_add(actor=staff, meeting=meeting, title="بند تصویب‌شده")
    services.voting_open(actor=staff, item=passed)
    services.vote_cast(actor=board, item=passed, choice="for")
    resolution = services.voting_close(actor=staff, item=passed, text="متن مصوبه نمونه")

    final = _meeting(world, "جلسه با صورتجلسه نهایی", -7)
    minutes = Minutes(
        meeting=final, summary="خلاصه", finalised_at=timezone.now(), finalised_by=staff
    )
    minutes.pdf.save("minutes-test.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    minutes.save()
    Meeting.objects.filter(pk=final.pk).update(state=Meeting.State.FINAL)

    world.meeting = meeting
    world.pending_item = pending
    world.voting_item = voting
    world.resolution = resolution
    world.final_meeting = final
    world.calendar_token = services.calendar_token_for(board)


def _to_finalise(world) -> Meeting:
    return _meeting(world, "جلسه برای نهایی کردن", 2)


EXPECTED: dict[str, Row] = {
    "decisions:meeting_list": Row(SIGNED_IN),
    "decisions:meeting_create": Row(MANAGERS),
    "decisions:meeting_detail": Row(READERS, kwargs=lambda w: {"pk": w.meeting.pk}, denied=(404,)),
    "decisions:agenda_item_add": Row(MANAGERS, kwargs=lambda w: {"pk": w.meeting.pk}),
    "decisions:meeting_attendance": Row(MANAGERS, kwargs=lambda w: {"pk": w.meeting.pk}),
    "decisions:voting_open": Row(
        MANAGERS,
        kwargs=lambda w: {"pk": w.meeting.pk, "item_id": w.pending_item.pk},
        method="post",
        ok=(302,),
    ),
    "decisions:voting_close": Row(
        MANAGERS,
        kwargs=lambda w: {"pk": w.meeting.pk, "item_id": w.voting_item.pk},
        method="post",
        ok=(302,),
    ),
    # Everyone who sees the meeting reaches the view; the service refuses non-members with a
    # message (a redirect back to the meeting), those who may not see it get 404.
    "decisions:vote": Row(
        READERS,
        kwargs=lambda w: {"pk": w.meeting.pk, "item_id": w.voting_item.pk},
        method="post",
        data=lambda w: {"choice": "for"},
        ok=(302,),
        denied=(404,),
    ),
    "decisions:minutes_edit": Row(MANAGERS, kwargs=lambda w: {"pk": w.meeting.pk}),
    "decisions:minutes_finalise": Row(
        MANAGERS, kwargs=lambda w: {"pk": _to_finalise(w).pk}, method="post", ok=(302,)
    ),
    "decisions:minutes_amend": Row(MANAGERS, kwargs=lambda w: {"pk": w.final_meeting.pk}),
    "decisions:minutes_pdf": Row(
        READERS, kwargs=lambda w: {"pk": w.final_meeting.pk}, denied=(404,)
    ),
    "decisions:resolution_list": Row(ALL),
    "decisions:resolution_detail": Row(ALL, kwargs=lambda w: {"pk": w.resolution.pk}),
    "decisions:calendar_feed": Row(ALL, kwargs=lambda w: {"token": w.calendar_token}),
    "decisions:calendar_renew": Row(SIGNED_IN, method="post", ok=(302,)),
}
