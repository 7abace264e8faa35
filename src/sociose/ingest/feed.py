"""Parse a fetched feed (RSS 0.9x/1.0/2.0, Atom, JSON Feed 1.x) into ArticleDrafts, one per entry."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser

from sociose.articles.draft import ArticleDraft, IngestError
from sociose.core.text import html_to_text
from sociose.ingest import jsonfeed

# feedparser resolves relative links and sanitises HTML itself; entry HTML is then reduced to plain text, so no
# markup from outside ever reaches the database.


@dataclass
class ParsedFeed:
    title: str = ""
    home_page: str = ""
    entries: list[ArticleDraft] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # entries skipped, with the reason


# Warnings feedparser raises for feeds it reads fine: a charset that differs from the declared one, an HTTP
# Content-Type that is not XML. The feed is usable; they are not damage worth reporting.
_HARMLESS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


def parse_feed(content: bytes, url: str, content_type: str = "application/xml") -> ParsedFeed:
    """Parse feed bytes; raises IngestError when they are not a feed at all."""
    if not content.strip():
        raise IngestError("empty feed body")
    if content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return _from_json_feed(content, url)
    try:
        parsed = feedparser.parse(content, response_headers={"content-location": url,
                                                              "content-type": content_type or "application/xml"})
    except Exception as error:  # feedparser is lenient, but its SAX and encoding layers can still raise
        raise IngestError(f"unreadable feed: {error.__class__.__name__}: {error}") from None
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception") or "no RSS, Atom or JSON Feed document found"
        raise IngestError(f"not a feed: {reason}")
    feed = ParsedFeed(title=parsed.feed.get("title", ""), home_page=parsed.feed.get("link", ""))
    for number, entry in enumerate(parsed.entries, start=1):
        link = entry.get("link") or (entry.get("id") if str(entry.get("id", "")).startswith("http") else "")
        if not link:
            feed.problems.append(f"entry {number} has no link")
            continue
        content_html = max((c.get("value", "") for c in entry.get("content", [])), key=len, default="")
        feed.entries.append(ArticleDraft(
            url=urljoin(url, link),
            title=html_to_text(entry.get("title", "")),
            text=html_to_text(content_html),
            description=html_to_text(entry.get("summary", "")),
            authors=[a["name"] for a in entry.get("authors", []) if a.get("name")],
            published_at=_entry_time(entry),
            language=entry.get("language", "") or parsed.feed.get("language", ""),
            image_url=_entry_image(entry),
        ))
    if parsed.get("bozo") and not isinstance(parsed.get("bozo_exception"), _HARMLESS):
        problem = f"malformed feed: {parsed.get('bozo_exception')}"
        if not feed.entries:
            raise IngestError(problem)
        feed.problems.append(problem)  # feedparser recovered some entries; keep them, note the damage
    return feed


def _entry_time(entry) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    return None


def _entry_image(entry) -> str:
    for media in entry.get("media_content", []) + entry.get("media_thumbnail", []):
        if media.get("url") and media.get("medium", "image") == "image":
            return media["url"]
    for link in entry.get("links", []):
        if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image/"):
            return link.get("href", "")
    return ""


def _from_json_feed(content: bytes, url: str) -> ParsedFeed:
    document = jsonfeed.load(content)
    feed = ParsedFeed(title=document.get("title", ""), home_page=document.get("home_page_url", ""))
    for number, item in enumerate(document["items"], start=1):
        try:
            feed.entries.append(jsonfeed.item_to_draft(item, url, document))
        except IngestError as error:
            feed.problems.append(f"item {number}: {error}")
    return feed
