"""Every write of the follow-up: validated, atomic, audited; the scheduled duties of
`hamafza tick` (reminders, overdue notices, escalation) are here too."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hamafza.accounts.models import Role, User
from hamafza.core import audit
from hamafza.core.notify import notify
from hamafza.core.uploads import detect
from hamafza.decisions.models import AgendaItem, Meeting, MeetingKind, Resolution
from hamafza.followup.models import Action, Evidence, Organisation, ProgressUpdate, Reminder
from hamafza.persian.jalali import format_jalali_date, format_jalali_datetime
from hamafza.persian.text import to_persian_digits

MANAGERS = (Role.STAFF, Role.ADMIN)


# --------------------------------------------------------------------------- who acts
def responsible_users(organisation: Organisation) -> QuerySet[User]:
    """The people who act for a body: its listed members, the representatives of the union
    or cooperative it stands for, and for the directorate its officials (DESIGN.md: they
    update the actions assigned to the directorate)."""
    from django.db.models import Q

    condition = Q(organisations=organisation)
    if organisation.kind == Organisation.Kind.DIRECTORATE:
        condition |= Q(role_assignments__role=Role.DIRECTORATE)
    if organisation.union_id:
        condition |= Q(
            role_assignments__role=Role.UNION, role_assignments__union_id=organisation.union_id
        )
    if organisation.cooperative_id:
        condition |= Q(
            role_assignments__role=Role.COOPERATIVE,
            role_assignments__cooperative_id=organisation.cooperative_id,
        )
    return User.objects.filter(condition, is_active=True).distinct()


def is_responsible(user, action: Action) -> bool:
    if not user.is_authenticated:
        return False
    if action.owner_id == user.pk:
        return True
    return responsible_users(action.responsible).filter(pk=user.pk).exists()


def can_update(user, action: Action) -> bool:
    return user.is_authenticated and (user.has_role(*MANAGERS) or is_responsible(user, action))


def people_to_tell(action: Action) -> list[User]:
    users = {u.pk: u for u in responsible_users(action.responsible)}
    if action.owner_id:
        users[action.owner_id] = action.owner
    return list(users.values())


def resolution_progress(resolution: Resolution) -> int | None:
    """Derived from its actions (cancelled ones left out); None while it has none."""
    values = [a.progress for a in resolution.actions.all() if a.status != Action.Status.CANCELLED]
    return round(sum(values) / len(values)) if values else None


# --------------------------------------------------------------------------- bodies
@transaction.atomic
def organisation_get_or_create(*, actor, name: str, kind: str) -> Organisation:
    """A responsible body typed in by name (staff, while creating an action): an existing one
    of that name (normalized) is reused; a union or cooperative must be in the registry, so
    its representatives act for it."""
    from hamafza.persian.text import normalize
    from hamafza.registry.models import Cooperative, Union

    if not actor.has_role(*MANAGERS):
        raise PermissionDenied
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"new_name": _("نام نهاد تازه را بنویسید.")})
    if kind not in Organisation.Kind.values:
        raise ValidationError({"new_kind": _("نوع نهاد را انتخاب کنید.")})
    key = normalize(name)
    existing = Organisation.objects.filter(name_key=key).first()
    if existing is not None:
        return existing
    organisation = Organisation(name=name, kind=kind)
    if kind in (Organisation.Kind.UNION, Organisation.Kind.COOPERATIVE):
        model = Union if kind == Organisation.Kind.UNION else Cooperative
        entity = model.objects.filter(name_key=key).first()
        if entity is None:
            raise ValidationError(
                {
                    "new_name": _(
                        "«%(name)s» در بانک تعاونی‌ها و اتحادیه‌ها پیدا نشد؛ نام را همان‌طور "
                        "که در بانک ثبت شده بنویسید یا نوع «دستگاه بیرونی» را برگزینید."
                    )
                    % {"name": name}
                }
            )
        field = "union" if kind == Organisation.Kind.UNION else "cooperative"
        linked = Organisation.objects.filter(**{field: entity}).first()
        if linked is not None:
            return linked
        setattr(organisation, field, entity)
    organisation.full_clean()
    organisation.save()
    audit.record(actor=actor, action="followup.organisation_create", target=organisation)
    return organisation


# --------------------------------------------------------------------------- actions
@transaction.atomic
def action_create(
    *,
    actor,
    resolution: Resolution,
    title: str,
    responsible: Organisation,
    due_on: datetime.date,
    owner: User | None = None,
    description: str = "",
) -> Action:
    if not actor.has_role(*MANAGERS):
        raise PermissionDenied
    if due_on < resolution.passed_on:
        raise ValidationError({"due_on": _("مهلت اقدام نمی‌تواند پیش از تاریخ تصویب مصوبه باشد.")})
    action = Action(
        resolution=resolution,
        title=title.strip(),
        description=description.strip(),
        responsible=responsible,
        owner=owner,
        due_on=due_on,
        created_by=actor,
    )
    action.full_clean()
    action.save()
    audit.record(actor=actor, action="followup.action_create", target=action)
    notify(
        people_to_tell(action),
        subject=_("اقدام تازه: %(title)s") % {"title": action.title},
        body=_("مهلت: %(due)s") % {"due": format_jalali_date(action.due_on)},
        kind="action_assigned",
        url=reverse("followup:action_detail", args=[action.pk]),
    )
    return action


@transaction.atomic
def progress_post(
    *,
    actor,
    action: Action,
    text: str,
    status: str,
    progress: int,
    files: Iterable = (),
    no_evidence_reason: str = "",
) -> ProgressUpdate:
    """A dated report by the responsible party, with evidence files; changes status and
    progress. Marking done needs evidence or a stated reason."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    if not can_update(actor, action):
        raise PermissionDenied(_("فقط مسئول این اقدام یا کارشناسان اتاق گزارش می‌دهند."))
    files = list(files)
    errors = {}
    if not text.strip():
        errors["text"] = _("گزارش پیشرفت را بنویسید.")
    if status not in Action.Status.values:
        errors["status"] = _("وضعیت نامعتبر است.")
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        errors["progress"] = _("پیشرفت باید عددی بین ۰ و ۱۰۰ باشد.")
    if status == Action.Status.DONE and not files and not no_evidence_reason.strip():
        errors["files"] = _("برای «انجام شد» مستندی پیوست کنید یا بنویسید چرا مستندی در کار نیست.")
    kinds = []
    for f in files:
        try:
            kinds.append(detect(f))
        except ValidationError as exc:
            errors["files"] = _("فایل «%(name)s»: %(reason)s") % {
                "name": f.name,
                "reason": " ".join(exc.messages),
            }
    if errors:
        raise ValidationError(errors)
    if status == Action.Status.DONE:
        progress = 100
    update = ProgressUpdate.objects.create(
        action=action,
        author=actor,
        text=text.strip(),
        status_before=action.status,
        status_after=status,
        progress_before=action.progress,
        progress_after=progress,
        no_evidence_reason=no_evidence_reason.strip(),
    )
    for f, kind in zip(files, kinds, strict=True):
        evidence = Evidence(
            update=update, original_name=f.name[:255], content_type=kind.content_type, size=f.size
        )
        evidence.file.save("evidence", f, save=False)
        evidence.save()
    before = {"status": action.status, "progress": action.progress}
    action.status = status
    action.progress = progress
    action.completed_on = timezone.localdate() if status == Action.Status.DONE else None
    action.full_clean()
    action.save()
    audit.record(
        actor=actor,
        action="followup.progress",
        target=action,
        changes=audit.diff(before, {"status": status, "progress": progress}),
    )
    # Everyone following the action hears of the report, except its author: the body's
    # people, the owner and the staff member who created it.
    followers = {u.pk: u for u in people_to_tell(action)}
    followers.setdefault(action.created_by_id, action.created_by)
    followers.pop(actor.pk, None)
    notify(
        followers.values(),
        subject=_("گزارش تازه درباره اقدام: %(title)s") % {"title": action.title},
        body=_("%(status)s، پیشرفت %(progress)s٪ — %(text)s")
        % {
            "status": action.get_status_display(),
            "progress": to_persian_digits(str(progress)),
            "text": update.text,
        },
        kind="action_updated",
        url=reverse("followup:action_detail", args=[action.pk]),
    )
    return update


@transaction.atomic
def action_update(*, actor, action: Action, **fields) -> dict:
    """Staff change an action's title, body, owner or due date (audited)."""
    if not actor.has_role(*MANAGERS):
        raise PermissionDenied
    before = {k: getattr(action, k) for k in fields}
    if "due_on" in fields and fields["due_on"] < action.resolution.passed_on:
        raise ValidationError({"due_on": _("مهلت اقدام نمی‌تواند پیش از تاریخ تصویب مصوبه باشد.")})
    for k, v in fields.items():
        setattr(action, k, v)
    action.full_clean()
    action.save()
    changes = audit.diff(before, fields)
    if changes:
        audit.record(actor=actor, action="followup.action_update", target=action, changes=changes)
    return changes


# --------------------------------------------------------------------------- tick duties
def _claim(action: Action, kind: str) -> bool:
    """Record that this reminder goes out; False if it already went (or is going) out.

    The unique constraint on (action, kind, due_on) decides between two overlapping ticks:
    the second insert fails, so each reminder is sent once."""
    try:
        with transaction.atomic():
            Reminder.objects.create(action=action, kind=kind, due_on=action.due_on)
    except IntegrityError:
        return False
    return True


def _due(action: Action) -> str:
    """The due date as people read it: Jalali, Persian digits."""
    return format_jalali_date(action.due_on)


def remind_due_soon(*, now: datetime.datetime | None = None) -> int:
    """Remind the responsible people a few days before the due date, once per due date."""
    today = timezone.localdate(now or timezone.now())
    horizon = today + datetime.timedelta(days=settings.HAMAFZA_REMINDER_DAYS)
    sent = 0
    due = Action.objects.filter(
        status__in=Action.OPEN_STATUSES, due_on__gte=today, due_on__lte=horizon
    ).select_related("responsible", "owner")
    for action in due:
        if _claim(action, Reminder.Kind.DUE_SOON):
            sent += notify(
                people_to_tell(action),
                subject=_("مهلت اقدام نزدیک است: %(title)s") % {"title": action.title},
                body=_("مهلت این اقدام %(due)s است؛ پیشرفت آن را گزارش کنید.")
                % {"due": _due(action)},
                kind="action_due_soon",
                url=reverse("followup:action_detail", args=[action.pk]),
            )
    return sent


def notify_overdue(*, now: datetime.datetime | None = None) -> int:
    """Tell the responsible people once that an action's due date has passed."""
    today = timezone.localdate(now or timezone.now())
    sent = 0
    overdue = Action.objects.filter(
        status__in=Action.OPEN_STATUSES, due_on__lt=today
    ).select_related("responsible", "owner")
    for action in overdue:
        if _claim(action, Reminder.Kind.OVERDUE):
            sent += notify(
                people_to_tell(action),
                subject=_("مهلت اقدام گذشته است: %(title)s") % {"title": action.title},
                body=_("مهلت این اقدام %(due)s بود و هنوز انجام نشده است.") % {"due": _due(action)},
                kind="action_overdue",
                url=reverse("followup:action_detail", args=[action.pk]),
            )
    return sent


def next_board_meeting(now: datetime.datetime) -> Meeting | None:
    """The board's next scheduled meeting that has not started yet."""
    return (
        Meeting.objects.filter(
            kind=MeetingKind.BOARD, state=Meeting.State.SCHEDULED, starts_at__gt=now
        )
        .order_by("starts_at", "id")
        .first()
    )


def escalate_overdue(*, now: datetime.datetime | None = None) -> int:
    """Put actions overdue past the grace period onto the board's next meeting, once.

    Without a scheduled board meeting nothing is claimed: the action is escalated by the first
    tick after one is scheduled."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    limit = today - datetime.timedelta(days=settings.HAMAFZA_ESCALATION_GRACE_DAYS)
    meeting = next_board_meeting(now)
    if meeting is None:
        return 0
    sent = 0
    late = Action.objects.filter(
        status__in=Action.OPEN_STATUSES, due_on__lt=limit, escalated_item__isnull=True
    ).select_related("resolution", "responsible", "owner")
    for action in late:
        # The claim and the agenda item commit together: a failure leaves neither behind, and
        # the next tick tries again.
        with transaction.atomic():
            if not _claim(action, Reminder.Kind.ESCALATED):
                continue
            last = meeting.agenda.aggregate(last=Max("order"))["last"] or 0
            item = AgendaItem.objects.create(
                meeting=meeting,
                order=last + 1,
                title=(_("پیگیری اقدام معوق: %(title)s") % {"title": action.title})[:300],
                description=_(
                    "اقدام «%(title)s» از مصوبه %(number)s به عهده %(body)s، با مهلت %(due)s، "
                    "انجام نشده است (پیشرفت %(progress)s درصد)."
                )
                % {
                    "title": action.title,
                    "number": to_persian_digits(action.resolution.number),
                    "body": action.responsible.name,
                    "due": _due(action),
                    "progress": to_persian_digits(str(action.progress)),
                },
            )
            Action.objects.filter(pk=action.pk).update(escalated_item=item)
            audit.record(
                actor=None,
                action="followup.escalate",
                target=action,
                changes={"meeting": str(meeting), "agenda_item": item.pk},
            )
        sent += notify(
            people_to_tell(action),
            subject=_("اقدام معوق به جلسه هیئت رئیسه رفت: %(title)s") % {"title": action.title},
            body=_("این اقدام در دستور جلسه «%(meeting)s» در %(when)s قرار گرفت.")
            % {"meeting": meeting.title, "when": format_jalali_datetime(meeting.starts_at)},
            kind="action_escalated",
            url=reverse("followup:action_detail", args=[action.pk]),
        )
    return sent
