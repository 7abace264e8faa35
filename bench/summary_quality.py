"""Summary quality of the desk's extractive body against Wikinews, with sumy's LexRank and TextRank in the same run.

`python -m bench.summary_quality` reads ../shared/data/wikinewssum-en-sample/endataset.jsonl (each Wikinews article
is a human-written story of the source articles it cites). For every article with at least one English source it
composes a body from those sources (`sociose.desk.compose.compose_body`) and asks LexRank and TextRank (sumy, given
the same source texts concatenated) for a summary of the same length, and scores all three against the Wikinews text
rendered to plain text. One ROUGE implementation for all: Google's `rouge-score` package (ROUGE-1/2/L F1, its own
tokenizer, no stemming), averaged over articles.

Same length for everyone: each system adds whole sentences in its own rank order while they fit within the reference's
word count (skipping those that do not fit), or takes its single best sentence when none fits; the result is cut to
the reference's word count. sumy runs with its English stemmer and stop words and, since NLTK's punkt cannot be
downloaded, on the desk's own sentence splitter; exact duplicate sentences (cited copies of one article) are skipped
for it as they are by the desk, so the baselines are not handicapped by repeating themselves.

It checks the provenance invariant on a story composed from each giveme5w1h-news-cluster event, and composes a
20-article story (the largest event of giveme5w1h-news-cluster, topped up from the next events) in
a fresh process pinned to one core, and prints the median time of `compose` (headline, dek and body) and the peak
memory.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import statistics
import sys
import time
from collections import defaultdict
from datetime import datetime

from bench.common import SHARED_DATA, peak_rss_mb, run_isolated
from sociose.desk.compose import Source, compose, compose_body
from sociose.desk.sentences import split_sentences

WIKINEWS = SHARED_DATA / "wikinewssum-en-sample" / "endataset.jsonl"
CLUSTERS = SHARED_DATA / "giveme5w1h-news-cluster" / "data"

# --- Wikinews wikitext to plain text -------------------------------------------------------------------------------

_TEMPLATE = re.compile(r"\{\{([^{}]*)\}\}")
_LINK = re.compile(r"\[\[([^\[\]]*)\]\]")


def _template(match: re.Match[str]) -> str:
    parts = match.group(1).split("|")
    if parts[0].strip().lower() == "w" and len(parts) > 1:
        return parts[-1]
    return ""


def _link(match: re.Match[str]) -> str:
    parts = match.group(1).split("|")
    if re.match(r"\s*(?:File|Image|Category|Media):", parts[0], re.I):
        return ""
    return parts[-1]


def render_wikitext(text: str) -> str:
    """Plain text of Wikinews wikitext: {{w|A|B}} -> B, [[A|B]] -> B, other templates, files and markup dropped."""
    for _ in range(10):
        text, n1 = _TEMPLATE.subn(_template, text)
        text, n2 = _LINK.subn(_link, text)
        if not n1 + n2:
            break
    text = re.sub(r"\{\{[^{}|\s]*(?:\|[^{}\s]*)?", "", text)  # unclosed templates of the damaged rows
    text = re.sub(r"\{+[^{}\s]*\}+", "", text)  # "{publish}}" and the like
    text = re.sub(r"\[(?:https?:)?//\S+\s+([^\]]*)\]", r"\1", text)
    text = re.sub(r"\[?(?:https?:)?//\S+\]?", "", text)
    text = re.sub(r"'{2,}", "", text)
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.I)
    text = re.sub(r"<ref[^>]*>.*?</ref>|<[^>]+>", "", text, flags=re.S)
    lines = []
    for line in text.splitlines():
        line = line.strip()
        if re.match(r"^=+.*=+$", line):
            continue
        lines.append(line.lstrip(":*#; ").strip())
    return "\n".join(line for line in lines if line)


def load_wikinews() -> list[tuple[str, str, list[Source]]]:
    """(title, reference text, English sources) for each article with at least one English source."""
    rows = []
    with open(WIKINEWS, encoding="utf-8") as handle:
        for n, line in enumerate(handle):
            row = json.loads(line)
            sources = [Source(id=f"{n}-{k}", title=s.get("title") or "", text=s.get("maintext") or "",
                              outlet=s.get("url") or "")
                       for k, s in enumerate(row["sources"]) if s.get("language") == "en" and s.get("maintext")]
            if sources:
                paragraphs = row["text"] if isinstance(row["text"], list) else [row["text"]]
                rows.append((row["title"], render_wikitext("\n".join(paragraphs)), sources))
    return rows


# --- systems -------------------------------------------------------------------------------------------------------


class _SumyTokenizer:
    """sumy's tokenizer interface on the desk's sentence splitter (sumy's own needs NLTK punkt downloads)."""

    language = "english"

    def to_sentences(self, text: str) -> list[str]:
        return [text[s:e] for s, e in split_sentences(text)]

    def to_words(self, sentence: str) -> list[str]:
        return re.findall(r"\w+(?:'\w+)?", sentence)


def _fit(ranked: list[str], budget: int) -> list[str]:
    """Whole sentences in rank order while they fit the budget (duplicates skipped); the best one if none fits."""
    chosen, seen, words = [], set(), 0
    for sentence in ranked:
        key = " ".join(sentence.lower().split())
        n = len(sentence.split())
        if key in seen or words + n > budget:
            continue
        chosen.append(sentence)
        seen.add(key)
        words += n
    return chosen or ranked[:1]


def _truncate(text: str, words: int) -> str:
    return " ".join(text.split()[:words])


def sumy_summary(kind: str, sources: list[Source], words: int) -> str:
    from sumy.nlp.stemmers import Stemmer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    document = PlaintextParser.from_string("\n\n".join(s.text for s in sources), _SumyTokenizer()).document
    summarizer = (LexRankSummarizer if kind == "lexrank" else TextRankSummarizer)(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")

    def count(infos):  # sumy hands over the sentences best first and puts the kept ones back in document order
        infos = list(infos)
        by_text: dict[str, object] = {}
        for info in infos:
            by_text.setdefault(str(info.sentence), info)
        return [by_text[s] for s in _fit([str(i.sentence) for i in infos], words)]

    chosen = summarizer(document, count)
    return _truncate(" ".join(str(s) for s in chosen), words)


def sociose_summary(sources: list[Source], words: int) -> str:
    return _truncate(compose_body(sources, max_words=words).text, words)


# --- speed ---------------------------------------------------------------------------------------------------------


def twenty_sources() -> list[Source]:
    """20 articles: the largest giveme5w1h event, topped up from the next largest."""
    events: dict[str, list[dict]] = defaultdict(list)
    for path in sorted(glob.glob(str(CLUSTERS / "*.json"))):
        with open(path, encoding="utf-8") as handle:
            doc = json.load(handle)
        events[str(doc["newsCluster"])].append(doc)
    docs = [d for _, group in sorted(events.items(), key=lambda kv: (-len(kv[1]), kv[0])) for d in group][:20]
    sources = []
    for doc in docs:
        try:
            when = datetime.fromisoformat(doc.get("date_publish") or "")
        except ValueError:  # missing ("None") or malformed
            when = None
        sources.append(Source(id=doc["dId"], title=doc.get("title") or "", text=doc.get("text") or "",
                              outlet=doc.get("source_domain") or "", published_at=when))
    return sources


def check_clusters() -> tuple[int, int, list[str]]:
    """Compose every giveme5w1h event; (stories, sentences, provenance violations)."""
    from sociose.desk.compose import check_provenance

    events: dict[str, list[Source]] = defaultdict(list)
    for path in sorted(glob.glob(str(CLUSTERS / "*.json"))):
        with open(path, encoding="utf-8") as handle:
            doc = json.load(handle)
        source = Source(id=doc["dId"], title=doc.get("title") or "", text=doc.get("text") or "",
                        outlet=doc.get("source_domain") or "")
        events[str(doc["newsCluster"])].append(source)
    sentences, problems = 0, []
    for sources in events.values():
        story = compose(sources)
        shown = story.body.sentences + ([story.dek] if story.dek else [])
        sentences += len(shown)
        problems += check_provenance(shown, sources)
    return len(events), sentences, problems


def measure_speed() -> dict:
    import tracemalloc

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    sources = twenty_sources()
    compose(sources)  # warm-up (imports, caches)
    times = []
    for _ in range(15):
        t0 = time.perf_counter()
        story = compose(sources)
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    compose(sources)
    traced_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return {"articles": len(sources), "source_words": sum(len(s.text.split()) for s in sources),
            "body_words": story.body.word_count, "median_ms": statistics.median(times) * 1000,
            "max_ms": max(times) * 1000, "traced_peak_mb": traced_peak, "peak_rss_mb": peak_rss_mb()}


# --- report --------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", action="store_true", help="only the 20-article timing, as one JSON line")
    parser.add_argument("--show", type=int, default=0, help="print the first N composed bodies with their references")
    args = parser.parse_args(argv)
    if args.speed:
        print(json.dumps(measure_speed()))
        return

    speed = run_isolated("bench.summary_quality", "--speed")  # before sumy grows this process (RSS is inherited)
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=False)
    systems = {"Sociose": lambda s, w: sociose_summary(s, w),
               "LexRank": lambda s, w: sumy_summary("lexrank", s, w),
               "TextRank": lambda s, w: sumy_summary("textrank", s, w)}
    scores: dict[str, dict[str, list[float]]] = {name: defaultdict(list) for name in systems}
    seconds: dict[str, float] = defaultdict(float)
    rows = load_wikinews()
    for n, (title, reference, sources) in enumerate(rows):
        words = len(reference.split())
        for name, system in systems.items():
            t0 = time.perf_counter()
            summary = system(sources, words)
            seconds[name] += time.perf_counter() - t0
            for metric, value in scorer.score(reference, summary).items():
                scores[name][metric].append(value.fmeasure)
            if name == "Sociose" and n < args.show:
                print(f"== {title} ({words} words)\n-- reference: {reference}\n-- sociose: {summary}\n")

    print(f"Summary quality: {len(rows)} Wikinews articles with >= 1 English source "
          f"({sum(len(r[2]) for r in rows)} sources); length = the reference's word count; rouge-score, no stemming")
    print(f"{'system':<10} {'ROUGE-1':>8} {'ROUGE-2':>8} {'ROUGE-L':>8} {'time':>8}")
    means = {}
    for name in systems:
        means[name] = {m: statistics.fmean(v) for m, v in scores[name].items()}
        print(f"{name:<10} {means[name]['rouge1']:8.4f} {means[name]['rouge2']:8.4f} {means[name]['rougeL']:8.4f} "
              f"{seconds[name]:7.1f}s")
    best = max(means["LexRank"]["rouge2"], means["TextRank"]["rouge2"])
    gain = means["Sociose"]["rouge2"] / best - 1 if best else float("inf")
    print(f"ROUGE-2 vs the better baseline: {gain:+.1%} (target: at least +10%)")

    stories, sentences, problems = check_clusters()
    print(f"Provenance: {stories} giveme5w1h events composed, {sentences} dek and body sentences, "
          f"{len(problems)} violations" + "".join(f"\n  {p}" for p in problems[:5]))
    print(f"Compose speed: {speed['articles']} articles ({speed['source_words']} words) -> {speed['body_words']}-word "
          f"body, median {speed['median_ms']:.1f} ms, max {speed['max_ms']:.1f} ms on one core (target < 200 ms); "
          f"peak memory {speed['traced_peak_mb']:.1f} MB allocated by compose, {speed['peak_rss_mb']:.0f} MB "
          f"process RSS")


if __name__ == "__main__":
    main(sys.argv[1:])
