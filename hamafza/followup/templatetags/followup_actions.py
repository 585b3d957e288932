"""Template tags of the actions area: a resolution's actions and progress (for the block in
decisions/resolution_detail.html), status colours and overdue days."""

from django import template
from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from hamafza.followup import permissions, services
from hamafza.followup.models import Action

register = template.Library()

STATUS_CLASSES = {
    Action.Status.NOT_STARTED: "hz-fu-not_started",
    Action.Status.IN_PROGRESS: "hz-fu-in_progress",
    Action.Status.DONE: "hz-fu-done",
    Action.Status.BLOCKED: "hz-fu-blocked",
    Action.Status.CANCELLED: "hz-fu-cancelled",
}


@register.simple_tag(takes_context=True)
def resolution_actions(context, resolution) -> dict:
    """The resolution's actions (responsible body and owner fetched with them), its derived
    progress, which actions the person may open, and whether they may add one."""
    request = context.get("request")
    user = getattr(request, "user", None)
    prefetch_related_objects(
        [resolution],
        Prefetch(
            "actions",
            queryset=Action.objects.select_related("responsible", "owner").order_by("due_on", "id"),
        ),
    )
    actions = list(resolution.actions.all())
    visible = set()
    if user is not None and user.is_authenticated and actions:
        visible = set(
            permissions.actions_for(user).filter(resolution=resolution).values_list("pk", flat=True)
        )
    for action in actions:
        action.visible = action.pk in visible
    manage = bool(user and user.is_authenticated and user.has_role(*services.MANAGERS))
    return {
        "actions": actions,
        "progress": services.resolution_progress(resolution),
        "done": sum(1 for a in actions if a.status == Action.Status.DONE),
        "overdue": sum(1 for a in actions if a.overdue),
        "manage": manage,
        "create_url": reverse("followup:action_create", args=[resolution.pk]) if manage else "",
    }


@register.filter
def status_class(value) -> str:
    return STATUS_CLASSES.get(value, "hz-fu-not_started")


@register.filter
def overdue_days(action) -> int:
    """Days past the due date of an overdue action (0 when it is not overdue)."""
    if not action.overdue:
        return 0
    return (timezone.localdate() - action.due_on).days


@register.filter
def bar_width(value) -> str:
    """The width class (app.css hz-w-0 … hz-w-100) of a percentage."""
    try:
        number = round(float(value))
    except (TypeError, ValueError):
        number = 0
    return f"hz-w-{min(max(number, 0), 100)}"
