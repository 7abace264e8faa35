"""The feed and page paths end to end: a real HTTP server on 127.0.0.1, real extraction, a real database and the
real task worker draining the queue."""

from __future__ import annotations

import gzip
from datetime import timedelta

import pytest
from django.utils import timezone

from sociose.articles.models import Article
from sociose.core.worker import run_worker
from sociose.desk.models import ComposedStory
from sociose.ingest.pipelines import ingest_page, refresh_feed
from sociose.sources.actions import do_add_feed
from sociose.sources.models import FetchLog
from sociose.stories.models import Membership
from tests.factories import article_page, atom_feed, giveme_articles, json_feed, rss_feed

pytestmark = pytest.mark.django_db(transaction=True)


def serve_articles(server, records, prefix):
    items = []
    for number, record in enumerate(records):
        path = f"/{prefix}/story-{number}.html"
        server.route(path, body=article_page(record), content_type="text/html; charset=utf-8")
        items.append((server.url(path), record))
    return items


@pytest.mark.parametrize("kind, build, content_type", [
    ("rss", rss_feed, "application/rss+xml"),
    ("atom", atom_feed, "application/atom+xml"),
    ("json", json_feed, "application/feed+json"),
])
def test_feed_entries_are_fetched_extracted_and_stored(local_server, kind, build, content_type):
    records = giveme_articles(4)
    items = serve_articles(local_server, records, kind)
    local_server.route("/feed", body=build(items), content_type=content_type)
    feed, _ = do_add_feed(local_server.url("/feed"))

    report = refresh_feed(feed)
    run_worker(batch=True, verbosity=0)

    assert report.queued == 4 and not report.errors
    stored = {a.url: a for a in Article.objects.all()}
    assert set(stored) == {url for url, _ in items}
    for url, record in items:
        article = stored[url]
        assert article.title == record["title"]
        assert article.feed_id == feed.id
        assert article.published_at is not None
        # the page body, not just the feed's summary, was extracted
        last_paragraph = [p for p in record["text"].split("\n") if len(p) > 40][-1]
        assert last_paragraph[:40] in article.text
    feed.refresh_from_db()
    assert feed.consecutive_errors == 0 and feed.last_fetched_at and feed.next_fetch_at > timezone.now()
    assert feed.title.startswith("Test")
    # the same worker run clustered them and composed the page of every story they are in
    stories = set(Membership.objects.values_list("story_id", flat=True))
    assert stories and stories <= set(ComposedStory.objects.exclude(revisions=None).values_list("story_id", flat=True))


def test_conditional_get_and_no_duplicates_on_second_poll(local_server):
    items = serve_articles(local_server, giveme_articles(2), "cond")

    def feed_with_etag(request):
        if request.headers.get("If-None-Match") == '"v1"':
            request.send_response(304)
            request.send_header("ETag", '"v1"')
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        body = rss_feed(items)
        request.send_response(200)
        request.send_header("Content-Type", "application/rss+xml")
        request.send_header("ETag", '"v1"')
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    local_server.route("/etag-feed", handler=feed_with_etag)
    feed, _ = do_add_feed(local_server.url("/etag-feed"))
    refresh_feed(feed)
    run_worker(batch=True, verbosity=0)
    feed.refresh_from_db()
    assert feed.etag == '"v1"'

    second = refresh_feed(feed)
    assert second.queued == 0
    assert local_server.requests_to("/etag-feed")[-1].header("If-None-Match") == '"v1"'
    assert FetchLog.objects.filter(feed=feed, status_code=304).count() == 1
    assert Article.objects.count() == 2


def test_user_agent_names_sociose_and_contact_url(local_server, fetch_settings):
    record = giveme_articles(1)[0]
    local_server.route("/ua.html", body=article_page(record), content_type="text/html")
    ingest_page(local_server.url("/ua.html"))
    agent = local_server.requests_to("/ua.html")[0].header("User-Agent")
    assert agent.startswith("Sociose/") and fetch_settings["contact_url"] in agent


def _gzip_bomb(request):
    body = gzip.compress(b"\0" * 30_000_000, compresslevel=9)
    request.send_response(200)
    request.send_header("Content-Type", "text/html")
    request.send_header("Content-Encoding", "gzip")
    request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    request.wfile.write(body)


HOSTILE_PAGES = {
    "/bad/binary.html": dict(body=bytes(range(256)) * 64, content_type="text/html"),
    "/bad/empty.html": dict(body=b"", content_type="text/html"),
    "/bad/huge.html": dict(body=b"<p>" + b"a" * 3_000_000, content_type="text/html"),
    "/bad/missing.html": dict(status=404, body=b"not found"),
    "/bad/broken.html": dict(status=500, body=b"oops"),
    "/bad/no-text.html": dict(body=b"<html><body><nav><a href='/'>Home</a></nav></body></html>",
                              content_type="text/html"),
    "/bad/pdf": dict(body=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 10, content_type="application/pdf"),
}


def test_hostile_pages_are_recorded_and_the_rest_of_the_batch_is_stored(local_server, fetch_settings):
    fetch_settings["fetch_timeout"] = 1.5
    good = serve_articles(local_server, giveme_articles(3), "good")
    for path, route in HOSTILE_PAGES.items():
        local_server.route(path, **route)
    local_server.route("/bad/bomb.html", handler=_gzip_bomb)
    local_server.route("/bad/hang.html", handler=lambda request: local_server.hang())
    local_server.route("/bad/loop.html", status=302, headers={"Location": "/bad/loop.html"})
    bad_paths = [*HOSTILE_PAGES, "/bad/bomb.html", "/bad/hang.html", "/bad/loop.html"]
    # Bad entries carry no title in the feed, so nothing about them can be stored.
    bad = [(local_server.url(p), {"title": "", "description": ""}) for p in bad_paths]
    local_server.route("/mixed", body=rss_feed(good[:2] + bad + good[2:]), content_type="application/rss+xml")
    feed, _ = do_add_feed(local_server.url("/mixed"))

    refresh_feed(feed)
    run_worker(batch=True, verbosity=0)

    assert set(Article.objects.values_list("url", flat=True)) == {url for url, _ in good}
    failures = {log.url: log.error for log in FetchLog.objects.filter(kind="page", ok=False)}
    assert set(failures) == {local_server.url(p) for p in bad_paths}
    assert all(error for error in failures.values())
    assert "404" in failures[local_server.url("/bad/missing.html")]
    assert "redirect" in failures[local_server.url("/bad/loop.html")].lower()
    assert "larger" in failures[local_server.url("/bad/bomb.html")].lower()
    assert "larger" in failures[local_server.url("/bad/huge.html")].lower()
    assert "timed out" in failures[local_server.url("/bad/hang.html")].lower()


def test_feed_entry_kept_when_its_page_fails(local_server):
    record = giveme_articles(1)[0]
    local_server.route("/gone", status=410, body=b"gone")
    local_server.route("/feed-gone", body=rss_feed([(local_server.url("/gone"), record)]),
                       content_type="application/rss+xml")
    feed, _ = do_add_feed(local_server.url("/feed-gone"))
    refresh_feed(feed)
    run_worker(batch=True, verbosity=0)
    article = Article.objects.get()
    assert article.title == record["title"] and article.text == ""
    assert FetchLog.objects.get(kind="page").error.startswith("HTTP 410")


HOSTILE_FEEDS = {
    "truncated": dict(body=lambda items: rss_feed(items)[:180]),
    "malformed": dict(body=lambda items: b"<rss><channel><item><title>x</ti"),
    "html-not-feed": dict(body=lambda items: b"<html><body><p>Hello</p></body></html>"),
    "binary": dict(body=lambda items: bytes(range(256)) * 20),
    "empty": dict(body=lambda items: b""),
    "bad-json": dict(body=lambda items: b'{"version": "https://jsonfeed.org/version/1.1", "items": 3}'),
    "latin1-declared-utf8": dict(body=lambda items: rss_feed(items).replace(b"Test RSS", "Caf\xe9".encode("latin-1"))),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_FEEDS))
def test_hostile_feed_is_recorded_and_backs_off(local_server, case):
    items = serve_articles(local_server, giveme_articles(1), case)
    local_server.route(f"/feeds/{case}", body=HOSTILE_FEEDS[case]["body"](items), content_type="application/rss+xml")
    feed, _ = do_add_feed(local_server.url(f"/feeds/{case}"))
    report = refresh_feed(feed)
    run_worker(batch=True, verbosity=0)
    feed.refresh_from_db()
    if case == "latin1-declared-utf8":  # a wrong encoding is survivable: the entries still come through
        assert Article.objects.count() == 1
        return
    assert report.errors and feed.consecutive_errors == 1 and feed.last_error
    assert feed.next_fetch_at > timezone.now() + timedelta(seconds=feed_interval())
    assert FetchLog.objects.get(feed=feed).ok is False


def feed_interval():
    from django.conf import settings

    return settings.SOCIOSE["feed_interval"]


def test_hanging_feed_times_out_and_other_feeds_still_refresh(local_server, fetch_settings):
    fetch_settings["fetch_timeout"] = 1.0
    local_server.route("/slow-feed", handler=lambda request: local_server.hang())
    items = serve_articles(local_server, giveme_articles(1), "fine")
    local_server.route("/fine-feed", body=rss_feed(items), content_type="application/rss+xml")
    slow, _ = do_add_feed(local_server.url("/slow-feed"))
    fine, _ = do_add_feed(local_server.url("/fine-feed"))
    from sociose.ingest.scheduler import enqueue_due_feeds

    assert enqueue_due_feeds() == 2
    assert enqueue_due_feeds() == 0  # leased: not queued twice
    run_worker(batch=True, verbosity=0)
    slow.refresh_from_db()
    assert "timed out" in slow.last_error
    assert Article.objects.filter(feed=fine).count() == 1


def test_robots_disallow_is_recorded(local_server):
    local_server.robots("User-agent: *\nDisallow: /private/\n")
    local_server.route("/private/a.html", body=article_page(giveme_articles(1)[0]), content_type="text/html")
    report = ingest_page(local_server.url("/private/a.html"))
    assert not Article.objects.exists()
    assert "robots.txt" in report.errors[0]
    assert not local_server.requests_to("/private/a.html")


def test_refused_address_is_recorded(local_server, fetch_settings):
    fetch_settings["fetch_allow_hosts"] = ()
    report = ingest_page(local_server.url("/anything.html"))
    assert report.errors and "127.0.0.1" in FetchLog.objects.get().error
    assert not local_server.requests


def test_entries_with_unusable_links_are_noted_and_the_rest_queued(local_server):
    items = serve_articles(local_server, giveme_articles(2), "links")
    bad = [("javascript:alert(1)", {"title": "Bad link", "description": ""}),
           ("ftp://files.example/x", {"title": "FTP link", "description": ""})]
    local_server.route("/links-feed", body=rss_feed(items[:1] + bad + items[1:]), content_type="application/rss+xml")
    feed, _ = do_add_feed(local_server.url("/links-feed"))
    report = refresh_feed(feed)
    run_worker(batch=True, verbosity=0)
    assert report.queued == 2 and len(report.errors) == 2
    assert set(Article.objects.values_list("url", flat=True)) == {url for url, _ in items}
    assert "javascript" in FetchLog.objects.get(kind="feed").error


def test_ingest_of_a_non_http_url_is_a_recorded_error():
    report = ingest_page("javascript:alert(1)")
    assert report.errors and FetchLog.objects.get(kind="page").ok is False
