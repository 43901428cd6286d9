"""Who may sign in: the demo accounts only on a development server; and where a request came
from, for counting failed sign-ins (django-axes)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef
from django.shortcuts import render

# The group that marks the accounts `seed_demo_users` created (people.demo). They share a
# published password, so they exist for development only.
DEMO_GROUP = "Demo accounts"
# Their shared password, printed by `seed_demo_users`: refused with DEBUG off whatever account
# it is on, so that an account seeded before the group existed is refused too.
DEMO_PASSWORD = "demo-password-2026"


def is_demo_account(user) -> bool:
    if hasattr(user, "is_demo_account"):  # annotated by SignInBackend.get_user
        return user.is_demo_account
    return user.groups.filter(name=DEMO_GROUP).exists()


class SignInBackend(ModelBackend):
    """Django's own backend, refusing the demo accounts (and the demo password) whenever
    DEBUG is off.

    user_can_authenticate is asked at sign-in and again on every request of a session
    (get_user), so a session begun on a development server ends once DEBUG is off."""

    def get_user(self, user_id):
        # The demo-group check rides on the query that loads the user, and so does their
        # person (who they are, read by governance.access on every page): no query of its own.
        demo = Group.objects.filter(name=DEMO_GROUP, user=OuterRef("pk"))
        users = (
            get_user_model()
            ._default_manager.annotate(is_demo_account=Exists(demo))
            .select_related("person")
        )
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not settings.DEBUG and password == DEMO_PASSWORD:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    def user_can_authenticate(self, user):
        if not super().user_can_authenticate(user):
            return False
        return settings.DEBUG or not is_demo_account(user)


def client_ip(request) -> str:
    """The address failed sign-ins are counted against.

    Behind a trusted reverse proxy (TRUST_X_FORWARDED_PROTO) every request comes from the
    proxy, which appends the real client to X-Forwarded-For: take the last entry, the one the
    proxy wrote (earlier ones are whatever the client sent). Otherwise the connection's own."""
    if settings.TRUST_X_FORWARDED_PROTO:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR", "")


def lockout_response(request, original_response=None, credentials=None):
    """The page shown to a locked-out sign-in (django-axes' AXES_LOCKOUT_CALLABLE), 429."""
    return render(
        request,
        "registration/locked_out.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
        status=429,
    )
