from django.contrib import admin

from hamafza.cases.models import Category
from hamafza.core.admin_audit import AuditedAdmin


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ["name", "first_response_hours", "resolution_days", "active", "order"]
    list_editable = ["active", "order"]
    search_fields = ["name"]
