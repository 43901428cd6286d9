from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Action, ActionLead, ProgressUpdate
from .services import apply_timescale


class OverdueFilter(admin.SimpleListFilter):
    title = "due"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue today"), ("soon", "Due soon"), ("stale", "Stale")]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.overdue()
        if self.value() == "soon":
            return queryset.due_within()
        if self.value() == "stale":
            return queryset.stale()
        return queryset


class ReadOnlyInlineMixin:
    """Shown for reference; changed only through the pages whose services check and record it."""

    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LeadInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = ActionLead
    fields = ["position", "organisation", "body"]
    verbose_name_plural = "leads (change them on the action's edit page)"


class ProgressUpdateInline(ReadOnlyInlineMixin, admin.TabularInline):
    # Progress is recorded through the update form, which checks, versions and dates it.
    model = ProgressUpdate
    fields = ["date", "status", "note", "author", "meeting"]


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = [
        "reference",
        "short_description",
        "agreement",
        "theme",
        "timescale",
        "due_date",
        "status",
        "leads_as_written",
    ]
    list_filter = [
        OverdueFilter,
        "status",
        "agreement",
        "theme",
        "leads__organisation",
        "leads__body",
    ]
    search_fields = ["reference", "description", "leads_as_written", "timescale"]
    list_select_related = ["agreement", "agreement__board", "theme", "theme__parent"]
    readonly_fields = ["due_date", "timescale_kind", "status", "version"]
    autocomplete_fields = ["agreement", "theme", "carries_forward", "origin_meeting"]
    inlines = [LeadInline, ProgressUpdateInline]

    @admin.display(description="action")
    def short_description(self, obj):
        return obj.description[:80]

    def save_model(self, request, obj, form, change):
        # The due date always follows the timescale as written.
        apply_timescale(obj)
        if change:
            obj.version += 1
        obj._change_reason = "Edited in the admin"
        super().save_model(request, obj, form, change)


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Updates set the action's status and version: they are written only by the service."""

    list_display = ["action", "date", "status", "author", "recorded_at"]
    list_filter = ["status", "action__agreement"]
    search_fields = ["note", "action__reference", "action__description"]
    list_select_related = ["action", "action__agreement", "author"]
    raw_id_fields = ["action", "meeting"]
    readonly_fields = ["recorded_at"]
    date_hierarchy = "date"


@admin.register(ActionLead)
class ActionLeadAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["action", "position", "organisation", "body"]
    list_select_related = ["action", "action__agreement", "organisation", "body"]
    autocomplete_fields = ["action", "organisation", "body"]
    search_fields = ["action__reference", "organisation__short_name", "body__short_name"]
