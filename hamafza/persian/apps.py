from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersianConfig(AppConfig):
    name = "hamafza.persian"
    label = "persian"
    verbose_name = _("متن و عدد فارسی")
