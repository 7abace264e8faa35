"""Search speed on SQLite (FTS5): the demo corpus imported with `sociose import` into a temporary SOCIOSE_HOME,
then the same documents copied until the index holds --inflate documents, to show that a word found in nearly every
document (ranking capped at site.search.CANDIDATES matches) costs about what a rare word does. Each figure is a
whole `search()` call (stories and articles, ranked, with snippets): p50 and max over --repeats runs.

    python -m bench.search_speed                   # demo corpus, then 100k documents; prints the table
    python -m bench.search_speed --inflate 0       # demo corpus only
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter

from bench.common import ROOT, run_isolated

DEMO = ROOT / "src" / "sociose" / "demo" / "wikinews.jsonl.gz"
COPY_OFFSET = 10_000_000  # ids of copied stories and documents: object id + n * COPY_OFFSET


def timed(function, repeats: int) -> dict:
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = function()
        runs.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": round(statistics.median(runs), 2), "max_ms": round(max(runs), 2),
            "stories": len(result.stories), "articles": len(result.articles)}


def pick_queries() -> dict[str, str]:
    """A rare word (in one document), two very common words, and three words of the top story's headline."""
    from sociose.desk.models import ComposedStory
    from sociose.site.models import SearchDocument
    from sociose.site.search import STOP_WORDS

    frequency = Counter()
    for title, summary, body in SearchDocument.objects.values_list("title", "summary", "body"):
        frequency.update({w for w in re.findall(r"[a-z]+", f"{title} {summary} {body}".lower())})
    rare = min((w for w, n in frequency.items() if n == 1 and len(w) >= 8), key=lambda w: (len(w), w))
    story = ComposedStory.objects.select_related("story").order_by("-story__score", "story_id").first()
    words = [w for w in re.findall(r"[A-Za-z]+", story.shown_headline) if w.lower() not in STOP_WORDS]
    return {"rare word": rare, "common: the": "the", "common: said": "said", "multi-word": " ".join(words[:3]),
            "common + rare": f"the {rare}"}


def inflate(target: int) -> dict:
    """Copy the stories and documents (the FTS5 triggers index each copy) until there are `target` documents."""
    from django.db import connection, transaction

    from sociose.site.models import SearchDocument
    from sociose.stories.models import Story

    docs, stories = SearchDocument._meta.db_table, Story._meta.db_table
    columns = [f.column for f in Story._meta.concrete_fields if f.column != "id"]
    story_columns = ", ".join(connection.ops.quote_name(c) for c in columns)
    base = SearchDocument.objects.count()
    max_story = Story.objects.order_by("-id").values_list("id", flat=True).first() or 0
    started, copy = time.perf_counter(), 0
    while SearchDocument.objects.count() < target:
        copy += 1
        offset = copy * COPY_OFFSET
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {stories} (id, {story_columns}) SELECT id + %s, {story_columns} "
                           f"FROM {stories} WHERE id <= %s", [offset, max_story])
            cursor.execute(f"INSERT INTO {docs} (kind, object_id, title, summary, body) "
                           f"SELECT kind, object_id + %s, title, summary, body FROM {docs} WHERE object_id < %s "
                           f"ORDER BY id LIMIT %s",
                           [offset, COPY_OFFSET, target - SearchDocument.objects.count()])
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO site_search(site_search) VALUES ('optimize')")  # as a quiet night's job would
    size = os.path.getsize(connection.settings_dict["NAME"])
    return {"documents": SearchDocument.objects.count(), "indexed_per_s": round((SearchDocument.objects.count() - base)
            / seconds), "database_mb": round(size / 1e6, 1)}


def measure(repeats: int, target: int) -> dict:
    import django

    django.setup()
    from sociose.site import search as site_search
    from sociose.site.models import SearchDocument

    queries = pick_queries()
    report = {"queries": queries, "candidates": site_search.CANDIDATES, "sizes": []}

    def run_all(label: str) -> None:
        figures = {name: timed(lambda q=q: site_search.search(q), repeats) for name, q in queries.items()}
        cap = site_search.CANDIDATES
        site_search.CANDIDATES = 10 ** 9  # the same common-word queries with every match ranked, for comparison
        for name in ("common: the", "common: said"):
            figures[f"{name} (uncapped)"] = timed(lambda q=queries[name]: site_search.search(q), repeats)
        site_search.CANDIDATES = cap
        report["sizes"].append({"label": label, "documents": SearchDocument.objects.count(), "figures": figures})

    run_all("demo corpus")
    if target > SearchDocument.objects.count():
        report["inflation"] = inflate(target)
        run_all(f"inflated to {target:,}")
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inflate", type=int, default=100_000, help="documents to copy the corpus up to (0: none)")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--measure", metavar="HOME", help=argparse.SUPPRESS)  # the child process's part
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.repeats, args.inflate)))
        return

    home = tempfile.mkdtemp(prefix="sociose-search-bench-")
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}  # SQLite, whatever is set
    env.update(SOCIOSE_HOME=home, DJANGO_SETTINGS_MODULE="sociose.settings")
    os.environ.pop("DATABASE_URL", None)
    try:
        started = time.perf_counter()
        for command in (["migrate", "-v0"], ["import", str(DEMO)]):
            subprocess.run([sys.executable, "-m", "sociose.cli", *command], cwd=ROOT, env=env, check=True,
                           capture_output=True, text=True)
        imported = time.perf_counter() - started
        report = run_isolated("bench.search_speed", "--measure", home, "--repeats", str(args.repeats),
                              "--inflate", str(args.inflate), env={"SOCIOSE_HOME": home, "DJANGO_SETTINGS_MODULE": "sociose.settings"})
    finally:
        shutil.rmtree(home, ignore_errors=True)

    print(f"Search speed (SQLite FTS5; whole search() calls: stories + articles, ranked, with snippets; "
          f"p50 / max of {args.repeats}; ranking capped at {report['candidates']} newest matches per kind)")
    print(f"demo import (migrate + sociose import, indexing by signals): {imported:.1f} s")
    if "inflation" in report:
        inflation = report["inflation"]
        print(f"inflation: {inflation['documents']:,} documents, indexed at {inflation['indexed_per_s']:,} "
              f"documents/s, database {inflation['database_mb']} MB")
    for name, query in report["queries"].items():
        print(f"  {name:<14} q={query!r}")
    for size in report["sizes"]:
        print(f"\n{size['label']} ({size['documents']:,} documents)")
        print(f"  {'query':<28} {'p50 ms':>8} {'max ms':>8} {'stories':>8} {'articles':>9}")
        for name, figure in size["figures"].items():
            print(f"  {name:<28} {figure['p50_ms']:>8} {figure['max_ms']:>8} {figure['stories']:>8} "
                  f"{figure['articles']:>9}")


if __name__ == "__main__":
    main()
