"""Governance in the admin: each change asks why and goes through the rules the pages meet.

Per model, what a mature product would let an administrator do here:

- Organisation, Person: written here with a reason (no page writes them yet).
- Body: written here with a reason; its `restricted` flag only through
  body_restriction_change, which asks who and why, as the flag decides who sees its data.
- Chair: read-only, here and inline: the body's "change the chair" page closes the previous
  period and refuses overlaps.
- ReportingLine: through reporting_line_check (no duplicates, no circles), added through
  reporting_line_create.
- Membership: added through membership_create (a restricted body's members see its data);
  never changed or ended here: the People page ends a membership and asks why.
- Role: added through role_create and made another kind through role_change; never ended
  here: the People page ends a role and asks why.
- Meeting: through meeting_check, recorded by meeting_create and corrected by meeting_update;
  it stays with its body.
- PartnershipGroup: through partnership_group_check, made by partnership_group_create and
  changed by partnership_group_update (its overseers read its partnerships' actions).
"""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from .admin_mixins import (
    ReadOnlyAdminMixin,
    ReadOnlyInlineMixin,
    ReasonAdminMixin,
    ReasonForm,
    add_service_errors,
)
from .middleware import address_in
from .models import (
    Body,
    Chair,
    Meeting,
    Membership,
    Organisation,
    PartnershipGroup,
    Person,
    ReportingLine,
    Role,
)
from .services import (
    body_restriction_change,
    body_restriction_check,
    check_reporting_line,
    meeting_check,
    meeting_create,
    meeting_update,
    membership_check,
    membership_create,
    partnership_group_check,
    partnership_group_create,
    partnership_group_update,
    partnership_lines,
    reporting_line_check,
    reporting_line_create,
    require_group_manager,
    require_not_admin,
    require_people_manager,
    role_change,
    role_change_check,
    role_check,
    role_create,
)


def _saved_as(obj, saved) -> None:
    """The admin goes on with the form's object (to log and redirect): give it the row the
    service wrote."""
    obj.pk = saved.pk
    obj._state.adding = False


@admin.register(Organisation)
class OrganisationAdmin(ReasonAdminMixin, SimpleHistoryAdmin):
    list_display = ["short_name", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["short_name", "name"]


@admin.register(Person)
class PersonAdmin(ReasonAdminMixin, SimpleHistoryAdmin):
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


class ReportingLineAdminForm(ReasonForm):
    class Meta:
        model = ReportingLine
        fields = ["from_body", "to_body", "description"]

    def check(self, data):
        from_body, to_body = data.get("from_body"), data.get("to_body")
        if from_body and to_body:
            lines = partnership_lines(from_body.board, to_body.board).exclude(pk=self.instance.pk)
            reporting_line_check(from_body=from_body, to_body=to_body, lines=lines)


class ReportingLineInline(admin.TabularInline):
    model = ReportingLine
    formset = ReportingLineFormSet
    fk_name = "from_body"
    extra = 0
    verbose_name = "reports to"
    verbose_name_plural = "reports to"
    autocomplete_fields = ["to_body"]


class MembershipFormSet(BaseInlineFormSet):
    """New members meet membership_check; the ones already there are ended on the People
    page, which asks why."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        for form in self.extra_forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("person") is None:
                continue
            try:
                membership_check(person=data["person"], body=self.instance)
            except ValidationError as error:
                add_service_errors(form, error)


class MembershipInline(admin.TabularInline):
    # Members may be added here (through membership_create, with the body's reason); ending
    # one is the People page's, which asks why.
    model = Membership
    formset = MembershipFormSet
    extra = 0
    can_delete = False
    autocomplete_fields = ["person"]
    verbose_name_plural = "memberships (end one on the partnership's People page)"

    def has_change_permission(self, request, obj=None):
        return False


class BodyAdminForm(ReasonForm):
    class Meta:
        model = Body
        fields = "__all__"

    def check(self, data):
        body = self.instance
        if body.pk is not None and data.get("restricted") != body.restricted:
            body_restriction_check(
                body=body,
                restricted=data.get("restricted"),
                by=self.admin_user,
                reason=data.get("reason", ""),
            )


@admin.register(Body)
class BodyAdmin(ReasonAdminMixin, SimpleHistoryAdmin):
    form = BodyAdminForm
    list_display = ["name", "short_name", "kind", "statutory", "restricted", "partnership"]
    list_filter = ["kind", "statutory", "restricted"]
    search_fields = ["name", "short_name", "remit"]
    list_select_related = ["partnership"]
    autocomplete_fields = ["partnership"]
    inlines = [ChairInline, ReportingLineInline, MembershipInline]

    def save_model(self, request, obj, form, change):
        if not (change and "restricted" in form.changed_data):
            super().save_model(request, obj, form, change)
            return
        # The flag decides who sees the body's data: it changes through its service alone.
        wanted = obj.restricted
        obj.restricted = not wanted
        if set(form.changed_data) - {"restricted", "reason"}:
            super().save_model(request, obj, form, change)
        body_restriction_change(
            body=obj, restricted=wanted, by=request.user, reason=form.cleaned_data["reason"]
        )
        obj.restricted = wanted

    def save_inline(self, request, obj, *, why):
        if isinstance(obj, Membership) and obj._state.adding:
            saved = membership_create(person=obj.person, body=obj.body, by=request.user, reason=why)
            _saved_as(obj, saved)
        elif isinstance(obj, ReportingLine) and obj._state.adding:
            saved = reporting_line_create(
                from_body=obj.from_body,
                to_body=obj.to_body,
                description=obj.description,
                user=request.user,
                reason=why,
            )
            _saved_as(obj, saved)
        else:
            super().save_inline(request, obj, why=why)


@admin.register(Chair)
class ChairAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    changed_on = (
        "On the body's page, “Change the chair”, which closes the previous period and "
        "refuses overlaps."
    )
    list_display = ["person", "body", "start", "end"]
    list_filter = ["body"]
    search_fields = ["person__name", "body__name", "body__short_name"]
    list_select_related = ["person", "body"]
    autocomplete_fields = ["person", "body"]


@admin.register(ReportingLine)
class ReportingLineAdmin(ReasonAdminMixin, SimpleHistoryAdmin):
    form = ReportingLineAdminForm
    list_display = ["from_body", "to_body", "description"]
    search_fields = ["from_body__short_name", "to_body__short_name"]
    list_select_related = ["from_body", "to_body"]
    autocomplete_fields = ["from_body", "to_body"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        saved = reporting_line_create(
            from_body=obj.from_body,
            to_body=obj.to_body,
            description=obj.description,
            user=request.user,
            reason=form.cleaned_data["reason"],
        )
        _saved_as(obj, saved)


class _EndedOnThePeoplePage:
    """Ending a role or a membership takes away what someone may see or do: the People page
    does it, and asks why. The admin refuses it, here and through what it hangs from (a
    person, a body or an account whose deletion would take it along)."""

    end_url_name = ""

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + ["how_to_end"] if obj is not None else fields

    @admin.display(description="To end it")
    def how_to_end(self, obj):
        url = address_in(self.board_of(obj).slug, self.end_url_name, obj.pk)
        return format_html(
            'On the partnership\'s People page, which asks why: <a href="{}">end it there</a>.',
            url,
        )


class MembershipAdminForm(ReasonForm):
    class Meta:
        model = Membership
        fields = ["person", "body"]

    def check(self, data):
        if data.get("person") and data.get("body"):
            require_people_manager(self.admin_user, data["body"].board)
            membership_check(person=data["person"], body=data["body"])


@admin.register(Membership)
class MembershipAdmin(_EndedOnThePeoplePage, ReasonAdminMixin, SimpleHistoryAdmin):
    form = MembershipAdminForm
    end_url_name = "people:membership_end"
    list_display = ["person", "body"]
    list_filter = ["body"]
    search_fields = ["person__name", "body__short_name"]
    list_select_related = ["person", "body"]
    autocomplete_fields = ["person", "body"]

    def board_of(self, membership):
        return membership.body.board

    def has_change_permission(self, request, obj=None):
        return False  # a member of another body is a new membership, and this one ends

    def save_model(self, request, obj, form, change):
        saved = membership_create(
            person=obj.person, body=obj.body, by=request.user, reason=form.cleaned_data["reason"]
        )
        _saved_as(obj, saved)


class RoleAdminForm(ReasonForm):
    class Meta:
        model = Role
        fields = ["user", "board", "kind"]

    def check(self, data):
        if self.instance.pk is not None:
            role = self.instance
            require_people_manager(self.admin_user, role.board)
            require_not_admin(self.admin_user, role.user)
            role_change_check(role=role, kind=data.get("kind"))
        elif data.get("user") and data.get("board"):
            require_people_manager(self.admin_user, data["board"])
            require_not_admin(self.admin_user, data["user"])
            role_check(user=data["user"], board=data["board"], kind=data.get("kind"))


@admin.register(Role)
class RoleAdmin(_EndedOnThePeoplePage, ReasonAdminMixin, SimpleHistoryAdmin):
    form = RoleAdminForm
    end_url_name = "people:role_end"
    list_display = ["user", "kind", "board"]
    list_filter = ["kind", "board"]
    search_fields = ["user__username", "board__short_name"]
    list_select_related = ["user", "board"]
    autocomplete_fields = ["user", "board"]

    def board_of(self, role):
        return role.board

    def get_readonly_fields(self, request, obj=None):
        # A role is someone's in a partnership: another person or partnership is another role.
        fields = list(super().get_readonly_fields(request, obj))
        return ["user", "board", *fields] if obj is not None else fields

    def save_model(self, request, obj, form, change):
        why = form.cleaned_data["reason"]
        if change:
            role_change(role=obj, kind=obj.kind, by=request.user, reason=why)
            return
        saved = role_create(
            user=obj.user, board=obj.board, kind=obj.kind, by=request.user, reason=why
        )
        _saved_as(obj, saved)


class MeetingAdminForm(ReasonForm):
    class Meta:
        model = Meeting
        fields = ["body", "date", "title", "attendees", "attendee_people", "minutes", "papers"]

    def check(self, data):
        body = data.get("body") if self.instance.pk is None else self.instance.body
        if body is None:
            return
        meeting_check(
            body=body,
            date=data.get("date"),
            title=data.get("title", ""),
            attendees=data.get("attendees", ""),
            minutes=data.get("minutes", ""),
            papers=data.get("papers", ""),
            exclude_pk=self.instance.pk,
        )


@admin.register(Meeting)
class MeetingAdmin(ReasonAdminMixin, SimpleHistoryAdmin):
    form = MeetingAdminForm
    list_display = ["date", "body", "title"]
    list_filter = ["body"]
    search_fields = ["title", "minutes", "body__short_name"]
    date_hierarchy = "date"
    list_select_related = ["body"]
    autocomplete_fields = ["body", "attendee_people"]

    def get_readonly_fields(self, request, obj=None):
        # Moved to another body, a meeting's minutes, progress and actions arising would cross
        # the restricted rule with it: record it again on the right body instead.
        fields = list(super().get_readonly_fields(request, obj))
        return ["body", *fields] if obj is not None else fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {
            "date": data["date"],
            "title": data["title"],
            "attendees": data["attendees"],
            "attendee_people": data["attendee_people"],
            "minutes": data["minutes"],
            "papers": data["papers"],
            "user": request.user,
            "reason": data["reason"],
        }
        if change:
            meeting_update(meeting=obj, **fields)
        else:
            _saved_as(obj, meeting_create(body=data["body"], **fields))

    def save_related(self, request, form, formsets, change):
        pass  # the service set the attendees with the rest


class PartnershipGroupAdminForm(ReasonForm):
    class Meta:
        model = PartnershipGroup
        fields = ["name", "slug", "description", "partnerships", "overseers"]

    def check(self, data):
        require_group_manager(self.admin_user)
        partnership_group_check(
            name=data.get("name", ""),
            slug=self.instance.slug if self.instance.pk else data.get("slug", ""),
            partnerships=list(data.get("partnerships") or []),
            description=data.get("description", ""),
            exclude_pk=self.instance.pk,
        )


@admin.register(PartnershipGroup)
class PartnershipGroupAdmin(ReasonAdminMixin, SimpleHistoryAdmin):
    form = PartnershipGroupAdminForm
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    autocomplete_fields = ["partnerships", "overseers"]
    prepopulated_fields = {"slug": ["name"]}

    def get_readonly_fields(self, request, obj=None):
        # The group's address part stays, so that a link to its pages stays good.
        fields = list(super().get_readonly_fields(request, obj))
        return ["slug", *fields] if obj is not None else fields

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else self.prepopulated_fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {
            "name": data["name"],
            "description": data["description"],
            "partnerships": data["partnerships"],
            "overseers": data["overseers"],
            "by": request.user,
            "reason": data["reason"],
        }
        if change:
            partnership_group_update(group=obj, **fields)
        else:
            _saved_as(obj, partnership_group_create(slug=data["slug"], **fields))

    def save_related(self, request, form, formsets, change):
        pass  # the service set the partnerships and overseers with the rest
