# RolloverDecision moved up from csa (it refers to an action, and csa sits below actions).
# The tables keep their names: only Django's idea of which app owns them changes.

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('actions', '0001_initial'),
        ('csa', '0002_rollover_decision'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalRolloverDecision',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('outcome', models.CharField(choices=[('carried', 'Carried forward'), ('completed', 'Completed'), ('dropped', 'Dropped')], max_length=20)),
                        ('reason', models.TextField(blank=True)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField()),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('action', models.ForeignKey(blank=True, db_constraint=False, help_text="The action of last year's plan that was decided on.", null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='actions.action')),
                        ('agreement', models.ForeignKey(blank=True, db_constraint=False, help_text='The new agreement that the roll-over created.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='csa.agreement')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical rollover decision',
                        'verbose_name_plural': 'historical rollover decisions',
                        'db_table': 'csa_historicalrolloverdecision',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                        'indexes': [models.Index(fields=['history_date', 'id'], name='csa_histori_history_61cc78_idx')],
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='RolloverDecision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('outcome', models.CharField(choices=[('carried', 'Carried forward'), ('completed', 'Completed'), ('dropped', 'Dropped')], max_length=20)),
                        ('reason', models.TextField(blank=True)),
                        ('action', models.ForeignKey(help_text="The action of last year's plan that was decided on.", on_delete=django.db.models.deletion.CASCADE, related_name='rollover_decisions', to='actions.action')),
                        ('agreement', models.ForeignKey(help_text='The new agreement that the roll-over created.', on_delete=django.db.models.deletion.CASCADE, related_name='rollover_decisions', to='csa.agreement')),
                    ],
                    options={
                        'db_table': 'csa_rolloverdecision',
                        'ordering': ['agreement', 'action'],
                        'constraints': [models.UniqueConstraint(fields=('agreement', 'action'), name='rollover_decision_one_per_action'), models.CheckConstraint(condition=models.Q(('outcome', 'carried'), models.Q(('reason', ''), _negated=True), _connector='OR'), name='rollover_decision_closed_has_reason')],
                    },
                ),
                ],
        ),
    ]
