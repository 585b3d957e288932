"""Shared pieces of the permission matrix (test_permission_matrix.py)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from hamafza.conftest import PERSONAS

ALL = frozenset(PERSONAS)
SIGNED_IN = ALL - {"public"}


@dataclass(frozen=True)
class Row:
    allowed: frozenset[str]
    kwargs: Callable = lambda w: {}
    method: str = "get"
    data: Callable | None = None
    ok: tuple[int, ...] = (200,)
    # What a signed-in persona without access gets (404 where existence is itself private).
    denied: tuple[int, ...] = (403,)
    api: bool = False
    # Status for an allowed persona, when it differs per persona.
    per_persona: dict = field(default_factory=dict)


def only(*personas: str) -> frozenset[str]:
    return frozenset(personas)
