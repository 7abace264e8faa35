"""Read archived HTML pages from WARC files (.warc, .warc.gz) as drafts still to be extracted."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from sociose.articles.draft import ArticleDraft, IngestError

MAX_RECORD_BYTES = 10 * 1024 * 1024
HTML_TYPES = ("text/html", "application/xhtml+xml")

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
# Browsers decode these labels as windows-1252 (WHATWG Encoding), and pages rely on it for curly quotes.
_AS_WINDOWS_1252 = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii"}


def read_warc(path: Path) -> Iterator[ArticleDraft | IngestError]:
    """Yield a draft with the page HTML for each 2xx HTML response; a damaged archive ends with an IngestError."""
    path = Path(path)
    try:
        stream = open(path, "rb")
    except OSError as exc:
        raise IngestError(f"{path}: cannot open: {exc.strerror or exc}") from exc
    with stream:
        archive = ArchiveIterator(stream)
        end = 0  # where the last complete record ends
        while True:
            try:
                record = next(archive)
                body = record.content_stream().read(MAX_RECORD_BYTES + 1) if _is_html_response(record) else None
                complete = _read_rest(record)
                end = archive.get_record_offset() + archive.get_record_length()
            except StopIteration:
                break
            except Exception as exc:  # noqa: BLE001 - warcio raises ArchiveLoadFailed, zlib.error, EOFError, ...
                yield IngestError(f"{path}: damaged archive after byte {end}, rest skipped: {exc!r}")
                return
            if not complete:
                yield IngestError(f"{path}: archive truncated inside a record after byte {end}, rest skipped")
                return
            if body is None:
                continue
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            if len(body) > MAX_RECORD_BYTES:
                yield IngestError(f"{path}: record for {url} is larger than {MAX_RECORD_BYTES} bytes, skipped")
            elif not url:
                yield IngestError(f"{path}: response record without WARC-Target-URI before byte {end}")
            else:
                yield ArticleDraft(url=url, html=decode_html(body, record.http_headers.get_header("Content-Type")))
        # warcio ends quietly when a file stops inside a record's headers; anything after the last record says so.
        stream.seek(end)
        if stream.read(4096).strip():
            yield IngestError(f"{path}: archive truncated or damaged after byte {end}, rest skipped")


def _read_rest(record) -> bool:
    """Read the rest of a record; False when the file ended inside it."""
    while record.raw_stream.read(64 * 1024):
        pass
    # warcio wraps a record in a LimitReader counting down its Content-Length, and quietly treats a missing or
    # cut-off length as 0; every WARC record must declare one, so both mean the record was cut short.
    declared = record.rec_headers.get_header("Content-Length") or ""
    return declared.isascii() and declared.isdigit() and getattr(record.raw_stream, "limit", None) == 0


def _is_html_response(record) -> bool:
    if record.rec_type != "response" or record.http_headers is None:
        return False
    status = record.http_headers.get_statuscode() or ""
    content_type = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    return status.startswith("2") and content_type in HTML_TYPES


def decode_html(body: bytes, content_type: str | None) -> str:
    """Decode with the HTTP charset, else the page's <meta charset>, else UTF-8 with replacement characters."""
    header_charset = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", content_type or "", re.IGNORECASE)
    meta_charset = _META_CHARSET.search(body[:4096])
    for label in (header_charset and header_charset.group(1), meta_charset and meta_charset.group(1).decode()):
        if label:
            label = label.strip().lower()
            try:  # LookupError: unknown labels and codecs that are not text encodings ("rot13", "zlib")
                return body.decode("cp1252" if label in _AS_WINDOWS_1252 else label, errors="replace")
            except LookupError:
                continue
    return body.decode("utf-8", errors="replace")
