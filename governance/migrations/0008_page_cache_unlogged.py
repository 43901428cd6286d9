"""The page cache's table written without the write-ahead log, on PostgreSQL: every part drawn
is written there, none needs surviving a crash (a table UNLOGGED is emptied by one), and
none should travel to a replica or a backup's WAL archive. SQLite has no such thing."""

from django.db import migrations


def unlogged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE page_cache SET UNLOGGED")


def logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE page_cache SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [("governance", "0007_page_cache")]

    operations = [migrations.RunPython(unlogged, logged)]
