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


@pytest.mark.django_db
def test_sqlite_statements_are_rewritten_as_djangos_backend_rewrites_them():
    """Sociose's SQLite backend caches the rewrite of "%s" placeholders to "?" per statement text (core/sqlite): the
    statements must still mean what Django's own backend makes of them, literal "%%s" included."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's backend")
    from django.db.backends.sqlite3.base import SQLiteCursorWrapper

    from sociose.core.sqlite.base import CursorWrapper, _qmark

    statement = "SELECT %s, '%%s', '%%', %s || 'x%%sy'"
    with connection.cursor() as cursor:
        assert isinstance(cursor.cursor, CursorWrapper)
        for _ in range(2):  # the second time from the cache
            cursor.execute(statement, [1, "a"])
            assert cursor.fetchone() == (1, "%s", "%", "ax%sy")
        assert cursor.cursor.convert_query(statement) == SQLiteCursorWrapper.convert_query(cursor.cursor, statement)
        assert _qmark.cache_info().hits >= 1
        cursor.execute("SELECT %(a)s, %(b)s", {"a": 1, "b": 2})  # pyformat: Django's own rewrite
        assert cursor.fetchone() == (1, 2)
