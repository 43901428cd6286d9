"""Themes and an agreement's sections: no page writes them (a year's file does), so the admin
does, with a reason kept in their history; the models' own checks (a theme's parent and a
section's theme in the same partnership) run on the form."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from governance.admin_mixins import ReasonAdminMixin

from .models import Section, Theme


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


@admin.register(Section)
class SectionAdmin(ReasonAdminMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "agreement", "theme", "position"]
    list_filter = ["agreement"]
    search_fields = ["heading", "text"]
    list_select_related = ["agreement", "agreement__board", "theme"]
