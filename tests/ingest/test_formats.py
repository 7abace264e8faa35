"""The file formats `sociose import` accepts: news-please JSON, JSON Lines, WARC, OPML, and finding them on disk."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from sociose.articles.draft import ArticleDraft, IngestError
from sociose.ingest.files import detect_kind, iter_import_paths
from sociose.ingest.newsplease import read_newsplease
from sociose.ingest.opml import OpmlFeed, read_opml, write_opml
from sociose.ingest.warc import MAX_RECORD_BYTES, read_warc

# Real news-please output, read in place: the texts are the publishers' and are never copied into the repository.
NEWS_CLUSTER = Path("/work/shared/data/giveme5w1h-news-cluster/data")


def record(n: int, **fields) -> dict:
    return {"url": f"https://news.example/{n}", "title": f"Story {n}", "text": "Body. " * 50, **fields}


def write_jsonl(path: Path, lines: list[str]) -> Path:
    data = ("\n".join(lines) + "\n").encode()
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


# --- news-please JSON -------------------------------------------------------------------------------------------

@pytest.mark.skipif(not NEWS_CLUSTER.is_dir(), reason="Giveme5W1H news-cluster data set not present")
def test_reads_the_news_cluster_data_set():
    files = sorted(NEWS_CLUSTER.glob("*.json"))
    drafts = [item for file in files for item in read_newsplease(file)]

    assert len(files) == 383
    assert all(isinstance(draft, ArticleDraft) for draft in drafts)
    assert len(drafts) == 383
    assert len({draft.url for draft in drafts}) == 383
    for draft in drafts:
        assert draft.url.startswith(("http://", "https://"))
        assert draft.title
        assert draft.outlet_name and "." in draft.outlet_name
        assert draft.published_at is not None and draft.published_at.tzinfo is not None
        assert datetime(2000, 1, 1, tzinfo=UTC) < draft.published_at < datetime(2019, 1, 1, tzinfo=UTC)
    assert sum(draft.complete for draft in drafts) > 350
    assert any(draft.authors for draft in drafts)


def test_maps_news_please_fields(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({
        "url": "https://news.example/a", "title": None, "title_page": "None", "title_rss": "From the feed",
        "maintext": "Newer field name.", "authors": ["Ann Lee", "", "Bo Chen"], "date_publish": "2017-09-15 08:30:00",
        "language": "en", "description": "Dek", "image_url": "https://news.example/a.jpg",
        "source_domain": "news.example", "license": "CC-BY-4.0", "localpath": None,
    }))

    [draft] = read_newsplease(path)

    assert draft == ArticleDraft(
        url="https://news.example/a", title="From the feed", text="Newer field name.", authors=["Ann Lee", "Bo Chen"],
        published_at=datetime(2017, 9, 15, 8, 30, tzinfo=UTC), language="en", description="Dek",
        image_url="https://news.example/a.jpg", outlet_name="news.example", license="CC-BY-4.0",
    )


@pytest.mark.parametrize(("value", "expected"), [
    ("2017-09-15T00:00:00", datetime(2017, 9, 15, tzinfo=UTC)),
    ("2017-09-15T02:00:00+02:00", datetime(2017, 9, 15, tzinfo=UTC)),
    ("2017-09-15T00:00:00Z", datetime(2017, 9, 15, tzinfo=UTC)),
    ("None", None),
    ("last Tuesday", None),
    (None, None),
])
def test_publication_dates(tmp_path, value, expected):
    path = tmp_path / "a.json"
    path.write_text(json.dumps(record(1, date_publish=value)))
    [draft] = read_newsplease(path)
    assert draft.published_at == expected


def test_json_list_keeps_good_records_and_reports_bad_ones(tmp_path):
    path = tmp_path / "list.json"
    path.write_text(json.dumps([record(1), {"title": "no url"}, record(3, authors="Ann Lee"), ["not", "an object"]]))

    items = list(read_newsplease(path))

    assert [type(item) for item in items] == [ArticleDraft, IngestError, ArticleDraft, IngestError]
    assert "item 2" in str(items[1]) and "url" in str(items[1])
    assert items[2].authors == ["Ann Lee"]


def test_record_without_text_is_still_yielded(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"url": "https://news.example/a", "title": "Headline only"}))
    [draft] = read_newsplease(path)
    assert draft.text == "" and not draft.complete


def test_undecodable_json_file_raises(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"url": "https://news.example/a", ')
    with pytest.raises(IngestError, match="broken.json"):
        list(read_newsplease(path))


# --- JSON Lines -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["feed.jsonl", "feed.jsonl.gz", "feed.ndjson"])
def test_jsonl_bad_line_is_reported_and_the_rest_kept(tmp_path, name):
    path = write_jsonl(tmp_path / name, [
        json.dumps(record(1)),
        json.dumps(record(2)),
        '{"url": "https://news.example/3", "title": ',  # cut off mid-record
        "",
        json.dumps(record(5, title=42)),  # wrong type
        json.dumps({"title": "no url"}),
        json.dumps(record(7)),
    ])

    items = list(read_newsplease(path))

    assert [getattr(item, "url", None) for item in items] == [
        "https://news.example/1", "https://news.example/2", None, None, None, "https://news.example/7",
    ]
    errors = [str(item) for item in items if isinstance(item, IngestError)]
    assert [error.split(": ", 1)[0] for error in errors] == [f"{path}:3", f"{path}:5", f"{path}:6"]
    assert "title" in errors[1] and "url" in errors[2]


def test_gzip_jsonl_reads_many_records(tmp_path):
    path = write_jsonl(tmp_path / "big.jsonl.gz", [json.dumps(record(n)) for n in range(500)])
    drafts = list(read_newsplease(path))
    assert len(drafts) == 500 and all(isinstance(draft, ArticleDraft) and draft.complete for draft in drafts)


def test_truncated_gzip_jsonl_keeps_what_was_read(tmp_path):
    data = gzip.compress(("\n".join(json.dumps(record(n)) for n in range(200)) + "\n").encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])

    items = list(read_newsplease(path))

    assert isinstance(items[-1], IngestError)
    assert all(isinstance(item, ArticleDraft) for item in items[:-2]) and len(items) > 10


def test_json_lines_under_a_json_name(tmp_path):
    path = write_jsonl(tmp_path / "export.json", [json.dumps(record(1)), json.dumps(record(2))])
    assert detect_kind(path) == "jsonl"
    assert [draft.url for draft in read_newsplease(path)] == ["https://news.example/1", "https://news.example/2"]


@settings(max_examples=100, deadline=None)
@given(data=st.one_of(
    st.binary(max_size=2000),
    st.lists(st.one_of(st.text(max_size=200), st.builds(json.dumps, st.dictionaries(
        st.sampled_from(["url", "title", "text", "authors", "date_publish", "maintext", "source_domain"]),
        st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=30),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
                     max_leaves=5),
    ))), max_size=10).map(lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass")),
))
def test_jsonl_reader_never_raises(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "input.jsonl"
    path.write_bytes(data)
    for item in read_newsplease(path):
        assert isinstance(item, ArticleDraft | IngestError)
        if isinstance(item, ArticleDraft):
            assert item.url and isinstance(item.title, str) and isinstance(item.authors, list)


# --- WARC -------------------------------------------------------------------------------------------------------

def build_warc(gzip_records: bool = True) -> bytes:
    out = BytesIO()
    writer = WARCWriter(out, gzip=gzip_records)

    def response(url: str, body: bytes, content_type: str, status: str = "200 OK") -> None:
        headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=headers))

    page = "<html><head><title>Caf\u00e9</title></head><body><p>\u201cQuoted\u201d \u2013 na\u00efve</p></body></html>"
    response("https://news.example/cafe", page.encode("cp1252"), "text/html; charset=windows-1252")
    response("https://news.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(100), "image/png")
    request = StatusAndHeaders("GET /cafe HTTP/1.1", [("Host", "news.example")], is_http_request=True)
    writer.write_record(writer.create_warc_record(
        "https://news.example/cafe", "request", payload=BytesIO(b""), http_headers=request))
    response("https://news.example/gone", b"<html>Not found</html>", "text/html", "404 Not Found")
    meta_only = '<html><head><meta charset="iso-8859-1"></head><body>Gr\u00fc\u00dfe</body></html>'
    response("https://news.example/meta", meta_only.encode("latin-1"), "text/html")
    response("https://news.example/big", b"<html>" + bytes(range(256)) * 400 + b"</html>", "application/xhtml+xml")
    return out.getvalue()


@pytest.mark.parametrize("gzip_records", [True, False])
def test_warc_yields_html_responses_decoded(tmp_path, gzip_records):
    path = tmp_path / ("crawl.warc.gz" if gzip_records else "crawl.warc")
    path.write_bytes(build_warc(gzip_records))

    drafts = list(read_warc(path))

    assert [draft.url for draft in drafts] == [
        "https://news.example/cafe", "https://news.example/meta", "https://news.example/big",
    ]
    assert "<p>\u201cQuoted\u201d \u2013 na\u00efve</p>" in drafts[0].html
    assert "Gr\u00fc\u00dfe" in drafts[1].html
    assert "\ufffd" in drafts[2].html  # not UTF-8 and no charset anywhere: replaced, not raised
    assert detect_kind(path) == "warc"


@pytest.mark.parametrize("gzip_records", [True, False])
def test_truncated_warc_keeps_earlier_records_and_reports_the_rest(tmp_path, gzip_records):
    data = build_warc(gzip_records)
    last = data.rfind(b"\x1f\x8b\x08" if gzip_records else b"WARC/1.")  # where the last record starts
    path = tmp_path / "cut.warc"
    path.write_bytes(data[: (last + len(data)) // 2])  # cut inside the last, large record

    items = list(read_warc(path))

    assert [getattr(item, "url", None) for item in items] == [
        "https://news.example/cafe", "https://news.example/meta", None,
    ]
    assert "truncated" in str(items[-1])


def test_truncated_inside_record_headers(tmp_path):
    data = build_warc(gzip_records=False)
    cut = data.index(b"WARC-Target-URI: https://news.example/gone")
    path = tmp_path / "cut.warc"
    path.write_bytes(data[:cut])
    items = list(read_warc(path))
    assert items[0].url == "https://news.example/cafe" and isinstance(items[-1], IngestError)


def test_not_a_warc(tmp_path):
    path = tmp_path / "junk.warc"
    path.write_bytes(b"hello, this is not an archive\n" * 20)
    [error] = read_warc(path)
    assert isinstance(error, IngestError)


def test_warc_record_over_the_size_cap(tmp_path):
    out = BytesIO()
    writer = WARCWriter(out, gzip=True)
    for url, size in [("https://news.example/huge", MAX_RECORD_BYTES + 1), ("https://news.example/ok", 10)]:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        body = BytesIO(b"<html>" + b"a" * size + b"</html>")
        writer.write_record(writer.create_warc_record(url, "response", payload=body, http_headers=headers))
    path = tmp_path / "big.warc.gz"
    path.write_bytes(out.getvalue())

    error, draft = read_warc(path)

    assert isinstance(error, IngestError) and "news.example/huge" in str(error)
    assert draft.url == "https://news.example/ok"


# --- OPML -------------------------------------------------------------------------------------------------------

NESTED_OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>Reader export</title></head>
  <body>
    <outline text="Top" title="Top" type="rss" xmlUrl="https://top.example/feed" htmlUrl="https://top.example/"/>
    <outline text="World">
      <outline text="Wire" type="rss" xmlUrl="https://wire.example/rss"/>
      <outline title="Europe" text="ignored">
        <outline text="Euro" xmlurl="https://euro.example/atom" type="atom"/>
      </outline>
      <outline text="Wire again" type="rss" xmlUrl="https://wire.example/rss"/>
    </outline>
    <outline text="A bookmark" type="link" url="https://elsewhere.example/"/>
    <outline text="Shouty" XMLURL="https://shouty.example/feed" HTMLURL="https://shouty.example/"/>
  </body>
</opml>"""


def test_opml_nested_folders():
    assert read_opml(NESTED_OPML) == [
        OpmlFeed("https://top.example/feed", "Top", "https://top.example/", ""),
        OpmlFeed("https://wire.example/rss", "Wire", "", "World"),
        OpmlFeed("https://euro.example/atom", "Euro", "", "Europe"),
        OpmlFeed("https://shouty.example/feed", "Shouty", "https://shouty.example/", ""),
    ]


def test_opml_from_path_and_str(tmp_path):
    path = tmp_path / "subscriptions.opml"
    path.write_bytes(NESTED_OPML)
    assert read_opml(path) == read_opml(NESTED_OPML.decode()) == read_opml(NESTED_OPML)
    assert detect_kind(path) == "opml"


def test_opml_external_entity_is_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-4711")
    attack = f"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>
<opml version="2.0"><head><title>&xxe;</title></head>
<body><outline text="x" title="&xxe;" xmlUrl="https://x.example/&xxe;"/><outline text="&xxe;">&xxe;</outline></body>
</opml>"""
    for variant in (attack, attack.replace(' title="&xxe;" xmlUrl="https://x.example/&xxe;"', ' xmlUrl="https://x/"')):
        try:
            result = repr(read_opml(variant.encode()))
        except IngestError as error:
            result = str(error)
        assert "TOP-SECRET" not in result


def test_opml_billion_laughs_is_refused():
    levels = ['<!ENTITY l0 "lol">'] + [f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10)]
    bomb = f'<?xml version="1.0"?><!DOCTYPE opml [{"".join(levels)}]><opml><body><outline text="&l9;"/></body></opml>'
    with pytest.raises(IngestError):
        read_opml(bomb.encode())


@pytest.mark.parametrize("data", [
    b"", b"not xml at all", b"<opml><body><outline", b'<rss version="2.0"><channel/></rss>', b"<opml><head/></opml>",
])
def test_malformed_or_non_opml_raises(data):
    with pytest.raises(IngestError):
        read_opml(data)


def test_write_then_read_round_trips():
    feeds = [
        OpmlFeed("https://a.example/feed", "A & B <news>", "https://a.example/", "World"),
        OpmlFeed("https://b.example/rss?x=1&y=2", "", "", ""),
        OpmlFeed("https://c.example/atom", 'C "quoted"\nsecond line', "", "World"),
        OpmlFeed("https://d.example/feed", "D\u00e9j\u00e0 vu \u2603", "", "Caf\u00e9 & Tech"),
    ]
    document = write_opml(feeds, title="Sociose subscriptions")

    assert document.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert '<opml version="2.0">' in document
    assert sorted(read_opml(document), key=str) == sorted(feeds, key=str)
    assert sorted(read_opml(document.encode()), key=str) == sorted(feeds, key=str)


# Text that XML 1.0 can carry (the noncharacters U+FFFE and U+FFFF cannot; write_opml drops them, tested below).
clean_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp"),
                                   exclude_characters="\ufffe\uffff"), max_size=20)


def test_characters_xml_cannot_carry_are_dropped():
    feeds = [OpmlFeed("https://a.example/", "Ti\ufffetle\x01", "", "\uffffWorld")]
    assert read_opml(write_opml(feeds, title="t")) == [OpmlFeed("https://a.example/", "Title", "", "World")]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.builds(OpmlFeed, st.from_regex(r"https://[a-z]{1,10}\.example/[a-z0-9]{0,8}", fullmatch=True),
                          clean_text, clean_text, clean_text), max_size=8, unique_by=lambda feed: feed.xml_url))
def test_round_trip_property(feeds):
    assert sorted(read_opml(write_opml(feeds, title="t")), key=str) == sorted(feeds, key=str)


@settings(max_examples=100, deadline=None)
@given(st.one_of(
    st.binary(max_size=500),
    st.builds(lambda inner: b"<opml><body>" + inner + b"</body></opml>", st.binary(max_size=200)),
    st.text(max_size=300).map(lambda text: f"<opml><body><outline {text}/></body></opml>"),
))
def test_read_opml_raises_only_ingest_error(data):
    try:
        feeds = read_opml(data)
    except IngestError:
        return
    assert all(isinstance(feed, OpmlFeed) and feed.xml_url for feed in feeds)


# --- finding files ----------------------------------------------------------------------------------------------

def test_detect_kind_by_name_and_content(tmp_path):
    files = {
        "a.json": json.dumps(record(1), indent=2).encode(),
        "b.jsonl": b"",
        "c.jsonl.gz": gzip.compress(b"{}\n"),
        "d.ndjson": b"",
        "e.warc.gz": b"",
        "f.opml": b"",
        "g.xml": b"<?xml version='1.0'?><opml version='2.0'><body/></opml>",
        "h": b"WARC/1.0\r\n",
        "i.gz": gzip.compress(b"WARC/1.1\r\n"),
        "j.json": json.dumps([record(1)]).encode(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    kinds = {name: detect_kind(tmp_path / name) for name in files}
    assert kinds == {"a.json": "newsplease", "b.jsonl": "jsonl", "c.jsonl.gz": "jsonl", "d.ndjson": "jsonl",
                     "e.warc.gz": "warc", "f.opml": "opml", "g.xml": "opml", "h": "warc", "i.gz": "warc",
                     "j.json": "newsplease"}


@pytest.mark.parametrize(("name", "data"), [
    ("notes.txt", b"{}"), ("page.html", b"<html>"), ("feed.xml", b"<rss/>"), ("junk.json", b"\x00\x01"),
])
def test_detect_kind_refuses_unknown_files(tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(IngestError):
        detect_kind(tmp_path / name)


def test_iter_import_paths_expands_folders_in_order(tmp_path):
    for name, data in [
        ("b/2.jsonl", b""), ("b/1.json", b"{}"), ("a.warc", b""), ("c/d/e.opml", b""), ("readme.md", b"# hi"),
        (".hidden.jsonl", b""), (".git/x.jsonl", b""), ("b/.cache/y.json", b"{}"), ("b/photo.jpg", b"\xff\xd8"),
    ]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    explicit = tmp_path / "b" / "photo.jpg"

    found = [path.relative_to(tmp_path).as_posix() for path in iter_import_paths([tmp_path, str(explicit)])]

    assert found == ["a.warc", "b/1.json", "b/2.jsonl", "c/d/e.opml", "b/photo.jpg"]


def test_iter_import_paths_missing_path(tmp_path):
    with pytest.raises(IngestError):
        list(iter_import_paths([tmp_path / "nope"]))
