"""Read news-please output: one JSON object per file, a JSON list of them, or JSON Lines (optionally gzipped)."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sociose.articles.draft import ArticleDraft, IngestError

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")


def read_newsplease(path: Path) -> Iterator[ArticleDraft | IngestError]:
    """Yield a draft per record, or an IngestError naming the file and line for a record that cannot be used."""
    path = Path(path)
    if path.name.lower().endswith(JSONL_SUFFIXES):
        yield from _read_lines(path)
    else:
        yield from _read_document(path)


def _read_document(path: Path) -> Iterator[ArticleDraft | IngestError]:
    try:
        raw = gzip.decompress(path.read_bytes()) if path.name.lower().endswith(".gz") else path.read_bytes()
    except (OSError, EOFError, zlib.error) as exc:
        raise IngestError(f"{path}: cannot open: {exc}") from exc
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise IngestError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # several objects one after another: JSON Lines under a .json name
            yield from _read_lines(path)
            return
        raise IngestError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from exc
    except RecursionError as exc:
        raise IngestError(f"{path}: JSON nested too deeply") from exc
    if isinstance(data, list):
        for number, record in enumerate(data, start=1):
            yield _to_draft(record, f"{path}: item {number}")
    else:
        yield _to_draft(data, f"{path}:1")


def _read_lines(path: Path) -> Iterator[ArticleDraft | IngestError]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        stream = opener(path, "rb")
    except OSError as exc:
        raise IngestError(f"{path}: cannot open: {exc.strerror or exc}") from exc
    lineno = 0
    with stream:
        while True:
            try:
                line = stream.readline()
            except (OSError, EOFError, zlib.error) as exc:  # a corrupt or truncated gzip stream
                if lineno == 0:
                    raise IngestError(f"{path}: cannot decompress: {exc}") from exc
                yield IngestError(f"{path}:{lineno + 1}: cannot decompress the rest of the file: {exc}")
                return
            if not line:
                return
            lineno += 1
            if line.strip():
                yield _parse_line(line, f"{path}:{lineno}")


def _parse_line(line: bytes, where: str) -> ArticleDraft | IngestError:
    try:
        record = json.loads(line.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return IngestError(f"{where}: not UTF-8 ({exc.reason} at byte {exc.start})")
    except json.JSONDecodeError as exc:
        return IngestError(f"{where}: invalid JSON: {exc.msg} (column {exc.colno})")
    except RecursionError:
        return IngestError(f"{where}: JSON nested too deeply")
    return _to_draft(record, where)


def _to_draft(record: Any, where: str) -> ArticleDraft | IngestError:
    """Map one news-please record; wrong types make the record unusable, unreadable dates only drop the date."""
    if not isinstance(record, dict):
        return IngestError(f"{where}: expected a JSON object, got {type(record).__name__}")
    try:
        url = _text(record, "url")
        if not url.startswith(("http://", "https://")):
            return IngestError(f"{where}: missing or non-http(s) url")
        return ArticleDraft(
            url=url,
            title=_text(record, "title") or _text(record, "title_page") or _text(record, "title_rss"),
            text=_text(record, "text") or _text(record, "maintext"),  # maintext: news-please's newer name
            authors=_authors(record),
            published_at=_date(_text(record, "date_publish")),
            language=_text(record, "language"),
            description=_text(record, "description"),
            image_url=_text(record, "image_url"),
            # the publisher's name when the record gives one ("Wikinews"), else its domain
            outlet_name=_text(record, "publisher") or _text(record, "source_domain"),
            license=_text(record, "license"),
        )
    except TypeError as exc:
        return IngestError(f"{where}: {exc}")


def _text(record: dict, key: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"{key} should be a string, got {type(value).__name__}")
    value = _clean(value).strip()
    return "" if value == "None" else value  # some news-please versions wrote Python's None as a string


def _authors(record: dict) -> list[str]:
    value = record.get("authors")
    if value is None or value == "None":
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise TypeError("authors should be a list of strings")
    return [name for name in (_clean(name).strip() for name in value) if name]


def _clean(value: str) -> str:
    # NUL is refused by PostgreSQL and lone surrogates by every encoder; JSON \u escapes can produce both.
    return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def _date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)  # "2017-09-15T00:00:00", "2017-09-15 00:00:00", offsets, "Z"
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: an offset that moves year 1 or 9999 out of range
        return None
