"""Which import format a file is, and which files a list of files and folders holds."""

from __future__ import annotations

import gzip
import json
import os
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from sociose.articles.draft import IngestError

KINDS = ("newsplease", "jsonl", "warc", "opml")
_BY_SUFFIX = {
    ".jsonl": "jsonl",
    ".jsonl.gz": "jsonl",
    ".ndjson": "jsonl",
    ".ndjson.gz": "jsonl",
    ".warc": "warc",
    ".warc.gz": "warc",
    ".opml": "opml",
}
_SNIFFED_SUFFIXES = {".json", ".xml", ".gz", ""}  # names that do not tell the format: look at the bytes
_SNIFF_BYTES = 64 * 1024


def detect_kind(path: Path) -> str:
    """Return "newsplease", "jsonl", "warc" or "opml"; raise IngestError for anything else."""
    path = Path(path)
    name = path.name.lower()
    for suffix, kind in _BY_SUFFIX.items():
        if name.endswith(suffix):
            return kind
    if path.suffix.lower() in _SNIFFED_SUFFIXES:
        kind = _sniff(path)
        if kind:
            return kind
    raise IngestError(f"{path}: not a news-please JSON, JSON Lines, WARC or OPML file")


def _sniff(path: Path) -> str | None:
    try:
        with open(path, "rb") as stream:
            head = stream.read(_SNIFF_BYTES)
        if head.startswith(b"\x1f\x8b"):
            with gzip.open(path, "rb") as stream:
                head = stream.read(_SNIFF_BYTES)
    except (OSError, EOFError, zlib.error):
        return None
    if head.startswith(b"WARC/"):
        return "warc"
    if b"<opml" in head[:4096]:
        return "opml"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] == b"[":
        return "newsplease"
    if text[:1] == b"{":
        # A first line that is a whole JSON object is JSON Lines; news-please pretty-prints its single objects.
        try:
            return "jsonl" if isinstance(json.loads(text.split(b"\n", 1)[0]), dict) else "newsplease"
        except (ValueError, RecursionError):
            return "newsplease"
    return None


def iter_import_paths(paths: Iterable[Path | str]) -> Iterator[Path]:
    """Yield the files to import: named files as given, folders expanded recursively in sorted order.

    Inside folders, hidden files and folders and files of no known kind are skipped; a named file is always
    yielded, so that asking for an unusable file is reported rather than silently ignored.
    """
    for path in map(Path, paths):
        if path.is_dir():
            yield from _walk(path)
        elif path.exists():
            yield path
        else:
            raise IngestError(f"{path}: no such file or folder")


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(root) / name
            try:
                detect_kind(path)
            except IngestError:
                continue
            yield path
