from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "hamafza.registry"
    label = "registry"
    verbose_name = _("ثبت تعاونی‌ها")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_ensure_search_index, sender=self)


def _ensure_search_index(sender, using: str = "default", **kwargs) -> None:
    from django.db import connections

    from hamafza.registry import search_index

    tables = connections[using].introspection.table_names()
    if search_index.TABLE in tables:
        search_index.ensure(using)
