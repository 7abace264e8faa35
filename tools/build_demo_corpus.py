#!/usr/bin/env python3
"""Build the bundled demo corpus ``src/sociose/demo/wikinews.jsonl.gz``.

Usage::

    .venv/bin/python tools/build_demo_corpus.py [--shared ../shared] [--out PATH]

Inputs (read-only, under ``<shared>/data``):

* ``meantime-en/intra_cross-doc_annotation/corpus_*/*.xml`` -- the English section of the
  NewsReader MEANTIME corpus (120 Wikinews articles, tokenised CAT XML).
* ``wikinewssum-en-sample/endataset.jsonl`` (raw wikitext paragraphs) and
  ``cleaned_endataset.jsonl`` (the same articles with all markup -- including the text of
  ``{{w|...}}`` links -- stripped).  Only the Wikinews ``title``/``text`` fields are used, never
  the publishers' ``sources[].maintext``.

The raw WikinewsSum file is damaged in about half of its rows: the ``{{byline|date=...}}``
template and everything up to (and including) the first letter(s) of the following paragraph
were lost, e.g. ``{{byline|dateew leadership could ...``.  The cleaned file still has those
paragraphs but without the text of ``{{w|...}}`` links.  We therefore render the raw
wikitext, align it paragraph by paragraph with the cleaned text, restore the lost prefix from
the cleaned text, and keep cleaned-only sentences only when they show no sign of a dropped
link ("the  of", "head of the , was", ...).  Everything shipped is verbatim Wikinews text.

Output is deterministic: records sorted by URL, keys in a fixed order, gzip with mtime=0 and
no file name in the header.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import gzip
import html
import io
import json
import re
import sys
import unicodedata
import urllib.parse
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO_ROOT.parent / "shared"
DEFAULT_OUT = REPO_ROOT / "src" / "sociose" / "demo" / "wikinews.jsonl.gz"

MEANTIME_DIR = Path("data/meantime-en/intra_cross-doc_annotation")
WNS_RAW = Path("data/wikinewssum-en-sample/endataset.jsonl")
WNS_CLEAN = Path("data/wikinewssum-en-sample/cleaned_endataset.jsonl")

LICENSE = "CC BY 2.5"
FIELD_ORDER = (
    "url",
    "title",
    "text",
    "description",
    "date_publish",
    "authors",
    "language",
    "source_domain",
    "publisher",
    "image_url",
    "license",
)

MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}


# ---------------------------------------------------------------------------------------------
# shared helpers
# ---------------------------------------------------------------------------------------------


def wikinews_url(title: str) -> str:
    """Canonical https URL of an English Wikinews article (MediaWiki-style percent-encoding)."""
    name = title.strip().replace(" ", "_")
    if name:
        name = name[0].upper() + name[1:]
    return "https://en.wikinews.org/wiki/" + urllib.parse.quote(name, safe=";:@$!*(),/~")


def canonical_wikinews_url(url: str) -> str:
    title = urllib.parse.unquote(url.rsplit("/wiki/", 1)[1]).replace("_", " ")
    return wikinews_url(title)


def parse_date(text: str) -> str | None:
    """'March 01, 2008' / '13 November 2004' / 'November 13th, 2004' -> '2008-03-01T00:00:00'."""
    text = re.sub(r"<!--.*?-->", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    m = re.search(r"([A-Za-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})", text)
    if m and m.group(1).lower() in MONTHS:
        month, day, year = MONTHS[m.group(1).lower()], int(m.group(2)), int(m.group(3))
    else:
        m = re.search(r"(\d{1,2}) ([A-Za-z]+),? (\d{4})", text)
        if not (m and m.group(2).lower() in MONTHS):
            return None
        day, month, year = int(m.group(1)), MONTHS[m.group(2).lower()], int(m.group(3))
    try:
        return dt.datetime(year, month, day).isoformat()
    except ValueError:
        return None


_ABBREV = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "jr",
    "sr",
    "inc",
    "co",
    "corp",
    "ltd",
    "gen",
    "sen",
    "rep",
    "gov",
    "no",
    "vs",
    "asst",
    "lt",
    "col",
    "sgt",
    "capt",
    "prof",
    "rev",
    "mt",
    "ft",
    "approx",
    "dept",
    "est",
    "fig",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
}


def split_sentences(text: str) -> list[str]:
    """Conservative sentence splitter (keeps 'U.S.', 'Mr.', 'George W. Bush' together)."""
    out: list[str] = []
    start = 0
    for m in re.finditer(r"[.!?]+[\"'”’)\]]*(\s+)(?=[\"'“‘(\[]?[A-Z0-9])", text):
        end = m.start(1)
        chunk = text[start:end]
        if chunk.rstrip("\"'”’)]").endswith("."):
            words = chunk.rstrip("\"'”’)]").split()
            last = words[-1].rstrip(".") if words else ""
            # abbreviations, initials ("W."), acronyms with dots ("U.S.", "p.m.")
            if last.lower().lstrip("(\"'") in _ABBREV or re.fullmatch(r"[(\"']?[A-Za-z]", last) or re.fullmatch(
                r"[(\"']?(?:[A-Za-z]\.)+[A-Za-z]", last
            ):
                continue
        out.append(chunk.strip())
        start = m.end(1)
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return [s for s in out if s]


def first_sentence(text: str) -> str:
    para = text.split("\n\n", 1)[0] if text else ""
    sents = split_sentences(para.replace("\n", " "))
    return sents[0] if sents else ""


def tidy(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u00a0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def make_record(url: str, title: str, paragraphs: list[str], date: str | None) -> dict:
    paras = [tidy(p) for p in paragraphs]
    text = "\n\n".join(p for p in paras if p)
    rec = {
        "url": url,
        "title": tidy(title).replace("\n", " "),
        "description": first_sentence(text),
        "text": text,
        "date_publish": date,
        "authors": [],
        "language": "en",
        "source_domain": "en.wikinews.org",
        "publisher": "Wikinews",
        "image_url": None,
        "license": LICENSE,
    }
    return {k: rec[k] for k in FIELD_ORDER}


# ---------------------------------------------------------------------------------------------
# MEANTIME (tokenised CAT XML)
# ---------------------------------------------------------------------------------------------

_CONTRACTIONS = {"s", "re", "ve", "d", "ll", "m", "t"}
_CURRENCY = {"$", "US$", "CA$", "AU$", "NZ$", "USD$", "HK$", "S$", "£", "€", "¥", "#"}
_NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "...", "''", "'", "”", "n't"}
_NO_SPACE_AFTER = {"(", "[", "{", "``", "`", "“", "‘"}


def _split_odd_tokens(tokens: list[str]) -> list[str]:
    out = []
    for t in tokens:
        if t.startswith("''") and len(t) > 2:  # "''I'" -> "''", "I'"
            out.extend(["''", t[2:]])
        elif t.startswith("``") and len(t) > 2:
            out.extend(["``", t[2:]])
        else:
            out.append(t)
    return out


def detokenize(sentences: list[list[str]], vocabulary: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Detokenise PTB-style tokens sentence by sentence; straight double quotes alternate
    open/close across the whole document.  ``vocabulary`` (all tokens of the corpus) lets a
    split hyphenated word ("Wal - Mart") be rejoined when it occurs unsplit elsewhere."""
    dq_open = False
    result = []
    for tokens in sentences:
        tokens = [t for t in _split_odd_tokens(tokens) if not re.fullmatch(r"\d+px", t)]  # image size residue
        buf = ""
        glue_next = False  # previous token wants no space after it
        for i, tok in enumerate(tokens):
            prev = tokens[i - 1] if i else ""
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            out = tok
            attach_left = False
            if tok == "." and prev.endswith("."):
                continue  # "U.S. ." at sentence end
            if tok in ("``", "''"):
                out = '"'
                attach_left = tok == "''"
            if tok == '"':
                attach_left = dq_open
                dq_open = not dq_open
            elif tok == "'":
                # closing quote / possessive ("Airbus '") unless it opens a quote (", ' High")
                attach_left = not (
                    (i == 0 or not re.search(r"\w$", prev)) and re.match(r"\w", nxt) and prev not in ("'", "''")
                )
            elif tok in _NO_SPACE_BEFORE:
                attach_left = True
            elif tok.startswith("'") and tok[1:].lower() in _CONTRACTIONS:
                attach_left = True
            elif tok == "’":
                attach_left = True
            if tok == "--":
                if re.fullmatch(r"[\d.,]+", prev) and re.fullmatch(r"[\d.,]+", nxt):
                    out, attach_left = "–", True
                    glue_next = True
                    buf += out
                    continue
                out = "—"
            if tok == "#" and re.match(r"\d", nxt):
                out = "£"
                attach_left = prev == "GB"  # "GB # 20.1" -> "GB£20.1"
            if tok == "+" and re.fullmatch(r"[\d,]+", prev):
                attach_left = True
            if tok == "/":
                attach_left = True
            if tok == "`":
                out = "'"
            if tok == "-" and prev and nxt:
                if f"{prev}-{nxt}" in vocabulary:
                    buf += "-"
                    glue_next = True
                    continue
                if nxt in ("and", "or") and i + 2 < len(tokens) and "-" in tokens[i + 2]:
                    buf += "-"  # suspended hyphen: "medium- and short-haul"
                    continue
            if prev == "O" and re.fullmatch(r"'[A-Z]\w+", tok):
                attach_left = True  # "O 'Reilly"
            if tok == "*":
                # wiki bullet list flattened into the sentence
                buf = buf.rstrip() + "\n- "
                glue_next = True
                continue
            if tok == ":" and (prev in (":", ".", "''", "?", "!") or i == 0):
                # ":" at the start of a wikitext line (indented quotation)
                buf = buf.rstrip() + "\n"
                glue_next = True
                continue
            if not buf or buf.endswith("\n") or glue_next or attach_left:
                buf += out
            else:
                buf += " " + out
            glue_next = False
            if tok in _NO_SPACE_AFTER or out in ("£",) or (tok in _CURRENCY and re.match(r"\d", nxt)):
                glue_next = True
            elif tok == '"' and dq_open:
                glue_next = True
            elif tok == "/":
                glue_next = True
            elif tok == "’" and nxt.lower() in _CONTRACTIONS:
                glue_next = True
            elif re.fullmatch(r"[A-Za-z]'", tok) and re.fullmatch(r"[A-Za-z]+", nxt):
                glue_next = True  # "I' ll" -> "I'll", "O' Leary" -> "O'Leary"
            elif re.fullmatch(r"[A-Za-z]+'", tok) and nxt.lower() in _CONTRACTIONS:
                glue_next = True  # "we' re" -> "we're"
            elif tok == "'" and (not attach_left or nxt.lower() in _CONTRACTIONS - {"s"}):
                glue_next = True  # opening single quote; "we ' re" -> "we're"
        result.append(buf.strip())
    return result


def _ends_sentence(s: str) -> bool:
    return bool(re.search(r"[.!?][\"'”’)]*$", s))


def _open_quote(s: str) -> bool:
    return (s.count('"') % 2 == 1) or (s.count("“") > s.count("”"))


def group_paragraphs(sentences: list[str]) -> list[str]:
    """MEANTIME has no paragraph markup: group sentences into short news-style paragraphs.

    The lead sentence stands alone when long; otherwise paragraphs take 2-3 sentences (up to
    ~320 characters), never split inside an open quotation, and list lines / colon-introduced
    lines stay with what follows them."""
    paras: list[list[str]] = []
    cur: list[str] = []
    for idx, s in enumerate(sentences):
        cur.append(s)
        joined = " ".join(cur)
        if _open_quote(joined) and len(cur) < 6:
            continue
        if s.endswith(":") or ("\n" in s and s.rstrip().endswith(":")):
            continue
        if idx == 0 and len(s) >= 120:
            close = True
        elif "\n" in s or not _ends_sentence(s):
            close = True
        else:
            close = len(cur) >= 3 or len(joined) >= 320 or (len(cur) >= 2 and len(joined) >= 220)
        if close:
            paras.append(cur)
            cur = []
    if cur:
        paras.append(cur)
    return [" ".join(p).replace(" \n", "\n") for p in paras]


def meantime_records(shared: Path) -> list[dict]:
    from lxml import etree

    paths = sorted((shared / MEANTIME_DIR).glob("corpus_*/*.xml"))
    roots = [etree.parse(str(path)).getroot() for path in paths]
    vocabulary = {tok.text for root in roots for tok in root.iter("token") if tok.text}
    records = []
    for root in roots:
        by_sent: dict[int, list[str]] = {}
        for tok in root.iter("token"):
            by_sent.setdefault(int(tok.get("sentence")), []).append(tok.text or "")
        sentences = [by_sent[k] for k in sorted(by_sent)]
        url = canonical_wikinews_url(root.get("url"))
        title = urllib.parse.unquote(root.get("url").rsplit("/wiki/", 1)[1]).replace("_", " ")
        text_sents = detokenize(sentences, vocabulary)
        body = text_sents[1:]  # sentence 0 is the headline
        date = parse_date(body[0]) if body else None
        if date and len(body[0]) < 30:
            body = body[1:]  # the date line
        else:
            date = None
        if date is None:  # fall back to the annotated document creation time
            for timex in root.iter("TIMEX3"):
                if timex.get("functionInDocument") == "CREATION_TIME" and re.fullmatch(
                    r"\d{4}-\d{2}-\d{2}", timex.get("value") or ""
                ):
                    date = timex.get("value") + "T00:00:00"
                    break
        paragraphs = group_paragraphs([s for s in body if s])
        rec = make_record(url, title, paragraphs, date)
        if rec["text"]:
            records.append(rec)
    return records


# ---------------------------------------------------------------------------------------------
# WikinewsSum (raw wikitext + markup-stripped text)
# ---------------------------------------------------------------------------------------------

CORRUPT = "\x00"  # marks where the raw dump lost text ("{{byline|date" ...)
BR = "\x01"  # <br> line break

_LANG_PREFIX = re.compile(r"^[a-z]{2,3}(?:-[a-z]+)?$")
_DROP_NS = {"file", "image", "category", "media"}
_WIKI_NS = {"w", "wikipedia", "wikt", "wiktionary", "wikinews", "n", "commons", "s", "wikisource", "b", "q"}


def _find_close(s: str, i: int, open_: str, close: str) -> int:
    """Index of the ``close`` matching the ``open_`` at ``i`` (nesting-aware), or -1."""
    depth = 0
    j = i
    while j < len(s):
        if s.startswith(open_, j):
            depth += 1
            j += len(open_)
        elif s.startswith(close, j):
            depth -= 1
            if depth == 0:
                return j
            j += len(close)
        else:
            j += 1
    return -1


def _split_top(s: str) -> list[str]:
    """Split on '|' outside nested {{ }} / [[ ]]."""
    parts, depth, cur, i = [], 0, [], 0
    while i < len(s):
        two = s[i : i + 2]
        if two in ("{{", "[["):
            depth += 1
            cur.append(two)
            i += 2
            continue
        if two in ("}}", "]]"):
            depth = max(0, depth - 1)
            cur.append(two)
            i += 2
            continue
        if s[i] == "|" and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(s[i])
        i += 1
    parts.append("".join(cur))
    return parts


class WikiRenderer:
    def __init__(self, drop_w_links: bool = False):
        self.drop_w = drop_w_links
        self.dates: list[str] = []
        self.captions: list[str] = []

    def render(self, s: str) -> str:
        out = []
        i = 0
        n = len(s)
        while i < n:
            if s.startswith("{{", i):
                j = _find_close(s, i, "{{", "}}")
                if j < 0:  # unclosed template: drop the braces
                    i += 2
                    continue
                out.append(self._template(s[i + 2 : j]))
                i = j + 2
            elif s.startswith("[[", i):
                j = _find_close(s, i, "[[", "]]")
                if j < 0:
                    i += 2
                    continue
                out.append(self._link(s[i + 2 : j]))
                i = j + 2
            elif re.match(r"\[(?:https?:)?//", s[i:]):
                j = s.find("]", i)
                if j < 0:
                    i += 1
                    continue
                inner = s[i + 1 : j].split(None, 1)
                out.append(self.render(inner[1]) if len(inner) > 1 else "")
                i = j + 1
            else:
                out.append(s[i])
                i += 1
        return "".join(out)

    def _template(self, inner: str) -> str:
        parts = _split_top(inner)
        name = parts[0].strip().lower().replace("_", " ")
        if name == "w":
            if self.drop_w:
                return ""
            if len(parts) >= 3 and parts[2].strip():
                return self.render(parts[2])
            target = parts[1] if len(parts) > 1 else ""
            target = re.sub(r"^:?[a-z]{2,3}:", "", target.strip())
            return self.render(target)
        if name == "date":
            if len(parts) > 1:
                self.dates.append(parts[1])
            return ""
        return ""  # country/category templates, infoboxes, publish/archive, PD-Article, ...

    def _link(self, inner: str) -> str:
        parts = _split_top(inner)
        target = parts[0].strip().lstrip(":").strip()
        ns = target.split(":", 1)[0].strip().lower() if ":" in target else ""
        if ns in _DROP_NS:
            if len(parts) > 1:
                cap = parts[-1].strip()
                if cap and not re.fullmatch(r"(thumb|frame|left|right|center|\d+px|upright)", cap):
                    self.captions.append(self.render(cap))
            return ""
        if len(parts) > 1:
            label = "|".join(parts[1:])
            if label.strip():
                return self.render(label)
        if ns and ns not in _WIKI_NS and _LANG_PREFIX.match(ns) and len(parts) == 1:
            return ""  # interlanguage link
        if ns in _WIKI_NS or _LANG_PREFIX.match(ns or "-"):
            target = target.split(":", 1)[1].strip()
        return target


def _preclean(text: str) -> str:
    text = re.sub(r"<?!--.*?-->", "", text, flags=re.S)
    text = re.sub(r"<ref[^>/]*/>", "", text)
    text = re.sub(r"<ref[^>]*>.*?</ref>", "", text, flags=re.S)
    text = re.sub(r"<br\s*/?>", BR, text, flags=re.I)
    # damaged dump: "{{byline|date<lost text>" and "{| rules<lost text>" / "{| border..."
    text = re.sub(r"\{?\{\{?[Bb]yline\|date", CORRUPT, text)
    text = re.sub(r"\{\|\s*(?:rules|border)", CORRUPT, text)
    # orphaned closing templates like "{publish}}", "{archive}}"
    text = re.sub(r"(?<!\{)\{[A-Za-z][\w -]*\}\}", "", text)
    text = re.sub(r"_*NOTOC_*", "", text)
    # an external link that never closes (the dump lost text from inside it)
    text = re.sub(r"\[(?:https?:)?//[^\]\s]*(?=[^\]\n]*(?:\[|\n|$))(?![^\[\n]*\])", CORRUPT, text)
    # a link whose first "[" was lost: CORRUPT + "[w:Target|Label]]"
    text = re.sub(CORRUPT + r"(\[[^\[\]]+\]\])", CORRUPT + r"[\1", text)
    return text


def _postclean(text: str) -> str:
    text = re.sub(r"</?[A-Za-z][^>]*>", "", text)  # <sub>, <small>, ...
    text = html.unescape(text)

    def quotes(m: re.Match) -> str:
        return "'" if len(m.group(0)) == 4 else ""

    text = re.sub(r"'{2,}", quotes, text)
    text = re.sub(r"(?<=\w\.)\.(?!\.)", "", text)  # "[[Sears, Roebuck & Co.]]." -> "Co."
    return text


def _join_lines(text: str) -> list[str]:
    """Wikitext paragraph -> list of paragraphs (blank lines split; single newlines join,
    except list / indented lines and <br>)."""
    paras, cur = [], []
    for raw_line in text.split("\n"):
        line = raw_line.strip()
        if not line:
            if cur:
                paras.append(cur)
                cur = []
            continue
        m = re.match(r"^([*#:;]+)\s*(.*)$", line)
        if m:
            bullet = "- " if m.group(1)[-1] in "*#" else ""
            cur.append("\n" + bullet + m.group(2))
        else:
            cur.append((" " if cur else "") + line)
    if cur:
        paras.append(cur)
    out = []
    for p in paras:
        s = "".join(p).strip()
        s = re.sub(r"\s*" + BR + r"\s*", "\n", s).strip()
        if s:
            out.append(s)
    return out


def render_paragraph(wikitext: str, drop_w_links: bool = False) -> tuple[list[str], WikiRenderer]:
    r = WikiRenderer(drop_w_links)
    text = r.render(_preclean(wikitext))
    text = _postclean(text)
    paras = []
    for p in _join_lines(text):
        paras.append(p)
    return paras, r


def _key(text: str) -> tuple[str, list[int]]:
    """Alphanumeric-only lowercase key of ``text`` plus the index in ``text`` of each key char."""
    chars, idx = [], []
    for i, ch in enumerate(text):
        if ch.isalnum():
            chars.append(ch.lower())
            idx.append(i)
    return "".join(chars), idx


_HOLE_PATTERNS = [
    re.compile(r"[\w,;:'\"]  +\S"),  # "the  of", "by  George"
    re.compile(r"\s[,.;:)!?]"),  # "the , was"
    re.compile(r"\(\s*\)"),
    re.compile(r"\s's\b"),  # "at 's headquarters"
    re.compile(r"(?<!')''\s*''(?!')|(?<!')'''\s*'''(?!')"),  # "''''" (empty italics)
    re.compile(r"\s(?:the|a|an|of|and|by|in|at|to|from|with|for)\s*$", re.I),  # ends with "of the"
]


def _has_hole(sentence: str) -> bool:
    s = sentence.strip()
    if not s:
        return True
    if s[0].islower() or s[0] in ",.;:)":
        return True
    return any(p.search(s) for p in _HOLE_PATTERNS)


def _strip_marks(text: str) -> str:
    return re.sub(r"'{2,}", lambda m: "'" if len(m.group(0)) == 4 else "", text)


def _clean_only_paragraph(text: str, captions: list[str]) -> str:
    """A cleaned-text paragraph with no raw counterpart: keep prose sentences with no holes."""
    lines = [ln for ln in text.split("\n")]
    # image captions survive in the cleaned text as the first line(s)
    while lines and (not lines[0].strip() or any(lines[0].strip() == c.strip() for c in captions)):
        lines.pop(0)
    bullet = ""
    if lines and re.match(r"\s*[*#]", lines[0]):
        bullet = "- "
        lines[0] = re.sub(r"^\s*[*#]+\s*", "", lines[0])
    body = " ".join(ln.strip() for ln in lines)
    if re.search(r"(^|\s)==|\{\{|\}\}|\[\[|\]\]", body):
        return ""
    keep = []
    for s in split_sentences(body):
        if _has_hole(s):
            continue
        keep.append(re.sub(r"\s+", " ", _strip_marks(s)).strip())
    if not keep:
        return ""
    # prose only: at least one real sentence
    if not any(len(s.split()) >= 4 and _ends_sentence(s) for s in keep):
        return ""
    return bullet + " ".join(keep)


def _repair_corrupt(cleaned_para: str, full: str, holey: str) -> str | None:
    """Restore the start of a damaged raw paragraph from the cleaned paragraph.

    ``full``/``holey`` are the raw paragraph's text after the damage, rendered with and without
    {{w}} link text.  Returns the repaired paragraph or None if it cannot be aligned."""
    hkey, _ = _key(holey)
    ckey, cidx = _key(cleaned_para)
    probe = hkey[:40]
    if len(probe) < 12:
        return None
    pos = ckey.find(probe)
    if pos < 0:
        return None
    prefix = cleaned_para[: cidx[pos]]
    prefix = re.sub(r"\s+", " ", prefix).lstrip()
    # the raw remainder starts at its first alphanumeric character ("'NOS..." -> "NOS...")
    m = re.search(r"\w", full)
    rest = full[m.start() :] if m else ""
    if not prefix.strip():
        return rest
    # holes in the restored prefix: drop its damaged sentences; if the sentence that runs
    # into the raw text is damaged, drop that sentence of the raw text too.
    sents = split_sentences(prefix + "\u2063")  # sentinel marks the join point
    out = []
    for s in sents:
        if "\u2063" in s:
            head = s.replace("\u2063", "")
            if _has_hole(head + "x") and head.strip():
                rs = split_sentences(rest)
                rest = " ".join(rs[1:])
            else:
                rest = _strip_marks(head) + rest
        elif not _has_hole(s):
            out.append(_strip_marks(s).strip())
    out.append(rest)
    return " ".join(x for x in out if x.strip())


# a "Related news" item: "[[Some other article]] (December 24, 2004)" (first "[" may be lost)
_RELATED_NEWS = re.compile(r"^\s*\*?\s*\[{1,2}[^\[\]]+\]\]\s*\([^()]*\d{4}\)\s*$")


def _take_date_line(paragraphs: list[str], date: str | None) -> tuple[list[str], str | None]:
    """A leading paragraph that is only a date ("December 22, 2004") is the dateline."""
    if paragraphs and len(paragraphs[0]) <= 40:
        first = paragraphs[0].strip()
        d = parse_date(first)
        if d and re.fullmatch(r"[\w ,.]+", first):
            return paragraphs[1:], date or d
        m = re.fullmatch(r"([A-Za-z]+),? \d{4}", first)  # "December 2004": month only
        if m and m.group(1).lower() in MONTHS:
            return paragraphs[1:], date
    return paragraphs, date


def wikinewssum_article(raw: dict, cleaned: dict | None) -> tuple[list[str], str | None]:
    """Return (paragraphs, date) for one WikinewsSum row."""
    # render raw paragraphs (full and without {{w}} link text), remembering damaged starts
    units = []  # dicts: full, holey, corrupt
    captions: list[str] = []
    dates: list[str] = []
    for para in raw["text"]:
        if _RELATED_NEWS.match(para):
            continue
        pre = _preclean(para)
        segments = pre.split(CORRUPT)
        for si, seg in enumerate(segments):
            full_paras, r_full = render_paragraph(seg)
            holey_paras, _ = render_paragraph(seg, drop_w_links=True)
            captions += r_full.captions
            dates += r_full.dates
            if len(full_paras) != len(holey_paras):  # cannot pair them up; treat as one block
                full_paras = ["\n".join(full_paras)] if full_paras else []
                holey_paras = ["\n".join(holey_paras)] if holey_paras else []
            for pi, (f, h) in enumerate(zip(full_paras, holey_paras)):
                units.append({"full": f, "holey": h, "corrupt": si > 0 and pi == 0})
    date = None
    # {{date|...}} template first, then a date category ("December 30, 2004")
    for d in dates + [c for c in raw.get("categories") or [] if re.fullmatch(r"[A-Za-z]+ \d{1,2}, \d{4}", c)]:
        date = parse_date(d)
        if date:
            break
    units = [u for u in units if re.search(r"\w", u["full"])]

    if cleaned is None:
        paras = []
        for u in units:
            if u["corrupt"]:  # drop the partial first sentence
                u["full"] = " ".join(split_sentences(u["full"])[1:])
            paras.append(u["full"])
        return _take_date_line([p for p in paras if p.strip()], date)

    cparas = [p for p in re.split(r"\n\s*\n", cleaned["text"]) if p.strip()]
    ckeys = [_key(p)[0] for p in cparas]
    out: list[tuple[float, str]] = []  # (position in cleaned order, paragraph)
    used = set()
    ptr = 0
    for ui, u in enumerate(units):
        hkey = _key(u["holey"])[0]
        found = -1
        if len(hkey) >= 12:
            probe = hkey[:40] if u["corrupt"] else hkey
            for j in range(ptr, len(cparas)):
                if probe in ckeys[j]:
                    found = j
                    break
            if found < 0 and not u["corrupt"]:
                # small rendering differences (e.g. "[[w:human rights]]" kept as "w:human rights")
                for j in range(ptr, len(cparas)):
                    if j not in used and difflib.SequenceMatcher(None, hkey, ckeys[j], autojunk=False).ratio() >= 0.9:
                        found = j
                        break
        if found < 0:
            text = u["full"]
            if u["corrupt"] or re.match(r"[a-z]", text):  # starts mid-word: drop the partial sentence
                text = " ".join(split_sentences(text)[1:])
            if len(text.split()) < 4:  # stray fragments such as "ww.cnn.com"
                continue
            out.append((ptr - 0.5 + ui * 1e-4, text))
            continue
        if u["corrupt"]:
            text = _repair_corrupt(cparas[found], u["full"], u["holey"])
            if text is None:
                text = " ".join(split_sentences(u["full"])[1:])
        else:
            text = u["full"]
        out.append((found, text))
        used.add(found)
        ptr = found + 1
    for j, cp in enumerate(cparas):
        if j in used:
            continue
        text = _clean_only_paragraph(cp, captions)
        if text:
            out.append((j, text))
    out.sort(key=lambda x: x[0])
    return _take_date_line([t for _, t in out if t.strip()], date)


def wikinewssum_records(shared: Path) -> list[dict]:
    raw_rows = [json.loads(line) for line in (shared / WNS_RAW).read_text(encoding="utf-8").splitlines() if line]
    clean_path = shared / WNS_CLEAN
    clean_by_title: dict[str, dict] = {}
    if clean_path.exists():
        for line in clean_path.read_text(encoding="utf-8").splitlines():
            if line:
                row = json.loads(line)
                clean_by_title.setdefault(row["title"], row)
    records = []
    for row in raw_rows:
        title = row["title"].strip()
        paragraphs, date = wikinewssum_article(row, clean_by_title.get(row["title"]))
        rec = make_record(wikinews_url(title), title, paragraphs, date)
        if rec["text"]:
            records.append(rec)
    return records


# ---------------------------------------------------------------------------------------------
# build
# ---------------------------------------------------------------------------------------------


def build_records(shared: Path) -> tuple[list[dict], dict[str, int]]:
    wns = wikinewssum_records(shared)
    mt = meantime_records(shared)
    by_url: dict[str, dict] = {}
    stats = {"wikinewssum": 0, "meantime": 0, "duplicates": 0, "undated": 0}
    # WikinewsSum first: its raw wikitext keeps the real paragraph breaks.
    for source, recs in (("wikinewssum", wns), ("meantime", mt)):
        for rec in recs:
            if not rec["date_publish"]:
                # The damaged dump lost some bylines' dates. An undated record would be shown at its import time,
                # which on a demo of 2004-2008 news puts it on top of "latest" with a date it never had.
                stats["undated"] += 1
                continue
            if rec["url"] in by_url:
                stats["duplicates"] += 1
                continue
            by_url[rec["url"]] = rec
            stats[source] += 1
    return [by_url[u] for u in sorted(by_url)], stats


def serialize(records: list[dict]) -> bytes:
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(lines)
    return buf.getvalue()


def build(shared: Path, out: Path) -> dict[str, int]:
    """Convert the shared sources into ``out`` (deterministic bytes). Returns counts."""
    records, stats = build_records(shared)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(serialize(records))
    stats["total"] = len(records)
    return stats


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="shared data root (default: ../shared)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output .jsonl.gz")
    args = ap.parse_args(argv)
    if not (args.shared / "data").is_dir():
        print(f"no data directory under {args.shared}", file=sys.stderr)
        return 2
    stats = build(args.shared, args.out)
    print(
        f"wrote {args.out}: {stats['total']} articles "
        f"(wikinewssum {stats['wikinewssum']}, meantime {stats['meantime']}, "
        f"duplicates skipped {stats['duplicates']}, undated skipped {stats['undated']})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
