from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from governance.admin_mixins import ReadOnlyAdminMixin

from .models import Invitation


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """For reading: invitations are made, resent and accepted through people.services, which
    send the email and never keep the token itself."""

    changed_on = "On the partnership's People page: invite, send again or withdraw."

    list_display = ["email", "board", "kind", "expires_at", "accepted_at", "invited_by"]
    list_filter = ["kind", "board"]
    search_fields = ["email"]
    list_select_related = ["board", "invited_by"]
    exclude = ["token_hash"]
