from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from simple_history.admin import SimpleHistoryAdmin

from .admin_mixins import ReadOnlyAdminMixin, ReadOnlyInlineMixin
from .models import Body, Chair, Meeting, Membership, Organisation, Person, ReportingLine, Role
from .services import check_reporting_line, partnership_lines


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["short_name", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["short_name", "name"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["name", "post", "organisation", "user"]
    list_filter = ["organisation"]
    search_fields = ["name", "post", "organisation__short_name"]
    list_select_related = ["organisation", "user"]
    autocomplete_fields = ["organisation", "user"]


class ChairInline(ReadOnlyInlineMixin, admin.TabularInline):
    # Chairs change on the body's "change the chair" page, which closes the previous period
    # and refuses overlaps.
    model = Chair
    fields = ["person", "start", "end"]


def _other_lines(from_body):
    """The partnership's lines but `from_body`'s own lines up, which the form is replacing."""
    return list(partnership_lines(from_body.board).exclude(from_body=from_body))


class ReportingLineFormSet(BaseInlineFormSet):
    """The same check as governance.services.reporting_line_create: no self-loops, no cycles,
    taking the rows of this form together (two new lines can close a circle between them)."""

    def clean(self):
        super().clean()
        if any(self.errors) or self.instance.pk is None:
            return  # a body being created has no line into it yet: it cannot close a circle
        lines = _other_lines(self.instance)
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            to_body = data.get("to_body")
            if to_body is None or data.get("DELETE"):
                continue
            try:
                check_reporting_line(from_body=self.instance, to_body=to_body, lines=lines)
            except ValidationError as error:
                form.add_error("to_body", error.message_dict["to_body"])
                continue
            lines.append((self.instance.pk, to_body.pk))


class ReportingLineAdminForm(forms.ModelForm):
    class Meta:
        model = ReportingLine
        fields = ["from_body", "to_body", "description"]

    def clean(self):
        data = super().clean()
        from_body, to_body = data.get("from_body"), data.get("to_body")
        if from_body and to_body:
            lines = list(
                partnership_lines(from_body.board, to_body.board).exclude(pk=self.instance.pk)
            )
            check_reporting_line(from_body=from_body, to_body=to_body, lines=lines)
        return data


class ReportingLineInline(admin.TabularInline):
    model = ReportingLine
    formset = ReportingLineFormSet
    fk_name = "from_body"
    extra = 0
    verbose_name = "reports to"
    verbose_name_plural = "reports to"
    autocomplete_fields = ["to_body"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Body)
class BodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "statutory", "restricted", "partnership"]
    list_filter = ["kind", "statutory", "restricted"]
    search_fields = ["name", "short_name", "remit"]
    list_select_related = ["partnership"]
    autocomplete_fields = ["partnership"]
    inlines = [ChairInline, ReportingLineInline, MembershipInline]


@admin.register(Chair)
class ChairAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["person", "body", "start", "end"]
    list_filter = ["body"]
    search_fields = ["person__name", "body__name", "body__short_name"]
    list_select_related = ["person", "body"]
    autocomplete_fields = ["person", "body"]


@admin.register(ReportingLine)
class ReportingLineAdmin(SimpleHistoryAdmin):
    form = ReportingLineAdminForm
    list_display = ["from_body", "to_body", "description"]
    search_fields = ["from_body__short_name", "to_body__short_name"]
    list_select_related = ["from_body", "to_body"]
    autocomplete_fields = ["from_body", "to_body"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["person", "body"]
    list_filter = ["body"]
    search_fields = ["person__name", "body__short_name"]
    list_select_related = ["person", "body"]
    autocomplete_fields = ["person", "body"]


@admin.register(Role)
class RoleAdmin(SimpleHistoryAdmin):
    list_display = ["user", "kind", "board"]
    list_filter = ["kind", "board"]
    search_fields = ["user__username", "board__short_name"]
    list_select_related = ["user", "board"]
    autocomplete_fields = ["user", "board"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["date", "body", "title"]
    list_filter = ["body"]
    search_fields = ["title", "minutes", "body__short_name"]
    date_hierarchy = "date"
    list_select_related = ["body"]
    autocomplete_fields = ["body", "attendee_people"]
