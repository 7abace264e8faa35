"""The web's conventions, parsed the way their consumers parse them: the feeds with feedparser, the sitemaps as XML,
JSON-LD with json.loads, the head partial with an HTML parser; conditional requests answered with 304s; and text from
outside escaped everywhere."""

from __future__ import annotations

import json
from calendar import timegm
from datetime import UTC, datetime, timedelta
from html import unescape
from html.parser import HTMLParser
from urllib.parse import quote
from xml.etree import ElementTree

import feedparser
import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone
from django.utils.http import parse_http_date

from sociose.articles.actions import do_store_article
from sociose.articles.draft import ArticleDraft
from sociose.articles.models import Article
from sociose.desk.actions import compose_story
from sociose.desk.models import ComposedStory
from sociose.site import seo
from sociose.stories.actions import assign_story
from sociose.stories.models import Story

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"
HOSTILE = "</script><script>alert(1)</script> Floods & <b>more</b>"
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
              "news": "http://www.google.com/schemas/sitemap-news/0.9"}

FLOOD = ("Floods hit the river town of Easton after three days of rain. The mayor of Easton, Ann Berry, said 40 homes "
         "were evacuated on Monday. \"We have never seen the water this high,\" Berry said. Rescue teams from two "
         "neighbouring counties arrived in the evening. The river is expected to peak on Tuesday morning.")
FLOOD_2 = ("The river in Easton burst its banks on Monday after days of heavy rain, forcing 40 homes to be evacuated. "
           "Mayor Ann Berry said the town had opened two shelters. \"Everyone is safe for now, but the night will be "
           "long,\" she said. Forecasters expect the river to peak on Tuesday.")
CHESS = ("The world chess championship in Oslo ended in a draw after fourteen games on Sunday. Grandmaster Ivo Petrov "
         "kept his title on the tie-break rules of the federation. Organisers said a record audience followed the "
         "final game online. The next championship will be held in two years.")


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    settings.SITE_NAME = "Sociose Test"


def _article(url, title, text, published, **image):
    draft = ArticleDraft(url=url, title=title, text=text, published_at=published, **image)
    article = do_store_article(draft, via="file").article
    assign_story(Article.objects.select_related("outlet").get(id=article.id))
    return Article.objects.get(id=article.id)


def _composed(story: Story) -> ComposedStory:
    return ComposedStory.objects.select_related("story").get(story=story)


@pytest.fixture
def stories():
    """Two stories: the flood (two reports, a credited image, quotes; composed an hour ago) and the chess final
    (composed thirty minutes ago)."""
    now = timezone.now()
    first = _article("https://daily.example/floods-hit-easton", "Floods hit Easton | Easton Daily", FLOOD,
                     now - timedelta(hours=3), image_url="https://img.example/flood.jpg",
                     image_credit="Jo Lens/Reuters", image_caption="Water in the high street")
    _article("https://herald.example/easton-river", "Easton river bursts its banks", FLOOD_2, now - timedelta(hours=2))
    chess = _article("https://chess.example/final", "Chess final ends in a draw", CHESS, now - timedelta(hours=2))
    flood_story, chess_story = first.membership.story, chess.membership.story
    assert flood_story != chess_story
    compose_story(flood_story, now=now - timedelta(hours=1))
    compose_story(chess_story, now=now - timedelta(minutes=30))
    return _composed(flood_story), _composed(chess_story)


def _story_url(composed):
    return f"{SITE}/stories/{composed.story_id}/"


def _ts(moment: datetime):
    return moment.astimezone(UTC).replace(microsecond=0).timetuple()[:6]


def _parsed(struct):
    return tuple(struct)[:6]


def _parse(client, url, content_type):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == content_type
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


# --- Feeds --------------------------------------------------------------------------------------------------------

def test_front_page_rss_field_by_field(client, stories):
    flood, chess = stories
    feed = _parse(client, "/feeds/rss.xml", "application/rss+xml; charset=utf-8")
    assert feed.version == "rss20"
    guids = ElementTree.fromstring(client.get("/feeds/rss.xml").content).findall("channel/item/guid")
    assert [(g.text, g.get("isPermaLink")) for g in guids] == [(_story_url(chess), "true"), (_story_url(flood), "true")]
    assert feed.feed.title == "Sociose Test" and feed.feed.link == f"{SITE}/"
    assert feed.feed.language == settings.LANGUAGE_CODE
    assert [e.link for e in feed.entries] == [_story_url(chess), _story_url(flood)]  # newest first
    for entry, composed in zip(feed.entries, [chess, flood]):
        assert unescape(entry.title) == composed.shown_headline  # RSS titles are HTML: escaped once more
        assert entry.id == entry.link == _story_url(composed)
        assert unescape(entry.summary) == composed.dek["text"]
        assert _parsed(entry.published_parsed) == _ts(composed.published_at)
        assert entry.author == "Sociose Test"


def test_front_page_atom_field_by_field(client, stories):
    flood, chess = stories
    feed = _parse(client, "/feeds/atom.xml", "application/atom+xml; charset=utf-8")
    assert feed.version == "atom10"
    assert feed.feed.title == "Sociose Test" and feed.feed.link == f"{SITE}/"
    assert feed.feed.id == f"{SITE}/feeds/atom.xml"
    assert {link.rel: link.href for link in feed.feed.links}["self"] == f"{SITE}/feeds/atom.xml"
    assert feed.feed.author == "Sociose Test"
    assert _parsed(feed.feed.updated_parsed) == _ts(chess.updated_at)
    assert [e.link for e in feed.entries] == [_story_url(chess), _story_url(flood)]
    for entry, composed in zip(feed.entries, [chess, flood]):
        assert entry.title == composed.shown_headline and entry.title_detail.type == "text/plain"
        assert entry.id == _story_url(composed)
        assert entry.summary_detail.type == "text/html" and unescape(entry.summary) == composed.dek["text"]
        assert _parsed(entry.published_parsed) == _ts(composed.published_at)
        assert _parsed(entry.updated_parsed) == _ts(composed.updated_at)
        assert entry.author == "Sociose Test"


def test_front_page_json_feed_field_by_field(client, stories):
    flood, chess = stories
    response = client.get("/feeds/feed.json")
    assert response["Content-Type"] == "application/feed+json; charset=utf-8"
    data = json.loads(response.content)
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["title"] == "Sociose Test" and data["home_page_url"] == f"{SITE}/"
    assert data["feed_url"] == f"{SITE}/feeds/feed.json"
    assert data["authors"] == [{"name": "Sociose Test", "url": f"{SITE}/"}]
    assert [item["url"] for item in data["items"]] == [_story_url(chess), _story_url(flood)]
    for item, composed in zip(data["items"], [chess, flood]):
        assert item["id"] == item["url"]
        assert item["title"] == composed.shown_headline
        assert item["summary"] == item["content_text"] == composed.dek["text"]
        assert datetime.fromisoformat(item["date_published"]) == composed.published_at
        assert datetime.fromisoformat(item["date_modified"]) == composed.updated_at
        assert item["authors"] == [{"name": "Sociose Test", "url": f"{SITE}/"}]
    assert data["items"][1]["image"] == "https://img.example/flood.jpg" and "image" not in data["items"][0]


def test_topic_feeds_hold_the_stories_whose_articles_name_the_entity(client, stories):
    flood, _chess = stories
    base = f"/topics/person/{quote('Ann Berry')}"
    rss = _parse(client, f"{base}/feed.rss", "application/rss+xml; charset=utf-8")
    assert rss.feed.title == "Ann Berry — Sociose Test" and rss.feed.link == f"{SITE}{base}/"
    assert [e.link for e in rss.entries] == [_story_url(flood)]
    atom = _parse(client, f"{base}/feed.atom", "application/atom+xml; charset=utf-8")
    assert atom.feed.id == f"{SITE}{base}/feed.atom" and [e.title for e in atom.entries] == [flood.shown_headline]
    data = json.loads(client.get(f"{base}/feed.json").content)
    assert data["feed_url"] == f"{SITE}{base}/feed.json" and [i["id"] for i in data["items"]] == [_story_url(flood)]
    assert client.get(f"/topics/person/{quote('Nobody Here')}/feed.rss").status_code == 404
    assert client.get(f"/topics/planet/{quote('Ann Berry')}/feed.rss").status_code == 404
    assert client.get(f"/topics/org/{quote('Ann Berry')}/feed.rss").status_code == 404  # the kind must match too


def test_topic_names_with_a_slash_have_feeds(client, stories):
    flood, _chess = stories
    article = flood.story.memberships.first().article
    article.entities.create(name="AC/DC", kind="org")
    assert seo.alternate_links(None, topic=("org", "AC/DC"))[0]["href"] == f"{SITE}/topics/org/AC/DC/feed.rss"
    feed = _parse(client, "/topics/org/AC/DC/feed.rss", "application/rss+xml; charset=utf-8")
    assert feed.feed.link == f"{SITE}/topics/org/AC/DC/" and [e.link for e in feed.entries] == [_story_url(flood)]


def test_story_updates_feeds_list_its_revisions_newest_first(client, stories):
    flood, _chess = stories
    later = timezone.now()
    third = _article("https://third.example/easton", "Easton shelters open as river rises",
                     "Easton opened a third shelter on Monday night. " + FLOOD_2, later - timedelta(minutes=5))
    assert third.membership.story_id == flood.story_id
    compose_story(flood.story, trigger_article_id=third.id, now=later)
    revisions = list(flood.revisions.order_by("-number"))
    assert [r.number for r in revisions] == [2, 1]
    url = _story_url(flood)
    rss = _parse(client, f"/stories/{flood.story_id}/updates.rss", "application/rss+xml; charset=utf-8")
    headline = _composed(flood.story).shown_headline
    assert rss.feed.link == url and rss.feed.title == f"Updates: {headline} — Sociose Test"
    assert [unescape(e.title) for e in rss.entries] == [f"Update 2: {headline}", f"Update 1: {headline}"]
    assert [e.id for e in rss.entries] == [f"{url}#revision-2", f"{url}#revision-1"]
    assert all(e.link == url for e in rss.entries)
    guids = ElementTree.fromstring(client.get(f"/stories/{flood.story_id}/updates.rss").content).iter("guid")
    assert [g.get("isPermaLink") for g in guids] == ["false", "false"]  # a fragment, not a page of its own
    assert [unescape(e.summary) for e in rss.entries] == [r.summary for r in revisions]
    assert "third.example" in rss.entries[0].summary
    assert [_parsed(e.published_parsed) for e in rss.entries] == [_ts(r.created_at) for r in revisions]
    atom = _parse(client, f"/stories/{flood.story_id}/updates.atom", "application/atom+xml; charset=utf-8")
    assert [_parsed(e.updated_parsed) for e in atom.entries] == [_ts(r.created_at) for r in revisions]
    data = json.loads(client.get(f"/stories/{flood.story_id}/updates.json").content)
    assert [i["id"] for i in data["items"]] == [f"{url}#revision-2", f"{url}#revision-1"]
    assert [i["content_text"] for i in data["items"]] == [r.summary for r in revisions]
    assert client.get("/stories/999999/updates.rss").status_code == 404


def test_an_empty_front_feed_is_still_valid(client):
    feed = _parse(client, "/feeds/atom.xml", "application/atom+xml; charset=utf-8")
    assert feed.entries == [] and feed.feed.title == "Sociose Test"
    assert json.loads(client.get("/feeds/feed.json").content)["items"] == []


# --- Conditional requests -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/feeds/rss.xml", "/feeds/atom.xml", "/feeds/feed.json",
                                 "/topics/person/Ann%20Berry/feed.rss", "/topics/person/Ann%20Berry/feed.json",
                                 "/stories/{id}/updates.atom", "/stories/{id}/updates.json",
                                 "/sitemap.xml", "/sitemap-news.xml"])
def test_conditional_requests_get_304_until_the_content_changes(client, stories, url):
    flood, _chess = stories
    url = url.format(id=flood.story_id)
    first = client.get(url)
    assert first.status_code == 200 and first["Cache-Control"] == "public, max-age=300"
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and parse_http_date(modified) <= timegm(timezone.now().utctimetuple())
    not_modified = client.get(url, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b"" and not_modified["ETag"] == etag
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.head(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200
    # An editor's headline changes what every one of these shows, and so the tag.
    composed = _composed(flood.story)
    composed.headline_override = "Easton under water"
    composed.save()
    compose_story(flood.story, now=timezone.now())
    changed = client.get(url, headers={"If-None-Match": etag, "If-Modified-Since": modified})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert url == "/sitemap.xml" or b"Easton under water" in changed.content  # the sitemap shows no headlines


def test_a_304_costs_one_build_of_the_feed_and_no_more(client, stories, django_assert_num_queries):
    etag = client.get("/feeds/rss.xml")["ETag"]
    with django_assert_num_queries(1):  # the conditional check and the view share the request's channel
        assert client.get("/feeds/rss.xml").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/feeds/rss.xml", headers={"If-None-Match": etag}).status_code == 304


def test_robots_txt_is_conditional_too(client):
    first = client.get("/robots.txt")
    assert client.get("/robots.txt", headers={"If-None-Match": first["ETag"]}).status_code == 304
    assert client.post("/robots.txt").status_code == 405


# --- Sitemaps and robots.txt --------------------------------------------------------------------------------------

def test_sitemap_lists_stories_and_topics(client, stories):
    flood, chess = stories
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{{{SITEMAP_NS['sm']}}}urlset"
    urls = {u.findtext("sm:loc", namespaces=SITEMAP_NS): u.findtext("sm:lastmod", namespaces=SITEMAP_NS)
            for u in root.findall("sm:url", SITEMAP_NS)}
    assert urls[_story_url(flood)] == flood.updated_at.date().isoformat()
    assert urls[_story_url(chess)] == chess.updated_at.date().isoformat()
    assert urls[f"{SITE}/topics/person/Ann%20Berry/"] == flood.updated_at.date().isoformat()
    topics = [u for u in urls if "/topics/" in u]
    assert topics and all(u.split("/")[4] in ("person", "org", "place") for u in topics)
    assert set(urls) - set(topics) == {_story_url(flood), _story_url(chess)}


def test_news_sitemap_has_the_last_two_days(client, stories):
    flood, chess = stories
    old = _article("https://old.example/harbour", "Harbour reopens after repairs",
                   "The harbour in Portwell reopened on Friday after six months of repairs. Fishing boats returned "
                   "to the quay in the morning. The council said the work cost four million pounds.",
                   timezone.now() - timedelta(days=4))
    compose_story(old.membership.story, now=timezone.now() - timedelta(days=3))
    response = client.get("/sitemap-news.xml")
    assert response.status_code == 200 and response["Content-Type"] == "application/xml; charset=utf-8"
    root = ElementTree.fromstring(response.content)
    entries = root.findall("sm:url", SITEMAP_NS)
    assert [e.findtext("sm:loc", namespaces=SITEMAP_NS) for e in entries] == [_story_url(chess), _story_url(flood)]
    for entry, composed in zip(entries, [chess, flood]):
        news = entry.find("news:news", SITEMAP_NS)
        assert news.findtext("news:publication/news:name", namespaces=SITEMAP_NS) == "Sociose Test"
        assert news.findtext("news:publication/news:language", namespaces=SITEMAP_NS) == "en"
        assert news.findtext("news:title", namespaces=SITEMAP_NS) == composed.shown_headline
        published = datetime.fromisoformat(news.findtext("news:publication_date", namespaces=SITEMAP_NS))
        assert published == composed.published_at.replace(microsecond=0) and published.tzinfo is not None


def test_robots_txt_allows_all_and_points_to_both_sitemaps(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *" and "Allow: /" in lines
    assert {"Disallow: /admin/", "Disallow: /api/"} <= set(lines) and "Disallow: /" not in lines
    assert [line for line in lines if line.startswith("Sitemap:")] == [
        f"Sitemap: {SITE}/sitemap.xml", f"Sitemap: {SITE}/sitemap-news.xml"]


# --- JSON-LD, meta tags, autodiscovery --------------------------------------------------------------------------

def test_story_jsonld_field_by_field(stories):
    flood, _chess = stories
    request = RequestFactory().get(f"/stories/{flood.story_id}/")
    data = json.loads(json.dumps(seo.story_jsonld(request, flood)))
    url = _story_url(flood)
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url} and data["url"] == url
    assert data["headline"] == flood.shown_headline and data["description"] == flood.dek["text"]
    assert datetime.fromisoformat(data["datePublished"]) == flood.published_at
    assert datetime.fromisoformat(data["dateModified"]) == flood.updated_at
    assert data["image"] == [{"@type": "ImageObject", "url": "https://img.example/flood.jpg",
                              "contentUrl": "https://img.example/flood.jpg", "caption": "Water in the high street",
                              "creditText": "Jo Lens/Reuters"}]
    organization = {"@type": "Organization", "name": "Sociose Test", "url": f"{SITE}/"}
    assert data["author"] == [organization] and data["publisher"] == organization
    sources = list(dict.fromkeys(
        [flood.dek["source_url"]] + [s["source_url"] for p in flood.body for s in p]
        + [q["source_url"] for q in flood.quotes]))
    assert set(sources) == {"https://daily.example/floods-hit-easton", "https://herald.example/easton-river"}
    assert data["isBasedOn"] == sources
    assert [c["url"] for c in data["citation"]] == sources
    assert all(c["@type"] == "NewsArticle" and c["publisher"]["@type"] == "Organization" for c in data["citation"])
    assert len(flood.quotes) == 2
    assert data["hasPart"] == [
        {"@type": "Quotation", "text": q["text"], "spokenByCharacter": {"@type": "Person", "name": "Ann Berry"},
         "creator": {"@type": "Person", "name": "Ann Berry"}, "isBasedOn": q["source_url"]} for q in flood.quotes]
    assert data["timeRequired"] == f"PT{flood.reading_time_minutes}M" and flood.reading_time_minutes >= 1
    assert data["wordCount"] == flood.word_count > 0
    assert data["inLanguage"] == (flood.language or settings.LANGUAGE_CODE)
    assert data["digitalSourceType"] == "http://cv.iptc.org/newscodes/digitalsourcetype/compositeCapture"


def test_story_jsonld_without_image_or_quotes_leaves_them_out(stories):
    _flood, chess = stories
    data = seo.story_jsonld(RequestFactory().get("/"), chess)
    assert "image" not in data and "hasPart" not in data
    assert data["isBasedOn"] == ["https://chess.example/final"]


def test_meta_tags_for_opengraph_and_twitter(stories):
    flood, _chess = stories
    tags = seo.meta_tags(RequestFactory().get("/"), title="Floods", description="A dek.", url=_story_url(flood),
                         image=flood.image, published=flood.published_at, modified=flood.updated_at)
    by_name = {name: (attr, content) for attr, name, content in tags}
    assert by_name["og:title"] == ("property", "Floods") and by_name["og:type"] == ("property", "article")
    assert by_name["og:description"] == ("property", "A dek.") and by_name["description"] == ("name", "A dek.")
    assert by_name["og:url"] == ("property", _story_url(flood))
    assert by_name["og:site_name"] == ("property", "Sociose Test")
    assert by_name["og:image"] == ("property", "https://img.example/flood.jpg")
    assert by_name["og:image:alt"] == ("property", "Water in the high street")
    assert datetime.fromisoformat(by_name["article:published_time"][1]) == flood.published_at
    assert datetime.fromisoformat(by_name["article:modified_time"][1]) == flood.updated_at
    assert by_name["twitter:card"] == ("name", "summary_large_image")
    assert by_name["twitter:title"] == ("name", "Floods") and by_name["twitter:image"][1] == flood.image["url"]
    plain = dict((name, content) for _, name, content in seo.meta_tags(
        None, title="Home", description="x " * 400, url=f"{SITE}/", type="website",
        image="javascript:alert(1)"))
    assert plain["twitter:card"] == "summary" and "og:image" not in plain and "article:published_time" not in plain
    assert len(plain["og:description"]) <= seo.DESCRIPTION_LIMIT + 1 and plain["og:description"].endswith("…")


class _Head(HTMLParser):
    """Collects <meta>, <link> and the JSON-LD script's text of a rendered head partial."""

    def __init__(self):
        super().__init__()
        self.meta, self.links, self.scripts, self._in_script = [], [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            self.meta.append(attrs)
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script":
            assert attrs == {"type": "application/ld+json"}
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def _render_head(**kwargs):
    request = RequestFactory().get("/")
    context = seo.page_meta(request, **kwargs)
    head = _Head()
    head.feed(render_to_string("site/_meta.html", context, request=request))
    return context, head


def test_meta_partial_renders_tags_autodiscovery_and_jsonld_for_a_story(stories):
    flood, _chess = stories
    context, head = _render_head(composed=flood)
    assert set(context) == {"canonical", "meta", "alternates", "jsonld"}
    assert {"rel": "canonical", "href": _story_url(flood)} in head.links
    rendered = {(m.get("property") and "property" or "name", m.get("property") or m.get("name"), m["content"])
                for m in head.meta}
    assert rendered == set(context["meta"])
    assert ("property", "og:title", flood.shown_headline) in rendered
    alternates = [(link["type"], link["href"]) for link in head.links if link["rel"] == "alternate"]
    assert alternates == [
        ("application/rss+xml", f"{SITE}/feeds/rss.xml"), ("application/atom+xml", f"{SITE}/feeds/atom.xml"),
        ("application/feed+json", f"{SITE}/feeds/feed.json"),
        ("application/rss+xml", f"{SITE}/stories/{flood.story_id}/updates.rss"),
        ("application/atom+xml", f"{SITE}/stories/{flood.story_id}/updates.atom"),
        ("application/feed+json", f"{SITE}/stories/{flood.story_id}/updates.json")]
    assert all(link["title"] for link in head.links if link["rel"] == "alternate")
    assert len(head.scripts) == 1
    assert json.loads(head.scripts[0]) == seo.story_jsonld(None, flood)


def test_meta_partial_for_a_topic_and_the_front_page(stories):
    _context, head = _render_head(topic=("person", "Ann Berry"))
    feeds = [link["href"] for link in head.links if link["rel"] == "alternate"]
    assert feeds[0] == f"{SITE}/topics/person/Ann%20Berry/feed.rss" and f"{SITE}/feeds/rss.xml" in feeds
    data = json.loads(head.scripts[0])
    assert data["@type"] == "CollectionPage" and data["about"] == {"@type": "Person", "name": "Ann Berry"}
    _context, head = _render_head()
    assert [link["href"] for link in head.links if link["rel"] == "alternate"] == [
        f"{SITE}/feeds/rss.xml", f"{SITE}/feeds/atom.xml", f"{SITE}/feeds/feed.json"]
    assert json.loads(head.scripts[0])["@type"] == "WebSite"
    assert {"rel": "canonical", "href": f"{SITE}/"} in head.links


# --- Text from outside ------------------------------------------------------------------------------------------

def test_hostile_headline_is_escaped_in_feeds_sitemaps_jsonld_and_tags(client, stories):
    flood, _chess = stories
    composed = _composed(flood.story)
    composed.headline_override = HOSTILE
    composed.save()
    compose_story(flood.story)
    composed = _composed(flood.story)
    assert composed.shown_headline == HOSTILE
    for url in ["/feeds/rss.xml", "/feeds/atom.xml", f"/stories/{flood.story_id}/updates.rss",
                "/topics/person/Ann%20Berry/feed.atom", "/sitemap-news.xml"]:
        content = client.get(url).content
        assert b"<script>" not in content and b"</script>" not in content and b"<b>" not in content, url
    rss = feedparser.parse(client.get("/feeds/rss.xml").content)
    entry = next(e for e in rss.entries if e.link == _story_url(flood))
    assert entry.title_detail.type == "text/html" and unescape(entry.title) == HOSTILE  # shown as text, not markup
    atom = feedparser.parse(client.get("/feeds/atom.xml").content)
    assert next(e for e in atom.entries if e.link == _story_url(flood)).title == HOSTILE
    data = json.loads(client.get("/feeds/feed.json").content)
    assert next(i for i in data["items"] if i["url"] == _story_url(flood))["title"] == HOSTILE
    news = ElementTree.fromstring(client.get("/sitemap-news.xml").content)
    titles = [t.text for t in news.iter(f"{{{SITEMAP_NS['news']}}}title")]
    assert HOSTILE in titles

    context, head = _render_head(composed=composed)
    assert "</script><script>" not in context["jsonld"] and "\\u003C/script\\u003E" in context["jsonld"]
    assert len(head.scripts) == 1  # the data block was not closed early
    assert json.loads(head.scripts[0])["headline"] == HOSTILE
    html = render_to_string("site/_meta.html", context)
    assert html.count("<script") == 1 and "<b>" not in html
    assert {"property": "og:title", "content": HOSTILE} in head.meta  # the parser unescapes the attribute
