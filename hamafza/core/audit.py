"""The one way to write the audit log. Call it inside the service's transaction."""

from typing import Any

from django.db import models

from hamafza.core.models import AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as {field: [old, new]}."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in after
        if _plain(before.get(key)) != _plain(after.get(key))
    }


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        changes={
            k: _plain(v) if not isinstance(v, list) else [_plain(x) for x in v]
            for k, v in (changes or {}).items()
        },
        ip_address=ip_address,
    )
