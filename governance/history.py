"""Where a history row came from, as a field rather than the wording of its reason.

A reload of a year's file must tell what the last load wrote from what people did since; it
asks `history_source`, never the change reason, whose words are for people to read.
"""

from django.db import models
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

FROM_A_FILE = "file"


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
