"""Service cases (درخواست‌ها): problems cooperatives bring to the chamber, carried from filing
through triage, referral and resolution to the cooperative's confirmation and rating.

The workflow is the table TRANSITIONS; services.py is the only code that moves a case.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamafza.persian.text import normalize

User = settings.AUTH_USER_MODEL


class Category(models.Model):
    """What a case is about; administrators edit the list and its service-level targets."""

    name = models.CharField(_("نام"), max_length=120, unique=True)
    description = models.TextField(_("شرح"), blank=True)
    first_response_hours = models.PositiveIntegerField(_("مهلت نخستین پاسخ (ساعت)"), default=48)
    resolution_days = models.PositiveIntegerField(_("مهلت رسیدگی (روز)"), default=30)
    active = models.BooleanField(_("فعال"), default=True)
    order = models.PositiveSmallIntegerField(_("ترتیب"), default=0)

    class Meta:
        verbose_name = _("موضوع درخواست")
        verbose_name_plural = _("موضوع‌های درخواست")
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                name="case_category_targets_positive",
                condition=Q(first_response_hours__gte=1, resolution_days__gte=1),
                violation_error_message=_("مهلت‌ها باید دست‌کم یک ساعت و یک روز باشند."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    class State(models.TextChoices):
        NEW = "new", _("ثبت‌شده")
        TRIAGED = "triaged", _("بررسی اولیه شد")
        REFERRED = "referred", _("ارجاع به دستگاه")
        IN_PROGRESS = "in_progress", _("در دست اقدام")
        RESOLVED = "resolved", _("حل شد")
        REJECTED = "rejected", _("رد شد")
        CLOSED = "closed", _("بسته شد")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("عادی")
        HIGH = "high", _("فوری")
        CRITICAL = "critical", _("بسیار فوری")

    class Channel(models.TextChoices):
        WEB = "web", _("سامانه، به دست تعاونی")
        UNION = "union", _("سامانه، به دست اتحادیه")
        PHONE = "phone", _("تلفن")
        LETTER = "letter", _("نامه")
        IN_PERSON = "in_person", _("مراجعه حضوری")

    OPEN_STATES = (State.NEW, State.TRIAGED, State.REFERRED, State.IN_PROGRESS)
    DONE_STATES = (State.RESOLVED, State.REJECTED)

    tracking_number = models.CharField(_("شماره پیگیری"), max_length=20, unique=True)
    cooperative = models.ForeignKey(
        "registry.Cooperative",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("تعاونی"),
    )
    # Set when a union filed the case for one of its members; its representatives follow it.
    union = models.ForeignKey(
        "registry.Union",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="filed_cases",
        verbose_name=_("ثبت به دست اتحادیه"),
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="cases", verbose_name=_("موضوع")
    )
    title = models.CharField(_("عنوان"), max_length=200)
    description = models.TextField(_("شرح مشکل"))
    urgency = models.CharField(
        _("فوریت"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    channel = models.CharField(
        _("راه ثبت"), max_length=10, choices=Channel.choices, default=Channel.WEB
    )
    state = models.CharField(
        _("وضعیت"), max_length=12, choices=State.choices, default=State.NEW, db_index=True
    )
    filed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("کارشناس مسئول"),
    )
    # The resolution or, for a rejected case, the reason: what the cooperative reads.
    outcome = models.TextField(_("نتیجه"), blank=True)
    filed_at = models.DateTimeField(_("زمان ثبت"), default=timezone.now, db_index=True)
    # Targets are fixed when the case is filed (from its category), so editing a category
    # later does not rewrite the history of service levels.
    first_response_due_at = models.DateTimeField(_("مهلت نخستین پاسخ"))
    resolution_due_at = models.DateTimeField(_("مهلت رسیدگی"))
    first_response_at = models.DateTimeField(_("نخستین پاسخ"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("زمان نتیجه"), null=True, blank=True)
    closed_at = models.DateTimeField(_("زمان بستن"), null=True, blank=True)
    auto_closed = models.BooleanField(default=False)
    reopened_count = models.PositiveSmallIntegerField(default=0)
    # Claimed once each by `hamafza tick`, so a warning or notice goes out once.
    response_warned_at = models.DateTimeField(null=True, blank=True)
    resolution_warned_at = models.DateTimeField(null=True, blank=True)
    response_breach_noticed_at = models.DateTimeField(null=True, blank=True)
    resolution_breach_noticed_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("رضایت (۱ تا ۵)"), null=True, blank=True)
    rating_comment = models.TextField(_("نظر تعاونی"), blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    agenda_items = models.ManyToManyField(
        "decisions.AgendaItem", blank=True, related_name="cases", verbose_name=_("بند دستور جلسه")
    )
    search_key = models.TextField(default="", editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("درخواست")
        verbose_name_plural = _("درخواست‌ها")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="case_rating_1_5",
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                violation_error_message=_("امتیاز رضایت باید از ۱ تا ۵ باشد."),
            )
        ]
        indexes = [
            models.Index(fields=["cooperative", "-filed_at"]),
            models.Index(fields=["state", "resolution_due_at"]),
            # The list's state filter in its newest-first order, and the report's closed
            # cases of a period, read from the index alone (docs/performance.md, Cases).
            models.Index(fields=["state", "filed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_number} — {self.title}"

    def save(self, *args, **kwargs):
        self.search_key = normalize(f"{self.tracking_number} {self.title}")
        super().save(*args, **kwargs)

    # ------------------------------------------------------------------ derived
    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    def response_breached(self, now: datetime.datetime | None = None) -> bool:
        """No first response by its target (or, still waiting, past it now)."""
        moment = self.first_response_at or (now or timezone.now())
        return moment > self.first_response_due_at

    def resolution_breached(self, now: datetime.datetime | None = None) -> bool:
        moment = self.resolved_at or (now or timezone.now())
        return moment > self.resolution_due_at

    def breached(self, now: datetime.datetime | None = None) -> bool:
        return self.response_breached(now) or self.resolution_breached(now)

    @property
    def resolution_days(self) -> float | None:
        """Days from filing to its outcome (resolved or rejected); None while open."""
        if self.resolved_at is None:
            return None
        return (self.resolved_at - self.filed_at).total_seconds() / 86400

    def can_reopen_until(self) -> datetime.datetime | None:
        if self.resolved_at is None:
            return None
        return self.resolved_at + datetime.timedelta(days=settings.HAMAFZA_CASE_REOPEN_DAYS)


# Which state may follow which (services.transition refuses everything else).
S = Case.State
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.TRIAGED, S.REJECTED}),
    S.TRIAGED: frozenset({S.REFERRED, S.IN_PROGRESS, S.RESOLVED, S.REJECTED}),
    S.REFERRED: frozenset({S.REFERRED, S.IN_PROGRESS, S.RESOLVED, S.REJECTED}),
    S.IN_PROGRESS: frozenset({S.REFERRED, S.RESOLVED, S.REJECTED}),
    S.RESOLVED: frozenset({S.CLOSED, S.IN_PROGRESS}),
    S.REJECTED: frozenset({S.CLOSED, S.IN_PROGRESS}),
    S.CLOSED: frozenset({S.IN_PROGRESS}),
}
del S


class CaseSequence(models.Model):
    """The last tracking number given in a Jalali year («1405-00042»)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Referral(models.Model):
    """A referral of the case to a body outside the chamber, with its letter (a PDF)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    organisation = models.ForeignKey(
        "followup.Organisation",
        on_delete=models.PROTECT,
        related_name="case_referrals",
        verbose_name=_("دستگاه"),
    )
    letter_number = models.CharField(_("شماره نامه"), max_length=32, unique=True)
    letter_text = models.TextField(_("متن نامه"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ارجاع")
        verbose_name_plural = _("ارجاع‌ها")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.letter_number


class Message(models.Model):
    """The conversation both sides see, and internal notes (internal=True) the cooperative
    never sees."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("متن"))
    internal = models.BooleanField(_("یادداشت داخلی"), default=False)
    posted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["posted_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    internal = models.BooleanField(default=False)
    file = models.FileField(upload_to="cases/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Event(models.Model):
    """The case's timeline: filing, every transition, assignment, referral, agenda, rating."""

    class Kind(models.TextChoices):
        FILED = "filed", _("ثبت درخواست")
        TRIAGED = "triaged", _("بررسی اولیه")
        ASSIGNED = "assigned", _("تعیین کارشناس")
        REFERRED = "referred", _("ارجاع به دستگاه")
        STARTED = "started", _("آغاز رسیدگی")
        RESOLVED = "resolved", _("حل شد")
        REJECTED = "rejected", _("رد شد")
        CLOSED = "closed", _("بسته شد")
        AUTO_CLOSED = "auto_closed", _("بسته شدن خودکار")
        REOPENED = "reopened", _("بازگشایی")
        AGENDA = "agenda", _("طرح در جلسه")
        RATED = "rated", _("ثبت رضایت")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    state_before = models.CharField(max_length=12, choices=Case.State.choices, blank=True)
    state_after = models.CharField(max_length=12, choices=Case.State.choices, blank=True)
    # Shown to the cooperative: a reason, an outcome, a body's name (never internal notes).
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.kind}"
