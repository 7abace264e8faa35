"""Writes to stories: assigning an article, merging and splitting stories, reclustering, refreshing scores.

Assignment runs under one clustering lock (a PostgreSQL advisory lock; on SQLite the write lock every
transaction takes), so two workers that assign articles of one event at the same moment cannot both start a story
for it. What depends on the article alone (entity extraction and features, `prepare`) is done before the lock is
taken, so workers do it in parallel; under the lock are only the lookup and the writes, cheap next to fetching and
extracting pages, so serialising them costs little.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from sociose.articles.models import Article
from sociose.articles.wire import wire_agency
from sociose.stories import ranking
from sociose.stories.clustering import ArticleFeatures, Clusterer, StorySummary, featurize
from sociose.stories.entities import Entity, extract_entities
from sociose.stories.index import (
    DbStoryIndex,
    DbTermStats,
    clustering_state,
    database,
    forget_known,
    in_list,
    new_version,
    write_datetime,
    write_json,
)
from sociose.stories.models import ArticleEntity, Membership, Story, StoryEvent, StoryKey, TermStat
from sociose.stories.signals import stories_changed

_LOCK_ID = 0x5C1_0_5E  # any constant shared by every worker
RECLUSTER_BATCH = 500  # articles per transaction when reclustering (see assign_stories)


@contextmanager
def _locked() -> Iterator[None]:
    """A transaction under the clustering lock, in which the engine uses what this worker knows of its state (see
    stories/index.py)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])
        with clustering_state():
            yield


def article_time(article: Article):
    return article.published_at or article.fetched_at


def origin_of(article: Article, prepared: Prepared | None = None) -> str:
    """Where an article's words come from: the first copy of a republished text, a wire agency, or itself.
    `prepared` (what `prepare` gave for the article) saves looking for the agency again."""
    if article.reprint_of_id:  # the first copy seen: its origin is the copies' origin
        if Article._meta.get_field("reprint_of").is_cached(article):
            return origin_of(article.reprint_of)
        return _origin_of_stored(article.reprint_of_id)
    agency = prepared.agency if prepared else wire_agency(article.authors or [], article.text)
    return f"wire:{agency}" if agency else f"article:{article.id}"


def _origin_of_stored(article_id: int) -> str:
    """`origin_of` a stored article: the origin its membership records when it is assigned (a copy's original
    usually is, and a wire story has many copies), else computed, reading only the columns it needs."""
    authors_field = Article._meta.get_field("authors")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT origin FROM {Membership._meta.db_table} WHERE article_id = %s", [article_id])
        row = cursor.fetchone()
        if row is not None:
            return row[0]
        while True:
            cursor.execute(f"SELECT reprint_of_id, authors, text FROM {Article._meta.db_table} WHERE id = %s",
                           [article_id])
            reprint_of_id, authors, text = cursor.fetchone()
            if not reprint_of_id:
                break
            article_id = reprint_of_id
    agency = wire_agency(authors_field.from_db_value(authors, None, connection) or [], text)
    return f"wire:{agency}" if agency else f"article:{article_id}"


def _clusterer(*, defer_rows: bool = False, finish_row=None) -> Clusterer:
    return Clusterer(DbStoryIndex(defer_rows=defer_rows, finish_row=finish_row), DbTermStats(),
                     new_story_id=_new_story_id, kept_apart=_kept_apart)


def _kept_apart(a: int, b: int) -> bool:
    """Whether an editor split the two stories apart (or stories since merged into them): the engine then never
    merges them again, however alike their coverage. Asked only of a pair the engine would merge, which is rare."""
    def with_merged(story_id: int) -> list[int]:
        return [story_id, *Story.objects.filter(merged_into=story_id).values_list("id", flat=True)]

    ours, theirs = with_merged(a), with_merged(b)
    return StoryEvent.objects.filter(
        Q(story__in=ours, other__in=theirs) | Q(story__in=theirs, other__in=ours),
        kind=StoryEvent.Kind.SPLIT, automatic=False).exists()


def _new_story_id() -> int:
    now = write_datetime(timezone.now())
    empty = write_json(Story, "summary", {})
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Story._meta.db_table} (created_at, updated_at, first_seen, last_seen, title, summary, "
            "version, article_count, independent_count, reprint_count, outlet_count, pinned, score, score_inputs) "
            "VALUES (%s, %s, %s, %s, '', %s, 0, 0, 0, 0, 0, %s, 0, %s) RETURNING id",
            [now, now, now, now, empty, False, empty])
        return cursor.fetchone()[0]


@dataclass(frozen=True)
class Prepared:
    """What clustering needs of an article, computed from the article alone: its entities and features."""

    entities: list[Entity]
    features: ArticleFeatures
    agency: str | None  # the wire agency whose copy the article's own byline or dateline says it is


def prepare(article: Article) -> Prepared:
    """Extract an article's entities, features and wire agency. A pure function of the article, so it runs before
    the clustering lock is taken: workers prepare in parallel, and only lookup and assignment are serialised."""
    entities = extract_entities(article.title, article.text, article.language or "en")
    features = featurize(article.title, article.text, article_time(article), article.outlet.domain, entities)
    return Prepared(entities, features, wire_agency(article.authors or [], article.text))


def _save_entities(entities: dict[int, list[Entity]]) -> None:
    """Store articles' entities (article id -> its entities) in one statement: a batch's articles are stored together,
    as a statement per article (a round trip each on PostgreSQL) cost more than the rows."""
    rows = [(article_id, e.name[:200], e.kind, e.count) for article_id, found in entities.items() for e in found]
    if not rows:
        return
    insert = f"INSERT INTO {ArticleEntity._meta.db_table} (article_id, name, kind, mentions) "
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(insert + "SELECT * FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::int[])",
                           [list(column) for column in zip(*rows)])
        else:  # SQLite: one statement text whatever the number of entities (see index.in_list)
            cursor.execute(insert + "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), "
                           "json_extract(value, '$[2]'), json_extract(value, '$[3]') FROM json_each(%s) ORDER BY key",
                           [json.dumps(rows)])


def assign_story(article: Article) -> Membership:
    """Put an article in its story (a new one if no story matches); idempotent."""
    return assign_stories([article])[0]


def assign_stories(articles: Iterable[Article], *, prepared: Mapping[int, Prepared] | None = None) -> list[Membership]:
    """Put each article in its story, in the given order, in one transaction; returns their memberships in that
    order. Idempotent: articles already assigned (before or earlier in the list) are left where they are.
    `prepared` holds what `prepare` gave for (some of) the articles, by article id; the others are prepared here,
    before the lock is taken.

    The stories are exactly those that `assign_story` called on each article in turn would give: the articles go
    through the same steps, one after another, each seeing what the previous ones changed. What a batch saves is
    the per-transaction cost, which is most of an article's on SQLite (the commit writes every page the term
    statistics and index touched, and the pages of common terms are shared by the whole batch), the writes of a
    story's row and postings, once per story however many of the batch's articles join it, and the
    recompositions: `stories_changed` is sent once, with each changed story and the first article of the batch that
    changed it, instead of once per article (composing reads the story as it is when it runs, so one request per
    story and batch composes the same page).
    """
    articles = list(articles)
    if not articles:
        return []
    prepared = dict(prepared or {})
    assigned = set(_assigned_ids([article.id for article in articles if article.id not in prepared]))
    for article in articles:
        if article.id not in prepared and article.id not in assigned:
            prepared[article.id] = prepare(article)
    with _locked():
        memberships = _memberships([article.id for article in articles])  # again: another worker may have been first
        unassigned = {article.id: article for article in articles if article.id not in memberships}
        for article in unassigned.values():
            if article.id not in prepared:  # assigned when we looked, then moved out by a recluster
                prepared[article.id] = prepare(article)
        _save_entities({article_id: prepared[article_id].entities for article_id in unassigned})
        # Each changed story's row (summary, counts, score) is written once, at the end (see `_join`)
        rows = _PendingRows()
        clusterer = _clusterer(defer_rows=True, finish_row=rows.finish)
        rows.index = clusterer.index
        changed: dict[int, int] = {}  # story id -> the first article of the batch that changed it
        merged = False
        for article in articles:
            if article.id in memberships:
                continue
            story_id, membership, merges = _assign(clusterer, article, prepared[article.id], rows)
            memberships[article.id] = membership
            changed.setdefault(story_id, article.id)
            merged = merged or bool(merges)
        clusterer.index.write_rows()  # the rows of the stories the batch changed
        if changed:
            stories_changed.send(Story, changes=changed)
        if merged:  # a merge may have moved articles assigned earlier in the batch
            memberships = _memberships(list(memberships))
    return [memberships[article.id] for article in articles]


def _assigned_ids(article_ids: list[int]) -> list[int]:
    """Those of these articles that are assigned (usually none: a raw statement)."""
    assigned = []
    with connection.cursor() as cursor:
        for start in range(0, len(article_ids), 500):
            where, params = in_list("article_id", article_ids[start:start + 500], "bigint")
            cursor.execute(f"SELECT article_id FROM {Membership._meta.db_table} WHERE {where}", params)
            assigned += [row[0] for row in cursor.fetchall()]
    return assigned


def _memberships(article_ids: list[int]) -> dict[int, Membership]:
    """The memberships of those of these articles that are assigned, by article id (the ORM only for those)."""
    assigned = _assigned_ids(article_ids)
    found: dict[int, Membership] = {}
    for start in range(0, len(assigned), 500):
        chunk = assigned[start:start + 500]
        found.update((m.article_id, m) for m in Membership.objects.filter(article_id__in=chunk).select_related("story"))
    return found


def _assign(clusterer: Clusterer, article: Article, prepared: Prepared,
            rows: _PendingRows) -> tuple[int, Membership, list]:
    """Cluster one unassigned article (the caller has stored its entities, with the rest of the batch's), inside the
    caller's locked transaction: join or start its story, then merge the stories that now look like one event.
    Returns the story it joined first, its membership (as of after the merges) and the merges done."""
    assignment = clusterer.assign(prepared.features)
    membership = _join(assignment.story_id, article, origin_of(article, prepared), assignment.score,
                       created=assignment.created, rows=rows)
    if assignment.created:  # nothing reached the threshold, so a one-article story has nothing to merge with
        return assignment.story_id, membership, []
    merges = clusterer.settle(assignment)
    if merges:
        clusterer.index.write_rows()  # every row as the engine has it, before the merges read and recount them
        rows.counts.clear()
    for kept, absorbed in merges:  # the index already holds the merged summaries
        _move_members(Story.objects.get(id=kept), Story.objects.get(id=absorbed), actor=None, automatic=True,
                      reason="The engine found the two stories' coverage to be about one event.")
    if merges:
        membership.refresh_from_db()
    return assignment.story_id, membership, merges


class _PendingRows:
    """The story rows a clustering transaction changed and has not written yet: their counts as of the last article
    (`counts`: story id -> independent, reprints, outlets, pinned), kept here so that the next article of the story
    needs no read of the row, and written with the summary, once per story (`DbStoryIndex.write_rows`)."""

    def __init__(self) -> None:
        self.index: DbStoryIndex | None = None
        self.counts: dict[int, tuple[int, int, int, bool]] = {}

    def summary(self, story_id: int, columns: dict | None = None) -> StorySummary:
        """The story's summary as the index has it: the one waiting to be written with its row, or the cached one."""
        summary = (self.index.rows.get(story_id, {}) if columns is None else columns).get("summary")
        return summary if isinstance(summary, StorySummary) else self.index.get(story_id)

    def finish(self, story_id: int, columns: dict) -> None:
        """Add the ranking score to a row about to be written, from its counts and its latest article's time."""
        counts = self.counts.get(story_id)
        if counts is None:  # only the summary changed (a merge wrote the counts)
            return
        independent, reprints, outlets, pinned = counts
        last_seen = self.summary(story_id, columns).last_seen
        inputs = ranking.score_inputs(independent=independent, reprints=reprints, outlets=outlets,
                                      last_seen=last_seen, pinned=pinned)
        db = database()
        columns.update(independent_count=independent, reprint_count=reprints, outlet_count=outlets,
                       updated_at=write_datetime(timezone.now(), db), score=inputs["score"],
                       score_inputs=write_json(Story, "score_inputs", inputs, db))


def _join(story_id: int, article: Article, origin: str, score: float, *, created: bool,
          rows: _PendingRows) -> Membership:
    """Add the membership and update the story's counts incrementally (constant cost whatever the story's size),
    in a few raw statements: this runs for every article. The story's row is not written here: its new counts go
    to `rows`, and the row is written once per transaction with its summary (`DbStoryIndex.write_rows`)."""
    when = article_time(article)
    stories, members = Story._meta.db_table, Membership._meta.db_table
    known = rows.counts.get(story_id)  # the counts as this transaction left them, when it changed the story
    # Whether the story already has an article of this origin, or from this outlet: then this one is a reprint, and
    # adds no outlet. (The counts are read from the row only the first time in the transaction.)
    seen = (f"EXISTS (SELECT 1 FROM {members} WHERE story_id = %s AND origin = %s) AS seen_origin, "
            f"EXISTS (SELECT 1 FROM {members} WHERE story_id = %s AND outlet_id = %s) AS seen_outlet")
    if known is None:
        story = (f"SELECT {seen}, independent_count, reprint_count, outlet_count, pinned FROM {stories} "
                 "WHERE id = %s")
        story_params = [story_id, origin, story_id, article.outlet_id, story_id]
    else:
        story, story_params = f"SELECT {seen}", [story_id, origin, story_id, article.outlet_id]
    insert = (f"INSERT INTO {members} (article_id, story_id, outlet_id, published_at, origin, is_reprint, score, "
              "assigned_at) ")
    assigned_at = timezone.now()
    db = database()  # used a dozen times below
    with db.cursor() as cursor:
        if db.vendor == "postgresql":  # one round trip: the story is read before the membership is added
            cursor.execute(
                f"WITH s AS ({story}), m AS ({insert} SELECT %s, %s, %s, %s, %s, seen_origin AND NOT %s, %s, %s "
                "FROM s RETURNING id) SELECT s.*, m.id FROM s CROSS JOIN m",
                [*story_params, article.id, story_id, article.outlet_id, write_datetime(when, db), origin, created, score,
                 write_datetime(assigned_at, db)])
            *row, membership_id = cursor.fetchone()
        else:
            cursor.execute(story, story_params)
            row = cursor.fetchone()
            cursor.execute(insert + "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
                           [article.id, story_id, article.outlet_id, write_datetime(when, db), origin,
                            bool(row[0]) and not created, score, write_datetime(assigned_at, db)])
            membership_id = cursor.fetchone()[0]
    seen_origin, seen_outlet = bool(row[0]) and not created, bool(row[1]) and not created
    independent, reprints, outlets, pinned = known if known is not None else (*row[2:5], bool(row[5]))
    membership = Membership(id=membership_id, article_id=article.id, story_id=story_id,
                            outlet_id=article.outlet_id, published_at=when, origin=origin,
                            is_reprint=seen_origin, score=score, assigned_at=assigned_at)
    membership._state.adding, membership._state.db = False, db.alias
    rows.counts[story_id] = (independent + (not seen_origin), reprints + seen_origin, outlets + (not seen_outlet),
                             pinned)
    columns = {}
    # The earliest article: the story's first_seen (the index has just moved it to the earlier of the two) is this
    # article's time exactly when no article of the story is older
    if created or when <= rows.summary(story_id).first_seen:
        columns["first_outlet_id"] = article.outlet_id
    if created:
        columns["title"] = article.title
    rows.index.defer(story_id, columns)  # the counts and score are added as the row is written (`finish`)
    return membership


def _rescore(story: Story, now=None) -> None:
    story.score_inputs = ranking.score_inputs(independent=story.independent_count, reprints=story.reprint_count,
                                              outlets=story.outlet_count, last_seen=story.last_seen,
                                              pinned=story.pinned, now=now)
    story.score = story.score_inputs["score"]


def recount(story: Story) -> None:
    """Recompute a story's counts, first outlet and reprint flags from its memberships (after a merge or split)."""
    members = list(Membership.objects.filter(story=story).order_by("published_at", "article_id"))
    seen: set[str] = set()
    for member in members:
        is_reprint = member.origin in seen
        seen.add(member.origin)
        if member.is_reprint != is_reprint:
            member.is_reprint = is_reprint
            member.save(update_fields=["is_reprint"])
    story.article_count = len(members)
    story.independent_count = len(seen)
    story.reprint_count = len(members) - len(seen)
    story.outlet_count = len({m.outlet_id for m in members})
    story.first_outlet_id = members[0].outlet_id if members else None
    if members:
        story.first_seen, story.last_seen = members[0].published_at, max(m.published_at for m in members)
        first = next(m for m in members if not m.is_reprint)
        story.title = Article.objects.filter(id=first.article_id).values_list("title", flat=True).first() or ""
    story.updated_at = timezone.now()
    _rescore(story)
    story.save()


def _rebuild_summary(story: Story, clusterer: Clusterer) -> None:
    """Recompute a story's summary from its articles (a split: its cost is the story's size)."""
    summary = StorySummary()
    articles = Article.objects.filter(membership__story=story).select_related("outlet").order_by("published_at", "id")
    for article in articles:
        features = prepare(article).features
        clusterer.stats.load([*features.terms, *("e:" + key for key in features.entities)])
        vector, entities = clusterer.weights(features)
        summary = clusterer.absorb(summary, vector, features, entities)
    clusterer.index.update(story.id, summary)


def do_merge_stories(kept: Story, absorbed: Story, *, actor=None, automatic: bool = False, reason: str) -> Story:
    """Move every article of `absorbed` into `kept`, record the merge, and leave `absorbed` pointing to `kept`."""
    if kept.id == absorbed.id:
        raise ValueError("a story cannot be merged into itself")
    with _locked():
        _clusterer().merge(kept.id, absorbed.id)
        _move_members(kept, absorbed, actor=actor, automatic=automatic, reason=reason)
    kept.refresh_from_db()
    return kept


def _move_members(kept: Story, absorbed: Story, *, actor, automatic: bool, reason: str) -> None:
    moved = list(Membership.objects.filter(story=absorbed).values_list("article_id", flat=True))
    Membership.objects.filter(story=absorbed).update(story=kept)
    Story.objects.filter(merged_into=absorbed).update(merged_into=kept)
    absorbed.refresh_from_db()
    absorbed.merged_into = kept
    absorbed.article_count = absorbed.independent_count = absorbed.reprint_count = absorbed.outlet_count = 0
    absorbed.summary, absorbed.version, absorbed.score, absorbed.score_inputs = {}, new_version(), 0, {}
    absorbed.save()
    kept.refresh_from_db()
    recount(kept)
    StoryEvent.objects.create(kind=StoryEvent.Kind.MERGE, story=kept, other=absorbed, articles=moved,
                              actor=actor, automatic=automatic, reason=reason)
    stories_changed.send(Story, changes={kept.id: None})


def do_split_story(story: Story, article_ids: Iterable[int], *, actor=None, reason: str) -> Story:
    """Move the given articles of a story into a new story, and record the split."""
    article_ids = sorted(set(article_ids))
    with _locked():
        members = Membership.objects.filter(story=story, article_id__in=article_ids)
        if len(members) != len(article_ids):
            raise ValueError("every article to split off must belong to the story")
        if len(article_ids) == Membership.objects.filter(story=story).count():
            raise ValueError("a split must leave at least one article in the story")
        new = Story.objects.create(first_seen=story.first_seen, last_seen=story.last_seen)
        members.update(story=new)
        clusterer = _clusterer()
        for each in (story, new):
            _rebuild_summary(each, clusterer)
            each.refresh_from_db()
            recount(each)
        StoryEvent.objects.create(kind=StoryEvent.Kind.SPLIT, story=story, other=new, articles=article_ids,
                                  actor=actor, reason=reason)
        stories_changed.send(Story, changes={story.id: None, new.id: None})
    return new


def recluster() -> int:
    """Forget every story and cluster the whole archive again, in publication order. Returns the story count."""
    with _locked():
        forget_known()  # everything goes: nothing known of the old state is true of the new
        StoryEvent.objects.all().delete()
        Membership.objects.all().delete()
        StoryKey.objects.all().delete()
        Story.objects.all().delete()
        TermStat.objects.all().delete()
        ArticleEntity.objects.all().delete()
    assign_in_publication_order(Article.objects.all())
    return Story.objects.filter(merged_into=None, article_count__gt=0).count()


def assign_in_publication_order(articles) -> None:
    """Assign the unassigned articles of a queryset to stories in publication order, in batches: a backfill (an
    import, a recluster) then gets the stories its articles would have got arriving one by one as they were
    published, whatever order they were stored in."""
    order = (F("published_at").asc(nulls_last=True), "fetched_at", "id")
    ids = list(articles.filter(membership__isnull=True).order_by(*order).values_list("id", flat=True))
    for start in range(0, len(ids), RECLUSTER_BATCH):
        chunk = ids[start:start + RECLUSTER_BATCH]
        found = Article.objects.select_related("outlet").in_bulk(chunk)
        assign_stories([found[i] for i in chunk if i in found])


def export_assignments() -> dict[str, int]:
    """Every stored article's URL and the id of its story."""
    return dict(Membership.objects.order_by("article_id").values_list("article__url", "story_id"))


def refresh_scores(window: timedelta = timedelta(days=3)) -> int:
    """Recompute the scores of recently active stories (time decay changes their order as hours pass)."""
    now = timezone.now()
    stories = list(Story.objects.filter(merged_into=None, last_seen__gte=now - window))
    for story in stories:
        _rescore(story, now=now)
    Story.objects.bulk_update(stories, ["score", "score_inputs"])
    return len(stories)


def top_stories(limit: int = 20):
    """Pinned stories first, then by score."""
    return (Story.objects.filter(merged_into=None, article_count__gt=0)
            .order_by("-pinned", "-score", "-last_seen", "id")[:limit])


def related_stories(story: Story, limit: int = 6) -> list[Story]:
    """Stories that share the most index keys (top terms and entities) with this one; never the story itself."""
    keys = StoryKey.objects.filter(story=story).values("key")
    ranked = (StoryKey.objects.filter(key__in=keys).exclude(story=story)
              .values("story").annotate(shared=Count("id"), recent=Max("last_seen"))
              .filter(shared__gte=2).order_by("-shared", "-recent", "story")[:limit])
    ids = [row["story"] for row in ranked]
    found = Story.objects.in_bulk(ids)
    return [found[i] for i in ids if i in found and found[i].merged_into_id is None]
