from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from hamafza.api.api import api

admin.site.site_header = _("هم‌افزا")
admin.site.site_title = _("هم‌افزا")
admin.site.index_title = _("مدیریت سامانه")

urlpatterns = [
    path("", include("hamafza.core.urls")),
    path("accounts/", include("hamafza.accounts.urls")),
    path("registry/", include("hamafza.registry.urls")),
    path("decisions/", include("hamafza.decisions.urls")),
    path("followup/", include("hamafza.followup.urls")),
    path("cases/", include("hamafza.cases.urls")),
    path("api/v1/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

handler404 = "hamafza.core.views.page_not_found"
handler403 = "hamafza.core.views.permission_denied"
handler500 = "hamafza.core.views.server_error"
