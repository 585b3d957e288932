"""Permission-matrix rows of the decisions part, gathered from each area's matrix_<area>.py
(each defines EXPECTED and prepare(world))."""

from hamafza.decisions.tests import (
    matrix_api,
    matrix_consultations,
    matrix_library,
    matrix_meetings,
    matrix_proposals,
)

_AREAS = [matrix_consultations, matrix_proposals, matrix_library, matrix_meetings, matrix_api]
EXPECTED = {}
for _module in _AREAS:
    EXPECTED.update(_module.EXPECTED)


def prepare(world) -> None:
    for module in _AREAS:
        module.prepare(world)
