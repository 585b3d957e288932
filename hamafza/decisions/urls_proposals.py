from django.urls import path

from hamafza.decisions import views_proposals as views

urlpatterns = [
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("proposals/new/", views.proposal_create, name="proposal_create"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/support/", views.proposal_support, name="proposal_support"),
    path("proposals/<int:pk>/comment/", views.proposal_comment, name="proposal_comment"),
    path("proposals/<int:pk>/agenda/", views.proposal_to_agenda, name="proposal_to_agenda"),
    path("proposals/<int:pk>/decline/", views.proposal_decline, name="proposal_decline"),
    path(
        "proposals/<int:pk>/attachments/<int:attachment_id>/",
        views.proposal_attachment,
        name="proposal_attachment",
    ),
]
