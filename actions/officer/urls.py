"""The officer's pages. The "actions" namespace is set in actions/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("my-actions/", views.my_actions, name="my_actions"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/update/", views.action_update, name="action_update"),
]
