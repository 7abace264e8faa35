"""Bundled demo data: an openly licensed Wikinews corpus and a default list of public news feeds.

* ``CORPUS_PATH`` -- ``wikinews.jsonl.gz``: gzip-compressed JSON Lines, one English Wikinews article
  per line in news-please field names (``url``, ``title``, ``text``, ``description``,
  ``date_publish``, ``authors``, ``language``, ``source_domain``, ``image_url``) plus ``license``.
  Regenerate with ``tools/build_demo_corpus.py``.
* ``DEFAULT_FEEDS_PATH`` -- ``default-feeds.opml``: OPML 2.0 list of public news RSS/Atom feeds,
  grouped by region.
* ``ATTRIBUTION_PATH`` -- ``ATTRIBUTION.md``: authors, licences and changes for the corpus.
"""

from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent
CORPUS_PATH = DEMO_DIR / "wikinews.jsonl.gz"
DEFAULT_FEEDS_PATH = DEMO_DIR / "default-feeds.opml"
ATTRIBUTION_PATH = DEMO_DIR / "ATTRIBUTION.md"

__all__ = ["ATTRIBUTION_PATH", "CORPUS_PATH", "DEFAULT_FEEDS_PATH", "DEMO_DIR", "iter_corpus"]


def iter_corpus(path: Path | None = None):
    """Yield the demo articles as dicts (streaming; the file is small either way)."""
    import gzip
    import json

    with gzip.open(path or CORPUS_PATH, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)
