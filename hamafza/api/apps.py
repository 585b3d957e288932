from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "hamafza.api"
    label = "api"
    verbose_name = "API"
