"""The clustering engine's state in the database: term statistics and the inverted index of stories.

These implement `clustering.TermStats` and `clustering.StoryIndex` with a few raw SQL statements each, because
they run for every article on the ingest hot path (the ORM's per-query overhead would be most of the cost).
The cost of one lookup does not grow with the archive: each key's postings are read newest first, at most
INDEX_PER_KEY of them, within the time window, from an index on (key, last_seen, id, story) that holds everything
a lookup reads: no table row is visited per posting (at a million articles those visits were most of a lookup).
"""

from __future__ import annotations

import heapq
import json
import math
import secrets
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from sociose.stories.clustering import INDEX_ENTITIES, INDEX_LIMIT, INDEX_PER_KEY, INDEX_TERMS, StorySummary
from sociose.stories.models import Story, StoryKey, TermStat

# Parsed summaries of recently seen stories, per process: story id -> (version, summary). Bounded; the oldest go first.
_CACHE: dict[int, tuple[int, StorySummary | None]] = {}
_CACHE_SIZE = 20_000


def new_version() -> int:
    """A fresh random version: unlike a counter, a version written by a transaction that rolled back never comes
    back with other contents, so a cached summary can never be mistaken for a newer one."""
    return secrets.randbits(62)


def read_datetime(value) -> datetime | None:
    """A datetime column read with a raw cursor, as the ORM would return it (SQLite hands back text)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, connection.timezone)
    return value


def write_datetime(value: datetime | None):
    """A datetime as the ORM writes it (SQLite: naive UTC text), for raw statements."""
    return connection.ops.adapt_datetimefield_value(value)


def write_json(model, field: str, value):
    """A JSON value as the ORM writes it into `model.field`, for raw statements."""
    return model._meta.get_field(field).get_db_prep_save(value, connection)


def in_list(column: str, values: list, sql_type: str) -> tuple[str, list]:
    """`column IN (values)` as SQL whose text does not depend on how many values there are, and its parameters.
    SQLite keeps a small cache of prepared statements keyed by their text: statements whose text changed with the
    length of a list would push the costly ones (the candidate lookup) out of it."""
    if connection.vendor == "sqlite":
        return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(values)]
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::{sql_type}[])", [values]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _remember(story_id: int, version: int, summary: StorySummary | None) -> None:
    _CACHE[story_id] = (version, summary)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))


class DbTermStats:
    """Document frequencies in the TermStat table. `add_document` counts an article and reads back the frequencies
    it bumped in the same statement, so the `idf` calls that follow for the same article need no further query."""

    def __init__(self) -> None:
        self.df: dict[str, int] = {}
        self.documents = 0

    def add_document(self, keys: Iterable[str]) -> None:
        # sorted: concurrent writers touch rows in one order, so they cannot deadlock
        rows = ["", *sorted(set(keys) - {""})]
        table = TermStat._meta.db_table
        upsert = (f"ON CONFLICT (term) DO UPDATE SET documents = {table}.documents + 1 RETURNING term, documents")
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":  # one statement text whatever the number of keys (see in_list)
                cursor.execute(f"INSERT INTO {table} (term, documents) SELECT value, 1 FROM json_each(%s) WHERE true "
                               + upsert, [json.dumps(rows)])
            elif connection.vendor == "postgresql":
                cursor.execute(f"INSERT INTO {table} (term, documents) SELECT unnest(%s::text[]), 1 " + upsert, [rows])
            else:
                cursor.execute(f"INSERT INTO {table} (term, documents) VALUES {', '.join(['(%s, 1)'] * len(rows))} "
                               + upsert, rows)
            df = dict(cursor.fetchall())
        self.documents = df.pop("", 0)
        self.df = df

    def load(self, keys: Iterable[str]) -> None:
        """Read the frequencies of these keys (and the article count) without counting a new document."""
        keys = sorted(set(keys))
        self.df = {}
        with connection.cursor() as cursor:
            for start in range(0, len(keys) + 1, 500):
                chunk = [""] + keys[start:start + 500]
                placeholders = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"SELECT term, documents FROM {TermStat._meta.db_table} WHERE term IN ({placeholders})",
                               chunk)
                self.df.update(cursor.fetchall())
        self.documents = self.df.pop("", 0)

    def idf(self, key: str) -> float:
        return math.log((self.documents + 1) / (self.df.get(key, 0) + 1)) + 1.0


class DbStoryIndex:
    """Stories and their index keys in the Story and StoryKey tables."""

    def __init__(self, *, terms_per_story: int = INDEX_TERMS, entities_per_story: int = INDEX_ENTITIES,
                 per_key: int = INDEX_PER_KEY, limit: int = INDEX_LIMIT) -> None:
        self.terms_per_story, self.entities_per_story = terms_per_story, entities_per_story
        self.per_key, self.limit = per_key, limit

    def candidates(self, keys: Mapping[str, int], when: datetime | None,
                   window: timedelta) -> list[tuple[int, StorySummary]]:
        keys = sorted(keys.items(), key=lambda kv: (-kv[1], kv[0]))[:200]
        if not keys:
            return []
        since = (when - window) if when is not None else datetime(1, 1, 2, tzinfo=UTC)
        table, stories = StoryKey._meta.db_table, Story._meta.db_table
        # Per key, its newest postings (ties in time by row id, as the covering index orders them); their weights
        # (integers, so the sums are exact in any order) summed per story; the best `limit` stories, with their
        # summaries' versions.
        newest = f"AND last_seen >= %s ORDER BY last_seen DESC, id LIMIT {int(self.per_key)}"
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # all in one statement (a story's postings carry its last_seen)
                cursor.execute(
                    f"SELECT g.story_id, s.version FROM (SELECT p.story_id, SUM(k.weight) AS shared, MAX(p.last_seen) "
                    f"AS seen FROM unnest(%s::text[], %s::bigint[]) AS k(key, weight) CROSS JOIN LATERAL (SELECT "
                    f"story_id, last_seen FROM {table} WHERE key = k.key {newest}) AS p GROUP BY p.story_id ORDER BY "
                    f"shared DESC, seen DESC, p.story_id LIMIT {int(self.limit)}) AS g JOIN {stories} AS s ON s.id = "
                    f"g.story_id ORDER BY g.shared DESC, g.seen DESC, g.story_id",
                    [[key for key, _ in keys], [weight for _, weight in keys], since])
                ranked = cursor.fetchall()
            else:
                ranked = self._rank_sqlite(cursor, keys, since, newest)
        summaries = self._summaries([story_id for story_id, _ in ranked], dict(ranked))
        return [(story_id, summaries[story_id]) for story_id, _ in ranked if summaries.get(story_id)]

    def _rank_sqlite(self, cursor, keys: list[tuple[str, int]], since: datetime, newest: str) -> list[tuple[int, int]]:
        """The SQLite lookup: each key's postings come back as one row of story ids, read from the covering index
        alone, and are summed here. (Summing them in SQL, GROUP BY through a temporary B-tree, took longer than the
        reading itself; so does handing back a row per posting.)"""
        table, stories = StoryKey._meta.db_table, Story._meta.db_table
        cursor.execute(" UNION ALL ".join(f"SELECT (SELECT group_concat(story_id) FROM (SELECT story_id FROM {table} "
                                          f"WHERE key = %s {newest}))" for _ in keys),
                       [value for key, _ in keys for value in (key, since)])
        shared: dict[int, int] = {}
        get = shared.get
        for (ids,), (_, weight) in zip(cursor.fetchall(), keys, strict=True):
            for story_id in map(int, ids.split(",")) if ids else ():
                shared[story_id] = get(story_id, 0) + weight
        if not shared:
            return []
        cutoff = heapq.nlargest(self.limit, shared.values())[-1]
        pool = [story_id for story_id, weight in shared.items() if weight >= cutoff]  # the best, and all tied last
        where, params = in_list("id", pool, "bigint")
        cursor.execute(f"SELECT id, version, last_seen FROM {stories} WHERE {where}", params)
        found = {story_id: (version, read_datetime(last_seen)) for story_id, version, last_seen in cursor.fetchall()}
        pool = sorted(story_id for story_id in pool if story_id in found)
        pool.sort(key=lambda story_id: found[story_id][1], reverse=True)  # stable: the lowest id first among equals
        pool.sort(key=shared.__getitem__, reverse=True)
        return [(story_id, found[story_id][0]) for story_id in pool[: self.limit]]

    def _summaries(self, ids: list[int], versions: dict[int, int] | None = None) -> dict[int, StorySummary]:
        """Summaries by story id, parsed once per version: a candidate story is looked up far more often than it
        changes, and parsing its JSON would otherwise be the largest cost of a lookup. `versions`, when the caller
        has read them, saves reading them again."""
        if not ids:
            return {}
        table = Story._meta.db_table
        with connection.cursor() as cursor:
            if versions is None:
                where, params = in_list("id", ids, "bigint")
                cursor.execute(f"SELECT id, version FROM {table} WHERE {where}", params)
                versions = dict(cursor.fetchall())
            stale = [i for i in ids if i in versions and _CACHE.get(i, (None,))[0] != versions[i]]
            if stale:
                summary_field = Story._meta.get_field("summary")
                where, params = in_list("id", stale, "bigint")
                cursor.execute(f"SELECT id, version, summary FROM {table} WHERE {where}", params)
                for story_id, version, summary in cursor.fetchall():
                    summary = summary_field.from_db_value(summary, None, connection)
                    _remember(story_id, version, StorySummary.from_dict(summary) if summary else None)
        return {i: _CACHE[i][1] for i in ids if i in versions and _CACHE.get(i, (None,))[0] == versions[i]}

    def get(self, story_id: int) -> StorySummary:
        return self._summaries([story_id])[story_id]

    def add(self, story_id: int, summary: StorySummary) -> None:
        self.update(story_id, summary, old_keys=set())

    def update(self, story_id: int, summary: StorySummary, old_keys: set[str] | None = None) -> None:
        table = StoryKey._meta.db_table
        new_keys = summary.keys(self.terms_per_story, self.entities_per_story)
        version = new_version()
        data = summary.to_dict()
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Story._meta.db_table} SET summary = %s, first_seen = %s, last_seen = %s, article_count = %s, "
                "version = %s WHERE id = %s",
                [write_json(Story, "summary", data), write_datetime(summary.first_seen),
                 write_datetime(summary.last_seen), summary.size, version, story_id])
            if old_keys is None:
                cursor.execute(f"SELECT key FROM {table} WHERE story_id = %s", [story_id])
                old_keys = {row[0] for row in cursor.fetchall()}
            gone = sorted(old_keys - new_keys)
            if gone:
                where, params = in_list("key", gone, "text")
                cursor.execute(f"DELETE FROM {table} WHERE story_id = %s AND {where}", [story_id, *params])
            cursor.execute(f"UPDATE {table} SET last_seen = %s WHERE story_id = %s", [summary.last_seen, story_id])
            cursor.executemany(f"INSERT INTO {table} (story_id, key, last_seen) VALUES (%s, %s, %s)",
                               [(story_id, key, summary.last_seen) for key in sorted(new_keys - old_keys)])
        if connection.vendor == "sqlite":
            # SQLite keeps JSON text as written, so the summary read back would be this one, key order and all: cache
            # it under its new version. (PostgreSQL's jsonb reorders keys, and the order of a centroid's terms is the
            # order its floats are summed in, so there the next lookup reads the stored summary back.)
            _remember(story_id, version, StorySummary.from_dict(data))

    def remove(self, story_id: int) -> None:
        StoryKey.objects.filter(story_id=story_id).delete()

