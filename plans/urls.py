from django.urls import path

from . import views
from .obligations import views as obligation_views
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
    # The duties and objectives the plan answers to, and its coverage (plans/obligations).
    path("<int:pk>/coverage/", obligation_views.coverage, name="coverage"),
    path("obligations/", obligation_views.obligation_list, name="obligation_list"),
    path("obligations/new/", obligation_views.obligation_add, name="obligation_add"),
    path("obligations/<int:pk>/", obligation_views.obligation_edit, name="obligation_edit"),
    path("obligations/<int:pk>/move/", obligation_views.obligation_move, name="obligation_move"),
    path(
        "obligations/<int:pk>/remove/", obligation_views.obligation_delete, name="obligation_delete"
    ),
    path(
        "themes/<int:pk>/obligations/", obligation_views.theme_obligations, name="theme_obligations"
    ),
]
