"""Who may see and change what in the registry (docs/permissions.md)."""

from django.shortcuts import get_object_or_404

from hamafza.accounts.models import Role
from hamafza.registry.models import Cooperative, Union

# Roles that read every cooperative's full record.
REGISTRY_READERS = (Role.STAFF, Role.ADMIN, Role.BOARD, Role.DIRECTORATE)
REGISTRY_EDITORS = (Role.STAFF, Role.ADMIN)


def can_see_private(user, cooperative: Cooperative) -> bool:
    if not user.is_authenticated:
        return False
    return user.has_role(*REGISTRY_READERS) or cooperative.pk in user.cooperative_ids


def can_edit(user, cooperative: Cooperative) -> bool:
    if not user.is_authenticated:
        return False
    return user.has_role(*REGISTRY_EDITORS) or cooperative.pk in user.cooperative_ids


def get_cooperative_for_user(user, pk: int) -> tuple[Cooperative, bool, bool]:
    """The cooperative, whether the user sees its private fields, and whether they may edit."""
    cooperative = get_object_or_404(
        Cooperative.objects.select_related("county", "sector", "union"), pk=pk
    )
    return cooperative, can_see_private(user, cooperative), can_edit(user, cooperative)


def can_edit_union(user, union: Union) -> bool:
    if not user.is_authenticated:
        return False
    return user.has_role(*REGISTRY_EDITORS) or union.pk in user.union_ids


def get_union_for_user(user, pk: int) -> tuple[Union, bool]:
    """The union and whether the user may edit it (its representatives and registry editors)."""
    union = get_object_or_404(Union.objects.select_related("county", "sector"), pk=pk)
    return union, can_edit_union(user, union)
