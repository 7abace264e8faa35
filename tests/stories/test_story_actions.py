"""The story engine in the database: assignment, reprint counting, merge/split, recluster, ranking, related."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections import defaultdict
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from sociose.articles.actions import do_store_article
from sociose.articles.draft import ArticleDraft
from sociose.articles.models import Article
from sociose.stories import actions
from sociose.stories.clustering import Clusterer
from sociose.stories.models import ArticleEntity, Membership, Story, StoryEvent, StoryKey, TermStat
from tests.articles.test_store import edited_copy
from tests.factories import giveme_articles

pytestmark = pytest.mark.django_db


def events(records):
    grouped = defaultdict(list)
    for record in records:
        cluster = record["newsCluster"]
        cluster = ast.literal_eval(cluster) if isinstance(cluster, str) else cluster
        grouped[cluster["EventId"]].append(record)
    return dict(sorted(grouped.items(), key=lambda item: -len(item[1])))


def store(record, url=None, **overrides):
    fields = {"title": record["title"], "text": record["text"], **overrides}
    draft = ArticleDraft(url=url or record["url"], **fields)
    return do_store_article(draft, via="file").article


def partition(mapping: dict) -> set[frozenset]:
    groups = defaultdict(set)
    for item, group in mapping.items():
        groups[group].add(item)
    return {frozenset(g) for g in groups.values()}


def test_database_engine_gives_the_same_stories_as_the_in_memory_engine():
    records = [r for group in list(events(giveme_articles()).values())[:6] for r in group]
    articles = [store(r) for r in records]
    in_memory = Clusterer()
    memory_assignment = {a.id: in_memory.assign(actions.prepare(a).features).story_id for a in articles}
    for article in articles:
        actions.assign_story(article)
    db_assignment = dict(Membership.objects.values_list("article_id", "story_id"))
    assert partition(db_assignment) == partition(memory_assignment)


def test_articles_of_one_event_share_a_story_and_recluster_is_deterministic():
    groups = list(events(giveme_articles()).values())[:4]
    for group in groups:
        for record in group:
            actions.assign_story(store(record))
    first = partition(dict(Membership.objects.values_list("article__url", "story_id")))
    assert actions.recluster() == len(first)
    assert partition(actions.export_assignments()) == first
    actions.recluster()
    assert partition(actions.export_assignments()) == first
    # the biggest event is one story
    assert any({r["url"] for r in groups[0]} <= group for group in first)


@pytest.mark.parametrize("batch", [False, True])
def test_wire_copies_count_once_and_the_first_outlet_is_known(batch):
    long_reports = [[r for r in g if len(r["text"].split()) >= 300] for g in events(giveme_articles()).values()]
    wire, independent = next(g[:2] for g in long_reports if len(g) >= 2)
    start = timezone.now() - timedelta(hours=5)
    original = store(wire, url="https://wire.example/1", authors=["Associated Press"], published_at=start)
    copies = [store(wire, url=f"https://paper{n}.example/a", text=edited_copy(wire["text"], n),
                    published_at=start + timedelta(hours=n + 1)) for n in range(3)]
    own = store(independent, url="https://own.example/b", published_at=start + timedelta(hours=2))
    loaded = [Article.objects.get(id=article.id) for article in [original, *copies, own]]  # as a worker loads them
    if batch:  # one transaction: the story's row is written once, at its end
        actions.assign_stories(loaded)
    else:
        for article in loaded:
            actions.assign_story(article)
    story = Story.objects.get(memberships__article=original)
    assert set(Membership.objects.filter(story=story).values_list("article_id", flat=True)) == \
        {original.id, own.id, *(c.id for c in copies)}
    assert (story.article_count, story.independent_count, story.reprint_count, story.outlet_count) == (5, 2, 3, 5)
    assert (story.score_inputs["independent_reports"], story.score_inputs["reprints"]) == (2, 3)
    assert story.first_outlet.domain == "wire.example"
    assert not Membership.objects.get(article=original).is_reprint
    assert all(Membership.objects.get(article=c).is_reprint for c in copies)
    assert {Membership.objects.get(article=a).origin for a in [original, *copies]} == {"wire:AP"}


@pytest.mark.parametrize("batch", [True, False])
def test_a_story_row_follows_its_articles_whatever_order_they_arrive_in(batch):
    reports = next(g for g in events(giveme_articles()).values() if len(g) >= 3)[:3]
    start = timezone.now() - timedelta(hours=10)
    hours = [2, 0, 4]  # the earliest report arrives second, the latest last
    articles = [store(r, url=f"https://outlet{n}.example/a", published_at=start + timedelta(hours=h))
                for n, (r, h) in enumerate(zip(reports, hours, strict=True))]
    if batch:
        actions.assign_stories(articles)
    else:
        for article in articles:
            actions.assign_story(article)
    story = Story.objects.get(memberships__article=articles[0])
    assert Membership.objects.filter(story=story).count() == 3
    assert (story.first_seen, story.last_seen) == (start, start + timedelta(hours=4))
    assert story.first_outlet.domain == "outlet1.example" and story.title == reports[0]["title"]
    assert story.summary["size"] == story.article_count == 3
    assert 5.9 <= story.score_inputs["age_hours"] <= 6.5  # since the latest report, not the last to arrive
    assert story.score == story.score_inputs["score"] > 0


def test_a_copy_whose_original_is_not_assigned_yet_takes_the_original_origin():
    wire = next(g for g in events(giveme_articles()).values() if len(g[0]["text"].split()) >= 300)[0]
    start = timezone.now() - timedelta(hours=5)
    original = store(wire, url="https://wire.example/1", authors=["Associated Press"], published_at=start)
    copy = store(wire, url="https://paper.example/a", text=edited_copy(wire["text"], 1),
                 published_at=start + timedelta(hours=1))
    assert copy.reprint_of_id == original.id
    actions.assign_story(Article.objects.get(id=copy.id))
    assert Membership.objects.get(article=copy).origin == "wire:AP"


def test_merge_and_split_keep_every_article_in_exactly_one_story_and_are_recorded():
    a, b = list(events(giveme_articles()).values())[:2]
    for record in a + b:
        actions.assign_story(store(record))
    story_a = Story.objects.get(memberships__article__url=a[0]["url"])
    story_b = Story.objects.get(memberships__article__url=b[0]["url"])
    assert story_a != story_b
    total = Article.objects.count()
    in_a = set(Membership.objects.filter(story=story_a).values_list("article_id", flat=True))
    in_b = set(Membership.objects.filter(story=story_b).values_list("article_id", flat=True))

    kept = actions.do_merge_stories(story_a, story_b, reason="test merge")
    assert Membership.objects.count() == total
    assert set(Membership.objects.filter(story=kept).values_list("article_id", flat=True)) == in_a | in_b
    assert kept.article_count == len(in_a | in_b)
    story_b.refresh_from_db()
    assert story_b.merged_into == kept and story_b.article_count == 0

    moved = sorted(in_b)
    new = actions.do_split_story(kept, moved, reason="test split")
    assert Membership.objects.count() == total
    assert set(Membership.objects.filter(story=new).values_list("article_id", flat=True)) == set(moved)
    kept.refresh_from_db()
    assert kept.article_count + new.article_count == len(in_a | in_b)
    assert list(StoryEvent.objects.order_by("created_at").values_list("kind", flat=True)) == ["merge", "split"]
    with pytest.raises(ValueError):
        actions.do_split_story(new, moved, reason="would empty the story")


def split_event_in_two(records):
    """Two stories of one event: its reports and edited copies of them at other outlets assigned (one story), then
    the copies split off by an editor; returns the story of the reports and that of the copies."""
    reports = [store(record) for record in records]
    copies = [store(record, url=f"https://copy{n}.example/a", text=edited_copy(record["text"], n))
              for n, record in enumerate(records)]
    for article in reports + copies:
        actions.assign_story(article)
    story = Story.objects.get(memberships__article=reports[0])
    assert Membership.objects.filter(story=story).count() == len(reports + copies)
    new = actions.do_split_story(story, [copy.id for copy in copies], reason="test split")
    story.refresh_from_db()
    return story, new


@pytest.mark.parametrize("editor_split", [False, True])
def test_an_article_that_bridges_two_stories_of_one_event_merges_them_unless_an_editor_split_them(editor_split):
    group = next(g for g in events(giveme_articles()).values() if len(g) >= 4)
    first, second = split_event_in_two(group[:3])
    if not editor_split:  # as if the two stories had been built apart (two workers, an earlier engine)
        StoryEvent.objects.all().delete()
    membership = actions.assign_story(store(group[3]))
    alive = set(Story.objects.filter(merged_into=None, article_count__gt=0).values_list("id", flat=True))
    if editor_split:
        assert alive == {first.id, second.id} and membership.story_id in alive
        assert not StoryEvent.objects.filter(kind=StoryEvent.Kind.MERGE).exists()
    else:
        assert alive == {first.id}  # the older story is kept
        assert Membership.objects.filter(story=first).count() == 7
        merge = StoryEvent.objects.get(kind=StoryEvent.Kind.MERGE)
        assert (merge.story_id, merge.other_id, merge.automatic) == (first.id, second.id, True)


def test_top_stories_rank_breadth_against_age_and_pins_first():
    now = timezone.now()

    def story(independent, outlets, hours_ago, pinned=False):
        s = Story.objects.create(first_seen=now - timedelta(hours=hours_ago), last_seen=now - timedelta(hours=hours_ago),
                                 independent_count=independent, outlet_count=outlets, article_count=independent,
                                 pinned=pinned, title=f"{independent}/{hours_ago}h")
        actions._rescore(s, now=now)
        s.save()
        return s

    broad_fresh = story(8, 8, 1)
    narrow_fresh = story(1, 1, 1)
    broad_old = story(10, 10, 48)
    pinned_small = story(1, 1, 30, pinned=True)
    assert list(actions.top_stories()) == [pinned_small, broad_fresh, narrow_fresh, broad_old]
    assert broad_fresh.score_inputs["independent_reports"] == 8


def test_related_stories_never_include_the_story_itself():
    for group in list(events(giveme_articles()).values())[:8]:
        for record in group:
            actions.assign_story(store(record))
    for story in Story.objects.filter(merged_into=None):
        related = actions.related_stories(story)
        assert story not in related


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_on_postgresql_do_not_split_one_event():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency between worker processes is checked on PostgreSQL (CI runs it)")
    from sociose.stories.tasks import process_article

    group = list(events(giveme_articles()).values())[0][:12]
    for record in group:
        process_article.enqueue(store(record).id)
    database = settings.DATABASES["default"]
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    env = {**os.environ, "DATABASE_URL": url}
    workers = [subprocess.Popen([sys.executable, "-m", "sociose.cli", "worker", "--batch"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(3)]
    for worker in workers:
        assert worker.wait(timeout=120) == 0, worker.stderr.read()
    assert Membership.objects.count() == len(group)
    stories = set(Membership.objects.values_list("story_id", flat=True))
    in_memory = Clusterer()
    expected = {in_memory.assign(actions.prepare(a).features).story_id
                for a in Article.objects.select_related("outlet").order_by("id")}
    assert len(stories) == len(expected)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_assignments_of_one_event_make_one_story():
    """Pairs of articles that belong together, assigned at the same instant by two threads (two connections)."""
    if connection.vendor != "postgresql":
        pytest.skip("truly simultaneous transactions are checked on PostgreSQL (CI runs it)")
    import threading

    pairs = []
    for group in events(giveme_articles()).values():
        if len(group) >= 2:
            first, second = store(group[0]), store(group[1])
            memory = Clusterer()
            if len({memory.assign(actions.prepare(a).features).story_id for a in (first, second)}) == 1:
                pairs.append((first, second))
        if len(pairs) == 6:
            break
    assert len(pairs) == 6
    for first, second in pairs:
        barrier = threading.Barrier(2)
        errors = []

        def work(article, barrier=barrier, errors=errors):
            try:
                barrier.wait()
                actions.assign_story(article)
            except Exception as error:  # surfaced below; a thread's exception would otherwise vanish
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=work, args=(a,)) for a in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not errors
        assert Membership.objects.get(article=first).story_id == Membership.objects.get(article=second).story_id


def test_stories_export_and_recluster_commands():
    import json
    from io import StringIO

    from django.core.management import call_command

    group = list(events(giveme_articles()).values())[0][:5]
    for record in group:
        actions.assign_story(store(record))
    out = StringIO()
    call_command("stories", "export", stdout=out)
    exported = json.loads(out.getvalue())
    assert set(exported) == {r["url"] for r in group}
    out = StringIO()
    call_command("stories", "recluster", stdout=out)
    assert out.getvalue().strip() == f"{len(set(exported.values()))} stories"
    assert partition(actions.export_assignments()) == partition(exported)


def test_scores_are_refreshed_as_time_passes():
    story = Story.objects.create(first_seen=timezone.now() - timedelta(hours=30), independent_count=3,
                                 last_seen=timezone.now() - timedelta(hours=30), outlet_count=3, article_count=3)
    actions._rescore(story, now=story.last_seen)
    story.save()
    fresh = story.score
    assert actions.refresh_scores(window=timedelta(days=3)) == 1
    story.refresh_from_db()
    assert 0 < story.score < fresh and story.score_inputs["age_hours"] >= 30


def test_a_batch_gives_the_same_stories_as_one_article_at_a_time():
    records = [r for group in list(events(giveme_articles()).values())[:6] for r in group]
    articles = [store(r) for r in records]
    for article in articles:
        actions.assign_story(article)
    one_by_one = {m.article_id: (m.story_id, m.score, m.is_reprint) for m in Membership.objects.all()}
    stories = list(Story.objects.order_by("id").values_list("id", "article_count", "independent_count", "summary"))
    named = [(a.id, e.name, e.kind, e.count) for a in articles for e in actions.prepare(a).entities]
    assert list(ArticleEntity.objects.order_by("id").values_list("article", "name", "kind", "mentions")) == named
    Membership.objects.all().delete()
    Story.objects.all().delete()  # new stories get the next ids: compared below up to that offset
    StoryKey.objects.all().delete()
    TermStat.objects.all().delete()
    ArticleEntity.objects.all().delete()
    memberships = actions.assign_stories(articles[:5] + articles[:2] + articles[5:])  # repeats are left alone
    assert [m.article_id for m in memberships] == [a.id for a in articles[:5] + articles[:2] + articles[5:]]
    batched = {m.article_id: (m.story_id, m.score, m.is_reprint) for m in Membership.objects.all()}
    offset = min(s for s, _, _ in batched.values()) - min(s for s, _, _ in one_by_one.values())
    assert batched == {a: (s + offset, score, reprint) for a, (s, score, reprint) in one_by_one.items()}
    assert list(Story.objects.order_by("id").values_list("article_count", "independent_count", "summary")) == \
        [row[1:] for row in stories]
    # every article's entities, stored once (not again for the repeats), in the same order
    assert list(ArticleEntity.objects.order_by("id").values_list("article", "name", "kind", "mentions")) == named
    assert actions.assign_stories(articles[:3]) == list(Membership.objects.filter(
        article_id__in=[a.id for a in articles[:3]]).order_by("article_id"))


def test_a_batch_queues_one_recomposition_per_changed_story():
    from sociose.stories.signals import stories_changed

    group = list(events(giveme_articles()).values())[0][:4]
    articles = [store(record) for record in group]
    sent = []

    def receiver(sender, changes, **kwargs):
        sent.append(changes)

    stories_changed.connect(receiver)
    try:
        memberships = actions.assign_stories(articles)
        actions.assign_stories(articles)  # all assigned already: nothing changed, nothing to recompose
    finally:
        stories_changed.disconnect(receiver)
    first = {}
    for membership in memberships:
        first.setdefault(membership.story_id, membership.article_id)
    assert sent == [first]


def test_the_task_clusters_the_newer_waiting_articles_with_its_own():
    from sociose.stories.tasks import process_article

    records = list(events(giveme_articles()).values())[0][:5]
    articles = [store(record) for record in records]
    story_id = process_article.call(articles[2].id)
    assert Membership.objects.get(article=articles[2]).story_id == story_id
    assert set(Membership.objects.values_list("article_id", flat=True)) == {a.id for a in articles[2:]}
    assert process_article.call(articles[3].id) == Membership.objects.get(article=articles[3]).story_id
    process_article.call(articles[0].id)
    assert Membership.objects.count() == len(articles)


def test_a_failing_batch_falls_back_to_one_article_at_a_time(monkeypatch):
    """The bad article fails alone, and the others are clustered, so the next task does not retry the same batch."""
    from sociose.stories import tasks

    records = list(events(giveme_articles()).values())[0][:4]
    articles = [store(record) for record in records]
    real = actions._assign

    def assign(clusterer, article, prepared, rows):  # fails inside the batch's transaction, after others were assigned
        if article.id == articles[2].id:
            raise RuntimeError("cannot cluster this one")
        return real(clusterer, article, prepared, rows)

    monkeypatch.setattr(actions, "_assign", assign)
    tasks.process_article.call(articles[0].id)
    assigned = set(Membership.objects.values_list("article_id", flat=True))
    assert assigned == {articles[0].id, articles[1].id, articles[3].id}
    with pytest.raises(RuntimeError):
        tasks.process_article.call(articles[2].id)  # its own task reports the error


def test_a_keys_postings_are_read_from_the_index_alone():
    """Reading keys' postings visits no table row per posting: SQLite answers each key's part from the covering
    index, in the index's order (no sort)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's query plan; PostgreSQL chooses index-only scans from its statistics")
    from django.test.utils import CaptureQueriesContext

    from sociose.stories.index import DbStoryIndex

    keys = {"t:flood": 50, "t:rain": 40, "t:river": 30, "e:place:paris": 20, "e:person:jane doe": 10}
    with CaptureQueriesContext(connection) as queries:
        DbStoryIndex().candidates(keys, timezone.now(), timedelta(days=30))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + queries.captured_queries[0]["sql"])
        plan = [str(row[-1]) for row in cursor.fetchall()]
    searches = [line for line in plan if "stories_storykey" in line]
    assert len(searches) == len(keys), plan
    assert all("USING COVERING INDEX storykey_key_time_story" in line for line in searches), plan
    assert not any("TEMP B-TREE" in line for line in plan), plan


@pytest.mark.parametrize("per_key", [64, 2])
def test_the_database_index_ranks_candidates_as_the_memory_index_does(per_key):
    """Most shared weight first, then the most recently active, then the lowest id; each key's `per_key` newest
    postings only; nothing outside the window. Ties are built in on purpose."""
    from datetime import UTC, datetime

    from sociose.stories.clustering import MemoryStoryIndex, StorySummary
    from sociose.stories.index import DbStoryIndex

    t0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
    shapes = [  # (centroid, last_seen)
        ({"flood": 1.0, "rain": 0.5}, t0),
        ({"flood": 1.0, "rain": 0.5}, t0),  # the same weight and time as the one before: the lower id first
        ({"flood": 1.0}, t0 + timedelta(hours=1)),  # newer, but shares less
        ({"flood": 1.0, "rain": 0.5}, t0 + timedelta(hours=2)),  # shares as much as the first two, and newer
        ({"flood": 1.0, "rain": 1.0}, t0 - timedelta(days=200)),  # outside the window
    ]
    database, memory = DbStoryIndex(per_key=per_key), MemoryStoryIndex(per_key=per_key)
    ids = []
    for centroid, seen in shapes:
        story_id = actions._new_story_id()
        summary = StorySummary(centroid=centroid, first_seen=seen, last_seen=seen, size=1)
        database.add(story_id, summary)
        memory.add(story_id, summary)
        ids.append(story_id)
    keys = {"t:flood": 600_000, "t:rain": 400_000}
    when = t0 + timedelta(hours=3)
    found = [story_id for story_id, _ in database.candidates(keys, when, timedelta(days=120))]
    assert found == [story_id for story_id, _ in memory.candidates(keys, when, timedelta(days=120))]
    if per_key == 64:
        assert found == [ids[3], ids[0], ids[1], ids[2]]
    else:  # "flood": the two newest (3 and 2); "rain": the newest (3), then the lower id of the tied 0 and 1
        assert found == [ids[3], ids[2], ids[0]]


def test_an_editor_saving_a_story_keeps_what_the_engine_wrote_in_between(admin_user, rf):
    from django.contrib import admin

    from sociose.stories.admin import StoryAdmin

    group = list(events(giveme_articles()).values())[0][:2]
    articles = [store(record) for record in group]
    story_id = actions.assign_story(articles[0]).story_id
    story_admin = StoryAdmin(Story, admin.site)
    request = rf.post("/admin/")
    request.user = admin_user
    loaded = Story.objects.get(id=story_id)  # the editor's form is loaded
    actions.assign_story(articles[1])  # meanwhile the engine adds an article to the story
    engine_wrote = Story.objects.values("version", "article_count", "summary").get(id=story_id)
    form = story_admin.get_form(request, loaded)(data={"title": "Edited title", "pinned": "on"}, instance=loaded)
    assert form.is_valid(), form.errors
    story_admin.save_model(request, form.save(commit=False), form, change=True)
    saved = Story.objects.get(id=story_id)
    assert (saved.title, saved.pinned) == ("Edited title", True)
    assert Story.objects.values("version", "article_count", "summary").get(id=story_id) == engine_wrote
    assert engine_wrote["article_count"] == 2
