"""Who may see what in decision-shaping and decision-making (docs/permissions.md).

- Consultations: open ones are seen by signed-in people in their audience and by staff,
  board, directorate and administrators; closed ones with a published outcome are public.
- Proposals: every signed-in person reads, supports and comments; staff decide their path.
- Meetings and their minutes: board, staff, directorate, administrators and the invited.
- Resolutions: published resolutions are public.
- The library of laws: public.
"""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from hamafza.accounts.models import Role
from hamafza.decisions import services
from hamafza.decisions.models import Consultation, Meeting, Resolution

READ_ALL = (Role.STAFF, Role.BOARD, Role.DIRECTORATE, Role.ADMIN)
MANAGERS = services.MEETING_MANAGERS


def consultations_for(user) -> QuerySet[Consultation]:
    public = Q(outcome_published_at__isnull=False)
    qs = Consultation.objects.all()
    if not user.is_authenticated:
        return qs.filter(public)
    if user.has_role(*READ_ALL):
        return qs
    audience = Q(pk__in=[])
    if user.cooperative_ids:
        from hamafza.registry.models import Cooperative

        coops = Cooperative.objects.filter(pk__in=user.cooperative_ids)
        sectors = set(coops.values_list("sector_id", flat=True))
        counties = set(coops.values_list("county_id", flat=True))
        unions = set(coops.exclude(union=None).values_list("union_id", flat=True))
        audience = (
            Q(audience=Consultation.Audience.ALL)
            | Q(audience=Consultation.Audience.SECTOR, audience_sector__in=sectors)
            | Q(audience=Consultation.Audience.COUNTY, audience_county__in=counties)
            | Q(audience=Consultation.Audience.UNION, audience_union__in=unions)
        )
    if user.union_ids:
        audience |= Q(audience=Consultation.Audience.UNION, audience_union__in=user.union_ids)
    return qs.filter(public | audience | Q(created_by=user))


def get_consultation_for_user(user, pk: int) -> tuple[Consultation, bool]:
    """The consultation (404 when the user may not see it) and whether they manage it."""
    consultation = get_object_or_404(consultations_for(user), pk=pk)
    return consultation, services.can_manage_consultation(user, consultation)


def meetings_for(user) -> QuerySet[Meeting]:
    if not user.is_authenticated:
        return Meeting.objects.none()
    if user.has_role(*READ_ALL):
        return Meeting.objects.all()
    return Meeting.objects.filter(members__user=user).distinct()


def get_meeting_for_user(user, pk: int) -> tuple[Meeting, bool]:
    """The meeting (404 when not visible) and whether the user manages it (staff)."""
    meeting = get_object_or_404(meetings_for(user), pk=pk)
    return meeting, user.has_role(*MANAGERS)


def resolutions_for(user) -> QuerySet[Resolution]:
    if user.is_authenticated and user.has_role(*READ_ALL):
        return Resolution.objects.all()
    return Resolution.objects.filter(published=True)


def can_read_minutes(user, meeting: Meeting) -> bool:
    return meetings_for(user).filter(pk=meeting.pk).exists()
