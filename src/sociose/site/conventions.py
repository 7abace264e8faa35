"""The web's conventions: RSS 2.0, Atom and JSON Feed 1.1 (front page, topics, a story's updates), sitemap.xml, the
Google News sitemap and robots.txt, all with ETag/Last-Modified so that pollers get 304s.

Every feed is built from one `Channel` (title, page, items); the three formats only render it. A request's channel is
built once and shared by the conditional-request check and the view (`_channel`), so a 304 costs the queries of
one build and no rendering.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.contrib.syndication.views import Feed
from django.db.models import Count, Max
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import feedgenerator, timezone
from django.utils.feedgenerator import SimplerXMLGenerator
from django.utils.html import escape
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_safe

from sociose.desk.models import ComposedStory
from sociose.stories.models import ArticleEntity, Membership

FEED_ITEMS = 30
NEWS_SITEMAP_DAYS = 2  # Google News only reads articles published in the last two days ...
NEWS_SITEMAP_MAX = 1000  # ... and at most 1,000 of them per sitemap
SITEMAP_LIMIT = 50_000  # the sitemaps.org limit per file; Django pages beyond it with ?p=
TOPIC_KINDS = ("person", "org", "place")  # the kinds that have topic pages in the sitemap
FEED_MAX_AGE = 300  # seconds: pollers revalidate (cheaply, with a 304) at most every five minutes
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


# --- URLs ---------------------------------------------------------------------------------------------------------

def absolute_url(path_: str) -> str:
    """`path_` on the site's public origin (the `site_url` option), not on whatever Host the request came with."""
    parts = urlsplit(settings.SITE_URL)
    return f"{parts.scheme}://{parts.netloc}{path_}"


def story_path(story_id: int) -> str:
    return reverse("site:story", args=[story_id])


def topic_path(kind: str, name: str) -> str:
    """The topic page of an entity, `/topics/<kind>/<name>/` (pages.topic_page)."""
    return reverse("site:topic", kwargs={"kind": kind, "name": name})


def feed_urls(scope: str, **kwargs) -> dict[str, str]:
    """Absolute URLs of the three formats of a feed: scope is "front", "topic" (kind, name) or "updates" (story_id)."""
    return {fmt: absolute_url(reverse(f"site:{scope}-feed-{fmt}", kwargs=kwargs)) for fmt in ("rss", "atom", "json")}


# --- What a feed holds ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    guid: str
    title: str  # plain text
    link: str
    description: str  # plain text
    published: datetime
    updated: datetime
    image: str = ""


@dataclass(frozen=True)
class Channel:
    title: str
    link: str  # the HTML page the feed follows
    description: str
    feeds: dict[str, str]  # format -> absolute URL
    items: list[Item] = field(default_factory=list)

    @property
    def updated(self) -> datetime | None:
        return max((item.updated for item in self.items), default=None)

    @property
    def etag(self) -> str:
        # Everything a rendering shows, so that an editor's change without a recompose still changes the tag.
        parts = [self.title, self.link, self.description] + [
            f"{i.guid}|{i.title}|{i.link}|{i.description}|{i.published.isoformat()}|{i.updated.isoformat()}|{i.image}"
            for i in self.items]
        return '"' + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32] + '"'


def _live_composed():
    return ComposedStory.objects.select_related("story").filter(story__merged_into=None)


def _story_item(composed: ComposedStory) -> Item:
    link = absolute_url(story_path(composed.story_id))
    image = composed.image.get("url", "") if composed.image else ""
    return Item(guid=link, title=composed.shown_headline, link=link, description=composed.dek.get("text", ""),
                published=composed.published_at, updated=composed.updated_at,
                image=image if image.startswith(("https://", "http://")) else "")


def front_channel() -> Channel:
    """The latest composed stories, newest first."""
    stories = _live_composed().order_by("-published_at", "-story_id")[:FEED_ITEMS]
    return Channel(title=settings.SITE_NAME, link=absolute_url(reverse("site:front")),
                   description=f"The latest stories on {settings.SITE_NAME}, assembled from the outlets they name.",
                   feeds=feed_urls("front"), items=[_story_item(c) for c in stories])


def topic_channel(kind: str, name: str) -> Channel:
    """The latest stories whose articles name the entity."""
    if kind not in ArticleEntity.Kind.values or not ArticleEntity.objects.filter(kind=kind, name=name).exists():
        raise Http404("No such topic.")
    # One filter() call on the multi-valued relation: kind and name must hold for the same entity row.
    story_ids = Membership.objects.filter(article__entities__kind=kind, article__entities__name=name).values("story_id")
    stories = _live_composed().filter(story_id__in=story_ids).order_by("-published_at", "-story_id")[:FEED_ITEMS]
    return Channel(title=f"{name} — {settings.SITE_NAME}", link=absolute_url(topic_path(kind, name)),
                   description=f"Stories about {name} on {settings.SITE_NAME}.",
                   feeds=feed_urls("topic", kind=kind, name=name), items=[_story_item(c) for c in stories])


def updates_channel(story_id: int) -> Channel:
    """A story's public revision history, newest first: one item per revision."""
    composed = get_object_or_404(_live_composed(), story_id=story_id)
    link = absolute_url(story_path(story_id))
    revisions = composed.revisions.order_by("-number")[:FEED_ITEMS]
    items = [Item(guid=f"{link}#revision-{r.number}", title=f"Update {r.number}: {composed.shown_headline}",
                  link=link, description=r.summary, published=r.created_at, updated=r.created_at)
             for r in revisions]
    return Channel(title=f"Updates: {composed.shown_headline} — {settings.SITE_NAME}", link=link,
                   description=f"Every change to “{composed.shown_headline}” and the source that caused it.",
                   feeds=feed_urls("updates", story_id=story_id), items=items)


def _channel(request, builder: Callable[..., Channel], kwargs: dict) -> Channel:
    """The request's channel, built once for the conditional check and the view."""
    cache = request.__dict__.setdefault("_sociose_channels", {})
    key = (builder.__name__, tuple(sorted(kwargs.items())))
    if key not in cache:
        cache[key] = builder(**kwargs)
    return cache[key]


# --- RSS 2.0 and Atom: Django's syndication framework ----------------------------------------------------------------

class ChannelFeed(Feed):
    """Renders a Channel as RSS 2.0 or Atom 1.0."""

    def __init__(self, feed_type, builder):
        self.feed_type = feed_type
        self.builder = builder
        self.language = settings.LANGUAGE_CODE

    def get_object(self, request, **kwargs):
        return _channel(request, self.builder, kwargs)

    def title(self, channel):
        return channel.title

    def link(self, channel):
        return channel.link

    def description(self, channel):
        return channel.description

    def subtitle(self, channel):
        return channel.description

    def feed_url(self, channel):
        return channel.feeds["atom" if self.feed_type is feedgenerator.Atom1Feed else "rss"]

    def feed_guid(self, channel):
        return self.feed_url(channel)

    def author_name(self):
        return settings.SITE_NAME

    def author_link(self):
        return absolute_url(reverse("site:front"))

    def items(self, channel):
        return channel.items

    def item_title(self, item):
        # RSS readers treat <title> as HTML (hence Django's default double escaping, ticket #6533); an Atom <title>
        # without a type is plain text, so escaping it there would show "&lt;" to readers.
        return item.title if self.feed_type is feedgenerator.Atom1Feed else escape(item.title)

    def item_description(self, item):
        # <description> (RSS) and <summary type="html"> (Atom) are HTML: the plain text is escaped once into HTML,
        # then once more into XML by the generator, so markup in a source's text shows as text and never runs.
        return escape(item.description)

    def item_link(self, item):
        return item.link

    def item_guid(self, item):
        return item.guid

    def item_guid_is_permalink(self, item):
        return item.guid == item.link

    def item_pubdate(self, item):
        return item.published

    def item_updateddate(self, item):
        return item.updated

    def item_author_name(self, item):
        return settings.SITE_NAME

    def item_author_link(self, item):
        return absolute_url(reverse("site:front"))


# --- JSON Feed 1.1 ----------------------------------------------------------------------------------------------------

def json_feed(channel: Channel) -> dict:
    """The channel as a JSON Feed 1.1 document (https://www.jsonfeed.org/version/1.1/)."""
    author = {"name": settings.SITE_NAME, "url": absolute_url(reverse("site:front"))}
    items = []
    for item in channel.items:
        entry = {"id": item.guid, "url": item.link, "title": item.title, "summary": item.description,
                 "content_text": item.description or item.title,  # one of content_text/content_html is required
                 "date_published": item.published.isoformat(), "date_modified": item.updated.isoformat(),
                 "authors": [author], "language": settings.LANGUAGE_CODE}
        if item.image:
            entry["image"] = item.image
        items.append(entry)
    return {"version": JSON_FEED_VERSION, "title": channel.title, "home_page_url": channel.link,
            "feed_url": channel.feeds["json"], "description": channel.description, "language": settings.LANGUAGE_CODE,
            "authors": [author], "items": items}


# --- Views ------------------------------------------------------------------------------------------------------------

def _feed_views(builder: Callable[..., Channel]) -> dict[str, Callable]:
    """The rss, atom and json views of one channel, each answering conditional requests with a 304."""

    def etag(request, **kwargs):
        return _channel(request, builder, kwargs).etag

    def last_modified(request, **kwargs):
        return _channel(request, builder, kwargs).updated

    def conditional(view):
        return require_safe(cache_control(public=True, max_age=FEED_MAX_AGE)(
            condition(etag_func=etag, last_modified_func=last_modified)(view)))

    def syndication(feed_type):
        feed = ChannelFeed(feed_type, builder)

        def view(request, **kwargs):
            response = feed(request, **kwargs)
            # Django stamps "now" on an empty feed; the channel's own time (none when empty) keeps 304s consistent.
            del response.headers["Last-Modified"]
            return response
        return conditional(view)

    def json_view(request, **kwargs):
        body = json.dumps(json_feed(_channel(request, builder, kwargs)), ensure_ascii=False, indent=1)
        return HttpResponse(body, content_type="application/feed+json; charset=utf-8")

    return {"rss": syndication(feedgenerator.Rss201rev2Feed), "atom": syndication(feedgenerator.Atom1Feed),
            "json": conditional(json_view)}


# --- Sitemaps ---------------------------------------------------------------------------------------------------------

class _SiteSitemap(Sitemap):
    limit = SITEMAP_LIMIT

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class StorySitemap(_SiteSitemap):
    def items(self):
        return (ComposedStory.objects.filter(story__merged_into=None).only("story", "updated_at")
                .order_by("story_id"))

    def location(self, item):
        return story_path(item.story_id)

    def lastmod(self, item):
        return item.updated_at


class TopicSitemap(_SiteSitemap):
    """Entities named in the articles of live composed stories, with the time their newest story changed."""

    def items(self):
        return (ArticleEntity.objects
                .filter(kind__in=TOPIC_KINDS, article__membership__story__merged_into=None,
                        article__membership__story__composed__isnull=False)
                .values("kind", "name")
                .annotate(lastmod=Max("article__membership__story__composed__updated_at"))
                .order_by("kind", "name"))

    def location(self, item):
        return topic_path(item["kind"], item["name"])

    def lastmod(self, item):
        return item["lastmod"]


SITEMAPS = {"stories": StorySitemap, "topics": TopicSitemap}


def _sitemap_state(request) -> dict:
    """Cheap aggregates that change whenever either sitemap's content may have changed."""
    cache = request.__dict__
    if "_sociose_sitemap_state" not in cache:
        state = ComposedStory.objects.filter(story__merged_into=None).aggregate(
            stories=Count("id"), updated=Max("updated_at"), last_story=Max("story__updated_at"))
        state["entities"] = ArticleEntity.objects.aggregate(n=Max("id"))["n"]
        cache["_sociose_sitemap_state"] = state
    return cache["_sociose_sitemap_state"]


def _sitemap_etag(request, *args, **kwargs):
    state = _sitemap_state(request)
    raw = f"{request.GET.get('p', '1')}|{settings.SITE_URL}|" + "|".join(str(state[k]) for k in sorted(state))
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


def _sitemap_last_modified(request, *args, **kwargs):
    state = _sitemap_state(request)
    return max(filter(None, [state["updated"], state["last_story"]]), default=None)


@require_safe
@cache_control(public=True, max_age=FEED_MAX_AGE)
@condition(etag_func=_sitemap_etag, last_modified_func=_sitemap_last_modified)
def sitemap(request):
    response = sitemap_view(request, sitemaps=SITEMAPS)
    # Django's view stamps the newest lastmod of the page; the conditional check's own time keeps 304s consistent.
    if "Last-Modified" in response.headers:
        del response.headers["Last-Modified"]
    return response


def _news_items(request) -> list[ComposedStory]:
    cache = request.__dict__
    if "_sociose_news" not in cache:
        since = timezone.now() - timedelta(days=NEWS_SITEMAP_DAYS)
        cache["_sociose_news"] = list(_live_composed().filter(published_at__gte=since)
                                      .order_by("-published_at", "-story_id")[:NEWS_SITEMAP_MAX])
    return cache["_sociose_news"]


def _news_etag(request):
    parts = [settings.SITE_NAME, settings.SITE_URL] + [
        f"{c.story_id}|{c.shown_headline}|{c.language}|{c.published_at.isoformat()}" for c in _news_items(request)]
    return '"' + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32] + '"'


def _news_last_modified(request):
    return max((c.updated_at for c in _news_items(request)), default=None)


def _w3c(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def news_language(composed: ComposedStory) -> str:
    """Google News wants an ISO 639 code ("en"; "zh-cn" and "zh-tw" are its two exceptions)."""
    language = (composed.language or settings.LANGUAGE_CODE).lower()
    return language if language in ("zh-cn", "zh-tw") else language.split("-")[0]


@require_safe
@cache_control(public=True, max_age=FEED_MAX_AGE)
@condition(etag_func=_news_etag, last_modified_func=_news_last_modified)
def news_sitemap(request):
    """The Google News sitemap: stories published in the last two days."""
    response = HttpResponse(content_type="application/xml; charset=utf-8")
    xml = SimplerXMLGenerator(response, "utf-8")  # escapes every text node and attribute
    xml.startDocument()
    xml.startElement("urlset", {"xmlns": "http://www.sitemaps.org/schemas/sitemap/0.9",
                                "xmlns:news": "http://www.google.com/schemas/sitemap-news/0.9"})
    for composed in _news_items(request):
        xml.startElement("url", {})
        xml.addQuickElement("loc", absolute_url(story_path(composed.story_id)))
        xml.addQuickElement("lastmod", _w3c(composed.updated_at))
        xml.startElement("news:news", {})
        xml.startElement("news:publication", {})
        xml.addQuickElement("news:name", settings.SITE_NAME)
        xml.addQuickElement("news:language", news_language(composed))
        xml.endElement("news:publication")
        xml.addQuickElement("news:publication_date", _w3c(composed.published_at))
        xml.addQuickElement("news:title", composed.shown_headline)
        xml.endElement("news:news")
        xml.endElement("url")
    xml.endElement("urlset")
    xml.endDocument()
    return response


# --- robots.txt -------------------------------------------------------------------------------------------------------

def robots_text() -> str:
    # /admin/ is for editors; /api/ serves the same stories as the pages, as JSON, so crawling it only costs us;
    # /search/ is an endless space of result pages (Google asks sites to keep such pages out of its crawl).
    return "\n".join([
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /search/",
        "Allow: /",
        "",
        f"Sitemap: {absolute_url(reverse('site:sitemap'))}",
        f"Sitemap: {absolute_url(reverse('site:news-sitemap'))}",
        "",
    ])


def _robots_etag(request):
    return '"' + hashlib.sha256(robots_text().encode()).hexdigest()[:32] + '"'


@require_safe
@cache_control(public=True, max_age=86400)
@condition(etag_func=_robots_etag)
def robots_txt(request):
    return HttpResponse(robots_text(), content_type="text/plain; charset=utf-8")


_front, _topic, _updates = _feed_views(front_channel), _feed_views(topic_channel), _feed_views(updates_channel)

urlpatterns = [
    path("feeds/rss.xml", _front["rss"], name="front-feed-rss"),
    path("feeds/atom.xml", _front["atom"], name="front-feed-atom"),
    path("feeds/feed.json", _front["json"], name="front-feed-json"),
    path("topics/<str:kind>/<path:name>/feed.rss", _topic["rss"], name="topic-feed-rss"),
    path("topics/<str:kind>/<path:name>/feed.atom", _topic["atom"], name="topic-feed-atom"),
    path("topics/<str:kind>/<path:name>/feed.json", _topic["json"], name="topic-feed-json"),
    path("stories/<int:story_id>/updates.rss", _updates["rss"], name="updates-feed-rss"),
    path("stories/<int:story_id>/updates.atom", _updates["atom"], name="updates-feed-atom"),
    path("stories/<int:story_id>/updates.json", _updates["json"], name="updates-feed-json"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("sitemap-news.xml", news_sitemap, name="news-sitemap"),
    path("robots.txt", robots_txt, name="robots"),
]
