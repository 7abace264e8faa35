import pytest
from django.db import connection


@pytest.mark.django_db
def test_sqlite_connections_get_the_settings_the_worker_relies_on():
    """Foreign keys enforced; commits not synced one by one (WAL keeps them safe); the write-ahead log folded back
    every 4,000 pages, not after every clustering batch (see settings.py)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's connection settings")
    with connection.cursor() as cursor:
        values = {}
        for pragma in ("foreign_keys", "synchronous", "wal_autocheckpoint"):
            cursor.execute(f"PRAGMA {pragma}")
            values[pragma] = cursor.fetchone()[0]
    assert values == {"foreign_keys": 1, "synchronous": 1, "wal_autocheckpoint": 4000}
