"""Feed parsing: every format Sociose reads, and nothing but IngestError out of arbitrary bytes."""

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sociose.articles.draft import IngestError
from sociose.ingest.feed import parse_feed

RSS_091 = b"""<?xml version="1.0"?><rss version="0.91"><channel><title>Old</title><link>http://old.example/</link>
<description>d</description><language>en</language>
<item><title>Ninety-one</title><link>http://old.example/1</link><description>Short summary</description></item>
</channel></rss>"""

RSS_10 = b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://rdf.example/"><title>RDF</title><link>http://rdf.example/</link><description>d</description>
</channel><item rdf:about="http://rdf.example/a"><title>RDF item</title><link>http://rdf.example/a</link>
<dc:creator>Ann Writer</dc:creator><dc:date>2025-03-02T03:00:00Z</dc:date></item></rdf:RDF>"""

RSS_20 = b"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"
xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Two</title><link>https://two.example/</link>
<item><title>Vote &amp; <b>result</b></title><link>/news/1?utm_source=rss</link>
<description>&lt;p&gt;One.&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</description>
<content:encoded><![CDATA[<p>Full text para one.</p><p>Para two with <a href="x">link</a>.</p>]]></content:encoded>
<pubDate>Sun, 02 Mar 2025 03:00:00 GMT</pubDate><media:content url="https://img.example/1.jpg" medium="image"/>
</item><item><title>No link</title></item></channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom</title>
<id>urn:x</id><updated>2025-03-02T03:00:00Z</updated><link href="https://atom.example/"/>
<entry><title type="html">&lt;i&gt;Atom&lt;/i&gt; entry</title><link rel="alternate" href="https://atom.example/e1"/>
<id>urn:e1</id><updated>2025-03-02T04:00:00+01:00</updated><author><name>Bo Author</name></author>
<summary>Sum</summary></entry></feed>"""

JSON_FEED = b"""{"version": "https://jsonfeed.org/version/1.1", "title": "JSON", "language": "de",
"items": [{"id": "1", "url": "https://json.example/1", "title": "Erster", "content_html": "<p>Hallo <b>Welt</b></p>",
"date_published": "2025-03-02T03:00:00Z", "authors": [{"name": "Jo"}], "image": "https://json.example/i.jpg"},
{"id": "2", "title": "no url"}, "not an object"]}"""


def test_rss_091():
    feed = parse_feed(RSS_091, "http://old.example/rss")
    assert feed.title == "Old" and [e.url for e in feed.entries] == ["http://old.example/1"]
    assert feed.entries[0].description == "Short summary" and feed.entries[0].language == "en"


def test_rss_10_rdf():
    (entry,) = parse_feed(RSS_10, "http://rdf.example/rss").entries
    assert entry.title == "RDF item" and entry.authors == ["Ann Writer"]
    assert entry.published_at == datetime(2025, 3, 2, 3, 0, tzinfo=UTC)


def test_rss_20_plain_text_absolute_links_and_problems():
    feed = parse_feed(RSS_20, "https://two.example/feed.xml")
    (entry,) = feed.entries
    assert entry.url == "https://two.example/news/1?utm_source=rss"
    assert entry.title == "Vote & result"
    assert entry.description == "One."  # script dropped, tags stripped
    assert entry.text == "Full text para one.\n\nPara two with link."
    assert entry.image_url == "https://img.example/1.jpg"
    assert entry.published_at == datetime(2025, 3, 2, 3, 0, tzinfo=UTC)
    assert feed.problems == ["entry 2 has no link"]


def test_atom():
    feed = parse_feed(ATOM, "https://atom.example/atom.xml")
    (entry,) = feed.entries
    assert (entry.title, entry.url, entry.authors) == ("Atom entry", "https://atom.example/e1", ["Bo Author"])
    assert entry.published_at == datetime(2025, 3, 2, 3, 0, tzinfo=UTC)


def test_json_feed():
    feed = parse_feed(JSON_FEED, "https://json.example/feed.json")
    (entry,) = feed.entries
    assert (entry.title, entry.text, entry.language, entry.authors) == ("Erster", "Hallo Welt", "de", ["Jo"])
    assert entry.image_url == "https://json.example/i.jpg"
    assert len(feed.problems) == 2


@pytest.mark.parametrize("body", [b"", b"   ", b"<html><p>hi</p></html>", b"\x89PNG\r\n\x1a\n" + bytes(200),
                                  b'{"version": "1"}', b"[1, 2]", b"{" * 100_000, RSS_20[:150]])
def test_not_a_feed_is_an_ingest_error(body):
    with pytest.raises(IngestError):
        parse_feed(body, "https://x.example/feed")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=2000),
                 st.builds(lambda head, tail: head + tail,
                           st.sampled_from([RSS_091, RSS_10, RSS_20, ATOM, JSON_FEED]).map(lambda b: b[:200]),
                           st.binary(max_size=500))))
def test_arbitrary_bytes_raise_only_ingest_error(data):
    try:
        feed = parse_feed(data, "https://x.example/feed")
    except IngestError:
        return
    assert all(entry.url.startswith("https://") or entry.url.startswith("http") for entry in feed.entries)
