"""Online story clustering: each arriving article joins the best-matching recent story or starts a new one.

Pure Python, no Django: the engine's state sits behind two small interfaces that the database layer backs with
tables, and in-memory versions for tests and benchmarks:

- `TermStats` - document frequencies for IDF (`MemoryTermStats`); an article's own terms are counted before it is
  scored, so a stream gives the same figures whoever replays it.
- `StoryIndex` - an inverted index from keys (a story's top terms and entities) to stories, filtered by the story's
  last_seen (`MemoryStoryIndex`). Candidates always come from it: the per-article cost does not grow with the archive.

A story is kept as a `StorySummary` (a JSON-able dict via `to_dict`/`from_dict`): its centroid truncated to its top
terms, its entity counts, first/last seen, size and outlets. `Clusterer.assign` scores the article against each
candidate by a blend of term cosine and entity support, then subtracts a time penalty that grows with the gap to the
story's last article (is the story still running?) and, more slowly, with its age (next year's ceremony, a second
earthquake weeks later: a new event on the same topic), weighed by how much the content leaves in doubt. Entity
support counts only as far as the shared names are specific (a lone "U.S." says little). See `Config` for the figures
and why.
"""

from __future__ import annotations

import base64
import itertools
import math
import re
import sys
from array import array
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC as _UTC
from datetime import datetime, timedelta
from functools import cached_property, lru_cache
from operator import mul
from typing import Protocol

from sociose.articles.wire import AGENCIES
from sociose.stories.entities import Entity, stop_words

StoryId = Hashable

# --- text to terms -------------------------------------------------------------------------------------------------

_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)*")
MAX_TERM = 64  # longer "words" are junk (run-together hashtags, encoded data); keys must fit TermStat's 200 characters


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light suffix stripper (plural, -ed, -ing, final e): "launches", "launched", "launching" -> "launch"."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4 and word[-4] not in "ae":
        word = word[:-3] + "y"
    elif word.endswith("es") and (word[-3] in "sxz" or word.endswith(("ches", "shes"))):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ing") and len(word) >= 6:
        word = word[:-3]
    elif word.endswith("ed") and len(word) >= 5:
        word = word[:-2]
    if word.endswith("e") and len(word) >= 5:
        word = word[:-1]
    if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in "lsz":
        word = word[:-1]
    return word


def terms(text: str) -> list[str]:
    """Content terms of a text in order: lower-cased, possessives and stop words dropped, lightly stemmed."""
    stop = stop_words()
    out = []
    for word in _WORD.findall(text.lower()):
        word = word.replace("’", "'")
        if word.endswith("'s"):
            word = word[:-2]
        if len(word) < 2 or len(word) > MAX_TERM or word in stop:
            continue
        out.append(stem(word))
    return out


# --- features and summaries ----------------------------------------------------------------------------------------

ENTITY_KIND_WEIGHT = {"person": 1.0, "org": 1.0, "other": 0.8, "place": 0.5}


@dataclass(frozen=True)
class ArticleFeatures:
    """What clustering knows of an article: term weights (before IDF), entity weights, time and outlet."""

    terms: dict[str, float]
    entities: dict[str, float]  # entity key ("person:trump", "place:china") -> weight (kind x mentions)
    published_at: datetime | None
    outlet: str


def featurize(title: str, text: str, published_at: datetime | None, outlet: str,
              entities: Iterable[Entity], *, lead_words: int = 300, title_weight: float = 3.0,
              bigram_weight: float = 0.0) -> ArticleFeatures:
    """Features of an article: the title counts `title_weight` times, and only the body's first `lead_words` words
    (the lead carries the event; the tail of a page is background, boilerplate and links) count, the second half of
    them at half weight."""
    counts: dict[str, float] = {}

    def count(sequence: list[str], weight: float) -> None:
        for term in sequence:
            counts[term] = counts.get(term, 0.0) + weight
        if bigram_weight:
            for a, b in zip(sequence, sequence[1:]):
                if a != b:
                    key = a + " " + b
                    counts[key] = counts.get(key, 0.0) + weight * bigram_weight

    title_terms = terms(title or "")
    count(title_terms, title_weight)
    body = (text or "").split(maxsplit=lead_words)[:lead_words]
    half = lead_words // 2
    count(terms(" ".join(body[:half])), 1.0)
    count(terms(" ".join(body[half:])), 0.5)
    weights = {term: 1.0 + math.log(c) if c >= 1 else c for term, c in counts.items()}
    entity_weights: dict[str, float] = {}
    for entity in entities:
        if entity.kind == "org" and entity.name.lower() in AGENCIES:
            continue  # a news agency named in a credit says who reported the event, not what happened
        key = entity.key
        weight = ENTITY_KIND_WEIGHT.get(entity.kind, 0.8) * (1.0 + math.log(entity.count))
        entity_weights[key] = entity_weights.get(key, 0.0) + weight
    return ArticleFeatures(weights, entity_weights, published_at, outlet or "")


@dataclass
class StorySummary:
    """The state of one story that clustering needs: a truncated centroid, entity counts, times, size, outlets."""

    centroid: dict[str, float] = field(default_factory=dict)  # sum of members' unit TF-IDF vectors, top terms only
    entities: dict[str, float] = field(default_factory=dict)  # entity key -> sum of members' unit entity vectors
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    size: int = 0
    outlets: dict[str, int] = field(default_factory=dict)
    heat: float = 0.0  # articles, exponentially decayed by age, as of last_seen (see Config.heat_hours)

    # A summary is never changed in place (`Clusterer.absorb` and `merge_summaries` make new ones), so the norms that
    # scoring divides by are computed once per summary, not once per candidate lookup.
    @cached_property
    def centroid_norm(self) -> float:
        return _norm(self.centroid)

    @cached_property
    def entities_norm(self) -> float:
        return _norm(self.entities)

    def to_dict(self) -> dict:
        """JSON-able form, for a database row: times as ISO 8601 strings; the centroid's and entities' weights packed
        (`pack_floats`), each after its list of keys, in order."""
        return {"terms": list(self.centroid), "term_weights": pack_floats(self.centroid.values()),
                "entities": list(self.entities), "entity_weights": pack_floats(self.entities.values()),
                "first_seen": self.first_seen.isoformat() if self.first_seen else None,
                "last_seen": self.last_seen.isoformat() if self.last_seen else None,
                "size": self.size, "outlets": dict(self.outlets), "heat": self.heat}

    @classmethod
    def from_dict(cls, data: dict) -> StorySummary:
        """The summary `to_dict` gave, or one stored before weights were packed (weights as JSON numbers)."""
        def when(value):
            return datetime.fromisoformat(value) if value else None

        if "centroid" in data:  # stored before weights were packed
            centroid, entities = dict(data["centroid"]), dict(data["entities"])
        else:
            centroid = dict(zip(data["terms"], unpack_floats(data["term_weights"]), strict=True))
            entities = dict(zip(data["entities"], unpack_floats(data["entity_weights"]), strict=True))
        return cls(centroid, entities, when(data["first_seen"]), when(data["last_seen"]), int(data["size"]),
                   dict(data["outlets"]), float(data.get("heat", 0.0)))

    def keys(self, terms_per_story: int, entities_per_story: int) -> set[str]:
        """Index keys: the heaviest centroid terms and the most frequent entities (ties broken by name)."""
        return ({"t:" + t for t in heaviest(self.centroid, terms_per_story)}
                | {"e:" + e for e in heaviest(self.entities, entities_per_story)})


def pack_floats(values: Iterable[float]) -> str:
    """Floats as base64 of their IEEE 754 doubles, little-endian: exact, and written and read many times faster than
    JSON numbers (a summary is written for every article, and turning its floats into their shortest decimals was
    a tenth of the clustering's instructions)."""
    packed = array("d", values)
    if sys.byteorder == "big":
        packed.byteswap()
    return base64.b64encode(packed.tobytes()).decode("ascii")


def unpack_floats(text: str) -> list[float]:
    packed = array("d", base64.b64decode(text))
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tolist()


# A TermStats key no article has (terms and entity keys never contain a NUL): its IDF is the largest possible.
UNSEEN_KEY = "\0"

# --- state interfaces ----------------------------------------------------------------------------------------------


class TermStats(Protocol):
    """Document frequencies of terms and entity keys, for IDF."""

    def add_document(self, keys: Iterable[str]) -> None: ...

    def idf(self, key: str) -> float: ...

    def idfs(self, keys: Iterable[str]) -> list[float]:
        """`idf` of each key, in order (one call for an article's hundred-odd keys)."""
        ...


class MemoryTermStats:
    """Document frequencies in a dict, updated as articles arrive."""

    def __init__(self) -> None:
        self.documents = 0
        self.df: dict[str, int] = {}

    def add_document(self, keys: Iterable[str]) -> None:
        self.documents += 1
        df = self.df
        for key in keys:
            df[key] = df.get(key, 0) + 1

    def idf(self, key: str) -> float:
        """Smoothed IDF, log((N + 1) / (df + 1)) + 1: never below 1, so a term in every article still counts."""
        return math.log((self.documents + 1) / (self.df.get(key, 0) + 1)) + 1.0

    def idfs(self, keys: Iterable[str]) -> list[float]:
        return smoothed_idfs(self.documents, self.df, keys)


def smoothed_idfs(documents: int, df: Mapping[str, int], keys: Iterable[str]) -> list[float]:
    """`MemoryTermStats.idf` of each key (the same expression, so the same floats), without a call per key."""
    log, get, n = math.log, df.get, documents + 1
    return [log(n / (get(key, 0) + 1)) + 1.0 for key in keys]


class StoryIndex(Protocol):
    """Stories by key (top terms "t:..." and entities "e:..."), restricted to recently active stories."""

    def candidates(self, keys: Mapping[str, int], when: datetime | None,
                   window: timedelta) -> list[tuple[StoryId, StorySummary]]:
        """At most a fixed number of stories sharing keys with the article, best first (the summed weights of shared
        keys, then the most recently active, then the lowest id), among those whose last_seen is at or after
        `when - window` (all of them when `when` is None). Times are compared as `posting_time` rounds them."""
        ...

    def get(self, story_id: StoryId) -> StorySummary: ...

    def add(self, story_id: StoryId, summary: StorySummary) -> None: ...

    def update(self, story_id: StoryId, summary: StorySummary) -> None: ...

    def remove(self, story_id: StoryId) -> None: ...


# Index shape, shared by MemoryStoryIndex and the database-backed index: keys indexed per story, postings read per
# key (newest first), candidates returned per lookup.
INDEX_TERMS = 24
INDEX_ENTITIES = 12
# Postings read per key: a key's stories beyond its newest INDEX_PER_KEY get no weight from it. Only common keys
# have that many active stories, and their IDF makes them light; an event's own names and rare terms have short lists.
# Read postings are most of a lookup's cost once lists fill up (a large archive), so this is the cost of a lookup at
# scale. 32, a third more than a lookup returns: the densest stream benchmarked (UCI headlines, about 4,200 a day)
# clusters identically with 32 and 64, and loses 0.004 pair F1 only at 16.
INDEX_PER_KEY = 32
INDEX_LIMIT = 24
KEY_WEIGHT_SCALE = 1_000_000  # lookup weights are integers: this many to a weight of 1


def posting_time(when: datetime | None) -> datetime | None:
    """A story's last_seen as its postings carry it: rounded down to the hour (in UTC for an aware time).

    The postings' time orders a key's stories newest first and keeps the window; it need not be exact, and a story's
    postings then move only when it is first active in a new hour, not with every article (a running story takes
    several an hour): in the UCI headline stream, 69% fewer posting writes, with the same stories on every benchmark
    set. A lookup keeps every story whose last_seen is in the window (it rounds the window's start down too)."""
    if when is None:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(_UTC)
    return when.replace(minute=0, second=0, microsecond=0)


class MemoryStoryIndex:
    """Inverted index in dicts. Each key's posting list keeps its `per_key` most recently active stories, so a common
    key never costs more than that, however large the archive; `candidates` returns at most `limit` stories, those
    sharing the most keys with the article (ties: the most recent, by `posting_time`, then the lowest id)."""

    def __init__(self, *, terms_per_story: int = INDEX_TERMS, entities_per_story: int = INDEX_ENTITIES,
                 per_key: int = INDEX_PER_KEY, limit: int = INDEX_LIMIT) -> None:
        self.terms_per_story, self.entities_per_story = terms_per_story, entities_per_story
        self.per_key, self.limit = per_key, limit
        self.postings: dict[str, dict[StoryId, datetime | None]] = {}
        self.summaries: dict[StoryId, StorySummary] = {}
        self.story_keys: dict[StoryId, set[str]] = {}

    def __len__(self) -> int:
        return len(self.summaries)

    def get(self, story_id: StoryId) -> StorySummary:
        return self.summaries[story_id]

    def candidates(self, keys: Mapping[str, int], when: datetime | None,
                   window: timedelta) -> list[tuple[StoryId, StorySummary]]:
        since = posting_time(when - window) if when is not None else None
        shared: dict[StoryId, int] = {}
        seen: dict[StoryId, datetime | None] = {}  # a story's postings all carry one time
        for key, weight in keys.items():
            for story_id, last_seen in self.postings.get(key, {}).items():
                if since is None or last_seen is None or last_seen >= since:
                    shared[story_id] = shared.get(story_id, 0) + weight
                    seen[story_id] = last_seen
        ranked = sorted(shared.items(), key=lambda item: (-item[1], -_stamp(seen[item[0]]), _order(item[0])))
        return [(story_id, self.summaries[story_id]) for story_id, _ in ranked[: self.limit]]

    def add(self, story_id: StoryId, summary: StorySummary) -> None:
        self.story_keys[story_id] = set()
        self.update(story_id, summary)

    def update(self, story_id: StoryId, summary: StorySummary) -> None:
        self.summaries[story_id] = summary
        new_keys = summary.keys(self.terms_per_story, self.entities_per_story)
        old_keys = self.story_keys.get(story_id, set())
        for key in old_keys - new_keys:
            self.postings.get(key, {}).pop(story_id, None)
        stamp = posting_time(summary.last_seen)
        for key in new_keys:
            posting = self.postings.setdefault(key, {})
            posting[story_id] = stamp
            if len(posting) > self.per_key * 5 // 4:
                keep = sorted(posting.items(), key=lambda item: (-_stamp(item[1]), _order(item[0])))[: self.per_key]
                self.postings[key] = dict(keep)
        self.story_keys[story_id] = new_keys

    def remove(self, story_id: StoryId) -> None:
        for key in self.story_keys.pop(story_id, set()):
            self.postings.get(key, {}).pop(story_id, None)
        self.summaries.pop(story_id, None)


def _stamp(when: datetime | None) -> float:
    return when.timestamp() if when is not None else 0.0


def _order(story_id: StoryId):
    return (0, story_id) if isinstance(story_id, int) else (1, str(story_id))


# --- scoring -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    """The engine's figures: one configuration for every source, set by reasoning about news streams (see each line),
    then checked, not fitted, on the benchmark sets."""

    # score = (1 - entity_share) * cosine(article, story centroid) + entity_share * cosine(entities) - time penalty
    #         + heat bonus; the best candidate is joined when its score reaches `threshold`, else a story starts.
    threshold: float = 0.15
    entity_share: float = 0.2  # shared people/organisations/places: aliases and names that the words miss
    # Shared-entity evidence (kind weight x specificity, summed; see Clusterer.entity_confidence) at which the entity
    # cosine counts in full: one rare person or organisation, or two or three moderately rare names.
    entity_evidence: float = 0.7
    min_similarity: float = 0.05  # below this blended similarity no time bonus can make a candidate eligible
    window: timedelta = timedelta(days=120)  # candidates: stories active within this of the article
    # Time penalty: the gap to the story's last article, measured in the story's own pace (its mean interval between
    # articles, between `pace_min_days` and `pace_max_days`; `last_gap_days` for a one-article story), says whether
    # the story is still running; its age says whether this could be a new event on an old topic (next year's
    # ceremony). Both grow logarithmically, so a close match still joins a quiet story (a follow-up, a retrospective)
    # while a loose, same-topic one does not.
    last_gap_scale: float = 0.06
    last_gap_days: float = 2.0
    pace_min_days: float = 1 / 24
    pace_max_days: float = 2.0
    pace_prior: float = 2.0  # pseudo-intervals of `last_gap_days` in the pace estimate (see time_penalty)
    age_scale: float = 0.03
    age_days: float = 14.0
    # The time penalty weighs as much as the content leaves in doubt: in full at a blended similarity of
    # `penalty_pivot`, more below it, less above, none for an identical text. A follow-up that repeats the event's
    # specifics (a misdated copy, a late republication, "death toll rises to 85") still joins an older story, while a
    # same-topic new event, which shares the topic's words but not its names and figures, still starts its own.
    penalty_pivot: float = 0.3
    # Heat bonus: a story being covered right now draws the next related article (the prior of a Dirichlet-Hawkes
    # process: proportional to the story's recent, exponentially decayed article count).
    heat_scale: float = 0.04
    heat_hours: float = 6.0
    heat_ref: float = 5.0
    centroid_terms: int = 200  # K, the terms a story's centroid keeps
    story_entities: int = 50  # entity keys a story summary keeps
    query_terms: int = 20  # article terms used to look up candidates
    merge_threshold: float = 0.5  # centroid cosine (less the time penalty) at which two stories are one event


@dataclass(frozen=True)
class Assignment:
    story_id: StoryId
    created: bool
    score: float
    # The other stories the article's score would also have let it join, as they were: those it bridges (`settle`)
    others: tuple[tuple[StoryId, StorySummary], ...] = ()


def heaviest(weights: Mapping[str, float], n: int) -> list[str]:
    """The `n` keys of largest weight, ties in key order: `sorted(weights, key=lambda k: (-weights[k], k))[:n]`, as
    two sorts with C-level keys (by key, then stably by weight, descending), several times faster."""
    return sorted(sorted(weights), key=weights.__getitem__, reverse=True)[:n]


# Vector arithmetic runs for every candidate of every article, so it is written as C-level loops (map over the
# dicts) rather than generator expressions: the same products summed in the same order, so the same floats, about
# three times faster.

def _norm(vector: dict[str, float]) -> float:
    values = vector.values()
    return math.sqrt(sum(map(mul, values, values)))


def _unit(vector: dict[str, float]) -> dict[str, float]:
    norm = _norm(vector)
    return {k: v / norm for k, v in vector.items()} if norm else {}


def _cosine(unit_vector: dict[str, float], other: dict[str, float], norm: float | None = None) -> float:
    """Cosine of a unit vector and another vector, whose norm may be given (a story's is computed once)."""
    norm = _norm(other) if norm is None else norm
    if not norm:
        return 0.0
    small, large = (other, unit_vector) if len(other) < len(unit_vector) else (unit_vector, other)
    return sum(map(mul, small.values(), map(large.get, small, itertools.repeat(0.0)))) / norm


def _heat(story: StorySummary, when: datetime | None, hours: float) -> float:
    if when is None or story.last_seen is None or when <= story.last_seen:
        return story.heat
    return story.heat * math.exp(-(when - story.last_seen).total_seconds() / 3600.0 / hours)


def _days(delta: timedelta) -> float:
    return max(0.0, delta.total_seconds() / 86400.0)


class Clusterer:
    """Assigns articles to stories one at a time, deterministically, through a StoryIndex and TermStats."""

    def __init__(self, index: StoryIndex | None = None, stats: TermStats | None = None, *,
                 config: Config | None = None, new_story_id: Callable[[], StoryId] | None = None,
                 kept_apart: Callable[[StoryId, StoryId], bool] | None = None) -> None:
        self.index = index if index is not None else MemoryStoryIndex()
        self.stats = stats if stats is not None else MemoryTermStats()
        self.config = config or Config()
        self.new_story_id = new_story_id or itertools.count(1).__next__
        # Whether two stories must stay apart whatever their content (an editor split them): never merged here
        self.kept_apart = kept_apart

    # The parts of `assign`, public so that a database-backed caller can run them inside its own transaction.

    def weigh(self, features: ArticleFeatures) -> tuple[dict[str, float], dict[str, float]]:
        """Count the article in the term stats, then return its unit TF-IDF vector and IDF-weighted entities."""
        self.stats.add_document(itertools.chain(features.terms, ("e:" + key for key in features.entities)))
        return self.weights(features)

    def weights(self, features: ArticleFeatures) -> tuple[dict[str, float], dict[str, float]]:
        """The article's unit TF-IDF vector and IDF-weighted entities under the current term stats (no counting)."""
        idfs = self.stats.idfs
        weights = features.terms
        vector = _unit(dict(zip(weights, map(mul, weights.values(), idfs(weights)), strict=True)))
        weights = features.entities
        entities = dict(zip(weights, map(mul, weights.values(), idfs(["e:" + key for key in weights])), strict=True))
        return vector, entities

    def query_keys(self, vector: dict[str, float], entities: dict[str, float]) -> dict[str, int]:
        """Index keys to look candidates up by, weighted: the article's heaviest terms and its main entities. Weights
        are in millionths, as integers, so that their sums are exact in any order (the database sums them)."""
        keys = {"t:" + term: round(vector[term] * KEY_WEIGHT_SCALE) for term in heaviest(vector, self.config.query_terms)}
        total = sum(entities.values()) or 1.0
        for key in heaviest(entities, self.config.query_terms):
            keys["e:" + key] = round(entities[key] / total * KEY_WEIGHT_SCALE)
        return keys

    def score(self, vector: dict[str, float], entities: dict[str, float], when: datetime | None,
              story: StorySummary) -> float:
        """Blend of term cosine and entity cosine, less the time penalty, plus the heat bonus."""
        return self.scorer(vector, entities, when)(story)

    def scorer(self, vector: dict[str, float], entities: dict[str, float],
               when: datetime | None) -> Callable[[StorySummary], float]:
        """`score` of one article against story after story: what depends on the article alone is worked out once."""
        config = self.config
        share = config.entity_share
        # The story side was IDF-weighted as its articles arrived: IDF is only looked up for the article's keys.
        unit_entities = _unit(entities) if share and entities else {}
        evidence = self._entity_evidence(entities) if unit_entities else None

        def score(story: StorySummary) -> float:
            similarity = _cosine(vector, story.centroid, story.centroid_norm)
            if unit_entities and story.entities:
                entity_similarity = (_cosine(unit_entities, story.entities, story.entities_norm)
                                     * self._confidence(evidence, story))
                similarity = (1 - share) * similarity + share * entity_similarity
            elif share:
                similarity *= 1 - share
            if similarity < config.min_similarity:
                return -1.0
            doubt = max(0.0, 1.0 - similarity) / (1.0 - config.penalty_pivot) if config.penalty_pivot < 1 else 1.0
            return similarity - doubt * self.time_penalty(when, story) + self.heat_bonus(when, story)

        return score

    def _entity_evidence(self, entities: dict[str, float]) -> dict[str, float] | None:
        """What each of the article's entities proves when a story shares it: its kind's weight times its specificity
        (see `entity_confidence`); None when there is no corpus yet to tell (every match then counts in full)."""
        idfs = self.stats.idfs(["e:" + key for key in entities] + [UNSEEN_KEY])
        most = idfs.pop() - 1.0  # the IDF of a key no article has: log(N + 1) + 1
        if most <= 0:
            return None
        return {key: ENTITY_KIND_WEIGHT.get(key.split(":", 1)[0], 0.8) * (max(0.0, idf - 1.0) / most)
                for key, idf in zip(entities, idfs, strict=True)}

    def _confidence(self, evidence: dict[str, float] | None, story: StorySummary) -> float:
        if evidence is None:
            return 1.0
        total = 0.0
        for key, proof in evidence.items():
            if key in story.entities:
                total += proof
        return min(1.0, total / self.config.entity_evidence)

    def entity_confidence(self, entities: dict[str, float], story: StorySummary) -> float:
        """How much a match on these entities says, from 0 to 1: the specificity of the shared entities, summed.

        The entity cosine alone is scale-free, so a headline whose only name is "U.S." matches every story about
        America perfectly. A shared entity counts by its kind (a place is weaker evidence than a person) times its
        specificity, the share of the corpus' information it carries: (idf - 1) / (max idf - 1), i.e.
        log(N / df) / log(N), near 1 for a name a handful of articles mention, near 0 for one in every article.
        """
        return self._confidence(self._entity_evidence(entities), story)

    def heat_bonus(self, when: datetime | None, story: StorySummary) -> float:
        config = self.config
        if not config.heat_scale or when is None:
            return 0.0
        return config.heat_scale * math.log1p(_heat(story, when, config.heat_hours) / config.heat_ref)

    def time_penalty(self, when: datetime | None, story: StorySummary) -> float:
        if when is None or story.last_seen is None or story.first_seen is None:
            return 0.0
        config = self.config
        if when >= story.first_seen:
            since_last = _days(when - story.last_seen)
        else:  # an older article arriving late
            since_last = _days(story.first_seen - when)
        age = _days(when - story.first_seen)
        # The story's pace: its mean interval, shrunk towards `last_gap_days` by `pace_prior` pseudo-intervals, so
        # that a few articles with the same (date-only) time do not make a story look as fast as a real burst.
        span = _days(story.last_seen - story.first_seen)
        intervals = story.size - 1 + config.pace_prior
        pace = (span + config.pace_prior * config.last_gap_days) / intervals if intervals > 0 else config.last_gap_days
        pace = min(config.pace_max_days, max(config.pace_min_days, pace))
        return (config.last_gap_scale * math.log1p(since_last / pace)
                + config.age_scale * math.log1p(age / config.age_days))

    def assign(self, features: ArticleFeatures) -> Assignment:
        """Put the article in the best-scoring candidate story, or start a new story if none reaches the threshold."""
        vector, entities = self.weigh(features)
        when = features.published_at
        best: tuple[float, StoryId, StorySummary] | None = None
        score = self.scorer(vector, entities, when)
        eligible = []  # the candidates the article could join
        for story_id, summary in self.index.candidates(self.query_keys(vector, entities), when, self.config.window):
            value = score(summary)
            if value >= self.config.threshold:
                eligible.append((story_id, summary))
            if best is None or value > best[0] or value == best[0] and _order(story_id) < _order(best[1]):
                best = (value, story_id, summary)
        if best is not None and best[0] >= self.config.threshold:
            score, story_id, summary = best
            self.index.update(story_id, self.absorb(summary, vector, features, entities))
            return Assignment(story_id, False, score, tuple(c for c in eligible if c[0] != story_id))
        story_id = self.new_story_id()
        self.index.add(story_id, self.absorb(StorySummary(), vector, features, entities))
        return Assignment(story_id, True, best[0] if best else 0.0)

    def absorb(self, summary: StorySummary, vector: dict[str, float], features: ArticleFeatures,
               entities: dict[str, float] | None = None) -> StorySummary:
        """The summary with one more article in it (a new object; the old one is left as it was). `vector` and
        `entities` are what `weigh` returned for the article; without `entities` each entity counts 1."""
        config = self.config
        centroid = dict(summary.centroid)
        for term, weight in vector.items():
            centroid[term] = centroid.get(term, 0.0) + weight
        if len(centroid) > config.centroid_terms:
            centroid = {term: centroid[term] for term in heaviest(centroid, config.centroid_terms)}
        added = _unit(entities) if entities else dict.fromkeys(features.entities, 1.0)
        story_entities = dict(summary.entities)
        for key, weight in added.items():
            story_entities[key] = story_entities.get(key, 0.0) + weight
        if len(story_entities) > config.story_entities:
            story_entities = {key: story_entities[key] for key in heaviest(story_entities, config.story_entities)}
        when = features.published_at
        outlets = dict(summary.outlets)
        if features.outlet:
            outlets[features.outlet] = outlets.get(features.outlet, 0) + 1
        heat = _heat(summary, when, config.heat_hours) + 1.0 if summary.size else 1.0
        if when is not None and summary.last_seen is not None and when < summary.last_seen:
            heat = summary.heat + 1.0  # an older article arriving late: the heat is kept as of last_seen
        return replace(summary, heat=heat, centroid=centroid, entities=story_entities,
                       first_seen=min(filter(None, (summary.first_seen, when)), default=None),
                       last_seen=max(filter(None, (summary.last_seen, when)), default=None),
                       size=summary.size + 1, outlets=outlets)

    def merge_candidates(self, story_id: StoryId, summary: StorySummary,
                         among: Iterable[tuple[StoryId, StorySummary]] | None = None) -> list[tuple[StoryId, StoryId]]:
        """Pairs (kept, absorbed) of stories that look like one event: `story_id` and each story whose centroid is
        within `merge_threshold` cosine of its own, less the time penalty of the gap between their active periods.
        The stories compared are `among` (ids and summaries), or else those the index finds for the story's own keys;
        stories `kept_apart` are never paired. The lower-ordered id is kept; pairs come sorted. Call it after an
        update, then `merge` each pair."""
        vector = _unit(summary.centroid)
        if among is None:
            keys = self.query_keys(vector, {k: v for k, v in summary.entities.items()})
            among = self.index.candidates(keys, summary.last_seen, self.config.window)
        pairs = set()
        for other_id, other in among:
            if other_id == story_id:
                continue
            gap = self._period_gap(summary, other)
            penalty = self.time_penalty(other.last_seen + gap, other) if gap and other.last_seen else 0.0
            if (_cosine(vector, other.centroid, other.centroid_norm) - penalty >= self.config.merge_threshold
                    and not (self.kept_apart and self.kept_apart(story_id, other_id))):
                pairs.add((story_id, other_id) if _order(story_id) < _order(other_id) else (other_id, story_id))
        return sorted(pairs, key=lambda p: (_order(p[0]), _order(p[1])))

    def merge(self, kept_id: StoryId, absorbed_id: StoryId) -> StorySummary:
        """Fold story `absorbed_id` into `kept_id` in the index; return the kept story's new summary."""
        merged = merge_summaries(self.index.get(kept_id), self.index.get(absorbed_id), self.config)
        self.index.remove(absorbed_id)
        self.index.update(kept_id, merged)
        return merged

    def settle(self, assignment: Assignment | StoryId) -> list[tuple[StoryId, StoryId]]:
        """Merge a story with every story that `merge_candidates` pairs it with, until none is left; return the merges
        done as (kept, absorbed). The caller moves the absorbed stories' articles to the kept ones.

        Given an `Assignment`, the story is compared with the other stories its article could have joined: two
        stories become one event when an article joins one of them while drawing on the other, so those are the
        stories it can bridge (no second lookup; a story's centroid moves only by the articles it absorbs). Given a
        story id, with the stories the index finds for the story's own keys."""
        if not isinstance(assignment, Assignment):
            among, story_id = None, assignment
        else:
            among, story_id = dict(assignment.others), assignment.story_id
        merges = []
        while (among is None or among) and (pairs := self.merge_candidates(
                story_id, self.index.get(story_id), None if among is None else among.items())):
            kept, absorbed = pairs[0]
            self.merge(kept, absorbed)
            merges.append((kept, absorbed))
            story_id = kept
            if among is not None:  # the others are as they were; the two merged are now one
                among.pop(kept, None)
                among.pop(absorbed, None)
        return merges

    @staticmethod
    def _period_gap(a: StorySummary, b: StorySummary) -> timedelta:
        if None in (a.first_seen, a.last_seen, b.first_seen, b.last_seen):
            return timedelta(0)
        if a.first_seen > b.last_seen:
            return a.first_seen - b.last_seen
        if b.first_seen > a.last_seen:
            return b.first_seen - a.last_seen
        return timedelta(0)


def merge_summaries(a: StorySummary, b: StorySummary, config: Config | None = None) -> StorySummary:
    """One summary for two stories: centroids and counts added, the wider time span, heat as of the later story."""
    config = config or Config()

    def add(x: dict, y: dict) -> dict:
        out = dict(x)
        for k, v in y.items():
            out[k] = out.get(k, 0) + v
        return out

    def top(d: dict, n: int) -> dict:
        return {k: d[k] for k in heaviest(d, n)} if len(d) > n else d

    times = [t for t in (a.first_seen, b.first_seen) if t is not None]
    lasts = [t for t in (a.last_seen, b.last_seen) if t is not None]
    later, earlier = (a, b) if _stamp(a.last_seen) >= _stamp(b.last_seen) else (b, a)
    heat = later.heat + _heat(earlier, later.last_seen, config.heat_hours)
    return StorySummary(top(add(a.centroid, b.centroid), config.centroid_terms),
                        top(add(a.entities, b.entities), config.story_entities),
                        min(times, default=None), max(lasts, default=None), a.size + b.size,
                        add(a.outlets, b.outlets), heat)
