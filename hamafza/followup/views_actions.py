"""Actions on resolutions: creating and editing them (staff), their page with the timeline of
progress reports and the report form (the responsible party), evidence downloads, "my
actions" and the follow-up board.

Views stay thin: they check who may see the page, clean the input and call services, which
refuse with a Persian message (shown to the person, nothing changed, nothing typed lost)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamafza.accounts.permissions import role_required, signin_required
from hamafza.core.refusals import form_errors, refusal
from hamafza.core.uploads import serve
from hamafza.decisions import permissions as decisions_permissions
from hamafza.followup import permissions, services
from hamafza.followup.forms_actions import (
    SORTS,
    ActionForm,
    BoardFilterForm,
    ProgressForm,
    owner_candidates,
)
from hamafza.followup.models import Action, Evidence
from hamafza.persian.templatetags.persian import fadigits

MANAGERS = services.MANAGERS
BOARD_READERS = permissions.READ_ALL
PAGE_SIZE = 25
MY_PAGE_SIZE = 50


def _not_responsible() -> str:
    return _("فقط مسئول این اقدام یا کارشناسان اتاق گزارش می‌دهند.")


def with_overdue(qs: QuerySet[Action]) -> QuerySet[Action]:
    """Annotate `is_overdue` (1 or 0), derived as Action.overdue is: open and past its due date."""
    today = timezone.localdate()
    return qs.annotate(
        is_overdue=Case(
            When(Q(status__in=Action.OPEN_STATUSES, due_on__lt=today), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def status_counts(qs: QuerySet[Action]) -> dict:
    """How many actions of the set are in each status, and how many are overdue (one query)."""
    today = timezone.localdate()
    totals = qs.order_by().aggregate(
        total=Count("id", distinct=True),
        overdue=Count(
            "id",
            distinct=True,
            filter=Q(status__in=Action.OPEN_STATUSES, due_on__lt=today),
        ),
        **{
            f"s_{value}": Count("id", distinct=True, filter=Q(status=value))
            for value in Action.Status.values
        },
    )
    return {
        "total": totals["total"],
        "overdue": totals["overdue"],
        "statuses": [
            (value, label, totals[f"s_{value}"]) for value, label in Action.Status.choices
        ],
    }


def _listed(qs: QuerySet[Action]) -> QuerySet[Action]:
    return qs.select_related("resolution", "responsible", "owner")


def _querystring(request: HttpRequest, drop=("page",), **override) -> str:
    params = request.GET.copy()
    for key in drop:
        params.pop(key, None)
    for key, value in override.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


# --------------------------------------------------------------------------- create / edit
def _save_responsible(request: HttpRequest, form: ActionForm):
    body = form.new_body()
    if body is None:
        return form.cleaned_data["responsible"]
    name, kind = body
    return services.organisation_get_or_create(actor=request.user, name=name, kind=kind)


def _action_form_page(request, form, *, resolution, action=None) -> HttpResponse:
    return render(
        request,
        "followup/action_form.html",
        {
            "form": form,
            "resolution": resolution,
            "action": action,
            "owner_candidates": owner_candidates(),
        },
        status=422 if form.errors else 200,
    )


@role_required(*MANAGERS)
def action_create(request: HttpRequest, resolution_id: int) -> HttpResponse:
    resolution = get_object_or_404(
        decisions_permissions.resolutions_for(request.user).select_related("meeting"),
        pk=resolution_id,
    )
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # a body typed in is not kept if the action is refused
                action = services.action_create(
                    actor=request.user,
                    resolution=resolution,
                    title=data["title"],
                    description=data["description"],
                    responsible=_save_responsible(request, form),
                    owner=data["owner"],
                    due_on=data["due_on"],
                )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request,
                _("اقدام «%(title)s» ثبت شد و به مسئولان آن خبر داده شد.")
                % {"title": action.title},
            )
            return redirect("followup:action_detail", pk=action.pk)
    return _action_form_page(request, form, resolution=resolution)


@role_required(*MANAGERS)
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action, _may_update = permissions.get_action_for_user(request.user, pk)
    initial = {
        "title": action.title,
        "description": action.description,
        "responsible": action.responsible,
        "owner": action.owner.username if action.owner_id else "",
        "due_on": action.due_on,
    }
    form = ActionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                changes = services.action_update(
                    actor=request.user,
                    action=action,
                    title=data["title"].strip(),
                    description=data["description"].strip(),
                    responsible=_save_responsible(request, form),
                    owner=data["owner"],
                    due_on=data["due_on"],
                )
        except ValidationError as exc:
            action.refresh_from_db()
            form_errors(form, exc)
        else:
            if changes:
                messages.success(request, _("اقدام ویرایش شد."))
            else:
                messages.info(request, _("چیزی تغییر نکرد."))
            return redirect("followup:action_detail", pk=action.pk)
    return _action_form_page(request, form, resolution=action.resolution, action=action)


# --------------------------------------------------------------------------- the action
def _detail_page(
    request: HttpRequest,
    action: Action,
    may_update: bool,
    *,
    form: ProgressForm | None = None,
    status: int = 200,
    refused: str = "",
) -> HttpResponse:
    user = request.user
    updates = list(
        action.updates.select_related("author")
        .prefetch_related("evidence")
        .order_by("-posted_at", "-id")
    )
    escalated = None
    if action.escalated_item_id:
        item = action.escalated_item
        meeting_url = (
            reverse("decisions:meeting_detail", args=[item.meeting_id])
            if decisions_permissions.meetings_for(user).filter(pk=item.meeting_id).exists()
            else None
        )
        escalated = {"item": item, "meeting": item.meeting, "url": meeting_url}
    resolution_url = (
        reverse("decisions:resolution_detail", args=[action.resolution_id])
        if decisions_permissions.resolutions_for(user).filter(pk=action.resolution_id).exists()
        else None
    )
    if may_update and form is None:
        form = ProgressForm(action=action)
    return render(
        request,
        "followup/action_detail.html",
        {
            "action": action,
            "updates": updates,
            "escalated": escalated,
            "resolution_url": resolution_url,
            "may_update": may_update,
            "manage": user.has_role(*MANAGERS),
            "board_reader": user.has_role(*BOARD_READERS),
            "finished": action.status in (Action.Status.DONE, Action.Status.CANCELLED),
            "form": form if may_update else None,
            "files_to_choose_again": bool(request.FILES) and status != 200,
            "refused": refused,
            "refused_text": request.POST.get("text", "") if refused else "",
        },
        status=status,
    )


def _get_action(request: HttpRequest, pk: int) -> tuple[Action, bool]:
    action, may_update = permissions.get_action_for_user(request.user, pk)
    # The escalation note shows the agenda item and its meeting without further queries.
    if action.escalated_item_id:
        action = Action.objects.select_related(
            "resolution", "responsible", "owner", "escalated_item__meeting"
        ).get(pk=action.pk)
    return action, may_update


@signin_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action, may_update = _get_action(request, pk)
    return _detail_page(request, action, may_update)


@require_POST
@signin_required
def action_update(request: HttpRequest, pk: int) -> HttpResponse:
    action, may_update = _get_action(request, pk)
    if not may_update:
        return _detail_page(request, action, False, status=403, refused=_not_responsible())
    form = ProgressForm(request.POST, request.FILES, action=action)
    if form.is_valid():
        data = form.cleaned_data
        try:
            update = services.progress_post(
                actor=request.user,
                action=action,
                text=data["text"],
                status=data["status"],
                progress=data["progress"],
                files=data["files"],
                no_evidence_reason=data["no_evidence_reason"],
            )
        except PermissionDenied as exc:
            return _detail_page(request, action, False, status=403, refused=refusal(exc))
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request,
                _("گزارش پیشرفت ثبت شد: %(status)s، %(progress)s درصد.")
                % {
                    "status": update.get_status_after_display(),
                    "progress": fadigits(update.progress_after),
                },
            )
            url = reverse("followup:action_detail", args=[action.pk])
            return redirect(f"{url}#update-{update.pk}")
    return _detail_page(request, action, True, form=form, status=422)


@signin_required
def evidence(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponse:
    """An evidence file, to those who may see the action in full (404 for anyone else)."""
    action, _may_update = permissions.get_action_for_user(request.user, pk)
    found = get_object_or_404(Evidence, pk=evidence_id, update__action=action)
    return serve(found.file, content_type=found.content_type, download_name=found.original_name)


# --------------------------------------------------------------------------- lists
@signin_required
def my_actions(request: HttpRequest) -> HttpResponse:
    mine = permissions.my_actions(request.user)
    counts = status_counts(mine)
    status = request.GET.get("status", "")
    shown = mine
    if status == "overdue":
        shown = shown.filter(status__in=Action.OPEN_STATUSES, due_on__lt=timezone.localdate())
    elif status in Action.Status.values:
        shown = shown.filter(status=status)
    else:
        status = ""
    shown = _listed(with_overdue(shown)).order_by("-is_overdue", "due_on", "id")
    page = Paginator(shown, MY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "followup/my_actions.html",
        {
            "page": page,
            "counts": counts,
            "status": status,
            "querystring": _querystring(request),
            "manage": request.user.has_role(*BOARD_READERS),
        },
    )


@role_required(*BOARD_READERS)
def board(request: HttpRequest) -> HttpResponse:
    form = BoardFilterForm(request.GET or None)
    actions = permissions.actions_for(request.user)
    sort = status = ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["responsible"]:
            actions = actions.filter(responsible=data["responsible"])
        if data["due_from"]:
            actions = actions.filter(due_on__gte=data["due_from"])
        if data["due_to"]:
            actions = actions.filter(due_on__lte=data["due_to"])
        counts = status_counts(actions)  # per status within the other filters
        if data["status"]:
            status = data["status"]
            actions = actions.filter(status=status)
        if data["overdue"]:
            status = status or "overdue"
            actions = actions.filter(
                status__in=Action.OPEN_STATUSES, due_on__lt=timezone.localdate()
            )
        sort = data["sort"] or ""
    else:
        counts = status_counts(actions)
        if form.is_bound:
            actions = actions.none()  # the form shows what to correct
    ordered = _listed(with_overdue(actions)).order_by(*SORTS[sort][1])
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    sort_links = {
        "due": _querystring(request, sort="-due" if sort == "due" else "due"),
        "progress": _querystring(request, sort="-progress" if sort == "progress" else "progress"),
    }
    return render(
        request,
        "followup/board.html",
        {
            "form": form,
            "page": page,
            "counts": counts,
            "status": status,
            "counts_qs": _querystring(request, drop=("page", "status", "overdue")),
            "sort": sort,
            "sort_links": sort_links,
            "querystring": _querystring(request),
            "filtered": bool(_querystring(request, drop=("page", "sort"))),
            "manage": request.user.has_role(*MANAGERS),
        },
    )
