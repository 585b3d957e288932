"""URLs of the public accountability page (no sign-in)."""

from django.urls import path

from hamafza.followup import views_accountability as views

urlpatterns = [
    path("accountability/", views.accountability, name="accountability"),
]
