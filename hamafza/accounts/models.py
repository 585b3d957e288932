"""Users, roles and the organisations they represent."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hamafza.persian.identifiers import MobileValidator


class Role(models.TextChoices):
    COOPERATIVE = "cooperative", _("نماینده تعاونی")
    UNION = "union", _("نماینده اتحادیه")
    STAFF = "staff", _("کارشناس اتاق")
    BOARD = "board", _("عضو هیئت رئیسه")
    DIRECTORATE = "directorate", _("کارشناس اداره کل تعاون")
    ADMIN = "admin", _("مدیر سامانه")


# Roles whose holders must sign in with a second factor when HAMAFZA_REQUIRE_2FA is on.
TWO_FACTOR_ROLES = frozenset({Role.STAFF, Role.BOARD, Role.DIRECTORATE, Role.ADMIN})


class User(AbstractUser):
    mobile = models.CharField(
        _("تلفن همراه"), max_length=11, blank=True, validators=[MobileValidator()]
    )
    # Demo accounts sign in only while HAMAFZA_DEMO is on (accounts.backends).
    is_demo = models.BooleanField(_("حساب نمایشی"), default=False, editable=False)

    class Meta:
        verbose_name = _("کاربر")
        verbose_name_plural = _("کاربران")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def roles(self) -> frozenset[str]:
        """The user's roles, read once per request (the object lives for one request)."""
        cached = getattr(self, "_roles_cache", None)
        if cached is None:
            if not self.is_active:
                cached = frozenset()
            else:
                cached = frozenset(self.role_assignments.values_list("role", flat=True))
                if self.is_superuser:
                    cached = cached | {Role.ADMIN}
            self._roles_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def cooperative_ids(self) -> frozenset[int]:
        cached = getattr(self, "_coop_ids_cache", None)
        if cached is None:
            cached = frozenset(
                self.role_assignments.filter(role=Role.COOPERATIVE).values_list(
                    "cooperative_id", flat=True
                )
            )
            self._coop_ids_cache = cached
        return cached

    @property
    def union_ids(self) -> frozenset[int]:
        cached = getattr(self, "_union_ids_cache", None)
        if cached is None:
            cached = frozenset(
                self.role_assignments.filter(role=Role.UNION).values_list("union_id", flat=True)
            )
            self._union_ids_cache = cached
        return cached

    @property
    def needs_two_factor(self) -> bool:
        return bool(self.roles.intersection(TWO_FACTOR_ROLES)) or self.is_staff

    def clear_role_cache(self) -> None:
        for name in ("_roles_cache", "_coop_ids_cache", "_union_ids_cache"):
            self.__dict__.pop(name, None)


class RoleAssignment(models.Model):
    """A role a user holds; cooperative and union roles name the organisation represented."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("کاربر")
    )
    role = models.CharField(_("نقش"), max_length=20, choices=Role.choices)
    cooperative = models.ForeignKey(
        "registry.Cooperative",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="representatives",
        verbose_name=_("تعاونی"),
    )
    union = models.ForeignKey(
        "registry.Union",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="representatives",
        verbose_name=_("اتحادیه"),
    )
    created_at = models.DateTimeField(_("زمان ایجاد"), auto_now_add=True)

    class Meta:
        verbose_name = _("نقش کاربر")
        verbose_name_plural = _("نقش‌های کاربران")
        constraints = [
            models.CheckConstraint(
                name="role_organisation_matches",
                condition=(
                    Q(role="cooperative", cooperative__isnull=False, union__isnull=True)
                    | Q(role="union", union__isnull=False, cooperative__isnull=True)
                    | (
                        ~Q(role__in=["cooperative", "union"])
                        & Q(cooperative__isnull=True, union__isnull=True)
                    )
                ),
                violation_error_message=_(
                    "نقش نماینده تعاونی یا اتحادیه باید به همان سازمان وصل باشد و نقش‌های دیگر به هیچ سازمانی."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "cooperative"],
                condition=Q(role="cooperative"),
                name="unique_cooperative_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "union"],
                condition=Q(role="union"),
                name="unique_union_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=~Q(role__in=["cooperative", "union"]),
                name="unique_plain_role",
            ),
        ]

    def __str__(self) -> str:
        org = self.cooperative or self.union
        label = self.get_role_display()
        return f"{self.user} — {label}" + (f" ({org})" if org else "")
