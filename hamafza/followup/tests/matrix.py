"""Permission-matrix rows of the followup part, gathered from each area's matrix_<area>.py
(each defines EXPECTED and prepare(world))."""

from hamafza.followup.tests import (
    matrix_accountability,
    matrix_actions,
    matrix_api,
    matrix_notifications,
)

_AREAS = [matrix_actions, matrix_accountability, matrix_notifications, matrix_api]
EXPECTED = {}
for _module in _AREAS:
    EXPECTED.update(_module.EXPECTED)


def prepare(world) -> None:
    for module in _AREAS:
        module.prepare(world)
