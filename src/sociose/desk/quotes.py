"""Direct quotes in a news article and who said them, resolved across the article.

Pure Python (regular expressions, no models, no Django): `extract_quotes(text)` finds the spans between double quote
marks, reads the attribution next to each ("X said: “...”", "“...,” said X", "“...,” X said", "“...,” according to X",
"“...,” she said. “...”", "Said X, “...”", "X went even further: “...”") and resolves the local mention ("Lukes",
"he", "the spokesman") to the full name the article introduced earlier. Precision comes before recall: when a mention
cannot be tied to one named person or organisation the quote keeps speaker "" rather than a guess.
Invisible direction marks before a quote mark and a closer typed as an opener (“...,“ said Lee) are read as intended.
Whom a question was put to is not its speaker ("Lee was asked, “...”"), the nearest speech verb with a subject of its
own takes the quote ("Lee said as the heckler yelled: “...”"), and an introduced quote ("Lee replied, “...”") does
not take the attribution after it, which belongs to the next one.

This module finds the quotations, their cues and the speaker phrase; who that phrase refers to across the article
(full names, genders, "he"/"she" antecedents) is worked out by `speakers.Article`, and the word lists both read
(first names, titles, speech verbs, organisation and place words) are in `lexicon`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from sociose.desk.lexicon import (
    ABBREVIATIONS,
    BEFORE_OBJECT,
    CUES,
    FEMALE,
    MALE,
    NAME_RUN_RE,
    NOT_NAMES,
    ORG_WORDS,
    PLACE_WORDS,
    PREPOSITIONS,
    TITLES,
    UPPER,
    WORD_RE,
)
from sociose.desk.speakers import Article, is_subject, split_run, verbish


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quote: text == article[start:end]; speaker is "" unless resolved to a name."""

    text: str
    start: int
    end: int
    speaker: str = ""
    speaker_description: str = ""
    speaker_mention: str = ""
    cue: str = ""
    resolved: bool = False


MIN_WORDS = 4  # shorter quotes are scare quotes or titles unless an attribution sits right next to them
# A quotation between a determiner and the noun it modifies is a term ("the “Big Three” automakers")
_TERM_BEFORE_RE = re.compile(r"\b(?:[Tt]he|[Aa]n?|[Ii]ts|[Tt]heir|[Hh]is|[Hh]er|[Oo]ur|[Tt]his|[Tt]hese|[Tt]hose)\s+$")
_TERM_AFTER_RE = re.compile(r"[’'”\"]?\s+[a-z]")
_CLOSING_PUNCTUATION = frozenset(",.!?…:;—–-")
MAX_CONTEXT = 300  # characters of attribution context looked at on either side of a quote
# Participles that carry on a speech act ("Graham said on Tuesday, adding, “...”"; "Lee took to Twitter, writing:")
_PARTICIPLES = (
    "saying|adding|writing|telling|arguing|explaining|noting|declaring|insisting|warning|tweeting|stating|"
    "continuing|answering|replying|responding|quipping|joking|concluding|posting|announcing|urging|reminding|"
    "pointing out|predicting|vowing|promising|complaining|claiming|recalling|remarking|observing|exclaiming|"
    "proclaiming|asserting|cautioning|acknowledging|admitting|conceding|calling out|musing|lamenting|stressing|"
    "emphasizing|emphasising|reiterating|repeating|suggesting|countering|boasting|shouting|yelling|chanting"
)
_PARTICIPLE_TAIL_RE = re.compile(
    rf"(?:,\s*|\s+(?:and|then|before|after|by|upon|while)\s+)(?:{_PARTICIPLES})\b"
    r"(?:[^“”\"\n.!?]{0,60}?[:,])?\s*$")
_SUBORDINATORS = {"when", "as", "after", "while", "if", "because", "although", "though", "since", "before", "once",
                  "until", "unless", "whereas", "asked", "following", "despite", "during", "in", "on", "at", "with",
                  "for", "from", "of", "to", "by", "about", "amid", "like", "unlike", "given", "whether", "that",
                  "who", "which", "where"}
_CUE_RE = re.compile(rf"\b(?:{CUES})\b")
_CUE_AT_START_RE = re.compile(rf"(?:{CUES})\b")
_ACCORDING_RE = re.compile(r"according to\s+", re.I)
_AUX = {"also", "later", "then", "again", "further", "has", "had", "have", "would", "will", "was", "is", "once",
        "previously",
        "recently", "simply", "only", "just", "did", "could", "might", "may", "often", "repeatedly", "flatly",
        "reportedly", "publicly", "privately", "bluntly", "firmly", "quickly", "angrily", "calmly"}
# Words that are also first names or surnames ("Will Doyle", "George Will", "Theresa May"): a name in a speaker's
# place ("said Will Doyle"); alone ("“...,” Will wrote") only when the article gives that person's full name.
_WORD_NAMES = {"will", "may", "june", "april", "august"}
_PRONOUNS = {"he": "m", "she": "f", "they": None, "i": None, "we": None, "it": None, "you": None}
_DETERMINERS = {"the", "a", "an", "one", "another", "two", "three", "several", "some", "many", "most", "other", "his",
                "her", "their", "its", "our", "my", "this", "that", "these", "those", "both", "each", "all", "no"}
_PARTICLE_WORDS = {"de", "da", "van", "von", "der", "den", "in", "'t", "’t", "ter", "la", "le", "di", "du", "del",
                   "bin", "al"}
_PARTICLES = {"de", "da", "van", "von", "der", "den", "al", "al-", "bin", "ibn", "la", "le", "di", "du", "del", "dos",
              "das", "ter", "y"}
_TIME_CUT_RE = re.compile(
    r"(?:,\s*|\s+)(?:on|in|at|during|after|before|when|while|last|this|earlier|late|yesterday|today|tonight|"
    r"Monday|Tuesday|"
    r"Wednesday|Thursday|Friday|Saturday|Sunday|recently|afterward|afterwards|via|through|to|of|about)\b", re.S)
_PARENTHETICAL_RE = re.compile(r"\s*\([^()]{0,40}\)")
_MARK_RE = re.compile('[“”„«»"]')
_OPENERS = "“„«"
_CLOSERS = "”»"
_END_RE = re.compile(r"\n|[.!?]+(?=[\s“”\"']|$)")


@dataclass(slots=True)
class _Speaker:
    kind: str  # "name", "pron" or "nom"
    name: str = ""
    description: str = ""
    mention: str = ""


_WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_SENTENCE_ADVERBS = {"perhaps", "likewise", "moreover", "furthermore", "indeed", "still", "yet", "besides",
                     "nevertheless", "nonetheless", "otherwise", "thus", "hence", "instead", "meanwhile", "anyway"}


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for m in re.finditer(r"\n", text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


_INVISIBLE = frozenset("\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\ufeff")
_MISTYPED_CLOSER_RE = re.compile(r"[,.!?]“(?=\s|$)")


def _after_space(text: str, i: int, start: int) -> bool:
    """Does the mark at i open a word: at the paragraph start or after white space, past invisible formatting
    characters (direction marks, zero-width spaces) that web copy often leaves before a quotation?"""
    j = i
    while j > start and text[j - 1] in _INVISIBLE:
        j -= 1
    return j == start or text[j - 1].isspace()


def _quote_marks(text: str) -> list[tuple[int, int, bool]]:
    """(opening mark, closing mark or paragraph end, closed) for each quotation; unbalanced marks are dropped."""
    paragraphs = _paragraphs(text)
    found = []
    for n, (start, end) in enumerate(paragraphs):
        opened = None
        for m in _MARK_RE.finditer(text, start, end):
            mark, i = m.group(), m.start()
            if opened is None:
                if mark in _CLOSERS and not _after_space(text, i, start):
                    continue
                opened = i
            elif mark in _OPENERS and not _MISTYPED_CLOSER_RE.match(text, i - 1, end):
                opened = i  # an opener inside an open quotation: the earlier mark was stray
            elif mark in _OPENERS:
                found.append((opened, i, True))  # “It's unusual,“ said Lee: a closer typed as an opener
                opened = None
            else:
                found.append((opened, i, True))
                opened = None
        if opened is not None and n + 1 < len(paragraphs):
            nxt = paragraphs[n + 1][0]
            if text[nxt] in _OPENERS or text[nxt] == '"':
                found.append((opened, end, False))  # a quotation running on into the next paragraph
    return found


def _sentence_end(text: str, pos: int, limit: int) -> int:
    for m in _END_RE.finditer(text, pos, limit):
        if m.group() == ".":
            word = re.search(r"([\w.]+)$", text[max(pos, m.start() - 12):m.start()])
            if word and (word.group(1).lower() in ABBREVIATIONS or re.fullmatch(r"[A-Z]", word.group(1))):
                continue
        return m.start()
    return limit


def _sentence_start(text: str, pos: int, floor: int) -> int:
    start = floor
    for m in _END_RE.finditer(text, floor, pos):
        if m.group() == ".":
            word = re.search(r"([\w.]+)$", text[max(floor, m.start() - 12):m.start()])
            if word and (word.group(1).lower() in ABBREVIATIONS or re.fullmatch(r"[A-Z]", word.group(1))):
                continue
        start = m.end()
    return start


def _is_namey(token: str) -> bool:
    return bool(token) and (token[0].isupper() or token.lower() in _PARTICLES)


def _parse_speaker(phrase: str) -> _Speaker | None:
    """Read a speaker phrase: a pronoun, a (titled) name with an optional appositive, or a nominal."""
    phrase = _PARENTHETICAL_RE.sub("", phrase).strip().strip(",").strip()
    phrase = re.sub(r"^(?:and|but|as|so|while|then|now|which|where)\s+", "", phrase, flags=re.I)
    if not phrase or any(c in phrase for c in "“”\"()[];:"):
        return None
    if phrase.lower() in _PRONOUNS:
        return _Speaker("pron", mention=phrase)
    head, _, appos = phrase.partition(",")
    head, appos = head.strip(), appos.strip().strip(",").strip()
    if appos.lower() in ("he", "she"):
        return _Speaker("pron", mention=appos)  # "South Carolina, he said, was ...": the place is a topic
    appos = re.split(r",\s+(?=\w+ing\b)", appos)[0]
    tokens = head.split()
    if not tokens or len(tokens) > 10 or len(appos.split()) > 30:
        return None
    participle = len(tokens) > 1 and tokens[0].lower().endswith("ing") and tokens[1][:1].islower()
    if participle or tokens[0].lower() in PREPOSITIONS | {"after", "before", "later", "asked", "speaking",
                                                           "meanwhile", "however", "still", "earlier", "instead",
                                                           "today", "yesterday"}:
        # an introductory phrase ("Surveying the damage in New York, Lee"): the speaker follows its comma
        if appos:
            return _parse_speaker(appos)
        return None
    if appos and tokens[-1].lower().rstrip(".") in TITLES and (appos_name := _name_only(appos)):
        return _Speaker("name", appos_name, head, appos_name)  # "Ryanair's CEO, Michael O'Leary,"
    if not _is_namey(tokens[-1]) or tokens[-1].lower() in _PARTICLES:
        if tokens[0].lower() not in _DETERMINERS and not tokens[0][0].isupper():
            if len(tokens) > 1:
                return None
        appos_name = _name_only(appos)
        if appos_name:
            return _Speaker("name", appos_name, head, appos_name)
        return _Speaker("nom", description=phrase if not appos else head, mention=head)
    i = len(tokens)
    while i > 0 and _is_namey(tokens[i - 1]):
        i -= 1
    run, pre = tokens[i:], tokens[:i]
    if len(pre) > 1 and pre[-1].lower() in ("the", "a", "an") and pre[-2].lower() in PREPOSITIONS:
        pre = pre[:-1]  # "a professor from the University ...": the name is still the preposition's object
    if pre and pre[-1].lower() in PREPOSITIONS and pre[0].lower() in _DETERMINERS:
        return _Speaker("nom", description=phrase, mention=head)  # "a spokesman for Ryan"
    if pre and pre[0][:1].isupper() and pre[0].lower() in NOT_NAMES and pre[0].lower() not in _DETERMINERS:
        return None
    if pre and (pre[-1].lower() in PREPOSITIONS or pre[-1].lower() in BEFORE_OBJECT):
        return None  # "Contrasting her with Trump", "Trump attacked Clinton": the name is an object
    if run and run[-1].endswith(("’s", "'s")):
        return None
    cut = 0
    for k, t in enumerate(run[:-1]):
        low = t.lower()
        if low in TITLES or (t.isupper() and len(t) > 1) or low in ("house", "white", "state", "senate", "new"):
            cut = k + 1
    for k in range(cut, len(run) - 1):
        if run[k].lower() in MALE or run[k].lower() in FEMALE:
            cut = k
            break
    title, run = run[:cut], run[cut:]
    while run and run[0].lower() in _DETERMINERS | {"the"}:
        run.pop(0)
    if not run or len(run) > 6 or all(t.lower() in NOT_NAMES for t in run) and run[0].lower() not in _WORD_NAMES:
        return None
    if run[0].lower().rstrip(".") in NOT_NAMES and run[0].lower() not in _WORD_NAMES:
        return None
    if all(re.fullmatch(r"(?:[A-Z]\.)*[A-Z]\.?", t) for t in run) or re.fullmatch(r"[RDI]-[A-Z][\w.]*", run[-1]):
        return None  # "J.J": initials cut off from a surname at a seeming sentence end; "R-Texas": a party label
    if any(t.lower() in _WEEKDAYS for t in run):
        return None  # "in Hudson, New Hampshire Monday, the supporter": a place and a day, not a name
    if run[0].lower() in _SENTENCE_ADVERBS or (run[0].lower().endswith("ly") and run[0].lower() not in MALE | FEMALE
                                                and not run[0].lower().endswith(("elly", "illy", "olly"))):
        return None  # "Additionally", "Perhaps": a sentence adverb, not a first name
    name = " ".join(run).rstrip(".") if run[-1].lower().rstrip(".") not in ("jr", "sr") else " ".join(run)
    description = appos or " ".join(pre + title).strip()
    if description.lower() in _DETERMINERS | {"the"}:
        description = ""  # "the Federal Reserve stated": no description
    return _Speaker("name", name, description, head)


def _parse_named(phrase: str) -> _Speaker | None:
    """A speaker phrase, or failing that the name before what follows it: "Jeffrey Lewis of the Martin Center for
    Nonproliferation Studies" is Jeffrey Lewis (a title before "of" is no name: "Secretary of State ...")."""
    spk = _parse_speaker(phrase)
    if spk is None:
        cut = _cut_after_name(phrase)
        spk = _parse_speaker(cut) if cut != phrase else None
        if spk is None or spk.kind != "name" or spk.name.split()[-1].lower() in TITLES:
            return None
    return spk


def _name_only(phrase: str) -> str:
    tokens = phrase.split()
    if 1 <= len(tokens) <= 4 and all(_is_namey(t) for t in tokens) and tokens[0][0].isupper():
        if tokens[0].lower() not in NOT_NAMES:
            return phrase.strip()
    return ""


def _cut_after_name(head: str) -> str:
    """Drop what follows the name ("Lukes on Tuesday", "Lukes of Boston University"), not what precedes it."""
    for m in _TIME_CUT_RE.finditer(head):
        before = head[:m.start()].split()
        if before and before[-1][:1].isupper():
            return head[:m.start()]
    return head


def _trim_speaker_phrase(phrase: str) -> str:
    """Drop adverbs and time words between the speaker and the cue: "Lee later Thursday told" -> "Lee"."""
    words = phrase.split()
    while words and ((words[-1].lower() in _AUX | _TIME_WORDS and not (
            words[-1][:1].isupper() and words[-1].lower() in _WORD_NAMES))  # "“...,” Will wrote": George Will
                     or (words[-1].endswith("ly") and words[-1].islower())):
        words.pop()
    return " ".join(words)


def _after_attribution(text: str, close: int, ended_sentence: bool) -> tuple[_Speaker, str, int] | None:
    """Attribution after a quotation: ", said X", ", X said", ", according to X". Returns (speaker, cue, end)."""
    limit = min(len(text), close + MAX_CONTEXT)
    nxt = _MARK_RE.search(text, close + 1, limit)
    end = _sentence_end(text, close + 1, nxt.start() if nxt else limit)
    ctx = text[close + 1:end]
    lead = re.match(r"[\s,—–-]*", ctx).end()
    body = ctx[lead:]
    if not body or body[0] == "\n":
        return None
    m = _ACCORDING_RE.match(body)
    if m:
        spk = _parse_named(body[m.end():])
        return (spk, "according to", end) if spk else None
    m = _CUE_AT_START_RE.match(body)
    if m:
        rest = body[m.end():].strip()
        if not rest or rest.split()[0].lower() in ("that", "the", "it", "this", "him", "her", "them", "us", "me"):
            return None
        rest = re.split(r",\s+(?=[a-z]+ing\b)", rest, maxsplit=1)[0]  # "said Lee, explaining he ...": Lee
        head, comma, appos = _PARENTHETICAL_RE.sub("", rest).partition(",")
        head = _cut_after_name(head)  # "said Rep. Lee (D-Va.) at the time" -> "Rep. Lee"
        spk = _parse_speaker(head + (", " + appos if comma else ""))
        if spk and spk.kind != "nom" and (not ended_sentence or len(rest.split()) <= 6):
            return spk, m.group(), end
        if spk and spk.kind == "nom":
            return spk, m.group(), end
        return None
    m = _CUE_RE.search(body)
    if not m or _passive(body, m):
        return None
    phrase = _trim_speaker_phrase(body[:m.start()])
    if m.group() in ("said", "says") and re.match(r"\s+(?:that|his|her|their|its)\s", body[m.end():]):
        return None  # "to chants of “...,” the senator said his campaign was ...": he said something else
    if re.search(r"(?:^|[\s,])(?:and|but|or)$", phrase):
        return None  # "Lee denied having “attacked” Clinton, and said": the verb's subject came before the quote
    if ended_sentence and (len(phrase.split()) > 4 or len(body[m.end():].split()) > 5):
        return None
    spk = _parse_named(phrase)
    return (spk, m.group(), end) if spk else None


_TIME_WORDS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "yesterday",
               "tonight", "earlier", "afterward", "afterwards", "again"}
_PRE_TAIL_RE = re.compile(r"(?:[\s,]+[^:;“”\"]{0,80}?)?\s*(?:[:,]|\bthat)\s*$|\s*$")
_INVERTED_BEFORE_RE = re.compile(
    r"\s*(Said|Says|Added|Adds|Wrote|Writes|Explained|Noted|Replied|Responded|Continued|Stated|Tweeted)"
    r"\s+([^“”\"]+?)\s*[,:]\s*$")
# A later speech verb with a subject of its own: the quotation that follows is that subject's
_LATER_SPEAKER_RE = re.compile(
    rf"\b(?:(?:as|while|when|whereupon|who|which|that)\s+((?:the|a|an|his|her|their|[A-Z][\w’'.-]*)\s+"
    rf"(?:[\w’'.-]+\s+){{0,3}}?)|(?:who|which|that)\s+())(?:{CUES})\b")

# A quotation introduced by a speech verb in its own sentence ("Lee replied to Park with, “...”"): what follows
# it ("... Park wrote back, “...”") introduces the next one
_INTRODUCED_RE = re.compile(rf"(?<![.!?])\s(?:{CUES})\b(?:\s+(?:to|back|with)\b[^.!?“”\"]{{0,40}})?[,:]\s*$")
_PASSIVE_RE = re.compile(r"\b(?:was|were|is|are|be|been|being|when|if|once|after|before|unless|until|whenever)"
                         r"(?:\s+[a-z]+ly)?\s+$", re.I)


def _passive(ctx: str, m: re.Match) -> bool:
    """A question cue in the passive ("Lee was asked, “...”", "when asked ...") names whom the question was put to,
    not who put it."""
    return m.group() in ("asked", "asks", "told", "tells") and _PASSIVE_RE.search(ctx, 0, m.start()) is not None


def _later_speaker(ctx: str, pos: int) -> int:
    """Where the subject of a later speech verb that introduces the quotation begins ("..., who replied:"), or 0."""
    for m in _LATER_SPEAKER_RE.finditer(ctx, pos):
        if _PRE_TAIL_RE.fullmatch(ctx, m.end()):
            return m.start(1) if m.group(1) else m.end()
    return 0


_COORDINATED_RE = re.compile(r"(?:,?\s+(?:and|but|then|before|and then)|,)$")


def _before_attribution(text: str, open_: int, floor: int) -> tuple[_Speaker, str, int] | None:
    """Attribution before a quotation: "X said:", "X told reporters,", "According to X,", "X left the stage and
    said,", "X took to Twitter, writing:"."""
    start = _sentence_start(text, open_, max(floor, open_ - MAX_CONTEXT))
    ctx = text[start:open_]
    m = _INVERTED_BEFORE_RE.match(ctx)
    if m:  # "Said Lee, a farmer, “...”": the cue comes first, then the speaker
        spk = _parse_speaker(m.group(2))
        if spk and spk.kind == "name":
            return spk, m.group(1).lower(), start
    m = re.search(r"(?:^|[\s,])according to\s+(.+?)[,:]\s*$", ctx, re.I)
    if m:
        spk = _parse_named(m.group(1))
        return (spk, "according to", start + m.start(1)) if spk else None
    cut = 0
    for m in _CUE_RE.finditer(ctx):
        if not _PRE_TAIL_RE.fullmatch(ctx, m.end()) or _passive(ctx, m):
            continue
        later = _later_speaker(ctx, m.end())
        if later:
            cut = later  # "Lee said as the heckler yelled:", "Ann spoke to Ames, who replied:"
            continue
        phrase = _trim_speaker_phrase(ctx[cut:m.start()])
        spk = _parse_speaker(phrase)
        if spk is None and "," in phrase:
            spk = _parse_speaker(phrase.rsplit(",", 1)[1])
        if (spk is None or spk.kind == "nom") and _COORDINATED_RE.search(phrase):
            spk = _clause_subject(text, start, start + len(phrase))  # "Lee closed her notebook and said,"
        if spk:
            return spk, m.group(), start + m.start()
        # no speaker before this cue ("When asked why, Lee replied:"): a later cue in the sentence may have one
    m = _PARTICIPLE_TAIL_RE.search(ctx)
    if m:
        spk = _clause_subject(text, start, start + m.start())
        if spk:
            return spk, m.group().strip(" ,:"), start + m.start()
    return _colon_attribution(text, start, open_)


_COLON_TAIL_RE = re.compile(r":\s*$")


def _colon_attribution(text: str, start: int, open_: int) -> tuple[_Speaker, str, int] | None:
    """A sentence ending in a colon introduces what its subject said: "Kasich resisted: “...”", "Lee went even
    further: “...”". Only a named subject counts; "The crowd chanted:" or "The report reads:" name nobody."""
    m = _COLON_TAIL_RE.search(text, start, open_)
    if not m or m.end() != open_:
        return None
    spk = _clause_subject(text, start, m.start())
    if spk and spk.kind == "name":
        return spk, "colon", start
    return None


_RELATIVE_RE = re.compile(r"\b(?:who|whom|whose|which|where|while|whereas|when)\b")
_TIME_ADVERBS = {"later", "ago", "earlier", "after", "before", "afterwards", "afterward", "today", "yesterday"}
_SUBJECT_CANDIDATE_RE = re.compile(rf"\b(?:[Hh]e|[Ss]he)\b|{NAME_RUN_RE.pattern}")


def _clause_subject(text: str, start: int, end: int) -> _Speaker | None:
    """The subject of the main clause in text[start:end], skipping leading subordinate and prepositional chunks
    ("After the vote, Lee ...", "As he left, he ..."): a he/she, or a name followed by a verb."""
    chunk_start = start
    for chunk in re.finditer(r"[^,;—–]+", text[start:end]):
        c0, c1 = start + chunk.start(), start + chunk.end()
        words = chunk.group().split()
        if not words:
            continue
        if chunk_start == start and (words[0].lower() in _SUBORDINATORS or words[-1].lower() in _TIME_ADVERBS):
            continue  # a leading subordinate or prepositional chunk, or "Hours later"
        if c1 < end and text[c1] == "," and words[0].lower() in ("here", "there", "back", "later", "once") \
                and not any(verbish(w) for w in words[1:] if w.islower()):
            continue  # "Here in Columbia, Lee ...": a place or time phrase without a verb
        for m in _SUBJECT_CANDIDATE_RE.finditer(text, c0, c1):
            word = m.group()
            if any(verbish(w) or w in _SUBORDINATORS for w in re.findall(r"\b[a-z][\w’'-]*", text[c0:m.start()])):
                return None  # past the subject: "The spokesman refused to say who Lee ..."
            if word.lower() in ("he", "she"):
                if _RELATIVE_RE.search(text, m.end(), end):
                    return None
                nxt = re.match(r"\s+([a-z][\w’'-]*)", text[m.end():m.end() + 30])
                if nxt and verbish(nxt.group(1)):
                    return _Speaker("pron", mention=word)
                continue
            chunks = split_run(word)
            if len(chunks) != 1:
                continue
            if not is_subject(text, m.start(), m.end()):
                continue
            if _RELATIVE_RE.search(text, m.end(), end):
                return None  # "Lee spoke near the hall, where protesters had gathered, chanting": whose participle?
            phrase = text[c0:m.end()]
            appos = re.match(r",\s*([^,;“”\"]{3,60}),", text[m.end():end])
            if appos and word.split()[-1].lower().rstrip(".") in TITLES:
                phrase += ", " + appos.group(1)  # "Ryanair's CEO, Michael O'Leary, justified": the name is O'Leary
            spk = _parse_speaker(phrase)
            if spk and spk.kind == "name":
                return spk
            return None
        return None
    return None


_LABEL_RE = re.compile(
    rf"(?:^|[-–—]\s*|[.!?]\s+)(?:(?:Stated|Continued|Added|Said|Wrote|Tweeted|Concluded|Replied|Responded)\s+)?"
    rf"([{UPPER}][\w.’'\-]*(?:\s+(?:[{UPPER}][\w.’'\-]*|{'|'.join(sorted(_PARTICLE_WORDS))})){{0,4}})\s*:\s*$")
_BYLINE_RE = re.compile(r"[-–—]+\s*([^\n,.;:(“”\"]{2,60}?)\s*(?:[,.(]|$)", re.MULTILINE)


def _label_attribution(text: str, article: Article, open_: int, close: int, closed: bool, floor: int,
                       paragraphs: list[tuple[int, int]]) -> tuple[_Speaker, str, int] | None:
    """A speaker named as a label: "Bush: “...”", "Stated Stone: “...”", or on the line after the quotation
    ("“...”" then "- Bernie Sanders, in a debate")."""
    start = _sentence_start(text, open_, max(floor, open_ - MAX_CONTEXT))
    ctx = text[start:open_].lstrip(" ”\"’")
    m = _LABEL_RE.search(ctx)
    if m:
        spk = _parse_speaker(m.group(1))
        if spk and spk.kind == "name" and _known_name(article, spk.name):
            return spk, "label", start
    if closed:
        end = next((e for s, e in paragraphs if s <= close < e), None)
        if end is not None and re.fullmatch(r"[\s.,;:!?”\"’]*", text[close + 1:end]):
            nxt = next(((s, e) for s, e in paragraphs if s > end), None)
            m = _BYLINE_RE.match(text, nxt[0], nxt[1]) if nxt else None
            if m:
                spk = _parse_speaker(m.group(1))
                if spk and spk.kind == "name" and _known_name(article, spk.name):
                    return spk, "byline", m.end()
    return None


def _known_name(article: Article, name: str) -> bool:
    """A label is a speaker's name if it has a first name and a surname, or the article names that person
    elsewhere: a lone capitalised word before a colon ("Update:", "Correction:") is not."""
    tokens = name.split()
    if len(tokens) >= 2:
        return not any(t.lower() in ORG_WORDS or t.lower() in PLACE_WORDS for t in tokens)
    return name in article.by_surname or name in article.speakers


def _word_count(s: str) -> int:
    return len(WORD_RE.findall(s))


def extract_quotes(text: str) -> list[Quote]:
    """Direct quotes in text, each with its speaker resolved across the article ("" when it cannot be)."""
    if not text or not _MARK_RE.search(text):
        return []
    marks = _quote_marks(text)
    article = Article(text, [(o, c + 1) for o, c, _ in marks])
    paragraph_of = _paragraphs(text)
    quotes: list[Quote] = []
    previous: dict | None = None
    for open_, close, closed in marks:
        start, end = open_ + 1, close
        while start < end and text[start].isspace():
            start += 1
        while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
            end -= 1
        if end <= start:
            continue
        body = text[start:end]
        if closed and _TERM_BEFORE_RE.search(text, max(0, open_ - 8), open_) and _TERM_AFTER_RE.match(text, close + 1) \
                and body[-1] not in _CLOSING_PUNCTUATION:
            continue  # "the “Big Three” automakers", "a “historic” deal": a term inside a noun phrase, not speech
        para_start = next((s for s, e in reversed(paragraph_of) if s <= open_), 0)
        ended = body[-1] == "." if body else False
        attribution = None
        floor = para_start
        if previous and previous["para_start"] == para_start:
            floor = previous["close"] + 1
        if closed and not _INTRODUCED_RE.search(text, max(floor, open_ - 80), open_):
            attribution = _after_attribution(text, close, ended)  # not "Lee replied, “...” Park added, “...”"
        adjacent = attribution is not None
        if attribution is None:
            attribution = _before_attribution(text, open_, floor)
            if attribution is None and open_ == para_start and para_start > 0:
                prev_para = next(((s, e) for s, e in reversed(paragraph_of) if e < para_start), None)
                if prev_para and text[prev_para[0]:prev_para[1]].rstrip().endswith(":"):
                    attribution = _before_attribution(text, prev_para[1], prev_para[0])
            if attribution is None:
                attribution = _label_attribution(text, article, open_, close, closed, floor, paragraph_of)
            adjacent = attribution is not None
        inherited = None
        if attribution is None and previous is not None:
            gap = text[previous["attr_end"]:open_]
            same_para = previous["para_start"] == para_start
            if (same_para and previous["attr_end"] > previous["close"] and re.fullmatch(r"[\s.,;:—–-]*", gap)
                    and not _later_speaker(text[previous["close"] + 1:open_], 0)) \
                    or (previous["runs_on"] and previous["close"] < open_
                        and re.fullmatch(r"\s*", text[previous["close"]:open_])):
                inherited = previous["quote"]
        words = _word_count(body)
        if not adjacent and inherited is None:
            if words < MIN_WORDS:
                previous = None
                continue
            if all(w[0].isupper() for w in WORD_RE.findall(body) if len(w) > 3) and not re.search(r"[.!?,]", body):
                previous = None
                continue  # a title of a work, not speech
        quote = Quote(body, start, end)
        if inherited is not None:
            quote = Quote(body, start, end, inherited.speaker, inherited.speaker_description,
                          inherited.speaker_mention, inherited.cue, inherited.resolved)
            attr_end = close + 1
        elif attribution is not None:
            speaker, cue, attr_end = attribution
            position = open_ if attr_end <= open_ else close
            quote = _resolve(article, quote, speaker, cue, position)
        else:
            attr_end = close + 1
        quotes.append(quote)
        previous = {"quote": quote, "close": close, "attr_end": max(attr_end, close + 1), "para_start": para_start,
                    "runs_on": not closed}
    return quotes


def _resolve(article: Article, quote: Quote, speaker: _Speaker, cue: str, position: int) -> Quote:
    name, description = "", speaker.description
    if speaker.kind == "name" and speaker.name.lower() in _WORD_NAMES \
            and article.full_name(speaker.name, position) == speaker.name:
        return Quote(quote.text, quote.start, quote.end, "", speaker.description, speaker.mention, cue, False)
    if speaker.kind == "name":
        name = article.full_name(speaker.name, position)
        is_person = bool(description) or len(name.split()) >= 2 and not any(
            w.lower() in ORG_WORDS for w in name.split())
        article.remember(name, description, position, is_person and not any(
            w.lower() in ORG_WORDS for w in name.split()))
    elif speaker.kind == "pron":
        gender = _PRONOUNS.get(speaker.mention.lower())
        if gender:
            name = article.resolve_pronoun(gender, position, cue)
    else:
        words = speaker.mention.split()
        if words and words[0].lower() == "the" and len(words) <= 4:
            name = article.resolve_nominal(words[-1].lower(), position, frozenset(w.lower() for w in words[1:-1]))
    if name and (speaker.kind != "name" or not description):
        person = article.people.get(name)
        description = person.description if person else ""
    if name and speaker.kind != "name":
        bisect.insort(article.mentions, (position, name))
        article.subjects.add(position)
    if name:
        article.last_speaker = name
        article.last_speaker_at = position
    shown_name, title = _untitled(name)
    description = description if name else speaker.description
    return Quote(quote.text, quote.start, quote.end, shown_name, _shown(description or title),
                 speaker.mention, cue, bool(name))


def _untitled(name: str) -> tuple[str, str]:
    """(the name, the title it was given in) for a name the article first wrote inside a title run ("Aer Lingus Chief
    Executive Dermot Mannion" -> "Dermot Mannion", "Aer Lingus Chief Executive"); the name as it is otherwise."""
    tokens = name.split()
    cut = max((k for k, t in enumerate(tokens[:-2]) if t.lower().rstrip(".") in TITLES), default=-1) + 1
    if not cut or any(t[:1].islower() for t in tokens[cut:]):
        return name, ""  # no title, or one with its own "of" ("Secretary of State Hillary Clinton"): left whole
    return " ".join(tokens[cut:]), " ".join(tokens[:cut])


_CLAUSE_RE = re.compile(r"(?:who|whom|whose|which|that|when|while|after|before|speaking|cited|quoted|according|"
                        r"adding|writing|saying|in|at|on)\b", re.I)


def _shown(description: str) -> str:
    """A description as a reader sees it beside the name: a clause ("who was appointed ...", "speaking at ...",
    "cited by ...") says what the person did, not who they are, so it is left out."""
    return "" if _CLAUSE_RE.match(description) else description
