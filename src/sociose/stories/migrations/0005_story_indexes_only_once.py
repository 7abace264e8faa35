import django.db.models.deletion
from django.db import migrations, models

# The story foreign keys of Membership and StoryKey lose the index Django gives every foreign key: each table has
# other indexes that begin with the story (membership_story_*, storykey_unique), which serve the same lookups and
# cascades, so that one index was only written (on every membership and every posting) and never needed. The index
# is dropped by name rather than through AlterField, which on SQLite rebuilds the table and with it drops the
# table's triggers (see 0003).
INDEXES = {"stories_membership": "stories_membership_story_id_0b6e3065",
           "stories_storykey": "stories_storykey_story_id_68497a00"}


class Migration(migrations.Migration):

    dependencies = [
        ('stories', '0004_summary_as_json_text'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(f'DROP INDEX IF EXISTS "{index}"',
                                  f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" ("story_id")')
                for table, index in INDEXES.items()
            ],
            state_operations=[
                migrations.AlterField(
                    model_name='membership',
                    name='story',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                            related_name='memberships', to='stories.story'),
                ),
                migrations.AlterField(
                    model_name='storykey',
                    name='story',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                            related_name='keys', to='stories.story'),
                ),
            ],
        ),
    ]
