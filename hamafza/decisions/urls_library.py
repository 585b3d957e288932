from django.urls import path

from hamafza.decisions import views_library as views

urlpatterns = [
    path("library/", views.library, name="library"),
    path("library/<int:pk>/", views.library_detail, name="library_detail"),
]
