"""The `sociose` subcommands for adding news: import (every file kind), ingest, feeds."""

from __future__ import annotations

import gzip
import io
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from sociose.articles.models import Article
from sociose.ingest.opml import read_opml
from sociose.sources.models import Feed, FetchLog
from tests.factories import article_page, giveme_articles

pytestmark = pytest.mark.django_db(transaction=True)


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write_warc(path, records):
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for url, body in records:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))


def test_import_warc_extracts_and_stores_its_pages(tmp_path):
    records = giveme_articles(3)
    write_warc(tmp_path / "crawl.warc.gz",
               [(f"https://news.example/{n}", article_page(r)) for n, r in enumerate(records)])
    out, _ = run("import", str(tmp_path / "crawl.warc.gz"))
    assert out.startswith("3 stored")
    assert sorted(Article.objects.values_list("title", flat=True)) == sorted(r["title"] for r in records)
    assert all(a.via == "file" and len(a.text) > 200 for a in Article.objects.all())


def test_import_jsonl_with_a_bad_line_keeps_the_rest_and_reports_the_line(tmp_path):
    records = giveme_articles(3)
    lines = [json.dumps(records[0]), "{not json", json.dumps(records[1]), json.dumps(records[2])]
    (tmp_path / "batch.jsonl.gz").write_bytes(gzip.compress("\n".join(lines).encode()))
    out, err = run("import", str(tmp_path / "batch.jsonl.gz"))
    assert out.startswith("3 stored") and "1 errors" in out
    assert ":2" in err
    log = FetchLog.objects.get(kind="file")
    assert not log.ok and ":2" in log.error and log.items_stored == 3


def test_import_opml_subscribes_and_export_round_trips(tmp_path):
    opml = tmp_path / "subs.opml"
    opml.write_text("""<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>
      <outline text="World"><outline type="rss" text="One" xmlUrl="https://one.example/rss" htmlUrl="https://one.example/"/>
      <outline type="rss" text="Two" xmlUrl="https://two.example/atom.xml"/></outline></body></opml>""")
    out, _ = run("import", str(opml))
    assert "2 feeds added" in out
    out, _ = run("feeds", "import-opml", str(opml))
    assert out.strip() == "0 feeds added"
    exported, _ = run("feeds", "export-opml")
    assert {f.xml_url for f in read_opml(exported.encode())} == {"https://one.example/rss", "https://two.example/atom.xml"}


def test_feeds_add_list_remove():
    out, _ = run("feeds", "add", "https://news.example/rss?utm_source=x")
    assert out.strip() == "added: https://news.example/rss"
    out, _ = run("feeds", "add", "https://news.example/rss")
    assert out.startswith("already subscribed")
    out, _ = run("feeds", "list")
    assert "https://news.example/rss" in out and "never" in out
    out, _ = run("feeds", "remove", "https://news.example/rss")
    assert out.startswith("removed") and not Feed.objects.exists()
    with pytest.raises(CommandError, match="cannot subscribe"):
        run("feeds", "add", "ftp://news.example/rss")


def test_ingest_fetches_one_page_and_a_second_run_stores_nothing(local_server):
    record = giveme_articles(1)[0]
    local_server.route("/story.html", body=article_page(record), content_type="text/html")
    out, _ = run("ingest", local_server.url("/story.html?utm_campaign=x"))
    assert out.startswith("1 stored")
    out, _ = run("ingest", local_server.url("/story.html"))
    assert out.startswith("0 stored, 1 already stored")
    assert len(local_server.requests_to("/story.html")) == 1  # known URLs are not fetched again
