"""Permission-matrix rows of this area (being written)."""

from hamafza.cases.tests.helpers import case_world
from hamafza.core.tests.matrix import Row

EXPECTED: dict[str, Row] = {}


def prepare(world) -> None:
    case_world(world)
