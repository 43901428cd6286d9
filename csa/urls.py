from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from governance.health import healthz

# The admin is named after the service, as every other page is (settings.SITE_NAME).
admin.site.site_header = f"{settings.SITE_NAME}: administration"
admin.site.site_title = f"{settings.SITE_NAME} administration"
admin.site.index_title = "Records"
admin.site.site_url = "/"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("people.reset_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("people.urls", namespace="people")),
    path("agreements/", include("plans.urls", namespace="plans")),
    path("governance/", include("meetings.urls", namespace="meetings")),
    path("", include("reminders.urls", namespace="reminders")),
    path("", include("actions.urls", namespace="actions")),
]
# Sent mail in the browser, for development only: not routed at all on a server people use
# (SENT_MAIL_DIR is set only with DEBUG on, but DEBUG decides on its own too).
if settings.DEBUG and settings.SENT_MAIL_DIR:
    urlpatterns.insert(0, path("dev/mail/", include("devmail.urls", namespace="devmail")))
