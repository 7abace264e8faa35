"""Extract one article from a news page's HTML: its text (trafilatura), its metadata and its lead image.

The page is parsed once; trafilatura works on a copy of that tree and the metadata and image lookups read the
original. Text comes back as plain text with paragraphs separated by a blank line ("\n\n").
"""

from __future__ import annotations

import codecs
import html as htmllib
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import detect_encoding, load_html

from sociose.ingest.draft import ArticleDraft, IngestError
from sociose.ingest.images import find_lead_image

MAX_PAGE_SIZE = 20_000_000  # bytes or characters; trafilatura's own download cap
# Less text than this is a menu, a cookie wall or "Subscribe to read", not an article; the caller keeps what the
# feed said instead
MIN_TEXT_LENGTH = 40

# Chosen on the article-extraction-benchmark (181 pages, mean 4-gram shingle F1; tests/ingest/test_page.py guards
# it): bare extract() defaults 0.943; fast + favor_recall without comments 0.959 in ~60% of the time, no page
# below 0.5 (favor_precision 0.960 but leaves one page empty; balanced 0.954).
_EXTRACTION = {"fast": True, "favor_recall": True, "include_comments": False, "include_tables": True}

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BINARY_SIGNATURES = (
    (b"\x89PNG", "a PNG image"), (b"GIF8", "a GIF image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"RIFF", "a RIFF file (WebP, WAV, AVI)"), (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a zip archive"),
    (b"\x1f\x8b", "gzip-compressed data"), (b"BZh", "bzip2-compressed data"), (b"\xfd7zXZ", "xz-compressed data"),
    (b"(\xb5/\xfd", "zstd-compressed data"), (b"7z\xbc\xaf", "a 7-Zip archive"), (b"Rar!", "a RAR archive"),
    (b"\xd0\xcf\x11\xe0", "an MS Office document"), (b"\x7fELF", "an executable"), (b"\x00asm", "WebAssembly"),
    (b"OggS", "Ogg media"), (b"ID3", "an MP3 file"), (b"wOF", "a web font"), (b"SQLite format 3", "a database"),
)
# Single-byte labels browsers read as windows-1252 (WHATWG Encoding), and a few supersets
_CODEC_ALIASES = {
    "ascii": "cp1252", "iso8859-1": "cp1252", "latin-1": "cp1252", "iso8859-9": "cp1254", "iso8859-11": "cp874",
    "tis-620": "cp874", "gb2312": "gb18030", "gbk": "gb18030", "shift_jis": "cp932", "euc_kr": "cp949",
    "big5": "big5hkscs",
}
# Where a page declares no charset: the legacy single-byte code page of its language, as browsers guess it
_LEGACY_CODEC = {
    **dict.fromkeys(("cs", "sk", "pl", "hu", "sl", "hr", "bs", "ro", "sq"), "cp1250"),
    **dict.fromkeys(("ru", "uk", "bg", "be", "sr", "mk"), "cp1251"),
    "el": "cp1253", "tr": "cp1254", "az": "cp1254", "he": "cp1255", "iw": "cp1255", "ar": "cp1256", "fa": "cp1256",
    "ur": "cp1256", "lt": "cp1257", "lv": "cp1257", "et": "cp1257", "vi": "cp1258", "th": "cp874",
    **dict.fromkeys(("en", "fr", "de", "es", "it", "pt", "nl", "da", "sv", "no", "nb", "nn", "fi", "is", "ga", "ca",
                     "eu", "gl", "af", "id", "ms", "sw", "lb", "rm", "fo", "gd", "cy", "br", "oc", "la"), "cp1252"),
}
_LEGACY_TLD = {
    **dict.fromkeys(("cz", "sk", "pl", "hu", "si", "hr", "ba", "ro", "al"), "cp1250"),
    **dict.fromkeys(("ru", "ua", "bg", "by", "rs", "mk", "su"), "cp1251"),
    "gr": "cp1253", "tr": "cp1254", "az": "cp1254", "il": "cp1255", "lt": "cp1257", "lv": "cp1257", "ee": "cp1257",
    "vn": "cp1258", "th": "cp874",
}
# Detectors cannot tell these Latin code pages apart on short texts; browsers default to windows-1252
_LATIN_LOOKALIKES = frozenset({
    "cp1250", "cp1252", "cp1254", "cp1257", "iso8859-2", "iso8859-3", "iso8859-4", "iso8859-9", "iso8859-10",
    "iso8859-13", "iso8859-14", "iso8859-15", "iso8859-16", "mac-latin2", "mac-roman", "mac-iceland", "mac-turkish",
    "cp437", "cp775", "cp850", "cp852", "cp858", "cp1125", "hp-roman8",
})
_HTML_LANG = re.compile(rb"""<html[^>]{0,300}?\blang\s*=\s*["']?\s*([A-Za-z]{2,3})\b""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{2,40})""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9._:-]{2,40})""", re.IGNORECASE)

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b\ufeff\ufffe\uffff\ud800-\udfff]")
_BINARY_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
# markup left in text by double escaping; only HTML's own tag names, as "<The Palace>" is a Korean title's quotes
_TAG = re.compile(
    r"</?(?:a|abbr|article|aside|b|big|blockquote|br|caption|cite|code|del|div|em|figcaption|figure|font|footer|"
    r"h[1-6]|header|hr|i|iframe|img|ins|kbd|li|link|main|mark|meta|nav|ol|p|picture|pre|q|s|script|section|small|"
    r"source|span|strong|style|sub|sup|table|tbody|td|th|thead|time|tr|u|ul|video)(?:\s[^<>]*)?/?>|<!--.*?-->",
    re.IGNORECASE | re.DOTALL,
)
_ANY_TAG = re.compile(r"<[A-Za-z!?/]")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_LANGUAGE = re.compile(r"\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*\s*$")
_ARTICLE_TYPES = frozenset({
    "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
    "BackgroundNewsArticle", "ReviewNewsArticle", "AskPublicNewsArticle", "BlogPosting", "LiveBlogPosting",
    "Report", "TechArticle", "ScholarlyArticle", "SocialMediaPosting",
})
_DATE_KEYS = (
    "article:published_time", "og:article:published_time", "og:published_time", "published_time",
    "article:published", "datepublished", "parsely-pub-date", "sailthru.date", "pubdate", "publishdate",
    "publish-date", "publish_date", "publication_date", "dc.date.issued", "dcterms.issued", "dc.date.created",
    "dcterms.created", "dc.date", "date", "cxenseparse:recs:publishtime", "article.published", "ptime",
)


def extract_page(html: str | bytes, url: str, *, charset: str | None = None) -> ArticleDraft:
    """The article on a page. Bytes are decoded from their BOM, their own <meta charset>, the HTTP charset
    (`charset`, used only when the bytes do not say) or, failing all, charset detection.

    Raises IngestError for an empty or binary body, a page without article text, and any parser failure.
    """
    try:
        return _extract(html, url, charset)
    except IngestError:
        raise
    except Exception as error:  # lxml, trafilatura, htmldate: their failures are the page's, not ours
        raise IngestError(f"page could not be parsed ({type(error).__name__}: {str(error)[:200]})") from error


def decode_html(data: bytes, charset: str | None = None, url: str = "") -> str:
    """HTML bytes as text: BOM, then valid UTF-8, then the page's declared charset, then `charset` (the HTTP
    header's, often missing or wrong), then the legacy code page of the page's language or country, then
    detection. Refuses binary data."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(codec, errors="replace")
    _refuse_binary_signature(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # mostly UTF-8 with a few stray bytes (pasted windows-1252 quotes): keep the UTF-8 reading
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    if non_ascii - bad >= 4 * bad:
        return text
    head = data[:16384]
    declared = [m.group(1) for m in (_XML_ENCODING.search(head), _META_CHARSET.search(head)) if m]
    for label in [*declared, charset or ""]:
        codec = _codec(label.encode("ascii", "ignore") if isinstance(label, str) else label)
        if codec and codec != "utf-8":
            text = _decode_tolerantly(data, codec)
            if text is not None:
                return text
    language = _HTML_LANG.search(head)
    hinted = _LEGACY_CODEC.get(language.group(1).decode().lower()) if language else None
    hinted = hinted or _LEGACY_TLD.get(_top_level_domain(url))
    if hinted:
        text = _decode_tolerantly(data, hinted)
        if text is not None:
            return text
    guesses = [c for c in (_codec(g.encode("ascii", "ignore")) for g in detect_encoding(data)) if c]
    if guesses and guesses[0] in _LATIN_LOOKALIKES:
        guesses.insert(0, "cp1252")
    for codec in guesses:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode("cp1252", errors="replace")


# --- the pipeline ---------------------------------------------------------------------------------------------------

def _extract(html: str | bytes, url: str, charset: str | None) -> ArticleDraft:
    if isinstance(html, (bytes, bytearray, memoryview)):
        data = bytes(html)
        if len(data) > MAX_PAGE_SIZE:
            raise IngestError(f"page too large ({len(data)} bytes, limit {MAX_PAGE_SIZE})")
        if not data.strip():
            raise IngestError("empty page")
        text = decode_html(data, charset, url)
    elif isinstance(html, str):
        text = html
        if len(text) > MAX_PAGE_SIZE:
            raise IngestError(f"page too large ({len(text)} characters, limit {MAX_PAGE_SIZE})")
        _refuse_binary_signature(text[:16].encode("latin-1", "replace"))
    else:
        raise IngestError(f"page content must be str or bytes, not {type(html).__name__}")
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise IngestError("empty page")
    _refuse_binary_text(text)

    tree = _parse(text)
    document = trafilatura.bare_extraction(tree, url=url, with_metadata=True, date_extraction_params=_date_params(),
                                           **_EXTRACTION)
    body = _clean_text(document.text or "") if document is not None else ""
    if len(body) < MIN_TEXT_LENGTH:
        raise IngestError(f"no article text found on the page ({len(body)} characters extracted)")

    metas = _collect_metas(tree)
    base_url = _absolute(url, _first(metas, "base")) or url
    ld_nodes = _json_ld(tree)
    article_node = next((n for n in ld_nodes if _types(n) & _ARTICLE_TYPES), {})
    image = find_lead_image(tree, metas, _ld_images(article_node, ld_nodes), base_url)
    caption, credit = _plain(image.caption), _plain(image.credit)
    outlet = _plain(_first(metas, "og:site_name")) or _plain(document.sitename)
    title = _plain(document.title) or _plain(_first(metas, "og:title")) or _plain(_html_title(tree))
    return ArticleDraft(
        url=url,
        title=_without_outlet(title, outlet),
        text=body,
        authors=_authors(document.author),
        published_at=_published_at(tree, metas, article_node, document.date),
        language=_language(tree, metas, article_node),
        description=_plain(document.description) or _plain(_first(metas, "og:description")),
        image_url=_CONTROL.sub("", image.url),
        image_caption=caption,
        image_credit=credit,
        canonical_url=_absolute(base_url, _first(metas, "link:canonical") or _first(metas, "og:url")),
        outlet_name=outlet,
        license=_plain(document.license),
    )


def _parse(text: str) -> HtmlElement:
    if not _ANY_TAG.search(text):
        raise IngestError("not an HTML document (no tags)")
    tree = load_html(text)
    if tree is None:  # a fragment without <html>/<body> (WARC payloads, feed content)
        tree = load_html(f"<html><body>{text}</body></html>")
    if tree is None:
        raise IngestError("not an HTML document")
    return tree


def _date_params() -> dict[str, Any]:
    # htmldate's extensive search reads dates out of running text: slower and the likeliest to be wrong
    tomorrow = date.today() + timedelta(days=1)
    return {"original_date": True, "extensive_search": False, "max_date": tomorrow.isoformat()}


# --- decoding and refusing ------------------------------------------------------------------------------------------

def _codec(label: bytes) -> str | None:
    try:
        name = codecs.lookup(label.decode("ascii").strip().lower()).name
    except (LookupError, UnicodeDecodeError, ValueError):
        return None
    if name.startswith(("utf-16", "utf-32")):  # only a BOM can say so; a <meta> saying it is wrong
        return None
    return _CODEC_ALIASES.get(name, name)


def _top_level_domain(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").rsplit(".", 1)[-1]
    except ValueError:
        return ""


def _decode_tolerantly(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        pass
    except LookupError:
        return None
    text = data.decode(codec, errors="replace")
    # a declared charset with a handful of bytes it does not define is still the right one
    return text if text.count("\ufffd") <= 2 + len(text) // 1000 else None


def _refuse_binary_signature(head: bytes) -> None:
    for signature, kind in _BINARY_SIGNATURES:
        if head.startswith(signature):
            raise IngestError(f"binary data ({kind}), not an HTML page")


def _refuse_binary_text(text: str) -> None:
    sample = text[:65536]
    controls = len(_BINARY_CONTROL.findall(sample))
    if controls > len(sample) // 100:
        raise IngestError(f"binary data ({controls} control characters in the first {len(sample)}), not an HTML page")
    if sample.count("\ufffd") > len(sample) // 10:
        raise IngestError("undecodable data, not an HTML page")


# --- metadata -------------------------------------------------------------------------------------------------------

def _collect_metas(tree: HtmlElement) -> dict[str, list[str]]:
    """<meta> contents by lower-cased name/property/itemprop, <link> hrefs as "link:<rel>", <base> as "base"."""
    metas: dict[str, list[str]] = {}
    for element in tree.iter("meta", "link", "base"):
        if element.tag == "meta":
            value = element.get("content") or ""
            keys = [element.get(a) for a in ("property", "name", "itemprop", "http-equiv")]
        elif element.tag == "link":
            value = element.get("href") or ""
            keys = [f"link:{rel}" for rel in (element.get("rel") or "").split()]
        else:
            value, keys = element.get("href") or "", ["base"]
        value = value.strip()
        if value:
            for key in keys:
                if key:
                    metas.setdefault(key.strip().lower(), []).append(value)
    return metas


def _json_ld(tree: HtmlElement) -> list[dict]:
    """Every JSON-LD object on the page, @graph members flattened."""
    nodes: list[dict] = []
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower() or not script.text:
            continue
        raw = script.text.strip().removeprefix("<!--").removesuffix("-->")
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        stack = data if isinstance(data, list) else [data]
        for item in stack[:100]:
            if isinstance(item, dict):
                nodes.append(item)
                graph = item.get("@graph")
                if isinstance(graph, list):
                    nodes.extend(n for n in graph[:200] if isinstance(n, dict))
    return nodes


def _types(node: dict) -> set[str]:
    value = node.get("@type")
    if isinstance(value, str):
        return {value}
    return {v for v in value if isinstance(v, str)} if isinstance(value, list) else set()


def _ld_images(article: dict, nodes: list[dict]) -> list[dict]:
    """The article's JSON-LD images as ImageObject-like dicts, references by @id resolved."""
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}
    value = article.get("image")
    images: list[dict] = []
    for item in (value if isinstance(value, list) else [value])[:10]:
        if isinstance(item, str):
            images.append({"url": item})
        elif isinstance(item, dict):
            images.append(by_id.get(item.get("@id"), item) if set(item) == {"@id"} else item)
    images += [n for n in nodes if "ImageObject" in _types(n) and n not in images]
    return images


def _authors(value: str | None) -> list[str]:
    authors: list[str] = []
    for name in (value or "").split(";"):
        name = _plain(name)
        if name and name.lower() not in (a.lower() for a in authors):
            authors.append(name)
    return authors


def _published_at(tree: HtmlElement, metas: dict[str, list[str]], article: dict, fallback: str | None
                  ) -> datetime | None:
    """Publication time from the article's JSON-LD, then meta tags, then microdata, then htmldate's day."""
    for candidate in _date_candidates(tree, metas, article, fallback):
        if isinstance(candidate, str):
            parsed = _parse_datetime(candidate)
            if parsed is not None:
                return parsed
    return None


def _date_candidates(tree: HtmlElement, metas: dict[str, list[str]], article: dict, fallback: str | None
                     ) -> Iterator[object]:
    yield article.get("datePublished")
    for key in _DATE_KEYS:
        yield from metas.get(key, ())[:1]
    for found in tree.xpath('(//*[@itemprop="datePublished"])[1]'):
        yield from (found.get("datetime"), found.get("content"), found.text)
    yield fallback  # htmldate: a day, no time


def _parse_datetime(value: str) -> datetime | None:
    value = value.strip()
    if not value or len(value) > 64:
        return None
    parsed: datetime | None = None
    if value.isdigit() and len(value) in (10, 13):  # Unix time in seconds or milliseconds
        try:
            parsed = datetime.fromtimestamp(int(value[:10]), tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if parsed is None:
        try:
            parsed = datetime.fromisoformat(re.sub(r"\s*(?:UTC|GMT)$", "+00:00", value))
        except ValueError:
            try:
                parsed = parsedate_to_datetime(value)
            except (TypeError, ValueError, IndexError):
                return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        parsed = parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    if parsed.year < 1990 or parsed > datetime.now(UTC) + timedelta(days=2):
        return None
    return parsed


def _language(tree: HtmlElement, metas: dict[str, list[str]], article: dict) -> str:
    """Primary language subtag ("en", "pt"), from <html lang>, then meta tags, then JSON-LD."""
    in_language = article.get("inLanguage")
    candidates = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    candidates += [_first(metas, k) for k in ("content-language", "language", "dc.language", "og:locale")]
    candidates.append(in_language if isinstance(in_language, str) else "")
    for candidate in candidates:
        match = _LANGUAGE.match(candidate or "")
        if match and match.group(1).lower() not in ("und", "zxx", "mul", "xx"):
            return match.group(1).lower()
    return ""


def _without_outlet(title: str, outlet: str) -> str:
    """The title without the site name pages add to it ("Storm hits coast - The Daily Example")."""
    if len(outlet) < 2:
        return title
    for separator in (" - ", " | ", " – ", " — ", " · ", " :: ", " » "):
        if title.endswith(separator + outlet) and len(title) - len(outlet) - len(separator) >= 10:
            return title[: -len(outlet) - len(separator)].strip()
    for separator in (" | ", " - ", ": ", " – ", " — "):
        if title.startswith(outlet + separator) and len(title) - len(outlet) - len(separator) >= 10:
            return title[len(outlet) + len(separator):].strip()
    return title


def _html_title(tree: HtmlElement) -> str:
    title = next(tree.iter("title"), None)
    return title.text_content() if title is not None else ""


# --- plain text -----------------------------------------------------------------------------------------------------

def _plain(value: object) -> str:
    """One line of plain text: no markup, entities decoded once, no control characters, single spaces."""
    if not isinstance(value, str) or not value:
        return ""
    if "&" in value and _ENTITY.search(value):
        value = htmllib.unescape(value)
    if "<" in value:
        value = _TAG.sub(" ", value)
    return " ".join(_CONTROL.sub("", value).split())


def _clean_text(text: str) -> str:
    """Extracted text as paragraphs separated by a blank line, each paragraph on one line."""
    if "<" in text:
        text = _TAG.sub(" ", text)
    text = _CONTROL.sub("", text)
    paragraphs = (" ".join(line.split()) for line in text.splitlines())
    return "\n\n".join(p for p in paragraphs if p)


def _absolute(base_url: str, value: str) -> str:
    value = _CONTROL.sub("", value or "").strip()
    if not value:
        return ""
    try:
        return urljoin(base_url, value)
    except ValueError:
        return ""


def _first(metas: dict[str, list[str]], key: str) -> str:
    values = metas.get(key)
    return values[0] if values else ""
