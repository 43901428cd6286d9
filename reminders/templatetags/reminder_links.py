"""Links in the reminders' emails: absolute, in the action's partnership's address."""

from django import template

from .. import mail

register = template.Library()


@register.filter
def update_link(action) -> str:
    """The address of the action's progress form (an ActionRow or an Action)."""
    return mail.update_url(action)
