"""The orchestrators: one per input kind, each readable top to bottom.

    refresh_feed(feed)   fetch feed -> parse entries -> per new entry: queue its page fetch (or store it)
    ingest_page(url)     fetch page -> extract -> store -> hand over to the story engine
    import_path(path)    read file(s) -> parse records -> (extract HTML) -> store -> hand over

Every failure is recorded against its feed, URL or file in the fetch log, and the rest of the batch carries on.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from sociose.articles.actions import StoreResult, do_store_article, find_existing
from sociose.articles.draft import ArticleDraft, IngestError
from sociose.ingest.feed import parse_feed
from sociose.ingest.files import detect_kind, iter_import_paths
from sociose.ingest.newsplease import read_newsplease
from sociose.ingest.opml import read_opml
from sociose.ingest.page import extract_page
from sociose.ingest.warc import read_warc
from sociose.sources import actions as sources
from sociose.sources.fetch import FetchError, fetch
from sociose.sources.models import Feed, FetchLog

FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.5"
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"


@dataclass
class Report:
    """What one run of an orchestrator did, for the command line and the fetch log."""

    stored: int = 0
    duplicates: int = 0
    queued: int = 0
    feeds_added: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: Report) -> None:
        self.stored += other.stored
        self.duplicates += other.duplicates
        self.queued += other.queued
        self.feeds_added += other.feeds_added
        self.errors += other.errors

    def print(self, command, verbosity: int = 1, limit: int = 20) -> None:
        """Write the report through a management command: errors to stderr, one summary line to stdout."""
        shown = self.errors if verbosity > 1 else self.errors[:limit]
        for error in shown:
            command.stderr.write(f"error: {error}")
        if len(shown) < len(self.errors):
            command.stderr.write(f"... {len(self.errors) - len(shown)} more errors (fetch log in the admin, or -v 2)")
        parts = [f"{self.stored} stored", f"{self.duplicates} already stored", f"{self.queued} queued",
                 f"{self.feeds_added} feeds added", f"{len(self.errors)} errors"]
        command.stdout.write(", ".join(parts))


def _millis(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def store_and_hand_over(draft: ArticleDraft, *, via: str, feed: Feed | None = None) -> StoreResult:
    """Store a draft and, when it is new, queue the story engine's work on it once the row is committed."""
    from sociose.stories.tasks import process_article  # the hand-over to the story engine

    with transaction.atomic():
        result = do_store_article(draft, via=via, feed=feed)
        if result.created:
            article_id = result.article.id
            transaction.on_commit(lambda: process_article.enqueue(article_id))
    return result


# --- feeds ------------------------------------------------------------------------------------------------------

def refresh_feed(feed: Feed) -> Report:
    """Poll one feed with a conditional GET and queue the pages of its new entries."""
    from sociose.ingest.tasks import fetch_article

    report, started = Report(), time.monotonic()
    try:
        response = fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified, accept=FEED_ACCEPT)
        if response.not_modified:
            sources.schedule_after_success(feed)
            sources.record_fetch(kind=FetchLog.Kind.FEED, url=feed.url, feed=feed, ok=True, status_code=304,
                                 duration_ms=_millis(started))
            return report
        parsed = parse_feed(response.content, response.url, response.headers.get("content-type", ""))
    except (FetchError, IngestError) as error:
        sources.schedule_after_error(feed, str(error))
        sources.record_fetch(kind=FetchLog.Kind.FEED, url=feed.url, feed=feed, ok=False, error=str(error),
                             status_code=getattr(error, "status_code", None), duration_ms=_millis(started))
        report.errors.append(f"{feed.url}: {error}")
        return report

    for entry in parsed.entries:
        try:
            known = find_existing(entry)
        except IngestError as error:  # a link that is no http(s) URL: note it, go on with the other entries
            parsed.problems.append(str(error))
            continue
        if known:
            report.duplicates += 1
        else:
            fetch_article.enqueue(entry.url, feed_id=feed.id, hint=entry.to_json())
            report.queued += 1
    report.errors += [f"{feed.url}: {problem}" for problem in parsed.problems]
    sources.schedule_after_success(feed, etag=response.headers.get("etag", ""),
                                   last_modified=response.headers.get("last-modified", ""), title=parsed.title)
    sources.record_fetch(kind=FetchLog.Kind.FEED, url=feed.url, feed=feed, ok=True, status_code=response.status_code,
                         bytes_received=len(response.content), items_stored=report.queued,
                         error="; ".join(parsed.problems), duration_ms=_millis(started))
    return report


# --- pages ------------------------------------------------------------------------------------------------------

def ingest_page(url: str, *, feed: Feed | None = None, hint: ArticleDraft | None = None) -> Report:
    """Fetch one article page, extract it and store it; a feed entry's own data fills what the page lacks."""
    report, started = Report(), time.monotonic()
    draft = hint or ArticleDraft(url=url)
    try:
        known = find_existing(draft)
    except IngestError as error:
        report.errors.append(f"{url}: {error}")
        sources.record_fetch(kind=FetchLog.Kind.PAGE, url=url, feed=feed, ok=False, error=str(error))
        return report
    if known:
        report.duplicates += 1
        return report
    status, size = None, 0
    try:
        response = fetch(url, accept=PAGE_ACCEPT)
        status, size = response.status_code, len(response.content)
        page = extract_page(response.content, response.url, charset=response.charset)
        draft = merge_drafts(page, hint)
    except (FetchError, IngestError) as error:
        report.errors.append(f"{url}: {error}")
        sources.record_fetch(kind=FetchLog.Kind.PAGE, url=url, feed=feed, ok=False, error=str(error),
                             status_code=getattr(error, "status_code", status), bytes_received=size,
                             duration_ms=_millis(started))
        if not (hint and hint.title):
            return report
        draft = hint  # keep what the feed said about the article rather than lose it

    fetched_ok = not report.errors
    _store(draft, via="feed" if feed else "page", feed=feed, report=report)
    if fetched_ok:  # a failed fetch is logged above; this logs a good fetch and whether its article was stored
        sources.record_fetch(kind=FetchLog.Kind.PAGE, url=url, feed=feed, ok=not report.errors, status_code=status,
                             error="; ".join(report.errors), bytes_received=size, items_stored=report.stored,
                             duration_ms=_millis(started))
    return report


def merge_drafts(page: ArticleDraft, hint: ArticleDraft | None) -> ArticleDraft:
    """The page's extraction, with gaps filled from the feed entry that pointed to it."""
    if hint is None:
        return page
    for name in ("title", "description", "language", "image_url"):
        if not getattr(page, name):
            setattr(page, name, getattr(hint, name))
    page.authors = page.authors or hint.authors
    page.published_at = page.published_at or hint.published_at
    if len(hint.text) > len(page.text) * 2:  # a full-content feed beats a page that would not extract
        page.text = hint.text
    return page


def _store(draft: ArticleDraft, *, via: str, feed: Feed | None, report: Report) -> None:
    try:
        result = store_and_hand_over(draft, via=via, feed=feed)
    except IngestError as error:
        report.errors.append(f"{draft.url}: {error}")
        return
    if result.created:
        report.stored += 1
    else:
        report.duplicates += 1


# --- files ------------------------------------------------------------------------------------------------------

def import_path(path: Path) -> Report:
    """Import every file under a path: news-please JSON, JSON Lines, WARC (pages extracted) and OPML (feeds)."""
    report = Report()
    for file in iter_import_paths([path]):
        started, file_report = time.monotonic(), Report()
        try:
            kind = detect_kind(file)
            if kind == "opml":
                import_opml(file, file_report)
            else:
                records = read_warc(file) if kind == "warc" else read_newsplease(file)
                for record in records:
                    _import_record(record, file, file_report)
        except (IngestError, OSError) as error:
            file_report.errors.append(f"{file}: {error}")
        sources.record_fetch(kind=FetchLog.Kind.FILE, url=str(file), ok=not file_report.errors,
                             error="\n".join(file_report.errors[:50]), items_stored=file_report.stored,
                             duration_ms=_millis(started))
        report.add(file_report)
    return report


def _import_record(record: ArticleDraft | IngestError, file: Path, report: Report) -> None:
    if isinstance(record, IngestError):  # the parsers' errors already name the file and line
        report.errors.append(str(record))
        return
    if record.html:
        try:
            page = extract_page(record.html, record.url)
        except IngestError as error:
            report.errors.append(f"{file}: {record.url}: {error}")
            return
        record = merge_drafts(page, record)
    _store(record, via="file", feed=None, report=report)


def import_opml(file: Path, report: Report) -> None:
    """Subscribe to every feed an OPML file lists."""
    for entry in read_opml(file):
        try:
            _, created = sources.do_add_feed(entry.xml_url, title=entry.title, home_page=entry.html_url)
        except ValueError as error:
            report.errors.append(f"{file}: {error}")
            continue
        report.feeds_added += created
