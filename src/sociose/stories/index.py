"""The clustering engine's state in the database: term statistics and the inverted index of stories.

These implement `clustering.TermStats` and `clustering.StoryIndex` with a few raw SQL statements each, because
they run for every article on the ingest hot path (the ORM's per-query overhead would be most of the cost).
The cost of one lookup does not grow with the archive: each key's postings are read newest first, at most
INDEX_PER_KEY of them, within the time window, from an index on (key, last_seen).
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from django.db import connection

from sociose.stories.clustering import INDEX_ENTITIES, INDEX_LIMIT, INDEX_PER_KEY, INDEX_TERMS, StorySummary
from sociose.stories.models import Story, StoryKey, TermStat



# Parsed summaries of recently seen stories, per process: story id -> (version, summary). Bounded; the oldest go first.
_CACHE: dict[int, tuple[int, StorySummary | None]] = {}
_CACHE_SIZE = 20_000


def new_version() -> int:
    """A fresh random version: unlike a counter, a version written by a transaction that rolled back never comes
    back with other contents, so a cached summary can never be mistaken for a newer one."""
    return secrets.randbits(62)


class DbTermStats:
    """Document frequencies in the TermStat table. `add_document` reads the frequencies it is about to bump, so the
    `idf` calls that follow for the same article need no further query."""

    def __init__(self) -> None:
        self.df: dict[str, int] = {}
        self.documents = 0

    def add_document(self, keys: Iterable[str]) -> None:
        keys = sorted(set(keys))  # sorted: concurrent writers touch rows in one order, so they cannot deadlock
        table = TermStat._meta.db_table
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (term, documents) VALUES (%s, 1) "
                f"ON CONFLICT (term) DO UPDATE SET documents = {table}.documents + 1",
                [("",)] + [(key,) for key in keys],
            )
        self.load(keys)

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

    def candidates(self, keys: Mapping[str, float], when: datetime | None,
                   window: timedelta) -> list[tuple[int, StorySummary]]:
        keys = dict(sorted(keys.items(), key=lambda kv: (-kv[1], kv[0]))[:200])
        if not keys:
            return []
        since = (when - window) if when is not None else datetime(1, 1, 2, tzinfo=UTC)
        table = StoryKey._meta.db_table
        one = (f"SELECT key, story_id, last_seen FROM (SELECT key, story_id, last_seen FROM {table} WHERE key = %s "
               f"AND last_seen >= %s ORDER BY last_seen DESC LIMIT {int(self.per_key)}) AS q{{n}}")
        sql = " UNION ALL ".join(one.format(n=n) for n in range(len(keys)))
        params = [value for key in keys for value in (key, since)]
        shared: dict[int, float] = {}
        recency: dict[int, object] = {}
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for key, story_id, last_seen in cursor.fetchall():
                shared[story_id] = shared.get(story_id, 0.0) + keys[key]
                recency[story_id] = last_seen
        ranked = sorted(shared, key=lambda s: (-shared[s], _negated(recency[s]), s))[: self.limit]
        summaries = self._summaries(ranked)
        return [(story_id, summaries[story_id]) for story_id in ranked if summaries.get(story_id)]

    def _summaries(self, ids: list[int]) -> dict[int, StorySummary]:
        """Summaries by story id, parsed once per version: a candidate story is looked up far more often than it
        changes, and parsing its JSON would otherwise be the largest cost of a lookup."""
        versions = dict(Story.objects.filter(id__in=ids).values_list("id", "version"))
        stale = [i for i in ids if i in versions and _CACHE.get(i, (None,))[0] != versions[i]]
        if stale:
            for story_id, version, summary in Story.objects.filter(id__in=stale).values_list("id", "version", "summary"):
                _CACHE[story_id] = (version, StorySummary.from_dict(summary) if summary else None)
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.pop(next(iter(_CACHE)))
        return {i: _CACHE[i][1] for i in ids if i in versions and _CACHE.get(i, (None,))[0] == versions[i]}

    def get(self, story_id: int) -> StorySummary:
        return self._summaries([story_id])[story_id]

    def add(self, story_id: int, summary: StorySummary) -> None:
        self.update(story_id, summary, old_keys=set())

    def update(self, story_id: int, summary: StorySummary, old_keys: set[str] | None = None) -> None:
        table = StoryKey._meta.db_table
        new_keys = summary.keys(self.terms_per_story, self.entities_per_story)
        Story.objects.filter(id=story_id).update(summary=summary.to_dict(), first_seen=summary.first_seen,
                                                 last_seen=summary.last_seen, article_count=summary.size,
                                                 version=new_version())
        with connection.cursor() as cursor:
            if old_keys is None:
                cursor.execute(f"SELECT key FROM {table} WHERE story_id = %s", [story_id])
                old_keys = {row[0] for row in cursor.fetchall()}
            gone = sorted(old_keys - new_keys)
            if gone:
                placeholders = ", ".join(["%s"] * len(gone))
                cursor.execute(f"DELETE FROM {table} WHERE story_id = %s AND key IN ({placeholders})",
                               [story_id, *gone])
            cursor.execute(f"UPDATE {table} SET last_seen = %s WHERE story_id = %s", [summary.last_seen, story_id])
            cursor.executemany(f"INSERT INTO {table} (story_id, key, last_seen) VALUES (%s, %s, %s)",
                               [(story_id, key, summary.last_seen) for key in sorted(new_keys - old_keys)])

    def remove(self, story_id: int) -> None:
        StoryKey.objects.filter(story_id=story_id).delete()


def _negated(moment) -> float:
    if moment is None:
        return 0.0
    if isinstance(moment, str):  # SQLite returns raw values from a cursor
        moment = datetime.fromisoformat(moment)
    return -moment.timestamp()
