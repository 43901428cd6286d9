"""Reminders in the admin are for reading: each is written by the page or the run that owns
it, which checks it (and, for a round, mails the leads)."""

from django.contrib import admin

from actions.models import UpdateRound
from governance.admin_mixins import ReadOnlyAdminMixin

from .models import ReminderPreference, ReminderSend


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # Each person's own choice: changed by them on their reminders page (reminders.services.
    # preference_save), never for them.
    changed_on = "By the person, on their Reminders page (their account's reminders)."
    list_display = ["user", "frequency", "weekday", "updated_at"]
    list_filter = ["frequency"]
    exclude = ["feed_token"]  # a secret: the person resets it on their account page

    def has_delete_permission(self, request, obj=None):
        return True  # goes with the account it belongs to when an admin deletes one


# Rounds are the model of actions (the pages below reminders read them) and the work of
# reminders, which opens and chases them: their admin is here with the rest of that work.
@admin.register(UpdateRound)
class UpdateRoundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # Opening a round checks its deadline and its actions and mails every lead once
    # (reminders.services.round_open): a round written here would do neither.
    changed_on = (
        "By the coordinator, from the meeting's page (“Open an update round”), which checks "
        "the deadline and the actions and emails the leads."
    )
    list_display = ["meeting", "deadline", "opened_at", "opened_by"]
    raw_id_fields = ["actions"]


@admin.register(ReminderSend)
class ReminderSendAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # A record of what was sent, written only by sending: its state is what makes a run send
    # an email again or not.
    changed_on = "Nowhere: written by sending. A failed email is tried again on the next run."
    list_display = ["claimed_at", "email", "kind", "day", "state", "attempts"]
    list_filter = ["kind", "state"]
    search_fields = ["email", "subject"]
    raw_id_fields = ["actions", "user", "update_round"]

    def has_delete_permission(self, request, obj=None):
        return True  # goes with the account it was sent to when an admin deletes one
