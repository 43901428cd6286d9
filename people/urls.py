from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    # A partnership's People pages, in its address (/p/<slug>/people/...).
    path("people/", views.people, name="people"),
    path("people/invite/", views.invite, name="invite"),
    path("people/invitations/<int:pk>/resend/", views.resend, name="resend"),
    path("people/roles/<int:pk>/change/", views.role_change, name="role_change"),
    path("people/roles/<int:pk>/end/", views.role_end, name="role_end"),
    path("people/memberships/<int:pk>/end/", views.membership_end, name="membership_end"),
    path("people/accounts/<int:user_id>/deactivate/", views.deactivate, name="deactivate"),
    path("partnerships/new/", views.partnership_add, name="partnership_add"),
    path("partnerships/choose/", views.partnership_choose, name="partnership_choose"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
