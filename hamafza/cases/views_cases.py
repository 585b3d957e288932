"""The case pages both sides use: the list ("my cases" for a cooperative or union, every case
for the chamber, those referred to it for the directorate), filing a case, the case page with
its service-level clock, timeline and conversation, the way from the problem to a decision,
files, and the cooperative's confirmation, rating and reopening.

Views stay thin: they check who may see the page, clean the input and call services, which
refuse with a Persian message (shown to the person, nothing changed, nothing typed lost)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamafza.accounts.models import User
from hamafza.accounts.permissions import signin_required
from hamafza.cases import permissions, selectors, services
from hamafza.cases.forms_cases import CaseForm, MessageForm, RatingForm, ReopenForm
from hamafza.cases.forms_desk import ltr_number
from hamafza.cases.models import Attachment, Case, Category
from hamafza.core.pagination import IdPaginator
from hamafza.core.refusals import form_errors, refusal
from hamafza.core.uploads import serve
from hamafza.decisions.services import Conflict
from hamafza.persian.text import to_latin_digits
from hamafza.registry.models import Cooperative, County, Sector

PAGE_SIZE = 25
LOOKUP_LIMIT = 8


def _int(value: str | None) -> int | None:
    try:
        return int(to_latin_digits(value or ""))
    except ValueError:
        return None


def can_file(user) -> bool:
    if not user.is_authenticated:
        return False
    if permissions.can_manage(user) or user.cooperative_ids:
        return True
    return bool(user.union_ids) and services.fileable_cooperatives(user).exists()


# --------------------------------------------------------------------------- the list
def _filters(request: HttpRequest) -> selectors.CaseFilters:
    user = request.user
    manager = permissions.can_manage(user)
    chamber = selectors.chamber_reader(user)
    state = request.GET.get("state") or ("open" if manager else "all")
    valid_states = {"all", *selectors.STATE_GROUPS, *Case.State.values}
    assignee = request.GET.get("assignee", "") if manager else ""
    if assignee not in ("mine", "unassigned") and not assignee.isdigit():
        assignee = ""
    urgency = request.GET.get("urgency", "")
    return selectors.CaseFilters(
        state=state if state in valid_states else "all",
        category=_int(request.GET.get("category")),
        urgency=urgency if urgency in Case.Urgency.values else "",
        assignee=assignee,
        breached=request.GET.get("breached") == "1",
        county=_int(request.GET.get("county")) if chamber else None,
        sector=_int(request.GET.get("sector")) if chamber else None,
        cooperative=_int(request.GET.get("cooperative")),
        q=request.GET.get("q", "")[:200],
    )


@signin_required
def case_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    manager = permissions.can_manage(user)
    chamber = selectors.chamber_reader(user)
    filters = _filters(request)
    now = timezone.now()
    qs = selectors.case_search(user, filters, now=now)
    page = IdPaginator(qs, PAGE_SIZE, fetch=selectors.case_rows).get_page(request.GET.get("page"))
    selectors.with_clocks(page.object_list, now)
    params = request.GET.copy()
    params.pop("page", None)
    cooperative = None
    if filters.cooperative:
        cooperative = Cooperative.objects.filter(pk=filters.cooperative).only("id", "name").first()
    filtered = any(
        k in request.GET and request.GET[k]
        for k in (
            "category",
            "urgency",
            "assignee",
            "breached",
            "county",
            "sector",
            "cooperative",
            "q",
        )
    )
    context = {
        "page": page,
        "filters": filters,
        "filtered": filtered,
        "querystring": params.urlencode(),
        "manager": manager,
        "chamber": chamber,
        "party_only": not chamber,
        "union_rep": bool(user.union_ids),
        # One cooperative's representative: its name in every row says nothing on a phone.
        "one_cooperative": not chamber and len(user.cooperative_ids) == 1 and not user.union_ids,
        "can_file": can_file(user),
        "cooperative": cooperative,
        "state_groups": [
            ("open", _("باز")),
            ("done", _("پایان‌یافته")),
            ("all", _("همه")),
        ],
        "states": Case.State.choices,
        "urgencies": Case.Urgency.choices,
        # Lazy: evaluated only when the template shows them.
        "categories": Category.objects.only("id", "name"),
        "counties": County.objects.only("id", "name") if chamber else (),
        "sectors": Sector.objects.only("id", "name") if chamber else (),
        "assignees": (
            User.objects.filter(role_assignments__role__in=permissions.MANAGERS, is_active=True)
            .distinct()
            .order_by("first_name", "last_name", "username")
            if manager
            else ()
        ),
    }
    template = "cases/case_list.html"
    if request.htmx and request.htmx.target == "case-results":
        template += "#results"
    return render(request, template, context)


# --------------------------------------------------------------------------- filing
def _cooperative_lookup(request: HttpRequest) -> HttpResponse:
    """Staff's cooperative finder (htmx): a national ID shows the cooperative it names, some
    letters of a name show a few cooperatives to choose from."""
    from hamafza.persian.identifiers import is_valid_national_id
    from hamafza.registry.selectors import cooperative_search

    typed = to_latin_digits(request.GET.get("cooperative", "")).strip()[:100]
    found, matches = None, []
    if typed.isdigit():
        if is_valid_national_id(typed):
            found = Cooperative.objects.filter(national_id=typed).select_related("county").first()
    elif len(typed) >= 2:
        matches = list(cooperative_search(q=typed)[:LOOKUP_LIMIT])
    return render(
        request,
        "cases/case_form.html#lookup",
        {"typed": typed, "found": found, "matches": matches},
    )


def _form_page(request: HttpRequest, form: CaseForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "cases/case_form.html",
        {
            "form": form,
            "files_to_choose_again": bool(request.FILES) and status != 200,
        },
        status=status,
    )


@signin_required
def case_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can_file(user):
        raise PermissionDenied
    staff = permissions.can_manage(user)
    if staff and request.htmx and request.GET.get("lookup"):
        return _cooperative_lookup(request)
    if request.method != "POST":
        initial = {}
        chosen = _int(request.GET.get("cooperative"))
        if chosen:
            coop = services.fileable_cooperatives(user).filter(pk=chosen).first()
            if coop is not None:
                initial["cooperative"] = coop.national_id if staff else str(coop.pk)
        return _form_page(request, CaseForm(user=user, initial=initial))
    form = CaseForm(request.POST, request.FILES, user=user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_file(
                actor=user,
                cooperative=form.chosen_cooperative(),
                category=data["category"],
                title=data["title"],
                description=data["description"],
                urgency=data["urgency"],
                channel=data.get("channel") or None,
                attachments=data["attachments"],
            )
        except PermissionDenied:
            form.add_error(
                "cooperative" if "cooperative" in form.fields else None,
                _("شما نمی‌توانید برای این تعاونی درخواست ثبت کنید."),
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            if form.staff:
                done = _(
                    "درخواست برای %(coop)s ثبت شد. شماره پیگیری: %(n)s — با پیامک و رایانامه "
                    "به تعاونی خبر داده شد."
                )
            else:
                done = _(
                    "درخواست شما ثبت شد. شماره پیگیری: %(n)s — این شماره را نگه دارید؛ "
                    "پاسخ‌ها همین‌جا و با پیامک و رایانامه به شما می‌رسد."
                )
            messages.success(
                request,
                done % {"n": ltr_number(case.tracking_number), "coop": case.cooperative.name},
            )
            return redirect("cases:case_detail", pk=case.pk)
    return _form_page(request, form, status=422)


# --------------------------------------------------------------------------- the case
def _outcome_forms(case: Case, now, *, party: bool, manage: bool) -> dict:
    """Which forms the case's state offers: confirming or rating to the cooperative's side,
    reopening (within the window after the outcome) to it and to the chamber's desk."""
    until = case.can_reopen_until()
    return {
        "may_confirm": party and case.state in Case.DONE_STATES,
        "may_rate": party and case.state == Case.State.CLOSED and case.rating is None,
        "may_reopen": (party or manage)
        and case.state not in Case.OPEN_STATES
        and until is not None
        and now <= until,
        "reopen_until": until,
    }


def case_page(
    request: HttpRequest,
    case: Case,
    *,
    status: int = 200,
    refused: str = "",
    **extra,
) -> HttpResponse:
    """The case page. Other views re-render it with their form (bound, with errors) and a
    status: extra keys override the context (message_form, rating_form, reopen_form, or the
    desk's forms)."""
    user = request.user
    now = timezone.now()
    internal = permissions.sees_internal(user)
    manage = permissions.can_manage(user)
    party = permissions.is_party(user, case)
    context = {
        "case": case,
        "manage": manage,
        "party": party,
        "internal": internal,
        "targets": selectors.targets(case, now),
        "timeline": selectors.timeline(case, internal=internal),
        "files": selectors.original_files(case, internal=internal),
        "referrals": list(case.referrals.select_related("organisation")),
        "decisions": selectors.decisions_path(case, user),
        "can_post": selectors.message_can_post(user, case),
        "message_form": MessageForm(manager=manage),
        "rating_form": RatingForm(),
        "reopen_form": ReopenForm(),
        "refused": refused,
        "refused_text": request.POST.get("text", "") if refused else "",
        "files_to_choose_again": bool(request.FILES) and status != 200,
        **_outcome_forms(case, now, party=party, manage=manage),
    }
    if manage:
        from hamafza.cases import views_desk

        context.update(views_desk.desk_context(request, case))
    context.update(extra)
    return render(request, "cases/case_detail.html", context, status=status)


@signin_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for_page(request.user, pk)
    return case_page(request, case)


def _back(case: Case, anchor: str = "") -> HttpResponse:
    url = reverse("cases:case_detail", args=[case.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _conversation(request: HttpRequest, case: Case, form: MessageForm) -> HttpResponse:
    """The conversation part (htmx): the timeline, the form and, out of band, the clock."""
    internal = permissions.sees_internal(request.user)
    now = timezone.now()
    case.refresh_from_db()
    return render(
        request,
        "cases/_case_conversation.html",
        {
            "case": case,
            "internal": internal,
            "manage": permissions.can_manage(request.user),
            "timeline": selectors.timeline(case, internal=internal),
            "can_post": selectors.message_can_post(request.user, case),
            "message_form": form,
            "party": permissions.is_party(request.user, case),
            "targets": selectors.targets(case, now),
            "oob": True,
        },
    )


@require_POST
@signin_required
def message_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    case = selectors.case_for_page(user, pk)
    manager = permissions.can_manage(user)
    if not (manager or permissions.is_party(user, case)):
        raise PermissionDenied
    form = MessageForm(request.POST, request.FILES, manager=manager)
    status, refused = 422, ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            message = services.message_add(
                actor=user,
                case=case,
                text=data["text"],
                internal=bool(data.get("internal")),
                attachments=data["attachments"],
            )
        except Conflict as exc:
            form.add_error(None, refusal(exc))
            status, refused = 409, refusal(exc)
        except PermissionDenied:
            form.add_error(None, _("شما نمی‌توانید در این درخواست پیام بگذارید."))
            status = 403
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            if request.htmx:
                return _conversation(request, case, MessageForm(manager=manager))
            if message.internal:
                messages.success(request, _("یادداشت داخلی ثبت شد؛ تعاونی آن را نمی‌بیند."))
            else:
                messages.success(request, _("پیام شما ثبت شد."))
            return _back(case, f"message-{message.pk}")
    if request.htmx:
        # htmx swaps only successful answers: errors come back inside a 200 fragment.
        return _conversation(request, case, form)
    return case_page(request, case, status=status, refused=refused, message_form=form)


@signin_required
def attachment(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    """A case's file, to those who see the case; internal files only to the chamber (404 for
    anyone else: a file's existence is private too)."""
    case = get_object_or_404(permissions.cases_for(request.user), pk=pk)
    found = get_object_or_404(Attachment, pk=attachment_id, case=case)
    if found.internal and not permissions.sees_internal(request.user):
        raise Http404
    return serve(found.file, content_type=found.content_type, download_name=found.original_name)


def _rating_view(request: HttpRequest, pk: int, service, done: str) -> HttpResponse:
    user = request.user
    case = selectors.case_for_page(user, pk)
    if not permissions.is_party(user, case):
        raise PermissionDenied
    form = RatingForm(request.POST)
    if not form.is_valid():
        return case_page(request, case, status=422, rating_form=form)
    try:
        service(
            actor=user,
            case=case,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
    except Conflict as exc:
        case.refresh_from_db()
        return case_page(request, case, status=409, refused=refusal(exc), rating_form=form)
    except ValidationError as exc:
        form_errors(form, exc)
        return case_page(request, case, status=422, rating_form=form)
    messages.success(request, done)
    return _back(case, "outcome")


@require_POST
@signin_required
def case_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _rating_view(
        request,
        pk,
        services.case_confirm,
        _("سپاس از شما! درخواست بسته شد و رضایت شما ثبت شد."),
    )


@require_POST
@signin_required
def case_rate(request: HttpRequest, pk: int) -> HttpResponse:
    return _rating_view(request, pk, services.case_rate, _("سپاس از شما! رضایت شما ثبت شد."))


@require_POST
@signin_required
def case_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    case = selectors.case_for_page(user, pk)
    if not (permissions.is_party(user, case) or permissions.can_manage(user)):
        raise PermissionDenied
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return case_page(request, case, status=422, reopen_form=form)
    try:
        services.case_reopen(actor=user, case=case, reason=form.cleaned_data["reason"])
    except Conflict as exc:
        case.refresh_from_db()
        return case_page(request, case, status=409, refused=refusal(exc), reopen_form=form)
    except ValidationError as exc:
        form_errors(form, exc)
        return case_page(request, case, status=422, reopen_form=form)
    messages.success(
        request, _("درخواست دوباره باز شد و به کارشناس اتاق سپرده شد. نتیجه را به شما خبر می‌دهیم.")
    )
    return _back(case)
