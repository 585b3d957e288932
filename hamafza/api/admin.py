from django.contrib import admin

from hamafza.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "expires_at", "last_used_at"]
    readonly_fields = ["user", "created_at", "expires_at", "last_used_at"]

    def has_add_permission(self, request):
        return False
