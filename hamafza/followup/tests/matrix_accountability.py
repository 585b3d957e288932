"""Permission-matrix rows of the public accountability page: everyone, no sign-in."""

from hamafza.core.tests.matrix import ALL, Row
from hamafza.followup.models import Action, Organisation
from hamafza.followup.tests.accountability_helpers import action, body, pass_resolutions

EXPECTED = {
    "followup:accountability": Row(ALL),
}


def prepare(world) -> None:
    """A published resolution with an action in progress, so the page has rows to show."""
    if getattr(world, "accountability_action", None) is not None:
        return
    (resolution,) = pass_resolutions(world, ["مصوبه برای کارنامه اجرا (ماتریس)"])
    world.accountability_action = action(
        world,
        resolution,
        body("اداره کل تعاون، کار و رفاه اجتماعی (ماتریس)", Organisation.Kind.DIRECTORATE),
        title="اقدام برای کارنامه (ماتریس)",
        status=Action.Status.IN_PROGRESS,
        progress=40,
    )
