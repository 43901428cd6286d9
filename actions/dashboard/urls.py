"""The chair's pages. The "actions" namespace is set in actions/urls.py."""

from django.urls import path

from . import views as dashboard

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("actions/", dashboard.action_list, name="action_list"),
    path("actions/export.<str:fmt>", dashboard.action_export, name="action_export"),
    path("report/", dashboard.board_report, name="board_report"),
    path("report/board-report.pdf", dashboard.board_report_pdf, name="board_report_pdf"),
]
