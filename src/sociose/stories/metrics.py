"""Clustering quality against gold labels: pair counting and BCubed precision/recall/F1.

Both take two parallel sequences, `predicted[i]` and `gold[i]` being the cluster labels of item i. Labels are any
hashables; only equality matters.

- Pair counting (the "standard F1" of Miranda et al. 2018): precision is the share of item pairs put together by the
  prediction that the gold also puts together; recall the share of gold pairs that the prediction puts together.
  Large clusters dominate it (a cluster of n items has n(n-1)/2 pairs).
- BCubed (Bagga & Baldwin 1998; Amigo et al. 2009): per item, precision is the share of its predicted cluster that
  shares its gold label, recall the share of its gold cluster that shares its predicted cluster; both averaged over
  items. Every item weighs the same.

With no pairs at all on one side (every item alone), that side's precision or recall is 1.0 by convention.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float


def _f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _counts(predicted: Sequence[Hashable], gold: Sequence[Hashable]):
    if len(predicted) != len(gold):
        raise ValueError(f"predicted has {len(predicted)} labels, gold has {len(gold)}")
    return Counter(predicted), Counter(gold), Counter(zip(predicted, gold))


def pair_prf(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> PRF:
    """Pair-counting precision, recall and F1 of a clustering against gold labels."""
    pred_sizes, gold_sizes, joint = _counts(predicted, gold)

    def pairs(sizes: Counter) -> int:
        return sum(n * (n - 1) // 2 for n in sizes.values())

    together = pairs(joint)
    pred_pairs, gold_pairs = pairs(pred_sizes), pairs(gold_sizes)
    precision = together / pred_pairs if pred_pairs else 1.0
    recall = together / gold_pairs if gold_pairs else 1.0
    return PRF(precision, recall, _f1(precision, recall))


def bcubed_prf(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> PRF:
    """BCubed precision, recall and F1 of a clustering against gold labels (item-averaged)."""
    pred_sizes, gold_sizes, joint = _counts(predicted, gold)
    n = len(predicted)
    if n == 0:
        return PRF(1.0, 1.0, 1.0)
    # Every item of the cell (p, g) has the same precision joint/|p| and recall joint/|g|.
    precision = sum(k * k / pred_sizes[p] for (p, _), k in joint.items()) / n
    recall = sum(k * k / gold_sizes[g] for (_, g), k in joint.items()) / n
    return PRF(precision, recall, _f1(precision, recall))
