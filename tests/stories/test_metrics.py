import pytest

from sociose.stories.metrics import bcubed_prf, pair_prf


def test_hand_computed_example():
    predicted = [1, 1, 1, 2, 2]
    gold = ["a", "a", "b", "b", "b"]
    # Predicted pairs: 3 + 1 = 4; gold pairs: 1 + 3 = 4; pairs together in both: (a,a) in 1 and (b,b) in 2 = 2.
    pair = pair_prf(predicted, gold)
    assert (pair.precision, pair.recall, pair.f1) == pytest.approx((0.5, 0.5, 0.5))
    # BCubed precision per item: 2/3, 2/3, 1/3, 1, 1 -> 11/15; recall: 1, 1, 1/3, 2/3, 2/3 -> 11/15.
    bcubed = bcubed_prf(predicted, gold)
    assert (bcubed.precision, bcubed.recall, bcubed.f1) == pytest.approx((11 / 15, 11 / 15, 11 / 15))


def test_perfect_clustering_scores_one_whatever_the_label_names():
    gold = ["x", "x", "y", "z", "z", "z"]
    predicted = [7, 7, "other", 3, 3, 3]
    for prf in (pair_prf(predicted, gold), bcubed_prf(predicted, gold)):
        assert (prf.precision, prf.recall, prf.f1) == pytest.approx((1.0, 1.0, 1.0))


def test_everything_in_one_cluster_and_everything_alone():
    gold = [1, 1, 2, 2]
    lumped = pair_prf([0, 0, 0, 0], gold)
    assert (lumped.precision, lumped.recall) == pytest.approx((2 / 6, 1.0))
    alone = pair_prf([0, 1, 2, 3], gold)
    assert (alone.precision, alone.recall, alone.f1) == (1.0, 0.0, 0.0)
    bcubed_alone = bcubed_prf([0, 1, 2, 3], gold)
    assert (bcubed_alone.precision, bcubed_alone.recall) == pytest.approx((1.0, 0.5))


def test_lengths_must_match():
    with pytest.raises(ValueError):
        pair_prf([1, 2], [1])
    with pytest.raises(ValueError):
        bcubed_prf([1], [1, 2])
