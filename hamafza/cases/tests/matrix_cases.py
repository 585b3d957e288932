"""Permission-matrix rows of the case pages both sides use: the list, filing, the case, its
conversation and files, and the cooperative's confirmation, rating and reopening.

case_a is cooperative A's (filed by `coop`) and was referred to the directorate: its
cooperative, staff, board, administrators and the directorate's officials see it; coop2 and
the union (which did not file it) get 404 — a case's existence is private. Those who see a
case but may not do something with it get 403. Confirming, rating and reopening act on a
fresh case per persona (a request changes it), filed by `coop` and not referred, so the
directorate does not see it (404)."""

import datetime

from django.conf import settings
from django.utils import timezone

from hamafza.cases import services
from hamafza.cases.models import Case
from hamafza.cases.tests.helpers import case_world, file_case
from hamafza.core.tests.matrix import SIGNED_IN, Row, only

FILERS = only("coop", "coop2", "union", "staff", "admin")
SEE_CASE_A = only("coop", "staff", "board", "directorate", "admin")
POSTERS = only("coop", "staff", "admin")


def _resolved(world) -> Case:
    case = file_case(world, title="درخواست حل‌شده (جدول دسترسی)")
    staff = world.users["staff"]
    services.case_triage(actor=staff, case=case)
    return services.case_resolve(actor=staff, case=case, outcome="حل شد.")


def _auto_closed(world) -> Case:
    case = _resolved(world)
    later = timezone.now() + datetime.timedelta(days=settings.HAMAFZA_CASE_CLOSE_DAYS + 1)
    services.close_resolved(now=later)
    case.refresh_from_db()
    return case


EXPECTED: dict[str, Row] = {
    "cases:case_list": Row(SIGNED_IN),
    "cases:case_create": Row(FILERS),
    "cases:case_detail": Row(SEE_CASE_A, kwargs=lambda w: {"pk": w.case_a.pk}, denied=(404,)),
    "cases:message_add": Row(
        POSTERS,
        kwargs=lambda w: {"pk": w.case_a.pk},
        method="post",
        data=lambda w: {"text": "پیام آزمایشی جدول دسترسی"},
        ok=(302,),
        denied=(403, 404),
    ),
    "cases:attachment": Row(
        SEE_CASE_A,
        kwargs=lambda w: {"pk": w.case_a.pk, "attachment_id": w.case_public_file.pk},
        denied=(404,),
    ),
    "cases:case_confirm": Row(
        only("coop"),
        kwargs=lambda w: {"pk": _resolved(w).pk},
        method="post",
        data=lambda w: {"rating": "5", "comment": "سپاس"},
        ok=(302,),
        denied=(403, 404),
    ),
    "cases:case_rate": Row(
        only("coop"),
        kwargs=lambda w: {"pk": _auto_closed(w).pk},
        method="post",
        data=lambda w: {"rating": "4"},
        ok=(302,),
        denied=(403, 404),
    ),
    "cases:case_reopen": Row(
        only("coop", "staff", "admin"),
        kwargs=lambda w: {"pk": _resolved(w).pk},
        method="post",
        data=lambda w: {"reason": "مشکل دوباره پیش آمد"},
        ok=(302,),
        denied=(403, 404),
    ),
}


def prepare(world) -> None:
    case_world(world)
