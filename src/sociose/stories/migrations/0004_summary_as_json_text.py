from django.db import migrations

import sociose.core.fields

# SQLite changes a column's type by rebuilding the table, which drops the table's triggers: put back the one that
# 0003 made on stories_story (after the rebuild, whichever way this migration runs).
TRIGGER = ("CREATE TRIGGER IF NOT EXISTS stories_story_forget AFTER DELETE ON stories_story "
           "BEGIN UPDATE stories_clusteringstate SET generation = 0; END")


def restore_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(TRIGGER)


class Migration(migrations.Migration):

    dependencies = [
        ('stories', '0003_clusteringstate'),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_trigger),
        migrations.AlterField(
            model_name='story',
            name='summary',
            field=sociose.core.fields.JSONTextField(default=dict, help_text="The clustering engine's state: centroid, entities, outlets."),
        ),
        migrations.RunPython(restore_trigger, migrations.RunPython.noop),
    ]
