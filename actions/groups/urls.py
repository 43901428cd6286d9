"""A group's pages, outside any partnership's address (governance.middleware lists them).
The "actions" namespace is set in actions/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("groups/", views.group_list, name="group_list"),
    path("groups/<slug:slug>/", views.group_dashboard, name="group_dashboard"),
]
