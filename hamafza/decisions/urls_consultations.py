"""Consultations (نظرخواهی): under /decisions/, in the `decisions` namespace."""

from django.urls import path

from hamafza.decisions import views_consultations as views

urlpatterns = [
    path("consultations/", views.consultation_list, name="consultation_list"),
    path("consultations/new/", views.consultation_create, name="consultation_create"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation_detail"),
    path("consultations/<int:pk>/answer/", views.consultation_answer, name="consultation_answer"),
    path("consultations/<int:pk>/export/", views.consultation_export, name="consultation_export"),
    path(
        "consultations/<int:pk>/outcome/",
        views.consultation_outcome,
        name="consultation_outcome",
    ),
]
