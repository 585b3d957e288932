from django.urls import path

from hamafza.registry import views

app_name = "registry"

urlpatterns = [
    path("cooperatives/", views.cooperative_list, name="cooperative_list"),
    path("cooperatives/<int:pk>/", views.cooperative_detail, name="cooperative_detail"),
    path("unions/", views.union_list, name="union_list"),
    path("unions/<int:pk>/", views.union_detail, name="union_detail"),
]
