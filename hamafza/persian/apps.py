from django.apps import AppConfig


class PersianConfig(AppConfig):
    name = "hamafza.persian"
    label = "persian"
    verbose_name = "متن و عدد فارسی"
