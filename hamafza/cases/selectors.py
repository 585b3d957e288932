"""Reads of the cases part that are more than one ORM call: the case list's filters and search,
the rows a list page shows, the service-level clock, and everything the case page shows
(its timeline merged with the conversation, and the way from the problem to a decision)."""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hamafza.accounts.models import Role
from hamafza.cases import permissions
from hamafza.cases.models import Attachment, Case
from hamafza.persian.templatetags.persian import fanum
from hamafza.persian.text import normalize, query_alternatives, words

# The list's state filter: groups of states, then each state by its value.
STATE_GROUPS = {
    "open": Case.OPEN_STATES,
    "done": (*Case.DONE_STATES, Case.State.CLOSED),
}


# --------------------------------------------------------------------------- the list
@dataclass
class CaseFilters:
    state: str = ""
    category: int | None = None
    urgency: str = ""
    assignee: str = ""  # "mine", "unassigned" or a user's id
    breached: bool = False
    county: int | None = None
    sector: int | None = None
    cooperative: int | None = None
    q: str = ""


def breached_q(now: datetime.datetime) -> Q:
    """Cases past a service-level target, as Case.breached() decides it, in SQL."""
    response = Q(first_response_at__isnull=True, first_response_due_at__lt=now) | Q(
        first_response_at__gt=F("first_response_due_at")
    )
    resolution = Q(resolved_at__isnull=True, resolution_due_at__lt=now) | Q(
        resolved_at__gt=F("resolution_due_at")
    )
    return response | resolution


MAX_WORDS = 8


def limit_words(query: str) -> str:
    """The query's first MAX_WORDS words: a case is found by a few words of its title or its
    number, and each extra word multiplies the search's conditions."""
    return " ".join(words(query)[:MAX_WORDS])


# A Jalali year and a sequence, apart («1405 42» after normalising «1405-42») or glued in full.
_TRACKING = re.compile(r"(1[34]\d\d)(?: (\d{1,5})|(\d{5}))")


def tracking_number(query: str) -> str | None:
    """The tracking number a query is, whole («۱۴۰۵-۰۰۰۴۲», «1405/42», «1405 00042» →
    «1405-00042»), or None. Such a query is answered by the number's unique index alone,
    instead of reading every case's search key."""
    match = _TRACKING.fullmatch(normalize(query))
    return f"{match[1]}-{int(match[2] or match[3]):05d}" if match else None


def search_q(query: str) -> Q | None:
    """Every word of the query (normalised: Persian/Arabic letters and digits folded) is a
    prefix of a word of the case's tracking number and title (Case.search_key). A whole
    tracking number («۱۴۰۵-۰۰۰۰۱») finds that case; None for an empty query."""
    number = tracking_number(query)
    if number is not None:
        return Q(tracking_number=number)
    alternatives = query_alternatives(limit_words(query))
    if not alternatives:
        return None
    result = Q(pk__in=[])
    for alternative in alternatives:
        group = Q()
        for word in alternative:
            group &= _word_q(word)
        result |= group
    return result


def _prefix_q(text: str) -> Q:
    return Q(search_key__startswith=text) | Q(search_key__contains=" " + text)


def _word_q(word: str) -> Q:
    """The word is a prefix of a word of the key — or, a compound typed glued
    («زعفرانکاران»), a word of the key followed by a prefix of the next («زعفران کاران»)."""
    condition = _prefix_q(word)
    if len(word) >= 4 and not word.isdigit():
        for i in range(2, len(word)):
            condition |= _prefix_q(f"{word[:i]} {word[i:]}")
    return condition


def case_search(user, filters: CaseFilters, *, now: datetime.datetime | None = None):
    """The cases the user may see, filtered; newest first."""
    now = now or timezone.now()
    qs = permissions.cases_for(user)
    if filters.state in STATE_GROUPS:
        qs = qs.filter(state__in=STATE_GROUPS[filters.state])
    elif filters.state in Case.State.values:
        qs = qs.filter(state=filters.state)
    if filters.category:
        qs = qs.filter(category_id=filters.category)
    if filters.urgency:
        qs = qs.filter(urgency=filters.urgency)
    if filters.assignee == "mine":
        qs = qs.filter(assignee=user)
    elif filters.assignee == "unassigned":
        qs = qs.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        qs = qs.filter(assignee_id=int(filters.assignee))
    if filters.breached:
        qs = qs.filter(breached_q(now))
    if filters.county:
        qs = qs.filter(cooperative__county_id=filters.county)
    if filters.sector:
        qs = qs.filter(cooperative__sector_id=filters.sector)
    if filters.cooperative:
        qs = qs.filter(cooperative_id=filters.cooperative)
    condition = search_q(filters.q)
    if condition is not None:
        qs = qs.filter(condition)
    return qs.order_by("-filed_at", "-id")


def case_rows(ids: list[int]) -> QuerySet[Case]:
    """The rows a list shows, with their relations, for ids already sorted and paged."""
    return (
        Case.objects.filter(pk__in=ids)
        .select_related("cooperative", "category", "assignee")
        .defer("description", "outcome", "rating_comment", "search_key")
    )


# --------------------------------------------------------------------------- the clock
def span_text(delta: datetime.timedelta) -> str:
    """A duration a person reads at a glance: «۳ روز و ۴ ساعت», «۵ ساعت», «۲۰ دقیقه»."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        if hours and days < 10:
            return _("%(d)s روز و %(h)s ساعت") % {"d": fanum(days), "h": fanum(hours)}
        return _("%(d)s روز") % {"d": fanum(days)}
    if hours:
        return _("%(h)s ساعت") % {"h": fanum(hours)}
    return _("%(m)s دقیقه") % {"m": fanum(max(minutes, 1))}


@dataclass
class Target:
    """One service-level target of a case and where it stands.

    state: "ok" (time left), "warn" (most of the time gone), "breached" (past it, not met),
    "met" (met on time), "late" (met after it), "stopped" (not needed: the case ended first).
    """

    name: str
    due: datetime.datetime
    done_at: datetime.datetime | None
    state: str
    text: str

    @property
    def css(self) -> str:
        return f"hz-sla-{self.state}"


def _target(name, due, done_at, started, now, *, stopped=False) -> Target:
    if done_at is not None:
        if done_at <= due:
            return Target(name, due, done_at, "met", _("به‌موقع"))
        return Target(
            name, due, done_at, "late", _("با %(t)s تأخیر") % {"t": span_text(done_at - due)}
        )
    if stopped:
        return Target(name, due, None, "stopped", _("لازم نشد"))
    if now > due:
        return Target(name, due, None, "breached", _("%(t)s گذشته") % {"t": span_text(now - due)})
    share = settings.HAMAFZA_CASE_WARN_PERCENT / 100
    state = "warn" if now >= started + (due - started) * share else "ok"
    return Target(name, due, None, state, _("%(t)s مانده") % {"t": span_text(due - now)})


def targets(case: Case, now: datetime.datetime | None = None) -> tuple[Target, Target]:
    """The first-response and resolution targets of the case."""
    now = now or timezone.now()
    ended = case.resolved_at is not None or case.state == Case.State.CLOSED
    response = _target(
        _("نخستین پاسخ"),
        case.first_response_due_at,
        case.first_response_at,
        case.filed_at,
        now,
        stopped=ended,
    )
    resolution = _target(
        _("رسیدگی"), case.resolution_due_at, case.resolved_at, case.filed_at, now, stopped=ended
    )
    return response, resolution


@dataclass
class Clock:
    """The list's one-glance clock: time left to the next target, or breached, or met."""

    state: str
    text: str
    title: str

    @property
    def css(self) -> str:
        return f"hz-sla-{self.state}"


def clock(case: Case, now: datetime.datetime | None = None) -> Clock:
    now = now or timezone.now()
    response, resolution = targets(case, now)
    for target in (response, resolution):
        if target.state in ("breached", "late"):
            label = _("مهلت نخستین پاسخ گذشت") if target is response else _("مهلت رسیدگی گذشت")
            return Clock("breached", _("گذشته از مهلت"), label)
    if case.is_open:
        target = resolution if case.first_response_at else response
        return Clock(
            target.state,
            target.text,
            _("تا %(name)s") % {"name": target.name},
        )
    return Clock("met", _("به‌موقع"), _("در مهلت رسیدگی شد"))


def with_clocks(cases, now: datetime.datetime | None = None):
    now = now or timezone.now()
    for case in cases:
        case.clock = clock(case, now)
    return cases


# --------------------------------------------------------------------------- the case page
def case_for_page(user, pk: int) -> Case:
    """The case with what its header shows (404 when the user may not see it)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        permissions.cases_for(user).select_related(
            "cooperative", "category", "assignee", "union", "filed_by"
        ),
        pk=pk,
    )


@dataclass
class Entry:
    """One line of the case's timeline: an event or a message."""

    at: datetime.datetime
    kind: str  # "event" | "message" | "note"
    obj: object
    order: int = 0

    @property
    def is_event(self) -> bool:
        return self.kind == "event"


def timeline(case: Case, *, internal: bool) -> list[Entry]:
    """Events and messages in time order; internal notes and their files only when allowed."""
    events = list(case.events.select_related("actor"))
    files = Attachment.objects.order_by("uploaded_at", "id")
    messages = case.messages.select_related("author")
    if not internal:
        messages = messages.filter(internal=False)
        files = files.filter(internal=False)
    messages = list(
        messages.prefetch_related(
            Prefetch("attachments", queryset=files), "author__role_assignments"
        )
    )
    for message in messages:
        message.from_chamber = any(
            a.role in permissions.READ_ALL for a in message.author.role_assignments.all()
        )
    entries = [Entry(e.at, "event", e, 0) for e in events]
    entries += [Entry(m.posted_at, "note" if m.internal else "message", m, 1) for m in messages]
    entries.sort(key=lambda e: (e.at, e.order, e.obj.pk))
    return entries


def original_files(case: Case, *, internal: bool) -> list[Attachment]:
    files = case.attachments.filter(message__isnull=True)
    if not internal:
        files = files.filter(internal=False)
    return list(files)


def decisions_path(case: Case, user) -> list[dict]:
    """From problem to decision: each agenda item the case was put on, its meeting, its
    resolution (when one passed) and that resolution's actions, with what the user may open."""
    from hamafza.decisions import permissions as decisions_permissions
    from hamafza.followup import permissions as followup_permissions
    from hamafza.followup.models import Action

    items = list(
        case.agenda_items.select_related("meeting", "resolution")
        .prefetch_related(
            Prefetch(
                "resolution__actions",
                queryset=Action.objects.select_related("responsible").order_by("due_on", "id"),
            )
        )
        .order_by("meeting__starts_at", "order", "id")
    )
    if not items:
        return []
    meeting_ids = {i.meeting_id for i in items}
    visible_meetings = set(
        decisions_permissions.meetings_for(user)
        .filter(pk__in=meeting_ids)
        .values_list("pk", flat=True)
    )
    read_all = user.has_role(*decisions_permissions.READ_ALL)
    path = []
    action_ids = []
    for item in items:
        resolution = getattr(item, "resolution", None)
        actions = list(resolution.actions.all()) if resolution is not None else []
        action_ids += [a.pk for a in actions]
        path.append(
            {
                "item": item,
                "meeting": item.meeting,
                "meeting_visible": item.meeting_id in visible_meetings,
                "resolution": resolution,
                "resolution_visible": resolution is not None and (resolution.published or read_all),
                "actions": actions,
            }
        )
    if action_ids:
        visible = set(
            followup_permissions.actions_for(user)
            .filter(pk__in=action_ids)
            .values_list("pk", flat=True)
        )
        for step in path:
            for action in step["actions"]:
                action.visible = action.pk in visible
    return path


def chamber_reader(user) -> bool:
    """Chamber-side people, who filter the list by county and sector."""
    return user.is_authenticated and user.has_role(
        Role.STAFF, Role.BOARD, Role.DIRECTORATE, Role.ADMIN
    )


def recent_for_cooperative(user, cooperative, limit: int = 10) -> tuple[list[Case], int] | None:
    """The cooperative's cases the user may see, for the registry page: (the latest, how
    many in all), or None when the user sees none of its cases and is not one who would."""
    qs = permissions.cases_for(user).filter(cooperative=cooperative)
    own = cooperative.pk in user.cooperative_ids if user.is_authenticated else False
    read_all = user.is_authenticated and user.has_role(*permissions.READ_ALL)
    rows = list(qs.select_related("category").defer("description", "outcome", "search_key")[:limit])
    if not rows and not (own or read_all):
        return None
    total = len(rows) if len(rows) < limit else qs.count()
    return with_clocks(rows), total


def message_can_post(user, case: Case) -> bool:
    """Whether the message form is offered (services.message_add decides in the end)."""
    manager = permissions.can_manage(user)
    if manager:
        return True
    return permissions.is_party(user, case) and case.state != Case.State.CLOSED
