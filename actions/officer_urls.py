"""The officer's pages. The "actions" namespace is set in actions/urls.py."""

from django.urls import path

from . import upload_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("my-actions/", views.my_actions, name="my_actions"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/update/", views.action_update, name="action_update"),
    path("progress/spreadsheet.xlsx", upload_views.progress_download, name="progress_download"),
    path("progress/upload/", upload_views.progress_upload, name="progress_upload"),
    path("progress/upload/<str:key>/", upload_views.progress_preview, name="progress_preview"),
    path(
        "progress/upload/<str:key>/confirm/",
        upload_views.progress_confirm,
        name="progress_confirm",
    ),
]
