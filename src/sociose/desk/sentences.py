"""Sentence splitting with character offsets, by rules (no model, no downloads).

`split_sentences(text)` returns `Span`s whose `text[start:end]` is one sentence without surrounding whitespace, so
that everything composed from them can point back at the exact characters of its source.

Rules, in order:
- a line break ends a sentence, unless the next line starts in lower case (a hard-wrapped line);
- `.`, `!`, `?` or an ellipsis, with any closing quotes or brackets after it, end a sentence when whitespace and
  then an upper-case letter, a digit or an opening quote or bracket follow (so `"Why?" he asked` and decimals such
  as 3.5 never split); scraped text that lost the space between sentences ("across the ocean.The rings were") splits
  too, where a word is followed straight away by the terminator and a capitalised word (or an opening quote and one);
- after a title ("Mr.", "Sen.", "Gen.") a period never ends the sentence; after an initial ("John F. Kennedy"),
  a dotted acronym ("U.S.") or another common abbreviation ("Inc.", "Jan.", "a.m.") it does only when the next word
  is one that typically starts a sentence ("The", "He", "But" ...), the way Punkt decides, with a fixed list instead
  of trained statistics.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Span(NamedTuple):
    """A sentence as character offsets into the text it came from."""

    start: int
    end: int


# Titles before names: a period after them never ends a sentence.
_TITLES = frozenset(
    "mr mrs ms messrs mme mlle dr prof sen sens rep reps gov lt col gen maj capt cpt sgt cmdr adm brig pvt cpl "
    "rev hon pres supt insp det amb atty fr sr sra srta mssrs gen'l cmdr rt ret".split()
)
# Other abbreviations: a period after them ends a sentence only before a typical sentence starter.
_ABBREVIATIONS = frozenset(
    "inc corp co ltd llc plc jr bros etc vs v no nos vol vols fig figs approx dept est ft mt ave blvd rd st hwy "
    "univ assn intl natl govt jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri "
    "sat sun a.m p.m e.g i.e cf al ca op pp ed eds mins hrs yr yrs tel ext mph kg km lb lbs oz".split()
)
# Capitalised words that usually start a sentence (and rarely follow an abbreviation inside one).
_STARTERS = frozenset(
    "the a an he she it they we i you his her its their our my this that these those there here but and or so yet "
    "in on at for if when while as after before since although though because however meanwhile also still then "
    "now today yesterday some many most several one two three four five no not all both each every another other "
    "what who why how where which police officials authorities according despite during under with without by "
    "from to into over about instead nevertheless moreover furthermore later earlier once until unless even just "
    "only last next first second mr mrs ms dr".split()
)

# A terminator, with closing quotes or brackets, before whitespace; or glued to the next sentence ("ocean.The",
# "place.\"My"), which `_ends_sentence` accepts only straight after a letter or digit.
_TERMINATOR = re.compile(r"(?:\.{2,}|…|[.!?]+)(?:[\"'”’»)\]]*(?=\s)|(?=[\"“]?[A-Z][a-z]))")
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]$")  # "U.S" of "U.S.", "a.m" of "a.m."
_OPENERS = "\"'“‘«([¿¡"


def _word_before(text: str, pos: int, floor: int) -> str:
    """The token that ends at pos (letters, digits, dots, apostrophes), without leading quotes or brackets."""
    i = pos
    while i > floor and not text[i - 1].isspace():
        i -= 1
    return text[i:pos].lstrip(_OPENERS + "-—–")


def _next_word(text: str, pos: int, limit: int) -> tuple[str, str]:
    """(first character, first word) after pos, skipping whitespace and opening quotes/brackets."""
    i = pos
    while i < limit and text[i].isspace():
        i += 1
    first = text[i] if i < limit else ""
    while i < limit and text[i] in _OPENERS:
        i += 1
    j = i
    while j < limit and (text[j].isalnum() or text[j] in "'’-"):
        j += 1
    return first, text[i:j]


def _ends_sentence(text: str, match: re.Match[str], limit: int, floor: int) -> bool:
    if match.end() < limit and not text[match.end()].isspace() and not (
            match.start() > floor and text[match.start() - 1].isalnum()):
        return False  # glued to the next word, but not after a word ("...The", ".The" alone)
    first, word = _next_word(text, match.end(), limit)
    if not first:
        return True
    starts_upper = word[:1].isupper() or word[:1].isdigit()
    if not (starts_upper or (first in _OPENERS and word[:1].isupper())):
        return False
    punct = match.group(0).rstrip("\"'”’»)]")
    if punct != ".":
        return True
    before = _word_before(text, match.start(), floor)
    if not before:
        return True
    key = before.lower().rstrip(".")
    if key in _TITLES and before[:1].isupper():
        return False
    abbreviation = (
        (len(before) == 1 and before.isalpha() and before.isupper())
        or _DOTTED.search(before) is not None
        or key in _ABBREVIATIONS
    )
    if abbreviation:
        return word.lower() in _STARTERS
    return True


def _lines(text: str) -> list[tuple[int, int]]:
    """Blocks separated by line breaks, joining a line with the next when that one starts in lower case."""
    blocks: list[tuple[int, int]] = []
    start = 0
    for m in re.finditer(r"\n", text):
        nxt = m.end()
        while nxt < len(text) and text[nxt] in " \t\r\n":
            if text[nxt] == "\n":
                break
            nxt += 1
        before = text[start:m.start()].rstrip()
        if nxt < len(text) and text[nxt].islower() and before and before[-1] not in ".!?:\"”":
            continue  # a hard-wrapped line
        blocks.append((start, m.start()))
        start = m.end()
    blocks.append((start, len(text)))
    return blocks


def _stripped(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


def split_sentences(text: str) -> list[Span]:
    """Split text into sentences; each span's text has no surrounding whitespace."""
    spans: list[Span] = []
    for block_start, block_end in _lines(text):
        start = block_start
        for match in _TERMINATOR.finditer(text, block_start, block_end):
            if _ends_sentence(text, match, block_end, start):
                span = _stripped(text, start, match.end())
                if span:
                    spans.append(span)
                start = match.end()
        span = _stripped(text, start, block_end)
        if span:
            spans.append(span)
    return spans
