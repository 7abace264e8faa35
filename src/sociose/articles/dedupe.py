"""Near-duplicate detection for republished wire copy: MinHash signatures over word shingles, banded for lookup.

An article's 120-value MinHash is cut into 40 bands of 3 values; two texts share at least one band with
probability 0.93 when their shingle Jaccard similarity is 0.4 (0.995 at 0.5) and 0.04 at 0.1. Band digests are
stored in an indexed table, so finding candidates is a handful of index lookups whatever the size of the archive;
each candidate is then confirmed on the exact shingle sets of both texts.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
from datasketch import MinHash

NUM_PERM = 120
BANDS = 40
ROWS = NUM_PERM // BANDS
SHINGLE_WORDS = 4
MIN_WORDS = 40  # shorter texts (titles, teasers) say too little to call them copies of each other
# A copy is a reprint when the two shingle sets are alike (Jaccard) or when one text is mostly inside the other
# (containment: outlets trim wire stories to fit and add a line of their own).
REPRINT_JACCARD = 0.5
REPRINT_CONTAINMENT = 0.7
_SEED = 1  # fixed: signatures stored in the database must stay comparable across processes and releases


def shingles(text: str) -> set[bytes]:
    words = re.findall(r"\w+", text.lower())
    if len(words) < MIN_WORDS:
        return set()
    return {" ".join(words[i:i + SHINGLE_WORDS]).encode() for i in range(len(words) - SHINGLE_WORDS + 1)}


def signature(text: str) -> np.ndarray | None:
    """MinHash signature of the text, or None when the text is too short to compare."""
    grams = shingles(text)
    if not grams:
        return None
    minhash = MinHash(num_perm=NUM_PERM, seed=_SEED)
    minhash.update_batch(list(grams))
    return minhash.hashvalues.astype(np.uint64)


def band_digests(sig: np.ndarray) -> list[int]:
    """One signed 64-bit digest per band (fits a BigIntegerField on every database)."""
    raw = sig.astype("<u8").tobytes()
    step = ROWS * 8
    return [
        int.from_bytes(hashlib.blake2b(raw[i:i + step], digest_size=8).digest(), "little", signed=True)
        for i in range(0, len(raw), step)
    ]


def is_reprint(a: set[bytes], b: set[bytes]) -> bool:
    """True when two shingle sets are near-duplicates by Jaccard similarity or by containment of the smaller."""
    if not a or not b:
        return False
    common = len(a & b)
    return common / len(a | b) >= REPRINT_JACCARD or common / min(len(a), len(b)) >= REPRINT_CONTAINMENT
