"""Extractive composing of a story from its source articles: headline, dek and body, every sentence with provenance.

Pure Python (no Django). `compose(sources)` does it all with one analysis; `compose_body`, `choose_dek` and
`choose_headline` are the parts.

How the body is made:
1. Each source is split into sentences (`sentences.split_sentences`); sentences inside one multi-sentence quote
   are kept together. Datelines ("WASHINGTON (AP) —") are cut off the front of a span; bylines, captions, menus,
   time stamps and "Read more"/"Follow us" furniture are never used; nor are fragments (no final punctuation,
   too short, unbalanced quotes, starting in lower case).
2. Sentences that cannot stand alone are repaired or dropped: a leading "He"/"She"/"His"/"Her" becomes the person
   the previous sentence (or the one before, when the previous names nobody) names, when it names exactly one
   person, set in square brackets as editors mark an insertion ("[Lukes] said ..."); a leading "They", "It",
   "This is", "Meanwhile", "However", "But" ... is dropped (expletives such as "It is not clear whether" stay).
3. Only independent sources carry weight: reprints (flagged, or found here as texts whose sentences mostly repeat
   an earlier source) neither add terms to the centroid nor count as agreement, and are not quoted from.
4. Each sentence is scored by centrality (weight of its terms in the story's centroid, each source counted once),
   agreement (share of its terms that other independent outlets also use), similarity to the headlines, and
   position (news puts the main facts first). Sentences are picked by MMR: best score first, penalised by
   similarity to what is already picked, and skipped outright above a redundancy threshold, within `max_words`.
5. The picks are laid out as the issue asks: the most central facts first (lead paragraph), then developments,
   then reactions and quotes, then background; within each part in source order (by publication time) and in
   each source's own order, a new paragraph when the source changes or a paragraph has three sentences.

Provenance invariant (see `check_provenance`): a sentence's `text` equals `source.text[start:end]` once its
bracketed insertions are removed; `inserted` lists each insertion as (offset in `text`, inserted string).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sociose.desk.sentences import split_sentences
from sociose.stories.entities import stop_words


@dataclass(frozen=True)
class Source:
    """One source article as the desk sees it."""

    id: Hashable
    title: str
    text: str
    outlet: str = ""
    published_at: datetime | None = None
    is_reprint: bool = False


@dataclass
class BodySentence:
    """A sentence shown on the story, with where it comes from."""

    text: str
    source_id: Hashable
    start: int
    end: int
    inserted: list[tuple[int, str]] = field(default_factory=list)
    source_hash: str = ""

    @property
    def word_count(self) -> int:
        return len(self.text.split())


@dataclass
class Body:
    """The story body: paragraphs of sentences."""

    paragraphs: list[list[BodySentence]]

    @property
    def sentences(self) -> list[BodySentence]:
        return [s for p in self.paragraphs for s in p]

    @property
    def word_count(self) -> int:
        return sum(s.word_count for s in self.sentences)

    @property
    def text(self) -> str:
        return "\n\n".join(" ".join(s.text for s in p) for p in self.paragraphs)


@dataclass
class Composition:
    """Headline, dek and body composed together."""

    headline: str
    dek: BodySentence | None
    body: Body


def text_hash(text: str) -> str:
    """SHA-256 of a source text exactly as stored: spans are only valid for the text with this hash."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- provenance ----------------------------------------------------------------------------------------------------

_INSERTION = re.compile(r"\[[^\[\]]+\] ?")


def check_provenance(body: Body | Iterable[BodySentence], sources: Sequence[Source]) -> list[str]:
    """Violations of the provenance invariant (empty when every sentence is its source span plus insertions)."""
    by_id = {s.id: s for s in sources}
    sentences = body.sentences if isinstance(body, Body) else list(body)
    problems = []
    for n, sentence in enumerate(sentences):
        where = f"sentence {n} ({sentence.text[:40]!r})"
        source = by_id.get(sentence.source_id)
        if source is None:
            problems.append(f"{where}: unknown source {sentence.source_id!r}")
            continue
        if not 0 <= sentence.start < sentence.end <= len(source.text):
            problems.append(f"{where}: span {sentence.start}:{sentence.end} outside the source text")
            continue
        if sentence.source_hash and sentence.source_hash != text_hash(source.text):
            problems.append(f"{where}: source text changed since composing (hash differs)")
        shown, removed = sentence.text, 0
        for offset, inserted in sorted(sentence.inserted):
            at = offset - removed
            if not _INSERTION.fullmatch(inserted):
                problems.append(f"{where}: insertion {inserted!r} is not a bracketed insertion")
            if shown[at:at + len(inserted)] != inserted:
                problems.append(f"{where}: insertion {inserted!r} not found at offset {offset}")
                break
            shown = shown[:at] + shown[at + len(inserted):]
            removed += len(inserted)
        else:
            if shown != source.text[sentence.start:sentence.end]:
                problems.append(f"{where}: text differs from its source span")
    return problems


# --- headline ------------------------------------------------------------------------------------------------------

_HEAD_SEPARATORS = r"\s+(?:\||-|–|—|·|•|::)\s+|:\s+"
_HEAD_FURNITURE = frozenset(
    "news breaking latest home video videos photos live world uk us u.s. politics business sport sports opinion "
    "analysis tech technology science entertainment health top stories world news uk news us news".split()
)
_WIRE_PREFIX = re.compile(r"^(?:UPDATE\s*\d*|WRAPUP\s*\d*|EXCLUSIVE|CORRECTED|REFILE|RPT|ANALYSIS|FACTBOX)\s*[-:]\s*")


def _fold(name: str) -> str:
    name = name.lower().strip()
    name = re.sub(r"^(?:https?://)?(?:www\.)?", "", name)
    name = re.sub(r"\.(?:com|co\.uk|org|net|co|uk|de|fr|au|ca|in|ie)$", "", name)
    return re.sub(r"[^a-z0-9]+", " ", name).strip()


def _is_outlet(segment: str, outlets: set[str]) -> bool:
    folded = _fold(segment)
    if not folded:
        return True
    if folded in outlets or folded.replace(" ", "") in {o.replace(" ", "") for o in outlets}:
        return True
    # "BBC News" for outlet "BBC", "The Guardian" for "Guardian"
    for outlet in outlets:
        if outlet and (folded.startswith(outlet + " ") or folded.endswith(" " + outlet) or folded == "the " + outlet):
            if len(folded.split()) <= len(outlet.split()) + 2:
                return True
    return False


def clean_headline(title: str, outlet_names: Iterable[str] = ()) -> str:
    """A source headline without outlet names and site furniture (" | Reuters", " - BBC News", "CNN: ")."""
    outlets = {_fold(o) for o in outlet_names if o and _fold(o)}
    head = " ".join(title.split())
    head = _WIRE_PREFIX.sub("", head)
    for _ in range(4):
        parts = re.split(f"({_HEAD_SEPARATORS})", head)
        if len(parts) < 3:
            break
        first, sep, rest = parts[0], parts[1], "".join(parts[2:])
        last_sep, last = parts[-2], parts[-1]
        before_last = "".join(parts[:-2])
        if _is_outlet(last, outlets) or ("|" in last_sep and len(last.split()) <= 4
                                         and (_fold(last) in _HEAD_FURNITURE or len(before_last.split()) >= 3)):
            head = before_last
        elif _is_outlet(first, outlets) and len(rest.split()) >= 2:
            head = rest
        elif ":" not in sep and _fold(first) in _HEAD_FURNITURE and len(rest.split()) >= 2:
            head = rest
        else:
            break
    head = re.sub(r"\s*[\(\[](?:video|photos?|pictures|watch|live|updated?)[\)\]]\s*$", "", head, flags=re.I)
    return head.strip(" |-–—:") or " ".join(title.split())


# --- sentence candidates -------------------------------------------------------------------------------------------

_AGENCY = r"(?:AP|Reuters|AFP|CNN|UPI|Xinhua|dpa|DPA|IANS|PTI|BBC|ANSA|EFE|Bloomberg|[A-Z][A-Za-z&./' ]{1,30})"
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?"
          r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DATELINE = re.compile(  # used with .match(text, pos): anchored at pos
    # a date first ("November 17, Brisbane, Australia -"), or a place in capitals first ("WASHINGTON (AP) —")
    r"(?:(?:" + _MONTH + r" \d{1,2}|\d{1,2} " + _MONTH + r")(?:,? \d{4})?,"
    r"\s*[A-Z][A-Za-z.'\-]+(?:,?\s[A-Z][A-Za-z.'\-]+){0,4}\s*(?:--|—|–|-|:)\s+|"
    r"(?:[A-Z][A-Z.'/\-]+(?:[ ,]+[A-Z][A-Za-z.'/\-]+){0,4}(?:,\s*(?:[A-Z][a-z]{2,8}\.? \d{1,2}|\d{1,2} [A-Z][a-z]{2,8})"
    r"(?:,? \d{4})?)?\s*(?:\(" + _AGENCY + r"\))?|\(" + _AGENCY + r"\))\s*(?:--|—|–|-|:)\s+)"
)
_BOILERPLATE = re.compile(
    r"\b(?:read more|read the full|follow us|follow (?:him|her|them|me) on|like us on|sign up (?:for|to|now|here)"
    r"|subscribe (?:to|now|today|for|here)|click here|share this|all rights reserved|copyright\s*(?:©|\(c\)|\d{4})"
    r"|terms of (?:use|service)|privacy policy|cookies?\b|advertisement|story continues|continue reading"
    r"|download (?:the|our) app|contact us|email us|newsletter|javascript|your browser|image copyright"
    r"|image caption|photo credit|getty images|file photo|ap photo|photo/|photograph:|picture:|pictured:|caption:"
    r"|reporting by|editing by|writing by|additional reporting|contributed to this report|this article was"
    r"|this story has been|last updated|was updated|first published|posted on|published on|related:|see also"
    r"|watch:|listen:|more:|comments?\s*\(|open in app|quote, profile|page you (?:requested|are looking for)"
    r"|page (?:not|cannot be) found|temporarily unavailable|enable cookies|log ?in to|sign in to)",
)  # searched in lower-cased text
_FURNITURE_START = re.compile(
    r"^(?:By|Written by|Posted|Published|Updated|Photo|Image|Video|Source|Credit|FILE)\b"
    r"|^(?:In )?(?:This|These|A|An|The) (?:file |handout |undated |aerial )?(?:photos?|images?|pictures?|screen ?shots?"
    r"|video still|still)\b[^.]{0,120}\b(?:shows?|showing|taken|released|issued|provided|made available|obtained)\b"
)  # captions: "This photo released by ... shows ...", "A photo issued by ..."
_JUNK_CHARS = re.compile(
    r"[|•►»«▶■]|-{3,}|_{3,}|={3,}|\*{2,}|https?:|www\.|\.com/|@\w"
    # transcript labels ("SECRETARY POWELL:", "QUESTION:"): at most five words, each read once (possessive), so a
    # long run of capitals with no colon after it costs its length, not every way of splitting it into words
    r"|\b[A-Z]{2,}+[A-Z.'\-]*+(?:\s++[A-Z]{2,}+[A-Z.'\-]*+){0,4}+:"
    r"|\b[A-Z]{3,}\s+[A-Z]{3,}\b"  # shouted furniture ("QUICK VOTE")
    r"|\([A-Z]{1,6}\.[A-Z]{1,3}\b"  # tickers ("(KMRT.O: ...")
    r"|\((?:Profile|Overview|Products|Articles|Company|Quote|Research)(?:, \w+)+\)"  # link furniture
)
_LETTER = re.compile(r"[^\W\d_]")
_UPPER = re.compile(r"[A-Z]")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_FIRST_PERSON = re.compile(r"\b(?:I|me|my|mine|myself|we|us|our|ours|ourselves|We|Our|you|your|You|Your)\b")
_TERMINAL = re.compile(r"[.!?][\"'”’)\]]*$")
_WORD = re.compile(r"\d++(?:[.,]\d++)*|[^\W\d_]++(?:['’][^\W\d_]++)*")

_MALE = frozenset("he his him".split())
_FEMALE = frozenset("she her".split())
_NOT_STANDALONE = re.compile(
    r"^(?:They|Them|Their|Theirs|It|Its|This|That|These|Those|Such|Both|Meanwhile|However|But|And|Or|Nor|Also|Still"
    r"|Instead|Nevertheless|Nonetheless|Moreover|Furthermore|Additionally|In addition|Likewise|Similarly|Otherwise"
    r"|Thus|Hence|Therefore|Consequently|As a result|In contrast|By contrast|On the other hand|Then|Yet|So|Besides"
    r"|Even so|Despite this|Despite that|After that|Later|The latter|The former|Here|There|Him|We|Us|Our|I|You)\b"
)
_EXPLETIVE = re.compile(
    r"^(?:It (?:is|was|has been|had been|remains|remained|will be|would be) (?:not |still |also |now )?"
    r"(?:un)?(?:clear|known|expected|believed|thought|understood|alleged|reported|likely|possible|feared|estimated"
    r"|hoped|confirmed|the first|the second|the third|the latest|the largest|the biggest|the worst|the most)"
    r"|There (?:is|are|was|were|have been|has been|had been|will be|would be)\b"
    r"|(?:This|That|These|Those) (?:year|week|month|morning|afternoon|evening|season|weekend|summer|winter|spring"
    r"|autumn|fall|time|decade|century)\b|So far\b|Still,? no\b|Both (?:sides|parties|countries|men|women|teams)\b)"
)
_DEMONSTRATIVE_VERB = re.compile(
    r"^(?:This|That|These|Those|It) (?:is|was|are|were|has|have|had|will|would|could|should|may|might|must|can"
    r"|comes|came|means|meant|marks|marked|follows|followed|includes|included|led|leads|made|makes|prompted|shows"
    r"|showed|says|said|seems|seemed|appears|appeared|did|does)\b"
)
_QUOTE_WORDS = re.compile(
    r"\b(?:said|says|told|added|stated|announced|warned|argued|explained|noted|insisted|claimed|asked|replied"
    r"|according to|spokesman|spokeswoman|spokesperson|statement)\b"
)
_BACKGROUND_WORDS = re.compile(
    r"\b(?:last (?:year|month|week)|previously|earlier this (?:year|month)|in (?:19|20)\d\d|since (?:19|20)\d\d"
    r"|had been|was founded|history|years ago|months ago|in the past|former|originally|first (?:launched|created))\b"
)
_PERSON_TITLES = {
    "mr": "m", "mrs": "f", "ms": "f", "miss": "f", "sir": "m", "lady": "f", "lord": "m", "dame": "f", "king": "m",
    "queen": "f", "prince": "m", "princess": "f", "pope": "m", "dr": "", "prof": "", "professor": "",
    "president": "", "senator": "", "sen": "", "rep": "", "representative": "", "gov": "", "governor": "",
    "judge": "", "justice": "", "minister": "", "secretary": "", "chancellor": "", "general": "", "gen": "",
    "col": "", "colonel": "", "capt": "", "captain": "", "sgt": "", "sergeant": "", "lt": "", "officer": "",
    "detective": "", "coach": "", "bishop": "", "rev": "", "reverend": "", "sheriff": "", "mayor": "",
    "chairman": "", "chairwoman": "", "premier": "", "commissioner": "", "ambassador": "", "director": "",
    "attorney": "", "chief": "", "spokesman": "m", "spokeswoman": "f", "spokesperson": "", "leader": "",
    "manager": "", "striker": "", "midfielder": "", "defender": "", "goalkeeper": "", "actor": "m", "actress": "f",
    "singer": "", "author": "", "lawyer": "", "prosecutor": "", "bouncer": "", "dean": "", "father": "m",
    "engineer": "", "resident": "", "councillor": "", "councilman": "m", "councilwoman": "f", "analyst": "",
    "economist": "", "researcher": "", "scientist": "", "doctor": "", "nurse": "", "teacher": "",
    "witness": "", "survivor": "", "farmer": "", "player": "", "star": "", "candidate": "", "activist": "",
}
_NOT_NAME = frozenset(
    "the a an he she it they we i you his her its their our my this that these those there here but and or so "
    "in on at for if when while as after before since although though because however meanwhile also then now "
    "today yesterday monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december new south north east west united saint san los las "
    "santa st great greater central upper lower old royal national international federal state republic "
    "democratic republican general of de la del von van der al for".split()
)
_ORG_WORDS = frozenset(
    "university college school institute party court house council ministry department company corp inc ltd "
    "group bank association union nations states kingdom republic army navy force forces police agency service "
    "airlines airways news times post journal press network hospital church club league cup committee "
    "commission foundation center centre museum office city county province island islands street road "
    "park hotel airport station river mountains valley bay sea ocean world games series project program "
    "programme fund board authority administration government parliament assembly congress senate corporation "
    "industries holdings partners motors systems technologies labs media studios records festival awards "
    "prize day week act bill treaty summit conference tournament championship open stadium square mall".split()
)
_SPEECH = re.compile(r"^,?\s*(?:said|says|told|added|explained|insisted|warned|argued|claimed|noted|wrote)\b")


# Score weights (see _score and _select): centrality, headline similarity, agreement between outlets and position
# (1 / (1 + decay * n) for the n-th content sentence of its article); MMR subtracts `redundancy` x the similarity to
# the closest sentence already picked, and a sentence at least `duplicate` similar (cosine of term sets) is skipped.
WEIGHTS = {"centroid": 1.0, "title": 0.5, "agreement": 0.4, "position": 0.8, "decay": 0.35, "redundancy": 1.2,
           "duplicate": 0.4, "headline_fit": 1.0}


@dataclass
class _Unit:
    source: int
    start: int
    end: int
    order: int  # index among the source's content sentences
    terms: list[str]
    words: int
    kind: str = "fact"
    referent: tuple[str, str] | None = None  # (surname, full name) replacing a leading pronoun
    pronoun_end: int = 0  # where the replaced pronoun ends (the span starts after it)
    possessive: bool = False
    score: float = 0.0
    term_set: frozenset[str] = frozenset()


@dataclass
class _Analysis:
    sources: list[Source]
    hashes: list[str]
    independent: list[int]
    units: list[_Unit]
    lead_units: list[_Unit]


_stem_cache: dict[str, str] = {}


def _stem(word: str) -> str:
    stem = _stem_cache.get(word)
    if stem is None:
        stem = word
        if len(word) > 3 and word.isalpha():
            if word.endswith("ies") and len(word) > 4:
                stem = word[:-3] + "y"
            elif word.endswith(("ches", "shes", "sses", "xes")):
                stem = word[:-2]
            elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
                stem = word[:-1]
        if len(_stem_cache) < 200_000:
            _stem_cache[word] = stem
    return stem


_EXTRA_STOP = frozenset("would could should also said says say told mr mrs ms people percent per cent".split())


def _terms(text: str) -> list[str]:
    stop = stop_words()
    out = []
    for word in _WORD.findall(text.lower()):
        if word.endswith(("'s", "’s")):
            word = word[:-2]
        if len(word) < 2 or word in stop or word in _EXTRA_STOP:
            continue
        out.append(_stem(word))
    return out


def _quote_balance(text: str) -> int:
    """Open quotes left at the end of text: curly quotes counted as pairs, straight ones by parity."""
    curly = text.count("“") - text.count("”")
    straight = text.count('"') % 2
    return curly + straight if curly >= 0 else curly - straight


def _is_furniture(text: str) -> bool:
    if _JUNK_CHARS.search(text) or _BOILERPLATE.search(text.lower()) or _FURNITURE_START.match(text):
        return True
    letters = len(_LETTER.findall(text))
    if not letters or len(_UPPER.findall(text)) > 0.5 * letters:
        return True
    words = text.split()
    capitals = sum(1 for w in words if w[:1].isupper())
    return len(words) >= 6 and capitals > 0.75 * len(words)  # menus and lists of names


def _name_tokens(run: list[str], lowered: set[str], at_start: bool) -> tuple[list[str], str, bool]:
    """(name tokens, gender cue, strong evidence) of a run of capitalised tokens."""
    gender, strong = "", False
    while run:
        key = run[0].lower().rstrip(".")
        if key in _PERSON_TITLES:
            gender = gender or _PERSON_TITLES[key]
            strong = True
            run = run[1:]
        elif key in _NOT_NAME or (at_start and key in lowered):
            run = run[1:]
            at_start = False
        else:
            break
    while run and run[-1].lower() in _NOT_NAME:
        run = run[:-1]
    return run, gender, strong


_CAP_RUN = re.compile(r"(?:(?:Mc|Mac|O['’])?[A-Z][\w'’\-]*+\.?)(?:\s(?:(?:Mc|Mac|O['’])?[A-Z][\w'’\-]*+\.?))*")


def _people(sentence: str, offset_is_start: bool, lowered: set[str], known: dict[str, tuple[str, str]]
            ) -> list[tuple[str, str, str]]:
    """Persons named in a sentence as (surname, full name, gender cue); `known` maps surnames to (full, gender)."""
    found = []
    for m in _CAP_RUN.finditer(sentence):
        tokens = [t.rstrip(".,") if len(t.rstrip(".")) > 1 else t for t in m.group(0).split()]
        tokens = [re.sub(r"['’]s?$", "", t) for t in tokens]
        at_start = offset_is_start and m.start() == 0
        run, gender, strong = _name_tokens(tokens, lowered, at_start)
        if not run or any(t.lower() in _ORG_WORDS for t in run) or len(run) > 4:
            continue
        if not all(re.fullmatch(r"(?:Mc|Mac|O['’])?[A-Z][a-z]+(?:-[A-Z][a-z]+)*|[A-Z]\.", t) for t in run):
            continue
        surname = run[-1]
        after = sentence[m.end():m.end() + 20]
        before = sentence[max(0, m.start() - 12):m.start()]
        strong = strong or bool(_SPEECH.match(after)) or bool(re.search(r"\b(?:said|says|told)\s*$", before))
        strong = (strong or bool(re.match(r",\s+(?:a|an|the)\s+[a-z]|,\s+\d{1,3},|,\s+who(?:se)?\b", after)))
        if len(run) == 1:
            if surname in known:
                full, known_gender = known[surname]
                found.append((surname, full, gender or known_gender))
            elif gender or strong:
                found.append((surname, surname, gender))
                known[surname] = (surname, gender)
            continue
        if strong or len(run) in (2, 3):
            full = " ".join(run)
            known[surname] = (full, gender or known.get(surname, ("", ""))[1])
            if strong:
                found.append((surname, full, gender))
            else:
                found.append((surname, full, gender + "?"))
    return found


def _resolve(pronoun: str, history: list[list[tuple[str, str, str]]]) -> tuple[str, str] | None:
    """The one person the previous sentence (or, if it names nobody, the one before) names, if gender agrees."""
    for mentions in history[-1:-3:-1]:
        people = {}
        for surname, full, gender in mentions:
            people.setdefault(surname, (full, gender))
        if not people:
            continue
        if len(people) != 1:
            return None
        surname, (full, gender) = next(iter(people.items()))
        if gender.endswith("?"):
            return None  # not clearly a person
        wanted = "m" if pronoun in _MALE else "f"
        if gender and gender != wanted:
            return None
        return surname, full
    return None


def _source_units(index: int, source: Source) -> list[_Unit]:
    """Candidate sentences of one source, cleaned, with standalone repairs noted."""
    text = source.text
    spans = split_sentences(text)
    # group the sentences of a multi-sentence quote (within one paragraph)
    groups: list[tuple[int, int]] = []
    i = 0
    while i < len(spans):
        start, end = spans[i]
        j = i
        while _quote_balance(text[start:end]) > 0 and j + 1 < len(spans) and j - i < 4 \
                and "\n" not in text[end:spans[j + 1].start]:
            j += 1
            end = spans[j].end
        groups.append((start, end))
        i = j + 1

    lowered = set(re.findall(r"\b[a-z][a-z'-]+\b", text))
    known: dict[str, tuple[str, str]] = {}
    seen: list[str] = []  # every sentence so far, for resolving pronouns
    mentions: list[list[tuple[str, str, str]]] = []  # persons named in seen[:len(mentions)], filled on demand
    resolved: dict[int, tuple[str, str]] = {}

    def history(upto: int) -> list[list[tuple[str, str, str]]]:
        while len(mentions) < upto:  # in order, so that surnames map to the full names introduced before
            k = len(mentions)
            found = _people(seen[k], True, lowered, known)
            if k in resolved:
                found.append((resolved[k][0], resolved[k][1], ""))
            mentions.append(found)
        return mentions[:upto]

    units: list[_Unit] = []
    order = 0
    for start, end in groups:
        if start == 0 or not seen or "\n" in text[max(0, start - 3):start]:
            m = _DATELINE.match(text, start, end)
            if m and m.end() < end:
                start = m.end()
        sentence = text[start:end]
        seen.append(sentence)
        words = len(sentence.split())
        if not (5 <= words <= 70 and _TERMINAL.search(sentence)) or _is_furniture(sentence):
            continue
        order += 1
        if _quote_balance(sentence) != 0 or not (sentence[0].isupper() or sentence[0] in "\"“"):
            continue
        # outside its quotes, a body sentence must say something, not ask, and not speak as "I" or "we"
        narration = _QUOTED.sub(" ", sentence)
        if len(narration.split()) < 3 or _FIRST_PERSON.search(narration) or narration.rstrip().endswith("?"):
            continue
        unit = _Unit(index, start, end, order - 1, [], words)
        shouted = re.match(r"([A-Z])([A-Z]+)\b(?= [a-z])", sentence)  # tabloid style: "THIS is the moment ..."
        if shouted:
            sentence = shouted.group(1) + shouted.group(2).lower() + sentence[shouted.end():]
        first = re.match(r"(He|She|His|Her)\s+(?=[a-z])", sentence)
        if first:
            pronoun = first.group(1).lower()
            referent = _resolve(pronoun, history(len(seen) - 1))
            if not referent:
                continue
            unit.referent = referent
            unit.possessive = pronoun in ("his", "her")
            unit.pronoun_end = start + first.end()
            resolved[len(seen) - 1] = referent
        elif _NOT_STANDALONE.match(sentence) and not _EXPLETIVE.match(sentence):
            if not (re.match(r"(?:This|These|That|Those) [a-z]", sentence) and not _DEMONSTRATIVE_VERB.match(sentence)):
                continue
        unit.terms = _terms(sentence)
        if not unit.terms:
            continue
        unit.term_set = frozenset(unit.terms)
        if "“" in sentence or '"' in sentence or _QUOTE_WORDS.search(sentence):
            unit.kind = "quote"
        elif _BACKGROUND_WORDS.search(sentence):
            unit.kind = "background"
        units.append(unit)
    return units


def _normalised_sentences(units: list[_Unit], text: str) -> set[str]:
    return {" ".join(_WORD.findall(text[u.start:u.end].lower())) for u in units}


def _analyse(sources: Sequence[Source]) -> _Analysis:
    sources = list(sources)
    hashes = [text_hash(s.text) for s in sources]
    per_source = [_source_units(i, s) for i, s in enumerate(sources)]
    # independent sources: not flagged as reprints, and not mostly a copy of an earlier independent source
    order = sorted(range(len(sources)), key=lambda i: (sources[i].published_at is None,
                                                       sources[i].published_at or datetime.min, i))
    independent: list[int] = []
    seen: list[set[str]] = []
    for i in order:
        sentences = _normalised_sentences(per_source[i], sources[i].text)
        if sources[i].is_reprint or not sentences:
            continue
        if any(len(sentences & other) >= 0.6 * len(sentences) for other in seen):
            continue
        independent.append(i)
        seen.append(sentences)
    if not independent:  # only reprints: use the first copy of each text
        texts = set()
        for i in order:
            if hashes[i] not in texts and per_source[i]:
                texts.add(hashes[i])
                independent.append(i)
    units = [u for i in independent for u in per_source[i]]
    _score(sources, independent, per_source, units)
    lead_units = [u for i in independent for u in per_source[i][:2] if u.order <= 2]
    return _Analysis(sources, hashes, independent, units, lead_units)


def _score(sources: list[Source], independent: list[int], per_source: list[list[_Unit]], units: list[_Unit]) -> None:
    n = len(independent)
    centroid: dict[str, float] = {}
    doc_freq: dict[str, int] = {}
    titles: dict[str, float] = {}
    for i in independent:
        counts: dict[str, int] = {}
        total = 0
        for u in per_source[i]:
            for t in u.terms:
                counts[t] = counts.get(t, 0) + 1
                total += 1
        title_terms = set(_terms(sources[i].title))
        for t in title_terms:
            titles[t] = titles.get(t, 0.0) + 1.0 / n
            counts[t] = counts.get(t, 0) + 2
            total += 2
        for t, c in counts.items():
            centroid[t] = centroid.get(t, 0.0) + c / max(total, 1) / n
            doc_freq[t] = doc_freq.get(t, 0) + 1
    if not units:
        return
    # weight terms by how many sentences they are in (LexRank's idf): spread-out words say less than topical ones
    raw_c, raw_t, raw_a = [], [], []
    for u in units:
        norm = math.sqrt(len(u.term_set)) or 1.0
        raw_c.append(sum(centroid.get(t, 0.0) for t in u.term_set) / norm)
        raw_t.append(sum(titles.get(t, 0.0) for t in u.term_set) / norm)
        if n > 1:
            raw_a.append(sum((doc_freq.get(t, 1) - 1) / (n - 1) for t in u.term_set) / len(u.term_set))
        else:
            raw_a.append(0.0)
    top_c, top_t = max(raw_c) or 1.0, max(raw_t) or 1.0
    for u, c, t, a in zip(units, raw_c, raw_t, raw_a, strict=True):
        position = 1.0 / (1.0 + WEIGHTS["decay"] * u.order)
        u.score = (WEIGHTS["centroid"] * c / top_c + WEIGHTS["title"] * t / top_t + WEIGHTS["agreement"] * a
                   + WEIGHTS["position"] * position)


def _similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def _shown(unit: _Unit, source: Source, source_hash: str, full_name: bool) -> BodySentence:
    if unit.referent is None:
        return BodySentence(source.text[unit.start:unit.end], source.id, unit.start, unit.end, [], source_hash)
    name = unit.referent[1] if full_name else unit.referent[0]
    if unit.possessive:
        name += "’s" if "’" in source.text else "'s"
    inserted = f"[{name}] "
    start = unit.pronoun_end
    return BodySentence(inserted + source.text[start:unit.end], source.id, start, unit.end, [(0, inserted)],
                        source_hash)


def _select(analysis: _Analysis, max_words: int, avoid: Sequence[_Unit] = ()) -> list[_Unit]:
    candidates = sorted(analysis.units, key=lambda u: -u.score)[:400]  # the rest would never be picked
    penalty = [0.0] * len(candidates)
    for a in avoid:
        for k, u in enumerate(candidates):
            penalty[k] = max(penalty[k], _similarity(u.term_set, a.term_set))
    chosen: list[_Unit] = []
    words = 0
    alive = [penalty[k] < WEIGHTS["duplicate"] for k in range(len(candidates))]
    while True:
        best, best_value = -1, -math.inf
        for k, u in enumerate(candidates):
            if alive[k] and words + u.words <= max_words:
                value = u.score - WEIGHTS["redundancy"] * penalty[k]
                if value > best_value:
                    best, best_value = k, value
        if best < 0:
            break
        pick = candidates[best]
        alive[best] = False
        chosen.append(pick)
        words += pick.words
        for k, u in enumerate(candidates):
            if alive[k]:
                sim = _similarity(u.term_set, pick.term_set)
                if sim > penalty[k]:
                    penalty[k] = sim
                    if sim >= WEIGHTS["duplicate"]:
                        alive[k] = False
        if max_words - words < 5:
            break
    if not chosen and candidates and not avoid:
        chosen.append(candidates[0])  # a body always has a sentence when there is one to give
    return chosen


def _layout(analysis: _Analysis, chosen: list[_Unit], named: set[str]) -> Body:
    if not chosen:
        return Body([])
    rank = {i: r for r, i in enumerate(analysis.independent)}
    ranked = sorted(chosen, key=lambda u: -u.score)
    lead = [ranked[0]]
    for u in ranked[1:3]:
        if u.kind == "fact" and sum(x.words for x in lead) + u.words <= 70 and len(lead) < 2:
            lead.append(u)
    lead.sort(key=lambda u: (rank[u.source], u.order))
    rest = [u for u in chosen if u not in lead]
    parts = [lead] + [sorted((u for u in rest if u.kind == kind), key=lambda u: (rank[u.source], u.order))
                      for kind in ("fact", "quote", "background")]
    paragraphs: list[list[BodySentence]] = []
    for part_no, part in enumerate(parts):
        current: list[BodySentence] = []
        current_source = None
        current_words = 0
        for u in part:
            source = analysis.sources[u.source]
            if part_no and current and (len(current) >= 3 or current_words > 80
                                        or (u.source != current_source and len(current) >= 2)):
                paragraphs.append(current)
                current, current_words = [], 0
            full = u.referent is not None and u.referent[0] not in named
            sentence = _shown(u, source, analysis.hashes[u.source], full)
            named.update(re.findall(r"[A-Z][\w'’-]+", sentence.text))
            current.append(sentence)
            current_source = u.source
            current_words += sentence.word_count
        if current:
            paragraphs.append(current)
    return Body(paragraphs)


def _pick_dek(analysis: _Analysis, headline: str = "") -> _Unit | None:
    """The most central lead sentence, favouring one that says what the headline says: a dek expands on its
    headline, and on a story that ran for weeks the most central lead and the chosen headline can be different
    stages of it."""
    def quoting(u: _Unit) -> bool:  # reported speech ("GM announced ...") makes a fine dek; quoted words do not
        return any(mark in analysis.sources[u.source].text[u.start:u.end] for mark in '“”"')

    pool = [u for u in analysis.lead_units if 8 <= u.words <= 50 and not quoting(u)] or \
        [u for u in analysis.units if 8 <= u.words <= 50] or analysis.units
    headline_terms = frozenset(_terms(headline))
    return max(pool, key=lambda u: u.score + WEIGHTS["headline_fit"] * _similarity(headline_terms, u.term_set),
               default=None)


def _pick_headline(sources: Sequence[Source], independent: list[int], outlet_names: Iterable[str]) -> str:
    outlets = set(outlet_names) | {s.outlet for s in sources if s.outlet}
    pool = [i for i in independent if sources[i].title.strip()] or [i for i, s in enumerate(sources) if s.title]
    if not pool:
        return ""
    cleaned = {i: clean_headline(sources[i].title, outlets) for i in pool}
    term_sets = {i: frozenset(_terms(cleaned[i])) for i in pool}

    def support(i: int) -> float:
        words = len(cleaned[i].split())
        fit = 1.0 if 5 <= words <= 16 else 0.6
        return fit * (1.0 + sum(_similarity(term_sets[i], term_sets[j]) for j in pool if j != i))

    return cleaned[max(pool, key=lambda i: (support(i), -pool.index(i)))]


def compose_body(sources: Sequence[Source], *, max_words: int = 800) -> Body:
    """The body of a story from its sources: source sentences only, at most max_words words (at least one sentence)."""
    analysis = _analyse(sources)
    return _layout(analysis, _select(analysis, max_words), set())


def choose_dek(sources: Sequence[Source]) -> BodySentence | None:
    """One source sentence that sums up the event: the most central lead sentence of the independent sources that
    best agrees with the headline `compose` would choose."""
    analysis = _analyse(sources)
    unit = _pick_dek(analysis, _pick_headline(analysis.sources, analysis.independent, ()))
    if unit is None:
        return None
    return _shown(unit, analysis.sources[unit.source], analysis.hashes[unit.source], True)


def choose_headline(sources: Sequence[Source], outlet_names: Iterable[str] = ()) -> str:
    """The cleaned source headline that agrees most with the other sources' headlines."""
    analysis_independent = [i for i, s in enumerate(sources) if not s.is_reprint] or list(range(len(sources)))
    return _pick_headline(sources, analysis_independent, outlet_names)


def compose(sources: Sequence[Source], *, outlet_names: Iterable[str] = (), max_words: int = 800) -> Composition:
    """Headline, dek and body in one pass; the body leaves out the dek and sentences that repeat it."""
    analysis = _analyse(sources)
    headline = _pick_headline(analysis.sources, analysis.independent, outlet_names)
    dek_unit = _pick_dek(analysis, headline)
    dek = None
    named: set[str] = set()
    if dek_unit is not None:
        dek = _shown(dek_unit, analysis.sources[dek_unit.source], analysis.hashes[dek_unit.source], True)
        named.update(re.findall(r"[A-Z][\w'’-]+", dek.text))
    avoid = [dek_unit] if dek_unit else []
    body = _layout(analysis, _select(analysis, max_words, avoid), named)
    return Composition(headline, dek, body)
