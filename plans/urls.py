from django.urls import path

from . import views
from .tables import views as table_views

app_name = "plans"

urlpatterns = [
    path("", views.agreement_list, name="agreement_list"),
    path("upload/", views.agreement_upload, name="agreement_upload"),
    path("upload/confirm/", views.agreement_upload_confirm, name="agreement_upload_confirm"),
    path("upload/<str:sha256>/", views.agreement_upload_preview, name="agreement_upload_preview"),
    # A year's plan from the council's own Word or Excel table (plans/tables).
    path("table/", table_views.table_upload, name="table_upload"),
    path("table/confirm/", table_views.table_confirm, name="table_confirm"),
    path("table/<str:sha256>/", table_views.table_mapping, name="table_mapping"),
    path("<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("<int:pk>/compare/", views.agreement_compare, name="agreement_compare"),
    path("<int:pk>/rollover/", views.agreement_rollover, name="agreement_rollover"),
    path("<int:pk>/adopt/", views.agreement_adopt, name="agreement_adopt"),
    path("actions/<int:pk>/as-of/", views.action_as_of, name="action_as_of"),
]
