"""Text similarity measures shared by the extraction tests and the benchmarks."""

from __future__ import annotations

import re
from collections import Counter

_WORD = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """The multiset of n-word shingles of text (lowercased words; a text shorter than n words is one shingle)."""
    words = _WORD.findall(text.lower())
    if not words:
        return Counter()
    if len(words) < n:
        return Counter([tuple(words)])
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def shingle_prf(predicted: str, truth: str, n: int = 4) -> tuple[float, float, float]:
    """Precision, recall and F1 of predicted against truth over n-word shingles, as the
    article-extraction-benchmark scores extractors (shingles counted with multiplicity)."""
    pred, true = shingles(predicted or "", n), shingles(truth or "", n)
    if not pred and not true:
        return 1.0, 1.0, 1.0
    if not pred or not true:
        return 0.0, 0.0, 0.0
    overlap = sum((pred & true).values())
    precision = overlap / sum(pred.values())
    recall = overlap / sum(true.values())
    f1 = 2 * precision * recall / (precision + recall) if overlap else 0.0
    return precision, recall, f1
