# UpdateRound moved to actions (actions 0008): reminders' record of the model goes and the
# sends point at actions.UpdateRound. No table is created, dropped or altered: the foreign key
# of reminders_remindersend.update_round_id already names reminders_updateround, the table
# actions.UpdateRound keeps.
#
# The content type moves with the model, so that the permissions given on update rounds and
# the admin's log of them follow it rather than being left on a stale type. On a database
# migrated for the first time there are no content types yet, and this does nothing.

import django.db.models.deletion
from django.db import migrations, models


def _move_content_type(apps, schema_editor, *, from_app, to_app):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    types = ContentType.objects.using(schema_editor.connection.alias)
    if not types.filter(app_label=to_app, model='updateround').exists():
        types.filter(app_label=from_app, model='updateround').update(app_label=to_app)


def content_type_to_actions(apps, schema_editor):
    _move_content_type(apps, schema_editor, from_app='reminders', to_app='actions')


def content_type_to_reminders(apps, schema_editor):
    _move_content_type(apps, schema_editor, from_app='actions', to_app='reminders')


class Migration(migrations.Migration):

    dependencies = [
        ('actions', '0008_updateround_moved_from_reminders'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('reminders', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='remindersend',
                    name='update_round',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='sends', to='actions.updateround'),
                ),
                migrations.DeleteModel(
                    name='UpdateRound',
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_actions, content_type_to_reminders),
    ]
