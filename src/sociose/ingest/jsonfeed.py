"""JSON Feed 1.0/1.1 (https://www.jsonfeed.org/version/1.1/). feedparser 6.0 does not read it, and the format
is small enough that a strict reader is shorter than an adapter."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import urljoin

from sociose.articles.draft import ArticleDraft, IngestError
from sociose.core.text import html_to_text


def load(content: bytes) -> dict:
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise IngestError(f"not a JSON feed: {error}") from None
    if not isinstance(document, dict) or not str(document.get("version", "")).startswith("https://jsonfeed.org/"):
        raise IngestError("not a JSON feed: no jsonfeed.org version")
    if not isinstance(document.get("items"), list):
        raise IngestError("JSON feed has no items list")
    for key in ("title", "home_page_url", "language"):
        if not isinstance(document.get(key, ""), str):
            document[key] = ""
    return document


def _text(item: dict, key: str) -> str:
    value = item.get(key, "")
    return value if isinstance(value, str) else ""


def _time(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _authors(item: dict, document: dict) -> list[str]:
    authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else None)
    authors = authors or document.get("authors") or []
    if not isinstance(authors, list):
        return []
    return [a["name"] for a in authors if isinstance(a, dict) and isinstance(a.get("name"), str) and a["name"]]


def item_to_draft(item, feed_url: str, document: dict) -> ArticleDraft:
    if not isinstance(item, dict):
        raise IngestError("item is not an object")
    link = _text(item, "url") or _text(item, "external_url")
    if not link:
        raise IngestError("item has no url")
    return ArticleDraft(
        url=urljoin(feed_url, link),
        title=html_to_text(_text(item, "title")),
        text=_text(item, "content_text") or html_to_text(_text(item, "content_html")),
        description=html_to_text(_text(item, "summary")),
        authors=_authors(item, document),
        published_at=_time(item.get("date_published")) or _time(item.get("date_modified")),
        language=_text(item, "language") or document.get("language", ""),
        image_url=_text(item, "image") or _text(item, "banner_image"),
    )
