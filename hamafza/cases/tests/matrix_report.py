"""Permission-matrix rows of the report area: the case report, its Excel export and the
breach report. Chamber staff, board members, directorate officials and administrators read
them (permissions.can_see_report); cooperatives and unions get 403, the public the sign-in
page."""

from hamafza.cases.tests.helpers import case_world
from hamafza.core.tests.matrix import Row, only

REPORT_READERS = only("staff", "board", "directorate", "admin")

EXPECTED: dict[str, Row] = {
    "cases:case_report": Row(REPORT_READERS),
    "cases:case_report_export": Row(REPORT_READERS),
    "cases:breach_report": Row(REPORT_READERS),
}


def prepare(world) -> None:
    case_world(world)
