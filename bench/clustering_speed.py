"""Clustering speed: articles per second through the database-backed story engine (entity extraction, term stats,
candidate lookup, assignment, counts), excluding page extraction, with 10k, 100k and 1M articles already in the
archive (synthetic stories, index keys and term statistics), each run in a fresh process on SQLite.

    python -m bench.clustering_speed                 # every size, ROUNDS times; prints the table
    python -m bench.clustering_speed --archive 10000 # one measurement, one JSON line

This machine's speed drifts by tens of percent within minutes, so one run per size can put a slow spell on one size
and a fast one on another. The table therefore builds each archive once, saves it (`--save`), and runs ROUNDS rounds
taking turns over the sizes, each run on a fresh copy (`--load`); it prints each size's median and each round's own
cost ratio.

    python -m bench.clustering_speed --instructions  # counted under callgrind instead of timed (needs valgrind)

counts what the machine's load cannot move: the instructions and the simulated cache misses (a fixed cache model)
of the timed loop alone, per article, and their ratio between the largest and the smallest archive. The program
runs uninstrumented up to the timed loop, which it asks callgrind to count (`callgrind_control`); the loop runs
about a hundred times slower than natively: 5 to 35 minutes per size as measured, the sizes in parallel, one per
core. The runs share one string hash seed (PYTHONHASHSEED, 0 unless set), so that sets of strings come out in one
order; the clock and the stories' random versions still vary from run to run.

With --archive, `--profile FILE` writes a cProfile of the timed loop, and `--dump FILE` runs on a fixed clock (with
`--load`, the clock the archive was built on) and writes the resulting stories, memberships, index keys and term
stats as JSON: two versions of the engine that give identical dumps give identical results. `--postgres URL` runs the
one measurement on PostgreSQL instead, in a scratch database created on that URL's server and dropped afterwards
(its archive is built each time; the peak memory is this process's, not the server's):

    python -m bench.clustering_speed --archive 10000 --postgres postgres://postgres@127.0.0.1:5432/test

The stream is clustered as the worker clusters a backlog: in batches of `--batch` articles (default: the task's
BATCH_SIZE), one transaction each (`assign_stories`); `--batch 1` measures one article per transaction (what a
worker does when articles arrive one at a time). Both give the same stories (compare the dumps). Either way the
timed loop includes what committing triggers: queueing the story pages' recomposition.

The worker starts each run knowing nothing of the archive (stories/index.py, `Known`): every key and story it meets
for the first time is read from the database, as after a restart. Its figures include that warming up.

Two figures per size: clustering proper, the part that runs under the clustering lock and so bounds how many
articles a site can take in per second however many workers it has; and `prepare` (entity extraction and
features), a pure function of the article that each worker runs before taking the lock, so it scales with workers.
"articles/s" is clustering proper; "both" is one core doing both.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from bench.common import ROOT, SHARED_DATA, peak_rss_mb, run_isolated, scratch_home

SIZES = (10_000, 100_000, 1_000_000)
STREAM = 1000  # articles clustered and timed
STORY_SIZE = 4  # archive articles per synthetic story
ROUNDS = 3  # runs of each size, taking turns


def build_archive(size: int, vocabulary: list[str], now: datetime) -> None:
    """Insert `size` articles in size/STORY_SIZE stories, spread over the last 120 days, with index keys drawn from
    the stream's own vocabulary (Zipf-like), so candidate lookups meet long posting lists as on a real site."""
    from django.db import connection, transaction

    from sociose.articles.models import Article
    from sociose.sources.models import Outlet
    from sociose.stories.clustering import INDEX_ENTITIES, INDEX_TERMS, StorySummary
    from sociose.stories.models import Membership, Story, StoryKey, TermStat

    rng = random.Random(7)
    outlets = [Outlet.objects.create(name=f"Outlet {n}", domain=f"outlet{n}.example") for n in range(200)]
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    stories = size // STORY_SIZE
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, stories, 5000):
            story_rows, key_rows = [], []
            for number in range(start, min(stories, start + 5000)):
                seen = now - timedelta(days=120) * (1 - number / stories)
                terms = dict.fromkeys(rng.choices(vocabulary, weights, k=INDEX_TERMS + 20))  # not a set: same order
                centroid = {term: rng.random() for term in list(terms)[:60]}              # in every process
                summary = StorySummary(centroid=centroid, first_seen=seen, last_seen=seen, size=STORY_SIZE)
                story_rows.append((number + 1, seen, seen, seen, seen, json.dumps(summary.to_dict()), STORY_SIZE))
                keys = sorted(centroid, key=centroid.get, reverse=True)[:INDEX_TERMS + INDEX_ENTITIES]
                key_rows += [(number + 1, "t:" + key, seen) for key in keys]
            cursor.executemany(
                f"INSERT INTO {Story._meta.db_table} (id, version, created_at, updated_at, first_seen, last_seen, title, summary,"
                " article_count, independent_count, reprint_count, outlet_count, pinned, score, score_inputs) "
                "VALUES (%s, 0, %s, %s, %s, %s, '', %s, %s, 0, 0, 0, false, 0, '{}')", story_rows)
            cursor.executemany(f"INSERT INTO {StoryKey._meta.db_table} (story_id, key, last_seen) VALUES (%s, %s, %s)",
                               key_rows)
        for start in range(0, size, 20000):
            rows = [(n + 1, f"https://archive.example/{n}", outlets[n % 200].id, now, now)
                    for n in range(start, min(size, start + 20000))]
            cursor.executemany(
                f"INSERT INTO {Article._meta.db_table} (id, canonical_url, url, outlet_id, via, title, authors, "
                "fetched_at, published_at, language, description, text, image_url, image_caption, image_credit, "
                "license, content_hash) VALUES (%s, %s, %s, %s, 'file', 'x', '[]', %s, %s, 'en', '', '', '', '', '', "
                "'', '')", [(n, url, url, outlet, a, b) for n, url, outlet, a, b in rows])
            cursor.executemany(
                f"INSERT INTO {Membership._meta.db_table} (article_id, story_id, outlet_id, published_at, origin, "
                "is_reprint, score, assigned_at) VALUES (%s, %s, %s, %s, %s, false, 0, %s)",
                [(n, (n - 1) // STORY_SIZE + 1, outlet, a, f"article:{n}", a) for n, _, outlet, a, _ in rows])
        frequencies = [(term, max(1, int(size * 0.3 / (rank + 1)))) for rank, term in enumerate(vocabulary)]
        cursor.executemany(f"INSERT INTO {TermStat._meta.db_table} (term, documents) VALUES (%s, %s)",
                           [("", size), *frequencies])


def stream_records() -> list[dict]:
    records = []
    for file in sorted((SHARED_DATA / "giveme5w1h-news-cluster" / "data").glob("*.json")):
        record = json.loads(file.read_text(encoding="utf-8"))
        if record.get("title") and len(record.get("text") or "") > 300:
            records.append(record)
    return records


def one(archive: int, *, profile: str | None = None, dump: str | None = None, batch: int | None = None,
        save: str | None = None, load: str | None = None, callgrind: bool = False,
        postgres: str | None = None) -> None:
    home = scratch_home("sociose-bench-")
    if postgres and (save or load):
        raise SystemExit("--save and --load copy SQLite files: not with --postgres")
    if load:  # an archive saved by an earlier run, and the clock it was built on: the same workload again
        started = time.perf_counter()
        shutil.copyfile(load, os.path.join(home, "sociose.sqlite3"))
        with open(load + ".json", encoding="utf-8") as file:
            saved = json.load(file)
        assert saved["archive"] == archive, f"{load} holds an archive of {saved['archive']} articles"
    os.environ.update(SOCIOSE_HOME=home, DJANGO_SETTINGS_MODULE="sociose.settings", SOCIOSE_LOG_LEVEL="ERROR")
    os.environ.pop("DATABASE_URL", None)
    if postgres:
        os.environ["DATABASE_URL"] = scratch_database(postgres)
    import django

    django.setup()
    from django.core.management import call_command

    from sociose.articles.actions import do_store_article
    from sociose.articles.draft import ArticleDraft
    from sociose.articles.models import Article
    from sociose.stories.actions import assign_stories, prepare
    from sociose.stories.clustering import terms
    from sociose.stories.tasks import BATCH_SIZE

    call_command("migrate", verbosity=0)
    records = stream_records()
    vocabulary = sorted({t for r in records for t in terms(r["title"] + " " + r["text"][:2000])})
    random.Random(3).shuffle(vocabulary)
    if load:
        now = datetime.fromisoformat(saved["now"])
    else:
        # A fixed clock for --dump, so that two runs' stories can be compared
        now = datetime(2026, 1, 1, tzinfo=UTC) if dump else datetime.now(UTC)
        started = time.perf_counter()
        build_archive(archive, vocabulary, now - timedelta(days=2))
        if postgres:  # the archive's rows were inserted with their ids: move the id sequences past them
            from django.core.management.color import no_style
            from django.db import connection

            from sociose.stories.models import Story

            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), [Story, Article]):
                    cursor.execute(statement)
    built = time.perf_counter() - started
    if save:
        from django.db import connection

        connection.close()  # the last connection to close folds the write-ahead log into the file
        shutil.copyfile(os.path.join(home, "sociose.sqlite3"), save)
        with open(save + ".json", "w", encoding="utf-8") as file:
            json.dump({"archive": archive, "now": now.isoformat()}, file)
    stream = []
    for n in range(STREAM):
        record = records[n % len(records)]
        draft = ArticleDraft(url=f"https://stream{n // len(records)}.example/{n}", title=record["title"],
                             text=record["text"],
                             published_at=now - timedelta(hours=48) + timedelta(minutes=3 * n))
        stream.append(do_store_article(draft, via="file").article.id)
    articles = list(Article.objects.select_related("outlet").filter(id__in=stream).order_by("id"))
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    batch = batch or BATCH_SIZE
    started = time.perf_counter()
    prepared = {article.id: prepare(article) for article in articles}
    prepare_seconds = time.perf_counter() - started
    if callgrind:  # from here on, callgrind counts (it ran everything before uninstrumented, and so faster)
        _callgrind("--instr=on")
    started, cpu_started = time.perf_counter(), time.process_time()
    for start in range(0, len(articles), batch):
        assign_stories(articles[start:start + batch], prepared=prepared)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    if callgrind:
        _callgrind("--dump=clustering")
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    if dump:
        dump_results(dump)
    print(json.dumps({"archive": archive, "articles": len(articles), "seconds": seconds,
                      "ms_per_article": seconds / len(articles) * 1000, "rate": len(articles) / seconds, "batch": batch,
                      "cpu_ms_per_article": cpu_seconds / len(articles) * 1000,  # this process's own CPU time
                      "prepare_ms_per_article": prepare_seconds / len(articles) * 1000,
                      "rate_with_prepare": len(articles) / (seconds + prepare_seconds),
                      "build_seconds": built, "peak_rss_mb": peak_rss_mb()}))


def scratch_database(server: str) -> str:
    """A new, empty database on the PostgreSQL server of the URL `server` (whose own database is only used to create
    it), dropped when this process ends; its URL."""
    import atexit
    from urllib.parse import urlsplit

    import psycopg

    name = f"sociose_bench_{os.getpid()}"

    def run(statement: str) -> None:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(statement)

    run(f"DROP DATABASE IF EXISTS {name}")
    run(f"CREATE DATABASE {name}")
    atexit.register(run, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    return urlsplit(server)._replace(path="/" + name).geturl()


def dump_results(path: str) -> None:
    """Write what assignment produced (memberships, story rows, index keys, term stats) as JSON, to check that a
    faster engine gives exactly the same results."""
    from sociose.stories.models import ArticleEntity, Membership, Story, StoryEvent, StoryKey, TermStat

    state = {
        "memberships": [list(row) for row in Membership.objects.order_by("article_id").values_list(
            "article_id", "story_id", "outlet_id", "origin", "is_reprint", "score")],
        "stories": [list(row) for row in Story.objects.order_by("id").values_list(
            "id", "first_seen", "last_seen", "title", "summary", "article_count", "independent_count",
            "reprint_count", "outlet_count", "first_outlet_id", "merged_into_id")],
        "keys": sorted(StoryKey.objects.values_list("story_id", "key", "last_seen")),
        "terms": sorted(TermStat.objects.values_list("term", "documents")),
        "entities": sorted(ArticleEntity.objects.values_list("article_id", "name", "kind", "mentions")),
        "events": list(StoryEvent.objects.order_by("id").values_list("kind", "story_id", "other_id", "articles")),
    }
    with open(path, "w", encoding="utf-8") as out:
        json.dump(state, out, default=str, sort_keys=True)


def _callgrind(command: str) -> None:
    """Have the callgrind this process runs under carry out `command` (callgrind_control), and wait until it has:
    callgrind reads its commands only while the program runs, so this spins instead of blocking."""
    control = subprocess.Popen(["callgrind_control", command, str(os.getpid())], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    while control.poll() is None:
        pass
    if control.returncode:
        raise SystemExit(f"callgrind_control {command} failed: {control.stderr.read()}")


# callgrind's cache model, fixed so that the counts do not depend on the machine's caches: 32 KiB L1 caches and an
# 8 MiB last-level cache, 64-byte lines. Estimated cycles are KCachegrind's: an instruction is one cycle, an L1 miss
# ten more, a last-level miss a hundred more.
CACHES = ("--I1=32768,8,64", "--D1=32768,8,64", "--LL=8388608,16,64")


def counted(size: int, archive: str, workdir: str, extra: Sequence[str] = ()) -> dict:
    """Run the clustering of one size under callgrind, counting only the timed loop; per-article counts."""
    out = os.path.join(workdir, f"callgrind.{size}")
    command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--cache-sim=yes", *CACHES,
               f"--callgrind-out-file={out}", sys.executable, "-m", "bench.clustering_speed", "--archive", str(size),
               "--load", archive, "--callgrind", *extra]
    # One string hash seed: the order of sets of strings, and so the work of sorting them, is then the same each run
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False,
                            env={**os.environ, "PYTHONHASHSEED": os.environ.get("PYTHONHASHSEED", "0")})
    if result.returncode != 0:
        raise SystemExit(f"callgrind run of {size} failed:\n{result.stderr[-4000:]}")
    timed = json.loads(result.stdout.strip().splitlines()[-1])
    events = totals = None
    with open(out + ".1", encoding="utf-8") as file:  # the first dump: the one after the timed loop
        for line in file:
            if line.startswith("desc: Trigger:"):
                assert "clustering" in line, f"{out}.1 is not the timed loop's dump: {line}"
            elif line.startswith("events:"):
                events = line.split()[1:]
            elif line.startswith("summary:"):
                totals = [int(n) for n in line.split()[1:]]
    count = dict(zip(events, totals, strict=True))
    articles = timed["articles"]
    l1 = count["I1mr"] + count["D1mr"] + count["D1mw"]
    last = count["ILmr"] + count["DLmr"] + count["DLmw"]
    return {"instructions": count["Ir"] / articles, "l1_misses": l1 / articles, "ll_misses": last / articles,
            "cycles": (count["Ir"] + 10 * l1 + 100 * last) / articles}


def instructions(sizes=SIZES, batch: int | None = None) -> None:
    """The cost ratio counted instead of timed: instructions and simulated cache misses per article under callgrind,
    which the machine's load does not change. Each size is built natively and saved, then clustered again under
    callgrind on a copy, counting only the timed loop."""
    if not (SHARED_DATA / "giveme5w1h-news-cluster").exists():
        print("skipped: giveme5w1h-news-cluster not found")
        return
    if not shutil.which("valgrind"):
        raise SystemExit("--instructions needs valgrind (Debian: apt-get install valgrind)")
    extra = ["--batch", str(batch)] if batch else []
    with tempfile.TemporaryDirectory(prefix="sociose-bench-callgrind-") as workdir:
        archives = {size: os.path.join(workdir, f"{size}.sqlite3") for size in sizes}
        for size, archive in archives.items():
            run_isolated("bench.clustering_speed", "--archive", str(size), "--save", archive, *extra)
        # Counts do not depend on what else runs: one size per core
        with ThreadPoolExecutor(max_workers=min(len(sizes), os.cpu_count() or 1)) as pool:
            results = dict(zip(sizes, pool.map(lambda size: counted(size, archives[size], workdir, extra), sizes),
                               strict=True))
    print(f"Clustering cost counted under callgrind (database engine on SQLite, {STREAM} articles clustered, "
          "per article; cache model: 32 KiB L1, 8 MiB last level)")
    print(f"{'archive':>10}{'instructions':>15}{'L1 misses':>12}{'LL misses':>12}{'est. cycles':>15}")
    for size, row in results.items():
        print(f"{size:>10,}{row['instructions']:15,.0f}{row['l1_misses']:12,.0f}{row['ll_misses']:12,.0f}"
              f"{row['cycles']:15,.0f}")
    small, large = results[sizes[0]], results[sizes[-1]]
    print(f"cost at {sizes[-1]:,} / cost at {sizes[0]:,}: instructions {large['instructions'] / small['instructions']:.2f}"
          f", estimated cycles {large['cycles'] / small['cycles']:.2f} (target <= 1.5)")


def main(sizes=SIZES, batch: int | None = None, rounds: int = ROUNDS) -> None:
    if not (SHARED_DATA / "giveme5w1h-news-cluster").exists():
        print("skipped: giveme5w1h-news-cluster not found")
        return
    extra = ["--batch", str(batch)] if batch else []
    # Each size is built once and saved; the rounds take turns over the sizes, each run in a fresh process on a copy
    # of its archive, so that a slow spell of the machine is less likely to fall on one size only. The figures are
    # the medians.
    runs: dict[int, list[dict]] = {size: [] for size in sizes}
    with tempfile.TemporaryDirectory(prefix="sociose-bench-archives-") as keep:
        for round_ in range(rounds):
            for size in sizes:
                path = os.path.join(keep, f"{size}.sqlite3")
                how = ["--load", path] if round_ else ["--save", path]
                runs[size].append(run_isolated("bench.clustering_speed", "--archive", str(size), *how, *extra))
    per = runs[sizes[0]][0]["batch"]
    how = "one article per transaction" if per == 1 else f"in batches of {per} articles, one transaction each"
    print(f"Clustering speed, database engine on SQLite, one core ({STREAM} full-text articles clustered into an "
          f"archive of synthetic stories, {how}; median of {rounds} rounds taking turns over the sizes)")
    print("clustering = the serial part, under the clustering lock; prepare = entity extraction and features, which "
          "workers run in parallel before taking the lock")
    print(f"{'archive':>10}{'articles/s':>12}{'ms/article':>12}{'(min-max)':>14}{'prepare ms':>12}{'both, art/s':>13}"
          f"{'peak MB':>9}")

    def median(size: int, name: str) -> float:
        return statistics.median(run[name] for run in runs[size])

    for size in sizes:
        times = [run["ms_per_article"] for run in runs[size]]
        ms, prepare_ms = median(size, "ms_per_article"), median(size, "prepare_ms_per_article")
        print(f"{size:>10,}{1000 / ms:12.0f}{ms:12.2f}{f'({min(times):.2f}-{max(times):.2f})':>14}{prepare_ms:12.2f}"
              f"{1000 / (ms + prepare_ms):13.0f}{max(run['peak_rss_mb'] for run in runs[size]):9.0f}")
    small, large = sizes[0], sizes[-1]
    each = [b["ms_per_article"] / a["ms_per_article"] for a, b in zip(runs[small], runs[large], strict=True)]
    print(f"cost at {large:,} / cost at {small:,} = {median(large, 'ms_per_article') / median(small, 'ms_per_article'):.2f}"
          f" (medians; each round: {', '.join(f'{r:.2f}' for r in each)}) (target <= 1.5); target >= 500 articles/s")


if __name__ == "__main__":
    sys.setrecursionlimit(10_000)
    parser = argparse.ArgumentParser()
    parser.add_argument("--archive", type=int)
    parser.add_argument("--profile", help="write a cProfile of the timed loop to this file (with --archive)")
    parser.add_argument("--dump", help="write the resulting stories as JSON to this file (with --archive)")
    parser.add_argument("--batch", type=int, help="articles per transaction (default: the worker's batch size; "
                                                  "1 = one article per transaction)")
    parser.add_argument("--save", help="also save the built archive to this file (with --archive)")
    parser.add_argument("--load", help="take the archive saved in this file instead of building it (with --archive)")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="rounds over the sizes (default: %(default)s)")
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions and cache misses under callgrind instead of timing")
    parser.add_argument("--postgres", metavar="URL",
                        help="run on PostgreSQL, in a scratch database created on this URL's server (with --archive)")
    parser.add_argument("--callgrind", action="store_true", help=argparse.SUPPRESS)  # runs under callgrind
    args = parser.parse_args()
    if args.archive:
        one(args.archive, profile=args.profile, dump=args.dump, batch=args.batch, save=args.save, load=args.load,
            callgrind=args.callgrind, postgres=args.postgres)
    elif args.instructions:
        instructions(batch=args.batch)
    else:
        main(batch=args.batch, rounds=args.rounds)
