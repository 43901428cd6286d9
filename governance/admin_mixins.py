"""Admin pieces every app's admin uses.

The admin is one more way in: what it writes meets the same named rules as the pages, with
the same words, and says why. So an admin is either

- read-only (`ReadOnlyAdminMixin`), where a page and its service own the write (they check,
  lock, version and record why), saying which page in `changed_on`; or
- written with a reason (`ReasonAdminMixin`): its form asks why, cleans what was typed of
  control characters as the services do, calls the service's named checks in `clean()` so a
  refusal shows on the form in the service's own words, and keeps the reason in the history
  of every row it saves, inline rows included.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError

from .history import delete_recorded, record_change, save_recorded
from .services import REASON_MESSAGE
from .text import clean_text

REASON_MAX_LENGTH = 1000


def _refuse_a_revert_that_is_not_a_change(model_admin, request, object_id) -> None:
    """django-simple-history saves a "revert" posted to a version's page with no more than the
    right to view, even of a record since deleted. Here it is a change like any other: of a
    record that exists, by someone who may change it, through the same form and save."""
    if request.method != "POST":
        return
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None or not model_admin.has_change_permission(request, obj):
        raise PermissionDenied


# Deleting what no page deletes asks no reason there; the history still says where it was done.
DELETED_IN_THE_ADMIN = "Deleted in the admin"


def add_service_errors(form, error: ValidationError | PermissionDenied) -> None:
    """Show a service's refusal on `form`: under the field it names, or above the form."""
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error))
        return
    errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, messages in errors.items():
        field = field if field in form.fields else None
        shown = form.errors.get(field or "__all__", [])
        new = [message for message in messages if message not in shown]
        if new:
            form.add_error(field, new)


class ReasonForm(forms.ModelForm):
    reason = forms.CharField(
        label="Reason for the change",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why you make this change: kept in the history with your name.",
        error_messages={"required": REASON_MESSAGE},
    )

    admin_user = None  # who is making the change: set by ReasonAdminMixin.get_form

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str):
                data[name] = clean_text(value)
        if "reason" in data and not data["reason"]:
            add_service_errors(self, ValidationError({"reason": REASON_MESSAGE}))
        if not any(name != "reason" for name in self.errors):
            try:
                self.check(data)
            except (ValidationError, PermissionDenied) as error:
                add_service_errors(self, error)
        return data

    def check(self, data: dict) -> None:
        """The named rules of the service that writes this; raise their ValidationError."""


class ReasonAdminMixin:
    """Every change asks why, and the history of every row saved keeps it, with who."""

    form = ReasonForm

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"admin_user": request.user})

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _refuse_a_revert_that_is_not_a_change(self, request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_fields(self, request, obj=None):
        """The model's fields in its order (those shown read-only among them), then the
        reason, then any notes; no reason where there is nothing to change."""
        fields = list(super().get_fields(request, obj))
        order = [field.name for field in self.model._meta.get_fields()]
        own = sorted((name for name in fields if name in order), key=order.index)
        notes = [name for name in fields if name not in order and name != "reason"]
        asks = "reason" in fields and (obj is None or self.has_change_permission(request, obj))
        return own + (["reason"] if asks else []) + notes

    def save_model(self, request, obj, form, change):
        record_change(obj, reason=form.cleaned_data["reason"], user=request.user)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        why = form.cleaned_data["reason"]
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            delete_recorded(obj, reason=why, user=request.user)
        for obj in instances:
            self.save_inline(request, obj, why=why)
        formset.save_m2m()

    def save_inline(self, request, obj, *, why: str) -> None:
        """Save a row of an inline; an admin whose inline rows have a service calls it here."""
        save_recorded(obj, reason=why, user=request.user)

    def delete_model(self, request, obj):
        record_change(obj, reason=DELETED_IN_THE_ADMIN, user=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyInlineMixin:
    """Shown for reference; changed only through the pages whose services check and record it."""

    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin:
    """For reading: a page and its service own the write. `changed_on` names that page, on
    the list and on each record."""

    changed_on = ""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _refuse_a_revert_that_is_not_a_change(self, request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + ["where_to_change"] if self.changed_on else fields

    @admin.display(description="Where to change it")
    def where_to_change(self, obj):
        return self.changed_on

    def changelist_view(self, request, extra_context=None):
        if self.changed_on:
            extra_context = {"subtitle": self.changed_on, **(extra_context or {})}
        return super().changelist_view(request, extra_context)
