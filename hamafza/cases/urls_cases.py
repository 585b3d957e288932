"""URLs of the case pages both sides use: list, filing, the case, its conversation, files,
and the cooperative's confirmation, rating and reopening (gathered by cases/urls.py)."""

from django.urls import path

from hamafza.cases import views_cases as views

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_create, name="case_create"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/messages/", views.message_add, name="message_add"),
    path("<int:pk>/files/<int:attachment_id>/", views.attachment, name="attachment"),
    path("<int:pk>/confirm/", views.case_confirm, name="case_confirm"),
    path("<int:pk>/rate/", views.case_rate, name="case_rate"),
    path("<int:pk>/reopen/", views.case_reopen, name="case_reopen"),
]
