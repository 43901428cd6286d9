from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("account/reminders/", views.preferences, name="preferences"),
    path("account/calendar/reset/", views.feed_reset, name="feed_reset"),
    path("calendar/<str:token>.ics", views.person_feed, name="person_feed"),
    path(
        "calendar/<str:token>/partnership-<int:board_pk>.ics",
        views.partnership_feed,
        name="partnership_feed",
    ),
    path("meetings/<int:meeting_pk>/round/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/remind/", views.round_remind, name="round_remind"),
    path("reminders/sent/", views.send_list, name="send_list"),
]
