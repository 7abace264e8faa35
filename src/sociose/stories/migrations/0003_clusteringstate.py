from django.db import migrations, models

# What a worker knows of the clustering state (stories/index.py) is kept while the generation is the one it wrote.
# The engine's own transactions write a new generation when they end; anything else that deletes stories, index
# postings or term statistics (an editor deleting a story in the admin, a script, `recluster`) sets it to 0 through
# these triggers, so that every worker reads the state afresh. (Row triggers on SQLite, which has no others;
# statement triggers on PostgreSQL.)
TABLES = ["stories_story", "stories_storykey", "stories_termstat"]

SQLITE = [
    f"CREATE TRIGGER {table}_forget AFTER DELETE ON {table} "
    "BEGIN UPDATE stories_clusteringstate SET generation = 0; END"
    for table in TABLES
]
POSTGRESQL = [
    "CREATE FUNCTION stories_clusteringstate_forget() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN UPDATE stories_clusteringstate SET generation = 0; RETURN NULL; END $$",
    *(f"CREATE TRIGGER {table}_forget AFTER DELETE OR TRUNCATE ON {table} "
      "FOR EACH STATEMENT EXECUTE FUNCTION stories_clusteringstate_forget()" for table in TABLES),
]


def create_triggers(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_forget"
                              + (f" ON {table}" if schema_editor.connection.vendor == "postgresql" else ""))
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS stories_clusteringstate_forget()")


class Migration(migrations.Migration):

    dependencies = [
        ('stories', '0002_storykey_covering_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='ClusteringState',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('generation', models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
