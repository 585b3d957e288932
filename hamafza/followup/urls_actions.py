"""URLs of the actions area (gathered by followup/urls.py)."""

from django.urls import path

from hamafza.followup import views_actions as views

urlpatterns = [
    path("actions/", views.board, name="board"),
    path("actions/mine/", views.my_actions, name="my_actions"),
    path(
        "resolutions/<int:resolution_id>/actions/new/",
        views.action_create,
        name="action_create",
    ),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/update/", views.action_update, name="action_update"),
    path(
        "actions/<int:pk>/evidence/<int:evidence_id>/",
        views.evidence,
        name="evidence",
    ),
]
