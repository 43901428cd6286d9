from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("people/", views.people_home, name="people_home"),
    path("partnerships/<int:board_id>/people/", views.people, name="people"),
    path("partnerships/<int:board_id>/people/invite/", views.invite, name="invite"),
    path("partnerships/<int:board_id>/invitations/<int:pk>/resend/", views.resend, name="resend"),
    path(
        "partnerships/<int:board_id>/roles/<int:pk>/change/", views.role_change, name="role_change"
    ),
    path("partnerships/<int:board_id>/roles/<int:pk>/end/", views.role_end, name="role_end"),
    path(
        "partnerships/<int:board_id>/memberships/<int:pk>/end/",
        views.membership_end,
        name="membership_end",
    ),
    path(
        "partnerships/<int:board_id>/accounts/<int:user_id>/deactivate/",
        views.deactivate,
        name="deactivate",
    ),
    path("partnerships/new/", views.partnership_add, name="partnership_add"),
    path("partnerships/choose/", views.partnership_choose, name="partnership_choose"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
