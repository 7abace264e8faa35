"""Named people, organisations and places in an article, by rules and small bundled gazetteers (no model).

`extract_entities(title, text)` finds runs of capitalised words, splits them where a sentence ends or a function word
breaks them, and classifies each piece:

- place: the bundled gazetteer (countries, regions, US states, capitals and large cities, with aliases such as
  "U.S." and demonyms such as "Chinese" -> China), `data/places.txt`;
- org: an organisation suffix ("... Party", "... University", "... Inc") or prefix ("Bank of ..."), or a well-known
  name or acronym (UN, NATO, FBI, Google ...);
- person: a title or honorific before the name ("President", "Mr", "Gov.", "Foreign Minister"), a common given name
  first (`data/firstnames.txt`), or a later bare surname of a person already named ("Donald Trump" ... "Trump");
- other: any other capitalised name (events, products, works).

Sentence starts and Title Case Headlines are the classic traps of this method: there, a capitalised word that also
occurs in lower case in the article ("Officials", "Reveals") is taken for an ordinary word, and a title-case headline
without a body only yields names the lexicons know. Speed: pure regex and dict look-ups, well under a millisecond for
a 600-word article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

KINDS = ("person", "org", "place", "other")


@dataclass(frozen=True)
class Entity:
    """A name mentioned in one article: its normalised surface form, kind, and number of mentions."""

    name: str
    kind: str
    count: int = 1

    @property
    def key(self) -> str:
        """Matching key across articles: people by surname ("Trump" and "Donald Trump" meet), others by name."""
        if self.kind == "person":
            return "person:" + self.name.rsplit(" ", 1)[-1].lower()
        return f"{self.kind}:{self.name.lower()}"


# --- lexicons ------------------------------------------------------------------------------------------------------

_ORG_SUFFIXES = frozenset("""
Inc Incorporated Corp Corporation Ltd Limited LLC LLP plc PLC Co Company Companies Group Holdings Party Ministry
Department Dept University College Institute Council Agency Bank Banks FC AFC Club Association Federation Union
Commission Committee Foundation Fund Organization Organisation Society Airlines Airways Motors Technologies Technology
Systems Communications Media Times Post News Journal Press Network Service Services Court Police Army Navy Force Forces
Parliament Congress Senate Assembly Board Authority Office Bureau Church Hospital School Academy Museum Zoo Studios
Records Entertainment Pictures Labs Laboratories Industries Energy Pharmaceuticals Pharma Capital Partners Securities
Exchange Reserve Guard Administration Institution Center Centre Brigade Cabinet Government Daily Herald Tribune
Telegraph Guardian Gazette Chronicle Magazine Broadcasting Television Radio Records Studio Games Software Electronics
Motor Automotive Insurance Investments Trust Alliance Coalition Movement Front League Conference Council Tribunal
Prison Airport Railway Railways Lines Stadium Hotel Resort Casino Festival
""".split())
_ORG_PREFIXES = frozenset("""
Bank University Ministry Department Board House Church Institute College Council Office Bureau Federation Union
League Court Museum Commission Committee Party Academy Society
""".split())  # as "<prefix> of ...": "Bank of England", "University of Texas"
_KNOWN_ORGS = {
    # name or alias -> canonical name
    "UN": "United Nations", "United Nations": "United Nations", "U.N.": "United Nations",
    "EU": "European Union", "European Union": "European Union", "E.U.": "European Union",
    "NATO": "NATO", "Nato": "NATO", "FBI": "FBI", "CIA": "CIA", "NSA": "NSA", "NASA": "NASA", "Nasa": "NASA",
    "WHO": "World Health Organization", "World Health Organization": "World Health Organization",
    "IMF": "IMF", "WTO": "WTO", "OPEC": "OPEC", "Opec": "OPEC", "OECD": "OECD", "ECB": "European Central Bank",
    "European Central Bank": "European Central Bank", "Fed": "Federal Reserve", "Federal Reserve": "Federal Reserve",
    "SEC": "SEC", "FTC": "FTC", "FCC": "FCC", "FAA": "FAA", "FDA": "FDA", "EPA": "EPA", "DOJ": "Justice Department",
    "Justice Department": "Justice Department", "DHS": "DHS", "IRS": "IRS", "NHS": "NHS", "BBC": "BBC", "CNN": "CNN",
    "NBC": "NBC", "ABC": "ABC", "CBS": "CBS", "NPR": "NPR", "Fox News": "Fox News", "ISIS": "Islamic State",
    "ISIL": "Islamic State", "Islamic State": "Islamic State", "Daesh": "Islamic State", "Hamas": "Hamas",
    "Hezbollah": "Hezbollah", "Taliban": "Taliban", "al-Qaeda": "al-Qaeda", "Al Qaeda": "al-Qaeda",
    "al Qaeda": "al-Qaeda", "Boko Haram": "Boko Haram", "Google": "Google", "Alphabet": "Alphabet", "Apple": "Apple",
    "Microsoft": "Microsoft", "Amazon": "Amazon", "Facebook": "Facebook", "Meta": "Meta", "Twitter": "Twitter",
    "Tesla": "Tesla", "SpaceX": "SpaceX", "Samsung": "Samsung", "Uber": "Uber", "IBM": "IBM", "Intel": "Intel",
    "Qualcomm": "Qualcomm", "Broadcom": "Broadcom", "Netflix": "Netflix", "Disney": "Disney", "Sony": "Sony",
    "Nintendo": "Nintendo", "Huawei": "Huawei", "Alibaba": "Alibaba", "Toyota": "Toyota", "Volkswagen": "Volkswagen",
    "VW": "Volkswagen", "GM": "General Motors", "General Motors": "General Motors", "Ford": "Ford", "Boeing": "Boeing",
    "Airbus": "Airbus", "Red Cross": "Red Cross", "Interpol": "Interpol", "Kremlin": "Kremlin",
    "Pentagon": "Pentagon", "White House": "White House", "Downing Street": "Downing Street", "ASEAN": "ASEAN",
    "G7": "G7", "G20": "G20", "UNICEF": "UNICEF", "UNESCO": "UNESCO", "FIFA": "FIFA", "IOC": "IOC", "UEFA": "UEFA",
    "NFL": "NFL", "NBA": "NBA", "MLB": "MLB", "Major League Baseball": "MLB", "NHL": "NHL", "Congress": "Congress",
    "Senate": "Senate",
    "Supreme Court": "Supreme Court", "Security Council": "UN Security Council",
    "UN Security Council": "UN Security Council", "Democrats": "Democratic Party", "Republicans": "Republican Party",
    "GOP": "Republican Party", "Labour": "Labour Party", "Tories": "Conservative Party", "Microsoft Corp": "Microsoft",
    "Instagram": "Instagram", "YouTube": "YouTube", "WhatsApp": "WhatsApp", "Snapchat": "Snapchat",
    "Telegram": "Telegram", "Wikipedia": "Wikipedia", "Reuters": "Reuters", "AP": "Associated Press",
    "Associated Press": "Associated Press", "AFP": "AFP", "Xinhua": "Xinhua", "Bloomberg": "Bloomberg",
}
# A head title makes the rest of its run a person; modifiers may precede a head ("Prime Minister", "Foreign Minister").
_TITLE_HEADS = frozenset("""
President Mr Mrs Ms Miss Mx Dr Prof Professor Sir Dame Lord Lady Gov Governor Sen Senator Rep Representative
Congressman Congresswoman Minister Chancellor Premier King Queen Prince Princess Duke Duchess Pope Cardinal Bishop
Archbishop Rev Reverend Judge Justice General Gen Col Colonel Capt Captain Lt Sgt Sergeant Officer Detective Mayor
Secretary Ambassador Chairman Chairwoman Chair Coach Director Spokesman Spokeswoman Spokesperson Commissioner Sheriff
Leader Speaker Emperor Sheikh Ayatollah Imam Rabbi CEO Founder Cofounder Co-founder Chief Pres Supt Superintendent
Lawmaker Senator-elect President-elect Crown Marshal Admiral Major Agent Attorney Dean Counsel Envoy Adviser Advisor
""".split())
_TITLE_MODIFIERS = frozenset("""
Vice Deputy Prime Foreign Defence Defense Finance Interior Home Health Justice Education Trade Energy Former Acting
Interim Chief Senior Supreme Grand Executive Assistant Associate Labor Labour Environment Transport Economy Culture
Opposition Party Majority Minority State Special Police Fire Army Navy Air Head Team Manager Attorney Secretary-General
US UN Crown First Federal Ex Ex-president Premier Independent Presidential Democratic Republican Conservative
""".split())
_TITLE_CONNECTORS = frozenset({"of", "for", "the"})  # "Secretary of State", "Minister for Health"
# A lower-case word just before a name that marks it as a person ("president Trump", "actor Tom Hanks").
_PERSON_CUES = frozenset("""
president minister senator chancellor leader secretary spokesman spokeswoman spokesperson actor actress singer rapper
star ceo founder director chief coach player striker midfielder defender goalkeeper driver author writer judge
governor mayor prince princess king queen pope lawmaker dictator premier presenter host comedian musician boss
manager captain officer detective suspect victim gunman chairman chairwoman analyst economist professor scientist
astronaut businessman businesswoman billionaire tycoon entrepreneur designer model pitcher quarterback champion
cofounder co-founder sen rep gov candidate nominee spokesperson ambassador envoy general commander dr mr mrs ms
""".split())
_ABBREVIATIONS = frozenset("""
Mr Mrs Ms Dr Prof Gov Sen Rep Gen Col Capt Lt Sgt St Mt Ft Jr Sr Inc Corp Co Ltd No Rev Pres Supt Adm Maj Cmdr Hon
Ave Blvd Dept Univ Calif Fla Mass Penn Ill Va Wash
""".split())
# Capitalised words that are never names on their own; matched whatever follows them ("Monday's", "Dec.") and in
# capitals too ("READ MORE"). A run breaks at them, except at a title that leads a name ("Mrs May") and at a month
# that is also a name, inside one ("Theresa May", "Brian May").
_NOT_NAMES = frozenset("""
I I'm I've I'd I'll Im Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mon Tue Tues Wed Thu Thur Thurs Fri Sat
January February March April May June July August September October November December Jan Feb Mar Apr Jun Jul Aug Sep
Sept Oct Nov Dec God OK Okay TV CEO PM AM BST GMT EST EDT CST CDT PST PDT UTC CET Mrs Mr Ms Dr Sir Madam Yes No Oh Hey
Please Thanks Update Updated Breaking Live Watch Video Photos Photo Caption Exclusive Opinion Analysis Editorial Read
Click Share Subscribe Advertisement Related More Top Here There This That These Those Today Tonight Yesterday Tomorrow
Now Then Also Just Still Even Every Each Some Many Most More All Both Such Other Another Several Few Continue Newsletter
Sign Login Comments Menu File
""".split())
_NAME_MONTHS = frozenset({"April", "May", "June", "August"})
_HONORIFICS = _NOT_NAMES & _TITLE_HEADS  # Mr, Mrs, Dr, CEO ...
_CONNECTOR_WORDS = frozenset({"of", "de", "des", "du", "da", "das", "do", "dos", "di", "del", "della", "van", "von",
                              "der", "den", "al", "bin", "ibn", "la", "le", "&"})
# "for" and "on" ("for the") join a name only after the head of an organisation's name: "Center for Public Integrity",
# "Council on Foreign Relations", "People for the Ethical Treatment of Animals"; elsewhere they end it.
_WEAK_CONNECTORS = frozenset({"for", "on", "the"})
_ANY_CONNECTORS = _CONNECTOR_WORDS | _WEAK_CONNECTORS
_ORG_HEADS = frozenset("""
Center Centre Institute Council Committee Campaign Coalition Alliance Foundation Society Association Organisation
Organization Commission Agency Office Ministry Department Fund People Partnership Union League Movement Network
Federation Bureau Board Court Academy Museum School College University Doctors Reporters
""".split())
# Possessors that stay inside a name ("Democratic People's Republic of Korea", "New Year's Eve", "Women's March"); after
# any other, a possessive ends the name ("China's Xi").
_NAME_POSSESSORS = frozenset("""
People Women Men Children Year Workers Veterans Mother Mothers Father Fathers Valentine Farmers Citizens Nations Boys
Girls Ladies Kids Teachers Doctors Queen King Lord Saint St
""".split())
# Titles that name no one when alone ("the President tweeted"); a lone "Queen" or "Pope" does name someone.
_LONE_TITLES = _TITLE_HEADS - {"Queen", "King", "Pope", "Prince", "Princess", "Emperor", "Speaker", "Kremlin"}
_NOT_LONE_NAMES = _NOT_NAMES | _LONE_TITLES


def _data_lines(name: str) -> Iterable[str]:
    text = resources.files("sociose.stories").joinpath("data", name).read_text(encoding="utf-8")
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


@cache
def _places() -> dict[str, str]:
    """Surface form (name, alias or demonym) -> canonical place name. The first line naming a form wins."""
    places: dict[str, str] = {}
    for line in _data_lines("places.txt"):
        _kind, name, aliases, demonyms = (line.split("|") + ["", "", ""])[:4]
        for form in (name, *aliases.split(";"), *demonyms.split(";")):
            form = form.strip()
            if form:
                places.setdefault(_fold(form), name)
    return places


@cache
def _first_names() -> frozenset[str]:
    return frozenset(word for line in _data_lines("firstnames.txt") for word in line.split())


@cache
def stop_words() -> frozenset[str]:
    """Lower-case English function words and news boilerplate (shared with clustering)."""
    return frozenset(word for line in _data_lines("stopwords.txt") for word in line.split())


@cache
def _known_orgs() -> dict[str, str]:
    return {_fold(alias): name for alias, name in _KNOWN_ORGS.items()}


def _fold(name: str) -> str:
    """Look-up form of a name: curly apostrophes straightened, initialisms undotted ("U.S." -> "US")."""
    name = name.replace("’", "'")
    if "." in name and _INITIALISM.fullmatch(name.replace(" ", "")):
        name = name.replace(".", "").replace(" ", "")
    return name


_INITIALISM = re.compile(r"(?:[A-Z]\.){2,}[A-Z]?")

# --- tokenising ----------------------------------------------------------------------------------------------------

# A capitalised token (letters, digits, inner apostrophes, dots and hyphens: "U.S.", "Jong-un", "O'Brien", "McDonald's")
# or a connector inside a name, separated by spaces or tabs (never a newline: the title is not joined to the body).
# Each part is read once (possessive quantifiers, inner punctuation only before a word character): a run of a
# thousand capitalised words or one 50,000-letter word costs its length, not every way of splitting it.
_TOKEN = r"(?<![\w@#/.])[A-Z](?:\w|['’.&-]++(?=\w))*+\.?"
_RUN = re.compile(rf"{_TOKEN}(?:[ \t]++(?:(?:{'|'.join(sorted(_ANY_CONNECTORS))})[ \t]++)*{_TOKEN})*")
_LOWER_WORD = re.compile(r"\b[a-z][a-z'-]*\b")
_SENTENCE_END = frozenset(".!?:;\"“”|—–\n")


def _is_sentence_start(text: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and text[i] in " \t\"'“‘(([":
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END or text[i] == "-" and i > 0 and text[i - 1] == " "


def _strip_possessive(token: str) -> str:
    token = token.replace("’", "'")
    if token.endswith("'s"):
        return token[:-2]
    if token.endswith("s'"):
        return token[:-1]
    return token


_NEVER_BREAK = frozenset({"New", "Los", "Las", "San", "Santa", "El", "Le", "La", "Saint", "St", "Sri", "Costa"})


def _split_run(tokens: list[str], at_start: bool, title_case: bool) -> list[tuple[list[str], bool]]:
    """Pieces of a run, each with whether it starts a sentence. A run breaks after a sentence-ending dot, after a
    possessive ("China's Xi"), and at capitalised function words: leading ones always, inner ones in Title Case
    Headlines ("Trump To Meet Kim")."""
    stop = stop_words()
    known = _in_known_names(tokens) if len(tokens) > 1 else ()  # "Associated Press": names, not function words
    pieces: list[tuple[list[str], bool]] = [([], at_start)]
    for i, token in enumerate(tokens):
        current = pieces[-1][0]
        if token in _WEAK_CONNECTORS:  # inside an organisation's name or a title, or where the name ends
            if current and (current[0] in _ORG_HEADS and (token != "the" or current[-1] == "for")
                            or token == "for" and current[-1].rstrip(".") in _TITLE_HEADS
                            or token == "the" and len(current) > 1 and current[-1] in _TITLE_CONNECTORS
                            and current[-2].rstrip(".") in _TITLE_HEADS  # "Secretary of the Treasury Steven ..."
                            and any(later in _first_names() for later in tokens[i + 1:])):
                current.append(token)
            elif current:
                pieces.append(([], False))
            continue
        bare = _strip_possessive(token)
        plain = _plain(token, bare)
        honorific = plain in _HONORIFICS
        if i not in known and ((plain in _NOT_NAMES and not (honorific or plain in _NAME_MONTHS and current)) or (
                bare.lower() in stop and token not in _NEVER_BREAK
                and not (token.isupper() and len(token) > 1) and not honorific and (title_case or not current))):
            pieces.append(([], pieces[-1][1] and not current or _ends_sentence(token)))
            continue
        if current and honorific:  # "Meet Mr Right": the title begins the name
            pieces.append((current := [], False))
        ends_piece = ends_sentence = False
        if _ends_sentence(token):
            token, ends_piece, ends_sentence = token[:-1], True, True
        stripped = _strip_possessive(token)
        if stripped != token.replace("’", "'") and not _lexicon(" ".join(current + [token])):
            if stripped in _NAME_POSSESSORS:
                token = token.replace("’", "'")  # kept, and dropped if the name ends here
            else:
                token, ends_piece = stripped, True
        current.append(token)
        if ends_piece:
            pieces.append(([], ends_sentence))
    result = []
    for piece, starts in pieces:
        while piece and piece[0] in _ANY_CONNECTORS:
            piece = piece[1:]
        while piece and piece[-1] in _ANY_CONNECTORS:
            piece = piece[:-1]
        if piece and piece[-1].endswith("'s") and piece[-1][:-2] in _NAME_POSSESSORS:  # kept in case the name went on
            piece = piece[:-1] + [piece[-1][:-2]]
        # not a title with no name after it ("the President said"), nor a lone letter ("iPhone X", "A" in capitals)
        if piece and not (len(piece) == 1 and (_plain(piece[0]) in _NOT_LONE_NAMES
                                                or len(piece[0].rstrip(".")) == 1)):
            result.append((piece, starts))
    return result


def _ends_sentence(token: str) -> bool:
    """Whether a token's final dot ends a sentence (not "Mr.", "U.S.", "J.")."""
    if not token.endswith(".") or len(token) < 3:
        return False
    return not (token[:-1] in _ABBREVIATIONS or _INITIALISM.fullmatch(token))


def _plain(token: str, bare: str | None = None) -> str:
    """A token as `_NOT_NAMES` lists it: no possessive or final dot, straight apostrophes, capitals as Title case.
    `bare`: the token's `_strip_possessive`, if already known."""
    token = (_strip_possessive(token) if bare is None else bare).rstrip(".")
    return token.title() if token.isupper() and token not in _NOT_NAMES else token


# --- classifying ---------------------------------------------------------------------------------------------------


def _lexicon(name: str) -> tuple[str, str] | None:
    if name.isupper() and len(name) > 4 and name.replace(" ", "").isalpha():  # datelines: "BEIJING", "NEW YORK"
        name = name.title()
    folded = _fold(name)
    place = _places().get(folded)
    if place is not None:
        return place, "place"
    org = _known_orgs().get(folded)
    if org is not None:
        return org, "org"
    return None


def _person_after_title(tokens: list[str]) -> list[str] | None:
    """The name after a leading title ("Foreign Minister Sergei Lavrov" -> Sergei Lavrov); [] for a title that names
    no one ("the Secretary of State said"); None when the tokens do not begin with a title."""
    i, head_end = 0, -1
    while i < len(tokens):
        bare = tokens[i].rstrip(".")
        if bare in _TITLE_HEADS:
            head_end = i
        elif not (bare in _TITLE_MODIFIERS or tokens[i] in _TITLE_CONNECTORS or _lexicon(bare) and head_end < 0 and i
                  + 1 < len(tokens) and tokens[i + 1].rstrip(".") in _TITLE_HEADS | _TITLE_MODIFIERS):
            break
        i += 1
    if head_end < 0:
        return None
    if i == len(tokens):
        return []
    rest = tokens[i:]  # after every word of the title: "Secretary of State Rex Tillerson" -> Rex Tillerson
    if i and tokens[i - 1] in _TITLE_CONNECTORS:  # a portfolio no lexicon knows: "Director of Research Jane Roe"
        first_name = next((j for j, token in enumerate(rest[1:-1], 1) if token in _first_names()), None)
        if first_name is None:  # a given name the list lacks: the commonest shape of a name, its last two words
            if len(rest) < 3:  # "Commissioner for Human Rights": an office, or no telling where a name would start
                return None
            first_name = len(rest) - 2
        rest = rest[first_name:]
    if not rest or len(rest) > 4 or rest[0].rstrip(".") in _TITLE_HEADS:
        return None
    return rest


def _held_name(title: list[str]) -> tuple[str, str] | None:
    """The known place or organisation that a title's words name after their last of/for/the ("Governor of New
    Jersey" -> New Jersey), or None."""
    for j in range(len(title) - 1, 0, -1):
        if title[j - 1] in _TITLE_CONNECTORS:
            return _lexicon(" ".join(title[j:]))
    return None


def _classify(tokens: list[str], person_cue: bool, title_case: bool = False) -> list[tuple[str, str]]:
    """(name, kind) pairs found in one piece of a run."""
    if not tokens:
        return []
    name = " ".join(tokens)
    known = _lexicon(name)
    if known:
        return [known]
    if len(tokens) > 1 and (tokens[-1].rstrip(".") in _ORG_SUFFIXES  # "for" after a title: see _split_run
                            or tokens[1] in _WEAK_CONNECTORS and tokens[0].rstrip(".") not in _TITLE_HEADS
                            or any(a in _ORG_PREFIXES and b == "of" for a, b in zip(tokens, tokens[1:]))):
        return [(name, "org")]
    title_rest = _person_after_title(tokens)
    if title_rest is None and tokens[0].rstrip(".") in _TITLE_HEADS:  # "CEO of Tesla", "Governor of New Jersey"
        known = _held_name(tokens)
        if known:
            return [known]
    if title_rest is not None:  # and if it is [], a title that names no one: "the Foreign Minister said"
        found = []
        lead = tokens[: len(tokens) - len(title_rest)]
        for k in range(min(3, len(lead)), 0, -1):  # "Chinese President Xi" also names China
            known = _lexicon(" ".join(lead[:k]))
            if known:
                found.append(known)
                break
        known = _held_name(lead)  # "Mayor of London Sadiq Khan" also names London
        if known and known not in found:
            found.append(known)
        return found + ([(" ".join(title_rest), "person")] if title_rest else [])
    if tokens[0] in _first_names() and len(tokens) >= 2 and not _lexicon(tokens[1]):
        # In a Title Case Headline the words after "Firstname Surname" are capitalised too: keep two.
        return [(" ".join(tokens[:2] if title_case else tokens[:3]), "person")]
    # A known name leading the piece ("Chinese", "North Korean", "Google") is split off; the rest is classified alone.
    for k in range(min(4, len(tokens) - 1), 0, -1):
        known = _lexicon(" ".join(tokens[:k]))
        if known:
            return [known] + _classify(tokens[k:], False, title_case)
    if len(tokens) == 1:
        token = tokens[0]
        if token.isupper() and len(token) >= 2 and token.isalpha():
            return [(token, "other")]
        return [(token, "person" if person_cue else "other")]
    return [(name, "person" if person_cue else "other")]


_ODD_TOKEN = re.compile(r".*[a-z].*\d|.*\d.*[a-z]")  # handles, hashes and codes: "Xs9Hax8K", "NewsAUS2"


def _mentions(text: str, *, title_case: bool, lower_words: set[str], known_only: bool,
              inner_capitals: set[str]) -> list[tuple[str, str]]:
    """Mentions in `text`; adds to `inner_capitals` the capitalised words seen away from a sentence start (names,
    not ordinary words), and uses them."""
    runs = []
    for match in _RUN.finditer(text):
        tokens = [t for t in match.group().split() if not _ODD_TOKEN.match(t)]
        if not tokens:
            continue
        at_start = _is_sentence_start(text, match.start())
        runs.append((match.start(), tokens, at_start))
        for i, token in enumerate(tokens):
            if not (at_start if i == 0 else tokens[i - 1].endswith(".")):
                inner_capitals.add(_strip_possessive(token))
    mentions: list[tuple[str, str]] = []
    first_names = _first_names()

    def ordinary(word: str, lone: bool) -> bool:
        # A capitalised word that also occurs in lower case is an ordinary word here ("Officials said"); so is a
        # sentence-initial adverb or a lone sentence-initial word never capitalised elsewhere ("Eventually, ...").
        if _lexicon(word) or word in first_names:
            return False
        return word.lower() in lower_words or not title_case and word not in inner_capitals and (
            lone or word.endswith(("ly", "ing", "ed")))

    for start, tokens, at_start in runs:
        before = text[max(0, start - 24): start].split()
        person_cue = bool(before) and before[-1].lower().strip(",") in _PERSON_CUES
        for piece, starts in _split_run(tokens, at_start, title_case):
            known = _in_known_names(piece) if len(piece) > 1 else ()  # "North Korea": never ordinary words
            if title_case:
                parts, part = [], []
                for i, word in enumerate(piece):
                    if i not in known and ordinary(word, False):
                        parts.append(part)
                        part = []
                    else:
                        part.append(word)
                parts.append(part)
            elif starts and 0 not in known and not (len(piece) > 1 and piece[1] in _WEAK_CONNECTORS) \
                    and ordinary(piece[0], len(piece) == 1):
                parts = [piece[1:]]
            elif starts and len(piece) > 2 and piece[1] in _CONNECTOR_WORDS and piece[0] not in _ORG_PREFIXES \
                    and piece[0] not in _TITLE_HEADS and not _lexicon(piece[0]) and piece[0] not in first_names:
                parts = [piece[2:]]  # "Shares of Acme Holdings fell"
            else:
                parts = [piece]
            for part in parts:
                while part and part[0] in _ANY_CONNECTORS:
                    part = part[1:]
                for name, kind in _classify(part, person_cue, title_case):
                    if known_only and kind == "other":
                        continue
                    mentions.append((name, kind))
    return mentions


def _in_known_names(piece: list[str]) -> set[int]:
    """Positions of the words of a piece that are inside a known name of several words ("North Korea")."""
    inside: set[int] = set()
    heads = _known_name_heads()
    for start in range(len(piece) - 1):
        if piece[start] not in heads and piece[start].title() not in heads:
            continue
        for end in range(min(len(piece), start + 4), start + 1, -1):
            last = piece[end - 1]  # as a name ends: "... the Associated Press." or "... Associated Press's"
            last = _strip_possessive(last[:-1] if _ends_sentence(last) else last)
            if _lexicon(" ".join([*piece[start:end - 1], last])):
                inside.update(range(start, end))
                break
    return inside


@cache
def _known_name_heads() -> frozenset[str]:
    """The first words of the known names of several words (most capitalised words begin none)."""
    return frozenset(form.split(" ", 1)[0] for form in (*_places(), *_known_orgs()) if " " in form)


def _looks_title_case(title: str) -> bool:
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", title) if w.lower() not in stop_words()]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


MAX_NAME_WORDS = 8  # "Organisation for Economic Co-operation and Development" has six; a longer run is a list
MAX_NAME_CHARACTERS = 120  # within the 200 characters of ArticleEntity.name and of index keys ("e:org:...")


def extract_entities(title: str, text: str, language: str = "en") -> list[Entity]:
    """People, organisations, places and other names in an article, most mentioned first.

    Only English rules exist; for another `language` the same rules run (names are capitalised in most Latin-script
    languages) but the function-word lists are English.
    """
    title, text = title or "", text or ""
    lower_words = set(_LOWER_WORD.findall(text))
    if title and not _looks_title_case(title):
        lower_words.update(_LOWER_WORD.findall(title))
    inner_capitals: set[str] = set()
    mentions = _mentions(text, title_case=False, lower_words=lower_words, known_only=False,
                         inner_capitals=inner_capitals)
    if title:
        title_case = _looks_title_case(title)
        mentions = _mentions(title, title_case=title_case, lower_words=lower_words,
                             known_only=title_case and not text, inner_capitals=inner_capitals) + mentions
    # A run of more capitalised words than any name has is a list of names ("Blessing Abana Comfort Amos ..."),
    # a headline or page furniture, not one entity; it would also not fit the columns that store names and keys.
    mentions = [(name, kind) for name, kind in mentions
                if name.count(" ") < MAX_NAME_WORDS and len(name) <= MAX_NAME_CHARACTERS]
    return _merge_mentions(mentions)


def _merge_mentions(mentions: list[tuple[str, str]]) -> list[Entity]:
    """Counts per entity, with bare surnames and titled mentions folded into the person's full name."""
    bare_words = {name for name, kind in mentions if " " not in name}
    # of them, those named alone as people or unknown names ("Durov"), not as places or organisations
    bare_names = {name for name, kind in mentions if " " not in name and kind in ("person", "other")}
    first_names = _first_names()
    full: list[str] = []
    for name, kind in mentions:
        # "Pavel Durov" ... "Durov": a two- or three-word name later called by its last word alone is a person; so is
        # "Antonio Valencia" ... "Valencia", a given name first, but not "Sea of Japan" ... "Japan"
        if kind == "other" and 1 < name.count(" ") + 1 <= 3 and (
                name.rsplit(" ", 1)[-1] in bare_names
                or name.split(" ", 1)[0] in first_names and name.rsplit(" ", 1)[-1] in bare_words):
            kind = "person"
        if kind == "person" and " " in name:
            full.append(name)
    full_names: dict[str, str] = {}  # single word -> the first multi-word person it is part of
    for name in full:  # surnames first, then (for "Xi Jinping", "Kim Jong-un") first words
        full_names.setdefault(name.split()[-1], name)
    for name in full:
        full_names.setdefault(name.split()[0], name)
    persons = {name for name, kind in mentions if kind == "person"} | set(full_names.values())
    counts: dict[tuple[str, str], int] = {}
    for name, kind in mentions:
        if kind in ("person", "other") and " " not in name:
            if name in full_names:
                name, kind = full_names[name], "person"
            elif name in persons:
                kind = "person"
        elif kind == "other" and name in persons:
            kind = "person"
        counts[(name, kind)] = counts.get((name, kind), 0) + 1
    order = {key: i for i, key in reversed(list(enumerate(counts)))}
    ranked = sorted(counts.items(), key=lambda item: (-item[1], order[item[0]]))
    return [Entity(name, kind, count) for (name, kind), count in ranked]
