"""Navigation: each person sees what their roles let them use, nothing more."""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hamafza.accounts.models import Role


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str


def nav_items(user) -> list[NavItem]:
    items = [
        NavItem("home", _("خانه"), reverse("core:home")),
        NavItem("cooperatives", _("تعاونی‌ها"), reverse("registry:cooperative_list")),
        NavItem("unions", _("اتحادیه‌ها"), reverse("registry:union_list")),
    ]
    parts = []
    if user.is_authenticated:
        parts += [
            ("consultations", _("نظرخواهی‌ها"), "decisions:consultation_list"),
            ("proposals", _("پیشنهادها"), "decisions:proposal_list"),
        ]
        if user.has_role(Role.STAFF, Role.BOARD, Role.DIRECTORATE, Role.ADMIN):
            parts.append(("meetings", _("جلسه‌ها"), "decisions:meeting_list"))
    parts.append(("resolutions", _("مصوبات"), "decisions:resolution_list"))
    for key, label, name in parts:
        try:
            items.append(NavItem(key, label, reverse(name)))
        except NoReverseMatch:  # that part is not installed
            continue
    if user.is_authenticated:
        for coop_id in sorted(user.cooperative_ids)[:1]:
            items.append(
                NavItem(
                    "my_cooperative",
                    _("تعاونی من"),
                    reverse("registry:cooperative_detail", args=[coop_id]),
                )
            )
        for union_id in sorted(user.union_ids)[:1]:
            items.append(
                NavItem(
                    "my_union", _("اتحادیه من"), reverse("registry:union_detail", args=[union_id])
                )
            )
        if user.has_role(Role.STAFF, Role.ADMIN):
            items.append(NavItem("import", _("ورود از اکسل"), reverse("registry:import")))
        if user.has_role(Role.ADMIN):
            items.append(NavItem("audit", _("گزارش ممیزی"), reverse("core:audit_log")))
            items.append(NavItem("admin", _("مدیریت سامانه"), reverse("admin:index")))
    return items


def navigation(request: HttpRequest) -> dict:
    user = request.user
    language = get_language() or settings.LANGUAGE_CODE
    return {
        "nav_items": nav_items(user),
        "chamber_name": settings.HAMAFZA_CHAMBER_NAME,
        "demo_mode": settings.DEMO,
        "language_dir": "rtl" if language.startswith("fa") else "ltr",
        "LANGUAGES": settings.LANGUAGES,
    }
