"""Permission-matrix rows of the follow-up API (/api/v1/actions).

The action belongs to a published resolution, so everyone sees it (as on the public
accountability page); what each persona sees of it is tested in test_followup_api.py.
"""

from hamafza.core.tests.matrix import ALL, Row
from hamafza.followup.models import Action, Organisation
from hamafza.followup.tests.accountability_helpers import action, body, pass_resolutions

EXPECTED = {
    "api:actions": Row(ALL, api=True),
    "api:action": Row(ALL, api=True, kwargs=lambda w: {"action_id": w.followup_api_action.pk}),
}


def prepare(world) -> None:
    if getattr(world, "followup_api_action", None) is not None:
        return
    (resolution,) = pass_resolutions(world, ["مصوبه برای API پیگیری (ماتریس)"])
    world.followup_api_action = action(
        world,
        resolution,
        body("بانک توسعه تعاون (ماتریس)", Organisation.Kind.OUTSIDE),
        title="اقدام برای API (ماتریس)",
        status=Action.Status.IN_PROGRESS,
        progress=25,
    )
