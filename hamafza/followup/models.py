"""Implementation follow-up (اجرا و مطالبه‌گری): actions on resolutions, their progress with
evidence, reminders and escalation."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamafza.persian.text import normalize

User = settings.AUTH_USER_MODEL


class Organisation(models.Model):
    """A body that can be responsible for an action: a chamber unit, the directorate, a union,
    a cooperative, or an outside body such as a bank or the tax office."""

    class Kind(models.TextChoices):
        CHAMBER = "chamber", _("واحد اتاق تعاون")
        DIRECTORATE = "directorate", _("اداره کل تعاون، کار و رفاه اجتماعی")
        UNION = "union", _("اتحادیه")
        COOPERATIVE = "cooperative", _("شرکت تعاونی")
        OUTSIDE = "outside", _("دستگاه بیرونی")

    name = models.CharField(_("نام"), max_length=255, unique=True)
    name_key = models.CharField(max_length=255, editable=False, default="", db_index=True)
    kind = models.CharField(_("نوع"), max_length=16, choices=Kind.choices)
    union = models.OneToOneField(
        "registry.Union", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    cooperative = models.OneToOneField(
        "registry.Cooperative", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    members = models.ManyToManyField(
        User, blank=True, related_name="organisations", verbose_name=_("کاربران این نهاد")
    )

    class Meta:
        verbose_name = _("نهاد مسئول")
        verbose_name_plural = _("نهادهای مسئول")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = normalize(self.name)
        super().save(*args, **kwargs)


class Action(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("آغاز نشده")
        IN_PROGRESS = "in_progress", _("در حال انجام")
        DONE = "done", _("انجام شد")
        BLOCKED = "blocked", _("متوقف")
        CANCELLED = "cancelled", _("لغو شد")

    OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.BLOCKED)

    resolution = models.ForeignKey(
        "decisions.Resolution",
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("مصوبه"),
    )
    title = models.CharField(_("عنوان اقدام"), max_length=300)
    description = models.TextField(_("شرح"), blank=True)
    responsible = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="actions", verbose_name=_("مسئول")
    )
    owner = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_actions",
        verbose_name=_("پیگیری‌کننده"),
    )
    due_on = models.DateField(_("مهلت"))
    status = models.CharField(
        _("وضعیت"),
        max_length=16,
        choices=Status.choices,
        default=Status.NOT_STARTED,
        db_index=True,
    )
    progress = models.PositiveSmallIntegerField(_("پیشرفت (درصد)"), default=0)
    completed_on = models.DateField(_("تاریخ انجام"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set once by `hamafza tick` when the action, overdue past the grace period, was put on
    # the agenda of the board's next meeting.
    escalated_item = models.ForeignKey(
        "decisions.AgendaItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalated_actions",
    )

    class Meta:
        verbose_name = _("اقدام")
        verbose_name_plural = _("اقدام‌ها")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="action_progress_0_100",
                condition=Q(progress__gte=0, progress__lte=100),
                violation_error_message=_("پیشرفت باید بین ۰ و ۱۰۰ درصد باشد."),
            )
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def overdue(self) -> bool:
        """Derived, never typed in: past its due date and not finished."""
        return self.status in self.OPEN_STATUSES and self.due_on < timezone.localdate()


class ProgressUpdate(models.Model):
    """A dated report on an action; status and progress changes form its timeline."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    posted_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField(_("گزارش"))
    status_before = models.CharField(max_length=16, choices=Action.Status.choices)
    status_after = models.CharField(max_length=16, choices=Action.Status.choices)
    progress_before = models.PositiveSmallIntegerField()
    progress_after = models.PositiveSmallIntegerField()
    # Marking an action done needs evidence or, instead, a stated reason.
    no_evidence_reason = models.TextField(_("دلیل نبود مستند"), blank=True)

    class Meta:
        ordering = ["posted_at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.status_after} {self.progress_after}%"


class Evidence(models.Model):
    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="followup/evidence/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.original_name


class Reminder(models.Model):
    """What `hamafza tick` already sent, so a second run sends nothing twice."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("یادآوری مهلت")
        OVERDUE = "overdue", _("گذشتن از مهلت")
        ESCALATED = "escalated", _("ارجاع به جلسه هیئت رئیسه")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    due_on = models.DateField()  # the due date it was about; a new due date reminds again
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action", "kind", "due_on"], name="one_reminder_each")
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.kind}"
