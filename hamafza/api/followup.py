"""Follow-up endpoints: actions on resolutions (DESIGN.md, Contracts).

Who sees what: everyone sees the actions of published resolutions — status and progress, as
on the public accountability page; a signed-in caller also sees the actions
hamafza.followup.permissions.actions_for lets them see, and sees those "in full" (the text
of the progress reports). The owner's username is for signed-in callers only. An action the
caller may not see answers 404, as if it did not exist. Lists sort ids first and then fetch
the page's rows with their relations (no query per row).
"""

from datetime import date, datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from hamafza.api.api import Detail, api
from hamafza.api.pagination import paginate
from hamafza.api.registry import _resolve
from hamafza.followup import permissions, selectors
from hamafza.followup.models import Action, Organisation, ProgressUpdate

router = Router(tags=["followup"])

ERRORS = {400: Detail, 401: Detail, 404: Detail}
STATUSES = ", ".join(Action.Status.values)


class ResolutionRef(Schema):
    id: int
    number: str = Field(description="«Jalali year/meeting/sequence», e.g. 1405/7/2")
    title: str


class BodyRef(Schema):
    id: int
    name: str
    kind: str = Field(description="chamber, directorate, union, cooperative or outside")


class ActionItem(Schema):
    id: int
    title: str
    resolution: ResolutionRef
    responsible: BodyRef = Field(description="the responsible body")
    owner: str | None = Field(
        description="username of the person following it up; null when none is named, and "
        "always null for the public"
    )
    due_on: date
    status: str = Field(description=STATUSES)
    progress: int = Field(description="0–100")
    overdue: bool = Field(description="derived: not done or cancelled and past due_on")
    completed_on: date | None


class UpdateOut(Schema):
    id: int
    posted_at: datetime
    status_before: str
    status_after: str
    progress_before: int
    progress_after: int
    text: str | None = Field(
        description="the report; null for callers who see the action only as the public does"
    )
    evidence: int = Field(description="how many evidence files the report carries")


class ActionDetail(ActionItem):
    updates: list[UpdateOut] = Field(description="the timeline, oldest first")


class ActionList(Schema):
    count: int
    results: list[ActionItem]


class ActionFilters(Schema):
    status: str = Field("", description=STATUSES)
    overdue: str = Field("", description="true or false")
    responsible: str = Field("", description="the responsible body, by id or by name")
    page: int = 1
    page_size: int = 25


def visible_actions(user) -> QuerySet[Action]:
    """The public's actions, and for a signed-in caller also those actions_for allows."""
    public = Q(resolution__published=True)
    if not user.is_authenticated:
        return Action.objects.filter(public)
    return Action.objects.filter(public | Q(pk__in=permissions.actions_for(user).values("pk")))


def _in_full(user, ids) -> set[int]:
    """The ids among ``ids`` the caller sees in full (one query)."""
    if not user.is_authenticated:
        return set()
    return set(permissions.actions_for(user).filter(pk__in=ids).values_list("pk", flat=True))


def _item(a: Action, signed_in: bool) -> dict:
    return {
        "id": a.pk,
        "title": a.title,
        "resolution": {
            "id": a.resolution_id,
            "number": a.resolution.number,
            "title": a.resolution.title,
        },
        "responsible": {
            "id": a.responsible_id,
            "name": a.responsible.name,
            "kind": a.responsible.kind,
        },
        "owner": a.owner.username if signed_in and a.owner_id else None,
        "due_on": a.due_on,
        "status": a.status,
        "progress": a.progress,
        "overdue": a.overdue,
        "completed_on": a.completed_on,
    }


def _with_relations(qs: QuerySet[Action]) -> QuerySet[Action]:
    return qs.select_related("resolution", "responsible", "owner")


def _truthy(value: str) -> bool:
    match value.strip().lower():
        case "true" | "1" | "yes":
            return True
        case "false" | "0" | "no":
            return False
    raise HttpError(400, "overdue must be true or false")


@router.get(
    "/actions",
    response={200: ActionList, **ERRORS},
    summary="Actions on resolutions (اقدام‌ها)",
    description="The public sees the actions of published resolutions (as on the public "
    "accountability page); signed-in callers also see the actions they act on or, for "
    "staff, board, the directorate and administrators, every action. Sorted by due date.",
)
def actions(request: HttpRequest, filters: Query[ActionFilters]):
    today = timezone.localdate()
    qs = visible_actions(request.user)
    if filters.status:
        if filters.status not in Action.Status.values:
            raise HttpError(400, f"status must be one of {STATUSES}")
        qs = qs.filter(status=filters.status)
    if filters.overdue.strip():
        overdue = selectors.overdue_q(today)
        qs = qs.filter(overdue) if _truthy(filters.overdue) else qs.exclude(overdue)
    responsible = _resolve(Organisation, filters.responsible)
    if responsible is not None:
        qs = qs.filter(responsible_id=responsible)
    signed_in = request.user.is_authenticated
    return paginate(
        qs.order_by("due_on", "id"),
        filters.page,
        filters.page_size,
        lambda a: _item(a, signed_in),
        fetch=lambda ids: _with_relations(Action.objects.filter(pk__in=ids)),
    )


@router.get(
    "/actions/{action_id}",
    response={200: ActionDetail, **ERRORS},
    summary="One action with its timeline of progress reports",
    description="The text of the reports is for callers who see the action in full (its "
    "responsible party, staff, board, the directorate, administrators); others get the "
    "dates, status and progress changes and how many evidence files each report carries.",
)
def action(request: HttpRequest, action_id: int):
    a = get_object_or_404(
        _with_relations(visible_actions(request.user)).prefetch_related(
            Prefetch(
                "updates",
                queryset=ProgressUpdate.objects.annotate(n_evidence=Count("evidence")).order_by(
                    "posted_at", "id"
                ),
            )
        ),
        pk=action_id,
    )
    full = a.pk in _in_full(request.user, [a.pk])
    return _item(a, request.user.is_authenticated) | {
        "updates": [
            {
                "id": u.pk,
                "posted_at": timezone.localtime(u.posted_at),
                "status_before": u.status_before,
                "status_after": u.status_after,
                "progress_before": u.progress_before,
                "progress_after": u.progress_after,
                "text": u.text if full else None,
                "evidence": u.n_evidence,
            }
            for u in a.updates.all()
        ]
    }


api.add_router("/", router)
