"""Extract one article from a news page's HTML: its text (trafilatura), its metadata and its lead image.

The page is parsed once; trafilatura extracts the text only (on its own copy of the tree) and the metadata (title,
authors, date, description, outlet, language, licence) and image lookups read the original tree's meta tags, JSON-LD,
microdata and bylines. htmldate is asked for a date only when the page states none. Text comes back as plain text
with paragraphs separated by a blank line ("\n\n"). Pages given as bytes are first decoded to text by
sociose.ingest.decoding.
"""

from __future__ import annotations

import html as htmllib
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from itertools import islice
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
import trafilatura
from htmldate import find_date
from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction

from sociose.articles.draft import ArticleDraft, IngestError
from sociose.ingest.decoding import decode_html, refuse_binary_signature
from sociose.ingest.images import find_lead_image

MAX_PAGE_SIZE = 20_000_000  # bytes or characters; trafilatura's own download cap
# Less text than this is a menu, a cookie wall or "Subscribe to read", not an article; the caller keeps what the
# feed said instead
MIN_TEXT_LENGTH = 40

# Chosen on the article-extraction-benchmark (181 pages, mean 4-gram shingle F1; tests/ingest/test_page.py guards
# it): bare extract() defaults 0.943; fast + favor_recall without comments 0.959 in ~60% of the time, no page
# below 0.5 (favor_precision 0.960 but leaves one page empty; balanced 0.954).
_EXTRACTION = {"fast": True, "favor_recall": True, "include_comments": False, "include_tables": True}

# trafilatura's parser settings (utils.HTML_PARSER), but every element a plain HtmlElement: lxml.html's default
# lookup (FormElement, InputElement...) is a Python call each time lxml makes an element object, some 7% of the
# extraction time, and nothing here or in trafilatura uses the form classes
_HTML_PARSER = lxml.html.HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True,
                                    remove_pis=True)
_HTML_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity))

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
_CONTROL_BYTES = bytes([*range(0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0x7f])
# trafilatura.utils' repairs before parsing
_INVALID_XML_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DOCTYPE_TAG = re.compile("^< ?! ?DOCTYPE[^>]*/[^<>]*>", re.IGNORECASE)
_FAULTY_HTML = re.compile(r"(<html.*?)\s*/>", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_LANGUAGE = re.compile(r"\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*\s*$")
_ARTICLE_TYPES = frozenset({
    "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
    "BackgroundNewsArticle", "ReviewNewsArticle", "AskPublicNewsArticle", "BlogPosting", "LiveBlogPosting",
    "Report", "TechArticle", "ScholarlyArticle", "SocialMediaPosting",
})
_TITLE_KEYS = ("og:title", "twitter:title", "title", "headline", "dc.title", "dcterms.title", "parsely-title",
               "sailthru.title", "citation_title", "fb_title")
_DESCRIPTION_KEYS = ("og:description", "description", "twitter:description", "dc.description", "dcterms.description",
                     "dcterms.abstract", "sailthru.description")
_AUTHOR_KEYS = ("article:author", "og:article:author", "og:author", "author", "parsely-author", "sailthru.author",
                "byl", "dc.creator", "dc:creator", "dcterms.creator", "citation_author", "authors", "rbauthors")
_TITLE_SUFFIX = re.compile(r"^(.+)\s+[–•·—|⁄*⋆~‹«<›»>:-]\s+(.+)$")
_UPDATED = re.compile(r"updat|modif|edited", re.IGNORECASE)
_PUBLISHED = re.compile(r"publi|pubdate|pub-date|posted|created|datepublished", re.IGNORECASE)
_LICENSE_XPATH = etree.XPath('/descendant::a[contains(@rel, "icense") or contains(@href, "creativecommons.org/")]')
_CC_LICENSE = re.compile(r"/(by-nc-nd|by-nc-sa|by-nc|by-nd|by-sa|by|zero)/([1-9]\.[0-9])")
# bylines: elements named as the author's by rel, itemprop or class ("author", "Author", "byline", "Byline"; the
# cheapest form of this search, which reads every element)
_BYLINE_XPATH = etree.XPath("/descendant::*[contains(@class, 'uthor') or contains(@class, 'yline') or @rel='author'"
                            " or contains(@itemprop, 'author')]")
_AUTHOR_LABEL = re.compile(r"author|byline", re.IGNORECASE)
_BYLINE_CLASS = re.compile(r"(?:[\w-]*[-_])?(?:author|byline)(?:[-_]+(?:name|names|link|text))?|authorname",
                           re.IGNORECASE)
_NOT_BYLINE_TAGS = frozenset({"meta", "link", "script", "style", "img", "picture", "svg", "button", "input", "form",
                              "html", "body", "head", "main", "article", "section", "ul", "ol", "textarea"})
_NOT_BYLINE = re.compile(r"bio\b|avatar|image|img|photo|pic\b|thumb|desc|about|social|follow|share|more|other|"
                         r"comment|email|mail|twitter|title|role|job|position|date|time|caption|popup|tooltip",
                         re.IGNORECASE)
_DISCARDED_SCOPE = re.compile(r"comment|sidebar|related|recommend|popular|footer|is-hidden|quote|embed|newsletter",
                              re.IGNORECASE)
_BYLINE_LABEL = re.compile(r"^\s*(?:authors?|autor(?:es|en)?|auteurs?|текст|posted by|written by)\s*:\s*",
                           re.IGNORECASE)
_BYLINE_PREFIX = re.compile(r"^\s*(?:(?:an\s+)?(?:analysis|opinion|commentary|column|story|text|words|reporting|"
                            r"written|reported|posted|published)\s+)?(?:by|von|par|por|door|av)\b\s*:?\s*",
                            re.IGNORECASE)
_DATE_TAIL = re.compile(r"\s*(?:\b(?:published|updated|posted|last updated)\b|"
                        r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\d).*$", re.IGNORECASE | re.DOTALL)
_AUTHOR_SPLIT = re.compile(r"\s*(?:[;|,/&•·]|(?<=[^\W\d]{3})\.\s|\s(?:and|und|et|e|y|и)\s)\s*")
# a news agency after the last name: "By JANE DOE and JOHN ROE Associated Press"
_AGENCY_TAIL = re.compile(
    r"(?<=\w)\s+(?:the\s+)?(?:associated\s+press|ap|reuters|afp|bloomberg|cnn|pti|ians|dpa|efe)\s*$", re.IGNORECASE)
_AUTHOR_EMAIL = re.compile(r"\S+@\S+\.\w+")
_AUTHOR_HANDLE = re.compile(r"@\w+")
_AUTHOR_PREPOSITION = re.compile(r"\s+(?:for|at|in|on|from|via|with)\s.*$")
_URLISH = re.compile(r"\s*(?:https?:|www\.|/)", re.IGNORECASE)
_DOMAIN = re.compile(r"\w\.(?:[a-z]{2,}\.)?(?:com|org|net|info|news|[a-z]{2})\b")
_USER_NAME = re.compile(r"^(?:\w*admin\w*|administrator|webmaster|editor|redaktion|redacci[oó]n|reda[cç][aã]o|"
                        r"guest|anonymous|unknown|user\d*)$", re.IGNORECASE)
_ROLE_WORDS = frozenset({"writer", "reporter", "correspondent", "editor", "columnist", "contributor", "producer",
                         "journalist", "photographer", "analyst", "critic", "intern", "anchor", "blogger"})
_ROLE_QUALIFIERS = frozenset({
    "staff", "senior", "chief", "news", "sports", "sport", "political", "politics", "national", "security", "auto",
    "business", "tech", "technology", "science", "health", "contributing", "associate", "assistant", "deputy",
    "managing", "executive", "foreign", "special", "freelance", "digital", "associated", "press", "bureau", "guest",
    "wire", "white", "house", "entertainment", "education", "investigative", "general", "assignment", "medical",
})
_ORGANISATION_WORDS = frozenset({
    "media", "news", "press", "times", "post", "group", "network", "international", "agency", "service", "services",
    "insider", "business", "magazine", "journal", "daily", "wire", "herald", "tribune", "gazette", "staff", "team",
    "desk", "editorial", "newsroom", "reuters", "associated", "ap", "afp", "cnn", "bbc", "nbc", "cbs", "abc", "fox",
    "online", "radio", "tv", "television", "channel", "bureau", "report", "reports", "inc", "ltd", "llc",
})
_NAME_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "das", "do", "dos", "del", "della", "di", "du",
                             "la", "le", "bin", "al", "el", "ter", "ten", "y"})
_MONTHS = frozenset({"january", "february", "march", "april", "may", "june", "july", "august", "september",
                     "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
                     "oct", "nov", "dec"})
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
        refuse_binary_signature(text[:16].encode("latin-1", "replace"))
    else:
        raise IngestError(f"page content must be str or bytes, not {type(html).__name__}")
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise IngestError("empty page")
    # one cheap pass tells whether the slower exact checks for control characters are needed at all
    controls = _has_control_characters(text)
    _refuse_binary_text(text, controls)

    tree = _parse(text, controls)
    # text only: trafilatura's own metadata pass costs about half as much again as the extraction and reads the same
    # meta tags and JSON-LD as the lookups below
    document = trafilatura.bare_extraction(tree, url=url, with_metadata=False, **_EXTRACTION)
    body = _clean_text(document.text or "") if document is not None else ""
    if len(body) < MIN_TEXT_LENGTH:
        raise IngestError(f"no article text found on the page ({len(body)} characters extracted)")

    metas = _collect_metas(tree)
    base_url = _absolute(url, _first(metas, "base")) or url
    ld_nodes = _json_ld(tree)
    article_node = next((n for n in ld_nodes if _types(n) & _ARTICLE_TYPES), {})
    image = find_lead_image(tree, metas, _ld_images(article_node, ld_nodes), base_url)
    caption, credit = _plain(image.caption), _plain(image.credit)
    outlet = _outlet(metas, article_node, ld_nodes)
    canonical_url = _absolute(base_url, _first(metas, "link:canonical") or _first(metas, "og:url"))
    return ArticleDraft(
        url=url,
        title=_without_outlet(_title(tree, metas, article_node), outlet),
        text=body,
        authors=_authors(tree, metas, article_node, ld_nodes, outlet),
        published_at=_published_at(tree, metas, article_node, canonical_url or url),
        language=_language(tree, metas, article_node),
        description=_description(metas, article_node),
        image_url=_CONTROL.sub("", image.url),
        image_caption=caption,
        image_credit=credit,
        canonical_url=canonical_url,
        outlet_name=outlet,
        license=_license(tree, metas, article_node),
    )


def _parse(text: str, controls: bool = True) -> HtmlElement:
    if not _ANY_TAG.search(text):
        raise IngestError("not an HTML document (no tags)")
    tree = _load_html(text, controls)
    if tree is None:  # a fragment without <html>/<body> (WARC payloads, feed content)
        tree = _load_html(f"<html><body>{text}</body></html>", controls)
    if tree is None:
        raise IngestError("not an HTML document")
    return tree


def _load_html(text: str, controls: bool) -> HtmlElement | None:
    """trafilatura.utils.load_html for decoded text, with _HTML_PARSER: the same repairs, parse and checks."""
    beginning = text[:50].lower()
    text = _repair_html(text, beginning, controls)
    tree, retried = None, False
    try:
        tree = lxml.html.fromstring(text, parser=_HTML_PARSER)
    except ValueError:  # a str with an XML encoding declaration
        tree, retried = _load_html_bytes(text), True
    except Exception:  # noqa: BLE001 - lxml's failures: try bytes, as trafilatura does
        tree = None
    if (tree is None or len(tree) < 1) and not retried:
        tree = _load_html_bytes(text)
    if tree is not None and "html" not in beginning and len(tree) < 2:
        return None  # not (well-formed) HTML
    return tree


def _repair_html(text: str, beginning: str, controls: bool) -> str:
    """trafilatura.utils.repair_faulty_html, whose removal of characters XML does not allow (a scan of the whole page)
    runs only where there may be some."""
    if controls:
        text = _INVALID_XML_CHARS.sub("", text)
    if "doctype" in beginning:  # libxml2 stumbles over a doctype with a slash
        firstline, _, rest = text.partition("\n")
        text = _DOCTYPE_TAG.sub("", firstline, count=1) + "\n" + rest
    for line in text[:4096].splitlines()[:4]:  # a self-closing <html/>
        if "<html" in line and line.endswith("/>"):
            return _FAULTY_HTML.sub(r"\1>", text, count=1)
    return text


def _load_html_bytes(text: str) -> HtmlElement | None:
    try:
        return lxml.html.fromstring(text.encode("utf-8", "surrogatepass"), parser=_HTML_PARSER)
    except Exception:  # noqa: BLE001
        return None


def _date_params() -> dict[str, Any]:
    # htmldate's extensive search reads dates out of running text: slower and the likeliest to be wrong
    tomorrow = date.today() + timedelta(days=1)
    return {"original_date": True, "extensive_search": False, "max_date": tomorrow.isoformat()}


# --- refusing binary text -------------------------------------------------------------------------------------------

def _has_control_characters(text: str) -> bool:
    """Whether the text may hold control characters (those of _BINARY_CONTROL or _INVALID_XML_CHARS): in UTF-8 they
    are the same bytes, and bytes.translate finds them several times faster than a regular expression."""
    encoded = text.encode("utf-8", "surrogatepass")
    return len(encoded.translate(None, _CONTROL_BYTES)) != len(encoded) or "\ufffe" in text or "\uffff" in text


def _refuse_binary_text(text: str, controls: bool = True) -> None:
    sample = text[:65536]
    controls = len(_BINARY_CONTROL.findall(sample)) if controls else 0
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


def _by_id(nodes: list[dict]) -> dict[str, dict]:
    return {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}


def _resolve(node: dict, by_id: dict[str, dict]) -> dict:
    """The node a bare {"@id": ...} reference stands for, else the node itself."""
    reference = node.get("@id")
    return by_id.get(reference, node) if set(node) == {"@id"} and isinstance(reference, str) else node


def _ld_images(article: dict, nodes: list[dict]) -> list[dict]:
    """The article's JSON-LD images as ImageObject-like dicts, references by @id resolved."""
    by_id = _by_id(nodes)
    value = article.get("image")
    images: list[dict] = []
    for item in (value if isinstance(value, list) else [value])[:10]:
        if isinstance(item, str):
            images.append({"url": item})
        elif isinstance(item, dict):
            images.append(_resolve(item, by_id))
    images += [n for n in nodes if "ImageObject" in _types(n) and n not in images]
    return images


def _published_at(tree: HtmlElement, metas: dict[str, list[str]], article: dict, page_url: str) -> datetime | None:
    """Publication time from the article's JSON-LD, then meta tags, then microdata, then <time datetime>, and only
    where the page states none of these, htmldate's day."""
    for candidate in _date_candidates(tree, metas, article):
        if isinstance(candidate, str):
            parsed = _parse_datetime(candidate)
            if parsed is not None:
                return parsed
    found = find_date(tree, url=page_url, **_date_params())  # copies the tree itself
    return _parse_datetime(found) if isinstance(found, str) else None


def _date_candidates(tree: HtmlElement, metas: dict[str, list[str]], article: dict) -> Iterator[object]:
    yield article.get("datePublished")
    for key in _DATE_KEYS:
        yield from metas.get(key, ())[:1]
    for found in tree.xpath('(//*[@itemprop="datePublished"])[1]'):
        yield from (found.get("datetime"), found.get("content"), found.text)
    yield from _time_elements(tree)


def _time_elements(tree: HtmlElement) -> list[str]:
    """<time datetime> values, most likely the publication first: marked as such, then in the article, then any;
    never one marked as an update."""
    marked, in_article, others = [], [], []
    for count, element in enumerate(tree.iter("time")):
        if count >= 20:
            break
        value = element.get("datetime")
        label = f"{element.get('class') or ''} {element.get('itemprop') or ''} {element.get('id') or ''}"
        if not value or _UPDATED.search(label):
            continue
        if element.get("pubdate") is not None or _PUBLISHED.search(label):
            marked.append(value)
        elif any(ancestor.tag == "article" for ancestor in element.iterancestors()):
            in_article.append(value)
        else:
            others.append(value)
    return marked + in_article + others[:3]


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


def _title(tree: HtmlElement, metas: dict[str, list[str]], article: dict) -> str:
    """og:title, twitter:title and the other title metas, the article's JSON-LD headline, the article's <h1>,
    then <title>."""
    for key in _TITLE_KEYS:
        title = _plain(_last(metas, key) if key == "og:title" else _first(metas, key))
        if title:
            return title
    title = _plain(article.get("headline"))
    if not title and "Article" in _types(article):
        title = _plain(article.get("name"))
    return title or _h1(tree) or _without_suffix(_plain(_html_title(tree)))


def _without_suffix(title: str) -> str:
    """A <title> without what follows its last separator ("Headline - Site name"), as trafilatura reads it."""
    match = _TITLE_SUFFIX.match(title)
    return match.group(1).strip() if match and "." not in match.group(1) else title


def _h1(tree: HtmlElement) -> str:
    """The first <h1> of the (first) <article> that has one, else the page's only <h1>."""
    headings = list(islice(tree.iter("h1"), 50))
    for heading in headings:
        if any(ancestor.tag == "article" for ancestor in heading.iterancestors()):
            return _plain(heading.text_content())
    return _plain(headings[0].text_content()) if len(headings) == 1 else ""


def _description(metas: dict[str, list[str]], article: dict) -> str:
    for key in _DESCRIPTION_KEYS:
        description = _plain(_last(metas, key) if key == "og:description" else _first(metas, key))
        if description:
            return description
    return _plain(article.get("description"))


def _outlet(metas: dict[str, list[str]], article: dict, nodes: list[dict]) -> str:
    """The name the page gives its outlet: og:site_name, the article's JSON-LD publisher, the JSON-LD WebSite,
    application-name or publisher metas; empty where it gives none (the outlet is then named after its domain, and
    renamed when a later page names it)."""
    publisher = article.get("publisher")
    if isinstance(publisher, list):
        publisher = publisher[0] if publisher else None
    if isinstance(publisher, dict):
        publisher = _resolve(publisher, _by_id(nodes)).get("name")
    candidates = [_first(metas, "og:site_name"), publisher]
    candidates += [n.get("name") for n in nodes if "WebSite" in _types(n)][:1]
    candidates += [_first(metas, key) for key in ("application-name", "publisher", "dc.publisher", "dcterms.publisher")]
    for candidate in candidates:
        name = _plain(candidate)
        if name.lower().startswith(("http://", "https://")):
            name = _host(name)
        if name:
            return name
    return ""


def _host(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _license(tree: HtmlElement, metas: dict[str, list[str]], article: dict) -> str:
    """The licence the page states: a rel=license link, the article's JSON-LD licence, else a Creative Commons link
    in the page footer."""
    links = _LICENSE_XPATH(tree)
    for link in links:
        if "license" in (link.get("rel") or "").lower().split():
            licence = _creative_commons(link.get("href")) or _plain(link.text_content())
            if licence:
                return licence
    href = _first(metas, "link:license")
    if href:
        return _creative_commons(href) or _plain(href)
    value = article.get("license")
    if isinstance(value, str) and _plain(value):
        return _creative_commons(value) or _plain(value)
    for link in links:
        licence = _creative_commons(link.get("href"))
        if licence and any(a.tag == "footer" or "footer" in f"{a.get('class') or ''} {a.get('id') or ''}".lower()
                           for a in link.iterancestors()):
            return licence
    return ""


def _creative_commons(href: str | None) -> str:
    match = _CC_LICENSE.search(href or "")
    return f"CC {match[1].upper()} {match[2]}" if match else ""


# --- authors --------------------------------------------------------------------------------------------------------

def _authors(tree: HtmlElement, metas: dict[str, list[str]], article: dict, nodes: list[dict], outlet: str
             ) -> list[str]:
    """Author names from the first source that has any: the article's JSON-LD authors (people, not organisations),
    author meta tags (not profile URLs), then the page's byline."""
    for source in (_ld_authors(article, nodes), _meta_authors(metas)):
        names = _names(source, outlet)
        if names:
            return names
    return _byline_authors(tree, outlet)


def _ld_authors(article: dict, nodes: list[dict]) -> list[str]:
    by_id = _by_id(nodes)
    # the article's, else the first node's that names one (a WebPage, where a page has no Article node)
    value = article.get("author") or next((n["author"] for n in nodes if n.get("author")), None)
    raw: list[str] = []
    for item in (value if isinstance(value, list) else [value])[:20]:
        if isinstance(item, dict):
            item = _resolve(item, by_id)
        if isinstance(item, str):
            raw.append(item)
        elif isinstance(item, dict) and (not _types(item) or _types(item) & {"Person", "person"}):
            name = item.get("name")
            if isinstance(name, list):
                name = "; ".join(n for n in name if isinstance(n, str))
            elif isinstance(name, dict):
                name = name.get("name")
            if not name and isinstance(item.get("givenName"), str) and isinstance(item.get("familyName"), str):
                name = f"{item['givenName']} {item['familyName']}"
            if isinstance(name, str):
                raw.append(name)
    return [r for r in raw if not _URLISH.match(r.strip())]


def _meta_authors(metas: dict[str, list[str]]) -> list[str]:
    for key in _AUTHOR_KEYS:
        # a one-word meta author is a user name ("jdoe", "KWCHCIK") more often than a name
        values = [v for v in metas.get(key, ()) if not _URLISH.match(v) and (" " in v.strip() or v.istitle())]
        if values:
            return values
    return []


def _byline_authors(tree: HtmlElement, outlet: str) -> list[str]:
    """Names in the page's byline: rel/itemprop author elements and author/byline classes, specific ones first."""
    specific, generic = [], []
    for count, element in enumerate(_BYLINE_XPATH(tree)):
        if count >= 40:
            break
        if not isinstance(element.tag, str) or element.tag in _NOT_BYLINE_TAGS:
            continue
        label = f"{element.get('class') or ''} {element.get('id') or ''}"
        if not (_AUTHOR_LABEL.search(label) or element.get("rel") == "author" or element.get("itemprop")):
            continue  # "skyline"
        if _NOT_BYLINE.search(label) or any(_is_discarded(a) for a in element.iterancestors()
                                                 if a.tag not in ("body", "html")):
            continue
        strong = element.get("rel") == "author" or "author" in (element.get("itemprop") or "").split() \
            or any(_BYLINE_CLASS.fullmatch(word) for word in label.split())
        (specific if strong else generic).append(element)
    for element in specific + generic:
        names = _names([_byline_text(element)], outlet, strict=True)
        if names:
            return names
    return []


def _is_discarded(element: HtmlElement) -> bool:
    if element.tag in ("figure", "footer", "aside", "nav", "time", "blockquote", "head", "form"):
        return True
    return bool(_DISCARDED_SCOPE.search(f"{element.get('class') or ''} {element.get('id') or ''}"))


def _byline_text(element: HtmlElement) -> str:
    for named in element.xpath('.//*[@itemprop="name"]'):
        text = named.get("content") or named.text_content()
        if text and text.strip():
            return text
    if element.tag in ("meta", "link"):
        return element.get("content") or ""
    parts = element.xpath(".//text()[not(ancestor::script or ancestor::style or ancestor::time or ancestor::button)]")
    text = " ".join(str(p) for p in parts)
    return text if len(text) <= 300 else ""


def _names(values: list[str], outlet: str, *, strict: bool = False) -> list[str]:
    """Person names out of raw author strings ("By JANE DOE and John Roe, AP Staff Writer"). Strict: refuse a
    string with common (lower-case) words, as a byline element's text can be any phrase."""
    names: list[str] = []
    outlet_key = _name_key(outlet)
    for value in values[:20]:
        value = _plain(value).replace("_", " ")
        value = _AUTHOR_EMAIL.sub(" ", value)
        value = _BYLINE_LABEL.sub("", value)
        value = _BYLINE_PREFIX.sub("", value)
        value = _DATE_TAIL.sub("", value)
        parts = [_without_agency(p) for p in _AUTHOR_SPLIT.split(value) if p and p.strip()]
        if strict and any(_has_common_word(p) for p in parts):
            continue  # a phrase, not a list of names: "The Russian and Syrian defense ministries"
        for index, part in enumerate(parts):
            name = _person_name(part, first=index == 0)
            if not name:
                continue
            key = _name_key(name)
            if outlet_key and (key == outlet_key or (index > 0 and (key in outlet_key or outlet_key in key))):
                continue  # the publisher, or its name after the author's ("Jane Doe, Business Insider")
            if all(_name_key(n) != key for n in names):
                names.append(name)
    return names[:10]


def _person_name(part: str, *, first: bool) -> str:
    part = _AUTHOR_HANDLE.sub(" ", part)
    part = _AUTHOR_PREPOSITION.sub("", part)
    words = part.strip(" .,:;-–—()[]'\"“”‘’*").split()
    before_role = _before_job_title(words)
    if before_role is not None:
        if len(before_role) < 2:
            return ""
        words = before_role
    months = [i for i, w in enumerate(words) if w.rstrip(".,").lower() in _MONTHS]
    if months and months[-1] == len(words) - 1 and len(words) >= 3:
        words.pop()  # "Carrie Arnold November" (the day was cut off with the digits)
    name = " ".join(words).strip(" .,:;-–—")
    if not name or len(name) > 60 or len(words) > 6 or not any(c.isalpha() for c in name):
        return ""
    if _USER_NAME.match(name) or _DOMAIN.search(name):
        return ""
    if not first:  # a later comma part is a name only if it looks like one: "Jane Doe, Associated Press"
        if not 2 <= len(words) <= 5 or any(w.lower() in _ORGANISATION_WORDS for w in words):
            return ""
        if not all(w[0].isupper() or w in _NAME_PARTICLES for w in words):
            return ""
    if name.isupper() and len(words) >= 2 or name[0].islower():
        name = name.title()  # "TOM KRISHER" -> "Tom Krisher"
    return name


def _without_agency(part: str) -> str:
    shorter = _AGENCY_TAIL.sub("", part)
    return shorter if len(shorter.split()) >= 2 else part


def _before_job_title(words: list[str]) -> list[str] | None:
    """The words before a job title ("Staff writer", "AP Auto Writer", "News reporter", "is a reporter"), or None
    where there is none."""
    role = next((i for i, w in enumerate(words) if w.lower().split("-")[0].rstrip("s") in _ROLE_WORDS), None)
    if role is None:
        return None
    words = words[:role]
    while words and (words[-1].islower() or words[-1].lower() in _ROLE_QUALIFIERS
                     or (words[-1].isupper() and len(words[-1]) <= 4)):
        words.pop()
    return words


def _has_common_word(part: str) -> bool:
    """Whether a part of a byline reads as a phrase ("The Russian and Syrian defense ministries")."""
    words = _AUTHOR_PREPOSITION.sub("", part).split()
    before_role = _before_job_title(words)
    words = words if before_role is None else before_role
    # lower-case words beside capitalised ones; a name all in lower case is a user name ("jane_doe")
    return any(w.isalpha() and w.islower() and w not in _NAME_PARTICLES for w in words) \
        and any(w[0].isupper() for w in words)


def _name_key(name: str) -> str:
    return "".join(c for c in name.casefold() if c.isalnum())


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


def _last(metas: dict[str, list[str]], key: str) -> str:
    """The last of a repeated tag: where a page has two og:title, the later one (an SEO plugin's) is the one that
    matches the page's <title>."""
    values = metas.get(key)
    return values[-1] if values else ""
