from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Body, Chair, Meeting, Membership, Organisation, Person, ReportingLine, Role


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


class ChairInline(admin.TabularInline):
    model = Chair
    extra = 0
    autocomplete_fields = ["person"]


class ReportingLineInline(admin.TabularInline):
    model = ReportingLine
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
class ChairAdmin(SimpleHistoryAdmin):
    list_display = ["person", "body", "start", "end"]
    list_filter = ["body"]
    search_fields = ["person__name", "body__name", "body__short_name"]
    list_select_related = ["person", "body"]
    autocomplete_fields = ["person", "body"]


@admin.register(ReportingLine)
class ReportingLineAdmin(SimpleHistoryAdmin):
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
