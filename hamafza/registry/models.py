"""The registry: counties, sectors, unions, cooperatives, persons and boards."""

import datetime
import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamafza.persian.identifiers import (
    MobileValidator,
    NationalCodeValidator,
    NationalIdValidator,
    PostalCodeValidator,
)
from hamafza.persian.text import normalize, search_key, sort_key


class County(models.Model):
    name = models.CharField(_("نام"), max_length=100, unique=True)
    name_key = models.CharField(max_length=100, editable=False, db_index=True)
    province = models.CharField(_("استان"), max_length=100)

    class Meta:
        verbose_name = _("شهرستان")
        verbose_name_plural = _("شهرستان‌ها")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = normalize(self.name)
        super().save(*args, **kwargs)


class Sector(models.Model):
    name = models.CharField(_("نام"), max_length=100, unique=True)
    name_key = models.CharField(max_length=100, editable=False, db_index=True)
    order = models.PositiveSmallIntegerField(_("ترتیب"), default=0)

    class Meta:
        verbose_name = _("گرایش")
        verbose_name_plural = _("گرایش‌ها")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = normalize(self.name)
        super().save(*args, **kwargs)


class Status(models.TextChoices):
    ACTIVE = "active", _("فعال")
    INACTIVE = "inactive", _("غیرفعال")
    LIQUIDATING = "liquidating", _("در حال تصفیه")
    DISSOLVED = "dissolved", _("منحل")


class LegalEntity(models.Model):
    """Fields a cooperative and a union share: both are registered legal entities."""

    name = models.CharField(_("نام"), max_length=255)
    # Normalised forms (hamafza.persian.text) kept beside what the user typed, for search.
    name_key = models.CharField(max_length=255, editable=False, default="", db_index=True)
    # Persian alphabetical order of the name (hamafza.persian.text.sort_key).
    sort_key = models.CharField(max_length=510, editable=False, default="")
    search_key = models.TextField(editable=False, default="")
    national_id = models.CharField(
        _("شناسه ملی"), max_length=11, unique=True, validators=[NationalIdValidator()]
    )
    registration_number = models.CharField(_("شماره ثبت"), max_length=32)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("شهرستان")
    )
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, verbose_name=_("گرایش"))
    status = models.CharField(
        _("وضعیت"), max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    registered_on = models.DateField(_("تاریخ ثبت"), null=True, blank=True)
    ceo_name = models.CharField(_("مدیرعامل"), max_length=150, blank=True)
    mobile = models.CharField(
        _("تلفن همراه"), max_length=11, blank=True, validators=[MobileValidator()]
    )
    postal_code = models.CharField(
        _("کد پستی"), max_length=10, blank=True, validators=[PostalCodeValidator()]
    )
    address = models.CharField(_("نشانی"), max_length=500, blank=True)
    description = models.TextField(_("معرفی"), blank=True)
    website = models.URLField(_("وبگاه"), blank=True)
    created_at = models.DateTimeField(_("زمان ایجاد"), auto_now_add=True)
    updated_at = models.DateTimeField(_("آخرین تغییر"), auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.fill_keys()
        super().save(*args, **kwargs)

    def fill_keys(self) -> None:
        """The normalised keys kept beside what was typed; bulk writers call this too."""
        self.name_key = normalize(self.name)
        self.sort_key = sort_key(self.name)
        self.search_key = self.build_search_key()

    def build_search_key(self) -> str:
        return search_key(self.name, self.national_id, self.registration_number, self.ceo_name)


class Union(LegalEntity):
    """A union (اتحادیه) of cooperatives of one activity in a county or the province."""

    class Meta:
        verbose_name = _("اتحادیه")
        verbose_name_plural = _("اتحادیه‌ها")
        ordering = ["name"]


class Cooperative(LegalEntity):
    members = models.PositiveIntegerField(_("تعداد اعضا"), default=0)
    employees = models.PositiveIntegerField(_("تعداد شاغلین"), default=0)
    capital_rial = models.PositiveBigIntegerField(_("سرمایه (ریال)"), default=0)
    union = models.ForeignKey(
        Union,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cooperatives",
        verbose_name=_("اتحادیه"),
    )
    isic_codes = models.CharField(_("کدهای ISIC"), max_length=100, blank=True)
    latitude = models.DecimalField(
        _("عرض جغرافیایی"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("طول جغرافیایی"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    # Denormalised from the board memberships (kept by the services) so the directory can
    # filter "board term expired" over 100,000 rows with an index.
    board_term_ends_on = models.DateField(
        _("پایان دوره هیئت مدیره"), null=True, blank=True, db_index=True
    )

    class Meta:
        verbose_name = _("شرکت تعاونی")
        verbose_name_plural = _("شرکت‌های تعاونی")
        ordering = ["sort_key"]
        indexes = [
            # The directory's common filters, each with the default order (name).
            models.Index(fields=["county", "sort_key"]),
            models.Index(fields=["sector", "status", "sort_key"]),
            models.Index(fields=["-members", "sort_key"]),
            models.Index(fields=["sort_key"]),
        ]

    @property
    def board_expired(self) -> bool:
        return bool(self.board_term_ends_on and self.board_term_ends_on < timezone.localdate())


class Person(models.Model):
    full_name = models.CharField(_("نام و نام خانوادگی"), max_length=150)
    national_code = models.CharField(
        _("کد ملی"),
        max_length=10,
        unique=True,
        null=True,
        blank=True,
        validators=[NationalCodeValidator()],
    )
    mobile = models.CharField(
        _("تلفن همراه"), max_length=11, blank=True, validators=[MobileValidator()]
    )

    class Meta:
        verbose_name = _("شخص")
        verbose_name_plural = _("اشخاص")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name


class BoardRole(models.TextChoices):
    CEO = "ceo", _("مدیرعامل")
    CHAIR = "chair", _("رئیس هیئت مدیره")
    VICE_CHAIR = "vice_chair", _("نایب رئیس هیئت مدیره")
    SECRETARY = "secretary", _("منشی هیئت مدیره")
    MEMBER = "member", _("عضو هیئت مدیره")
    ALTERNATE = "alternate", _("عضو علی‌البدل")
    INSPECTOR = "inspector", _("بازرس")


class BoardMembership(models.Model):
    cooperative = models.ForeignKey(
        Cooperative,
        on_delete=models.CASCADE,
        related_name="board_memberships",
        verbose_name=_("تعاونی"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="board_memberships", verbose_name=_("شخص")
    )
    role = models.CharField(_("سمت"), max_length=16, choices=BoardRole.choices)
    term_start = models.DateField(_("آغاز دوره"))
    term_end = models.DateField(_("پایان دوره"))

    class Meta:
        verbose_name = _("عضویت هیئت مدیره")
        verbose_name_plural = _("اعضای هیئت مدیره")
        ordering = ["cooperative", "role"]
        constraints = [
            models.CheckConstraint(
                name="board_term_ends_after_start",
                condition=models.Q(term_end__gt=models.F("term_start")),
                violation_error_message=_("پایان دوره باید بعد از آغاز آن باشد."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()}"

    @property
    def expired(self) -> bool:
        return self.term_end < timezone.localdate()


def default_term_end(start: datetime.date) -> datetime.date:
    """Boards of cooperatives serve three years."""
    try:
        return start.replace(year=start.year + 3)
    except ValueError:  # 29 February
        return start.replace(year=start.year + 3, day=28)


__all__ = [
    "BoardMembership",
    "BoardRole",
    "Cooperative",
    "County",
    "Person",
    "Sector",
    "Status",
    "Union",
]


class ImportJob(models.Model):
    """One registry import started in the browser: checked, previewed, then applied."""

    class State(models.TextChoices):
        CHECKING = "checking", _("در حال بررسی")
        REJECTED = "rejected", _("رد شد")
        READY = "ready", _("آماده ورود")
        IMPORTING = "importing", _("در حال ورود")
        DONE = "done", _("انجام شد")
        FAILED = "failed", _("ناموفق")

    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("کاربر")
    )
    created_at = models.DateTimeField(_("زمان"), auto_now_add=True)
    finished_at = models.DateTimeField(_("پایان"), null=True, blank=True)
    original_name = models.CharField(_("نام فایل"), max_length=255)
    file = models.FileField(upload_to="imports/%Y/%m/")
    state = models.CharField(
        _("وضعیت"), max_length=16, choices=State.choices, default=State.CHECKING
    )
    processed = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    # Every problem: [{"row", "column", "value", "reason"}]; header problems as row 1.
    problems = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    preview = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("ورود از فایل")
        verbose_name_plural = _("ورودها از فایل")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def percent(self) -> int:
        return int(100 * self.processed / self.total) if self.total else 0

    @property
    def running(self) -> bool:
        return self.state in (self.State.CHECKING, self.State.IMPORTING)


def _document_path(instance: "Document", filename: str) -> str:
    # The stored name is not the uploaded one: files are served only through a view.
    return f"registry/documents/{instance.cooperative_id}/{timezone.now():%Y%m}/{uuid.uuid4().hex}"


class Document(models.Model):
    """A cooperative's document (articles of association, licence …), private to those who
    may see the cooperative's private data."""

    class Kind(models.TextChoices):
        ARTICLES = "articles", _("اساسنامه")
        LICENCE = "licence", _("پروانه / مجوز")
        REGISTRATION = "registration", _("آگهی ثبت / تغییرات")
        MINUTES = "minutes", _("صورتجلسه مجمع")
        FINANCIAL = "financial", _("صورت‌های مالی")
        OTHER = "other", _("دیگر")

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.CASCADE, related_name="documents", verbose_name=_("تعاونی")
    )
    kind = models.CharField(_("نوع سند"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("عنوان"), max_length=200)
    file = models.FileField(_("فایل"), upload_to=_document_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("زمان بارگذاری"), auto_now_add=True)

    class Meta:
        verbose_name = _("سند")
        verbose_name_plural = _("اسناد")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.title
