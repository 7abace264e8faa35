"""Who a name or pronoun in a news article refers to, resolved across the article (for `quotes.extract_quotes`).

Pure Python (regular expressions, no models, no Django). `Article` reads the text once for the people in it: name
mentions outside quotations and whether each is its clause's subject, the full names behind surnames, genders and
descriptions. It then tells who a speaker mention at a position stands for: a surname ("Lukes") the full name the
article introduced, "he"/"she" or "the spokesman" a person mentioned earlier, "" when no one person fits.

"he"/"she" go to the nearest preceding *subject* of that gender (a name followed, past any appositive, by a word
that can be a verb, or the speaker of an earlier quote); names met only as objects ("... would not support Clinton")
are passed over, and so are subjects of reported speech ("Lee said that Park ..."). Genders come from the
first-name list, honorifics, appositives ("his wife") and, failing those, from the article itself (the first he/his
or she/her after a subject mention, past acronyms and organisations). No guess when a nearer subject's gender is
unknown, when two subjects of that gender share one sentence and neither alone is reported speaking ("Lee told the
council ...", not "Lee asked ..."), or when the antecedent is over NEAR characters back and was not the previous
speaker. A common English word opening a sentence ("Sometimes", "Twelve"; data/common_words.txt) is no person, an
age after a name ("Lee, 33,") marks one, objects inside a lone subject's own sentence do not block it, and a long
quotation does not count towards the distance between its "he said" and an antecedent in the previous paragraph.
A chain of sentences opening with "He ..." keeps a far antecedent in view; quoted text does not count towards how
long ago the previous speaker spoke; subjects after "saying"/"whether" are reported, not speaking; "a Dallas Cowboys
fan" and "Council of Economic Advisers" name nobody; a described speaker in between ("The Ohio governor said")
blocks a "he"/"she" unless the description is the antecedent's own. Whoever asked a question does not answer it,
"he told Park" is not Park, "he said Ryan" makes Ryan what was said, and "the official" needs a person (never a
place, a plural or a time), "the president" never the vice president.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

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
    TITLES,
    UPPER,
    WORD_RE,
)

PRONOUN_WINDOW = 2500  # how far back a "he"/"she" may reach for its antecedent
NEAR = 600  # a pronoun's antecedent further back than this (and outside its sentence) must be the previous speaker
LONE_WINDOW = 400  # a subject of unknown gender at most this far back may be a he/she's antecedent if alone
RUN_WINDOW = 600  # ... who spoke at most this far back


def _word_list(name: str) -> frozenset[str]:
    """A shipped word list from data/ (comment lines start with #; words are whitespace-separated)."""
    path = Path(__file__).with_name("data") / name
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in line.split())


# Common English words that are never names ("Sometimes", "Twelve", "Come"): see the header of the file for sources.
_COMMON_WORDS = _word_list("common_words.txt") - MALE - FEMALE
_FEMALE_WORDS = set("""
she her herself woman women spokeswoman congresswoman chairwoman businesswoman councilwoman wife mother daughter
sister widow actress queen princess duchess grandmother girl aunt niece girlfriend mrs ms miss madam lady dame
""".split())
_MALE_WORDS = set("""
he his him himself man men spokesman congressman chairman businessman councilman husband father son brother widower
king prince duke grandfather boy uncle nephew boyfriend mr sir
""".split())
_OTHER = {"m": "f", "f": "m"}
_PERSON_TITLES = {"president", "senator", "representative", "governor", "mr.", "mrs.", "ms.", "mr", "mrs", "ms",
                   "miss", "doctor", "professor", "secretary", "general", "judge", "justice", "mayor", "minister",
                   "chancellor", "king", "queen", "prince", "princess", "pope", "sheriff", "sir", "dame", "lord",
                   "lady", "rev.", "reverend", "ambassador", "congressman", "congresswoman", "spokesman",
                   "spokeswoman", "coach", "detective", "inspector", "admiral", "captain", "commissioner"}
_TITLE_WORDS = {"sen": "senator", "sen.": "senator", "rep": "representative", "rep.": "representative",
                "gov": "governor", "gov.": "governor", "pres.": "president", "sec.": "secretary", "gen.": "general",
                "dr.": "doctor", "dr": "doctor", "prof.": "professor", "atty.": "attorney", "adm.": "admiral"}

_SENTENCE_START_RE = re.compile(r"(?:^|[.!?][”\"’']?\s+|\n\s*)(?=\S)", re.M)

_APPOSITIVE_RE = re.compile(
    rf"([{UPPER}][\w’'\-]+(?:\s[{UPPER}][\w’'\-]*\.?)*),\s((?:a|an|the|who|whose)\s[^,;:.“”\"()]{{3,120}})[,.]")

_SPEECH_AFTER_RE = re.compile(
    rf"(?:\s*\([^()]{{0,60}}\))?(?:,[^.;“”\"]{{1,120}},)?\s+(?:(?:also|later|then|again|has|had|have|once)\s+)*"
    rf"({CUES})\b")
_REPORTED_RE = re.compile(r"\b(?:that|said|says|noted|argued|insisted|believes|thinks|hopes|wrote|saying|adding|"
                          r"arguing|claiming|insisting|noting|warning|suggesting|whether)\s+"
                          r"(?:(?:the|a|an|his|her|their)\s+)?(?:[a-z][\w-]*['’]s\s+)?$")
_QUESTION_CUES = {"asked", "asks", "wondered"}
_SPEECH_BEFORE_RE = re.compile(r"\b(?:said|says|added|adds|wrote|writes|asked|explained|noted|replied|responded)\s+$")
_ADDRESSEE_RE = re.compile(r"[”\"’',\s]*\b(?:he|she|He|She)\s+(?:told|tells|asked|asks|answered|replied to)\s+"
                           rf"((?:[{UPPER}][\w’'-]+\s+)*[{UPPER}][\w’'-]+)")
_ASKED_RE = re.compile(rf"(?:,[^,]*,)?\s+(?:asked|asks)\s+((?:[{UPPER}][\w’'-]+\s+)*[{UPPER}][\w’'-]+)"
                       r"(?:\s+(?:on|in|at|during)\s+[^,.;]{1,40}?)?,?\s+(?:whether|if|how|what|why|who|when|where|about)\b")
_SPEAKS_RE = re.compile(rf"([{UPPER}][\w’'\-]+)(?:,[^,.;“”\"]{{1,80}},)?\s+(?:{CUES})\b")

_PARAGRAPH_BREAK_RE = re.compile(r"\n\s*")
_DESCRIBED_SPEAKER_RE = re.compile(rf"(?:^|(?<=[.!?]\s)|(?<=\n))[Tt]he\s+(?:[\w.’'-]+\s+){{0,3}}?([a-z][\w-]+)\s+"
                                   rf"(?:{CUES})\b", re.M)
_PERSON_NOUNS = TITLES | _PERSON_TITLES | set(_TITLE_WORDS.values()) | {
    "candidate", "nominee", "official", "businessman", "businesswoman", "billionaire", "frontrunner", "front-runner",
    "mogul", "lawmaker", "republican", "democrat", "host", "moderator", "activist", "lawyer", "adviser", "aide",
    "strategist", "pollster", "analyst", "economist", "expert", "professor", "author", "reporter", "founder", "owner",
    "woman", "man", "veteran", "voter", "resident", "student", "officer", "executive", "chief", "boss", "star",
}
_PERSON_SUFFIXES = ("man", "woman", "person", "ist", "ian")
_SECOND_OFFICES = {"vice", "deputy", "lieutenant", "assistant", "under"}
_TIME_NOUNS = {"day", "week", "month", "year", "night", "morning", "evening", "afternoon", "time", "moment"}
_GENDERED_PRONOUN_RE = re.compile(r"\b(?:[Hh]e|[Hh]is|[Hh]im|[Hh]imself|[Ss]he|[Hh]er|[Hh]erself)\b")


@dataclass(slots=True)
class _Person:
    name: str
    gender: str | None = None
    person: bool = False
    description: str = ""
    words: set[str] | None = None


class Article:
    """What the article says about the people in it: names, surnames, genders, descriptions, mentions by position."""

    def __init__(self, text: str, quoted: list[tuple[int, int]]) -> None:
        self.text = text
        self.people: dict[str, _Person] = {}
        self.mentions: list[tuple[int, str]] = []  # (position, full name), in text order, outside quotes
        self.by_surname: dict[str, list[tuple[int, str]]] = {}
        honorific: dict[str, str] = {}
        inside = _Intervals(quoted)
        self.sentence_starts = [0] + [m.end() for m in _SENTENCE_START_RE.finditer(text)]
        self.speakers = {m.group(1) for m in _SPEAKS_RE.finditer(text) if m.group(1).lower() not in NOT_NAMES}
        self.last_speaker = ""
        self.last_speaker_at = -1
        self.institution_names = _institution_prefixes(text)
        self.subjects: set[int] = set()  # positions of mentions that look like a clause's subject, and of speakers
        self.inside = inside
        for m in NAME_RUN_RE.finditer(text):
            offset = m.start()
            for chunk in split_run(m.group()):
                tokens = chunk.split()
                start = text.find(tokens[0], offset)
                offset = start + len(chunk)
                if tokens and tokens[-1].endswith(("’s", "'s")):
                    tokens[-1] = tokens[-1][:-2]
                while (tokens and tokens[-1].endswith(".")
                       and tokens[-1].lower().rstrip(".") not in ABBREVIATIONS - {"r", "d", "i"}):
                    tokens[-1] = tokens[-1][:-1]
                    if not tokens[-1]:
                        tokens.pop()
                title_words: list[str] = []
                while tokens and (tokens[0].lower() in TITLES or tokens[0].lower() in NOT_NAMES
                                  or (len(tokens) > 1 and _is_acronym(tokens[0]))):
                    word = tokens.pop(0)  # "Sen.", "AG", "GOP": titles and acronyms before a name
                    start = text.find(tokens[0], start) if tokens else start
                    if word.lower() in TITLES:
                        title_words.append(_TITLE_WORDS.get(word.lower(), word.lower()))
                        if word.lower().rstrip(".") in ("mr", "mrs", "ms", "miss") and tokens:
                            male = word.lower().rstrip(".") == "mr"
                            honorific[tokens[-1]] = "m" if male else "f"
                for k in range(1, len(tokens) - 1):
                    if tokens[k].lower() in MALE or tokens[k].lower() in FEMALE:
                        title_words += [t.lower() for t in tokens[:k]]
                        start = text.find(tokens[k], start)
                        tokens = tokens[k:]
                        break
                if not tokens or inside.contains(start):
                    continue
                if len(tokens) == 1 and tokens[0].lower() in NOT_NAMES:
                    continue
                if _part_of_other_name(text, start, tokens):
                    continue
                if is_subject(text, start, offset):
                    self.subjects.add(start)
                name = " ".join(tokens)
                before = text[max(0, start - 60):start]
                prenominal = re.findall(r"[a-z][\w-]*", before.split(",")[-1].split(".")[-1])[-3:]
                if len(tokens) >= 2:
                    person = self._person(name)
                    first = tokens[0].lower()
                    if first in MALE or first in FEMALE or title_words:
                        person.person = True
                    if person.gender is None:
                        person.gender = "m" if first in MALE else "f" if first in FEMALE else None
                    person.words = (person.words or set()) | set(title_words) | set(prenominal)
                    self.by_surname.setdefault(tokens[-1], []).append((start, name))
                    self.mentions.append((start, name))
                else:
                    self.mentions.append((start, name))
                    if title_words:
                        person = self._person(name)
                        person.words = (person.words or set()) | set(title_words)
                        if set(title_words) & _PERSON_TITLES:
                            person.person = True  # "President Obama", "Mrs. Haldane"
        for m in _APPOSITIVE_RE.finditer(text):
            name = m.group(1)
            if inside.contains(m.start()) or name.split()[0].lower() in NOT_NAMES:
                continue
            full = self.full_name(name, m.start())
            person = self._person(full)
            person.person = True
            if not person.description:
                person.description = m.group(2)
            words = {_TITLE_WORDS.get(w, w) for w in (x.lower() for x in WORD_RE.findall(m.group(2)))}
            person.words = (person.words or set()) | words
            if person.gender is None:
                if words & _FEMALE_WORDS and not words & _MALE_WORDS:
                    person.gender = "f"
                elif words & _MALE_WORDS and not words & _FEMALE_WORDS:
                    person.gender = "m"
        self.surname_gender = honorific
        for surname, gender in honorific.items():
            for _, full in self.by_surname.get(surname, []):
                person = self.people[full]
                person.person = True
                person.gender = person.gender or gender
        self._learn_genders()

    def _learn_genders(self) -> None:
        """Give a gender to people the first-name list, honorifics and appositives left open, from how the article
        itself goes on about them: the first he/his/she/her after a subject mention, before any other name, votes."""
        votes: dict[str, list[int]] = {}
        mentions = sorted(self.mentions)
        for i, (pos, name) in enumerate(mentions):
            if pos not in self.subjects:
                continue
            nxt = next((p for p, other in mentions[i + 1:] if not self._never_person(other)), len(self.text))
            limit = min(pos + 250, nxt)
            newline = self.text.find("\n", pos, limit)
            if newline != -1:
                limit = newline
            for m in _GENDERED_PRONOUN_RE.finditer(self.text, pos + len(name), limit):
                if self.inside.contains(m.start()):
                    continue
                full = self.full_name(name, pos)
                tally = votes.setdefault(full, [0, 0])
                tally[0 if m.group().lower() in _MALE_WORDS else 1] += 1
                break
        for full, (male, female) in votes.items():
            if len(full.split()) == 1 and not (self._candidate(full)[0] and self._mid_sentence(full)):
                continue  # "Often he ...", "Throughout his remarks ...": not names
            person = self._person(full)
            if person.gender is None and self.surname_gender.get(full.split()[-1]) is None:
                if male > 2 * female:
                    person.gender = "m"
                elif female > 2 * male:
                    person.gender = "f"

    def _never_person(self, name: str) -> bool:
        """A mention no he/she can stand for: an acronym ("FBI", "Decode DC") or a place or organisation name."""
        tokens = name.split()
        return any(_is_acronym(t) or t.lower() in ORG_WORDS or t.lower() in PLACE_WORDS for t in tokens)

    def _person(self, name: str) -> _Person:
        person = self.people.get(name)
        if person is None:
            person = self.people[name] = _Person(name)
        return person

    def full_name(self, name: str, position: int) -> str:
        """The full name a surname stands for: the latest full mention before position, else the first after."""
        tokens = name.split()
        if len(tokens) != 1:
            return name
        candidates = self.by_surname.get(name)
        if not candidates:
            return name
        before = [full for pos, full in candidates if pos < position]
        if len(set(before or [full for _, full in candidates])) > 1:
            return name  # "Trump" after both Donald Trump and Eric Trump: keep what the article says
        return before[-1] if before else candidates[0][1]

    def remember(self, name: str, description: str, position: int, is_person: bool) -> None:
        person = self._person(name)
        person.person = person.person or is_person
        words = {w.lower() for w in WORD_RE.findall(description)}
        words |= {_TITLE_WORDS.get(w, w) for w in words}
        person.words = (person.words or set()) | words
        if description and not person.description:
            person.description = description
        if person.gender is None:
            if words & _FEMALE_WORDS and not words & _MALE_WORDS:
                person.gender = "f"
            elif words & _MALE_WORDS and not words & _FEMALE_WORDS:
                person.gender = "m"
        bisect.insort(self.mentions, (position, name))
        self.subjects.add(position)

    def _candidate(self, full: str) -> tuple[bool, str | None]:
        """(could this name be a person, its gender if known)."""
        person = self.people.get(full)
        tokens = full.split()
        if any(t.lower() in ORG_WORDS or t.lower() in PLACE_WORDS for t in tokens) \
                or full in self.institution_names and tokens[0].lower() not in MALE | FEMALE:
            return False, None
        gender = (person.gender if person else None) or self.surname_gender.get(tokens[-1])
        if person and person.person:
            return True, gender
        if full in self.speakers or tokens[-1] in self.speakers or (person and person.description):
            return True, gender
        return gender is not None or len(tokens) > 1, gender

    def resolve_pronoun(self, gender: str, position: int, cue: str = "") -> str:
        """The person a "he"/"she" cue stands for: the nearest preceding subject or speaker of that gender, skipping
        people only mentioned as objects ("... would not support Clinton. “...,” she said" is not Clinton). "" when a
        nearer subject could be a person of unknown gender, when two people of that gender are subjects of one
        sentence, or when the nearest one is far back and was not the previous speaker. Whoever asked a question is
        not who answers it ("Lee asked Park ... “...,” he said" is Park), nor is whom the pronoun speaks to."""
        found, found_pos, found_name = "", -1, ""
        addressee = _ADDRESSEE_RE.match(self.text, position)
        spoken_to = self.full_name(addressee.group(1), position) if addressee else ""
        objects: list[tuple[int, str]] = []  # people met, not as subjects, between the cue and the antecedent
        for pos, name in reversed(self.mentions):
            if pos >= position:
                continue
            if position - pos > PRONOUN_WINDOW:
                break
            if found and self._sentence_of(pos) != self._sentence_of(found_pos):
                break
            full = self.full_name(name, pos)
            if pos not in self.subjects or self._reported(pos, name):
                if not found:
                    objects.append((pos, full))
                continue
            is_person, known = self._candidate(full)
            if full == found or full == spoken_to:
                continue
            if not found and cue not in _QUESTION_CUES and known != _OTHER[gender] and self._asks_at(pos, name) \
                    and _ASKED_RE.match(self.text, pos + len(name)):
                return self._asked(pos + len(name), gender)
            if not is_person:
                if found or known is not None or not self._maybe_person(full):
                    continue
                return ""  # "Rihanna, who ..., spoke about ...": someone whose gender the article never shows
            if known is None:
                if found:
                    continue
                if full == self.last_speaker or self._lone_subject(full, pos, position, gender, objects):
                    return full
                return ""  # any "he" may be this person: no guess
            if known != gender:
                continue
            if found:
                here, there = self._speaks_at(pos, name), self._speaks_at(found_pos, found_name)
                if here == there:
                    return ""  # "Trump and Cruz sparred ... “...,” he said": no guess
                if there:
                    continue  # "Lee said Park had won. “...,” he said": the one reported speaking
            found, found_pos, found_name = full, pos, name
        if not found:
            return self._only_object(objects, gender, position)
        if found and self._narrative_distance(self._chain_end(found_pos, position, gender, found), position) > NEAR \
                and self._sentence_of(found_pos) != self._sentence_of(position) \
                and not (found == self.last_speaker and 0 <= position - self.last_speaker_at
                         and self._unquoted_length(self.last_speaker_at, position) <= RUN_WINDOW):
            return ""
        if self._other_described_speaker(found, found_pos, position):
            return ""
        return found

    def _chain_end(self, start: int, end: int, gender: str, found: str) -> int:
        """Where a chain of "he"/"she" opening sentences carries an antecedent to: "Lee spoke first. ... He argued
        ... He added ... “...,” he said" keeps Lee in view, as long as each link is near and nobody else who could
        be meant is mentioned between two links."""
        word = "he" if gender == "m" else "she"
        last = start
        for m in re.finditer(rf"\b{word}\b", self.text[start:end], re.I):
            at = start + m.start()
            if at - last > NEAR:
                break
            if self.inside.contains(at) or not self._opens_sentence(at):
                continue
            nxt = re.match(r"\s+([a-z][\w’'-]*)", self.text[at + len(word):at + len(word) + 30])
            if not nxt or not verbish(nxt.group(1)):
                continue
            i = bisect.bisect_right(self.mentions, (last, "\uffff"))
            for pos, name in self.mentions[i:]:
                if pos >= at:
                    break
                full = self.full_name(name, pos)
                is_person, known = self._candidate(full)
                if full != found and (is_person or self._maybe_person(full)) and known != _OTHER[gender]:
                    return last  # "Yet there was Garcia. He ...": the chain may have passed to someone else
            last = at
        return last

    def _opens_sentence(self, at: int) -> bool:
        """Does the word at this position open its sentence, past at most one word ("But he", "Later, he")?"""
        before = self.text[self._sentence_of(at):at]
        return re.fullmatch(r"\s*(?:[A-Z][a-z]*,?\s+)?", before) is not None

    def _other_described_speaker(self, found: str, start: int, end: int) -> bool:
        """Has someone described but not named spoken between an antecedent and its "he"/"she" ("Cruz said ...
        The Ohio governor said ... “...,” he said")? Unless the description is the antecedent's own, the pronoun
        may be theirs."""
        for m in _DESCRIBED_SPEAKER_RE.finditer(self.text, start, end):
            if m.group(1).lower() in _PERSON_NOUNS and not self.inside.contains(m.start()) \
                    and self.resolve_nominal(m.group(1).lower(), m.start()) != found:
                return True
        return False

    def _unquoted_length(self, start: int, end: int) -> int:
        """Characters between two positions outside quotations: a speaker's long quote between "Lee said, “...”"
        and "“...,” he continued" does not take Lee out of view."""
        length = end - start
        i = max(0, bisect.bisect_right(self.inside.spans, (start, start)) - 1)
        for s, e in self.inside.spans[i:]:
            if s >= end:
                break
            length -= max(0, min(e, end) - max(s, start))
        return length

    def _narrative_distance(self, start: int, end: int) -> int:
        """Characters between an antecedent and a "he said" after a quotation, leaving out that quotation itself:
        a long quote does not push its speaker further from the cue that follows it."""
        i = bisect.bisect_right(self.inside.spans, (end, end)) - 1
        if i >= 0 and start <= self.inside.spans[i][0] and end - self.inside.spans[i][1] <= 3 \
                and len(_PARAGRAPH_BREAK_RE.findall(self.text, start, self.inside.spans[i][0])) <= 1:
            return self.inside.spans[i][0] - start  # only from the quote's own or the previous paragraph
        return end - start

    def _reported(self, pos: int, name: str) -> bool:
        """Is this subject part of what someone else said ("Lee noted that Park ...", "Lee said Park had won")?
        Park is then the content of the speech, not the speaker; "..., said Park." is the speaker."""
        if not _REPORTED_RE.search(self.text, max(0, pos - 40), pos):
            return False
        return not re.match(r"\s*(?:[,.;]|$)", self.text[pos + len(name):])

    def _speaks_at(self, pos: int, name: str) -> bool:
        """Is the mention of name at pos the subject of a speech verb: "Lee said", "Lee, a farmer, told", "said Lee"?"""
        end = pos + len(name)
        if _SPEECH_BEFORE_RE.search(self.text, max(0, pos - 20), pos) and re.match(r"\s*(?:[,.;]|$)", self.text[end:]) \
                and not _cue_has_subject(self.text, pos):
            return True  # "..., said Lee." but not "Park said Lee had won" nor "he said Ryan."
        m = _SPEECH_AFTER_RE.match(self.text, end)
        return m is not None and m.group(1) not in _QUESTION_CUES  # whoever asks is not who answers

    def _asks_at(self, pos: int, name: str) -> bool:
        """Is the mention of name at pos the subject of a question ("Lee asked Park whether ...")?"""
        m = _SPEECH_AFTER_RE.match(self.text, pos + len(name))
        return m is not None and m.group(1) in _QUESTION_CUES

    def _asked(self, end: int, gender: str) -> str:
        """The person a question was put to ("asked Park whether ..."), if of that gender; else no one."""
        m = _ASKED_RE.match(self.text, end)
        if not m:
            return ""
        full = self.full_name(m.group(1), m.start(1))
        is_person, known = self._candidate(full)
        return full if is_person and known == gender else ""

    def _lone_subject(self, full: str, pos: int, position: int, gender: str,
                      objects: list[tuple[int, str]]) -> bool:
        """A person of unknown gender who is the subject right before the quote ("Mel Sembler said the deal was
        off. “...,” he said") is the pronoun's antecedent when nobody else who could be meant is mentioned in
        between and the article never uses the other pronoun of them."""
        if position - pos > LONE_WINDOW or len(full.split()) < 2 or not self._surely_person(full):
            return False
        for at, other in objects:
            if self._sentence_of(at) == self._sentence_of(pos):
                continue  # "Lee, who backs Clinton, said ...": the subject, not an object of its own sentence
            is_person, known = self._candidate(other)
            if is_person and known != ("f" if gender == "m" else "m"):
                return False
        return True

    def _surely_person(self, full: str) -> bool:
        """Has the article shown this name to be a person: a title or a description, or a speech verb after it?"""
        person = self.people.get(full)
        tokens = full.split()
        if any(t.lower() in ORG_WORDS or t.lower() in PLACE_WORDS or t.endswith(("’s", "'s")) for t in tokens):
            return False
        if person and (person.person or person.description) or tokens[-1] in self.speakers:
            return True
        return re.search(rf"\b{re.escape(full)},\s+\d{{1,3}},", self.text) is not None  # "Lee, 33, of Ames,"

    def _only_object(self, objects: list[tuple[int, str]], gender: str, position: int) -> str:
        """With no subject to go by, the one person of that gender mentioned nearby ("Sophie Laurent met Daniel
        Okafor. “...,” he said"), if every other person mentioned there is known to be of the other gender."""
        fitting = []
        for pos, full in objects:
            if position - pos > NEAR:
                break
            is_person, known = self._candidate(full)
            if not is_person:
                continue
            if known is None:
                return ""
            if known == gender and full not in fitting:
                fitting.append(full)
        return fitting[0] if len(fitting) == 1 else ""

    def _mid_sentence(self, word: str) -> bool:
        """Is this capitalised word also written inside a sentence, where capitals mark names?"""
        return re.search(rf"[\w,]\s+{re.escape(word)}\b", self.text) is not None

    def _maybe_person(self, full: str) -> bool:
        """A one-word subject nobody has described yet may still be a person ("Rihanna spoke"), unless it is a
        known place or organisation word or a word the article also writes in lower case."""
        low = full.lower()
        if full in self.institution_names:
            return False
        if low in NOT_NAMES or low in ORG_WORDS or low in PLACE_WORDS or len(full) < 3 or full.isupper():
            return False
        if low in _COMMON_WORDS:
            return False  # "Sometimes", "Twelve", "Come": a common word opening a sentence, not a name
        if any(t in ORG_WORDS or t in PLACE_WORDS or t in NOT_NAMES for t in low.split()):
            return False  # "United States", "White House"
        if len(full.split()) == 1 and re.search(
                rf"\b(?:in|into|across|throughout|visit|visited|visiting)\s+{re.escape(full)}\b", self.text):
            return False  # "in Russia", "across China": a place
        if low.endswith("s") and re.search(rf"\b{re.escape(low[:-1])}\b", self.text):
            return False  # "Audiences can expect him ...": a plural of a noun the article writes in lower case
        return re.search(rf"\b{re.escape(low)}\b", self.text) is None

    def _sentence_of(self, position: int) -> int:
        return self.sentence_starts[bisect.bisect_right(self.sentence_starts, position) - 1]

    def resolve_nominal(self, head: str, position: int, modifiers: frozenset[str] = frozenset()) -> str:
        """The person last described with this noun ("the spokesman" -> the latest person called a spokesman).
        A vice or deputy holds another office: "the president" is not the vice president."""
        head = _TITLE_WORDS.get(head, head)
        seen: set[str] = set()
        for pos, name in reversed(self.mentions):
            if pos >= position:
                continue
            full = self.full_name(name, pos)
            if full in seen:
                continue
            seen.add(full)
            person = self.people.get(full)
            if person and person.words and head in person.words and self._fits_nominal(full, person, head) \
                    and not (person.words & _SECOND_OFFICES) - modifiers:
                return full
        return ""

    def _fits_nominal(self, full: str, person: _Person, head: str) -> bool:
        """Can "the <head>" stand for this name? A person noun ("the official") needs a person, not a place ("North
        America") or an organisation; another noun ("the group") an organisation's name; a plural ("the attendees")
        or a time ("the next day") is never one name."""
        tokens = [t.lower() for t in full.split()]
        if head.endswith("s") and not head.endswith(("ss", "us")) or head in _TIME_NOUNS:
            return False
        if head in _PERSON_NOUNS or head.endswith(_PERSON_SUFFIXES):
            return not self._never_person(full) and (person.person or bool(person.description))
        return any(t in ORG_WORDS for t in tokens)


_NOT_VERBS = {
    "of", "in", "on", "at", "to", "for", "from", "with", "by", "and", "or", "nor", "if", "but", "than", "as", "because",
    "while", "when", "that", "the", "a", "an", "into", "over", "after", "before", "about", "against", "so", "whose",
    "whom", "which", "where", "during", "since", "until", "through", "between", "among", "under", "via", "per", "like",
    "itself", "themselves", "last", "this", "next", "supporters", "campaign", "administration",
    "officials", "aides", "allies", "voters", "fans", "team", "staff", "spokesman", "spokeswoman", "camp", "rally",
    "rallies", "supporter", "adviser", "advisers", "aide",
}
_VERBS = set("""
is was has had have will would can could did does do may might must should shall also then later still never already
often always even soon ever sometimes once twice yet however too
now just once again first too himself herself itself said told made went took gave got came saw thought knew felt kept
left met ran won lost wrote spoke sent began become became brought bought held stood led paid put set let read heard
found meant sat spent struck swore threw understood rose fell fought drew chose broke hit cut quit shut tried
sought taught caught built dug grew drove flew forgot forgave hid hung lay lit overcame rode rang sang sank shook
slept slid sold spun stole stuck stung swept swam swung tore woke wore wound withdrew responded noted say tell
isn’t wasn’t hasn’t hadn’t won’t wouldn’t can’t couldn’t didn’t doesn’t don’t isn't wasn't hasn't hadn't won't
wouldn't can't couldn't didn't doesn't don't
""".split())
_APPOSITIVE_END_RE = re.compile(r"[,—–]\s+([a-z][\w’'-]*)")
_INVERTED_CUES = {"said", "says", "added", "adds", "wrote", "writes", "explained", "noted", "asked", "continued",
                  "recalled", "replied", "responded", "tweeted", "argued", "insisted", "warned", "stated"}


def is_subject(text: str, start: int, end: int) -> bool:
    """Does the name at text[start:end] look like the subject of its clause: not possessive, not after a preposition
    or a transitive verb, and followed (past an appositive) by a lower-case word that can be a verb? A name right
    after a speech verb ("..., said Jake Horowitz") is the subject of that verb."""
    if text[end - 2:end] in ("’s", "'s") or text[end:end + 2] in ("’s", "'s") or text[end:end + 1] in ("’", "'"):
        return False
    before = re.search(r"([A-Za-z]+)([^\w.!?\n“”\"]{0,3})$", text[max(0, start - 20):start])
    if before and before.group(1).lower() in BEFORE_OBJECT and "," not in before.group(2):
        return False  # "Trump attacked Clinton", but "if states fail, Justice can step in, Lee said"
    if before and before.group(1) in _INVERTED_CUES:
        return not _cue_has_subject(text, start)  # "..., said Lee", but "he said Ryan": Ryan is what he said
    rest = text[end:end + 220]
    if re.search(r"\b[Tt]here(?:’s|'s|\s+is|\s+was)\s+$", text[max(0, start - 12):start]) \
            and (rest[:1] in ".:" or text[end - 1] == "."):
        return True  # "Then there’s Axelrod.": a sentence that brings in the one the next sentences are about
    m = re.match(r"\s*\([^()]{0,60}\)", rest)
    if m:
        rest = rest[m.end():]
    m = _TIME_PHRASE_RE.match(rest)  # "Lee last month joked", "Lee on Tuesday said"
    if m:
        rest = rest[m.end():]
    m = re.match(r"\s+([a-z][\w’'-]*)", rest)
    if m:
        return verbish(m.group(1))
    if not rest.startswith(","):
        return False
    for m in _APPOSITIVE_END_RE.finditer(rest, 1):  # past an appositive: "Zarate, a ..., said"
        between = rest[1:m.start()]
        if re.search(r"[;:“”\"\n]|[a-z]{3}\.\s", between):
            return False
        if verbish(m.group(1)):
            return True
    return False


_TIME_PHRASE_RE = re.compile(r"\s+(?:(?:last|this|next|earlier this|later that)\s+(?:week|month|year|night|morning|"
                             r"[A-Z][a-z]+day)|on\s+[A-Z][a-z]+day|yesterday|today)(?=\s+[a-z])")
_SUBJECT_BEFORE_CUE_RE = re.compile(r"(?:\b(?:[Hh]e|[Ss]he|I|[Ww]e|[Tt]hey)|[A-Z][\w’'-]+)\s+(?:[a-z]+ly\s+)?[a-z]+\s+$")


def _cue_has_subject(text: str, start: int) -> bool:
    """Has the speech verb right before a name its own subject ("he said Ryan", "Lee said Park")? The name is then
    the content of the speech, not the speaker that "..., said Ryan" names."""
    m = _SUBJECT_BEFORE_CUE_RE.search(text, max(0, start - 40), start)
    return m is not None and m.group().split()[0].lower() not in NOT_NAMES - {"he", "she", "i", "we", "they"}


_OF_BEFORE_RE = re.compile(r"\b([A-Z][\w’'-]*)\s+of\s+(?:the\s+)?$")
_ARTICLE_BEFORE_RE = re.compile(r"(?:^|\s)(?:a|an)\s+$")


def _part_of_other_name(text: str, start: int, tokens: list[str]) -> bool:
    """Is this capitalised run no one's name: a modifier after "a"/"an" ("a Dallas Cowboys fan", "an Obama
    supporter") or the tail of an organisation's name ("Council of Economic Advisers", "University of Texas")?
    Titles stay: "Secretary of State Hillary Clinton", "Chairman of the Joint Chiefs of Staff Joseph Dunford"."""
    before = text[max(0, start - 40):start]
    if _ARTICLE_BEFORE_RE.search(before):
        return True
    m = _OF_BEFORE_RE.search(before)
    if m and m.group(1).lower() not in TITLES and m.group(1).lower() not in NOT_NAMES:
        return not any(t.lower() in MALE or t.lower() in FEMALE for t in tokens)
    return False


def _institution_prefixes(text: str) -> set[str]:
    """Names the article also writes as the start of an institution's or a place's name: "Sandy Hook" after
    "Sandy Hook Elementary School" is the school's short name, not a person (unless it opens with a first name)."""
    found = set()
    for m in NAME_RUN_RE.finditer(text):
        tokens = m.group().split()
        if len(tokens) >= 3 and tokens[-1].lower().rstrip(".") in ORG_WORDS | PLACE_WORDS:
            found.update(" ".join(tokens[:k]) for k in range(2, len(tokens)))
    return found


def verbish(word: str) -> bool:
    """Can this word following a name be its verb (or an adverb before one)? Nouns used after a name as
    modifiers ("the Vermont senator", "a Dallas Cowboys fan") are not."""
    if word in _NOT_VERBS:
        return False
    return word in _VERBS or word.endswith(("ed", "ly")) or (word.endswith("s") and not word.endswith(("ss", "us")))


class _Intervals:
    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = spans

    def contains(self, pos: int) -> bool:
        i = bisect.bisect_right(self.spans, (pos, float("inf"))) - 1
        return i >= 0 and self.spans[i][0] <= pos < self.spans[i][1]


def split_run(run: str) -> list[str]:
    """Cut a capitalised run at sentence ends ("World War Two. Trump"): a full stop only stays inside a name after
    an initial or a title abbreviation."""
    chunks, current = [], []
    for token in run.split():
        current.append(token)
        if token.endswith(".") and not (len(token) == 2 or token.lower().rstrip(".") in ABBREVIATIONS):
            chunks.append(" ".join(current))
            current = []
    if current:
        chunks.append(" ".join(current))
    return chunks


def _is_acronym(token: str) -> bool:
    """An acronym such as "AG", "NATO" or "U.S." (a title or an organisation before a name, never a first name)."""
    letters = token.replace(".", "")
    return len(letters) >= 2 and letters.isalpha() and letters.isupper()
