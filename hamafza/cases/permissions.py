"""Who may see and do what with cases (docs/permissions.md).

- Seeing a case (its page, conversation, timeline, public files, referral letters): the
  representatives of its cooperative; the representatives of the union that filed it; chamber
  staff, board members and administrators (all cases); directorate officials (cases referred
  to the directorate). Anyone else gets 404: even a case's existence is private.
- Internal notes and internal files: chamber staff, board members and administrators only.
- Working a case (triage, assignment, referral, resolution, agenda, internal notes): chamber
  staff and administrators.
- Filing: a cooperative's representative for it, a union's representative for a member, staff
  for any cooperative.
- Confirming, rating and reopening: the cooperative's representatives (and the filing union's).
"""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from hamafza.accounts.models import Role
from hamafza.cases.models import Case
from hamafza.followup.models import Organisation

MANAGERS = (Role.STAFF, Role.ADMIN)
READ_ALL = (Role.STAFF, Role.BOARD, Role.ADMIN)
INTERNAL = (Role.STAFF, Role.BOARD, Role.ADMIN)
REPORT = (Role.STAFF, Role.BOARD, Role.DIRECTORATE, Role.ADMIN)


def cases_for(user) -> QuerySet[Case]:
    if not user.is_authenticated:
        return Case.objects.none()
    if user.has_role(*READ_ALL):
        return Case.objects.all()
    condition = Q(pk__in=[])
    if user.cooperative_ids:
        condition |= Q(cooperative_id__in=user.cooperative_ids)
    if user.union_ids:
        condition |= Q(union_id__in=user.union_ids)
    if user.has_role(Role.DIRECTORATE):
        condition |= Q(
            pk__in=Case.objects.filter(
                referrals__organisation__kind=Organisation.Kind.DIRECTORATE
            ).values("pk")
        )
    return Case.objects.filter(condition)


def is_party(user, case: Case) -> bool:
    """The side that brought the case: its cooperative's or the filing union's people."""
    if not user.is_authenticated:
        return False
    return case.cooperative_id in user.cooperative_ids or (
        case.union_id is not None and case.union_id in user.union_ids
    )


def can_manage(user) -> bool:
    return user.is_authenticated and user.has_role(*MANAGERS)


def sees_internal(user) -> bool:
    return user.is_authenticated and user.has_role(*INTERNAL)


def can_see_report(user) -> bool:
    return user.is_authenticated and user.has_role(*REPORT)


def get_case_for_user(user, pk: int) -> tuple[Case, bool]:
    """The case (404 when the user may not see it) and whether the user may work it."""
    case = get_object_or_404(
        cases_for(user).select_related("cooperative", "category", "assignee", "union"), pk=pk
    )
    return case, can_manage(user)
