"""Decision endpoints: consultations, meetings and resolutions (DESIGN.md, Contracts).

Who sees what is decided by hamafza.decisions.permissions, exactly as on the web: an object
the caller may not see answers 404, as if it did not exist. Lists sort ids first and then
fetch the page's rows with their relations and counts (no query per row).
"""

from datetime import date, datetime
from typing import Literal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from hamafza.api.api import Detail, api
from hamafza.api.pagination import paginate
from hamafza.decisions import permissions, services
from hamafza.decisions.models import (
    AgendaItem,
    Consultation,
    Meeting,
    MeetingKind,
    MeetingRule,
    Minutes,
    Resolution,
)
from hamafza.decisions.selectors import search_resolutions
from hamafza.followup.models import Action
from hamafza.followup.services import resolution_progress

router = Router(tags=["decisions"])

ERRORS = {400: Detail, 401: Detail, 404: Detail}


class Ref(Schema):
    id: int
    title: str


# --------------------------------------------------------------------------- consultations
ConsultationState = Literal["open", "closed", "upcoming"]


class ConsultationItem(Schema):
    id: int
    title: str
    kind: str = Field(description="proposal, single, multiple, ranked or score")
    audience: str = Field(description="all, sector, county, union or board")
    opens_at: datetime
    closes_at: datetime
    state: ConsultationState
    anonymous: bool
    responses: int = Field(description="answers received so far")


class OptionOut(Schema):
    id: int
    text: str


class ConsultationDetail(ConsultationItem):
    question: str
    audience_of: str | None = Field(
        description="the sector, county or union the audience is drawn from, if any"
    )
    visibility: str = Field(description="after_close or live: when results may be seen")
    options: list[OptionOut]
    outcome: str | None = Field(description="the outcome statement, once published")
    outcome_published_at: datetime | None
    results: dict | None = Field(
        description="turnout and counts per option or stance; null while the caller may "
        "not see them yet (results hidden until the consultation closes)"
    )


class ConsultationList(Schema):
    count: int
    results: list[ConsultationItem]


class ConsultationFilters(Schema):
    state: str = Field("", description="open, closed or upcoming")
    kind: str = Field("", description="proposal, single, multiple, ranked or score")
    page: int = 1
    page_size: int = 25


def _state(c: Consultation, now: datetime) -> str:
    if now < c.opens_at:
        return "upcoming"
    return "open" if now < c.closes_at else "closed"


def _local(dt: datetime | None) -> datetime | None:
    return timezone.localtime(dt) if dt else None


def _consultation_item(c: Consultation, now: datetime) -> dict:
    return {
        "id": c.pk,
        "title": c.title,
        "kind": c.kind,
        "audience": c.audience,
        "opens_at": _local(c.opens_at),
        "closes_at": _local(c.closes_at),
        "state": _state(c, now),
        "anonymous": c.anonymous,
        "responses": c.n_responses,
    }


def _with_counts(qs: QuerySet[Consultation]) -> QuerySet[Consultation]:
    return qs.annotate(n_responses=Count("responses"))


@router.get(
    "/consultations",
    response={200: ConsultationList, **ERRORS},
    summary="Consultations the caller may see",
    description="Signed-in people see the consultations of their audience (staff, board, "
    "directorate and administrators see all); the public sees closed consultations whose "
    "outcome is published.",
)
def consultations(request: HttpRequest, filters: Query[ConsultationFilters]):
    now = timezone.now()
    qs = permissions.consultations_for(request.user)
    match filters.state:
        case "":
            pass
        case "open":
            qs = qs.filter(opens_at__lte=now, closes_at__gt=now)
        case "closed":
            qs = qs.filter(closes_at__lte=now)
        case "upcoming":
            qs = qs.filter(opens_at__gt=now)
        case _:
            raise HttpError(400, "state must be one of open, closed, upcoming")
    if filters.kind:
        if filters.kind not in Consultation.Kind.values:
            raise HttpError(400, f"kind must be one of {', '.join(Consultation.Kind.values)}")
        qs = qs.filter(kind=filters.kind)
    return paginate(
        qs.order_by("-opens_at", "-id"),
        filters.page,
        filters.page_size,
        lambda c: _consultation_item(c, now),
        fetch=lambda ids: _with_counts(Consultation.objects.filter(pk__in=ids)),
    )


@router.get(
    "/consultations/{consultation_id}",
    response={200: ConsultationDetail, **ERRORS},
    summary="One consultation, with its results once the caller may see them",
)
def consultation(request: HttpRequest, consultation_id: int):
    now = timezone.now()
    visible = permissions.consultations_for(request.user).values("pk")
    c = get_object_or_404(
        _with_counts(
            Consultation.objects.filter(pk__in=visible)
            .select_related("audience_sector", "audience_county", "audience_union")
            .prefetch_related("options")
        ),
        pk=consultation_id,
    )
    target = c.audience_sector or c.audience_county or c.audience_union
    published = c.outcome_published_at is not None
    return _consultation_item(c, now) | {
        "question": c.question,
        "audience_of": target.name if target else None,
        "visibility": c.visibility,
        "options": [{"id": o.pk, "text": o.text} for o in c.options.all()],
        "outcome": c.outcome if published else None,
        "outcome_published_at": _local(c.outcome_published_at),
        "results": services.consultation_results(c)
        if services.results_visible(request.user, c)
        else None,
    }


# --------------------------------------------------------------------------- meetings
class MeetingItem(Schema):
    id: int
    title: str
    kind: str = Field(description="board, commission or joint (with the directorate)")
    starts_at: datetime
    place: str
    state: str = Field(description="scheduled, in_progress, held or final (minutes final)")
    quorum_met: bool = Field(description="whether the voting members present make a quorum")
    minutes_pdf: str | None = Field(description="URL of the final minutes (PDF), once they exist")


class AgendaItemOut(Schema):
    id: int
    order: int
    title: str
    state: str = Field(description="pending, voting, passed, rejected or no_quorum")
    votes: dict[str, int] | None = Field(
        description="{for, against, abstain}, once voting on the item has closed"
    )
    resolution: dict | None = Field(description="{id, number} of the resolution it became")


class Attendance(Schema):
    invited: int
    present: int
    voting_members: int
    voting_present: int


class MeetingDetail(MeetingItem):
    sequence: int
    online_link: str
    agenda: list[AgendaItemOut]
    attendance: Attendance


class MeetingList(Schema):
    count: int
    results: list[MeetingItem]


class MeetingFilters(Schema):
    kind: str = Field("", description="board, commission or joint")
    state: str = Field("", description="scheduled, in_progress, held or final")
    page: int = 1
    page_size: int = 25


def _with_attendance(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return qs.select_related("minutes").annotate(
        n_invited=Count("members", distinct=True),
        n_present=Count("members", filter=Q(members__present=True), distinct=True),
        n_voting=Count("members", filter=Q(members__voting=True), distinct=True),
        n_voting_present=Count(
            "members", filter=Q(members__voting=True, members__present=True), distinct=True
        ),
    )


def _rules() -> dict[str, MeetingRule]:
    rules = {r.kind: r for r in MeetingRule.objects.all()}
    # A kind without a saved rule gets the defaults, as services.rule_for would create them.
    return {k: rules.get(k) or MeetingRule(kind=k) for k in MeetingKind.values}


def _quorum_met(m: Meeting, rules: dict[str, MeetingRule]) -> bool:
    """services.quorum(m)[2], from the counts annotated on the row."""
    total, present = m.n_voting, m.n_voting_present
    return total > 0 and present * 100 > total * rules[m.kind].quorum_percent


def _minutes_pdf(request: HttpRequest, m: Meeting) -> str | None:
    try:
        minutes = m.minutes
    except Minutes.DoesNotExist:
        return None
    if not (minutes.final and minutes.pdf):
        return None
    try:
        return request.build_absolute_uri(reverse("decisions:minutes_pdf", args=[m.pk]))
    except NoReverseMatch:  # the minutes download is not served by this installation
        return None


def _meeting_item(request: HttpRequest, m: Meeting, rules) -> dict:
    return {
        "id": m.pk,
        "title": m.title,
        "kind": m.kind,
        "starts_at": _local(m.starts_at),
        "place": m.place,
        "state": m.state,
        "quorum_met": _quorum_met(m, rules),
        "minutes_pdf": _minutes_pdf(request, m),
    }


def _signed_in(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise HttpError(401, _("برای دیدن جلسه‌ها وارد شوید."))


@router.get(
    "/meetings",
    response={200: MeetingList, **ERRORS},
    summary="Meetings the caller may see",
    description="Board members, staff, the directorate and administrators see every "
    "meeting; others see the meetings they are invited to. The public: 401.",
)
def meetings(request: HttpRequest, filters: Query[MeetingFilters]):
    _signed_in(request)
    qs = Meeting.objects.filter(pk__in=permissions.meetings_for(request.user).values("pk"))
    if filters.kind:
        if filters.kind not in MeetingKind.values:
            raise HttpError(400, f"kind must be one of {', '.join(MeetingKind.values)}")
        qs = qs.filter(kind=filters.kind)
    if filters.state:
        if filters.state not in Meeting.State.values:
            raise HttpError(400, f"state must be one of {', '.join(Meeting.State.values)}")
        qs = qs.filter(state=filters.state)
    rules = _rules()
    return paginate(
        qs.order_by("-starts_at", "-id"),
        filters.page,
        filters.page_size,
        lambda m: _meeting_item(request, m, rules),
        fetch=lambda ids: _with_attendance(Meeting.objects.filter(pk__in=ids)),
    )


def _agenda_item(item: AgendaItem) -> dict:
    try:
        resolution = item.resolution
    except Resolution.DoesNotExist:
        resolution = None
    return {
        "id": item.pk,
        "order": item.order,
        "title": item.title,
        "state": item.state,
        "votes": {
            "for": item.votes_for,
            "against": item.votes_against,
            "abstain": item.votes_abstain,
        }
        if item.closed_at
        else None,
        "resolution": {"id": resolution.pk, "number": resolution.number} if resolution else None,
    }


@router.get(
    "/meetings/{meeting_id}",
    response={200: MeetingDetail, **ERRORS},
    summary="One meeting with its agenda, votes and attendance",
)
def meeting(request: HttpRequest, meeting_id: int):
    _signed_in(request)
    m = get_object_or_404(
        _with_attendance(
            Meeting.objects.filter(pk__in=permissions.meetings_for(request.user).values("pk"))
        ).prefetch_related(
            Prefetch("agenda", queryset=AgendaItem.objects.select_related("resolution"))
        ),
        pk=meeting_id,
    )
    return _meeting_item(request, m, _rules()) | {
        "sequence": m.sequence,
        "online_link": m.online_link,
        "agenda": [_agenda_item(i) for i in m.agenda.all()],
        "attendance": {
            "invited": m.n_invited,
            "present": m.n_present,
            "voting_members": m.n_voting,
            "voting_present": m.n_voting_present,
        },
    }


# --------------------------------------------------------------------------- resolutions
PROGRESS_NOTE = (
    "Progress (0–100): derived from the actions that carry the resolution out, the mean of "
    "their progress with cancelled actions left out, rounded to a whole number (as on the "
    "public accountability page). Null while the resolution has no actions (or only "
    "cancelled ones) — never an estimate."
)


class ResolutionItem(Schema):
    id: int
    number: str = Field(description="«Jalali year/meeting/sequence», e.g. 1405/7/2")
    title: str
    meeting: Ref
    passed_on: date
    progress: int | None = Field(description=PROGRESS_NOTE)


class ResolutionDetail(ResolutionItem):
    text: str
    legal_basis: str
    published: bool
    votes: dict[str, int] = Field(description="{for, against, abstain}")
    proposal: Ref | None = Field(description="the proposal it came from (signed-in callers)")
    consultation: Ref | None = Field(
        description="the consultation it came from, when the caller may see it"
    )


class ResolutionList(Schema):
    count: int
    results: list[ResolutionItem]


class ResolutionFilters(Schema):
    q: str = Field("", description="words of the number, title or text (Persian normalised)")
    meeting: int | None = None
    page: int = 1
    page_size: int = 25


def _resolution_item(r: Resolution) -> dict:
    return {
        "id": r.pk,
        "number": r.number,
        "title": r.title,
        "meeting": {"id": r.meeting_id, "title": r.meeting.title},
        "passed_on": r.passed_on,
        "progress": resolution_progress(r),  # from the prefetched actions (_with_actions)
    }


def _with_actions(qs: QuerySet[Resolution]) -> QuerySet[Resolution]:
    """The actions' status and progress in one query for all the rows, so that each row's
    derived progress costs none."""
    return qs.prefetch_related(
        Prefetch(
            "actions", queryset=Action.objects.only("id", "resolution_id", "status", "progress")
        )
    )


@router.get(
    "/resolutions",
    response={200: ResolutionList, **ERRORS},
    summary="Resolutions (مصوبات)",
    description="Published resolutions are public; staff, board, the directorate and "
    "administrators also see unpublished ones. " + PROGRESS_NOTE,
)
def resolutions(request: HttpRequest, filters: Query[ResolutionFilters]):
    qs = permissions.resolutions_for(request.user)
    if filters.meeting is not None:
        qs = qs.filter(meeting_id=filters.meeting)
    if filters.q.strip():
        qs = search_resolutions(qs, filters.q)
    return paginate(
        qs.order_by("-passed_on", "-id"),
        filters.page,
        filters.page_size,
        _resolution_item,
        fetch=lambda ids: _with_actions(
            Resolution.objects.filter(pk__in=ids).select_related("meeting")
        ),
    )


@router.get(
    "/resolutions/{resolution_id}",
    response={200: ResolutionDetail, **ERRORS},
    summary="One resolution",
    description=PROGRESS_NOTE,
)
def resolution(request: HttpRequest, resolution_id: int):
    r = get_object_or_404(
        _with_actions(
            permissions.resolutions_for(request.user).select_related(
                "meeting", "item__proposal", "item__consultation"
            )
        ),
        pk=resolution_id,
    )
    item = r.item
    proposal = item.proposal if request.user.is_authenticated else None
    consultation = item.consultation
    if (
        consultation is not None
        and not permissions.consultations_for(request.user).filter(pk=consultation.pk).exists()
    ):
        consultation = None
    return _resolution_item(r) | {
        "text": r.text,
        "legal_basis": r.legal_basis,
        "published": r.published,
        "votes": {
            "for": item.votes_for,
            "against": item.votes_against,
            "abstain": item.votes_abstain,
        },
        "proposal": {"id": proposal.pk, "title": proposal.title} if proposal else None,
        "consultation": {"id": consultation.pk, "title": consultation.title}
        if consultation
        else None,
    }


api.add_router("/", router)
