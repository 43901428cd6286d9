from django.contrib import admin

from .models import ReminderPreference, ReminderSend, UpdateRound


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "frequency", "weekday", "updated_at"]
    list_filter = ["frequency"]
    exclude = ["feed_token"]  # a secret: the person resets it on their account page


@admin.register(UpdateRound)
class UpdateRoundAdmin(admin.ModelAdmin):
    list_display = ["meeting", "deadline", "opened_at", "opened_by"]
    raw_id_fields = ["actions"]


@admin.register(ReminderSend)
class ReminderSendAdmin(admin.ModelAdmin):
    list_display = ["claimed_at", "email", "kind", "day", "state", "attempts"]
    list_filter = ["kind", "state"]
    search_fields = ["email", "subject"]
    raw_id_fields = ["actions", "user", "update_round"]

    def has_add_permission(self, request):
        return False  # a record of what was sent, written only by sending
