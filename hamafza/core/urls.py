from django.urls import path

from hamafza.core import views, views_notifications

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_log, name="audit_log"),
    path("notifications/", views_notifications.notifications, name="notifications"),
    path("notifications/read/", views_notifications.notification_read, name="notification_read"),
    path(
        "notifications/preferences/",
        views_notifications.notification_preferences,
        name="notification_preferences",
    ),
]
