"""Themes and an agreement's sections: no page writes them (a year's file does), so the admin
does, with a reason kept in their history; the models' own checks (a theme's parent and a
section's theme in the same partnership) run on the form."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from governance.admin_mixins import ReasonAdminMixin, ReasonForm

from .models import Obligation, Section, Theme
from .services import obligation_check, obligation_in_use


class SectionInline(admin.StackedInline):
    # Saved with the agreement's reason (ReasonAdminMixin.save_formset of its admin).
    model = Section
    extra = 0
    autocomplete_fields = ["theme"]


@admin.register(Theme)
class ThemeAdmin(ReasonAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "key", "parent", "board", "position"]
    list_filter = ["board"]
    search_fields = ["name", "key"]
    list_select_related = ["parent", "board"]
    autocomplete_fields = ["parent", "board"]
    # Its duties and objectives are tagged on the partnership's page (csa.services), which
    # keeps them to the partnership's own.
    exclude = ["obligations"]


class ObligationForm(ReasonForm):
    def check(self, data):
        if data.get("board"):
            obligation_check(
                data["board"],
                data.get("name"),
                data.get("kind"),
                data.get("description"),
                exclude_pk=self.instance.pk,
            )


@admin.register(Obligation)
class ObligationAdmin(ReasonAdminMixin, SimpleHistoryAdmin):
    """The same checks as the coordinator's page (csa.services); one that an action or a
    theme is tagged with is not deleted."""

    form = ObligationForm
    list_display = ["name", "kind", "board", "position"]
    list_filter = ["board", "kind"]
    search_fields = ["name", "description"]
    list_select_related = ["board"]
    autocomplete_fields = ["board"]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obligation_in_use(obj):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Section)
class SectionAdmin(ReasonAdminMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "agreement", "theme", "position"]
    list_filter = ["agreement"]
    search_fields = ["heading", "text"]
    list_select_related = ["agreement", "agreement__board", "theme"]
