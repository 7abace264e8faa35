"""Search over stories and articles: SQLite FTS5 by default, PostgreSQL full-text search on PostgreSQL.

Every composed story and stored article has one `SearchDocument` holding its flattened text, written by the signal
handlers below as the story is composed or the article stored (and removed when either is deleted). The database
follows that table by itself: FTS5 triggers on SQLite, a stored tsvector column on PostgreSQL.

A reader's text is never passed on as query syntax: on SQLite each word becomes a quoted FTS5 string, on
PostgreSQL it goes through websearch_to_tsquery, which accepts any input. Ranking looks at no more than
CANDIDATES matches (the newest ones), so a word found in every document costs about what a rare word does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connections, router, transaction
from django.db.models.signals import post_delete, post_save
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from sociose.articles.models import Article
from sociose.desk.models import ComposedStory
from sociose.site.models import SearchDocument
from sociose.stories.models import Story

RESULTS = 20  # stories and articles each
CANDIDATES = 2000  # matches ranked at most, newest first: bounds the work for very common words
MAX_QUERY_CHARS = 200
MAX_TERMS = 12
MAX_BODY_CHARS = 200_000  # PostgreSQL refuses a tsvector over 1 MB; nothing readable is this long anyway
# Reserved (private-use) characters that mark matches in snippets; removed from indexed text, so they cannot be
# forged, and turned into <mark> only after everything else is escaped.
MARK_START, MARK_END = "\ue000", "\ue001"
FTS_TABLE = "site_search"
BM25_WEIGHTS = (10.0, 4.0, 1.0)  # title, summary, body
# Dropped from a query that has other words: they match nearly every document and add nothing to the ranking.
STOP_WORDS = frozenset("""a about after all also an and are as at be been but by can could did do does for from had
has have he her his i if in into is it its more not of on or our over said says she so than that the their them
then there these they this to up was we were what when which who will with would you""".split())

_WORD = re.compile(r"[^\W_]+")  # letters and digits; every other character is a separator, never syntax
_MARKS = re.compile(f"([{MARK_START}{MARK_END}])")


# -- What is indexed -------------------------------------------------------------------------------------------

def _clean(text: str | None) -> str:
    return (text or "").replace(MARK_START, " ").replace(MARK_END, " ")[:MAX_BODY_CHARS]


def story_text(headline: str, headline_override: str, dek: dict, body: list) -> tuple[str, str, str]:
    """(title, summary, body) of a composed story: its shown headline, its dek and its body's sentences."""
    paragraphs = "\n".join(" ".join(s.get("text", "") for s in paragraph) for paragraph in body or [])
    return _clean(headline_override or headline), _clean((dek or {}).get("text", "")), _clean(paragraphs)


def article_text(title: str, description: str, text: str) -> tuple[str, str, str]:
    return _clean(title), _clean(description), _clean(text)


def _put(kind: str, object_id: int, texts: tuple[str, str, str], using: str) -> None:
    title, summary, body = texts
    values = {"title": title, "summary": summary, "body": body}
    document, created = SearchDocument.objects.using(using).get_or_create(kind=kind, object_id=object_id,
                                                                         defaults=values)
    if not created and (document.title, document.summary, document.body) != texts:
        for name, value in values.items():
            setattr(document, name, value)
        document.save(update_fields=list(values), using=using)


def index_story(composed: ComposedStory, *, using: str = "default") -> None:
    """Index (or re-index) a composed story under its story's id; unchanged text costs one read."""
    texts = story_text(composed.headline, composed.headline_override, composed.dek, composed.body)
    _put(SearchDocument.Kind.STORY, composed.story_id, texts, using)


def index_article(article: Article, *, using: str = "default") -> None:
    _put(SearchDocument.Kind.ARTICLE, article.id, article_text(article.title, article.description, article.text),
         using)


def unindex(kind: str, object_id: int, *, using: str = "default") -> None:
    SearchDocument.objects.using(using).filter(kind=kind, object_id=object_id).delete()


def _story_saved(sender, instance, using, **kwargs):
    index_story(instance, using=using)


def _story_deleted(sender, instance, using, **kwargs):
    unindex(SearchDocument.Kind.STORY, instance.story_id, using=using)


def _article_saved(sender, instance, using, update_fields=None, **kwargs):
    if update_fields is not None and not {"title", "description", "text"} & set(update_fields):
        return  # e.g. do_store_article setting reprint_of: nothing searchable changed
    index_article(instance, using=using)


def _article_deleted(sender, instance, using, **kwargs):
    unindex(SearchDocument.Kind.ARTICLE, instance.id, using=using)


post_save.connect(_story_saved, sender=ComposedStory, dispatch_uid="site.search.story_saved")
post_delete.connect(_story_deleted, sender=ComposedStory, dispatch_uid="site.search.story_deleted")
post_save.connect(_article_saved, sender=Article, dispatch_uid="site.search.article_saved")
post_delete.connect(_article_deleted, sender=Article, dispatch_uid="site.search.article_deleted")


# -- The database's index --------------------------------------------------------------------------------------

_DOCS = SearchDocument._meta.db_table
_COLUMNS = "title, summary, body"
_SQLITE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({_COLUMNS}, content='{_DOCS}', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2', prefix='3')"
)
# External content: the text lives once, in SearchDocument; these triggers are the FTS5 manual's own pattern.
_SQLITE_TRIGGERS = {
    f"{FTS_TABLE}_ai": f"AFTER INSERT ON {_DOCS} BEGIN INSERT INTO {FTS_TABLE}(rowid, {_COLUMNS}) "
                       f"VALUES (new.id, new.title, new.summary, new.body); END",
    f"{FTS_TABLE}_ad": f"AFTER DELETE ON {_DOCS} BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLUMNS}) "
                       f"VALUES ('delete', old.id, old.title, old.summary, old.body); END",
    f"{FTS_TABLE}_au": f"AFTER UPDATE ON {_DOCS} BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLUMNS}) "
                       f"VALUES ('delete', old.id, old.title, old.summary, old.body); "
                       f"INSERT INTO {FTS_TABLE}(rowid, {_COLUMNS}) VALUES (new.id, new.title, new.summary, new.body); "
                       "END",
}
_POSTGRES = [
    (f"ALTER TABLE {_DOCS} ADD COLUMN IF NOT EXISTS vector tsvector GENERATED ALWAYS AS ("
     "setweight(to_tsvector('english'::regconfig, title), 'A') || "
     "setweight(to_tsvector('english'::regconfig, summary), 'B') || "
     "setweight(to_tsvector('english'::regconfig, body), 'C')) STORED"),
    f"CREATE INDEX IF NOT EXISTS {_DOCS}_vector ON {_DOCS} USING gin (vector)",
]


def install_index(connection) -> None:
    """Create the database's search index on SearchDocument (idempotent; migration 0001 calls it)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(_SQLITE_TABLE)
            for name, body in _SQLITE_TRIGGERS.items():
                cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
        elif connection.vendor == "postgresql":
            for statement in _POSTGRES:
                cursor.execute(statement)


def uninstall_index(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in _SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        elif connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {_DOCS}_vector")
            cursor.execute(f"ALTER TABLE {_DOCS} DROP COLUMN IF EXISTS vector")


def rebuild_search_index(*, apps=None, using: str | None = None, batch: int = 1000) -> int:
    """Rewrite every story's and article's search text and rebuild the index; returns the number of documents.

    For after bulk writes that bypassed the signals, and for migrations (pass their `apps`)."""
    get = apps.get_model if apps else None
    documents = get("site", "SearchDocument") if get else SearchDocument
    composed = get("desk", "ComposedStory") if get else ComposedStory
    articles = get("articles", "Article") if get else Article
    using = using or router.db_for_write(SearchDocument)
    connection = connections[using]
    rows = (
        (documents(kind="story", object_id=c.story_id, title=t, summary=s, body=b)
         for c in composed.objects.using(using).only("story_id", "headline", "headline_override", "dek", "body")
         .order_by("story_id").iterator(chunk_size=batch)
         for t, s, b in [story_text(c.headline, c.headline_override, c.dek, c.body)]),
        (documents(kind="article", object_id=a.id, title=t, summary=s, body=b)
         for a in articles.objects.using(using).only("id", "title", "description", "text")
         .order_by("id").iterator(chunk_size=batch)
         for t, s, b in [article_text(a.title, a.description, a.text)]),
    )
    count = 0
    with transaction.atomic(using=using):
        if connection.vendor == "sqlite":
            uninstall_index(connection)  # one rebuild at the end instead of a trigger per row
        documents.objects.using(using).all().delete()
        for source in rows:
            chunk = []
            for document in source:
                chunk.append(document)
                if len(chunk) == batch:
                    count += len(documents.objects.using(using).bulk_create(chunk))
                    chunk = []
            count += len(documents.objects.using(using).bulk_create(chunk))
        install_index(connection)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    return count


# -- Queries ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    url: str
    title_html: SafeString
    snippet_html: SafeString
    outlet: str = ""


@dataclass
class Results:
    query: str
    stories: list[Hit] = field(default_factory=list)
    articles: list[Hit] = field(default_factory=list)


def marked_html(text: str) -> SafeString:
    """Escape `text` and turn the match markers into balanced <mark> elements: the only markup in a snippet."""
    parts, open_mark = [], False
    for piece in _MARKS.split(text):
        if piece == MARK_START:
            if not open_mark:
                parts.append("<mark>")
            open_mark = True
        elif piece == MARK_END:
            if open_mark:
                parts.append("</mark>")
            open_mark = False
        elif piece:
            parts.append(escape(piece))
    if open_mark:
        parts.append("</mark>")
    return mark_safe("".join(parts))  # safe: every piece above is escaped or one of two fixed tags


def fts5_query(text: str) -> str:
    """The reader's words as an FTS5 query of quoted strings (all must match); "" when there are no words.

    Stop words are dropped when other words remain; the last word matches as a prefix if it was still being typed."""
    text = text[:MAX_QUERY_CHARS]
    words = list(dict.fromkeys(word.lower() for word in _WORD.findall(text)))[:MAX_TERMS]
    if not words:
        return ""
    last = words[-1]
    kept = [word for word in words if word not in STOP_WORDS] or words
    terms = [f'"{word}"' for word in kept]
    if kept[-1] == last and last not in STOP_WORDS and len(last) >= 3 and text[-1:].isalnum():
        terms[-1] += "*"
    return " ".join(terms)


def _choose_snippet(summary: str, body: str) -> str:
    for candidate in (body, summary):
        if MARK_START in candidate:
            return candidate
    return summary or body


def _sqlite_hits(kind: str, match: str, limit: int, connection) -> list[tuple[int, int, str, str]]:
    """[(document id, object id, title, snippet)] best first, with match markers."""
    story_filter = ""
    if kind == SearchDocument.Kind.STORY:
        story_filter = (f"JOIN {Story._meta.db_table} story ON story.id = d.object_id "
                        "WHERE story.merged_into_id IS NULL")
    weights = ", ".join(str(w) for w in BM25_WEIGHTS)
    # CROSS JOIN keeps the FTS5 table as the outer loop, read newest first, so LIMIT stops the scan early.
    ranked = f"""
        WITH hits AS MATERIALIZED (
            SELECT {FTS_TABLE}.rowid AS id, bm25({FTS_TABLE}, {weights}) AS score
            FROM {FTS_TABLE} CROSS JOIN {_DOCS} kind_of ON kind_of.id = {FTS_TABLE}.rowid
            WHERE {FTS_TABLE} MATCH %s AND kind_of.kind = %s
            ORDER BY {FTS_TABLE}.rowid DESC LIMIT %s)
        SELECT d.id, d.object_id FROM hits JOIN {_DOCS} d ON d.id = hits.id {story_filter}
        ORDER BY hits.score, hits.id DESC LIMIT %s"""
    with connection.cursor() as cursor:
        cursor.execute(ranked, [match, kind, CANDIDATES, limit])
        order = cursor.fetchall()
        if not order:
            return []
        marks = [MARK_START, MARK_END]
        cursor.execute(
            f"SELECT rowid, highlight({FTS_TABLE}, 0, %s, %s), snippet({FTS_TABLE}, 1, %s, %s, '…', 32), "
            f"snippet({FTS_TABLE}, 2, %s, %s, '…', 32) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
            f"AND rowid IN ({', '.join(['%s'] * len(order))})",
            [*marks, *marks, *marks, match, *[doc_id for doc_id, _ in order]])
        shown = {row[0]: row[1:] for row in cursor.fetchall()}
    return [(doc_id, object_id, shown[doc_id][0], _choose_snippet(*shown[doc_id][1:]))
            for doc_id, object_id in order if doc_id in shown]


def _postgres_query(text: str, SearchQuery):
    """websearch_to_tsquery of the reader's text (it accepts any input), with the last word as a prefix when it
    was still being typed; that word is letters and digits only, so it is safe in to_tsquery's syntax."""
    head, _, last = text.rpartition(" ")
    if len(last) < 3 or last.lower() in STOP_WORDS or not _WORD.fullmatch(last):
        return SearchQuery(text, search_type="websearch", config="english")
    prefix = SearchQuery(f"{last}:*", search_type="raw", config="english")
    return SearchQuery(head, search_type="websearch", config="english") & prefix if head.strip() else prefix


def _postgres_hits(kind: str, text: str, limit: int, using: str) -> list[tuple[int, int, str, str]]:
    from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVectorField
    from django.db.models import Exists, OuterRef
    from django.db.models.expressions import RawSQL

    query = _postgres_query(text[:MAX_QUERY_CHARS], SearchQuery)
    # The stored, GIN-indexed column (outside Django's model state). Unqualified on purpose: inside the candidates
    # subquery it must name the subquery's own row, not the outer query's.
    vector = RawSQL('"vector"', [], output_field=SearchVectorField())
    documents = SearchDocument.objects.using(using)
    candidates = (documents.filter(kind=kind).annotate(vector=vector).filter(vector=query)
                  .order_by("-id").values("id")[:CANDIDATES])
    ranked = documents.filter(id__in=candidates)
    if kind == SearchDocument.Kind.STORY:
        ranked = ranked.filter(Exists(Story.objects.filter(id=OuterRef("object_id"), merged_into=None)))
    order = list(ranked.annotate(rank=SearchRank(vector, query)).order_by("-rank", "-id")
                 .values_list("id", "object_id")[:limit])
    if not order:
        return []
    options = {"start_sel": MARK_START, "stop_sel": MARK_END, "config": "english"}
    shown = {row[0]: row[1:] for row in documents.filter(id__in=[doc_id for doc_id, _ in order]).annotate(
        title_marked=SearchHeadline("title", query, highlight_all=True, **options),
        summary_marked=SearchHeadline("summary", query, max_words=40, min_words=15, **options),
        body_marked=SearchHeadline("body", query, max_words=40, min_words=15, max_fragments=2,
                                   fragment_delimiter=" … ", **options),
    ).values_list("id", "title_marked", "summary_marked", "body_marked")}
    return [(doc_id, object_id, shown[doc_id][0], _choose_snippet(*shown[doc_id][1:]))
            for doc_id, object_id in order if doc_id in shown]


def search(text: str, *, limit: int = RESULTS, using: str | None = None) -> Results:
    """The stories and articles that match the reader's text, best first, with marked snippets."""
    text = " ".join(text[:MAX_QUERY_CHARS].replace("\x00", " ").split())  # PostgreSQL refuses NUL in text
    results = Results(query=text)
    using = using or router.db_for_read(SearchDocument)
    connection = connections[using]
    if connection.vendor == "postgresql":
        def hits(kind):
            return _postgres_hits(kind, text, limit, using) if text else []
    else:
        match = fts5_query(text)

        def hits(kind):
            return _sqlite_hits(kind, match, limit, connection) if match else []

    for _, story_id, title, snippet in hits(SearchDocument.Kind.STORY):
        results.stories.append(Hit("story", story_id, reverse("site:story", args=[story_id]), marked_html(title),
                                   marked_html(snippet)))
    article_hits = hits(SearchDocument.Kind.ARTICLE)
    outlets = dict(Article.objects.using(using).filter(id__in=[object_id for _, object_id, _, _ in article_hits])
                   .values_list("id", "outlet__name"))
    for _, article_id, title, snippet in article_hits:
        results.articles.append(Hit("article", article_id, reverse("site:article", args=[article_id]),
                                    marked_html(title), marked_html(snippet), outlets.get(article_id, "")))
    return results


def search_view(request):
    text = request.GET.get("q", "")[:MAX_QUERY_CHARS].strip()
    results = search(text) if text else None
    return render(request, "site/search.html", {"q": text, "results": results})


urlpatterns = [
    path("search/", search_view, name="search"),
]
