# UpdateRound moved here from reminders (read by the board report and the agenda, which sit
# below or beside reminders). Only Django's record of the model moves: the tables stay
# reminders_updateround and reminders_updateround_actions, with their rows, indexes and keys.
# reminders 0002 takes the model out of reminders' record.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('actions', '0007_timescale_kind_approximate'),
        ('csa', '0004_history_source'),
        ('governance', '0004_body_slug'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='UpdateRound',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('opened_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('deadline', models.DateField()),
                        ('message', models.TextField(blank=True)),
                        ('actions', models.ManyToManyField(db_table='reminders_updateround_actions', related_name='update_rounds', to='actions.action')),
                        ('agreement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='csa.agreement')),
                        ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='update_rounds', to='governance.meeting')),
                        ('opened_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'reminders_updateround',
                        'ordering': ['-opened_at', '-pk'],
                        'indexes': [models.Index(fields=['meeting', 'opened_at'], name='round_meeting_opened')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
