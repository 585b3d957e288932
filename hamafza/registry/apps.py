from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "hamafza.registry"
    label = "registry"
    verbose_name = "ثبت تعاونی‌ها"
