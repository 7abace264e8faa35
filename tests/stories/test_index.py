"""What a worker knows of the clustering state (stories/index.py): it never changes an answer, and it is dropped when
anyone else changes the state."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sociose.stories import actions, index
from sociose.stories.clustering import MemoryTermStats, StorySummary, posting_time
from sociose.stories.index import DbStoryIndex, DbTermStats, Known, clustering_state
from sociose.stories.models import ArticleEntity, ClusteringState, Membership, Story, StoryKey, TermStat
from tests.factories import giveme_articles
from tests.stories.test_story_actions import events, partition, store

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
WORDS = "flood rain river dam".split()


@contextmanager
def worker(known: Known):
    """Run as a worker whose memory is `known` (each worker process has its own)."""
    saved = index._known()
    index._LOCAL.known = known
    try:
        yield
    finally:
        index._LOCAL.known = saved


def from_the_database(index_: DbStoryIndex, keys, when):
    """The lookup as a worker that knows nothing gives it: straight from the database."""
    with worker(Known()):
        return [story_id for story_id, _ in index_.candidates(keys, when, timedelta(days=30))]


operation = st.one_of(
    st.tuples(st.just("add"), st.sets(st.sampled_from(WORDS), min_size=1, max_size=4), st.integers(0, 5)),
    st.tuples(st.just("update"), st.sets(st.sampled_from(WORDS), min_size=1, max_size=4), st.integers(0, 5),
              st.integers(0, 50)),
    st.tuples(st.just("remove"), st.integers(0, 50)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(per_key=st.sampled_from([1, 2, 3, 64]), stories_known=st.sampled_from([1, index.KNOWN_STORIES]),
       operations=st.lists(st.tuples(operation, st.booleans()), min_size=1, max_size=30),
       query=st.sets(st.sampled_from(WORDS), min_size=1, max_size=5))
# A story outside the newest posting it knows moves up, but not past it: the worker must not take it for the
# next newest, which it does not know (the story at 3); then the newest goes.
@example(per_key=1, stories_known=index.KNOWN_STORIES, query={"flood"}, operations=[(op, True) for op in [
    ("add", {"flood"}, 5), ("add", {"flood"}, 0), ("add", {"flood"}, 3), ("update", {"flood"}, 1, 1), ("remove", 0)]])
def test_what_a_worker_knows_never_changes_a_lookup(monkeypatch, per_key, stories_known, operations, query):
    """Stories added, moved to other keys and times (later or earlier: a split moves a story back), removed, over
    several transactions: after each step the lookup from what the worker knows (postings not written yet included)
    is the database's own once they are written, which happens at steps drawn at random and at each transaction's
    end. Few words and few distinct times, half an hour apart, so that keys overflow `per_key`, times tie and a story
    moves within the hour its postings carry; the worker keeps the postings of all its stories or of only the last one
    written."""
    monkeypatch.setattr(index, "KNOWN_STORIES", stories_known)
    with transaction.atomic():
        live: list[int] = []
        db = DbStoryIndex(per_key=per_key, limit=5)
        keys = {"t:" + word: 1000 - n for n, word in enumerate(sorted(query))}
        when = T0 + timedelta(hours=6)
        me = Known()
        steps = [operations[i:i + 6] for i in range(0, len(operations), 6)]  # a transaction every six steps
        with worker(me):
            for step in steps:
                with clustering_state():
                    for op, write in step:
                        if op[0] == "add":
                            story_id = actions._new_story_id()
                            db.add(story_id, StorySummary(centroid=dict.fromkeys(op[1], 1.0),
                                                          first_seen=T0, last_seen=half_hours(op[2]), size=1))
                            live.append(story_id)
                        elif op[0] == "update" and live:
                            story_id = live[op[3] % len(live)]
                            db.update(story_id, StorySummary(centroid=dict.fromkeys(op[1], 1.0), first_seen=T0,
                                                             last_seen=half_hours(op[2]), size=2))
                        elif op[0] == "remove" and live:
                            db.remove(live.pop(op[1] % len(live)))
                        known = [story_id for story_id, _ in db.candidates(keys, when, timedelta(days=30))]
                        if write:
                            index.write_postings()
                            assert_written(db, live)
                            assert known == from_the_database(db, keys, when), op
                assert_written(db, live)
                assert known == from_the_database(db, keys, when)
        transaction.set_rollback(True)


def half_hours(n: int) -> datetime:
    return T0 + timedelta(minutes=30 * n)


def assert_written(db: DbStoryIndex, live: list[int]) -> None:
    """What the worker knew of each story's postings moved the right ones: the database holds its summary's keys, at
    its last_seen."""
    for story_id in live:
        summary = db.get(story_id)
        postings = StoryKey.objects.filter(story_id=story_id)
        assert set(postings.values_list("key", flat=True)) == summary.keys(db.terms_per_story, db.entities_per_story)
        assert set(postings.values_list("last_seen", flat=True)) == {posting_time(summary.last_seen)}


def test_postings_are_written_once_per_transaction_or_before_a_lookup_reads_them():
    """A story's postings are written when the transaction ends, or as soon as a lookup has to read one of their keys
    from the database; the lookup then finds the story where it now is."""
    db = DbStoryIndex()
    with worker(Known()):
        with transaction.atomic(), clustering_state():
            story_id = actions._new_story_id()
            db.add(story_id, StorySummary(centroid={"flood": 1.0, "rain": 0.5}, first_seen=T0, last_seen=T0, size=1))
            db.update(story_id, StorySummary(centroid={"flood": 1.0, "dam": 0.7}, first_seen=T0,
                                             last_seen=T0 + timedelta(hours=2), size=2))
            assert not StoryKey.objects.filter(story_id=story_id).exists()  # not yet
            # the worker has never read "t:dam": the lookup reads the database, which must hold the story's postings
            found = db.candidates({"t:dam": 1}, T0 + timedelta(hours=3), timedelta(days=1))
            assert [found_id for found_id, _ in found] == [story_id]
            db.update(story_id, StorySummary(centroid={"flood": 1.0, "river": 0.7}, first_seen=T0,
                                             last_seen=T0 + timedelta(hours=4), size=3))
        assert set(StoryKey.objects.filter(story_id=story_id).values_list("key", "last_seen")) == {
            ("t:flood", T0 + timedelta(hours=4)), ("t:river", T0 + timedelta(hours=4))}


def test_postings_carry_the_hour_and_move_only_when_a_story_is_active_in_a_new_one():
    from django.test.utils import CaptureQueriesContext

    db = DbStoryIndex()
    summary = StorySummary(centroid={"flood": 1.0}, first_seen=T0, last_seen=T0 + timedelta(minutes=10), size=1)
    story_id = actions._new_story_id()
    db.add(story_id, summary)
    with CaptureQueriesContext(connection) as queries:
        db.update(story_id, replace(summary, last_seen=T0 + timedelta(minutes=40), size=2))
    writes = [q["sql"] for q in queries if StoryKey._meta.db_table in q["sql"] and not q["sql"].startswith("SELECT")]
    assert writes == []  # same keys, same hour: nothing to write
    assert set(StoryKey.objects.values_list("last_seen", flat=True)) == {T0}
    # the window is kept to the hour too: a story active at 12:40 is in a window that starts at 12:30
    window = timedelta(days=30)  # from_the_database's
    assert from_the_database(db, {"t:flood": 1}, T0 + timedelta(minutes=30) + window) == [story_id]
    assert from_the_database(db, {"t:flood": 1}, T0 + timedelta(minutes=60) + window) == []
    db.update(story_id, replace(summary, last_seen=T0 + timedelta(minutes=70), size=3))
    assert set(StoryKey.objects.values_list("last_seen", flat=True)) == {T0 + timedelta(hours=1)}


def test_term_counts_kept_in_memory_are_written_when_the_transaction_ends():
    documents = [["a", "b"], ["b", "c"], ["a", "b", "c"], ["c"], ["d", "a"]]
    memory = MemoryTermStats()
    with worker(Known()):
        for batch in (documents[:2], documents[2:]):  # the second transaction counts known terms in memory
            with transaction.atomic(), clustering_state():
                stats = DbTermStats()
                for document in batch:
                    stats.add_document(document)
                    memory.add_document(document)
                    # every frequency the worker knows (here, all of them), the document's own just counted
                    assert [stats.idf(key) for key in "abcd"] == [memory.idf(key) for key in "abcd"]
                    assert stats.idfs(document) == memory.idfs(document) == [memory.idf(k) for k in document]
    assert dict(TermStat.objects.values_list("term", "documents")) == {"": 5, **memory.df}


def test_workers_taking_turns_give_the_stories_one_worker_gives():
    """Each worker drops what it knows when the other has written since: otherwise the postings it keeps would miss
    the other's stories."""
    records = [r for group in list(events(giveme_articles()).values())[:4] for r in group]
    articles = [store(r) for r in records]
    for article in articles:
        actions.assign_story(article)
    one_worker = dict(Membership.objects.values_list("article_id", "story_id"))
    Membership.objects.all().delete()  # forget every story; the articles are assigned again, taking turns
    Story.objects.all().delete()
    TermStat.objects.all().delete()
    ArticleEntity.objects.all().delete()
    first, second = Known(), Known()
    for n, article in enumerate(articles):
        with worker(first if n % 3 else second):
            actions.assign_story(article)
    assert partition(dict(Membership.objects.values_list("article_id", "story_id"))) == partition(one_worker)


def test_a_story_deleted_by_an_editor_is_forgotten():
    """Deleting outside the engine (the admin, a script) makes every worker read the state afresh."""
    group = list(events(giveme_articles()).values())[0][:3]
    articles = [store(record) for record in group]
    story_id = actions.assign_story(articles[0]).story_id
    Story.objects.filter(id=story_id).delete()
    membership = actions.assign_story(articles[1])
    assert membership.story_id != story_id and Story.objects.filter(id=membership.story_id).exists()


def test_an_error_in_a_transaction_forgets_what_it_learnt():
    actions.assign_story(store(list(events(giveme_articles()).values())[0][0]))
    with pytest.raises(RuntimeError), actions._locked():
        DbTermStats().add_document(["t:rolled-back"])
        raise RuntimeError("the transaction rolls back")
    assert index._known().df == {} and index._known().generation is None
    assert not TermStat.objects.filter(term="t:rolled-back").exists()


@pytest.mark.parametrize("table", ["stories_story", "stories_storykey", "stories_termstat"])
def test_every_delete_from_the_state_outside_the_engine_resets_the_generation(table):
    """The triggers of migrations 0003 (and 0004, which rebuilds stories_story on SQLite) are all in place: a row
    deleted by plain SQL, with nothing cascading, makes every worker read the state afresh."""
    story = Story.objects.create(first_seen=T0, last_seen=T0)
    StoryKey.objects.create(story=story, key="t:flood", last_seen=T0)
    TermStat.objects.create(term="t:flood", documents=1)
    ClusteringState.objects.update_or_create(id=1, defaults={"generation": 42})
    column, row = {"stories_story": ("id", story.id), "stories_storykey": ("id", StoryKey.objects.get().id),
                   "stories_termstat": ("term", "t:flood")}[table]
    if table == "stories_story":
        StoryKey.objects.all().delete()  # (the keys' own trigger fires here: set the generation again)
        ClusteringState.objects.filter(id=1).update(generation=42)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", [row])
    assert ClusteringState.objects.get(id=1).generation == 0


@contextmanager
def database_zone(zone: str | None):
    """The connection's time zone (the DATABASES TIME_ZONE setting) for a while."""
    wrapper = connections[DEFAULT_DB_ALIAS]  # not the proxy `connection`: the cached zone is the wrapper's
    saved = wrapper.settings_dict["TIME_ZONE"]
    wrapper.settings_dict["TIME_ZONE"] = zone
    for name in ("timezone", "timezone_name"):
        wrapper.__dict__.pop(name, None)
    try:
        yield
    finally:
        wrapper.settings_dict["TIME_ZONE"] = saved
        for name in ("timezone", "timezone_name"):
            wrapper.__dict__.pop(name, None)


@pytest.mark.parametrize("zone", [None, "America/New_York"])
def test_a_postings_time_reads_as_the_time_the_orm_reads(zone):
    """Postings' times are read without Django's converters (stories/index.py, `_read_micros`). Whatever form a time
    was stored in (by the ORM: in the connection's zone; by a raw statement: with its offset), it reads as the
    microseconds of the time the ORM reads."""
    if zone and connection.vendor != "sqlite":
        pytest.skip("a database zone other than UTC is SQLite's own: PostgreSQL stores times with their zone")
    story = Story.objects.create(first_seen=T0, last_seen=T0)
    times = [T0, T0 + timedelta(microseconds=250), datetime(2026, 3, 1, 17, 30, 0, 5, tzinfo=ZoneInfo("Asia/Kolkata")),
             datetime(1969, 7, 20, 20, 17, 40, 999_999, tzinfo=UTC)]  # before 1970: negative microseconds
    with database_zone(zone):
        for n, when in enumerate(times):
            StoryKey.objects.create(story=story, key=f"t:orm{n}", last_seen=when)
            with connection.cursor() as cursor:  # as the index writes a posting's time
                cursor.execute("INSERT INTO stories_storykey (story_id, key, last_seen) VALUES (%s, %s, %s)",
                               [story.id, f"t:raw{n}", when])
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT key, {index._stamp_column('last_seen')} FROM stories_storykey")
            read = {key: index._read_micros(value) for key, value in cursor.fetchall()}
        orm = {key: index._micros(value) for key, value in StoryKey.objects.values_list("key", "last_seen")}
    assert read == orm
    assert sorted(set(read.values())) == [index._micros(when) for when in sorted(times)]
