"""Consultations (نظرخواهی / تصمیم‌سازی): list, opening, answering, results, export, outcome.

Views stay thin: who may see a consultation is decisions.permissions', every rule of answering
and publishing is decisions.services'. A refusal shows the service's Persian message on the
same page, with what the person chose or typed still in place, and changes nothing.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hamafza.accounts.models import Role
from hamafza.accounts.permissions import role_required, signin_required
from hamafza.decisions import permissions, services
from hamafza.decisions.forms_consultations import (
    ConsultationForm,
    OutcomeForm,
    chosen_from_response,
    read_answer,
)
from hamafza.decisions.models import Consultation, Response, ResponseChoice
from hamafza.persian.jalali import format_jalali_datetime
from hamafza.persian.templatetags.persian import fanum
from hamafza.persian.text import to_latin_digits
from hamafza.registry.models import Cooperative
from hamafza.registry.spreadsheets import write_xlsx

PAGE_SIZE = 20
RESPONDENTS_PAGE_SIZE = 50
STATES = ("open", "closed", "upcoming")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --------------------------------------------------------------------------- helpers
def _int(value) -> int | None:
    try:
        return int(to_latin_digits(str(value or "")).strip())
    except ValueError:
        return None


def state_of(consultation: Consultation, now=None) -> str:
    now = now or timezone.now()
    if now < consultation.opens_at:
        return "upcoming"
    return "closed" if now >= consultation.closes_at else "open"


def audience_text(consultation: Consultation) -> str:
    """The audience in words: «تعاونی‌های شهرستان نیشابور»."""
    match consultation.audience:
        case Consultation.Audience.SECTOR:
            return _("تعاونی‌های گرایش %(name)s") % {"name": consultation.audience_sector}
        case Consultation.Audience.COUNTY:
            return _("تعاونی‌های شهرستان %(name)s") % {"name": consultation.audience_county}
        case Consultation.Audience.UNION:
            return _("تعاونی‌های عضو %(name)s") % {"name": consultation.audience_union}
    return str(consultation.get_audience_display())


def time_left(until, now=None) -> str:
    """«۲ روز و ۳ ساعت» — at most two units, never less than a minute (digits Latin; the
    template's fadigits shows them in the reader's script)."""
    seconds = max(0, int((until - (now or timezone.now())).total_seconds()))
    minutes = max(1, seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)s روز", "%(n)s روز", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)s ساعت", "%(n)s ساعت", hours) % {"n": hours})
    if minutes and not days:
        parts.append(ngettext("%(n)s دقیقه", "%(n)s دقیقه", minutes) % {"n": minutes})
    return _(" و ").join(parts[:2])


def _width(percent: float | None) -> int:
    """A percentage as one of the .hz-w-0 … .hz-w-100 classes' numbers."""
    if not percent:
        return 0
    return max(1, min(100, round(percent)))


def _visible(request: HttpRequest, pk: int):
    """The consultation if this person may see it; the sign-in page for the public, 404 for
    anyone signed in who may not."""
    consultation = (
        permissions.consultations_for(request.user)
        .select_related("audience_sector", "audience_county", "audience_union", "proposal")
        .filter(pk=pk)
        .first()
    )
    if consultation is None:
        if not request.user.is_authenticated:
            return None, redirect_to_login(request.get_full_path())
        raise Http404
    return consultation, None


# --------------------------------------------------------------------------- list
def consultation_list(request: HttpRequest) -> HttpResponse:
    """Consultations the person may see, open ones first (the public: those whose outcome is
    published)."""
    user = request.user
    now = timezone.now()
    state = request.GET.get("state", "")
    state = state if state in STATES else ""
    qs = permissions.consultations_for(user).select_related(
        "audience_sector", "audience_county", "audience_union"
    )
    if state == "open":
        qs = qs.filter(opens_at__lte=now, closes_at__gt=now)
    elif state == "closed":
        qs = qs.filter(closes_at__lte=now)
    elif state == "upcoming":
        qs = qs.filter(opens_at__gt=now)
    is_open = Q(opens_at__lte=now, closes_at__gt=now)
    qs = qs.annotate(
        state_rank=Case(
            When(is_open, then=0),
            When(opens_at__gt=now, then=1),
            default=2,
            output_field=IntegerField(),
        ),
        open_closes_at=Case(When(is_open, then=F("closes_at")), default=None),
        response_count=Count("responses", distinct=True),
    )
    my_cooperatives = []
    if user.is_authenticated:
        mine = Q(cooperative_id__in=list(user.cooperative_ids)) | Q(board_member_id=user.pk)
        qs = qs.annotate(
            answered=Exists(Response.objects.filter(mine, consultation=OuterRef("pk")))
        )
        if user.cooperative_ids:
            my_cooperatives = list(
                Cooperative.objects.filter(pk__in=user.cooperative_ids).only(
                    "id", "status", "sector_id", "county_id", "union_id"
                )
            )
    qs = qs.order_by("state_rank", F("open_closes_at").asc(nulls_last=True), "-closes_at", "-pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    board = user.is_authenticated and user.has_role(Role.BOARD)
    for consultation in page:
        consultation.state = state_of(consultation, now)
        consultation.audience_label = audience_text(consultation)
        if consultation.audience == Consultation.Audience.BOARD:
            consultation.mine = board
        else:
            consultation.mine = any(services.in_audience(consultation, c) for c in my_cooperatives)
    return render(
        request,
        "decisions/consultation_list.html",
        {
            "page": page,
            "state": state,
            "querystring": f"state={state}" if state else "",
            "can_create": user.is_authenticated and user.has_role(*services.CONSULTATION_OWNERS),
        },
    )


# --------------------------------------------------------------------------- create
@role_required(*services.CONSULTATION_OWNERS)
def consultation_create(request: HttpRequest) -> HttpResponse:
    form = ConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_create(
                actor=request.user, **form.service_arguments()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("نظرخواهی باز شد."))
            return redirect("decisions:consultation_detail", pk=consultation.pk)
    return render(
        request,
        "decisions/consultation_form.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


# --------------------------------------------------------------------------- detail
def _results(consultation: Consultation) -> dict:
    """services.consultation_results, with bar widths for the page."""
    results = services.consultation_results(consultation)
    results["turnout_width"] = _width(results["turnout"])
    rows = []
    kind = consultation.kind
    if kind == Consultation.Kind.PROPOSAL:
        for key, stance in results["stances"].items():
            rows.append(
                {
                    "key": key,
                    "label": stance["label"],
                    "count": stance["count"],
                    "percent": stance["percent"],
                    "width": _width(stance["percent"]),
                }
            )
    else:
        n_options = len(results["options"])
        most_points = results["responses"] * max(n_options - 1, 1)
        for option in results["options"]:
            row = {"label": option["text"], "count": option["count"]}
            if kind == Consultation.Kind.RANKED:
                row["points"] = option["points"]
                row["average_rank"] = option["average_rank"]
                row["width"] = _width(100 * option["points"] / most_points if most_points else 0)
            elif kind == Consultation.Kind.SCORE:
                row["average_score"] = option["average_score"]
                row["width"] = _width(100 * (option["average_score"] or 0) / consultation.score_max)
            else:
                row["percent"] = option["percent"]
                row["width"] = _width(option["percent"])
            rows.append(row)
    results["rows"] = rows
    return results


def _respondents(consultation: Consultation):
    choices = ResponseChoice.objects.select_related("option").order_by(
        "rank", "option__order", "option_id"
    )
    return (
        consultation.responses.select_related("cooperative", "board_member")
        .prefetch_related(Prefetch("choices", queryset=choices))
        .order_by("-updated_at", "-pk")
    )


def _proposal_url(consultation: Consultation) -> str:
    if not consultation.proposal_id:
        return ""
    try:
        return reverse("decisions:proposal_detail", args=[consultation.proposal_id])
    except NoReverseMatch:  # the proposals area is not installed
        return ""


def _render_detail(
    request: HttpRequest,
    consultation: Consultation,
    *,
    status: int = 200,
    chosen: dict | None = None,
    cooperative_id: int | None = None,
    answer_error: str = "",
    outcome_form: OutcomeForm | None = None,
    outcome_error: str = "",
) -> HttpResponse:
    user = request.user
    now = timezone.now()
    state = state_of(consultation, now)
    manage = services.can_manage_consultation(user, consultation)
    options = list(consultation.options.all())
    board_audience = consultation.audience == Consultation.Audience.BOARD

    # Who answers: the board member themself, or one of the cooperatives they represent.
    answerable = [] if board_audience else services.answerable_cooperatives(user, consultation)
    can_answer = services.can_answer(user, consultation)
    cooperative = None
    if answerable:
        wanted = cooperative_id or _int(request.GET.get("cooperative"))
        cooperative = next((c for c in answerable if c.pk == wanted), answerable[0])
    current = None
    if can_answer:
        key = {"board_member": user} if board_audience else {"cooperative": cooperative}
        current = (
            consultation.responses.filter(**key)
            .select_related("respondent")
            .prefetch_related("choices")
            .first()
        )
    if chosen is None:
        chosen = chosen_from_response(current)

    visible = services.results_visible(user, consultation)
    results = _results(consultation) if visible else None
    respondents = None
    if visible and not consultation.anonymous:
        respondents = Paginator(_respondents(consultation), RESPONDENTS_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    if manage and state == "closed" and outcome_form is None:
        outcome_form = OutcomeForm(initial={"outcome": consultation.outcome})

    context = {
        "consultation": consultation,
        "state": state,
        "audience_label": audience_text(consultation),
        "time_left": time_left(consultation.closes_at, now) if state == "open" else "",
        "opens_in": time_left(consultation.opens_at, now) if state == "upcoming" else "",
        "options": options,
        "manage": manage,
        "can_answer": can_answer,
        "board_audience": board_audience,
        "answerable": answerable,
        "cooperative": cooperative,
        "current": current,
        "chosen": chosen,
        "answer_rows": [
            {
                "option": option,
                "checked": option.pk in chosen["options"],
                "rank": chosen["ranks"].get(option.pk),
                "score": chosen["scores"].get(option.pk),
            }
            for option in options
        ],
        "answer_error": answer_error,
        "rank_choices": range(1, len(options) + 1),
        "score_choices": range(1, consultation.score_max + 1),
        "results_visible": visible,
        "results": results,
        "respondents": respondents,
        "outcome_form": outcome_form if manage else None,
        "outcome_error": outcome_error,
        "proposal_url": _proposal_url(consultation),
        "live": visible and state == "open" and consultation.visibility == "live",
    }
    context["ranked_rows"] = sorted(
        (row for row in context["answer_rows"] if row["rank"]), key=lambda row: row["rank"]
    )
    template = "decisions/consultation_detail.html"
    if request.htmx and request.GET.get("part") == "results":
        template += "#results"
    return render(request, template, context, status=status)


def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    consultation, login = _visible(request, pk)
    if login:
        return login
    return _render_detail(request, consultation)


# --------------------------------------------------------------------------- answer
@signin_required
@require_POST
def consultation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    consultation, _login = _visible(request, pk)
    options = list(consultation.options.all())
    arguments, chosen = read_answer(consultation, options, request.POST)
    cooperative = None
    cooperative_id = _int(request.POST.get("cooperative"))
    if cooperative_id and consultation.audience != Consultation.Audience.BOARD:
        # Not necessarily theirs: the service refuses one they do not represent.
        cooperative = Cooperative.objects.filter(pk=cooperative_id).first()
    started = timezone.now()
    try:
        response = services.consultation_answer(
            actor=request.user, consultation=consultation, cooperative=cooperative, **arguments
        )
    except services.Conflict as error:
        return _answer_refused(request, consultation, chosen, cooperative_id, error, 409)
    except ValidationError as error:
        return _answer_refused(request, consultation, chosen, cooperative_id, error, 422)
    except PermissionDenied as error:
        message = str(error) or _("شما نمی‌توانید به این نظرخواهی پاسخ دهید.")
        return _render_detail(
            request,
            consultation,
            status=403,
            chosen=chosen,
            cooperative_id=cooperative_id,
            answer_error=message,
        )
    if response.created_at >= started:
        messages.success(
            request, _("پاسخ شما ثبت شد. تا پایان نظرخواهی می‌توانید آن را تغییر دهید.")
        )
    else:
        messages.success(request, _("پاسخ شما تغییر کرد؛ پاسخ پیشین جای خود را به آن داد."))
    url = reverse("decisions:consultation_detail", args=[consultation.pk])
    if response.cooperative_id:
        url += f"?cooperative={response.cooperative_id}"
    return redirect(url + "#answer")


def _answer_refused(request, consultation, chosen, cooperative_id, error, status):
    return _render_detail(
        request,
        consultation,
        status=status,
        chosen=chosen,
        cooperative_id=cooperative_id,
        answer_error=" ".join(error.messages),
    )


# --------------------------------------------------------------------------- export
@signin_required
def consultation_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Results (and each answer when the consultation is named) as an xlsx file."""
    consultation, _login = _visible(request, pk)
    if not services.can_manage_consultation(request.user, consultation):
        raise PermissionDenied
    results = services.consultation_results(consultation)
    kind = consultation.kind
    rows: list[list] = [
        [_("پرسش"), consultation.question],
        [_("نوع"), consultation.get_kind_display()],
        [_("مخاطبان"), audience_text(consultation)],
        [_("آغاز"), format_jalali_datetime(consultation.opens_at, persian_digits=False)],
        [_("پایان"), format_jalali_datetime(consultation.closes_at, persian_digits=False)],
        [_("شمار پاسخ‌ها"), results["responses"]],
        [_("شمار مخاطبان"), results["audience"]],
        [_("مشارکت (درصد)"), results["turnout"]],
        [],
    ]
    if kind == Consultation.Kind.PROPOSAL:
        rows.append([_("نظر"), _("شمار"), _("درصد")])
        rows += [[s["label"], s["count"], s["percent"]] for s in results["stances"].values()]
    elif kind == Consultation.Kind.RANKED:
        rows.append([_("گزینه"), _("امتیاز بوردا"), _("میانگین رتبه"), _("شمار")])
        rows += [
            [o["text"], o["points"], o["average_rank"], o["count"]] for o in results["options"]
        ]
    elif kind == Consultation.Kind.SCORE:
        rows.append([_("گزینه"), _("میانگین امتیاز"), _("شمار")])
        rows += [[o["text"], o["average_score"], o["count"]] for o in results["options"]]
    else:
        rows.append([_("گزینه"), _("شمار"), _("درصد")])
        rows += [[o["text"], o["count"], o["percent"]] for o in results["options"]]
    if not consultation.anonymous:
        rows += [[], [_("پاسخ‌دهنده"), _("شناسه ملی"), _("پاسخ"), _("دلیل"), _("زمان پاسخ")]]
        for response in _respondents(consultation).order_by("pk").iterator(chunk_size=500):
            rows.append(
                [
                    str(response.cooperative or response.board_member),
                    response.cooperative.national_id if response.cooperative else "",
                    _answer_text(consultation, response),
                    response.reason,
                    format_jalali_datetime(response.updated_at, persian_digits=False),
                ]
            )
    content = write_xlsx([_("نظرخواهی"), consultation.title], iter(rows), title=_("نتایج نظرخواهی"))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="consultation-{consultation.pk}.xlsx"'
    return response


def _answer_text(consultation: Consultation, response: Response) -> str:
    choices = list(response.choices.all())
    match consultation.kind:
        case Consultation.Kind.PROPOSAL:
            return str(response.get_stance_display())
        case Consultation.Kind.RANKED:
            return "، ".join(f"{c.rank}. {c.option.text}" for c in choices)
        case Consultation.Kind.SCORE:
            return "، ".join(f"{c.option.text}: {c.score}" for c in choices)
    return "، ".join(c.option.text for c in choices)


# --------------------------------------------------------------------------- outcome
@signin_required
@require_POST
def consultation_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    consultation, _login = _visible(request, pk)
    if not services.can_manage_consultation(request.user, consultation):
        raise PermissionDenied
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, consultation, status=422, outcome_form=form)
    try:
        sent = services.consultation_publish_outcome(
            actor=request.user, consultation=consultation, outcome=form.cleaned_data["outcome"]
        )
    except services.Conflict as error:
        return _render_detail(
            request,
            consultation,
            status=409,
            outcome_form=form,
            outcome_error=" ".join(error.messages),
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _render_detail(request, consultation, status=422, outcome_form=form)
    messages.success(
        request,
        ngettext(
            "جمع‌بندی منتشر شد و برای %(n)s نفر از مخاطبان فرستاده شد.",
            "جمع‌بندی منتشر شد و برای %(n)s نفر از مخاطبان فرستاده شد.",
            sent,
        )
        % {"n": fanum(sent)},
    )
    return redirect("decisions:consultation_detail", pk=consultation.pk)


__all__ = [
    "consultation_answer",
    "consultation_create",
    "consultation_detail",
    "consultation_export",
    "consultation_list",
    "consultation_outcome",
]
