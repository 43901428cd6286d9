from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from actions.admin import ReadOnlyInlineMixin
from actions.models import Action

from .models import Agreement, RolloverDecision, Section, Theme


class ActionInline(ReadOnlyInlineMixin, admin.TabularInline):
    # Each action is changed on its own admin page, which re-derives the due date and
    # records the change; the list here is for reading.
    model = Action
    fields = ["reference", "theme", "description", "timescale", "due_date", "status"]
    show_change_link = True


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    autocomplete_fields = ["theme"]


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = ["title", "board", "period_start", "period_end", "status", "version"]
    list_filter = ["status", "board"]
    search_fields = ["title", "board__name", "board__short_name"]
    list_select_related = ["board"]
    autocomplete_fields = ["board", "previous"]
    inlines = [SectionInline, ActionInline]


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "key", "parent", "board", "position"]
    list_filter = ["board"]
    search_fields = ["name", "key"]
    list_select_related = ["parent", "board"]
    autocomplete_fields = ["parent", "board"]


@admin.register(Section)
class SectionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "agreement", "theme", "position"]
    list_filter = ["agreement"]
    search_fields = ["heading", "text"]
    list_select_related = ["agreement", "agreement__board", "theme"]


@admin.register(RolloverDecision)
class RolloverDecisionAdmin(SimpleHistoryAdmin):
    list_display = ["action", "outcome", "agreement", "reason"]
    list_filter = ["outcome", "agreement"]
    search_fields = ["reason", "action__reference", "action__description"]
    list_select_related = ["action", "action__agreement", "agreement", "agreement__board"]
    autocomplete_fields = ["agreement", "action"]
