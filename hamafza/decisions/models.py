"""Decision-shaping (consultations, proposals) and decision-making (meetings, agenda,
attendance, votes, resolutions, minutes), with the small library of laws they cite."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamafza.persian.text import search_key

User = settings.AUTH_USER_MODEL


# --------------------------------------------------------------------------- library
class LegalDocument(models.Model):
    """A law, regulation or guideline that proposals and resolutions cite."""

    class Kind(models.TextChoices):
        LAW = "law", _("قانون")
        REGULATION = "regulation", _("آیین‌نامه")
        GUIDELINE = "guideline", _("دستورالعمل")
        CIRCULAR = "circular", _("بخشنامه")
        ARTICLES = "articles", _("اساسنامه")

    kind = models.CharField(_("نوع"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("عنوان"), max_length=300)
    number = models.CharField(_("شماره"), max_length=64, blank=True)
    issued_on = models.DateField(_("تاریخ تصویب"), null=True, blank=True)
    issuer = models.CharField(_("مرجع تصویب"), max_length=200, blank=True)
    search_key = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("قانون یا مقرره")
        verbose_name_plural = _("قوانین و مقررات")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.search_key = search_key(self.title, self.number, self.issuer)
        super().save(*args, **kwargs)


class Article(models.Model):
    document = models.ForeignKey(
        LegalDocument, on_delete=models.CASCADE, related_name="articles", verbose_name=_("سند")
    )
    number = models.CharField(_("ماده"), max_length=32)
    text = models.TextField(_("متن"))
    search_key = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("ماده")
        verbose_name_plural = _("مواد")
        ordering = ["document", "id"]

    def __str__(self) -> str:
        return f"{self.document} — {_('ماده')} {self.number}"

    def save(self, *args, **kwargs):
        self.search_key = search_key(self.number, self.text)
        super().save(*args, **kwargs)


# --------------------------------------------------------------------------- consultations
class Consultation(models.Model):
    """A question put to an audience of cooperatives (or the board) before a decision."""

    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("موافقت با پیشنهاد")
        SINGLE = "single", _("تک‌گزینه‌ای")
        MULTIPLE = "multiple", _("چندگزینه‌ای")
        RANKED = "ranked", _("رتبه‌بندی")
        SCORE = "score", _("امتیازدهی")

    class Audience(models.TextChoices):
        ALL = "all", _("همه تعاونی‌های فعال")
        SECTOR = "sector", _("تعاونی‌های یک گرایش")
        COUNTY = "county", _("تعاونی‌های یک شهرستان")
        UNION = "union", _("تعاونی‌های عضو یک اتحادیه")
        BOARD = "board", _("اعضای هیئت رئیسه")

    class Visibility(models.TextChoices):
        AFTER_CLOSE = "after_close", _("پس از پایان")
        LIVE = "live", _("هم‌زمان با پاسخ‌ها")

    title = models.CharField(_("عنوان"), max_length=300)
    question = models.TextField(_("پرسش یا متن پیشنهاد"))
    kind = models.CharField(_("نوع"), max_length=16, choices=Kind.choices)
    audience = models.CharField(_("مخاطبان"), max_length=16, choices=Audience.choices)
    audience_sector = models.ForeignKey(
        "registry.Sector", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("گرایش")
    )
    audience_county = models.ForeignKey(
        "registry.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("شهرستان"),
    )
    audience_union = models.ForeignKey(
        "registry.Union", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("اتحادیه")
    )
    anonymous = models.BooleanField(_("بی‌نام"), default=False)
    visibility = models.CharField(
        _("نمایش نتایج"), max_length=16, choices=Visibility.choices, default=Visibility.AFTER_CLOSE
    )
    score_max = models.PositiveSmallIntegerField(_("بیشترین امتیاز"), default=5)
    opens_at = models.DateTimeField(_("آغاز"), default=timezone.now)
    closes_at = models.DateTimeField(_("پایان"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    outcome = models.TextField(_("جمع‌بندی"), blank=True)
    outcome_published_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    proposal = models.ForeignKey(
        "Proposal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("پیشنهاد"),
    )

    class Meta:
        verbose_name = _("نظرخواهی")
        verbose_name_plural = _("نظرخواهی‌ها")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                name="consultation_closes_after_opening",
                condition=Q(closes_at__gt=models.F("opens_at")),
                violation_error_message=_("پایان نظرخواهی باید بعد از آغاز آن باشد."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        now = timezone.now()
        return self.opens_at <= now < self.closes_at

    @property
    def is_closed(self) -> bool:
        return timezone.now() >= self.closes_at


class Option(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(_("گزینه"), max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["consultation", "order", "id"]

    def __str__(self) -> str:
        return self.text


class Response(models.Model):
    """One answer per cooperative (or per board member for a board audience)."""

    class Stance(models.TextChoices):
        AGREE = "agree", _("موافق")
        DISAGREE = "disagree", _("مخالف")
        ABSTAIN = "abstain", _("ممتنع")

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="responses"
    )
    cooperative = models.ForeignKey(
        "registry.Cooperative", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    board_member = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    respondent = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    stance = models.CharField(max_length=16, choices=Stance.choices, blank=True)
    reason = models.TextField(_("دلیل"), blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "cooperative"],
                condition=Q(cooperative__isnull=False),
                name="one_response_per_cooperative",
            ),
            models.UniqueConstraint(
                fields=["consultation", "board_member"],
                condition=Q(board_member__isnull=False),
                name="one_response_per_board_member",
            ),
            models.CheckConstraint(
                name="response_has_one_answerer",
                condition=Q(cooperative__isnull=False, board_member__isnull=True)
                | Q(cooperative__isnull=True, board_member__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultation} — {self.cooperative or self.board_member}"


class ResponseChoice(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "option"], name="one_choice_per_option")
        ]

    def __str__(self) -> str:
        return f"{self.response_id}: {self.option_id}"


# --------------------------------------------------------------------------- proposals
class Proposal(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("ثبت‌شده")
        ON_AGENDA = "on_agenda", _("در دستور جلسه")
        DECIDED = "decided", _("تصمیم‌گیری‌شده")
        DECLINED = "declined", _("پاسخ داده شد (در دستور نیامد)")

    title = models.CharField(_("عنوان"), max_length=300)
    text = models.TextField(_("متن پیشنهاد"))
    legal_basis = models.TextField(_("مستند قانونی"), blank=True)
    legal_documents = models.ManyToManyField(
        LegalDocument, blank=True, related_name="proposals", verbose_name=_("قوانین مستند")
    )
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    cooperative = models.ForeignKey(
        "registry.Cooperative", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    union = models.ForeignKey(
        "registry.Union", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        _("وضعیت"), max_length=16, choices=State.choices, default=State.SUBMITTED
    )
    answer = models.TextField(_("پاسخ اتاق"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("پیشنهاد")
        verbose_name_plural = _("پیشنهادها")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class ProposalSupport(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="one_support_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.proposal}"


class ProposalComment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("دیدگاه"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:50]


class ProposalAttachment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="decisions/proposals/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


# --------------------------------------------------------------------------- meetings
class MeetingKind(models.TextChoices):
    BOARD = "board", _("جلسه هیئت رئیسه")
    COMMISSION = "commission", _("جلسه کمیسیون")
    JOINT = "joint", _("جلسه مشترک با اداره کل")


class MeetingRule(models.Model):
    """Quorum and majority per kind of meeting, editable by administrators."""

    class Majority(models.TextChoices):
        SIMPLE_PRESENT = "present", _("بیش از نیمی از حاضران")
        TWO_THIRDS_PRESENT = "two_thirds", _("دوسوم حاضران")
        SIMPLE_CAST = "cast", _("بیش از نیمی از آرای داده‌شده")

    kind = models.CharField(_("نوع جلسه"), max_length=16, choices=MeetingKind.choices, unique=True)
    # Quorum: more than quorum_percent % of the voting members present ("more than half" = 50).
    quorum_percent = models.PositiveSmallIntegerField(_("حدنصاب (درصد، بیش از)"), default=50)
    majority = models.CharField(
        _("اکثریت لازم"), max_length=16, choices=Majority.choices, default=Majority.SIMPLE_PRESENT
    )

    class Meta:
        verbose_name = _("قاعده جلسه")
        verbose_name_plural = _("قواعد جلسه‌ها")

    def __str__(self) -> str:
        return self.get_kind_display()


class Meeting(models.Model):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("برنامه‌ریزی‌شده")
        IN_PROGRESS = "in_progress", _("در حال برگزاری")
        HELD = "held", _("برگزار شد")
        FINAL = "final", _("صورتجلسه نهایی شد")

    kind = models.CharField(_("نوع جلسه"), max_length=16, choices=MeetingKind.choices)
    title = models.CharField(_("عنوان"), max_length=300)
    starts_at = models.DateTimeField(_("زمان"))
    place = models.CharField(_("مکان"), max_length=300, blank=True)
    online_link = models.URLField(_("پیوند برگزاری برخط"), blank=True)
    state = models.CharField(
        _("وضعیت"), max_length=16, choices=State.choices, default=State.SCHEDULED
    )
    sequence = models.PositiveIntegerField(_("شماره جلسه در سال"), default=0)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("جلسه")
        verbose_name_plural = _("جلسه‌ها")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.title


class MeetingMember(models.Model):
    """An invitation; voting members count for quorum and vote, guests do not."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="meeting_memberships")
    voting = models.BooleanField(_("عضو دارای رأی"), default=True)
    present = models.BooleanField(_("حاضر"), default=False)
    invited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_invitation_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.meeting}"


class AgendaItem(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("در انتظار")
        VOTING = "voting", _("در حال رأی‌گیری")
        PASSED = "passed", _("تصویب شد")
        REJECTED = "rejected", _("تصویب نشد")
        NO_QUORUM = "no_quorum", _("بدون حدنصاب")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("عنوان"), max_length=300)
    description = models.TextField(_("شرح"), blank=True)
    legal_basis = models.TextField(_("مستند قانونی"), blank=True)
    proposal = models.ForeignKey(
        Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="agenda_items"
    )
    consultation = models.ForeignKey(
        Consultation, on_delete=models.SET_NULL, null=True, blank=True, related_name="agenda_items"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    votes_for = models.PositiveSmallIntegerField(default=0)
    votes_against = models.PositiveSmallIntegerField(default=0)
    votes_abstain = models.PositiveSmallIntegerField(default=0)
    present_count = models.PositiveSmallIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("بند دستور جلسه")
        verbose_name_plural = _("دستور جلسه")
        ordering = ["meeting", "order", "id"]

    def __str__(self) -> str:
        return self.title


class Vote(models.Model):
    class Choice(models.TextChoices):
        FOR = "for", _("موافق")
        AGAINST = "against", _("مخالف")
        ABSTAIN = "abstain", _("ممتنع")

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=8, choices=Choice.choices)
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="one_vote_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.choice}"


class Resolution(models.Model):
    """A passed agenda item: numbered «year/meeting/sequence» (Jalali year)."""

    number = models.CharField(_("شماره"), max_length=32, unique=True)
    item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT, related_name="resolution")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="resolutions")
    title = models.CharField(_("عنوان"), max_length=300)
    text = models.TextField(_("متن مصوبه"))
    legal_basis = models.TextField(_("مستند قانونی"), blank=True)
    passed_on = models.DateField(_("تاریخ تصویب"))
    published = models.BooleanField(_("منتشرشده"), default=True)

    class Meta:
        verbose_name = _("مصوبه")
        verbose_name_plural = _("مصوبات")
        ordering = ["-passed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"


class Minutes(models.Model):
    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    summary = models.TextField(_("خلاصه مذاکرات"), blank=True)
    pdf = models.FileField(upload_to="decisions/minutes/%Y/", blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("صورتجلسه")
        verbose_name_plural = _("صورتجلسه‌ها")

    def __str__(self) -> str:
        return str(self.meeting)

    @property
    def final(self) -> bool:
        return self.finalised_at is not None


class MinutesAmendment(models.Model):
    """A correction to finalised minutes: the minutes stay locked, the history stays."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="amendments")
    text = models.TextField(_("متن اصلاحیه"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:50]


class CalendarToken(models.Model):
    """A secret address for a member's meeting calendar (iCal), revocable."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="calendar_token")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.user)
