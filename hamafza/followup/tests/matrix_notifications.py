"""Permission-matrix rows of notifications (core:* URLs, built with the follow-up's reminders):
every signed-in person has an inbox and preferences of their own; the public has neither."""

from hamafza.core.models import Notification
from hamafza.core.tests.matrix import SIGNED_IN, Row


def prepare(world) -> None:
    """One unread notification for each signed-in persona, so the inbox has a row (idempotent)."""
    if getattr(world, "notifications_prepared", False):
        return
    for user in world.users.values():
        Notification.objects.get_or_create(
            user=user,
            kind="general",
            title="اعلان نمونه برای جدول دسترسی",
            defaults={"url": "/"},
        )
    world.notifications_prepared = True


EXPECTED = {
    "core:notifications": Row(SIGNED_IN),
    "core:notification_read": Row(SIGNED_IN, method="post", data=lambda w: {"all": "1"}, ok=(302,)),
    "core:notification_preferences": Row(SIGNED_IN),
}
