"""Numbers the sources state about the event ("93 countries", "at least 12 people", "$700 billion"), with how many
independent reports state each, and where the reports disagree.

A fact is a number and the noun it counts. Two reports disagree when each states exactly one value for the same
noun and the values differ (an article that gives several values for one noun is describing several things, not
contradicting anybody). Years, dates, times, ages and ordinals are not facts. Only each article's lead is read:
the event's own figures are there, while the rest of a long article is background full of other numbers.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
    "dozens": None, "hundreds": None, "thousands": None,
}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "m": 1e6, "bn": 1e9}
_NOT_COUNTED = {
    "year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours", "minute", "minutes",
    "second", "seconds", "am", "pm", "a", "p", "the", "of", "and", "or", "to", "in", "on", "at", "for", "by",
    "percent", "per", "times", "time", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "january", "february", "march", "april", "june", "july", "august", "september",
    "october", "november", "december", "p.m", "a.m", "gmt", "utc", "edt", "est", "bst", "cet", "was", "were",
    "is", "are", "has", "have", "had", "will", "would", "he", "she", "it", "they", "we", "i", "you", "that",
    "than", "as", "more", "less", "from", "with", "after", "before", "about", "into", "over", "under", "since",
}
_FACT = re.compile(
    r"(?<![\w$€£.,-])(?P<currency>[$€£])?\s?(?P<number>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|"
    + "|".join(_NUMBER_WORDS) + r")\b(?:\s+(?P<scale>thousand|million|billion|trillion|bn|m)\b)?"
    r"(?:(?P<hyphen>-)|\s+)(?P<noun>[A-Za-z][a-z]{2,})\b",
    re.IGNORECASE,
)


@dataclass
class Statement:
    source_id: int
    origin: str
    start: int
    end: int


@dataclass
class FactValue:
    value: float | None
    text: str  # as first stated, e.g. "$700 billion"
    statements: list[Statement] = field(default_factory=list)

    @property
    def reports(self) -> int:
        return len({s.origin for s in self.statements})


@dataclass
class Fact:
    noun: str
    values: list[FactValue]

    @property
    def disputed(self) -> bool:
        return len(self.values) > 1

    def to_dict(self) -> dict:
        return {
            "noun": self.noun, "disputed": self.disputed,
            "values": [{"value": v.value, "text": v.text, "reports": v.reports,
                        "sources": [{"article": s.source_id, "start": s.start, "end": s.end} for s in v.statements]}
                       for v in self.values],
        }


def _value(number: str, scale: str | None) -> float | None:
    word = number.lower()
    if word in _NUMBER_WORDS:
        base = _NUMBER_WORDS[word]
    else:
        base = float(number.replace(",", ""))
    if base is None:
        return None
    return base * _SCALES.get((scale or "").lower(), 1)


def _noun(word: str) -> str:
    word = word.lower()
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


# Nouns that count without a plural "s" ("40 people", "200 police"); other counts above one must be plural, or a
# past participle as in vote tallies ("18 opposed"), so that "three ballistic" or "11 protection" are not facts.
_INVARIANT = frozenset({"people", "police", "staff", "personnel", "aircraft", "sheep", "deer", "fish", "livestock",
                        "cattle", "crew", "youth", "children", "women", "men", "feet", "teeth", "mice", "geese"})


def _counts(noun: str, value: float | None, amount: bool) -> bool:
    if amount or value is None or value <= 1:
        return True
    word = noun.lower()
    return word in _INVARIANT or word.endswith(("s", "ed"))


def find_numbers(text: str):
    """(noun, value, shown text, start, end) for each counted number in a text."""
    for match in _FACT.finditer(text):
        noun = match.group("noun")
        if match.group("hyphen") or noun.lower() in _NOT_COUNTED:  # "42-year-old", "3 p.m.", "in 2019 the"
            continue
        number = match.group("number")
        if re.fullmatch(r"(1[89]|20)\d\d", number) and not match.group("currency"):  # a year
            continue
        value = _value(number, match.group("scale"))
        if not _counts(noun, value, bool(match.group("currency") or match.group("scale"))):
            continue
        shown = match.group(0).strip()
        yield _noun(noun), value, shown, match.start(), match.end()


LEAD_CHARACTERS = 1200


def extract_facts(sources: list[tuple[int, str, str]], *, limit: int = 12) -> list[Fact]:
    """Facts from (source id, text, origin) triples; reprints share their original's origin, so they add nothing to
    a value's report count. Facts stated by more reports come first."""
    by_noun: dict[str, dict[float | None, FactValue]] = defaultdict(dict)
    per_source: dict[tuple[str, str], set] = defaultdict(set)
    for source_id, text, origin in sources:
        for noun, value, shown, start, end in find_numbers(text[:LEAD_CHARACTERS]):
            per_source[(noun, origin)].add(value)
            fact_value = by_noun[noun].setdefault(value, FactValue(value, shown))
            fact_value.statements.append(Statement(source_id, origin, start, end))
    facts = []
    for noun, values in by_noun.items():
        single = {origin: next(iter(v)) for (n, origin), v in per_source.items() if n == noun and len(v) == 1}
        stated = [v for v in values.values() if v.reports >= 2 or v.value in single.values()]
        if not stated:
            continue
        distinct = {single[o] for o in single}
        if len(distinct) > 1:  # reports that each give one value, and not the same one: a disagreement
            shown = [values[v] for v in sorted(distinct, key=lambda v: (v is None, v))]
        else:
            best = max(stated, key=lambda v: (v.reports, -(v.statements[0].start)))
            shown = [best]
        facts.append(Fact(noun, shown))
    facts.sort(key=lambda f: (not f.disputed, -max(v.reports for v in f.values), f.values[0].statements[0].start))
    return facts[:limit]
