"""The clustering engine's state in the database: term statistics and the inverted index of stories.

These implement `clustering.TermStats` and `clustering.StoryIndex` with a few raw SQL statements each, because
they run for every article on the ingest hot path (the ORM's per-query overhead would be most of the cost).
The cost of one lookup does not grow with the archive: each key's postings are read newest first, at most
INDEX_PER_KEY of them, from an index on (key, last_seen, id, story) that holds everything a lookup reads: no table
row is visited per posting (at a million articles those visits were most of a lookup).

What a worker has read and written is also kept in its memory (`Known`): each looked-up key's newest postings, the
document frequencies, the stories' versions. Inside a locked clustering transaction (`clustering_state`) the engine
reads from there, and the database only for what it does not know yet. Writes go to the database at once, except two
kinds that are written once, at the end of the transaction: the frequency counts of terms already known, added up; and
the stories' postings (`Unwritten`), which are also written before a lookup reads any of their keys from the database,
so that a story several articles of a batch join has its postings moved once. (The story rows are written once per
transaction too, when the caller asks for it: `DbStoryIndex(defer_rows=True)`.) What is known stays true only while no
one else changes the state: every transaction that changes it writes a new random `ClusteringState.generation`, and the
next transaction drops everything known when the generation is not the one this worker wrote. A lone worker (a small
site, a backlog) keeps what it knows from batch to batch; workers that take turns read from the database as they would
without it. A process keeps what it knows in bounded memory (the least recently used keys are dropped).
"""

from __future__ import annotations

import bisect
import heapq
import json
import math
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from sociose.stories.clustering import (
    INDEX_ENTITIES,
    INDEX_LIMIT,
    INDEX_PER_KEY,
    INDEX_TERMS,
    StorySummary,
    posting_time,
    smoothed_idfs,
)
from sociose.stories.models import ClusteringState, Story, StoryKey, TermStat

# Parsed summaries of recently seen stories, per process: story id -> (version, summary). Bounded; the oldest go first.
_CACHE: dict[int, tuple[int, StorySummary | None]] = {}
_CACHE_SIZE = 20_000

# Bounds of what a worker keeps between transactions, about 85 MB in all when every one is reached (measured with
# tracemalloc: 170 bytes a posting, 135 a term, 125 a version, 6 kB a story's postings).
KNOWN_POSTINGS = 200_000
KNOWN_TERMS = 200_000
KNOWN_VERSIONS = 100_000
KNOWN_STORIES = 2_000

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)
_MICROSECOND = timedelta(microseconds=1)


def new_version() -> int:
    """A fresh random version: unlike a counter, a version written by a transaction that rolled back never comes
    back with other contents, so a cached summary can never be mistaken for a newer one."""
    return secrets.randbits(62)


# The helpers below take the connection (`db`) from a caller that uses it several times: each use of Django's
# `connection` proxy looks the thread's connection up again (an exception raised and caught inside asgiref and Django
# every time), about 4 microseconds, which a statement or two per article add up.

def database():
    """This thread's default connection, looked up once: for code that uses it many times."""
    return connections[DEFAULT_DB_ALIAS]


def read_datetime(value, db=connection) -> datetime | None:
    """A datetime column read with a raw cursor, as the ORM would return it (SQLite hands back text)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, db.timezone)
    return value


def write_datetime(value: datetime | None, db=connection):
    """A datetime as the ORM writes it (SQLite: naive UTC text), for raw statements."""
    return db.ops.adapt_datetimefield_value(value)


def write_json(model, field: str, value, db=connection):
    """A JSON value as the ORM writes it into `model.field`, for raw statements."""
    return model._meta.get_field(field).get_db_prep_save(value, db)


def in_list(column: str, values: list, sql_type: str) -> tuple[str, list]:
    """`column IN (values)` as SQL whose text does not depend on how many values there are, and its parameters.
    SQLite keeps a small cache of prepared statements keyed by their text: statements whose text changed with the
    length of a list would push the costly ones (the candidate lookup) out of it."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::{sql_type}[])", [values]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(values)]  # SQLite


def _micros(value: datetime) -> int:
    """A time as whole microseconds since 1970: exact, and ordered as the database orders the times."""
    return (value - _EPOCH) // _MICROSECOND


def _stamp_column(column: str) -> str:
    """How to select a time column that `_read_micros` turns into microseconds, without the converter Django registers
    for the column's type (a posting lookup reads thousands of times). PostgreSQL computes the microseconds itself:
    EXTRACT gives the epoch as an exact numeric, and Django's loader for timestamptz would otherwise parse each time in
    Python (psycopg's pure-Python loader, which it subclasses). SQLite hands over its bare text."""
    if connection.vendor == "postgresql":
        return f"(EXTRACT(EPOCH FROM {column}) * 1000000)::bigint"
    return f"CAST({column} AS TEXT)"


def _read_micros(value) -> int:
    """`_micros` of a time selected with `_stamp_column`. PostgreSQL's is already an integer. SQLite's text is a time
    with its offset, or one in the connection's zone (UTC unless configured otherwise): either is read as fast as
    Python parses an ISO time."""
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
        if value.tzinfo is not None:
            return _micros(value)
        if connection.timezone is UTC:
            return (value - _NAIVE_EPOCH) // _MICROSECOND
    return _micros(read_datetime(value))


def _remember(story_id: int, version: int, summary: StorySummary | None) -> None:
    _CACHE[story_id] = (version, summary)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))


# --- what a worker knows -------------------------------------------------------------------------------------------

# A posting as a worker keeps it: (last_seen in microseconds, -story id). A key's postings are kept in a list in
# ascending order of that tuple, the oldest first: read backwards, it is the order the database reads them in (newest
# first, the lowest story id first among equal times).
Posting = tuple[int, int]


@dataclass
class Unwritten:
    """A story whose postings changed in this transaction and are not written yet: they are written once, when the
    transaction ends or when a read of the database needs them, however many of the batch's articles it took."""

    written: dict[str, int]  # its postings as the database holds them: key -> last_seen in microseconds
    keys: set[str]  # its keys now
    last_seen: datetime  # their time now (`posting_time`)
    touched: set[str] = field(default_factory=set)  # every key it had in this transaction, written or not


class Known:
    """What one worker knows of the clustering state (see the module docstring). `postings[key]` holds the key's
    newest postings, the newest `len` of them: every posting the key has when the key is in `complete`."""

    def __init__(self) -> None:
        self.generation: int | None = None
        self.open = False
        self.per_key = INDEX_PER_KEY
        self.df: dict[str, int] = {}  # term -> documents, including `pending`
        self.pending: dict[str, int] = {}  # documents counted in this transaction and not written yet
        self.postings: dict[str, list[Posting]] = {}  # least recently used first
        self.complete: set[str] = set()
        self.posting_count = 0
        self.versions: dict[int, int] = {}  # story id -> its summary's version
        # story id -> its postings, key -> last_seen in microseconds; least recently written first
        self.stories: dict[int, dict[str, int]] = {}
        self.unwritten: dict[int, Unwritten] = {}  # stories whose postings this transaction changed, not written yet
        self.unwritten_by_key: dict[str, set[int]] = {}  # key -> the unwritten stories that touched it

    def forget(self) -> None:
        """Forget everything, the unwritten postings too (the transaction is rolling back, or its stories are all
        being deleted)."""
        self.generation = None
        self.df, self.pending, self.postings, self.complete, self.versions = {}, {}, {}, set(), {}
        self.posting_count = 0
        self.stories = {}
        self.unwritten, self.unwritten_by_key = {}, {}

    def touch(self, story_id: int, keys: Iterable[str]) -> None:
        unwritten = self.unwritten[story_id]
        for key in keys:
            if key not in unwritten.touched:
                unwritten.touched.add(key)
                self.unwritten_by_key.setdefault(key, set()).add(story_id)

    def take_unwritten(self, story_id: int) -> Unwritten | None:
        unwritten = self.unwritten.pop(story_id, None)
        if unwritten is not None:
            for key in unwritten.touched:
                stories = self.unwritten_by_key[key]
                stories.discard(story_id)
                if not stories:
                    del self.unwritten_by_key[key]
        return unwritten

    def keep_story(self, story_id: int, postings: dict[str, int]) -> None:
        self.stories.pop(story_id, None)
        self.stories[story_id] = postings
        if len(self.stories) > KNOWN_STORIES:
            del self.stories[next(iter(self.stories))]

    def keep(self, key: str, postings: list[Posting], complete: bool) -> None:
        self.drop(key)
        self.postings[key] = postings
        self.posting_count += len(postings)
        if complete:
            self.complete.add(key)
        while self.posting_count > KNOWN_POSTINGS and len(self.postings) > 1:
            self.drop(next(iter(self.postings)))

    def drop(self, key: str) -> None:
        postings = self.postings.pop(key, None)
        if postings is not None:
            self.posting_count -= len(postings)
        self.complete.discard(key)

    def add_posting(self, key: str, posting: Posting) -> None:
        """A posting the key gained (a new key of a story, or a story's posting at a new time), if the key is known."""
        postings = self.postings.get(key)
        if postings is None:
            return
        if key not in self.complete and (not postings or posting < postings[0]):
            return  # older than every posting known: postings not known may lie between
        bisect.insort(postings, posting)
        self.posting_count += 1
        if len(postings) > 2 * self.per_key:  # keep the newest per_key: still the key's newest
            cut = len(postings) - self.per_key
            del postings[:cut]
            self.posting_count -= cut
            self.complete.discard(key)

    def remove_posting(self, key: str, posting: Posting) -> None:
        postings = self.postings.get(key)
        if postings is None:
            return
        at = bisect.bisect_left(postings, posting)
        if at < len(postings) and postings[at] == posting:
            del postings[at]
            self.posting_count -= 1
        if key not in self.complete and len(postings) < self.per_key:
            self.drop(key)  # the key may have older postings, not known, that now belong to its newest


_LOCAL = threading.local()


def _known() -> Known:
    known = getattr(_LOCAL, "known", None)
    if known is None:
        known = _LOCAL.known = Known()
    return known


def _open_known() -> Known | None:
    """What this worker knows, inside a clustering transaction; None outside one (read the database instead)."""
    known = _known()
    return known if known.open else None


def forget_known() -> None:
    """Forget what this worker knows (after changing the state other than through DbStoryIndex and DbTermStats)."""
    _known().forget()


@contextmanager
def clustering_state() -> Iterator[None]:
    """Use and keep what this worker knows for the length of a locked clustering transaction: call it just after
    taking the clustering lock, inside the transaction. Forgets everything on an error (the transaction rolls back)."""
    known = _known()
    if known.open:  # nested in a transaction that already does this
        yield
        return
    state = ClusteringState._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT generation FROM {state} WHERE id = 1")
        row = cursor.fetchone()
    if row is None or row[0] != known.generation:
        known.forget()
    if len(known.df) > KNOWN_TERMS:
        known.df = {}
    if len(known.versions) > KNOWN_VERSIONS:
        known.versions = {}
    known.open = True
    try:
        yield
        _write_postings(known, sorted(known.unwritten))
        _flush_counts(known)
        generation = new_version()
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {state} SET generation = %s WHERE id = 1", [generation])
            if cursor.rowcount == 0:
                cursor.execute(f"INSERT INTO {state} (id, generation) VALUES (1, %s)", [generation])
        known.generation = generation
    except BaseException:
        known.forget()
        raise
    finally:
        known.open = False


def write_postings() -> None:
    """Write the postings that this worker's current clustering transaction changed and has not written yet (its end
    writes them; before then the database's postings are those of the transaction's start, for those stories)."""
    known = _open_known()
    if known is not None:
        _write_postings(known, sorted(known.unwritten))


def _write_postings(known: Known, story_ids: list[int]) -> None:
    """Write these unwritten stories' postings: in one statement on PostgreSQL (the stories' rows are disjoint)."""
    writes = []
    for story_id in story_ids:
        unwritten = known.take_unwritten(story_id)
        if unwritten is not None:
            writes += _posting_writes(story_id, unwritten.written, unwritten.keys, unwritten.last_seen)
    if writes:
        with connection.cursor() as cursor:
            _execute(cursor, writes)


def _posting_writes(story_id: int, written: dict[str, int], keys: set[str], last_seen: datetime) -> list:
    """The statements that turn a story's postings from `written` (key -> last_seen in microseconds) into `keys` at
    `last_seen`: delete the keys it lost, move the others to the new time, insert the new keys."""
    table = StoryKey._meta.db_table
    writes = []
    stamp = _micros(last_seen)
    gone = sorted(written.keys() - keys)
    if gone:
        where, params = in_list("key", gone, "text")
        writes.append((f"DELETE FROM {table} WHERE story_id = %s AND {where}", [story_id, *params]))
    if any(old_stamp != stamp for key, old_stamp in written.items() if key in keys):
        move = (f"UPDATE {table} SET last_seen = %s WHERE story_id = %s", [last_seen, story_id])
        if gone and connection.vendor == "postgresql":  # not the postings deleted above: one snapshot there
            move = (move[0] + f" AND NOT ({where})", move[1] + params)
        writes.append(move)
    added = sorted(keys - written.keys())
    if added:
        if connection.vendor == "postgresql":
            writes.append((f"INSERT INTO {table} (story_id, key, last_seen) SELECT %s, unnest(%s::text[]), %s",
                           [story_id, added, last_seen]))
        else:
            writes.append((f"INSERT INTO {table} (story_id, key, last_seen) SELECT %s, value, %s FROM json_each(%s)",
                           [story_id, last_seen, json.dumps(added)]))
    return writes


def _execute(cursor, writes: list) -> None:
    """Run these writes: as one statement on PostgreSQL, where data-modifying WITH clauses all run, to completion,
    whatever the last statement reads (a round trip each would be a large part of their cost there)."""
    if connection.vendor == "postgresql" and len(writes) > 1:
        *first, last = writes
        cursor.execute("WITH " + ", ".join(f"w{n} AS ({sql})" for n, (sql, _) in enumerate(first)) + " " + last[0],
                       [param for _, params in writes for param in params])
    else:
        for sql, params in writes:
            cursor.execute(sql, params)


def _flush_counts(known: Known) -> None:
    """Write the document counts added up in memory (terms in sorted order, so writers cannot deadlock)."""
    if not known.pending:
        return
    counts = sorted(known.pending.items())
    known.pending = {}
    table = TermStat._meta.db_table
    upsert = f"ON CONFLICT (term) DO UPDATE SET documents = {table}.documents + excluded.documents"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"INSERT INTO {table} (term, documents) SELECT * FROM unnest(%s::text[], %s::int[]) "
                           + upsert, [[term for term, _ in counts], [count for _, count in counts]])
        else:  # SQLite
            cursor.execute(f"INSERT INTO {table} (term, documents) SELECT json_extract(value, '$[0]'), "
                           f"json_extract(value, '$[1]') FROM json_each(%s) WHERE true " + upsert,
                           [json.dumps(counts)])


# --- the state interfaces ------------------------------------------------------------------------------------------


class DbTermStats:
    """Document frequencies in the TermStat table. `add_document` counts an article and learns the frequencies it
    bumped, so the `idf` calls that follow for the same article need no further query: for terms this worker does
    not know yet, by one statement that counts and reads back; for those it knows, in memory (written at the end
    of the transaction)."""

    def __init__(self) -> None:
        self.df: dict[str, int] = {}
        self.documents = 0

    def add_document(self, keys: Iterable[str]) -> None:
        rows = set(keys)
        rows.add("")  # the row that counts the articles
        known = _open_known()
        # the rows are written sorted: concurrent writers touch them in one order, so they cannot deadlock
        if known is None:
            df = self._count(sorted(rows))
            self.documents = df.pop("", 0)
            self.df = df
            return
        df, pending = known.df, known.pending
        missing = []
        for key in rows:
            if key in df:
                df[key] += 1
                pending[key] = pending.get(key, 0) + 1
            else:
                missing.append(key)
        if missing:
            df.update(self._count(sorted(missing)))
        # Every frequency this worker knows, as of this article: the IDF of the article's keys, asked next, reads them
        # (the "" row, the article count, is no key of any article)
        self.documents = df[""]
        self.df = df

    @staticmethod
    def _count(rows: list[str]) -> dict[str, int]:
        """Count one more document for each of these keys in the table, and return their new frequencies."""
        table = TermStat._meta.db_table
        upsert = (f"ON CONFLICT (term) DO UPDATE SET documents = {table}.documents + 1 RETURNING term, documents")
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"INSERT INTO {table} (term, documents) SELECT unnest(%s::text[]), 1 " + upsert, [rows])
            else:  # SQLite: one statement text whatever the number of keys (see in_list)
                cursor.execute(f"INSERT INTO {table} (term, documents) SELECT value, 1 FROM json_each(%s) WHERE true "
                               + upsert, [json.dumps(rows)])
            return dict(cursor.fetchall())

    def load(self, keys: Iterable[str]) -> None:
        """Read the frequencies of these keys (and the article count) without counting a new document."""
        known = _open_known()
        if known is not None:
            _flush_counts(known)
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

    def idfs(self, keys: Iterable[str]) -> list[float]:
        return smoothed_idfs(self.documents, self.df, keys)


class DbStoryIndex:
    """Stories and their index keys in the Story and StoryKey tables."""

    def __init__(self, *, terms_per_story: int = INDEX_TERMS, entities_per_story: int = INDEX_ENTITIES,
                 per_key: int = INDEX_PER_KEY, limit: int = INDEX_LIMIT, defer_rows: bool = False,
                 finish_row: Callable[[int, dict], None] | None = None) -> None:
        self.terms_per_story, self.entities_per_story = terms_per_story, entities_per_story
        self.per_key, self.limit = per_key, limit
        # With `defer_rows`, `update` leaves the story row's summary columns in `rows`, and the caller adds the
        # columns it changes (`defer`): each story's row is written once, by `write_rows`, however many articles of
        # a transaction it took. The summary is turned into JSON only then. `finish_row(story_id, columns)` is called
        # on a row's columns just before they are written, to add what depends on all of them (the ranking score).
        self.defer_rows = defer_rows
        self.finish_row = finish_row
        self.rows: dict[int, dict] = {}

    def defer(self, story_id: int, columns: dict) -> None:
        """Columns of a story's row to write with the rest of its row (`write_rows`)."""
        self.rows.setdefault(story_id, {}).update(columns)

    def write_rows(self, story_ids: Iterable[int] | None = None) -> None:
        """Write the story rows left unwritten (those of `story_ids`, or all)."""
        story_ids = sorted(self.rows if story_ids is None else set(story_ids) & self.rows.keys())
        if not story_ids:
            return
        db = database()
        with db.cursor() as cursor:
            for story_id in story_ids:
                columns = self.rows.pop(story_id)
                if self.finish_row is not None:
                    self.finish_row(story_id, columns)
                summary = columns.get("summary")
                if isinstance(summary, StorySummary):
                    columns.update(summary=write_json(Story, "summary", summary.to_dict(), db),
                                   first_seen=write_datetime(summary.first_seen, db),
                                   last_seen=write_datetime(summary.last_seen, db), article_count=summary.size)
                cursor.execute(f"UPDATE {Story._meta.db_table} SET {', '.join(f'{c} = %s' for c in columns)} "
                               "WHERE id = %s", [*columns.values(), story_id])

    def _known(self) -> Known | None:
        known = _open_known()
        if known is not None and known.per_key != self.per_key:  # postings kept for another shape of index
            known.postings, known.complete, known.posting_count, known.per_key = {}, set(), 0, self.per_key
        return known

    def candidates(self, keys: Mapping[str, int], when: datetime | None,
                   window: timedelta) -> list[tuple[int, StorySummary]]:
        keys = sorted(keys.items(), key=lambda kv: (-kv[1], kv[0]))[:200]
        if not keys:
            return []
        since = _micros(posting_time(when - window)) if when is not None else None
        known = self._known()
        postings = self._postings([key for key, _ in keys], known)
        # Per key, its newest postings within the window; their weights (integers, so the sums are exact in any
        # order) summed per story; the best `limit` stories: most shared weight, then the most recently active,
        # then the lowest id. (A story's postings all carry its last_seen, to the hour: `posting_time`.)
        shared: dict[int, int] = {}
        seen: dict[int, int] = {}
        get = shared.get
        for key, weight in keys:
            found = postings.get(key)
            if not found:
                continue
            start = len(found) - self.per_key  # the newest per_key postings, of those within the window
            if since is not None:
                start = max(start, bisect.bisect_left(found, (since,)))
            for stamp, negative_id in found[max(start, 0):]:
                story_id = -negative_id
                shared[story_id] = get(story_id, 0) + weight
                seen[story_id] = stamp
        if not shared:
            return []
        cutoff = heapq.nlargest(self.limit, shared.values())[-1]
        pool = sorted(story_id for story_id, weight in shared.items() if weight >= cutoff)  # and all tied last
        pool.sort(key=seen.__getitem__, reverse=True)  # stable: the lowest id first among equals
        pool.sort(key=shared.__getitem__, reverse=True)
        ranked = pool[: self.limit]
        summaries = self._summaries(ranked)
        return [(story_id, summaries[story_id]) for story_id in ranked if summaries.get(story_id)]

    def _postings(self, keys: list[str], known: Known | None) -> dict[str, list[Posting]]:
        """Each key's newest postings (at least `per_key` of them, or all), from what this worker knows or read now."""
        if known is None:
            return self._read_postings(keys)
        found, missing = {}, []
        for key in keys:
            postings = known.postings.pop(key, None)
            if postings is None:
                missing.append(key)
            else:
                known.postings[key] = found[key] = postings  # now the most recently used
        if known.unwritten_by_key and missing:  # the database's postings of these keys must be up to date
            stale = set()
            for key in missing:
                stale.update(known.unwritten_by_key.get(key, ()))
            if stale:
                _write_postings(known, sorted(stale))
        for key, postings in self._read_postings(missing).items():
            known.keep(key, postings, complete=len(postings) < self.per_key)
            found[key] = postings
        return found

    def _read_postings(self, keys: list[str]) -> dict[str, list[Posting]]:
        """Each key's `per_key` newest postings, whatever their age, from the covering index alone."""
        if not keys:
            return {}
        table = StoryKey._meta.db_table
        newest = f"ORDER BY last_seen DESC, story_id LIMIT {int(self.per_key)}"
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Microseconds computed outside the subselect, which so reads each key's newest postings straight from
                # the index (sorting by a computed time, it would read all of them)
                cursor.execute(f"SELECT k.n, {_stamp_column('p.last_seen')}, p.story_id FROM unnest(%s::text[]) "
                               f"WITH ORDINALITY AS k(key, n) CROSS JOIN LATERAL (SELECT last_seen, story_id FROM "
                               f"{table} WHERE key = k.key {newest}) AS p", [keys])
                rows = [(n - 1, last_seen, story_id) for n, last_seen, story_id in cursor.fetchall()]
            else:
                stamp = _stamp_column("last_seen")
                cursor.execute(" UNION ALL ".join(f"SELECT {n}, * FROM (SELECT {stamp}, story_id FROM {table} "
                                                  f"WHERE key = %s {newest})" for n in range(len(keys))), keys)
                rows = cursor.fetchall()
        found: dict[str, list[Posting]] = {key: [] for key in keys}
        stamps: dict = {}  # a story's postings share one last_seen: read each once
        for n, last_seen, story_id in rows:
            stamp = stamps.get(last_seen)
            if stamp is None:
                stamp = stamps[last_seen] = _read_micros(last_seen)
            found[keys[n]].append((stamp, -story_id))
        for postings in found.values():
            postings.sort()
        return found

    def _summaries(self, ids: list[int]) -> dict[int, StorySummary]:
        """Summaries by story id, parsed once per version: a candidate story is looked up far more often than it
        changes, and parsing its JSON would otherwise be the largest cost of a lookup. The versions come from what
        this worker knows, else from the database."""
        if not ids:
            return {}
        table = Story._meta.db_table
        known = _open_known()
        versions = {i: known.versions[i] for i in ids if i in known.versions} if known is not None else {}
        with connection.cursor() as cursor:
            unknown = [i for i in ids if i not in versions]
            if unknown:
                where, params = in_list("id", unknown, "bigint")
                cursor.execute(f"SELECT id, version FROM {table} WHERE {where}", params)
                read = dict(cursor.fetchall())
                versions.update(read)
                if known is not None:
                    known.versions.update(read)
            stale = [i for i in ids if i in versions and _CACHE.get(i, (None,))[0] != versions[i]]
            if stale:
                if self.rows:  # a summary left unwritten and no longer cached: the database must hold it
                    self.write_rows(stale)
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
        self.update(story_id, summary, new=True)

    def update(self, story_id: int, summary: StorySummary, *, new: bool = False) -> None:
        """Store a story's summary and move its postings to its new keys and last_seen (`new`: it has none yet).
        Inside a clustering transaction the postings are written later (`Unwritten`): what the worker knows is
        updated at once, and lookups read the database only for keys whose postings are written."""
        new_keys = summary.keys(self.terms_per_story, self.entities_per_story)
        version = new_version()
        known = self._known()
        db = database()
        self.defer(story_id, {"summary": summary, "version": version})  # its times and size go with it
        if not self.defer_rows:
            self.write_rows([story_id])
        posted = posting_time(summary.last_seen)  # the postings' time: to the hour
        with db.cursor() as cursor:
            old = {} if new else self._postings_of(cursor, story_id, known)
            if known is None:
                _execute(cursor, _posting_writes(story_id, old, new_keys, posted))
        if known is not None:
            unwritten = known.unwritten.get(story_id)
            if unwritten is None:
                unwritten = known.unwritten[story_id] = Unwritten(old, new_keys, posted)
                known.touch(story_id, old)
            else:
                unwritten.keys, unwritten.last_seen = new_keys, posted
            known.touch(story_id, new_keys)
            stamp = _micros(posted)
            for key, old_stamp in old.items():  # a posting that stays as it was is left alone
                if old_stamp != stamp or key not in new_keys:
                    known.remove_posting(key, (old_stamp, -story_id))
            for key in new_keys:
                if old.get(key) != stamp:
                    known.add_posting(key, (stamp, -story_id))
            known.versions[story_id] = version
            known.keep_story(story_id, dict.fromkeys(new_keys, stamp))
        # The summary is stored as the JSON text written (core.fields.JSONTextField), so the one read back would equal
        # this one, key order and all (summaries are never changed in place): cache it under its new version.
        _remember(story_id, version, summary)

    @staticmethod
    def _postings_of(cursor, story_id: int, known: Known | None) -> dict[str, int]:
        """A story's postings, written or not: key -> last_seen in microseconds; forgotten by `known`, which is told
        them again when they change."""
        if known is None:
            postings = None
        elif story_id in known.unwritten:
            unwritten = known.unwritten[story_id]
            known.stories.pop(story_id, None)
            return dict.fromkeys(unwritten.keys, _micros(unwritten.last_seen))
        else:
            postings = known.stories.pop(story_id, None)
        if postings is not None:
            return postings
        cursor.execute(f"SELECT key, {_stamp_column('last_seen')} FROM {StoryKey._meta.db_table} WHERE story_id = %s",
                       [story_id])
        return {key: _read_micros(last_seen) for key, last_seen in cursor.fetchall()}

    def remove(self, story_id: int) -> None:
        known = self._known()
        with connection.cursor() as cursor:
            old = self._postings_of(cursor, story_id, known)
            cursor.execute(f"DELETE FROM {StoryKey._meta.db_table} WHERE story_id = %s", [story_id])
        if known is not None:
            known.take_unwritten(story_id)
            for key, stamp in old.items():
                known.remove_posting(key, (stamp, -story_id))
            known.versions.pop(story_id, None)
