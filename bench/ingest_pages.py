"""Page pipeline benchmark: the 181 pages of article-extraction-benchmark through the full page pipeline (HTTP fetch
from a local server -> robots -> extract -> store in SQLite -> hand-over task queued), against bare
`trafilatura.extract` on the same pages. Prints pages per second, peak memory and 4-gram shingle P/R/F1.

    python -m bench.ingest_pages            # both modes, alternating, in fresh processes; prints the table
    python -m bench.ingest_pages --mode bare|pipeline   # one measurement, one JSON line (used by the above)
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from bench.common import SHARED_DATA, peak_rss_mb, run_isolated

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


def measure_pipeline(pages, truth) -> dict:
    home = tempfile.mkdtemp(prefix="sociose-bench-")
    os.environ.update(SOCIOSE_HOME=home, SOCIOSE_FETCH_ALLOW_HOSTS="127.0.0.1", SOCIOSE_FETCH_HOST_INTERVAL="0",
                      DJANGO_SETTINGS_MODULE="sociose.settings", SOCIOSE_LOG_LEVEL="ERROR")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    from sociose.articles.models import Article
    from sociose.ingest.pipelines import ingest_page

    call_command("migrate", verbosity=0)
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
    stored = {a.url.rsplit("/", 1)[-1].removesuffix(".html"): a.text for a in Article.objects.all()}
    return {"pages": len(pages), "stored": len(stored), "seconds": seconds, **quality(stored, truth)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"the page server on port {port} did not start")


def one(mode: str) -> None:
    sys.setrecursionlimit(10_000)
    pages, truth = load_pages()
    result = measure_bare(pages, truth) if mode == "bare" else measure_pipeline(pages, truth)
    result["rate"] = result["pages"] / result["seconds"]
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))


def main(rounds: int = 2) -> None:
    if not PAGES.exists():
        print(f"skipped: {PAGES} not found")
        return
    results = {"bare": [], "pipeline": []}
    for _ in range(rounds):  # alternate, so both modes see the same machine load
        for mode in results:
            results[mode].append(run_isolated("bench.ingest_pages", "--mode", mode))
    best = {mode: max(runs, key=lambda r: r["rate"]) for mode, runs in results.items()}
    print("Page pipeline vs bare trafilatura.extract on article-extraction-benchmark "
          f"({best['bare']['pages']} pages, one core, best of {rounds} alternating runs)")
    print(f"{'':26}{'pages/s':>9}{'peak MB':>9}{'P':>8}{'R':>8}{'F1':>8}")
    for mode, label in (("bare", "bare trafilatura.extract"), ("pipeline", "Sociose page pipeline")):
        r = best[mode]
        print(f"{label:26}{r['rate']:9.1f}{r['peak_rss_mb']:9.0f}{r['p']:8.3f}{r['r']:8.3f}{r['f1']:8.3f}")
    ratio = best["pipeline"]["rate"] / best["bare"]["rate"]
    print(f"pipeline rate / bare rate = {ratio:.2f} (target >= 0.80); stored {best['pipeline']['stored']} "
          f"of {best['pipeline']['pages']} pages")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["bare", "pipeline"])
    args = parser.parse_args()
    one(args.mode) if args.mode else main()
