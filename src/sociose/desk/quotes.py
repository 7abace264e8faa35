"""Direct quotes in a news article and who said them, resolved across the article.

Pure Python (regular expressions, no models, no Django): `extract_quotes(text)` finds the spans between double quote
marks, reads the attribution next to each ("X said: “...”", "“...,” said X", "“...,” X said", "“...,” according to X",
"“...,” she said. “...”", "Said X, “...”", "X went even further: “...”") and resolves the local mention ("Lukes",
"he", "the spokesman") to the full name the article introduced earlier. Precision comes before recall: when a mention
cannot be tied to one named person or organisation the quote keeps speaker "" rather than a guess.

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
blocks a "he"/"she" unless the description is the antecedent's own.
Invisible direction marks before a quote mark and a closer typed as an opener (“...,“ said Lee) are read as intended.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path


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
MAX_CONTEXT = 300  # characters of attribution context looked at on either side of a quote
PRONOUN_WINDOW = 2500  # how far back a "he"/"she" may reach for its antecedent
NEAR = 600  # a pronoun's antecedent further back than this (and outside its sentence) must be the previous speaker
LONE_WINDOW = 400  # a subject of unknown gender at most this far back may be a he/she's antecedent if alone
RUN_WINDOW = 600  # ... who spoke at most this far back

# A small first-name list (written for this module, not exhaustive): used only to tell persons from organisations
# and to give "he"/"she" their antecedent. Unknown names are simply "gender unknown".
_MALE = set("""
aaron abdul abdullah abe adam adrian ahmed al alan albert alberto alex alexander alexei alfred ali allen alvin amir
andre andreas andrew andy angelo anthony antonio arnold arthur ashton barack barry ben benjamin bernard bernie bill
billy bob bobby boris brad bradley brandon brendan brent brett brian bruce bryan byron calvin carl carlos cecil chad
charles charlie chris christian christopher chuck clarence claude clay clifford clint cody colin corey craig curt
curtis dale dan daniel danny darrell darren dave david dean dennis derek devin dick dimitri dmitry don donald doug
douglas duane dwight earl ed eddie edgar eduardo edward elijah elliot emmanuel enrique eric erik ernest ethan eugene
evan felipe fernando francis francisco frank franklin fred frederick gabriel gary gavin gene geoffrey george gerald
gerhard gilbert giuseppe glenn gordon graham greg gregory guillermo gustavo guy hank hans harold harry harvey hassan
hector henry herbert howard hugh hugo ian igor isaac ivan jack jacob jaime jake james jamie jared jason javier jay
jeb jeff jeffrey jeremy jerome jerry jesse jim jimmy joe joel johann john johnny jon jonathan jorge jose josef
joseph josh joshua juan julian justin karl keith ken kenneth kevin khalid kurt kyle lamar lance larry lawrence lee
leon leonard leroy lewis lindsey lionel louis luis luke marc marco marcus mario mark martin marvin matt matthew
maurice max michael miguel mike milton mitch mitchell mohamed mohammad mohammed muhammad nathan neil nicholas nick
nicolas nigel noah norman oliver omar oscar otto pablo patrick paul pedro pete peter phil philip philippe pierre
rafael ralph ramon rand randy raul ray raymond reggie reince ricardo richard rick ricky rob robert roberto rod
rodney roger roland ron ronald ross roy rudy russell ryan salman sam samuel scott sean sebastian sergei sergio seth
shane sheldon sherrod simon stanley stefan stephen steve steven stuart ted terry thomas tim timothy todd tom tommy
tony travis trey tyler vernon victor vincent vladimir wade walter warren wayne wesley william willie wolfgang xavier
yusuf zach zachary
""".split())
_FEMALE = set("""
abby abigail adriana aisha alexandra alexis alice alicia alison allison amanda amber amelia amy ana andrea angela
angelica anita ann anna anne annie april ashley audrey barbara betsy betty beverly brenda brittany brooke camila
candice carla carly carmen carol caroline carolyn catherine cathy charlotte chelsea cheryl christina christine cindy
claire claudia colleen connie courtney cynthia dana danielle dawn debbie deborah debra denise diana diane donna dora
doris dorothy edith eileen elaine eleanor elena elisabeth elizabeth ellen emily emma erica erin esther eva evelyn
fatima fiona frances gabriela gail gina gloria grace hannah harriet heather heidi helen hilary hillary holly huma
ingrid irene isabel isabella ivanka jacqueline jan jane janet janice jasmine jean jeanne jennifer jessica jill joan
joanna joanne jodi joni josephine joy joyce judith judy julia julie karen kate katherine kathleen kathryn kathy
katie kay kayleigh kelly kellyanne kim kimberly kirsten kristen laura lauren leslie lila linda lisa liz loretta lori
lorraine louise lucia lucy lynn madeleine maggie mara margaret maria marie marilyn marine marion marsha martha mary
maureen megan meghan melania melanie melissa meryl mia michelle mildred monica nadia nancy naomi natalie nicole
nikki nina nora olivia pam pamela patricia patty paula peggy penny priscilla rachel rebecca regina renee rita
roberta rosa rose ruth sally samantha sandra sara sarah sharon sheila shirley sonia sophia sophie stacey stephanie
susan susana suzanne sylvia tamara tammy tanya teresa theresa tiffany tina tracy tulsi ursula valerie vanessa
veronica victoria virginia wanda wendy whitney yolanda yvonne zoe
""".split())


def _word_list(name: str) -> frozenset[str]:
    """A shipped word list from data/ (comment lines start with #; words are whitespace-separated)."""
    path = Path(__file__).with_name("data") / name
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in line.split())


# Common English words that are never names ("Sometimes", "Twelve", "Come"): see the header of the file for sources.
_COMMON_WORDS = _word_list("common_words.txt") - _MALE - _FEMALE
_FEMALE_WORDS = set("""
she her herself woman women spokeswoman congresswoman chairwoman businesswoman councilwoman wife mother daughter
sister widow actress queen princess duchess grandmother girl aunt niece girlfriend mrs ms miss madam lady dame
""".split())
_MALE_WORDS = set("""
he his him himself man men spokesman congressman chairman businessman councilman husband father son brother widower
king prince duke grandfather boy uncle nephew boyfriend mr sir
""".split())

_CUES = (
    "told reporters|said in a statement|quoted as saying|said|says|say|added|adds|told|tells|asked|asks|wrote|writes|explained|"
    "explains|noted|notes|continued|continues|"
    "declared|declares|stated|states|argued|argues|insisted|insists|recalled|recalls|replied|replies|responded|"
    "responds|tweeted|tweets|posted|warned|warns|claimed|claims|acknowledged|acknowledges|admitted|admits|announced|"
    "announces|complained|complains|conceded|concedes|joked|jokes|quipped|remarked|observed|suggested|suggests|urged|"
    "urges|predicted|predicts|countered|counters|shouted|yelled|exclaimed|emphasized|emphasised|stressed|stresses|"
    "pointed out|points out|went on|goes on|wondered|mused|boasted|bragged|cautioned|lamented|testified|vowed|vows|"
    "promised|promises|chanted|cried|reported|reports|concluded|agreed|agrees|answered|whispered|screamed|charged|"
    "contended|maintained|pleaded|proclaimed|reiterated|repeated|confirmed|denied|demanded|retorted|snapped|shot back|"
    "told reporters|assured|assures|explained|describes|described|thundered|fumed|scoffed|sighed|laughed|tweeted out|"
    "interjected|interjects|asserted|asserts|mocked|mocks|remembered|remembers|boomed|put it|puts it|recounted|"
    "recounts|opined|interrupted|emailed|texted|sniped|echoed|summed up|elaborated|wrote on Twitter|cautions|laments|"
    "concludes|barked|quips"
)
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
_CUE_RE = re.compile(rf"\b(?:{_CUES})\b")
_CUE_AT_START_RE = re.compile(rf"(?:{_CUES})\b")
_ACCORDING_RE = re.compile(r"according to\s+", re.I)
_AUX = {"also", "later", "then", "again", "further", "has", "had", "have", "would", "will", "was", "is", "once",
        "previously",
        "recently", "simply", "only", "just", "did", "could", "might", "may", "often", "repeatedly", "flatly",
        "reportedly", "publicly", "privately", "bluntly", "firmly", "quickly", "angrily", "calmly"}
# Words that are also first names or surnames ("Will Doyle", "George Will", "Theresa May"): a name in a speaker's
# place ("said Will Doyle"); alone ("“...,” Will wrote") only when the article gives that person's full name.
_WORD_NAMES = {"will", "may", "june", "april", "august"}
_OTHER = {"m": "f", "f": "m"}
_PRONOUNS = {"he": "m", "she": "f", "they": None, "i": None, "we": None, "it": None, "you": None}
_DETERMINERS = {"the", "a", "an", "one", "another", "two", "three", "several", "some", "many", "most", "other", "his",
                "her", "their", "its", "our", "my", "this", "that", "these", "those", "both", "each", "all", "no"}
_PREPOSITIONS = {"for", "of", "at", "from", "with", "to", "in", "on", "by", "about", "against", "behind", "under"}
_PARTICLE_WORDS = {"de", "da", "van", "von", "der", "den", "in", "'t", "’t", "ter", "la", "le", "di", "du", "del",
                   "bin", "al"}
_PARTICLES = {"de", "da", "van", "von", "der", "den", "al", "al-", "bin", "ibn", "la", "le", "di", "du", "del", "dos",
              "das", "ter", "y"}
_TITLES = {
    "president", "sen.", "sen", "senator", "rep.", "rep", "representative", "gov.", "gov", "governor", "mr.", "mrs.",
    "ms.", "mr", "mrs", "ms", "miss", "dr.", "dr", "prof.", "professor", "secretary", "gen.", "general", "judge",
    "justice", "speaker", "chairman", "chairwoman", "mayor", "minister", "prime", "chancellor", "king", "queen",
    "prince",     "princess", "pope", "sheriff", "attorney", "lt.", "col.", "sgt.", "capt.", "captain", "adm.",
    "admiral", "rev.",     "reverend", "father", "sister", "chief", "commissioner", "ambassador", "leader", "vice",
    "deputy", "former", "candidate",     "nominee", "director", "spokesman", "spokeswoman", "spokesperson", "congressman",
    "congresswoman", "pres.", "sec.", "atty.",     "sir", "dame", "lord", "lady", "officer", "coach", "detective",
    "inspector", "councilman", "councilwoman", "gop",
}
_PERSON_TITLES = {"president", "senator", "representative", "governor", "mr.", "mrs.", "ms.", "mr", "mrs", "ms",
                   "miss", "doctor", "professor", "secretary", "general", "judge", "justice", "mayor", "minister",
                   "chancellor", "king", "queen", "prince", "princess", "pope", "sheriff", "sir", "dame", "lord",
                   "lady", "rev.", "reverend", "ambassador", "congressman", "congresswoman", "spokesman",
                   "spokeswoman", "coach", "detective", "inspector", "admiral", "captain", "commissioner"}
_TITLE_WORDS = {"sen": "senator", "sen.": "senator", "rep": "representative", "rep.": "representative",
                "gov": "governor", "gov.": "governor", "pres.": "president", "sec.": "secretary", "gen.": "general",
                "dr.": "doctor", "dr": "doctor", "prof.": "professor", "atty.": "attorney", "adm.": "admiral"}
_NOT_NAMES = {
    "it", "this", "that", "there", "they", "he", "she", "we", "i", "you", "the", "a", "an", "but", "and", "then", "now",
    "here", "what", "who", "asked", "when", "later", "today", "yesterday", "tonight", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "so", "yes", "no", "if", "as", "in", "on", "at", "after", "before",
    "while", "since", "still", "also", "meanwhile", "however", "instead", "speaking", "his", "her", "their", "our",
    "my", "its", "some", "many", "others", "one", "both", "all", "why", "how", "where", "for", "god", "lord", "jesus",
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "neither", "either", "every", "each", "are", "is", "was", "were", "like", "only", "even", "just",
    "not", "did", "does", "do", "will", "would", "should", "could", "can", "let", "your", "whether", "though",
    "although", "because", "unlike", "with", "without", "from", "by", "to", "of", "under", "over", "during", "team",
    "everyone", "everybody", "nobody", "somebody", "someone", "people", "these", "those", "twitter",
}
_ORG_WORDS = {
    "house", "department", "party", "committee", "university", "college", "school", "inc", "inc.", "corp", "corp.",
    "co.", "news", "times", "post", "journal", "association", "council", "ministry", "agency", "court", "congress",
    "senate", "campaign", "office", "institute", "center", "centre", "foundation", "bank", "union", "group", "network",
    "service", "police", "army", "navy", "force", "forces", "administration", "commission", "board", "company",
    "organization", "organisation", "fund", "trust", "press", "reuters", "cnn", "bbc", "fox", "nbc", "abc", "cbs",
    "msnbc", "npr", "pac", "state", "states", "government", "club", "church", "museum", "hospital", "team", "league",
    "federation", "society", "coalition", "alliance", "parliament", "assembly", "magazine", "tribune", "herald",
    "gazette", "television", "radio", "media", "project", "initiative", "watch", "caucus", "authority", "airlines",
}
_PLACE_WORDS = {
    "new", "north", "south", "east", "west", "united", "street", "avenue", "county", "city", "island", "islands",
    "mountain", "river", "lake", "act", "care", "day", "war", "hall", "square", "park", "republic", "kingdom",
    "america",     "american", "americans", "democrats", "republicans", "democratic", "republican", "york", "jersey",
    "hampshire",     "carolina", "dakota", "virginia", "mexico", "angeles", "francisco", "diego", "vegas", "orleans",
    "valley", "bay",     "beach", "coast", "africa", "european", "europe", "asia", "middle", "national", "federal",
    "supreme", "super",     "tuesday", "bowl", "cup", "games", "olympics", "prize", "award", "awards", "convention",
    "primary", "caucuses",     "obamacare", "medicare", "medicaid", "security", "wall", "plaza", "tower",
    "towers", "center", "airport",     "station", "road", "highway", "bridge", "capitol", "hill", "media",
    "twitter", "facebook", "google",     "instagram", "youtube", "apple", "amazon", "microsoft", "week",
    "month", "year", "age", "era",
}
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "capt", "st", "jr", "sr",
                  "prof", "rev", "inc", "co", "corp", "ltd", "no", "vs", "v", "mt", "ft", "pres", "sec", "atty", "maj",
                  "adm", "hon", "messrs", "ave", "jan", "feb", "aug", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n",
                  "d.c", "a.m", "p.m", "e.g", "i.e", "calif", "fla", "mass", "ariz", "wash", "ore", "tenn", "ky", "va",
                  "pa", "ill", "mich", "wis", "minn", "ga", "ala", "la", "md", "conn", "ind", "okla", "colo", "nev",
                  "neb", "kan", "miss", "mo", "del", "vt", "n.h", "n.j", "n.y", "n.c", "s.c", "n.m", "r", "d", "i"}
_TIME_CUT_RE = re.compile(
    r"(?:,\s*|\s+)(?:on|in|at|during|after|before|when|while|last|this|earlier|late|yesterday|today|tonight|"
    r"Monday|Tuesday|"
    r"Wednesday|Thursday|Friday|Saturday|Sunday|recently|afterward|afterwards|via|through|to|of|about)\b", re.S)

_SENTENCE_START_RE = re.compile(r"(?:^|[.!?][”\"’']?\s+|\n\s*)(?=\S)", re.M)
_PARENTHETICAL_RE = re.compile(r"\s*\([^()]{0,40}\)")
_MARK_RE = re.compile('[“”„«»"]')
_OPENERS = "“„«"
_CLOSERS = "”»"
_END_RE = re.compile(r"\n|[.!?]+(?=[\s“”\"']|$)")
_WORD_RE = re.compile(r"\w+(?:['’]\w+)*")
_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĘĚĞĢĪĶĹĽŁŃŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŹŻŽ"
_NAME_RUN_RE = re.compile(
    rf"(?<![\w’'.-])[{_UPPER}][\w’'\-]*\.?(?:\s(?:[{_UPPER}][\w’'\-]*\.?|(?:de|da|van|von|der|al|bin|la|le|di|du|del)"
    rf"(?=\s[{_UPPER}])))*")

_APPOSITIVE_RE = re.compile(
    rf"([{_UPPER}][\w’'\-]+(?:\s[{_UPPER}][\w’'\-]*\.?)*),\s((?:a|an|the|who|whose)\s[^,;:.“”\"()]{{3,120}})[,.]")

_SPEECH_AFTER_RE = re.compile(
    rf"(?:\s*\([^()]{{0,60}}\))?(?:,[^.;“”\"]{{1,120}},)?\s+(?:(?:also|later|then|again|has|had|have|once)\s+)*"
    rf"({_CUES})\b")
_REPORTED_RE = re.compile(r"\b(?:that|said|says|noted|argued|insisted|believes|thinks|hopes|wrote|saying|adding|"
                          r"arguing|claiming|insisting|noting|warning|suggesting|whether)\s+"
                          r"(?:(?:the|a|an|his|her|their)\s+)?(?:[a-z][\w-]*['’]s\s+)?$")
_QUESTION_CUES = {"asked", "asks", "wondered"}
_SPEECH_BEFORE_RE = re.compile(r"\b(?:said|says|added|adds|wrote|writes|asked|explained|noted|replied|responded)\s+$")
_SPEAKS_RE = re.compile(rf"([{_UPPER}][\w’'\-]+)(?:,[^,.;“”\"]{{1,80}},)?\s+(?:{_CUES})\b")


@dataclass(slots=True)
class _Speaker:
    kind: str  # "name", "pron" or "nom"
    name: str = ""
    description: str = ""
    mention: str = ""


@dataclass(slots=True)
class _Person:
    name: str
    gender: str | None = None
    person: bool = False
    description: str = ""
    words: set[str] | None = None


class _Article:
    """What the article says about the people in it: names, surnames, genders, descriptions, mentions by position."""

    def __init__(self, text: str, quoted: list[tuple[int, int]]) -> None:
        self.text = text
        self.people: dict[str, _Person] = {}
        self.mentions: list[tuple[int, str]] = []  # (position, full name), in text order, outside quotes
        self.by_surname: dict[str, list[tuple[int, str]]] = {}
        honorific: dict[str, str] = {}
        inside = _Intervals(quoted)
        self.sentence_starts = [0] + [m.end() for m in _SENTENCE_START_RE.finditer(text)]
        self.speakers = {m.group(1) for m in _SPEAKS_RE.finditer(text) if m.group(1).lower() not in _NOT_NAMES}
        self.last_speaker = ""
        self.last_speaker_at = -1
        self.subjects: set[int] = set()  # positions of mentions that look like a clause's subject, and of speakers
        self.inside = inside
        for m in _NAME_RUN_RE.finditer(text):
            offset = m.start()
            for chunk in _split_run(m.group()):
                tokens = chunk.split()
                start = text.find(tokens[0], offset)
                offset = start + len(chunk)
                if tokens and tokens[-1].endswith(("’s", "'s")):
                    tokens[-1] = tokens[-1][:-2]
                while (tokens and tokens[-1].endswith(".")
                       and tokens[-1].lower().rstrip(".") not in _ABBREVIATIONS - {"r", "d", "i"}):
                    tokens[-1] = tokens[-1][:-1]
                    if not tokens[-1]:
                        tokens.pop()
                title_words: list[str] = []
                while tokens and (tokens[0].lower() in _TITLES or tokens[0].lower() in _NOT_NAMES
                                  or (len(tokens) > 1 and _is_acronym(tokens[0]))):
                    word = tokens.pop(0)  # "Sen.", "AG", "GOP": titles and acronyms before a name
                    start = text.find(tokens[0], start) if tokens else start
                    if word.lower() in _TITLES:
                        title_words.append(_TITLE_WORDS.get(word.lower(), word.lower()))
                        if word.lower().rstrip(".") in ("mr", "mrs", "ms", "miss") and tokens:
                            male = word.lower().rstrip(".") == "mr"
                            honorific[tokens[-1]] = "m" if male else "f"
                for k in range(1, len(tokens) - 1):
                    if tokens[k].lower() in _MALE or tokens[k].lower() in _FEMALE:
                        title_words += [t.lower() for t in tokens[:k]]
                        start = text.find(tokens[k], start)
                        tokens = tokens[k:]
                        break
                if not tokens or inside.contains(start):
                    continue
                if len(tokens) == 1 and tokens[0].lower() in _NOT_NAMES:
                    continue
                if _part_of_other_name(text, start, tokens):
                    continue
                if _is_subject(text, start, offset):
                    self.subjects.add(start)
                name = " ".join(tokens)
                before = text[max(0, start - 60):start]
                prenominal = re.findall(r"[a-z][\w-]*", before.split(",")[-1].split(".")[-1])[-3:]
                if len(tokens) >= 2:
                    person = self._person(name)
                    first = tokens[0].lower()
                    if first in _MALE or first in _FEMALE or title_words:
                        person.person = True
                    if person.gender is None:
                        person.gender = "m" if first in _MALE else "f" if first in _FEMALE else None
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
            if inside.contains(m.start()) or name.split()[0].lower() in _NOT_NAMES:
                continue
            full = self.full_name(name, m.start())
            person = self._person(full)
            person.person = True
            if not person.description:
                person.description = m.group(2)
            words = {_TITLE_WORDS.get(w, w) for w in (x.lower() for x in _WORD_RE.findall(m.group(2)))}
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
        return any(_is_acronym(t) or t.lower() in _ORG_WORDS or t.lower() in _PLACE_WORDS for t in tokens)

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
        words = {w.lower() for w in _WORD_RE.findall(description)}
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
        if any(t.lower() in _ORG_WORDS or t.lower() in _PLACE_WORDS for t in tokens):
            return False, None
        gender = (person.gender if person else None) or self.surname_gender.get(tokens[-1])
        if person and person.person:
            return True, gender
        if full in self.speakers or tokens[-1] in self.speakers or (person and person.description):
            return True, gender
        return gender is not None or len(tokens) > 1, gender

    def resolve_pronoun(self, gender: str, position: int) -> str:
        """The person a "he"/"she" cue stands for: the nearest preceding subject or speaker of that gender, skipping
        people only mentioned as objects ("... would not support Clinton. “...,” she said" is not Clinton). "" when a
        nearer subject could be a person of unknown gender, when two people of that gender are subjects of one
        sentence, or when the nearest one is far back and was not the previous speaker."""
        found, found_pos, found_name = "", -1, ""
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
            if full == found:
                continue
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
            if not nxt or not _verbish(nxt.group(1)):
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
        if _SPEECH_BEFORE_RE.search(self.text, max(0, pos - 20), pos) and re.match(r"\s*(?:[,.;]|$)", self.text[end:]):
            return True  # "..., said Lee." but not "Park said Lee had won"
        m = _SPEECH_AFTER_RE.match(self.text, end)
        return m is not None and m.group(1) not in _QUESTION_CUES  # whoever asks is not who answers

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
        if any(t.lower() in _ORG_WORDS or t.lower() in _PLACE_WORDS or t.endswith(("’s", "'s")) for t in tokens):
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
        if low in _NOT_NAMES or low in _ORG_WORDS or low in _PLACE_WORDS or len(full) < 3 or full.isupper():
            return False
        if low in _COMMON_WORDS:
            return False  # "Sometimes", "Twelve", "Come": a common word opening a sentence, not a name
        if any(t in _ORG_WORDS or t in _PLACE_WORDS or t in _NOT_NAMES for t in low.split()):
            return False  # "United States", "White House"
        if len(full.split()) == 1 and re.search(
                rf"\b(?:in|into|across|throughout|visit|visited|visiting)\s+{re.escape(full)}\b", self.text):
            return False  # "in Russia", "across China": a place
        if low.endswith("s") and re.search(rf"\b{re.escape(low[:-1])}\b", self.text):
            return False  # "Audiences can expect him ...": a plural of a noun the article writes in lower case
        return re.search(rf"\b{re.escape(low)}\b", self.text) is None

    def _sentence_of(self, position: int) -> int:
        return self.sentence_starts[bisect.bisect_right(self.sentence_starts, position) - 1]

    def resolve_nominal(self, head: str, position: int) -> str:
        """The person last described with this noun ("the spokesman" -> the latest person called a spokesman)."""
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
            if person and person.words and head in person.words:
                return full
        return ""


_PARAGRAPH_BREAK_RE = re.compile(r"\n\s*")
_DESCRIBED_SPEAKER_RE = re.compile(rf"(?:^|(?<=[.!?]\s)|(?<=\n))[Tt]he\s+(?:[\w.’'-]+\s+){{0,3}}?([a-z][\w-]+)\s+"
                                   rf"(?:{_CUES})\b", re.M)
_PERSON_NOUNS = _TITLES | _PERSON_TITLES | set(_TITLE_WORDS.values()) | {
    "candidate", "nominee", "official", "businessman", "businesswoman", "billionaire", "frontrunner", "front-runner",
    "mogul", "lawmaker", "republican", "democrat", "host", "moderator", "activist", "lawyer", "adviser", "aide",
    "strategist", "pollster", "analyst", "economist", "expert", "professor", "author", "reporter", "founder", "owner",
    "woman", "man", "veteran", "voter", "resident", "student", "officer", "executive", "chief", "boss", "star",
}
_GENDERED_PRONOUN_RE = re.compile(r"\b(?:[Hh]e|[Hh]is|[Hh]im|[Hh]imself|[Ss]he|[Hh]er|[Hh]erself)\b")
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
_SENTENCE_ADVERBS = {"perhaps", "likewise", "moreover", "furthermore", "indeed", "still", "yet", "besides",
                     "nevertheless", "nonetheless", "otherwise", "thus", "hence", "instead", "meanwhile", "anyway"}
_APPOSITIVE_END_RE = re.compile(r"[,—–]\s+([a-z][\w’'-]*)")
_INVERTED_CUES = {"said", "says", "added", "adds", "wrote", "writes", "explained", "noted", "asked", "continued",
                  "recalled", "replied", "responded", "tweeted", "argued", "insisted", "warned", "stated"}
_BEFORE_OBJECT = _PREPOSITIONS | {"than", "like", "as", "into", "over", "toward", "towards", "between", "among",
                                  "beat", "beats", "defeat", "defeated", "endorsed", "endorse", "endorses", "support",
                                  "supports", "supported", "attacked", "attack", "attacks", "praised", "criticized",
                                  "called", "asked", "told", "thanked", "interviewed", "named", "elect", "elected",
                                  "vote", "votes", "voted", "nominate", "nominated", "succeeding", "replace",
                                  "replacing", "joined", "meet", "met", "face", "faces", "facing", "faced", "backing",
                                  "backed", "back", "help", "helped", "helping", "blamed", "blame"}


def _is_subject(text: str, start: int, end: int) -> bool:
    """Does the name at text[start:end] look like the subject of its clause: not possessive, not after a preposition
    or a transitive verb, and followed (past an appositive) by a lower-case word that can be a verb? A name right
    after a speech verb ("..., said Jake Horowitz") is the subject of that verb."""
    if text[end - 2:end] in ("’s", "'s") or text[end:end + 2] in ("’s", "'s") or text[end:end + 1] in ("’", "'"):
        return False
    before = re.search(r"([A-Za-z]+)[^\w.!?\n“”\"]{0,3}$", text[max(0, start - 20):start])
    if before and before.group(1).lower() in _BEFORE_OBJECT:
        return False
    if before and before.group(1) in _INVERTED_CUES:
        return True
    rest = text[end:end + 220]
    m = re.match(r"\s*\([^()]{0,60}\)", rest)
    if m:
        rest = rest[m.end():]
    m = re.match(r"\s+([a-z][\w’'-]*)", rest)
    if m:
        return _verbish(m.group(1))
    if not rest.startswith(","):
        return False
    for m in _APPOSITIVE_END_RE.finditer(rest, 1):  # past an appositive: "Zarate, a ..., said"
        between = rest[1:m.start()]
        if re.search(r"[;:“”\"\n]|[a-z]{3}\.\s", between):
            return False
        if _verbish(m.group(1)):
            return True
    return False


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
    if m and m.group(1).lower() not in _TITLES and m.group(1).lower() not in _NOT_NAMES:
        return not any(t.lower() in _MALE or t.lower() in _FEMALE for t in tokens)
    return False


def _verbish(word: str) -> bool:
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


def _split_run(run: str) -> list[str]:
    """Cut a capitalised run at sentence ends ("World War Two. Trump"): a full stop only stays inside a name after
    an initial or a title abbreviation."""
    chunks, current = [], []
    for token in run.split():
        current.append(token)
        if token.endswith(".") and not (len(token) == 2 or token.lower().rstrip(".") in _ABBREVIATIONS):
            chunks.append(" ".join(current))
            current = []
    if current:
        chunks.append(" ".join(current))
    return chunks


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
            if word and (word.group(1).lower() in _ABBREVIATIONS or re.fullmatch(r"[A-Z]", word.group(1))):
                continue
        return m.start()
    return limit


def _sentence_start(text: str, pos: int, floor: int) -> int:
    start = floor
    for m in _END_RE.finditer(text, floor, pos):
        if m.group() == ".":
            word = re.search(r"([\w.]+)$", text[max(floor, m.start() - 12):m.start()])
            if word and (word.group(1).lower() in _ABBREVIATIONS or re.fullmatch(r"[A-Z]", word.group(1))):
                continue
        start = m.end()
    return start


def _is_acronym(token: str) -> bool:
    """An acronym such as "AG", "NATO" or "U.S." (a title or an organisation before a name, never a first name)."""
    letters = token.replace(".", "")
    return len(letters) >= 2 and letters.isalpha() and letters.isupper()


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
    appos = re.split(r",\s+(?=\w+ing\b)", appos)[0]
    tokens = head.split()
    if not tokens or len(tokens) > 10 or len(appos.split()) > 30:
        return None
    participle = len(tokens) > 1 and tokens[0].lower().endswith("ing") and tokens[1][:1].islower()
    if participle or tokens[0].lower() in _PREPOSITIONS | {"after", "before", "later", "asked", "speaking",
                                                           "meanwhile", "however", "still", "earlier", "instead",
                                                           "today", "yesterday"}:
        # an introductory phrase ("Surveying the damage in New York, Lee"): the speaker follows its comma
        if appos:
            return _parse_speaker(appos)
        return None
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
    if pre and pre[-1].lower() in _PREPOSITIONS and pre[0].lower() in _DETERMINERS:
        return _Speaker("nom", description=phrase, mention=head)  # "a spokesman for Ryan"
    if pre and pre[0][:1].isupper() and pre[0].lower() in _NOT_NAMES and pre[0].lower() not in _DETERMINERS:
        return None
    if pre and (pre[-1].lower() in _PREPOSITIONS or pre[-1].lower() in _BEFORE_OBJECT):
        return None  # "Contrasting her with Trump", "Trump attacked Clinton": the name is an object
    if run and run[-1].endswith(("’s", "'s")):
        return None
    cut = 0
    for k, t in enumerate(run[:-1]):
        low = t.lower()
        if low in _TITLES or (t.isupper() and len(t) > 1) or low in ("house", "white", "state", "senate", "new"):
            cut = k + 1
    for k in range(cut, len(run) - 1):
        if run[k].lower() in _MALE or run[k].lower() in _FEMALE:
            cut = k
            break
    title, run = run[:cut], run[cut:]
    while run and run[0].lower() in _DETERMINERS | {"the"}:
        run.pop(0)
    if not run or len(run) > 6 or all(t.lower() in _NOT_NAMES for t in run) and run[0].lower() not in _WORD_NAMES:
        return None
    if run[0].lower().rstrip(".") in _NOT_NAMES and run[0].lower() not in _WORD_NAMES:
        return None
    if run[0].lower() in _SENTENCE_ADVERBS or (run[0].lower().endswith("ly") and run[0].lower() not in _MALE | _FEMALE
                                                and not run[0].lower().endswith(("elly", "illy", "olly"))):
        return None  # "Additionally", "Perhaps": a sentence adverb, not a first name
    name = " ".join(run).rstrip(".") if run[-1].lower().rstrip(".") not in ("jr", "sr") else " ".join(run)
    description = appos or " ".join(pre + title).strip()
    return _Speaker("name", name, description, head)


def _parse_named(phrase: str) -> _Speaker | None:
    """A speaker phrase, or failing that the name before what follows it: "Jeffrey Lewis of the Martin Center for
    Nonproliferation Studies" is Jeffrey Lewis (a title before "of" is no name: "Secretary of State ...")."""
    spk = _parse_speaker(phrase)
    if spk is None:
        cut = _cut_after_name(phrase)
        spk = _parse_speaker(cut) if cut != phrase else None
        if spk is None or spk.kind != "name" or spk.name.split()[-1].lower() in _TITLES:
            return None
    return spk


def _name_only(phrase: str) -> str:
    tokens = phrase.split()
    if 1 <= len(tokens) <= 4 and all(_is_namey(t) for t in tokens) and tokens[0][0].isupper():
        if tokens[0].lower() not in _NOT_NAMES:
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
    if not m:
        return None
    phrase = _trim_speaker_phrase(body[:m.start()])
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
    for m in _CUE_RE.finditer(ctx):
        if not _PRE_TAIL_RE.fullmatch(ctx, m.end()):
            continue
        phrase = _trim_speaker_phrase(ctx[:m.start()])
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
_SUBJECT_CANDIDATE_RE = re.compile(rf"\b(?:[Hh]e|[Ss]he)\b|{_NAME_RUN_RE.pattern}")


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
                and not any(_verbish(w) for w in words[1:] if w.islower()):
            continue  # "Here in Columbia, Lee ...": a place or time phrase without a verb
        for m in _SUBJECT_CANDIDATE_RE.finditer(text, c0, c1):
            word = m.group()
            if any(_verbish(w) or w in _SUBORDINATORS for w in re.findall(r"\b[a-z][\w’'-]*", text[c0:m.start()])):
                return None  # past the subject: "The spokesman refused to say who Lee ..."
            if word.lower() in ("he", "she"):
                if _RELATIVE_RE.search(text, m.end(), end):
                    return None
                nxt = re.match(r"\s+([a-z][\w’'-]*)", text[m.end():m.end() + 30])
                if nxt and _verbish(nxt.group(1)):
                    return _Speaker("pron", mention=word)
                continue
            chunks = _split_run(word)
            if len(chunks) != 1:
                continue
            if not _is_subject(text, m.start(), m.end()):
                continue
            if _RELATIVE_RE.search(text, m.end(), end):
                return None  # "Lee spoke near the hall, where protesters had gathered, chanting": whose participle?
            spk = _parse_speaker(text[c0:m.end()])
            if spk and spk.kind == "name":
                return spk
            return None
        return None
    return None


_LABEL_RE = re.compile(
    rf"(?:^|[-–—]\s*|[.!?]\s+)(?:(?:Stated|Continued|Added|Said|Wrote|Tweeted|Concluded|Replied|Responded)\s+)?"
    rf"([{_UPPER}][\w.’'\-]*(?:\s+(?:[{_UPPER}][\w.’'\-]*|{'|'.join(sorted(_PARTICLE_WORDS))})){{0,4}})\s*:\s*$")
_BYLINE_RE = re.compile(r"[-–—]+\s*([^\n,.;:(“”\"]{2,60}?)\s*(?:[,.(]|$)", re.MULTILINE)


def _label_attribution(text: str, article: _Article, open_: int, close: int, closed: bool, floor: int,
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


def _known_name(article: _Article, name: str) -> bool:
    """A label is a speaker's name if it has a first name and a surname, or the article names that person
    elsewhere: a lone capitalised word before a colon ("Update:", "Correction:") is not."""
    tokens = name.split()
    if len(tokens) >= 2:
        return not any(t.lower() in _ORG_WORDS or t.lower() in _PLACE_WORDS for t in tokens)
    return name in article.by_surname or name in article.speakers


def _word_count(s: str) -> int:
    return len(_WORD_RE.findall(s))


def extract_quotes(text: str) -> list[Quote]:
    """Direct quotes in text, each with its speaker resolved across the article ("" when it cannot be)."""
    if not text or not _MARK_RE.search(text):
        return []
    marks = _quote_marks(text)
    article = _Article(text, [(o, c + 1) for o, c, _ in marks])
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
        para_start = next((s for s, e in reversed(paragraph_of) if s <= open_), 0)
        ended = body[-1] == "." if body else False
        attribution = None
        if closed:
            attribution = _after_attribution(text, close, ended)
        adjacent = attribution is not None
        if attribution is None:
            floor = para_start
            if previous and previous["para_start"] == para_start:
                floor = previous["close"] + 1
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
            if (same_para and previous["attr_end"] > previous["close"] and re.fullmatch(r"[\s.,;:—–-]*", gap)) \
                    or (previous["runs_on"] and previous["close"] < open_
                        and re.fullmatch(r"\s*", text[previous["close"]:open_])):
                inherited = previous["quote"]
        words = _word_count(body)
        if not adjacent and inherited is None:
            if words < MIN_WORDS:
                previous = None
                continue
            if all(w[0].isupper() for w in _WORD_RE.findall(body) if len(w) > 3) and not re.search(r"[.!?,]", body):
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


def _resolve(article: _Article, quote: Quote, speaker: _Speaker, cue: str, position: int) -> Quote:
    name, description = "", speaker.description
    if speaker.kind == "name" and speaker.name.lower() in _WORD_NAMES \
            and article.full_name(speaker.name, position) == speaker.name:
        return Quote(quote.text, quote.start, quote.end, "", speaker.description, speaker.mention, cue, False)
    if speaker.kind == "name":
        name = article.full_name(speaker.name, position)
        is_person = bool(description) or len(name.split()) >= 2 and not any(
            w.lower() in _ORG_WORDS for w in name.split())
        article.remember(name, description, position, is_person and not any(
            w.lower() in _ORG_WORDS for w in name.split()))
    elif speaker.kind == "pron":
        gender = _PRONOUNS.get(speaker.mention.lower())
        if gender:
            name = article.resolve_pronoun(gender, position)
    else:
        words = speaker.mention.split()
        if words and words[0].lower() == "the" and len(words) <= 4:
            name = article.resolve_nominal(words[-1].lower(), position)
    if name and (speaker.kind != "name" or not description):
        person = article.people.get(name)
        description = person.description if person else ""
    if name and speaker.kind != "name":
        bisect.insort(article.mentions, (position, name))
        article.subjects.add(position)
    if name:
        article.last_speaker = name
        article.last_speaker_at = position
    return Quote(quote.text, quote.start, quote.end, name, description if name else speaker.description,
                 speaker.mention, cue, bool(name))
