"""Page pipeline benchmark: the 181 pages of article-extraction-benchmark through the full page pipeline, against
bare `trafilatura.extract` on the same pages. Prints pages per second, peak memory and 4-gram shingle P/R/F1.

- page pipeline (HTTP): fetched from a local server in another process -> robots -> extract -> store in SQLite
  (dedupe, reprint bands) -> hand-over task queued -> fetch log
- file pipeline (WARC): the same pages in a WARC archive -> read -> extract -> store -> hand-over

    python -m bench.ingest_pages            # every mode, alternating, in fresh processes; prints the table
    python -m bench.ingest_pages --mode bare|pipeline|warc   # one measurement, one JSON line
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import SHARED_DATA, free_port, peak_rss_mb, run_isolated, scratch_home, wait_for_port

PAGES = SHARED_DATA / "article-extraction-benchmark"


def load_pages() -> tuple[dict[str, bytes], dict[str, str]]:
    truth = json.loads((PAGES / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {key: gzip.decompress((PAGES / "html" / f"{key}.html.gz").read_bytes()) for key in sorted(truth)}
    return pages, {key: value["articleBody"] for key, value in truth.items()}


def quality(texts: dict[str, str], truth: dict[str, str]) -> dict:
    from sociose.core.textmetrics import shingle_prf

    scores = [shingle_prf(texts.get(key, ""), truth[key]) for key in truth]
    return {name: round(statistics.mean(s[i] for s in scores), 4) for i, name in enumerate(("p", "r", "f1"))}


def measure_bare(pages, truth) -> dict:
    import trafilatura

    started = time.perf_counter()
    texts = {key: trafilatura.extract(html) or "" for key, html in pages.items()}
    seconds = time.perf_counter() - started
    return {"pages": len(pages), "seconds": seconds, **quality(texts, truth)}


def setup_django() -> str:
    home = scratch_home("sociose-bench-")
    os.environ.update(SOCIOSE_HOME=home, SOCIOSE_FETCH_ALLOW_HOSTS="127.0.0.1", SOCIOSE_FETCH_HOST_INTERVAL="0",
                      DJANGO_SETTINGS_MODULE="sociose.settings", SOCIOSE_LOG_LEVEL="ERROR")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return home


def stored_texts() -> dict[str, str]:
    from sociose.articles.models import Article

    return {a.url.rsplit("/", 1)[-1].removesuffix(".html"): a.text for a in Article.objects.all()}


def measure_warc(pages, truth) -> dict:
    """The file path: the pages in a WARC archive through `import_path` (read -> extract -> store)."""
    home = setup_django()
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from sociose.ingest.pipelines import import_path

    archive = Path(home) / "pages.warc.gz"
    with open(archive, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for key, html in pages.items():
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://pages.example/{key}.html", "response",
                                                          payload=io.BytesIO(html), http_headers=headers))
    started = time.perf_counter()
    import_path(archive)
    seconds = time.perf_counter() - started
    stored = stored_texts()
    return {"pages": len(pages), "stored": len(stored), "seconds": seconds, **quality(stored, truth)}


def measure_pipeline(pages, truth) -> dict:
    """The page path: each page fetched over HTTP from a local server, then extracted and stored."""
    home = setup_django()
    from sociose.ingest.pipelines import ingest_page

    # The pages are served by a separate process, as a publisher's server would be: the pipeline's one core is
    # not shared with the server.
    site = Path(home) / "site"
    site.mkdir()
    for key, html in pages.items():
        (site / f"{key}.html").write_bytes(html)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                               "--directory", str(site)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        started = time.perf_counter()
        for key in pages:
            ingest_page(f"http://127.0.0.1:{port}/{key}.html")
        seconds = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait()
    stored = stored_texts()
    return {"pages": len(pages), "stored": len(stored), "seconds": seconds, **quality(stored, truth)}


def one(mode: str) -> None:
    sys.setrecursionlimit(10_000)
    pages, truth = load_pages()
    result = {"bare": measure_bare, "pipeline": measure_pipeline, "warc": measure_warc}[mode](pages, truth)
    result["rate"] = result["pages"] / result["seconds"]
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))


def main(rounds: int = 2) -> None:
    if not PAGES.exists():
        print(f"skipped: {PAGES} not found")
        return
    results = {"bare": [], "pipeline": [], "warc": []}
    for _ in range(rounds):  # alternate, so both modes see the same machine load
        for mode in results:
            results[mode].append(run_isolated("bench.ingest_pages", "--mode", mode))
    best = {mode: max(runs, key=lambda r: r["rate"]) for mode, runs in results.items()}
    print("Page pipeline vs bare trafilatura.extract on article-extraction-benchmark "
          f"({best['bare']['pages']} pages, one core, best of {rounds} alternating runs)")
    print(f"{'':26}{'pages/s':>9}{'peak MB':>9}{'P':>8}{'R':>8}{'F1':>8}")
    for mode, label in (("bare", "bare trafilatura.extract"), ("pipeline", "page pipeline (HTTP)"),
                        ("warc", "file pipeline (WARC)")):
        r = best[mode]
        print(f"{label:26}{r['rate']:9.1f}{r['peak_rss_mb']:9.0f}{r['p']:8.3f}{r['r']:8.3f}{r['f1']:8.3f}")
    for mode in ("pipeline", "warc"):
        ratio = best[mode]["rate"] / best["bare"]["rate"]
        print(f"{mode} rate / bare rate = {ratio:.2f} (target >= 0.80); stored {best[mode]['stored']} "
              f"of {best[mode]['pages']} pages")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["bare", "pipeline", "warc"])
    args = parser.parse_args()
    one(args.mode) if args.mode else main()
