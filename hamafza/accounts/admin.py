from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from hamafza.accounts.models import RoleAssignment, User
from hamafza.core import audit
from hamafza.core.admin_audit import AuditedAdmin


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["cooperative", "union"]


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Hamafza", {"fields": ["mobile"]}))

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit.record(
                actor=request.user,
                action="accounts.role_remove",
                target=form.instance,
                changes={"role": str(obj)},
            )
            obj.delete()
        for obj in instances:
            obj.full_clean()
            obj.save()
            audit.record(
                actor=request.user,
                action="accounts.role_assign",
                target=form.instance,
                changes={"role": str(obj)},
            )
        formset.save_m2m()


def _admin_login(request, extra_context=None):
    """The admin signs in through Hamafza's own sign-in page (throttled, two-factor)."""
    target = request.GET.get("next", reverse("admin:index"))
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("admin:index")
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return redirect(target)
        raise PermissionDenied
    return redirect(reverse("accounts:login") + "?" + urlencode({"next": target}))


admin.site.login = _admin_login
