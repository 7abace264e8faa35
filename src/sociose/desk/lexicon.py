"""Word lists shared by quote attribution (`quotes`) and speaker resolution (`speakers`).

Written for these modules, not exhaustive: first names (which tell persons from organisations and give "he"/"she" a
gender), titles, capitalised words that are no names, organisation and place words, abbreviations, prepositions and
the verbs an object follows, speech verbs (the cues of an attribution), and the pattern of a run of capitalised words.
A list that only one of the two modules reads lives in that module.
"""

from __future__ import annotations

import re

# A small first-name list (written for quote attribution, not exhaustive): used only to tell persons from
# organisations and to give "he"/"she" their antecedent. Unknown names are simply "gender unknown".
MALE = set("""
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
FEMALE = set("""
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

# Words around names: titles before them, capitalised words that are no names, organisation and place words
TITLES = {
    "president", "sen.", "sen", "senator", "rep.", "rep", "representative", "gov.", "gov", "governor", "mr.", "mrs.",
    "ms.", "mr", "mrs", "ms", "miss", "dr.", "dr", "prof.", "professor", "secretary", "gen.", "general", "judge",
    "justice", "speaker", "chairman", "chairwoman", "mayor", "minister", "prime", "chancellor", "king", "queen",
    "prince",     "princess", "pope", "sheriff", "attorney", "lt.", "col.", "sgt.", "capt.", "captain", "adm.",
    "admiral", "rev.",     "reverend", "father", "sister", "chief", "commissioner", "ambassador", "leader", "vice",
    "deputy", "former", "candidate",     "nominee", "director", "spokesman", "spokeswoman", "spokesperson", "congressman",
    "congresswoman", "pres.", "sec.", "atty.",     "sir", "dame", "lord", "lady", "officer", "coach", "detective",
    "inspector", "councilman", "councilwoman", "gop", "executive", "ceo", "cfo", "coo", "cto",
}
NOT_NAMES = {
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
ORG_WORDS = {
    "house", "department", "party", "committee", "university", "college", "school", "inc", "inc.", "corp", "corp.",
    "co.", "news", "times", "post", "journal", "association", "council", "ministry", "agency", "court", "congress",
    "senate", "campaign", "office", "institute", "center", "centre", "foundation", "bank", "union", "group", "network",
    "service", "police", "army", "navy", "force", "forces", "administration", "commission", "board", "company",
    "organization", "organisation", "fund", "trust", "press", "reuters", "cnn", "bbc", "fox", "nbc", "abc", "cbs",
    "msnbc", "npr", "pac", "state", "states", "government", "club", "church", "museum", "hospital", "team", "league",
    "federation", "society", "coalition", "alliance", "parliament", "assembly", "magazine", "tribune", "herald",
    "gazette", "television", "radio", "media", "project", "initiative", "watch", "caucus", "authority", "airlines",
}
PLACE_WORDS = {
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
ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "capt", "st", "jr", "sr",
                 "prof", "rev", "inc", "co", "corp", "ltd", "no", "vs", "v", "mt", "ft", "pres", "sec", "atty", "maj",
                 "adm", "hon", "messrs", "ave", "jan", "feb", "aug", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n",
                 "d.c", "a.m", "p.m", "e.g", "i.e", "calif", "fla", "mass", "ariz", "wash", "ore", "tenn", "ky", "va",
                 "pa", "ill", "mich", "wis", "minn", "ga", "ala", "la", "md", "conn", "ind", "okla", "colo", "nev",
                 "neb", "kan", "miss", "mo", "del", "vt", "n.h", "n.j", "n.y", "n.c", "s.c", "n.m", "r", "d", "i"}

# A name right after one of these is an object, not a speaker ("Trump attacked Clinton", "a spokesman for Ryan")
PREPOSITIONS = {"for", "of", "at", "from", "with", "to", "in", "on", "by", "about", "against", "behind", "under"}
BEFORE_OBJECT = PREPOSITIONS | {"than", "like", "as", "into", "over", "toward", "towards", "between", "among",
                                 "beat", "beats", "defeat", "defeated", "endorsed", "endorse", "endorses", "support",
                                 "supports", "supported", "attacked", "attack", "attacks", "praised", "criticized",
                                 "called", "asked", "told", "thanked", "interviewed", "named", "elect", "elected",
                                 "vote", "votes", "voted", "nominate", "nominated", "succeeding", "replace",
                                 "replacing", "joined", "meet", "met", "face", "faces", "facing", "faced", "backing",
                                 "backed", "back", "help", "helped", "helping", "blamed", "blame"}

# Speech verbs: the cue of an attribution ("X said", "said X"), as a regular-expression alternation
CUES = (
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

# A word, and a run of capitalised words (a name, possibly with particles: "Ursula von der Leyen")
WORD_RE = re.compile(r"\w++(?:['’]\w++)*")
UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĘĚĞĢĪĶĹĽŁŃŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŹŻŽ"
NAME_RUN_RE = re.compile(
    rf"(?<![\w’'.-])[{UPPER}][\w’'\-]*+\.?(?:\s(?:[{UPPER}][\w’'\-]*+\.?|(?:de|da|van|von|der|al|bin|la|le|di|du|del)"
    rf"(?=\s[{UPPER}])))*")
