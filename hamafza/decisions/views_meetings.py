"""Meetings, agenda, attendance, votes, resolutions, minutes and the calendar feed.

Views stay thin: they check who may see the page, clean the input and call services, which
refuse with a Persian message (shown to the person, nothing changed)."""

import datetime
from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamafza.accounts.permissions import role_required, signin_required
from hamafza.core.refusals import form_errors, refusal
from hamafza.core.uploads import serve
from hamafza.decisions import ical, permissions, services
from hamafza.decisions.forms_meetings import (
    AgendaItemForm,
    AmendmentForm,
    AttendanceForm,
    MeetingForm,
    MinutesForm,
    ResolutionSearchForm,
    VotingCloseForm,
)
from hamafza.decisions.models import (
    AgendaItem,
    CalendarToken,
    Meeting,
    Minutes,
    Vote,
)
from hamafza.decisions.selectors import search_resolutions
from hamafza.decisions.templatetags.decisions_meetings import resolution_no
from hamafza.persian.jalali import format_jalali_date

MANAGERS = services.MEETING_MANAGERS
PAGE_SIZE = 25
# The calendar feed carries meetings from this long ago onwards, and every future one.
CALENDAR_PAST_DAYS = 180


def _detail(meeting: Meeting, anchor: str = "") -> HttpResponse:
    url = reverse("decisions:meeting_detail", args=[meeting.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _safe_reverse(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # that area is not installed yet
        return None


# --------------------------------------------------------------------------- meetings
@signin_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    visible = permissions.meetings_for(request.user).values("pk")
    qs = Meeting.objects.filter(pk__in=visible).annotate(item_count=Count("agenda"))
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    upcoming = list(qs.filter(starts_at__gte=today).order_by("starts_at", "pk")[:50])
    past = Paginator(qs.filter(starts_at__lt=today).order_by("-starts_at", "-pk"), PAGE_SIZE)
    page = past.get_page(request.GET.get("page"))
    feed_url = request.build_absolute_uri(
        reverse("decisions:calendar_feed", args=[services.calendar_token_for(request.user)])
    )
    return render(
        request,
        "decisions/meeting_list.html",
        {
            "upcoming": upcoming,
            "page": page,
            "can_create": request.user.has_role(*MANAGERS),
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[-1],
        },
    )


@role_required(*MANAGERS)
def meeting_create(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_create(
                actor=request.user,
                kind=data["kind"],
                title=data["title"],
                starts_at=data["starts_at"],
                place=data["place"],
                online_link=data["online_link"],
                members=form.voting_members(),
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("جلسه ثبت شد و دعوت‌نامه‌ها فرستاده شد."))
            return _detail(meeting)
    return render(
        request,
        "decisions/meeting_form.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


def _linked_cases(user, items: list[AgendaItem]) -> None:
    """Set each item's «درخواست‌های مرتبط» (cases put on the agenda through it): the cases the
    user may see, in full, as `item.linked_cases`, and only how many others there are, as
    `item.hidden_cases`, so a published resolution never tells the public (or another
    cooperative) who brought which problem. Two queries for any number of items."""
    from hamafza.cases.models import Case
    from hamafza.cases.permissions import cases_for

    for item in items:
        item.linked_cases, item.hidden_cases = [], 0
    by_item = {item.pk: item for item in items}
    links = list(
        Case.agenda_items.through.objects.filter(agendaitem_id__in=by_item).values_list(
            "agendaitem_id", "case_id"
        )
    )
    if not links:
        return
    visible = {
        case.pk: case
        for case in cases_for(user)
        .filter(pk__in={case_id for _item_id, case_id in links})
        .select_related("cooperative")
    }
    for item_id, case_id in links:
        item = by_item[item_id]
        if case_id in visible:
            item.linked_cases.append(visible[case_id])
        else:
            item.hidden_cases += 1
    for item in items:
        item.linked_cases.sort(key=lambda case: case.tracking_number)


def _membership(members, user):
    return next((m for m in members if m.user_id == user.pk), None)


def _item_context(meeting: Meeting, items: list[AgendaItem], user, manage: bool) -> dict:
    """Everything the agenda items show: the person's own vote, how many have voted on an
    open item, and who voted how on a closed one."""
    members = list(meeting.members.select_related("user").order_by("-voting", "user__username"))
    mine = _membership(members, user)
    by_item = defaultdict(list)
    for vote in Vote.objects.filter(item__in=items).select_related("member").order_by("id"):
        by_item[vote.item_id].append(vote)
    present, total, met = services.quorum(meeting)
    rule = services.rule_for(meeting.kind)
    _linked_cases(user, items)
    for item in items:
        votes = by_item[item.pk]
        item.my_vote = next((v for v in votes if v.member_id == user.pk), None)
        item.cast_count = len(votes)
        item.closed = item.state not in (AgendaItem.State.PENDING, AgendaItem.State.VOTING)
        item.vote_rows = [
            (choice, label, [v.member for v in votes if v.choice == choice])
            for choice, label in Vote.Choice.choices
        ]
        item.close_form = (
            VotingCloseForm(
                initial={"text": item.description or item.title}, prefix=f"close-{item.pk}"
            )
            if manage and item.state == AgendaItem.State.VOTING
            else None
        )
    return {
        "meeting": meeting,
        "members": members,
        "membership": mine,
        "can_vote": bool(mine and mine.voting and mine.present),
        "manage": manage,
        "editable": manage and meeting.state != Meeting.State.FINAL,
        "present": present,
        "total": total,
        "quorum_met": met,
        "rule": rule,
        "choices": Vote.Choice.choices,
    }


@signin_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, manage = permissions.get_meeting_for_user(request.user, pk)
    items = list(
        meeting.agenda.select_related("resolution", "proposal", "consultation").prefetch_related(
            "escalated_actions"
        )
    )
    context = _item_context(meeting, items, request.user, manage)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    context.update(
        items=items,
        minutes=minutes,
        amendments=list(minutes.amendments.select_related("created_by")) if minutes else [],
    )
    return render(request, "decisions/meeting_detail.html", context)


def _get_item(request: HttpRequest, pk: int, item_id: int) -> tuple[Meeting, AgendaItem, bool]:
    meeting, manage = permissions.get_meeting_for_user(request.user, pk)
    item = get_object_or_404(AgendaItem, pk=item_id, meeting=meeting)
    return meeting, item, manage


@role_required(*MANAGERS)
def agenda_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, _manage = permissions.get_meeting_for_user(request.user, pk)
    form = AgendaItemForm(request.POST or None)
    if meeting.state == Meeting.State.FINAL:
        messages.error(request, _("صورتجلسه این جلسه نهایی شده است و دیگر تغییر نمی‌کند."))
        return _detail(meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.agenda_item_add(
                actor=request.user,
                meeting=meeting,
                title=data["title"],
                description=data["description"],
                legal_basis=data["legal_basis"],
                proposal=data["proposal"],
                consultation=data["consultation"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request, _("بند «%(title)s» به دستور جلسه افزوده شد.") % {"title": item.title}
            )
            return _detail(meeting, f"item-{item.pk}")
    return render(
        request,
        "decisions/meeting_agenda_form.html",
        {"meeting": meeting, "form": form},
        status=422 if form.errors else 200,
    )


@role_required(*MANAGERS)
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, _manage = permissions.get_meeting_for_user(request.user, pk)
    members = meeting.members.select_related("user").order_by("-voting", "user__username")
    form = AttendanceForm(request.POST or None, members=members)
    if meeting.state == Meeting.State.FINAL:
        messages.error(request, _("صورتجلسه این جلسه نهایی شده است و دیگر تغییر نمی‌کند."))
        return _detail(meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_set(
                actor=request.user, meeting=meeting, present_user_ids=form.present_ids()
            )
        except ValidationError as exc:
            messages.error(request, refusal(exc))
        else:
            met = services.quorum(meeting)[2]
            messages.success(request, _("حضور و غیاب ثبت شد."))
            if not met:
                messages.warning(request, _("جلسه به حدنصاب نرسیده است."))
            return _detail(meeting, "attendance")
    return render(
        request,
        "decisions/meeting_attendance.html",
        {"meeting": meeting, "form": form, "members": form.members},
        status=422 if form.errors else 200,
    )


@require_POST
@role_required(*MANAGERS)
def voting_open(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    meeting, item, _manage = _get_item(request, pk, item_id)
    try:
        services.voting_open(actor=request.user, item=item)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, _("رأی‌گیری بند «%(title)s» آغاز شد.") % {"title": item.title})
    return _detail(meeting, f"item-{item.pk}")


@require_POST
@role_required(*MANAGERS)
def voting_close(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    meeting, item, _manage = _get_item(request, pk, item_id)
    form = VotingCloseForm(request.POST, prefix=f"close-{item.pk}")
    text = form.cleaned_data["text"] if form.is_valid() else ""
    try:
        resolution = services.voting_close(actor=request.user, item=item, text=text)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal(exc))
    else:
        item.refresh_from_db()
        if resolution is not None:
            messages.success(
                request,
                _("بند تصویب شد: مصوبه شماره %(number)s.")
                % {"number": resolution_no(resolution.number)},
            )
        else:
            messages.warning(
                request,
                _("رأی‌گیری بسته شد: %(result)s.") % {"result": item.get_state_display()},
            )
    return _detail(meeting, f"item-{item.pk}")


@require_POST
@signin_required
def vote(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    meeting, item, manage = _get_item(request, pk, item_id)
    choice = request.POST.get("choice", "")
    error = notice = ""
    try:
        services.vote_cast(actor=request.user, item=item, choice=choice)
    except (ValidationError, PermissionDenied) as exc:
        error = refusal(exc)
    else:
        notice = _("رأی شما ثبت شد: %(choice)s.") % {"choice": Vote.Choice(choice).label}
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, notice)
        return _detail(meeting, f"item-{item.pk}")
    item = AgendaItem.objects.select_related("resolution", "proposal", "consultation").get(
        pk=item.pk
    )
    context = _item_context(meeting, [item], request.user, manage)
    context.update(item=item, item_error=error, item_notice=notice)
    return render(request, "decisions/meeting_detail.html#agenda_item", context)


# --------------------------------------------------------------------------- minutes
@role_required(*MANAGERS)
def minutes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, _manage = permissions.get_meeting_for_user(request.user, pk)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    form = MinutesForm(
        request.POST or None, initial={"summary": minutes.summary if minutes else ""}
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_save(
                actor=request.user, meeting=meeting, summary=form.cleaned_data["summary"]
            )
        except ValidationError as exc:
            messages.error(request, refusal(exc))
            status = 409
        else:
            messages.success(request, _("خلاصه مذاکرات ذخیره شد."))
            return _detail(meeting, "minutes")
    elif request.method == "GET" and minutes and minutes.final:
        messages.error(
            request,
            _("صورتجلسه نهایی شده است و ویرایش نمی‌شود؛ برای اصلاح، اصلاحیه بنویسید."),
        )
    if minutes is not None and minutes.final:
        form = None  # locked: corrections are amendments
    return render(
        request,
        "decisions/meeting_minutes.html",
        {"meeting": meeting, "minutes": minutes, "form": form},
        status=status,
    )


@require_POST
@role_required(*MANAGERS)
def minutes_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, _manage = permissions.get_meeting_for_user(request.user, pk)
    try:
        services.minutes_finalise(actor=request.user, meeting=meeting)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, _("صورتجلسه نهایی شد و نسخه PDF آن ساخته شد."))
    return _detail(meeting, "minutes")


@role_required(*MANAGERS)
def minutes_amend(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, _manage = permissions.get_meeting_for_user(request.user, pk)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None or not minutes.final:
        messages.error(request, _("صورتجلسه هنوز نهایی نشده است؛ خود آن را ویرایش کنید."))
        return redirect("decisions:minutes_edit", pk=meeting.pk)
    form = AmendmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_amend(
                actor=request.user, meeting=meeting, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("اصلاحیه ثبت شد و PDF صورتجلسه دوباره ساخته شد."))
            return _detail(meeting, "minutes")
    return render(
        request,
        "decisions/meeting_amend.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "amendments": minutes.amendments.select_related("created_by"),
            "form": form,
        },
        status=422 if form.errors else 200,
    )


@signin_required
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    if not permissions.can_read_minutes(request.user, meeting):
        raise Http404
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None or not minutes.pdf:
        raise Http404
    date = format_jalali_date(meeting.starts_at, persian_digits=False, fmt="%Y-%m-%d")
    return serve(
        minutes.pdf,
        content_type="application/pdf",
        download_name=f"minutes-{date}-{meeting.pk}.pdf",
    )


# --------------------------------------------------------------------------- resolutions
def resolution_list(request: HttpRequest) -> HttpResponse:
    form = ResolutionSearchForm(request.GET or None)
    query = form.query()
    visible = permissions.resolutions_for(request.user).order_by("-passed_on", "-id")
    if query:
        visible = search_resolutions(visible, query)
    page = Paginator(visible.select_related("meeting"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "decisions/resolution_list.html",
        {"page": page, "form": form, "q": query, "querystring": f"q={query}" if query else ""},
    )


def resolution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resolution = get_object_or_404(
        permissions.resolutions_for(request.user).select_related(
            "meeting", "item__proposal", "item__consultation"
        ),
        pk=pk,
    )
    user = request.user
    item = resolution.item
    _linked_cases(user, [item])
    meeting_url = (
        reverse("decisions:meeting_detail", args=[resolution.meeting_id])
        if permissions.meetings_for(user).filter(pk=resolution.meeting_id).exists()
        else None
    )
    proposal_url = consultation_url = None
    if item.proposal_id and user.is_authenticated:
        proposal_url = _safe_reverse("decisions:proposal_detail", item.proposal_id)
    if (
        item.consultation_id
        and permissions.consultations_for(user).filter(pk=item.consultation_id).exists()
    ):
        consultation_url = _safe_reverse("decisions:consultation_detail", item.consultation_id)
    return render(
        request,
        "decisions/resolution_detail.html",
        {
            "resolution": resolution,
            "item": item,
            "meeting_url": meeting_url,
            "proposal_url": proposal_url,
            "consultation_url": consultation_url,
        },
    )


# --------------------------------------------------------------------------- calendar
@signin_required
@require_POST
def calendar_renew(request: HttpRequest) -> HttpResponse:
    services.calendar_token_renew(actor=request.user)
    messages.success(
        request,
        _(
            "نشانی تازه‌ای برای تقویم شما ساخته شد؛ نشانی پیشین دیگر کار نمی‌کند. نشانی تازه را در تقویمتان بگذارید."
        ),
    )
    return redirect(reverse("decisions:meeting_list") + "#calendar-heading")


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The meetings the token's owner may see, as iCalendar; the address is the secret."""
    found = CalendarToken.objects.select_related("user").filter(token=token).first()
    if found is None or not found.user.is_active:
        raise Http404
    since = timezone.now() - datetime.timedelta(days=CALENDAR_PAST_DAYS)
    meetings = (
        permissions.meetings_for(found.user).filter(starts_at__gte=since).order_by("starts_at")
    )
    body = ical.calendar(
        meetings,
        name=_("جلسه‌های هم‌افزا"),
        url_for=lambda m: request.build_absolute_uri(
            reverse("decisions:meeting_detail", args=[m.pk])
        ),
        host=request.get_host().split(":")[0] or "hamafza",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="hamafza-meetings.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
