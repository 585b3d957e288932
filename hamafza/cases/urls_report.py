"""URLs of the case report: where the sector is blocked, and service-level breaches
(gathered by cases/urls.py)."""

from django.urls import path

from hamafza.cases import views_report as views

urlpatterns = [
    path("report/", views.case_report, name="case_report"),
    path("report.xlsx", views.case_report_export, name="case_report_export"),
    path("breaches/", views.breach_report, name="breach_report"),
]
