"""extract_page: golden pages from the article-extraction-benchmark, lead images, encodings, hostile input.

The benchmark pages are read from the shared data directory at test time and never copied here; the golden files in
testdata/ hold only short facts about them (title, date, language, a floor for the text's shingle F1, image).
"""

from __future__ import annotations

import codecs
import gzip
import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest
import trafilatura
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sociose.articles.draft import ArticleDraft, IngestError
from sociose.core.textmetrics import shingle_prf
from sociose.ingest.images import split_credit
from sociose.ingest.page import extract_page

BENCHMARK = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "article-extraction-benchmark"
GOLDEN = sorted((Path(__file__).parent / "testdata").glob("*.expected.json"))

# invented article text, long enough for the extractor to take it as the main content
PARAGRAPHS = (
    "The town council of Eastmere voted on Tuesday to close the old harbour bridge to cars from next spring, "
    "after engineers found that two of its supports had worn far faster than expected.",
    "Residents who cross the bridge every day said the decision came as no surprise. “We have watched it shake "
    "for years,” said one shop owner, who asked that her name not be used.",
    "The council will run a ferry during the works, which are expected to take eighteen months and cost about "
    "four million euros, according to the engineering report published last week.",
)
ARTICLE = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)


def page(head: str = "", body: str = ARTICLE, lang: str = "en") -> str:
    return f'<!DOCTYPE html><html lang="{lang}"><head>{head}</head><body><article>{body}</article></body></html>'


def figure_page(figure: str, head: str = "") -> str:
    return page(head, f"<h1>Bridge to close</h1>{figure}{ARTICLE}")


def benchmark_or_skip() -> Path:
    if not (BENCHMARK / "ground-truth.json").is_file():
        pytest.skip(f"benchmark data not found at {BENCHMARK}")
    return BENCHMARK


@cache
def ground_truth() -> dict[str, dict]:
    return json.loads((benchmark_or_skip() / "ground-truth.json").read_text(encoding="utf-8"))


def benchmark_html(page_id: str) -> bytes:
    return gzip.decompress((benchmark_or_skip() / "html" / f"{page_id}.html.gz").read_bytes())


# --- golden pages ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("golden", GOLDEN, ids=lambda p: p.name[:12])
def test_golden_page(golden: Path) -> None:
    expected = json.loads(golden.read_text(encoding="utf-8"))
    page_id = golden.name.removesuffix(".expected.json")
    truth = ground_truth()[page_id]

    draft = extract_page(benchmark_html(page_id), truth["url"])

    assert draft.url == truth["url"]
    assert draft.title == expected["title"]
    assert draft.published_at == datetime.fromisoformat(expected["published_at"])
    assert draft.language == expected["language"]
    assert draft.image_url == expected["image_url"]
    assert draft.image_credit == expected.get("image_credit", draft.image_credit)
    assert shingle_prf(draft.text, truth["articleBody"])[2] >= expected["min_text_f1"]
    assert "\n\n" in draft.text and "\n\n\n" not in draft.text


def test_mean_text_quality_is_not_below_bare_trafilatura() -> None:
    """Over all benchmark pages (takes about a minute): extract_page's text scores at least bare extract()."""
    truths = ground_truth()
    ours, bare = [], []
    for page_id, truth in truths.items():
        html = benchmark_html(page_id)
        try:
            text = extract_page(html, truth["url"]).text
        except IngestError:
            text = ""
        ours.append(shingle_prf(text, truth["articleBody"])[2])
        bare.append(shingle_prf(trafilatura.extract(html.decode("utf-8")) or "", truth["articleBody"])[2])
    assert len(ours) == 181
    assert sum(ours) / len(ours) >= sum(bare) / len(bare) - 0.005


def test_half_a_page_extracts_or_is_refused() -> None:
    page_id = sorted(ground_truth())[0]
    html = benchmark_html(page_id)
    for cut in (html[: len(html) // 2], html[: len(html) // 2].decode("utf-8", "ignore"), html[: len(html) // 7]):
        try:
            draft = extract_page(cut, ground_truth()[page_id]["url"])
        except IngestError:
            continue
        assert isinstance(draft, ArticleDraft) and draft.text


# --- metadata -------------------------------------------------------------------------------------------------------

def test_metadata_from_meta_tags() -> None:
    head = (
        "<title>Bridge to close - Eastmere Gazette</title>"
        '<meta property="og:site_name" content="Eastmere Gazette">'
        '<meta property="og:description" content="&lt;b&gt;Engineers&lt;/b&gt; found worn\x07 supports.">'
        '<meta name="author" content="Jane Doe; John Roe">'
        '<meta property="article:published_time" content="2024-03-05T10:15:00+01:00">'
        '<link rel="canonical" href="/news/bridge-to-close">'
    )
    draft = extract_page(page(head, f"<h1>Bridge to close</h1>{ARTICLE}", lang="en-GB"),
                         "https://gazette.example/news/bridge-to-close?utm_source=feed")

    assert draft.title == "Bridge to close"
    assert draft.outlet_name == "Eastmere Gazette"
    assert draft.description == "Engineers found worn supports."
    assert draft.authors == ["Jane Doe", "John Roe"]
    assert draft.published_at == datetime(2024, 3, 5, 9, 15, tzinfo=UTC)
    assert draft.language == "en"
    assert draft.canonical_url == "https://gazette.example/news/bridge-to-close"
    assert draft.text.split("\n\n")[-3:] == list(PARAGRAPHS)


def test_dates_without_zone_are_utc_and_json_ld_is_read() -> None:
    head = ('<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [{"@type": '
            '"NewsArticle", "headline": "Bridge to close", "datePublished": "2024-03-05T10:15:00", '
            '"inLanguage": "nl-BE"}]}</script><meta property="og:url" content="https://gazette.example/b">')
    draft = extract_page(page(head, ARTICLE, lang=""), "https://gazette.example/b?x=1")

    assert draft.published_at == datetime(2024, 3, 5, 10, 15, tzinfo=UTC)
    assert draft.language == "nl"
    assert draft.canonical_url == "https://gazette.example/b"


def test_metadata_from_json_ld() -> None:
    head = ('<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
            '{"@type": "NewsArticle", "headline": "Bridge to close", "description": "Engineers found worn supports.",'
            ' "datePublished": "2024-03-05T10:15:00+01:00", "author": [{"@id": "#jane"},'
            ' {"@type": "Organization", "name": "Eastmere Gazette"},'
            ' {"@type": "Person", "name": "https://x.example/j"}],'
            ' "publisher": {"@id": "#org"}, "license": "https://creativecommons.org/licenses/by-sa/4.0/"},'
            ' {"@type": "Person", "@id": "#jane", "name": "By JANE DOE, Staff Writer"},'
            ' {"@type": "NewsMediaOrganization", "@id": "#org", "name": "Eastmere Gazette"}]}</script>')
    draft = extract_page(page(head), "https://gazette.example/news/bridge")

    assert draft.title == "Bridge to close"
    assert draft.description == "Engineers found worn supports."
    assert draft.authors == ["Jane Doe"]  # not the organisation, the profile URL or the job title
    assert draft.published_at == datetime(2024, 3, 5, 9, 15, tzinfo=UTC)
    assert draft.outlet_name == "Eastmere Gazette"
    assert draft.license == "CC BY-SA 4.0"


@pytest.mark.parametrize(("head", "expected"), [
    ('<meta property="article:author" content="https://www.facebook.com/eastmeregazette">'
     '<meta name="author" content="Jane Doe">', ["Jane Doe"]),
    ('<meta name="sailthru.author" content="By TOM KRISHER, AP Auto Writer">', ["Tom Krisher"]),
    ('<meta name="author" content="Jane Doe, Eastmere Gazette">'
     '<meta property="og:site_name" content="Eastmere Gazette">', ["Jane Doe"]),
    ('<meta name="author" content="By Meg Kinnard and Errin Haines, Associated Press">',
     ["Meg Kinnard", "Errin Haines"]),
    ('<meta name="author" content="Ilana Muhlstein, MS, RDN">', ["Ilana Muhlstein"]),
    ('<meta name="author" content="jdoe">', []),  # a user name
])
def test_authors_from_meta_tags(head: str, expected: list[str]) -> None:
    assert extract_page(page(head), "https://gazette.example/news/bridge").authors == expected


@pytest.mark.parametrize(("byline", "expected"), [
    ('<p class="byline">By JANE DOE and John Roe, Staff Writers</p>', ["Jane Doe", "John Roe"]),
    ('<div class="article-author">Jane Doe is a reporter for the Gazette</div>', ["Jane Doe"]),
    ('<span class="author-name"><a rel="author" href="/people/jane">Jane Doe</a></span>'
     '<span class="date">Monday, March 4</span>', ["Jane Doe"]),
    ('<div class="meta">Posted by <span class="author vcard">jane_doe</span></div>', ["Jane Doe"]),
    ('<div class="statement-author">The Russian and Syrian defense ministries</div>', []),  # a phrase, not names
    ('<div class="comments"><span class="comment-author">vera</span></div>', []),
])
def test_authors_from_byline(byline: str, expected: list[str]) -> None:
    draft = extract_page(page("", f"<h1>Bridge to close</h1>{byline}{ARTICLE}"), "https://gazette.example/b")
    assert draft.authors == expected


def test_title_and_date_from_the_page_body() -> None:
    body = ('<h1>Bridge to close</h1><time class="updated" datetime="2024-03-07T08:00:00Z">7 March</time>'
            f'<time datetime="2024-03-05T10:15:00Z">5 March</time>{ARTICLE}')
    html = f'<!DOCTYPE html><html lang="en"><head><title>Home</title></head><body><h1>Menu</h1>' \
           f'<article>{body}</article></body></html>'
    draft = extract_page(html, "https://gazette.example/news/bridge")

    assert draft.title == "Bridge to close"  # the article's <h1>, not the page's first
    assert draft.published_at == datetime(2024, 3, 5, 10, 15, tzinfo=UTC)  # not the update
    assert draft.outlet_name == ""  # the page does not name it


def test_title_from_html_title_and_date_from_htmldate() -> None:
    head = "<title>Bridge to close | Eastmere Gazette</title>"
    draft = extract_page(page(head), "https://gazette.example/2024/03/05/bridge-to-close")

    assert draft.title == "Bridge to close"
    assert draft.published_at == datetime(2024, 3, 5, tzinfo=UTC)  # htmldate, from the URL: a day


def test_licence_link_in_footer() -> None:
    html = page().replace("</body>", '<footer><a href="https://creativecommons.org/licenses/by/3.0/">CC</a></footer>'
                                     "</body>")
    assert extract_page(html, "https://gazette.example/a").license == "CC BY 3.0"
    html = page('<link rel="license" href="https://gazette.example/terms">')
    assert extract_page(html, "https://gazette.example/a").license == "https://gazette.example/terms"
    assert extract_page(page(), "https://gazette.example/a").license == ""


# --- lead image -----------------------------------------------------------------------------------------------------

def test_figure_caption_with_credit_element() -> None:
    head = '<meta property="og:image" content="https://cdn.gazette.example/photos/harbour-bridge-1200x630.jpg">'
    figure = ('<figure><img src="/photos/harbour-bridge-800x450.jpg" alt="The bridge">'
              '<figcaption>The harbour bridge at low tide. <span class="image-credit">Photo: Jane Doe</span>'
              "</figcaption></figure>")
    draft = extract_page(figure_page(figure, head), "https://gazette.example/news/bridge")

    assert draft.image_url == "https://cdn.gazette.example/photos/harbour-bridge-1200x630.jpg"
    assert draft.image_caption == "The harbour bridge at low tide."
    assert draft.image_credit == "Jane Doe"


def test_figure_caption_with_credit_pattern() -> None:
    figure = ('<figure><img src="https://img.gazette.example/a/bridge.jpg">'
              "<figcaption>Cars queue on the bridge on Monday. Photo: Jane Doe/Reuters</figcaption></figure>")
    draft = extract_page(figure_page(figure), "https://gazette.example/news/bridge")

    assert draft.image_url == "https://img.gazette.example/a/bridge.jpg"
    assert draft.image_caption == "Cars queue on the bridge on Monday."
    assert draft.image_credit == "Jane Doe/Reuters"


@pytest.mark.parametrize(("caption", "expected"), [
    ("Cars queue on the bridge. Photo: Jane Doe/Reuters", ("Cars queue on the bridge.", "Jane Doe/Reuters")),
    ("Cars queue on the bridge. (Jane Doe/Reuters)", ("Cars queue on the bridge.", "Jane Doe/Reuters")),
    ("Cars queue on the bridge. (AP Photo/Jane Doe)", ("Cars queue on the bridge.", "AP Photo/Jane Doe")),
    ("Cars queue on the bridge. Credit: City of Eastmere", ("Cars queue on the bridge.", "City of Eastmere")),
    ("Cars queue on the bridge. Photograph: Jane Doe/Getty Images",
     ("Cars queue on the bridge.", "Jane Doe/Getty Images")),
    ("Cars queue on the bridge. © Jane Doe", ("Cars queue on the bridge.", "Jane Doe")),
    ("Cars queue on the bridge. Jane Doe/AFP via Getty Images",
     ("Cars queue on the bridge.", "Jane Doe/AFP via Getty Images")),
    ("Cars queue on the bridge [Jane Doe/Al Example]", ("Cars queue on the bridge", "Jane Doe/Al Example")),
    ("Jane D. Smith/Reuters", ("", "Jane D. Smith/Reuters")),
    ("Cars queue on the bridge. Jane Doe for The Eastmere Gazette",
     ("Cars queue on the bridge.", "Jane Doe for The Eastmere Gazette")),
    ("Boats wait off the harbour [File: Reuters]", ("Boats wait off the harbour", "Reuters")),
    # captions that only look like credits
    ("Cars queue on the bridge (left) near the harbour.", ("Cars queue on the bridge (left) near the harbour.", "")),
    ("Cars queue on the bridge for the ferry.", ("Cars queue on the bridge for the ferry.", "")),
    ("Fishermen hold pictures by the harbour wall.", ("Fishermen hold pictures by the harbour wall.", "")),
    ("A copyright dispute over the bridge's design.", ("A copyright dispute over the bridge's design.", "")),
    ("Boats Gather for Harbour Festival", ("Boats Gather for Harbour Festival", "")),
    ("Provided the weather holds, the ferry sails.", ("Provided the weather holds, the ferry sails.", "")),
])
def test_split_credit(caption: str, expected: tuple[str, str]) -> None:
    assert split_credit(caption) == expected


def test_og_image_alone_has_no_credit() -> None:
    head = ('<meta property="og:image" content="https://cdn.gazette.example/share/bridge-card.jpg">'
            '<meta property="og:image:alt" content="The old harbour bridge">'
            '<meta name="copyright" content="Eastmere Gazette 2024">')
    draft = extract_page(page(head), "https://gazette.example/news/bridge")

    assert draft.image_url == "https://cdn.gazette.example/share/bridge-card.jpg"
    assert draft.image_caption == "The old harbour bridge"
    assert draft.image_credit == ""  # the page's copyright notice is not the photographer's


def test_relative_image_url_is_made_absolute() -> None:
    figure = ('<figure><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="../img/bridge.jpg">'
              '<figcaption>The bridge. <cite>Jane Doe</cite></figcaption></figure>')
    draft = extract_page(figure_page(figure), "https://gazette.example/news/2024/bridge.html")

    assert draft.image_url == "https://gazette.example/news/img/bridge.jpg"
    assert draft.image_caption == "The bridge."
    assert draft.image_credit == "Jane Doe"


def test_image_credit_from_attribute_and_base_href() -> None:
    figure = '<figure><img src="bridge.jpg" data-credit="Jane Doe"><figcaption>The bridge.</figcaption></figure>'
    draft = extract_page(figure_page(figure, '<base href="https://static.gazette.example/pics/">'),
                         "https://gazette.example/news/bridge")

    assert draft.image_url == "https://static.gazette.example/pics/bridge.jpg"
    assert (draft.image_caption, draft.image_credit) == ("The bridge.", "Jane Doe")


def test_no_image() -> None:
    draft = extract_page(page(), "https://gazette.example/news/bridge")
    assert (draft.image_url, draft.image_caption, draft.image_credit) == ("", "", "")


# --- encodings ------------------------------------------------------------------------------------------------------

ACCENTED = "Café owners in Eastmere call the plan naïve — “we pay 40 € more”, says Zoë."


def accented_page(head: str = "") -> str:
    return page(head, f"<p>{ACCENTED}</p>{ARTICLE}")


@pytest.mark.parametrize("head", ['<meta charset="windows-1252">',
                                  '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">', ""])
def test_windows_1252(head: str) -> None:
    draft = extract_page(accented_page(head).encode("cp1252"), "https://gazette.example/a")
    assert ACCENTED in draft.text


def test_utf8_with_bom() -> None:
    draft = extract_page(codecs.BOM_UTF8 + accented_page().encode("utf-8"), "https://gazette.example/a")
    assert ACCENTED in draft.text and "\ufeff" not in draft.text


def test_utf16_with_bom() -> None:
    draft = extract_page(accented_page().encode("utf-16"), "https://gazette.example/a")
    assert ACCENTED in draft.text


def test_wrong_http_charset_is_ignored_when_the_bytes_say_otherwise() -> None:
    utf8 = accented_page('<meta charset="utf-8">').encode("utf-8")
    assert ACCENTED in extract_page(utf8, "https://gazette.example/a", charset="windows-1252").text
    declared = accented_page('<meta charset="windows-1252">').encode("cp1252")
    assert ACCENTED in extract_page(declared, "https://gazette.example/a", charset="utf-8").text


def test_http_charset_is_used_when_the_bytes_say_nothing() -> None:
    text = "Москва — столица России. " * 12
    data = page("", f"<p>{text}</p>{ARTICLE}", lang="").encode("cp1251")
    assert text.strip() in extract_page(data, "https://gazette.example/a", charset="windows-1251").text


# --- hostile input --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("html", [b"", "", b"  \r\n\t ", "\ufeff"])
def test_empty(html: str | bytes) -> None:
    with pytest.raises(IngestError, match="empty"):
        extract_page(html, "https://gazette.example/a")


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(200),
    b"<html><body><p>" + b"\x00\x01\x02\x03text" * 500 + b"</p></body></html>",
    "<html><body><p>" + "\x00\x01\x02\x03text" * 500 + "</p></body></html>",
])
def test_binary_data_is_refused(data: str | bytes) -> None:
    with pytest.raises(IngestError, match="binary"):
        extract_page(data, "https://gazette.example/a")


@pytest.mark.parametrize("html", [
    "<html><head><title>Nothing</title></head><body></body></html>",
    "<html><body><script>var article = 1;</script><nav><a href='/'>Home</a></nav></body></html>",
    "just some words, no markup at all",
])
def test_no_article_text(html: str) -> None:
    with pytest.raises(IngestError):
        extract_page(html, "https://gazette.example/a")


def test_wrong_type_is_refused() -> None:
    with pytest.raises(IngestError):
        extract_page(None, "https://gazette.example/a")  # type: ignore[arg-type]


def test_deeply_nested_tags() -> None:
    html = "<html><body>" + "<div>" * 100_000 + ARTICLE + "</div>" * 100_000 + "</body></html>"
    try:
        draft = extract_page(html, "https://gazette.example/a")
    except IngestError:
        return
    assert draft.text


def test_five_megabyte_page() -> None:
    paragraphs = "".join(f"<p>Paragraph {i}. {PARAGRAPHS[i % 3]}</p>" for i in range(25_000))
    html = page("<title>Long read</title>", paragraphs)
    assert len(html) > 5_000_000
    draft = extract_page(html.encode("utf-8"), "https://gazette.example/a")
    assert len(draft.text) > 1_000_000


def test_oversized_page_is_refused() -> None:
    with pytest.raises(IngestError, match="too large"):
        extract_page(b"<html>" + b" " * 21_000_000, "https://gazette.example/a")


def test_returned_strings_are_plain_text() -> None:
    head = ("<title>Bridge \x0b to\x1f close</title>"
            '<meta property="og:description" content="A &lt;script&gt;alert(1)&lt;/script&gt;summary">')
    body = "<p>Text with a \x01 control character and a zero\u200bwidth space.</p>" + ARTICLE
    draft = extract_page(page(head, body), "https://gazette.example/a")
    for value in (draft.title, draft.description, draft.text):
        assert "<" not in value and not any(ord(c) < 32 and c != "\n" for c in value)
    assert "zerowidth" in draft.text


html_like = st.builds(
    lambda tags, words: ("<html><body>" + "".join(f"<{t}>{w}" for t, w in zip(tags, words)) + "</body></html>"
                         ).encode("utf-8"),
    st.lists(st.sampled_from(["p", "div", "article", "figure", "figcaption", "img", "meta", "script", "table", "a"])),
    st.lists(st.text(max_size=80)),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=4096), html_like))
def test_arbitrary_bytes_raise_only_ingest_error(data: bytes) -> None:
    try:
        draft = extract_page(data, "https://gazette.example/a")
    except IngestError:
        return
    assert isinstance(draft, ArticleDraft) and draft.text
