from django.urls import path

from . import views as edit_views

urlpatterns = [
    path("actions/<int:pk>/edit/", edit_views.action_edit, name="action_edit"),
]
