"""Hostile text: the shapes of input that make text code slow (runs of capitalised words, thousands of quote marks,
a 50,000-letter word, deep brackets, names by the hundred, dense numbers, dash chains ...), built at any size.

Shared by the property tests (tests/test_hostile_input.py, which draws them with Hypothesis) and the growth
benchmark (bench/hostile_input.py, which times every language function on each pattern at 1x, 10x and 100x).
Every builder takes a size in characters and returns about that many; all are deterministic.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Callable

WORDS = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliet", "Kilo", "Lima"]
GIVEN = ["John", "Mary", "Ahmed", "Li", "Olga", "Pedro", "Aisha", "Hans"]
TITLES = ["Mr.", "Dr.", "Sen.", "Gov.", "President", "Minister", "Prime", "Secretary", "Chief", "Judge"]


def _fill(size: int, pieces) -> str:
    """Join pieces until the text reaches `size` characters."""
    out, length = [], 0
    for piece in pieces:
        out.append(piece)
        length += len(piece)
        if length >= size:
            break
    return "".join(out)


def _cycle(items, sep=" "):
    return (item + sep for item in itertools.cycle(items))


def _words(n_words: int, *, upper: bool = False) -> list[str]:
    picked = [WORDS[(i * 7 + i // len(WORDS)) % len(WORDS)] for i in range(n_words)]
    return [w.upper() for w in picked] if upper else picked


# Each builder: size in characters -> text. None of them ends its run with what a pattern may wait for (a colon
# after capitals, a closing quote ...), which is when a backtracking pattern tries every way to split the run.
PATTERNS: dict[str, Callable[[int], str]] = {
    "capitalised run": lambda n: "The report said. " + " ".join(_words(n // 6)) + " went home.",
    "all-caps run": lambda n: "NOTICE " + " ".join(_words(n // 6, upper=True)) + " and more",
    "all-caps sentences": lambda n: _fill(n, (" ".join(_words(12 + i % 5, upper=True)) + ". " for i in itertools.count())),
    "all-caps lines": lambda n: _fill(n, _cycle([" ".join(_words(9, upper=True))], "\n")),
    "quote marks": lambda n: "He said " + '"' * n + " and left.",
    "curly quotes": lambda n: _fill(n, _cycle(["“word", "”said", "‘it", "’s"])),
    "long word": lambda n: "Start " + "a" * n + " end.",
    "long capitalised word": lambda n: "Start " + "A" + "b" * n + " said.",
    "deep brackets": lambda n: "(" * (n // 2) + "x" + ")" * (n // 2),
    "open brackets": lambda n: _fill(n, _cycle(["([{", "word"])),
    "names in a row": lambda n: _fill(n, (f"{GIVEN[i % 8]} {WORDS[i % 12]}, " for i in itertools.count())) + "said.",
    "titles in a row": lambda n: _fill(n, _cycle(TITLES)) + "Smith said.",
    "dense numbers": lambda n: _fill(n, _cycle(["1", "2,000", "3.5", "45%", "$6", "7 million", "8th", "1999", "-4"])),
    "dash chains": lambda n: _fill(n, _cycle(["—", "-", "–", "--", "word-word", "-a-"])),
    "whitespace": lambda n: "A" + " " * (n // 2) + "b" + "\n" * (n // 2) + "c.",
    "dots and initials": lambda n: _fill(n, _cycle(["U.S.", "A.B.C.", "...", "St.", "a.m."])),
    "said chains": lambda n: _fill(n, _cycle(["Mr. Smith said he said she said", '"Yes," Jones said.'])),
    "news prose": lambda n: _fill(n, (
        f'{GIVEN[i % 8]} {WORDS[i % 12]}, the {WORDS[(i + 3) % 12]} minister, said on Monday that {i % 90 + 2} '
        f'people were hurt. "We are {WORDS[(i + 5) % 12].lower()} here," {GIVEN[(i + 1) % 8]} told reporters. '
        for i in itertools.count())),
}


def as_page(text: str) -> str:
    """An article page around a text, split into paragraphs as a page would be."""
    paragraphs = [text[i:i + 800] for i in range(0, len(text), 800)] or [""]
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (f"<!doctype html><html><head><title>Hostile page</title></head><body><article><h1>Hostile page</h1>"
            f"{body}</article></body></html>")


def language_functions() -> dict[str, Callable[[str], object]]:
    """Every function that reads an article's text, by name, each taking the text (Django must be set up)."""
    from sociose.articles.wire import wire_agency
    from sociose.desk.compose import Source, clean_headline, compose
    from sociose.desk.facts import extract_facts
    from sociose.desk.quotes import extract_quotes
    from sociose.desk.sentences import split_sentences
    from sociose.desk.speakers import Article as Speakers
    from sociose.ingest.images import split_credit
    from sociose.ingest.page import extract_page
    from sociose.stories.clustering import featurize
    from sociose.stories.entities import extract_entities

    def page(text):
        from sociose.articles.draft import IngestError

        try:
            return extract_page(as_page(text), "https://news.example.org/a")
        except IngestError:  # "no article text": a clear refusal is a fine answer to hostile input
            return None

    return {
        "page extraction": page,
        "entities": lambda text: extract_entities(text[:300], text),
        "quotes": extract_quotes,
        "speakers": lambda text: Speakers(text, []),
        "facts": lambda text: extract_facts([(1, text, "article:1"), (2, text, "article:2")]),
        "composition": lambda text: compose([Source(id=1, title=text[:300], text=text, outlet="One"),
                                             Source(id=2, title="Other", text=text[::-1], outlet="Two")]),
        "headline": lambda text: clean_headline(text, ["One"]),
        "sentences": split_sentences,
        "wire agency": lambda text: wire_agency([text[:500]], text),
        "features": lambda text: featurize(text[:300], text, None, "example.org", []),
        "image credit": split_credit,
    }
