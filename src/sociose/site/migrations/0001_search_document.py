"""Search: SearchDocument, the database's own index on it (FTS5 on SQLite, a stored tsvector on PostgreSQL; made
outside the model state, so each backend gets only its own), and the documents of every existing story and article."""

from django.db import migrations, models


def install(apps, schema_editor):
    from sociose.site import search

    search.install_index(schema_editor.connection)
    search.rebuild_search_index(apps=apps, using=schema_editor.connection.alias)


def uninstall(apps, schema_editor):
    from sociose.site import search

    search.uninstall_index(schema_editor.connection)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0001_initial"),
        ("desk", "0001_initial"),
        ("stories", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("story", "Story"), ("article", "Article")], max_length=10)),
                ("object_id", models.BigIntegerField(
                    help_text="The story's id (not the composed story's) or the article's id.")),
                ("title", models.TextField()),
                ("summary", models.TextField(blank=True, help_text="A story's dek or an article's description.")),
                ("body", models.TextField(blank=True)),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("kind", "object_id"),
                                                        name="searchdocument_one_per_object")],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
