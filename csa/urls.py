from django.contrib import admin
from django.urls import include, path

from governance.health import healthz

admin.site.site_header = "Community safety action plans: administration"
admin.site.site_title = "Action plans admin"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("people.reset_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("people.urls", namespace="people")),
    path("agreements/", include("plans.urls", namespace="csa")),
    path("governance/", include("meetings.urls", namespace="governance")),
    path("", include("reminders.urls", namespace="reminders")),
    path("", include("actions.urls", namespace="actions")),
]
