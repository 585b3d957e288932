"""Permission-matrix rows of the desk: triage, assignment, referral and its letter, start,
resolve, reject, and putting cases on a meeting's agenda.

Working a case is for chamber staff and administrators: anyone else signed in gets 403 from
every desk URL, whatever the case (so the answer tells nothing about a case's existence). The
referral letter is seen by whoever may see the case (case_a: its cooperative, staff, board,
administrators and, as it was referred to the directorate, the directorate's officials);
anyone else gets 404."""

from hamafza.cases.tests.helpers import case_world
from hamafza.core.tests.matrix import Row, only

MANAGERS = only("staff", "admin")
SEE_CASE_A = only("coop", "staff", "board", "directorate", "admin")

EXPECTED: dict[str, Row] = {
    "cases:cases_agenda": Row(MANAGERS),
    "cases:case_triage": Row(MANAGERS, kwargs=lambda w: {"pk": w.case_b.pk}),
    "cases:case_assign": Row(
        MANAGERS,
        kwargs=lambda w: {"pk": w.case_a.pk},
        method="post",
        data=lambda w: {"assignee": w.users["staff"].pk},
        ok=(302,),
    ),
    "cases:case_refer": Row(MANAGERS, kwargs=lambda w: {"pk": w.case_a.pk}),
    "cases:referral_letter": Row(
        SEE_CASE_A,
        kwargs=lambda w: {"pk": w.case_a.pk, "referral_id": w.case_referral.pk},
        denied=(404,),
    ),
    "cases:case_start": Row(
        MANAGERS, kwargs=lambda w: {"pk": w.case_a.pk}, method="post", ok=(302,)
    ),
    "cases:case_resolve": Row(MANAGERS, kwargs=lambda w: {"pk": w.case_a.pk}),
    "cases:case_reject": Row(MANAGERS, kwargs=lambda w: {"pk": w.case_a.pk}),
}


def prepare(world) -> None:
    case_world(world)
