"""Permission-matrix rows of the cases part, gathered from each area's matrix_<area>.py
(each defines EXPECTED and prepare(world))."""

from hamafza.cases.tests import matrix_api, matrix_cases, matrix_desk, matrix_report

_AREAS = [matrix_cases, matrix_desk, matrix_report, matrix_api]
EXPECTED = {}
for _module in _AREAS:
    EXPECTED.update(_module.EXPECTED)


def prepare(world) -> None:
    for module in _AREAS:
        module.prepare(world)
