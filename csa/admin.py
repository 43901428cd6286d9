from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Section, Theme


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    autocomplete_fields = ["theme"]


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
