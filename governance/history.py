"""What a history row keeps besides the record: who made the change, why, when, and where it
came from. Every service, the admin and a year's file say it through `record_change` (or
`save_recorded` and `delete_recorded`), never by setting django-simple-history's private
attributes themselves.

Where a row came from is a field rather than the wording of its reason: a reload of a year's
file must tell what the last load wrote from what people did since; it asks `history_source`,
never the change reason, whose words are for people to read.
"""

import functools

from django.db import models
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

FROM_A_FILE = "file"

# The reason column is a TextField (SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD), so the
# database takes a reason of any length. The reasons that the actions and meetings services
# make from a meeting's or a file's name have been kept to django-simple-history's default
# column of 100 characters all along; they still are, by `max_length`.
SHORT_REASON_LENGTH = 100


@functools.cache
def history_rows(model) -> models.Manager:
    """Every history row of `model`, for a query that reads them by a field (an action's id,
    a lead's body). Not `model.history` on a page's path: django-simple-history's descriptor
    makes a manager class anew on each read, which costs more than the query's filter."""
    return model.history.model._default_manager


def record_change(
    obj, *, reason: str, user=None, source: str = "", date=None, max_length: int | None = None
) -> None:
    """What the next save or delete of `obj` writes into its history row: why (cut to
    `max_length` characters when given), who (else the signed-in user of the request, or
    nobody), where it came from (FROM_A_FILE for a year's file) and, for a record a file
    creates, when the document says it stood (else now)."""
    obj._change_reason = reason[:max_length]
    if user is not None:
        obj._history_user = user
    if source:
        obj._history_source = source
    if date is not None:
        obj._history_date = date


def save_recorded[M: models.Model](
    obj: M,
    *,
    reason: str,
    user=None,
    source: str = "",
    date=None,
    max_length: int | None = None,
    update_fields=None,
) -> M:
    """Save `obj` with who and why in its history row (record_change); returns `obj`."""
    record_change(obj, reason=reason, user=user, source=source, date=date, max_length=max_length)
    obj.save(update_fields=update_fields)
    return obj


def delete_recorded(
    obj, *, reason: str, user=None, source: str = "", max_length: int | None = None
) -> None:
    """Delete `obj`; its last history row says who and why (record_change)."""
    record_change(obj, reason=reason, user=user, source=source, max_length=max_length)
    obj.delete()


class HistorySource(models.Model):
    """A base of the historical models of what a year's file may load."""

    history_source = models.CharField(
        max_length=10,
        blank=True,
        default="",
        db_default="",
        help_text='"file" when a year\'s file wrote this row; empty when people did.',
    )

    class Meta:
        abstract = True


@receiver(pre_create_historical_record)
def _record_the_source(sender, instance, history_instance, **kwargs):
    if hasattr(history_instance, "history_source"):
        history_instance.history_source = getattr(instance, "_history_source", "")
