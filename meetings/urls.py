from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.body_list, name="body_list"),
    path("bodies/<int:pk>/", views.body_detail, name="body_detail"),
    path("bodies/<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("bodies/<int:pk>/agenda/", views.agenda, name="agenda"),
    path("bodies/<int:pk>/chair/", views.chair_change, name="chair_change"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("map/", views.partnership_map, name="partnership_map"),
    path("map/<int:board_pk>/", views.partnership_map, name="partnership_map"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path(
        "meetings/<int:pk>/progress/",
        views.meeting_progress_link,
        name="meeting_progress_link",
    ),
    path(
        "meetings/<int:pk>/progress/new/",
        views.meeting_progress_create,
        name="meeting_progress_create",
    ),
    path(
        "meetings/<int:pk>/actions/new/",
        views.meeting_action_create,
        name="meeting_action_create",
    ),
]
