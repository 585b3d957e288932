"""Permission-matrix rows of the cases API (/api/v1/cases).

case_a is cooperative A's case (filed by `coop`), referred to the directorate: its people,
staff, board, administrators and the directorate see it; coop2 and the union (it did not
file it) get 404. Filing for cooperative A: its representative, the union (A is a member),
staff and administrators; coop2, board and the directorate are refused (403).
"""

from hamafza.cases.tests.helpers import case_world
from hamafza.core.tests.matrix import SIGNED_IN, Row, only

EXPECTED = {
    "api:cases": Row(SIGNED_IN, api=True),
    "api:case": Row(
        only("coop", "staff", "board", "directorate", "admin"),
        api=True,
        kwargs=lambda w: {"case_id": w.case_a.pk},
        denied=(404,),
    ),
    "api:case_create": Row(
        only("coop", "union", "staff", "admin"),
        api=True,
        method="post",
        data=lambda w: {
            "category": "بیمه",
            "title": "درخواست آزمایشی ماتریس دسترسی",
            "description": "شرح درخواست آزمایشی.",
            "cooperative": w.coop_a.pk,
        },
        ok=(201,),
    ),
}


def prepare(world) -> None:
    case_world(world)
