"""A data stamp per scope (governance.freshness): the old single stamp becomes `all`, and
`shared` is made beside it; a partnership's own is made by its first change."""

from django.core.management.color import no_style
from django.db import migrations, models


def name_the_scopes(apps, schema_editor):
    DataStamp = apps.get_model("governance", "DataStamp")
    DataStamp.objects.filter(pk=1).update(scope="all")
    DataStamp.objects.exclude(scope="all").delete()
    # 0003 made the first stamp with an id of its own, which PostgreSQL's sequence never saw:
    # the next row would be given id 1 again.
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [DataStamp]):
            cursor.execute(statement)
    for scope in ("all", "shared"):
        DataStamp.objects.get_or_create(scope=scope, defaults={"token": "initial"})


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0004_body_slug"),
    ]

    operations = [
        migrations.AddField(
            model_name="datastamp",
            name="scope",
            field=models.CharField(default="", max_length=80),
            preserve_default=False,
        ),
        migrations.RunPython(name_the_scopes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="datastamp",
            name="scope",
            field=models.CharField(max_length=80, unique=True),
        ),
    ]
