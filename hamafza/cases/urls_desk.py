"""URLs of the chamber's desk: triage, assignment, referral (and its letter), progress,
outcome, and putting cases on a meeting's agenda (gathered by cases/urls.py)."""

from django.urls import path

from hamafza.cases import views_desk as views

urlpatterns = [
    path("agenda/", views.cases_agenda, name="cases_agenda"),
    path("<int:pk>/triage/", views.case_triage, name="case_triage"),
    path("<int:pk>/assign/", views.case_assign, name="case_assign"),
    path("<int:pk>/refer/", views.case_refer, name="case_refer"),
    path(
        "<int:pk>/referrals/<int:referral_id>/letter.pdf",
        views.referral_letter,
        name="referral_letter",
    ),
    path("<int:pk>/start/", views.case_start, name="case_start"),
    path("<int:pk>/resolve/", views.case_resolve, name="case_resolve"),
    path("<int:pk>/reject/", views.case_reject, name="case_reject"),
]
