"""The actions app's pages, gathered from the modules that own them."""

from . import dashboard_urls, edit_urls, officer_urls

app_name = "actions"

urlpatterns = officer_urls.urlpatterns + dashboard_urls.urlpatterns + edit_urls.urlpatterns
