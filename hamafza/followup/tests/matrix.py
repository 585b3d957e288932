"""Permission-matrix rows of the follow-up part, gathered from each area's matrix_<area>.py
(each defines EXPECTED and prepare(world))."""

import importlib

EXPECTED = {}
_PREPARES = []
for _area in ("actions", "accountability", "notifications", "api"):
    try:
        _module = importlib.import_module(f"hamafza.followup.tests.matrix_{_area}")
    except ModuleNotFoundError:
        continue
    EXPECTED.update(_module.EXPECTED)
    _PREPARES.append(_module.prepare)


def prepare(world) -> None:
    for step in _PREPARES:
        step(world)
