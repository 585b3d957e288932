"""The chamber's desk: staff working a case — triage, assignment, referral to an outside body
(and the referral letter as a PDF), starting work, the outcome (resolved or rejected), and
putting cases on a meeting's agenda.

Views stay thin: they check who may, clean the input and call services, which refuse with a
Persian message and change nothing. A move the workflow does not allow (Conflict) answers
409: a form page shows the refusal above the form with what was typed kept; the small
buttons of the case page (assign, start) go back to the case with the message, as the
meeting page's buttons do."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from hamafza.accounts.permissions import role_required, signin_required
from hamafza.cases import permissions, services
from hamafza.cases.forms_desk import (
    OPEN_MEETING_STATES,
    AgendaForm,
    AssignForm,
    ReferForm,
    RejectForm,
    ResolveForm,
    TriageForm,
    agenda_draft,
    letter_draft,
    ltr_number,
)
from hamafza.cases.models import TRANSITIONS, Case, Referral
from hamafza.cases.pdf import letter_filename, render_referral_letter
from hamafza.core.refusals import form_errors, refusal
from hamafza.decisions import permissions as decisions_permissions
from hamafza.decisions.models import AgendaItem
from hamafza.decisions.services import Conflict
from hamafza.followup.models import Organisation
from hamafza.followup.services import organisation_get_or_create
from hamafza.persian.templatetags.persian import fadigits
from hamafza.persian.text import to_latin_digits

MANAGERS = permissions.MANAGERS
S = Case.State
# At most this many cases go on one agenda item from the agenda page.
MAX_AGENDA_CASES = 50


def _case_page(case: Case, anchor: str = "desk") -> HttpResponse:
    url = reverse("cases:case_detail", args=[case.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _get_case(request: HttpRequest, pk: int) -> Case:
    case, _manage = permissions.get_case_for_user(request.user, pk)
    return case


def _not_allowed(case: Case, to: str) -> str:
    """The same words the services use when the workflow refuses a move."""
    return fadigits(
        _("درخواستی با وضعیت «%(from)s» نمی‌تواند به «%(to)s» برود.")
        % {"from": case.get_state_display(), "to": S(to).label}
    )


def _meeting_create_url() -> str | None:
    try:
        return reverse("decisions:meeting_create")
    except NoReverseMatch:  # that part is not installed
        return None


# --------------------------------------------------------------------------- the panel
def _move(key: str, label: str, url: str, *, method: str = "get", style: str = "primary"):
    return {"key": key, "label": label, "url": url, "method": method, "style": style}


def desk_context(request: HttpRequest, case: Case) -> dict:
    """What the desk panel (cases/_desk_panel.html) on the case page needs: the moves the
    workflow (models.TRANSITIONS) allows from the case's state, and nothing for anyone but
    chamber staff and administrators."""
    if not permissions.can_manage(request.user):
        return {"desk": None}
    allowed = TRANSITIONS[case.state]
    moves = []
    if S.TRIAGED in allowed:
        moves.append(
            _move("triage", _("بررسی اولیه"), reverse("cases:case_triage", args=[case.pk]))
        )
    # From a resolved, rejected or closed case the way back to work is reopening (with its
    # reason and window), not «start»: the panel offers start only while the case is open.
    if S.IN_PROGRESS in allowed and case.state in (S.TRIAGED, S.REFERRED):
        moves.append(
            _move(
                "start",
                _("آغاز رسیدگی"),
                reverse("cases:case_start", args=[case.pk]),
                method="post",
            )
        )
    if S.REFERRED in allowed:
        moves.append(
            _move(
                "refer",
                pgettext("action", "ارجاع به دستگاه")
                if case.state != S.REFERRED
                else _("ارجاع به دستگاه دیگر"),
                reverse("cases:case_refer", args=[case.pk]),
                style="outline-primary",
            )
        )
    if S.RESOLVED in allowed:
        moves.append(
            _move(
                "resolve",
                _("اعلام حل مشکل"),
                reverse("cases:case_resolve", args=[case.pk]),
                style="success",
            )
        )
    if S.REJECTED in allowed:
        moves.append(
            _move(
                "reject",
                _("رد درخواست"),
                reverse("cases:case_reject", args=[case.pk]),
                style="outline-danger",
            )
        )
    is_open = case.state != S.CLOSED
    # Back to work from an outcome is reopening (the case page's reopen form, with its reason),
    # within the window after the outcome.
    until = case.can_reopen_until()
    may_reopen = (
        case.state not in Case.OPEN_STATES and until is not None and timezone.now() <= until
    )
    return {
        "desk": {
            "case": case,
            "moves": moves,
            "assign_form": AssignForm(case=case, auto_id="desk_%s") if is_open else None,
            "assign_url": reverse("cases:case_assign", args=[case.pk]),
            "agenda_url": (
                reverse("cases:cases_agenda") + f"?cases={case.pk}" if is_open else None
            ),
            "done": case.state not in Case.OPEN_STATES,
            "may_reopen": may_reopen,
            "reopen_until": until if may_reopen else None,
        }
    }


# --------------------------------------------------------------------------- move pages
def _move_page(
    request: HttpRequest,
    case: Case,
    template: str,
    form,
    *,
    to: str,
    refused: str = "",
    status: int | None = None,
    **extra,
) -> HttpResponse:
    """A move's page: the case in brief, the form, and a refusal when the workflow does not
    allow the move from the case's state (409, the form kept only when something was typed)."""
    allowed = to in TRANSITIONS[case.state]
    if not allowed and not refused:
        refused = _not_allowed(case, to)
    if status is None:
        status = 409 if refused else (422 if form.errors else 200)
    return render(
        request,
        template,
        {
            "case": case,
            "form": form if (allowed or request.method == "POST") else None,
            "refused": refused,
            **extra,
        },
        status=status,
    )


@role_required(*MANAGERS)
def case_triage(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get_case(request, pk)
    form = TriageForm(request.POST or None, case=case, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_triage(
                actor=request.user,
                case=case,
                category=data["category"],
                urgency=data["urgency"],
                assignee=data["assignee"],
                note=data["note"],
            )
        except Conflict as exc:
            case.refresh_from_db()
            return _move_page(
                request, case, "cases/desk_triage.html", form, to=S.TRIAGED, refused=refusal(exc)
            )
        except ValidationError as exc:
            case.refresh_from_db()
            form_errors(form, exc)
        else:
            messages.success(
                request,
                _("بررسی اولیه درخواست %(n)s ثبت شد و به تعاونی خبر داده شد.")
                % {"n": ltr_number(case.tracking_number)},
            )
            return _case_page(case)
    return _move_page(request, case, "cases/desk_triage.html", form, to=S.TRIAGED)


@require_POST
@role_required(*MANAGERS)
def case_assign(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get_case(request, pk)
    form = AssignForm(request.POST, case=case)
    if not form.is_valid():
        messages.error(request, " ".join(e for es in form.errors.values() for e in es))
        return _case_page(case)
    assignee = form.cleaned_data["assignee"]
    try:
        services.case_assign(actor=request.user, case=case, assignee=assignee)
    except (ValidationError, PermissionDenied) as exc:  # Conflict too: a closed case
        messages.error(request, refusal(exc))
    else:
        if assignee.pk == case.assignee_id:
            messages.info(request, _("کارشناس مسئول تغییری نکرد."))
        else:
            messages.success(
                request,
                _("درخواست به %(name)s سپرده شد.")
                % {"name": assignee.get_full_name() or assignee.username},
            )
    return _case_page(case)


def _body(request: HttpRequest, form: ReferForm) -> Organisation:
    """The chosen body, or the outside body typed in (created once, reused by name)."""
    typed = form.cleaned_data["new_name"]
    if form.cleaned_data["organisation"] is not None or not typed:
        return form.cleaned_data["organisation"]
    return organisation_get_or_create(
        actor=request.user, name=typed, kind=Organisation.Kind.OUTSIDE
    )


@role_required(*MANAGERS)
def case_refer(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get_case(request, pk)
    initial = {"letter_text": letter_draft(case)}
    form = ReferForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # a body typed in is not kept if the referral is refused
                referral = services.case_refer(
                    actor=request.user,
                    case=case,
                    organisation=_body(request, form),
                    letter_text=form.cleaned_data["letter_text"],
                )
        except Conflict as exc:
            case.refresh_from_db()
            return _move_page(
                request, case, "cases/desk_refer.html", form, to=S.REFERRED, refused=refusal(exc)
            )
        except ValidationError as exc:
            case.refresh_from_db()
            chose = form.cleaned_data["organisation"] is not None
            form_errors(
                form, exc, aliases={"organisation": "organisation" if chose else "new_name"}
            )
        else:
            messages.success(
                request,
                _("درخواست با نامه شماره %(letter)s به %(body)s ارجاع شد.")
                % {
                    "letter": ltr_number(referral.letter_number),
                    "body": referral.organisation.name,
                },
            )
            messages.info(
                request, _("نامه ارجاع را از بخش «ارجاع‌ها» در همین صفحه دریافت و چاپ کنید.")
            )
            return _case_page(case)
    return _move_page(
        request,
        case,
        "cases/desk_refer.html",
        form,
        to=S.REFERRED,
        referrals=list(case.referrals.select_related("organisation")),
    )


@signin_required
def referral_letter(request: HttpRequest, pk: int, referral_id: int) -> HttpResponse:
    """The referral letter as a PDF, to whoever may see the case (404 for anyone else)."""
    case = _get_case(request, pk)
    referral = get_object_or_404(
        Referral.objects.select_related("organisation", "created_by"), pk=referral_id, case=case
    )
    referral.case = case  # already read with its cooperative
    response = HttpResponse(render_referral_letter(referral), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{letter_filename(referral)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@role_required(*MANAGERS)
def case_start(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get_case(request, pk)
    try:
        if case.state not in (S.TRIAGED, S.REFERRED):
            # Back from an outcome is reopening (with a reason and its window), not start.
            raise Conflict(_not_allowed(case, S.IN_PROGRESS))
        services.case_start(actor=request.user, case=case)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal(exc))
        return _case_page(case)
    messages.success(request, _("رسیدگی به درخواست آغاز شد."))
    return _case_page(case)


def _outcome(
    request: HttpRequest, pk: int, *, form_class, field: str, to: str, service, done: str
) -> HttpResponse:
    case = _get_case(request, pk)
    form = form_class(request.POST or None)
    template = "cases/desk_outcome.html"
    resolving = to == S.RESOLVED
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, case=case, **{field: form.cleaned_data[field]})
        except Conflict as exc:
            case.refresh_from_db()
            return _move_page(
                request, case, template, form, to=to, refused=refusal(exc), resolving=resolving
            )
        except ValidationError as exc:
            case.refresh_from_db()
            form_errors(form, exc)
        else:
            messages.success(request, done)
            return _case_page(case)
    return _move_page(request, case, template, form, to=to, resolving=resolving)


@role_required(*MANAGERS)
def case_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    return _outcome(
        request,
        pk,
        form_class=ResolveForm,
        field="outcome",
        to=S.RESOLVED,
        service=services.case_resolve,
        done=_("درخواست حل‌شده اعلام شد؛ از تعاونی خواسته شد آن را تأیید کند."),
    )


@role_required(*MANAGERS)
def case_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _outcome(
        request,
        pk,
        form_class=RejectForm,
        field="reason",
        to=S.REJECTED,
        service=services.case_reject,
        done=_("درخواست رد شد و دلیل آن برای تعاونی فرستاده شد."),
    )


# --------------------------------------------------------------------------- agenda
def _requested_ids(values: list[str]) -> list[int]:
    """The case ids of the address, in order, once each; anything else is ignored."""
    ids = []
    for value in values:
        value = to_latin_digits(value).strip()
        if value.isascii() and value.isdigit() and int(value) > 0 and int(value) not in ids:
            ids.append(int(value))
    return ids[:MAX_AGENDA_CASES]


@role_required(*MANAGERS)
def cases_agenda(request: HttpRequest) -> HttpResponse:
    """Put the cases ticked on the list (?cases=1&cases=2) on a meeting's agenda as one item."""
    source = request.POST if request.method == "POST" else request.GET
    ids = _requested_ids(source.getlist("cases"))
    found = {
        c.pk: c
        for c in permissions.cases_for(request.user)
        .filter(pk__in=ids)
        .select_related("cooperative", "category")
        .prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("meeting"))
        )
    }
    chosen = [found[i] for i in ids if i in found]  # in the order they were ticked
    usable = [c for c in chosen if c.state != S.CLOSED]
    meetings = (
        decisions_permissions.meetings_for(request.user)
        .filter(state__in=OPEN_MEETING_STATES)
        .order_by("starts_at", "pk")
    )
    title, description = agenda_draft(usable)
    next_meeting = meetings.first()  # the soonest: where cases usually go
    form = AgendaForm(
        request.POST or None,
        meetings=meetings,
        initial={"title": title, "description": description, "meeting": next_meeting},
    )
    refused = ""
    status = 200
    if request.method == "POST":
        if not usable:
            refused = _("هیچ درخواست بازی برای طرح در جلسه انتخاب نشده است.")
            status = 422
        elif form.is_valid():
            data = form.cleaned_data
            try:
                item = services.cases_put_on_agenda(
                    actor=request.user,
                    cases=usable,
                    meeting=data["meeting"],
                    title=data["title"],
                    description=data["description"],
                )
            except Conflict as exc:
                refused, status = refusal(exc), 409
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("بند «%(title)s» با %(n)s درخواست به دستور جلسه «%(meeting)s» افزوده شد.")
                    % {
                        "title": item.title,
                        "n": fadigits(len(usable)),
                        "meeting": data["meeting"].title,
                    },
                )
                url = reverse("decisions:meeting_detail", args=[data["meeting"].pk])
                return redirect(f"{url}#item-{item.pk}")
        if form.errors and status == 200:
            status = 422
    return render(
        request,
        "cases/agenda_form.html",
        {
            "form": form,
            "chosen": chosen,
            "usable": usable,
            "missing": len(ids) - len(chosen),
            "has_meetings": next_meeting is not None,
            "meeting_create_url": _meeting_create_url(),
            "refused": refused,
        },
        status=status,
    )
