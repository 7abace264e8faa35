"""Story clustering quality against gold events, with a TF-IDF baseline in the same run.

`python -m bench.clustering_quality` streams each data set through the engine (sociose.stories.clustering, one
configuration for all sets) and through the baseline (TF-IDF cosine to the nearest story centroid, one threshold),
and prints pair-counting and BCubed precision/recall/F1 side by side, plus the engine's throughput.

Main sets (the issue's targets): giveme5w1h news_cluster (383 articles, 69 events; streamed by date_publish, then file
name) and the UCI News Aggregator head (6,366 headlines, 87 stories, by timestamp; headline only). Sanity sets: the
Giveme5W1H gold_standard and google_news extras (event groups), WikiRef220 (topic groups, no dates; streamed in a fixed
pseudo-random order) - figures to watch for over-fitting, not targets.

The baseline is reported at its best threshold on each set (chosen on the test data itself: an upper bound for it) and
at one fixed threshold for all sets.

Two diagnostic rows show what each set's gold labels reward, so that a figure can be read for what it is:
- "hindsight": average-linkage clustering of the engine's own word features (title and lead, TF-IDF over the whole
  set), the whole set at once (no stream, no times), cut where the pair F1 against the gold is best. Word overlap
  with hindsight and a threshold fitted to the answers: what comparing texts' words can reach on the set.
- "crawl gap": no content at all; a new story whenever a minute passes with no article. Where it scores high, the
  gold stories are bursts of the crawler that collected the set (one story's articles stamped together), and a
  high figure there measures the stream's timing, not the reading of its articles.
"""

from __future__ import annotations

import argparse
import ast
import csv
import glob
import hashlib
import json
import math
import os
import time
from dataclasses import dataclass
from datetime import datetime, timezone

from bench.common import SHARED_DATA
from sociose.stories.clustering import Clusterer, Config, MemoryTermStats, _unit, featurize, terms
from sociose.stories.entities import extract_entities
from sociose.stories.metrics import bcubed_prf, pair_prf

BASELINE_FIXED_THRESHOLD = 0.15  # the engine's own threshold
BASELINE_SWEEP = [round(0.05 * i, 2) for i in range(1, 20)]


@dataclass
class Doc:
    doc_id: str
    title: str
    text: str
    published_at: datetime | None
    outlet: str
    gold: str


# --- loading -------------------------------------------------------------------------------------------------------


def _parse_date(value) -> datetime | None:
    if not value or value == "None":
        return None
    try:
        when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def _news_please(folder: str, gold_of) -> list[Doc]:
    docs = []
    for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        gold = gold_of(data)
        if gold is None:
            gold = "single:" + os.path.basename(path)
        outlet = data.get("source_domain") or data.get("publisher") or ""
        docs.append(Doc(os.path.basename(path), data.get("title") or "", data.get("text") or "",
                        _parse_date(data.get("date_publish")), str(outlet), str(gold)))
    far_past = datetime(1970, 1, 1, tzinfo=timezone.utc)
    docs.sort(key=lambda d: (d.published_at or far_past, d.doc_id))
    return docs


def load_giveme5w1h() -> list[Doc]:
    def gold(data):
        cluster = data["newsCluster"]
        cluster = ast.literal_eval(cluster) if isinstance(cluster, str) else cluster
        return cluster["EventId"]

    return _news_please(str(SHARED_DATA / "giveme5w1h-news-cluster" / "data"), gold)


def load_giveme5w1h_extra(name: str) -> list[Doc]:
    return _news_please(str(SHARED_DATA / "giveme5w1h-news-cluster" / name / "data"), lambda d: d.get("category"))


def load_uci() -> list[Doc]:
    path = SHARED_DATA / "uci-news-aggregator-head" / "uci-news-aggregator.head6367.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows = [r for r in rows[:-1] if r.get("TIMESTAMP")]  # the last row is cut mid-line
    docs = [Doc(r["ID"], r["TITLE"], "", datetime.fromtimestamp(int(r["TIMESTAMP"]) / 1000, tz=timezone.utc),
                r["PUBLISHER"], r["STORY"]) for r in rows]
    docs.sort(key=lambda d: (d.published_at, int(d.doc_id)))
    return docs


def load_wikiref() -> list[Doc]:
    docs = []
    for path in glob.glob(str(SHARED_DATA / "wikiref220" / "WikiRef220" / "*.txt")):
        raw = open(path, "rb").read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        text = text.replace("\r\n", "\n").strip()
        title, _, body = text.partition("\n")
        name = os.path.basename(path)
        topic = name.split(" (")[0].rsplit(".", 1)[0] if " (" in name else name.rsplit(".", 2)[0]
        docs.append(Doc(name, title.strip(), body.strip(), None, "", topic))
    docs.sort(key=lambda d: hashlib.sha256(d.doc_id.encode()).hexdigest())  # no dates: a fixed shuffled order
    return docs


DATASETS = {
    "giveme5w1h": load_giveme5w1h,
    "uci-headlines": load_uci,
    "g5w1h-gold-std": lambda: load_giveme5w1h_extra("extra_gold_standard"),
    "g5w1h-google-news": lambda: load_giveme5w1h_extra("extra_google_news"),
    "wikiref220 (topics)": load_wikiref,
}
MAIN = ("giveme5w1h", "uci-headlines")


# --- engine and baseline -------------------------------------------------------------------------------------------


def run_engine(docs: list[Doc], config: Config | None = None) -> tuple[list, dict]:
    """Labels from the engine, and timings: extraction (entities + features) and assignment, in seconds."""
    start = time.perf_counter()
    features = [featurize(d.title, d.text, d.published_at, d.outlet, extract_entities(d.title, d.text)) for d in docs]
    extracted = time.perf_counter()
    clusterer = Clusterer(config=config)
    merged_into: dict = {}
    labels = []
    for feature in features:
        assignment = clusterer.assign(feature)
        labels.append(assignment.story_id)
        for kept, absorbed in clusterer.settle(assignment):
            merged_into[absorbed] = kept
    assigned = time.perf_counter()

    def final(story_id):
        while story_id in merged_into:
            story_id = merged_into[story_id]
        return story_id

    return [final(label) for label in labels], {"extract": extracted - start, "assign": assigned - extracted}


def baseline_vectors(docs: list[Doc]) -> list[dict[str, float]]:
    """Unit TF-IDF vectors of title + full text, IDF counted incrementally in stream order (as the engine does)."""
    stats = MemoryTermStats()
    vectors = []
    for doc in docs:
        counts: dict[str, int] = {}
        for term in terms(doc.title + "\n" + doc.text):
            counts[term] = counts.get(term, 0) + 1
        stats.add_document(counts)
        vector = {t: (1 + math.log(c)) * stats.idf(t) for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors.append({t: v / norm for t, v in vector.items()})
    return vectors


def run_baseline(vectors: list[dict[str, float]], threshold: float) -> list[int]:
    """Single pass: join the story whose centroid (sum of member vectors) is nearest by cosine if that cosine reaches
    the threshold, else start a story. Exact, via an inverted index over centroid terms."""
    centroids: list[dict[str, float]] = []
    norms2: list[float] = []
    postings: dict[str, list[int]] = {}
    labels = []
    for vector in vectors:
        dots: dict[int, float] = {}
        for term, weight in vector.items():
            for story in postings.get(term, ()):
                dots[story] = dots.get(story, 0.0) + weight * centroids[story][term]
        best, best_cos = -1, -1.0
        for story, dot in dots.items():
            cos = dot / math.sqrt(norms2[story])
            if cos > best_cos or cos == best_cos and story < best:
                best, best_cos = story, cos
        if best < 0 or best_cos < threshold:
            best = len(centroids)
            centroids.append({})
            norms2.append(0.0)
        centroid = centroids[best]
        for term, weight in vector.items():
            old = centroid.get(term)
            if old is None:
                postings.setdefault(term, []).append(best)
                old = 0.0
            centroid[term] = old + weight
            norms2[best] += 2 * old * weight + weight * weight
        labels.append(best)
    return labels


# --- what the gold labels reward (diagnostics) ----------------------------------------------------------------------


def hindsight_vectors(docs: list[Doc]) -> list[dict[str, float]]:
    """Unit TF-IDF vectors of the engine's word features (`featurize`), IDF counted over the whole set."""
    features = [featurize(d.title, d.text, d.published_at, d.outlet, ()).terms for d in docs]
    stats = MemoryTermStats()
    for weights in features:
        stats.add_document(weights)
    return [_unit({term: weight * stats.idf(term) for term, weight in weights.items()}) for weights in features]


def hindsight_ceiling(vectors: list[dict[str, float]], gold: list) -> tuple[float, list[int]]:
    """Average-linkage clustering of unit vectors (cosine distance), cut at the distance with the best pair F1 on the
    gold labels: (that distance, the labels). Offline and fitted to the answers, so no stream can expect it."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.sparse import csr_matrix

    columns: dict[str, int] = {}
    rows, cols, values = [], [], []
    for i, vector in enumerate(vectors):
        for term, weight in vector.items():
            rows.append(i)
            cols.append(columns.setdefault(term, len(columns)))
            values.append(weight)
    matrix = csr_matrix((values, (rows, cols)), shape=(len(vectors), len(columns)), dtype=np.float32)
    n = len(vectors)
    condensed = np.empty(n * (n - 1) // 2)  # scipy's condensed distance matrix, filled a block of rows at a time
    at = 0
    for start in range(0, n, 512):
        block = (matrix[start:start + 512] @ matrix.T).toarray()
        for offset, row in enumerate(block):
            i = start + offset
            condensed[at:at + n - i - 1] = np.clip(1.0 - row[i + 1:], 0.0, 2.0)
            at += n - i - 1
    tree = linkage(condensed, "average")
    cuts = [round(0.02 * k, 2) for k in range(10, 50)]
    best = max(cuts, key=lambda t: (pair_prf(list(fcluster(tree, t, "distance")), gold).f1, -t))
    return best, [int(label) for label in fcluster(tree, best, "distance")]


def crawl_gap_labels(docs: list[Doc], seconds: float = 60.0) -> list[int] | None:
    """A new story whenever `seconds` pass with no article (docs in stream order); None for a set without times."""
    if any(d.published_at is None for d in docs):
        return None
    labels, story = [], 0
    for previous, doc in zip([None, *docs], docs):
        if previous is not None and (doc.published_at - previous.published_at).total_seconds() > seconds:
            story += 1
        labels.append(story)
    return labels


# --- report --------------------------------------------------------------------------------------------------------


def _row(name: str, labels, gold) -> str:
    p, b = pair_prf(labels, gold), bcubed_prf(labels, gold)
    return (f"  {name:<34} {p.precision:6.3f} {p.recall:6.3f} {p.f1:6.3f}   {b.precision:6.3f} {b.recall:6.3f} "
            f"{b.f1:6.3f}  {len(set(labels)):6d}")


def evaluate(name: str, docs: list[Doc], config: Config | None = None) -> dict:
    gold = [d.gold for d in docs]
    labels, timing = run_engine(docs, config)
    vectors = baseline_vectors(docs)
    sweep = {t: run_baseline(vectors, t) for t in BASELINE_SWEEP}
    best_pair = max(BASELINE_SWEEP, key=lambda t: (pair_prf(sweep[t], gold).f1, -t))
    best_b3 = max(BASELINE_SWEEP, key=lambda t: (bcubed_prf(sweep[t], gold).f1, -t))
    fixed = sweep.get(BASELINE_FIXED_THRESHOLD) or run_baseline(vectors, BASELINE_FIXED_THRESHOLD)
    print(f"{name}: {len(docs)} articles, {len(set(gold))} gold clusters")
    print(f"  {'':<34} {'pairP':>6} {'pairR':>6} {'pairF1':>6}   {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6}  {'groups':>6}")
    print(_row("Sociose engine", labels, gold))
    print(_row(f"baseline, fixed t={BASELINE_FIXED_THRESHOLD}", fixed, gold))
    print(_row(f"baseline, best pair-F1 t={best_pair} (oracle)", sweep[best_pair], gold))
    if best_b3 != best_pair:
        print(_row(f"baseline, best B3-F1 t={best_b3} (oracle)", sweep[best_b3], gold))
    cut, ceiling = hindsight_ceiling(hindsight_vectors(docs), gold)
    print(_row(f"[diagnostic] hindsight, cut {cut}", ceiling, gold))
    gaps = crawl_gap_labels(docs)
    if gaps is not None:
        print(_row("[diagnostic] crawl gap > 1 min", gaps, gold))
    rate = len(docs) / timing["assign"] if timing["assign"] else float("inf")
    full = len(docs) / (timing["assign"] + timing["extract"])
    print(f"  engine throughput: {rate:,.0f} articles/s assignment only; {full:,.0f} articles/s with entity "
          f"extraction and featurising (one core)")
    return {"pair": pair_prf(labels, gold), "bcubed": bcubed_prf(labels, gold)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--main-only", action="store_true", help="only the two target data sets")
    args = parser.parse_args(argv)
    names = MAIN if args.main_only else tuple(DATASETS)
    print("Story clustering quality (pair-counting and BCubed precision/recall/F1)\n")
    for name in names:
        docs = DATASETS[name]()
        evaluate(name + ("" if name in MAIN else "  [sanity check, not a target]"), docs)
        print()


if __name__ == "__main__":
    main()
