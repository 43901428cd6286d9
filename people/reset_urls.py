"""Django's password reset with our form, so that its email goes through governance.mail.

Included in csa/urls.py before django.contrib.auth.urls, without a namespace: these are the
names auth's views and templates look for.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from .forms import ResetForm

urlpatterns = [
    path(
        "password_reset/",
        auth_views.PasswordResetView.as_view(form_class=ResetForm),
        name="password_reset",
    ),
]
