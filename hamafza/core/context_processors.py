"""Navigation: each person sees what their roles let them use, nothing more."""

import functools
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


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str
    items: tuple[NavItem, ...]


def _link(key: str, label, name: str, *args) -> NavItem | None:
    try:
        return NavItem(key, label, reverse(name, args=args))
    except NoReverseMatch:  # that part is not installed
        return None


def nav_menu(user) -> list[NavItem | NavGroup]:
    """The main navigation: links and groups of links, each shown only to those who may use it."""
    signed_in = user.is_authenticated
    chamber = signed_in and user.has_role(Role.STAFF, Role.BOARD, Role.DIRECTORATE, Role.ADMIN)
    managers = signed_in and user.has_role(Role.STAFF, Role.ADMIN)
    admin = signed_in and user.has_role(Role.ADMIN)
    files_cases = signed_in and (managers or bool(user.cooperative_ids) or bool(user.union_ids))
    menu: list = [
        _link("home", _("خانه"), "core:home"),
        _link("cooperatives", _("تعاونی‌ها"), "registry:cooperative_list"),
        _link("unions", _("اتحادیه‌ها"), "registry:union_list"),
        NavGroup(
            "decisions",
            _("تصمیم‌ها"),
            (
                signed_in
                and _link("consultations", _("نظرخواهی‌ها"), "decisions:consultation_list"),
                signed_in and _link("proposals", _("پیشنهادها"), "decisions:proposal_list"),
                chamber and _link("meetings", _("جلسه‌ها"), "decisions:meeting_list"),
                _link("resolutions", _("مصوبات"), "decisions:resolution_list"),
                _link("library", _("قوانین و مقررات"), "decisions:library"),
            ),
        ),
        NavGroup(
            "followup",
            _("اجرای مصوبات"),
            (
                _link("accountability", _("کارنامه اجرا"), "followup:accountability"),
                signed_in and _link("my_actions", _("کارهای من"), "followup:my_actions"),
                chamber and _link("followup_board", _("تابلوی پیگیری"), "followup:board"),
            ),
        ),
        NavGroup(
            "cases",
            _("درخواست‌ها"),
            (
                signed_in and _link("cases", _("پیگیری درخواست‌ها"), "cases:case_list"),
                files_cases and _link("case_create", _("ثبت درخواست تازه"), "cases:case_create"),
                chamber and _link("case_report", _("گزارش درخواست‌ها"), "cases:case_report"),
            ),
        ),
    ]
    if signed_in:
        for coop_id in sorted(user.cooperative_ids)[:1]:
            menu.append(
                _link("my_cooperative", _("تعاونی من"), "registry:cooperative_detail", coop_id)
            )
        for union_id in sorted(user.union_ids)[:1]:
            menu.append(_link("my_union", _("اتحادیه من"), "registry:union_detail", union_id))
    menu.append(
        NavGroup(
            "administration",
            _("مدیریت"),
            (
                managers and _link("import", _("ورود از اکسل"), "registry:import"),
                admin and _link("audit", _("گزارش ممیزی"), "core:audit_log"),
                admin and _link("admin", _("مدیریت سامانه"), "admin:index"),
            ),
        )
    )
    result = []
    for entry in menu:
        if isinstance(entry, NavGroup):
            items = tuple(item for item in entry.items if item)
            if items:
                result.append(NavGroup(entry.key, entry.label, items))
        elif entry:
            result.append(entry)
    return result


def unread_notifications(user) -> int:
    """How many notifications the person has not read yet: one indexed count, signed in only."""
    if not user.is_authenticated:
        return 0
    from hamafza.core.models import Notification

    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def navigation(request: HttpRequest) -> dict:
    user = request.user
    language = get_language() or settings.LANGUAGE_CODE
    return {
        # A callable, run by the template only where it is shown (once: cached), so partial
        # pages (htmx) cost no query.
        "unread_notifications": functools.cache(lambda: unread_notifications(user)),
        "nav_menu": nav_menu(user),
        "chamber_name": settings.HAMAFZA_CHAMBER_NAME,
        "demo_mode": settings.DEMO,
        "language_dir": "rtl" if language.startswith("fa") else "ltr",
        "LANGUAGES": settings.LANGUAGES,
    }
