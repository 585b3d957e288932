"""Who may see what in the follow-up (docs/permissions.md).

- Actions: staff, board, directorate and administrators see every action; the people who
  act for the responsible body (and the owner) see theirs; everyone sees the actions of
  published resolutions on the public accountability page (status and progress, no files).
- Progress reports and evidence files: those who see the action in full.
- Updating an action: its responsible party and chamber staff (services.can_update).
"""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from hamafza.accounts.models import Role
from hamafza.followup import services
from hamafza.followup.models import Action, Organisation

READ_ALL = (Role.STAFF, Role.BOARD, Role.DIRECTORATE, Role.ADMIN)


def actions_for(user) -> QuerySet[Action]:
    if not user.is_authenticated:
        return Action.objects.none()
    if user.has_role(*READ_ALL):
        return Action.objects.all()
    condition = Q(owner=user) | Q(responsible__members=user)
    if user.union_ids:
        condition |= Q(responsible__union_id__in=user.union_ids)
    if user.cooperative_ids:
        condition |= Q(responsible__cooperative_id__in=user.cooperative_ids)
    return Action.objects.filter(condition).distinct()


def my_actions(user) -> QuerySet[Action]:
    """What the user (or a body they act for) must do, whatever their other roles."""
    if not user.is_authenticated:
        return Action.objects.none()
    condition = Q(owner=user) | Q(responsible__members=user)
    if user.has_role(Role.DIRECTORATE):
        condition |= Q(responsible__kind=Organisation.Kind.DIRECTORATE)
    if user.union_ids:
        condition |= Q(responsible__union_id__in=user.union_ids)
    if user.cooperative_ids:
        condition |= Q(responsible__cooperative_id__in=user.cooperative_ids)
    return Action.objects.filter(condition).distinct()


def get_action_for_user(user, pk: int) -> tuple[Action, bool]:
    """The action (404 when not visible) and whether the user may report on it."""
    action = get_object_or_404(
        actions_for(user).select_related("resolution", "responsible", "owner"), pk=pk
    )
    return action, services.can_update(user, action)
