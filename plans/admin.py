from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from actions.models import Action
from csa.admin import SectionInline
from csa.models import Agreement
from governance.admin_mixins import ReadOnlyAdminMixin, ReadOnlyInlineMixin, ReasonAdminMixin

from .models import PendingLoad, RolloverDecision, TableMapping


class ActionInline(ReadOnlyInlineMixin, admin.TabularInline):
    # Each action is changed on its own admin page, which re-derives the due date and
    # records the change; the list here is for reading.
    model = Action
    fields = ["reference", "theme", "description", "timescale", "due_date", "status"]
    show_change_link = True


@admin.register(Agreement)
class AgreementAdmin(ReasonAdminMixin, SimpleHistoryAdmin):
    """Changed here with a reason, its sections too; its status and actions on its pages."""

    list_display = ["title", "board", "period_start", "period_end", "status", "version"]
    list_filter = ["status", "board"]
    search_fields = ["title", "board__name", "board__short_name"]
    list_select_related = ["board"]
    autocomplete_fields = ["board", "previous"]
    # Adoption and roll-over have checks and history of their own: their pages do them.
    readonly_fields = ["status", "version"]
    inlines = [SectionInline, ActionInline]


@admin.register(RolloverDecision)
class RolloverDecisionAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Written by the roll-over service only."""

    changed_on = "On the plan's roll-over page, when next year's plan is made."

    list_display = ["action", "outcome", "agreement", "reason"]
    list_filter = ["outcome", "agreement"]
    search_fields = ["reason", "action__reference", "action__description"]
    list_select_related = ["action", "action__agreement", "agreement", "agreement__board"]
    autocomplete_fields = ["agreement", "action"]


@admin.register(PendingLoad)
class PendingLoadAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Written by the upload page only; confirmed there, or forgotten after two days."""

    changed_on = "On the upload page of a year's file: confirmed there, or forgotten in two days."

    list_display = ["filename", "user", "uploaded_at", "sha256"]
    list_select_related = ["user"]
    exclude = ["data"]


@admin.register(TableMapping)
class TableMappingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Written by the table upload's confirmation only, with its history."""

    changed_on = (
        "On the upload of a plan from Word or Excel: the answers given there are remembered "
        "when the plan is loaded."
    )

    list_display = ["board"]
    list_select_related = ["board"]
