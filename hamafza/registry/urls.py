from django.urls import path

from hamafza.registry import views

app_name = "registry"

urlpatterns = [
    path("cooperatives/", views.cooperative_list, name="cooperative_list"),
    path("cooperatives/<int:pk>/", views.cooperative_detail, name="cooperative_detail"),
    path("cooperatives/<int:pk>/edit/", views.cooperative_edit, name="cooperative_edit"),
    path("cooperatives/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path(
        "cooperatives/<int:pk>/documents/<int:document_id>/",
        views.document_download,
        name="document_download",
    ),
    path(
        "cooperatives/<int:pk>/documents/<int:document_id>/delete/",
        views.document_delete,
        name="document_delete",
    ),
    path("cooperatives/export/", views.cooperative_export, name="cooperative_export"),
    path("import/", views.import_start, name="import"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/report/", views.import_report, name="import_report"),
    path("unions/", views.union_list, name="union_list"),
    path("unions/<int:pk>/", views.union_detail, name="union_detail"),
    path("unions/<int:pk>/edit/", views.union_edit, name="union_edit"),
]
