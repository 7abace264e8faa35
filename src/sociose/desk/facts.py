"""Numbers the sources state about the event ("93 countries", "at least 12 people", "$700 billion"), with how many
independent reports state each, and where the reports disagree.

A fact is a number and the noun it counts, kept with the sentence that states it (a bare "5 factories" tells a
reader nothing). Two reports disagree when each states exactly one value for the same noun and the values are close
enough to be two accounts of one quantity (12 or 14 dead; not 350 dealers closing and 6,246 dealers in all): an
article that gives several values for one noun is describing several things, not contradicting anybody. Years,
dates, times, ages, ordinals and numbers that are part of a name ("S&P 500", "Flight 370", "June 1") are not facts.
Only each article's lead is read: the event's own figures are there, while the rest of a long article is background
full of other numbers. When a story has several reports, a figure only one of them states is left out.
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
    "plus", "overall", "each", "apiece", "total", "combined", "altogether", "usd", "eur", "gbp",
}
_FACT = re.compile(
    r"(?<![\w$€£.,-])(?P<currency>[$€£])?\s?(?P<number>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|"
    + "|".join(_NUMBER_WORDS) + r")\b(?:\s+(?P<scale>thousand|million|billion|trillion|bn|m)\b)?"
    r"(?:(?P<hyphen>-)|\s+)(?!(?:thousand|million|billion|trillion)\b)(?P<noun>[A-Za-z][a-z]{2,})\b",
    re.IGNORECASE,
)
# A capitalised word right before a number makes the number part of a name ("S&P 500", "Flight 370", "June 1",
# "Windows 7"), unless the word is one of these, which open a sentence with a count ("Some 93 countries").
_BEFORE_COUNT = frozenset({
    "about", "some", "nearly", "almost", "more", "over", "around", "roughly", "only", "just", "all", "the", "another",
    "up", "exactly", "approximately", "fewer", "less", "than", "at", "least", "most", "an", "estimated", "and", "but",
    "while", "of", "those", "these", "its", "their", "his", "her", "our", "by", "to", "with", "for", "as", "in", "on",
    "after", "since", "between", "among", "when",
})
# Abbreviations whose full stop does not end a sentence and whose number is part of a name or a date ("No. 5",
# "Jan. 5").
_ABBREVIATIONS = frozenset({"no.", "nos.", "jan.", "feb.", "mar.", "apr.", "jun.", "jul.", "aug.", "sep.", "sept.",
                            "oct.", "nov.", "dec.", "st.", "rt.", "rte.", "hwy."})
_WORD_BEFORE = re.compile(r"([\w&.’']+)\s*$")
# Past participles that count people or votes ("18 opposed", "12 injured"); other words ending in -ed are verbs
# after a number that belongs to something else ("the index 500 plunged").
_COUNTED_PARTICIPLES = frozenset({
    "opposed", "abstained", "injured", "wounded", "killed", "arrested", "detained", "displaced", "evacuated",
    "rescued", "infected", "hospitalized", "hospitalised", "confirmed", "missing", "dead", "affected", "deported",
    "charged", "convicted", "sentenced", "elected", "employed",
})


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
    context: str = ""  # the sentence of the first statement, verbatim
    context_span: tuple[int, int] = (0, 0)  # where that sentence is in its source's text

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
                        "context": {"text": v.context, "article": v.statements[0].source_id,
                                    "start": v.context_span[0], "end": v.context_span[1]},
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
    """Does `noun` count `value` of something? Money always does; other counts above one need a plural noun, a noun
    that has no plural form, or a participle that counts people ("18 opposed")."""
    if amount or value is None or value <= 1:
        return True
    word = noun.lower()
    return word in _INVARIANT or word in _COUNTED_PARTICIPLES or (word.endswith("s") and not word.endswith("ss"))


def _part_of_name(text: str, start: int) -> bool:
    """Is the number at `start` part of a name: right after a capitalised word or a symbol such as "S&P"?"""
    m = _WORD_BEFORE.search(text, max(0, start - 40), start)
    if not m:
        return False
    word = m.group(1)
    if word.endswith(".") and word.lower() not in _ABBREVIATIONS:  # "... in Paris. 12 people died"
        return False
    word = word.rstrip(".")
    return bool(word) and (word[0].isupper() or "&" in word) and word.lower() not in _BEFORE_COUNT


# "149 confirmed orders": a participle between the number and a plural noun describes what is counted
_NOUN_AFTER = re.compile(r"\s+([a-z]{3,}s)\b")


def find_numbers(text: str):
    """(noun, value, shown text, start, end) for each counted number in a text."""
    # A number the text also writes as part of a name ("Boeing 777", "Windows 7") is that name wherever it stands:
    # "Qatar will buy 20 larger 777 planes" does not count 777 planes.
    names = {m.group(1) for m in re.finditer(r"\b[A-Z][\w&-]*\s+(\d+)\b", text)
             if m.group(0).split()[0].lower() not in _BEFORE_COUNT}
    for match in _FACT.finditer(text):
        noun = match.group("noun")
        if match.group("hyphen") or noun.lower() in _NOT_COUNTED:  # "42-year-old", "3 p.m.", "in 2019 the"
            continue
        if noun.lower().endswith("ly"):
            continue  # "$199 and $299 respectively": an adverb, no noun counted
        end = match.end()
        if noun.lower() in _COUNTED_PARTICIPLES and (after := _NOUN_AFTER.match(text, end)) \
                and after.group(1) not in _NOT_COUNTED:
            noun, end = after.group(1), after.end()
        number = match.group("number")
        in_words = _NUMBER_WORDS.get(number.lower())  # None for digits and for "dozens"
        if in_words and in_words <= 10 and not _counts_people(noun) and noun.lower() not in _COUNTED_PARTICIPLES:
            continue  # "two companies", "five colours": small counts in words describe; counts of people stay
        if re.fullmatch(r"(1[89]|20)\d\d", number) and not match.group("currency"):  # a year
            continue
        if not match.group("currency") and (_part_of_name(text, match.start()) or number in names):
            continue
        value = _value(number, match.group("scale"))
        if not _counts(noun, value, bool(match.group("currency"))):
            continue
        shown = text[match.start():end].strip()
        yield _noun(noun) + _outcome(text, match.start(), end, noun), value, shown, match.start(), end


# What happened to the people a number counts, read from the next few words: "59 people were killed" and "527 people
# were injured" are two facts, not two accounts of one.
_OUTCOMES = (
    ("killed", r"killed|dead|died|die|deaths?|lost their lives|perished|murdered|massacred|shot dead"),
    ("injured", r"injured|wounded|hurt|hospitali[sz]ed|treated"),
    ("missing", r"missing|unaccounted"),
    ("arrested", r"arrested|detained|held|charged"),
    ("displaced", r"evacuated|displaced|fled|homeless|rescued"),
)
_OUTCOME_WORDS = "|".join(f"(?P<{name}>{words})" for name, words in _OUTCOMES)
# "59 people were killed", "12 people dead", "40 people have been hurt": only auxiliaries between count and outcome
_OUTCOME_AFTER = re.compile(r"(?:\s++(?:were|was|are|is|have|has|had|been|being|to be|now|reportedly|believed|feared|"
                            r"confirmed|reported|so far|already|left))*\s++(?:" + _OUTCOME_WORDS + r")\b", re.IGNORECASE)
# "killed at least 50 people", "wounded over 400": the outcome verb right before the count
_OUTCOME_BEFORE = re.compile(r"\b(?:" + _OUTCOME_WORDS + r")(?:\s+(?:at least|more than|over|some|about|nearly|"
                             r"almost|around|up to|an estimated|as many as))?\s+$", re.IGNORECASE)


# Nouns that count people: only their counts are split by outcome ("40 homes evacuated" and "45 homes to be
# evacuated" stay one fact, so that the two reports can disagree).
_PEOPLE = frozenset({
    "people", "person", "persons", "civilian", "child", "children", "adult", "women", "men", "resident", "soldier",
    "troop", "officer", "police", "passenger", "student", "worker", "migrant", "refugee", "protester", "protestor",
    "victim", "tourist", "citizen", "miner", "patient", "pilgrim", "fan", "spectator", "crew", "member", "villager",
    "prisoner", "inmate", "hostage", "employee", "staff", "firefighter", "militant", "fighter", "rebel", "demonstrator",
})


def _counts_people(noun: str) -> bool:
    return _noun(noun) in _PEOPLE or noun.lower() in _PEOPLE


def _outcome(text: str, start: int, end: int, noun: str) -> str:
    """" killed", " injured", ... when the words around a count of people say what befell them, else ""."""
    if not _counts_people(noun):
        return ""
    m = _OUTCOME_AFTER.match(text, end, end + 60) or _OUTCOME_BEFORE.search(text, max(0, start - 40), start)
    return next((f" {name}" for name, _ in _OUTCOMES if m.group(name)), "") if m else ""


LEAD_CHARACTERS = 1200
# Two single values for one noun are two accounts of one quantity (a disagreement) only when the larger is at most
# this many times the smaller: death tolls and vote counts that differ do so by a little, not tenfold.
DISAGREEMENT_RATIO = 1.5
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])|\n")


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the sentence holding text[start:end], found by full stops and line breaks."""
    left = 0
    for m in _SENTENCE_END.finditer(text):  # not finditer(text, 0, start): its lookahead must see past `start`
        if m.end() > start:
            break
        left = m.end()
    m = _SENTENCE_END.search(text, end)
    right = m.start() + 1 if m and text[m.start()] in ".!?" else (m.start() if m else len(text))
    return left, right


def _disagree(values: set) -> bool:
    known = [v for v in values if v]
    return len(values) > 1 and len(known) == len(values) and max(known) <= DISAGREEMENT_RATIO * min(known)


def extract_facts(sources: list[tuple[int, str, str]], *, limit: int = 12) -> list[Fact]:
    """Facts from (source id, text, origin) triples; reprints share their original's origin, so they add nothing to
    a value's report count. Facts stated by more reports come first. When there are several reports, a figure only
    one of them states is left out (unless another report gives a different value for it): one page's lead can hold
    background and page furniture, and what two reports state independently is the event's."""
    by_noun: dict[str, dict[float | None, FactValue]] = defaultdict(dict)
    per_source: dict[tuple[str, str], set] = defaultdict(set)
    for source_id, text, origin in sources:
        lead = text[:LEAD_CHARACTERS]
        for noun, value, shown, start, end in find_numbers(lead):
            per_source[(noun, origin)].add(value)
            fact_value = by_noun[noun].get(value)
            if fact_value is None:
                fact_value = by_noun[noun][value] = FactValue(value, shown)
                fact_value.context_span = sentence_around(text, start, end)
                fact_value.context = text[slice(*fact_value.context_span)]
            fact_value.statements.append(Statement(source_id, origin, start, end))
    facts = []
    for noun, values in by_noun.items():
        single = {origin: next(iter(v)) for (n, origin), v in per_source.items() if n == noun and len(v) == 1}
        stated = [v for v in values.values() if v.reports >= 2 or v.value in single.values()]
        if not stated:
            continue
        distinct = {single[o] for o in single}
        if _disagree(distinct):  # reports that each give one value, close but not the same: a disagreement
            shown = [values[v] for v in sorted(distinct)]
        else:
            best = max(stated, key=lambda v: (v.reports, -(v.statements[0].start)))
            shown = [best]
        facts.append(Fact(noun, shown))
    if len({origin for _, _, origin in sources}) > 1:  # several reports: only what they corroborate or dispute
        facts = [f for f in facts if f.disputed or f.values[0].reports >= 2]
    facts.sort(key=lambda f: (not f.disputed, -max(v.reports for v in f.values), f.values[0].statements[0].start))
    return facts[:limit]
