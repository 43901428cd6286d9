"""Every partnership already here gets the default duties (csa.services.DEFAULT_OBLIGATIONS),
with a history row each, as obligations_ensure_defaults gives a partnership made later."""

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

REASON = "The default duties of a community safety partnership"


def add_defaults(apps, schema_editor):
    from csa.services import DEFAULT_OBLIGATIONS

    Body = apps.get_model("governance", "Body")
    Obligation = apps.get_model("csa", "Obligation")
    HistoricalObligation = apps.get_model("csa", "HistoricalObligation")
    boards = Body.objects.filter(partnership__isnull=True).filter(
        Q(kind="board") | Q(agreements__isnull=False) | Q(roles__isnull=False)
    )
    now = timezone.now()
    for board in boards.distinct():
        if Obligation.objects.filter(board=board).exists():
            continue
        for position, default in enumerate(DEFAULT_OBLIGATIONS, 1):
            obligation = Obligation.objects.create(
                board=board,
                name=default.name,
                kind=default.kind,
                description=default.description,
                position=position,
            )
            HistoricalObligation.objects.create(
                id=obligation.pk,
                board_id=board.pk,
                name=obligation.name,
                kind=obligation.kind,
                description=obligation.description,
                position=position,
                history_date=now,
                history_type="+",
                history_change_reason=REASON,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("csa", "0005_obligation_historicaltheme_obligations_and_more"),
        ("governance", "0005_data_stamp_scopes"),
    ]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
