"""Reader pages: front page, story, topic, outlet, article and about.

The story and front pages are rendered from a handful of queries (see the query-budget tests), kept whole in
Django's cache and answered with 304 when the reader already has them. A story page that is not in the cache is put
together from cached fragments (`_story_page_context`), so that only a changed story is rendered from scratch. Their
cache keys and validators come from cheap indexed lookups: a story's own `updated_at` stamps, the site's newest
change, and a short time bucket for the rankings (top stories decay with age even when nothing is written).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter
from datetime import UTC, datetime

from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Subquery, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.cache import patch_cache_control
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import condition

from sociose.articles.models import Article
from sociose.demo import ATTRIBUTION_PATH
from sociose.desk.compose import text_hash
from sociose.desk.models import ComposedStory
from sociose.site.seo import page_meta
from sociose.site.templatetags.sociose_tags import http_url
from sociose.sources.models import Outlet
from sociose.stories.actions import related_stories, top_stories
from sociose.stories.models import ArticleEntity, Membership, Story
from sociose.stories.ranking import explain

CACHE_SECONDS = 600
RANK_BUCKET_SECONDS = 300  # rankings decay with time: cached pages listing top stories are at most this old
TOPIC_KINDS = (ArticleEntity.Kind.PERSON, ArticleEntity.Kind.ORG, ArticleEntity.Kind.PLACE)
KIND_LABELS = {"person": "People", "org": "Organisations", "place": "Places", "other": "Other topics"}
WIKINEWS_LICENCE_URL = "https://creativecommons.org/licenses/by/2.5/"


# --- validators and the page cache ----------------------------------------------------------------------------------

def _rank_bucket() -> datetime:
    now = int(time.time())
    return datetime.fromtimestamp(now - now % RANK_BUCKET_SECONDS, tz=UTC)


def site_stamp(request) -> datetime | None:
    """The newest change anywhere on the site (a composed story, a story's reports, a new article); one query on
    three indexed columns, memoised on the request."""
    if not hasattr(request, "_sociose_stamp"):
        newest_story = Story.objects.order_by("-last_seen").values("last_seen")[:1]
        newest_article = Article.objects.order_by("-fetched_at").values("fetched_at")[:1]
        row = (ComposedStory.objects.order_by("-updated_at")
               .annotate(story_seen=Subquery(newest_story), article_seen=Subquery(newest_article))
               .values_list("updated_at", "story_seen", "article_seen").first())
        request._sociose_stamp = max((moment for moment in row or () if moment), default=None)
    return request._sociose_stamp


def _listing_last_modified(request, *args, **kwargs) -> datetime:
    return max(filter(None, (site_stamp(request), _rank_bucket())))


def _listing_etag(request, *args, **kwargs) -> str:
    parts = [request.path, request.GET.get("page", ""), _listing_last_modified(request).isoformat()]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def _story_state(request, story_id: int):
    """(composed.updated_at, story.updated_at) for a live composed story, else None; memoised on the request."""
    if not hasattr(request, "_sociose_story"):
        request._sociose_story = (ComposedStory.objects.filter(story_id=story_id, story__merged_into=None)
                                  .values_list("updated_at", "story__updated_at").first())
    return request._sociose_story


def _story_last_modified(request, story_id: int) -> datetime | None:
    state = _story_state(request, story_id)
    return max(*state, _rank_bucket()) if state else None


def _story_etag(request, story_id: int) -> str | None:
    state = _story_state(request, story_id)
    if not state:
        return None
    parts = ["story", str(story_id), *(moment.isoformat() for moment in state), _rank_bucket().isoformat()]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def _cached_page(request, key: str, template: str, make_context) -> HttpResponse:
    """The page's HTML from the cache, or rendered and kept. Pages hold nothing personal, so one copy serves all."""
    html = cache.get(key)
    if html is None:
        html = render_to_string(template, make_context(), request)
        cache.set(key, html, CACHE_SECONDS)
    response = HttpResponse(html)
    patch_cache_control(response, public=True, max_age=60)
    return response


# --- shared pieces ---------------------------------------------------------------------------------------------------

def _teasers(story_ids) -> dict[int, ComposedStory]:
    """Composed stories (with their Story) for a list of story ids, in one query."""
    return {c.story_id: c for c in ComposedStory.objects.select_related("story")
            .filter(story_id__in=list(story_ids), story__merged_into=None)
            .defer("body", "quotes", "facts", "inputs_digest")}


def _in_order(ids, found: dict) -> list:
    return [found[i] for i in ids if i in found]


def _is_wikinews(article: Article) -> bool:
    return article.outlet.domain.endswith("wikinews.org") or "wikinews" in article.license.lower()


# --- front page ------------------------------------------------------------------------------------------------------

def _topics(recent: int = 100, count: int = 5, per_topic: int = 3) -> list[dict]:
    """The people, organisations and places named in the most of the recent stories, each with a few stories."""
    recent_ids = list(Story.objects.filter(merged_into=None, article_count__gt=0)
                      .order_by("-last_seen", "-id").values_list("id", flat=True)[:recent])
    named = (ArticleEntity.objects.filter(kind__in=TOPIC_KINDS, article__membership__story_id__in=recent_ids)
             .values("name", "kind").annotate(stories=Count("article__membership__story", distinct=True))
             .filter(stories__gte=2).order_by("-stories", "name")[:count])
    topics = [{"name": row["name"], "kind": row["kind"], "count": row["stories"], "stories": []} for row in named]
    if not topics:
        return []
    wanted = Q()
    for topic in topics:
        wanted |= Q(name=topic["name"], kind=topic["kind"])
    pairs = (ArticleEntity.objects.filter(wanted, article__membership__story_id__in=recent_ids)
             .values_list("name", "kind", "article__membership__story_id").distinct())
    ids_by_topic: dict[tuple[str, str], set[int]] = {}
    for name, kind, story_id in pairs:
        ids_by_topic.setdefault((name, kind), set()).add(story_id)
    found = _teasers({i for ids in ids_by_topic.values() for i in ids})
    position = {story_id: n for n, story_id in enumerate(recent_ids)}
    for topic in topics:
        ids = sorted(ids_by_topic.get((topic["name"], topic["kind"]), ()), key=position.get)
        topic["stories"] = _in_order(ids, found)[:per_topic]
        topic["url"] = reverse("site:topic", args=[topic["kind"], topic["name"]])
    return [t for t in topics if t["stories"]]


def _front_context(request) -> dict:
    top_ids = list(top_stories(limit=12).values_list("id", flat=True))
    found = _teasers(top_ids)
    top = [{"composed": c, "why": explain(c.story.score_inputs)} for c in _in_order(top_ids, found)]
    latest = list(ComposedStory.objects.select_related("story").filter(story__merged_into=None)
                  .exclude(story_id__in=top_ids).defer("body", "quotes", "facts", "inputs_digest")
                  .order_by("-story__last_seen", "-story_id")[:10])
    articles = list(Article.objects.select_related("outlet").defer("text", "description")
                    .order_by(F("published_at").desc(nulls_last=True), "-id")[:10])
    return {"top": top, "latest": latest, "topics": _topics(), "articles": articles, **page_meta(request)}


@condition(etag_func=_listing_etag, last_modified_func=_listing_last_modified)
def front_page(request):
    # Keyed by the stamp alone, never by the query string: no one can fill the cache with variants of this page.
    key = f"sociose:page:front:{_listing_last_modified(request).isoformat()}"
    return _cached_page(request, key, "site/front.html", lambda: _front_context(request))


# --- story page ------------------------------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?][\"”’)]?\s+|\n")


def _passage(text: str, text_digest: str, item: dict, context: int = 200) -> dict:
    """The source span of a sentence or quote, with whole sentences of the text around it (up to `context`
    characters each side). A source whose text changed since composing shows the stored words alone."""
    start, end = item["start"], item["end"]
    if not text or end > len(text) or start >= end or item.get("source_hash", text_digest) != text_digest:
        return {"before": "", "span": item.get("text", ""), "after": ""}
    before = text[max(0, start - context):start]
    if start > context:  # begin at the first sentence that starts inside the window
        first = _SENTENCE_END.search(before)
        before = before[first.end():] if first else "…" + before
    after = text[end:end + context]
    if end + context < len(text):  # stop at the last sentence that ends inside the window
        ends = [m.end() for m in _SENTENCE_END.finditer(after)]
        after = after[:ends[-1]] if ends else after + "…"
    return {"before": " ".join(before.split()), "span": text[start:end], "after": " ".join(after.split())}


# A cited sentence's numbered mark, built once per note in Python rather than looked up piece by piece in the
# template for every sentence, quote and dek (the same markup in all three places).
_MARK = ('<sup class="fn"><a id="cite-{id}" href="#passage-{id}" aria-label="Source {number}: {outlet}">{number}</a>'
         '</sup>')


class _Citations:
    """Numbers the story's sources in the order they are first cited, and each cited passage in reading order.

    Numbers are kept as strings: the template prints them several times each, and Django localizes every integer it
    prints (number formatting), a measurable part of rendering a long story for no visible difference."""

    def __init__(self, articles: dict[int, Article]):
        self.articles = articles
        self.sources: dict[int, dict] = {}
        self.count = 0

    def cite(self, item: dict) -> dict:
        article_id = item["article"]
        source = self.sources.get(article_id)
        if source is None:
            article = self.articles.get(article_id)
            url = item.get("source_url") or (article.url if article else "")
            source = {"number": str(len(self.sources) + 1), "article": article, "passages": [],
                      "article_id": article.id if article else None,
                      "outlet_name": str(article.outlet) if article else item.get("outlet", ""),
                      "domain": article.outlet.domain if article else "",
                      "title": article.title if article else "",
                      "published_at": article.published_at if article else None,
                      "url": url, "safe_url": http_url(url)}
            self.sources[article_id] = source
        self.count += 1
        text = source["article"].text if source["article"] else ""
        if "digest" not in source:
            source["digest"] = text_hash(text) if text else ""
        number = str(self.count)
        note = {"id": number, "source": source, **_passage(text, source["digest"], item),
                "mark": format_html(_MARK, id=number, number=source["number"], outlet=source["outlet_name"])}
        source["passages"].append(note)
        return note


def _timeline(times: list[datetime], *, width: int = 600, height: int = 140) -> dict | None:
    """Reports per hour (per day, week or month for longer stories) as the bars of a small inline SVG."""
    if len(times) < 2:
        return None
    first, last = min(times), max(times)
    span = (last - first).total_seconds()
    for unit, step in (("hour", 3600), ("day", 86400), ("week", 7 * 86400), ("month", 30 * 86400)):
        if span / step < 60:
            break
    else:
        unit, step = "year", 365 * 86400
    origin = int(first.timestamp()) // step * step
    counts = Counter((int(t.timestamp()) - origin) // step for t in times)
    bins = max(counts) + 1
    peak = max(counts.values())
    left, right, top, bottom = 34, 8, 10, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    bar_w = plot_w / bins
    bars, rows = [], []
    for n in range(bins):
        value = counts.get(n, 0)
        start = datetime.fromtimestamp(origin + n * step, tz=UTC)
        if value:
            h = plot_h * value / peak
            bars.append({"x": round(left + n * bar_w + bar_w * 0.1, 1), "w": round(max(bar_w * 0.8, 1.0), 1),
                         "y": round(top + plot_h - h, 1), "h": round(h, 1), "count": value, "start": start})
            rows.append({"start": start, "count": value})
    busiest = max(rows, key=lambda r: (r["count"], -r["start"].timestamp()))
    return {"unit": unit, "bars": bars, "rows": rows, "peak": peak, "first": first, "last": last,
            "busiest": busiest, "total": len(times), "width": width, "height": height,
            "left": left, "axis_y": top + plot_h, "right_x": width - right, "top": top,
            "label_y": height - 8, "peak_y": top + 10}


def _coverage(members: list[Membership]) -> dict:
    """Independent reports and reprints told apart; a reprint names the report whose words it repeats."""
    first_of_origin: dict[str, Membership] = {}
    independent, reprints = [], []
    for member in members:
        first_of_origin.setdefault(member.origin, member)
        if member.is_reprint:
            reprints.append({"member": member, "of": first_of_origin[member.origin]})
        else:
            independent.append(member)
    outlets = {m.outlet_id: m.article.outlet for m in members}
    return {"independent": independent, "reprints": reprints, "first": independent[0] if independent else None,
            "outlets": sorted(outlets.values(), key=lambda o: str(o).lower())}


def _facts(facts: list[dict], outlet_of: dict[int, Outlet]) -> list[dict]:
    """Each stated number with its report count, the outlets that state it and the sentence that first states it
    (a bare "5 factories" tells a reader nothing), most reported first."""
    shown = []
    for fact in facts:
        values = []
        for value in sorted(fact.get("values", ()), key=lambda v: -v.get("reports", 0)):
            sources = value.get("sources", ())
            names = sorted({str(outlet_of[s["article"]]) for s in sources if s["article"] in outlet_of})
            context = (value.get("context") or {}).get("text", "")
            values.append({"text": value["text"], "reports": value.get("reports", 0), "outlets": names,
                           "context": " ".join(context.split())})
        if values:
            shown.append({"noun": fact.get("noun", ""), "disputed": fact.get("disputed", False), "values": values})
    return shown


# Where the story fragment leaves room for what changes on its own clock (the ranking note) or will come from
# elsewhere (readers' takes, public reactions). Outside text is always escaped, so it can never produce this comment.
SLOT = mark_safe("<!--sociose:slot-->")


def _story_article_context(request, story_id: int) -> dict:
    """What `site/_story_article.html` shows: everything on the page that changes only when the story does."""
    # The Story's `summary` is the clustering engine's state (kilobytes of JSON): no page shows it.
    composed = get_object_or_404(ComposedStory.objects.select_related("story").defer("story__summary"),
                                 story_id=story_id)
    story = composed.story
    members = list(Membership.objects.filter(story_id=story_id).select_related("article__outlet")
                   .defer("article__text", "article__description").order_by("published_at", "article_id"))
    cited_ids = {s["article"] for p in composed.body for s in p} | {q["article"] for q in composed.quotes}
    if composed.dek:
        cited_ids.add(composed.dek["article"])
    cited = Article.objects.select_related("outlet").filter(id__in=cited_ids).only(
        "id", "title", "url", "text", "published_at", "license", "outlet__name", "outlet__domain")
    citations = _Citations({a.id: a for a in cited})
    dek = {**composed.dek, "note": citations.cite(composed.dek)} if composed.dek else None
    body = [[{"text": s["text"], "note": citations.cite(s)} for s in paragraph] for paragraph in composed.body]
    cards = [{**q, "note": citations.cite(q)} for q in composed.quotes if q.get("card")]
    outlet_of = {m.article_id: m.article.outlet for m in members}
    outlet_of.update({a.id: a.outlet for a in cited})
    entities = (ArticleEntity.objects.filter(article__membership__story_id=story_id, kind__in=TOPIC_KINDS)
                .values("name", "kind").annotate(articles=Count("article", distinct=True), mentions=Sum("mentions"))
                .order_by("-articles", "-mentions", "name")[:8])
    articles = [m.article for m in members] + list(cited)
    wikinews = next((a for a in articles if _is_wikinews(a)), None)
    revisions = (composed.revisions.select_related("trigger__outlet")
                 .defer("snapshot", "trigger__text", "trigger__description").order_by("-number"))
    return {
        "composed": composed, "story": story, "dek": dek, "body": body, "cards": cards,
        "sources": sorted(citations.sources.values(), key=lambda s: int(s["number"])),
        "facts": _facts(composed.facts, outlet_of), "coverage": _coverage(members),
        "timeline": _timeline([m.published_at for m in members]),
        "topics": [{**e, "url": reverse("site:topic", args=[e["kind"], e["name"]])} for e in entities],
        "revisions": list(revisions),
        "cards_after": min(2, len(body)),
        "updated": composed.updated_at > composed.published_at,
        "wikinews_licence": (wikinews.license or "CC BY 2.5") if wikinews else "",
        "wikinews_licence_url": WIKINEWS_LICENCE_URL,
        "slot": SLOT,
        **page_meta(request, composed=composed),
    }


def _render_story_fragment(request, story_id: int) -> dict:
    """The story's own part of the page, rendered: headline, <head> metadata and the <article> cut at its slots."""
    context = _story_article_context(request, story_id)
    article = render_to_string("site/_story_article.html", context, request)
    return {"headline": context["composed"].shown_headline,
            "head": render_to_string("site/_meta.html", context, request),
            "parts": article.split(SLOT)}


def _teaser_html(composed: ComposedStory) -> str:
    return render_to_string("site/_teaser.html", {"c": composed, "teaser_why": ""})


def _teasers_html(story_ids) -> list[tuple[int, str]]:
    """(story id, teaser HTML) for the given stories that have a composed version, in the given order."""
    found = _teasers(story_ids)
    return [(c.story_id, _teaser_html(c)) for c in _in_order(story_ids, found)]


def _top_teasers() -> list[tuple[int, str]]:
    """The six top stories as teasers: one more than a page shows, so that a top story's own page still has five."""
    teasers = (ComposedStory.objects.select_related("story")
               .filter(story__in=top_stories(limit=6).values("id"), story__merged_into=None)
               .defer("body", "quotes", "facts", "inputs_digest", "story__summary")
               .order_by("-story__pinned", "-story__score", "-story__last_seen", "story_id"))
    return [(c.story_id, _teaser_html(c)) for c in teasers]


# Where fragments are kept when SOCIOSE_PAGE_CACHE=false leaves Django with a dummy cache: this process's memory
# (at most 1000 fragments, a few tens of kilobytes each). With the page cache off, every request renders its page;
# that need not mean rendering the story's text again, since a story fragment's key changes with the story.
_OWN_FRAGMENTS = LocMemCache("sociose-fragments", {"TIMEOUT": CACHE_SECONDS, "OPTIONS": {"MAX_ENTRIES": 1000}})


def _fragment_cache():
    """The page cache, or this process's own when the page cache is off (a dummy backend keeps nothing)."""
    return _OWN_FRAGMENTS if isinstance(caches["default"], DummyCache) else cache


def _fragment(found: dict, key: str, make):
    """A fragment from the batch `found` (one cache round trip for all of a page's fragments), or made and kept."""
    value = found.get(key)
    if value is None:
        value = make()
        _fragment_cache().set(key, value, CACHE_SECONDS)
    return value


def _story_page_context(request, story_id: int) -> dict:
    """The story page from three fragments, each rendered once and kept for as long as it can be right:

    - the story itself (its <article> and <head> metadata), keyed by the story's two `updated_at` stamps: a new
      report or a recomposition changes a stamp, so the fragment is replaced exactly when the story changes;
    - its related stories, keyed by the same stamps and the rank bucket (other stories change too, and the
      lists may be RANK_BUCKET_SECONDS old, as they always could);
    - the top stories, keyed by the rank bucket alone and shared by every story page.

    The whole page is cached on top of this (`_cached_page`), under a key that also changes with the rank bucket;
    when the bucket turns, every page misses at once, and the fragments make re-rendering them cheap. Only the
    ranking note (`why`: the story's score inputs, rescored without touching its stamps) is rendered every time.
    """
    stamps = ":".join(moment.isoformat() for moment in _story_state(request, story_id))
    bucket = _rank_bucket().isoformat()
    keys = {"story": f"sociose:fragment:story:{story_id}:{stamps}",
            "related": f"sociose:fragment:related:{story_id}:{stamps}:{bucket}",
            "top": f"sociose:fragment:top:{bucket}"}
    found = _fragment_cache().get_many(keys.values())
    own = _fragment(found, keys["story"], lambda: _render_story_fragment(request, story_id))
    story = Story.objects.only("id", "score_inputs").get(id=story_id)
    related = _fragment(found, keys["related"],
                        lambda: _teasers_html([s.id for s in related_stories(story, limit=5)]))
    top = [html for i, html in _fragment(found, keys["top"], _top_teasers) if i != story_id][:5]
    return {"headline": own["headline"], "head": mark_safe(own["head"]),  # our own rendering, escaped when it was made
            "parts": [mark_safe(part) for part in own["parts"]],
            "why": explain(story.score_inputs), "takes": [], "reactions": [],
            "related": [mark_safe(html) for _, html in related], "top": [mark_safe(html) for html in top]}


@condition(etag_func=_story_etag, last_modified_func=_story_last_modified)
def story_page(request, story_id: int):
    if _story_state(request, story_id) is None:
        merged_into = Story.objects.filter(id=story_id).values_list("merged_into_id", flat=True).first()
        if merged_into:
            return redirect("site:story", merged_into, permanent=True)
        raise Http404("No such story.")
    key = f"sociose:page:story:{story_id}:{_story_etag(request, story_id)}"
    return _cached_page(request, key, "site/story.html", lambda: _story_page_context(request, story_id))


# --- topics, outlets, articles ---------------------------------------------------------------------------------------

@condition(etag_func=_listing_etag, last_modified_func=_listing_last_modified)
def topic_page(request, kind: str, name: str):
    if kind not in KIND_LABELS:
        raise Http404("No such kind of topic.")
    named = ArticleEntity.objects.filter(kind=kind, name=name)
    story_ids = Membership.objects.filter(article__in=named.values("article")).values("story_id")
    stories = (ComposedStory.objects.select_related("story").filter(story_id__in=story_ids, story__merged_into=None)
               .defer("body", "quotes", "facts", "inputs_digest").order_by("-story__last_seen", "-story_id"))
    page = Paginator(stories, 20).get_page(request.GET.get("page"))
    if not page.object_list:
        raise Http404("No story names this topic.")
    return render(request, "site/topic.html", {**page_meta(request, topic=(kind, name)),
                                               "name": name, "kind": kind, "kind_label": KIND_LABELS[kind],
                                               "page": page, "count": page.paginator.count})


@condition(etag_func=_listing_etag, last_modified_func=_listing_last_modified)
def outlet_page(request, domain: str):
    outlet = get_object_or_404(Outlet, domain=domain)
    articles = (Article.objects.filter(outlet=outlet).select_related("membership__story__composed")
                .defer("text", "description").order_by("-published_at", "-id"))
    page = Paginator(articles, 30).get_page(request.GET.get("page"))
    reports = Membership.objects.filter(outlet=outlet).aggregate(
        total=Count("id"), reprints=Count("id", filter=Q(is_reprint=True)),
        stories=Count("story", distinct=True))
    first = Story.objects.filter(first_outlet=outlet, merged_into=None).count()
    fed = (ComposedStory.objects.select_related("story")
           .filter(story__in=Membership.objects.filter(outlet=outlet).values("story_id"), story__merged_into=None)
           .defer("body", "quotes", "facts", "inputs_digest").order_by("-story__last_seen", "-story_id")[:20])
    return render(request, "site/outlet.html", {"outlet": outlet, "page": page, "reports": reports,
                                                "first_count": first, "stories": fed})


def article_page(request, article_id):
    article = get_object_or_404(Article.objects.select_related("outlet", "reprint_of__outlet"), id=article_id)
    membership = Membership.objects.filter(article=article).select_related("story__composed").first()
    composed = getattr(membership.story, "composed", None) if membership and not membership.story.merged_into_id \
        else None
    return render(request, "site/article.html", {
        "article": article, "paragraphs": [p for p in article.text.split("\n\n") if p.strip()],
        "composed": composed, "membership": membership, "wikinews": _is_wikinews(article)})


def about_page(request):
    return render(request, "site/about.html", {"attribution": ATTRIBUTION_PATH.read_text(encoding="utf-8")})


urlpatterns = [
    path("", front_page, name="front"),
    path("articles/<int:article_id>/", article_page, name="article"),
    path("stories/<int:story_id>/", story_page, name="story"),
    path("topics/<str:kind>/<path:name>/", topic_page, name="topic"),
    path("outlets/<str:domain>/", outlet_page, name="outlet"),
    path("about/", about_page, name="about"),
]
