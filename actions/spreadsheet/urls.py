"""Progress by spreadsheet. The "actions" namespace is set in actions/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("progress/spreadsheet.xlsx", views.progress_download, name="progress_download"),
    path("progress/upload/", views.progress_upload, name="progress_upload"),
    path("progress/upload/<str:key>/", views.progress_preview, name="progress_preview"),
    path("progress/upload/<str:key>/confirm/", views.progress_confirm, name="progress_confirm"),
]
