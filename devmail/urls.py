from django.urls import path

from . import views

app_name = "devmail"
urlpatterns = [
    path("", views.mail_list, name="list"),
    path("clear/", views.mail_clear, name="clear"),
    path("<str:name>/", views.mail_detail, name="detail"),
    path("<str:name>/html/", views.mail_html, name="html"),
]
