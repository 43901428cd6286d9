# RolloverDecision now belongs to plans (plans/migrations/0001_initial.py); its tables stay.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('csa', '0002_rollover_decision'),
        ('plans', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name='HistoricalRolloverDecision'),
                migrations.DeleteModel(name='RolloverDecision'),
            ],
        ),
    ]
