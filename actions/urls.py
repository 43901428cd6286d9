"""The actions app's pages, gathered from the features that own them: the officer's pages,
the chair's dashboard and reports, editing an action, progress by spreadsheet, and
the overseers' pages across a group of partnerships."""

from .dashboard import urls as dashboard_urls
from .editing import urls as editing_urls
from .groups import urls as group_urls
from .officer import urls as officer_urls
from .spreadsheet import urls as spreadsheet_urls

app_name = "actions"

urlpatterns = (
    officer_urls.urlpatterns
    + spreadsheet_urls.urlpatterns
    + dashboard_urls.urlpatterns
    + editing_urls.urlpatterns
    + group_urls.urlpatterns
)
