from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from simple_history.admin import SimpleHistoryAdmin

from governance.admin_mixins import ReadOnlyAdminMixin, ReadOnlyInlineMixin

from .editing.services import REASON_MAX_LENGTH, action_update_details
from .models import Action, ActionLead, DueDateMove, PendingUpload, ProgressUpdate


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


class LeadInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = ActionLead
    fields = ["position", "organisation", "body"]
    verbose_name_plural = "leads (change them on the action's edit page)"


class ProgressUpdateInline(ReadOnlyInlineMixin, admin.TabularInline):
    # Progress is recorded through the update form, which checks, versions and dates it.
    model = ProgressUpdate
    fields = ["date", "status", "note", "author", "meeting"]


class ActionAdminForm(forms.ModelForm):
    """The admin's change form for an action: the same fields as the edit page, plus the
    version the admin opened and why they change it, so that the edit goes through
    action_update_details with its lock, version check, rules and history reason."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text="Why the action is changed: kept in its history (required once adopted).",
    )
    agreed_on = forms.DateField(
        required=False,
        help_text="When the timescale moves the due date of an adopted plan: the day the move "
        "was agreed (YYYY-MM-DD), kept in the ledger of deadline moves.",
    )

    class Meta:
        model = Action
        fields = ["theme", "description", "timescale", "target"]

    admin_user = None  # set by ActionAdmin.get_form: who is making the change

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["expected_version"] = self.instance.version

    def _post_clean(self):
        """Make the change through the service while validating, so that its refusals (a
        stale version, a missing reason, a superseded year) come back as form errors with
        what the admin typed kept. The admin's change view runs all of this in one
        transaction, so a refusal writes nothing."""
        if self.errors:
            return
        data = self.cleaned_data
        action = Action.objects.select_related("agreement").get(pk=self.instance.pk)
        try:
            self.instance = action_update_details(
                action=action,
                user=self.admin_user,
                description=data["description"],
                timescale=data["timescale"],
                target=data["target"],
                theme=data["theme"],
                leads=[lead.party for lead in action.leads.order_by("position")],
                reason=data["reason"],
                expected_version=data["expected_version"],
                agreed_on=data.get("agreed_on"),
            )
        except PermissionDenied as refusal:
            self.add_error(None, str(refusal))
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
            for field, messages_ in errors.items():
                self.add_error(field if field in self.fields else None, messages_)


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    """Actions are created by loading a year, a roll-over or a meeting's actions arising, and
    changed through action_update_details: never saved here directly."""

    form = ActionAdminForm
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
    list_filter = [OverdueFilter, "status"]
    search_fields = ["reference", "description", "leads_as_written", "timescale"]
    list_select_related = ["agreement", "agreement__board", "theme", "theme__parent"]
    fields = [
        "agreement",
        "reference",
        "theme",
        "description",
        "timescale",
        "due_date",
        "target",
        "status",
        "leads_as_written",
        "carries_forward",
        "origin_meeting",
        "version",
        "expected_version",
        "reason",
        "agreed_on",
    ]
    readonly_fields = [
        "agreement",
        "reference",
        "due_date",
        "status",
        "leads_as_written",
        "carries_forward",
        "origin_meeting",
        "version",
    ]
    autocomplete_fields = ["theme"]
    inlines = [LeadInline, ProgressUpdateInline]

    @admin.display(description="action")
    def short_description(self, obj):
        return obj.description[:80]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"admin_user": request.user})

    # ActionAdminForm made the change through the service; there is nothing left to save.
    def save_form(self, request, form, change):
        return form.instance

    def save_model(self, request, obj, form, change):
        pass

    def save_related(self, request, form, formsets, change):
        # The inlines are read-only: nothing to save, only the lists the change log reads.
        for formset in formsets:
            formset.save(commit=False)


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Updates set the action's status and version: they are written only by the service."""

    changed_on = "On the action's page (“Record progress”), or a progress spreadsheet uploaded."

    list_display = ["action", "date", "status", "author", "recorded_at"]
    list_filter = ["status", "action__agreement"]
    search_fields = ["note", "action__reference", "action__description"]
    list_select_related = ["action", "action__agreement", "author"]
    raw_id_fields = ["action", "meeting"]
    readonly_fields = ["recorded_at"]
    date_hierarchy = "date"


@admin.register(ActionLead)
class ActionLeadAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    changed_on = "On the action's edit page, with the rest of the action."
    list_display = ["action", "position", "organisation", "body"]
    list_select_related = ["action", "action__agreement", "organisation", "body"]
    autocomplete_fields = ["action", "organisation", "body"]
    search_fields = ["action__reference", "organisation__short_name", "body__short_name"]


@admin.register(DueDateMove)
class DueDateMoveAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """The ledger is written only by action_update_details, with the action's change."""

    changed_on = (
        "With the action's timescale, on its edit page (or its admin page), with the reason "
        "and the day the move was agreed."
    )

    list_display = ["action", "from_date", "to_date", "agreed_on", "recorded_by", "recorded_at"]
    list_select_related = ["action", "action__agreement", "recorded_by"]
    search_fields = ["action__reference", "action__description", "reason"]
    date_hierarchy = "agreed_on"


@admin.register(PendingUpload)
class PendingUploadAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Progress spreadsheets uploaded and not yet confirmed (kept two days)."""

    changed_on = "On the progress spreadsheet's upload page: confirmed there, or forgotten."

    list_display = ["filename", "user", "scope", "uploaded_at"]
    list_select_related = ["user"]
    search_fields = ["filename", "user__username"]
