from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hamafza.core"
    label = "core"
    verbose_name = "پایه"
