"""Wire copy: stories from a news agency (AP, Reuters, AFP, ...) that outlets republish under their own names.

An article is wire copy when its byline names an agency or its text opens with an agency dateline
("WASHINGTON (AP) —", "LONDON (Reuters) -"). All copies of one agency's story count as one report.
"""

from __future__ import annotations

import re

# Agency name as written in bylines and datelines -> the agency's one name.
AGENCIES = {
    "associated press": "AP", "ap": "AP", "the associated press": "AP",
    "reuters": "Reuters", "thomson reuters": "Reuters",
    "afp": "AFP", "agence france-presse": "AFP", "agence france presse": "AFP",
    "dpa": "dpa", "deutsche presse-agentur": "dpa",
    "efe": "EFE", "ansa": "ANSA", "kyodo": "Kyodo", "kyodo news": "Kyodo",
    "xinhua": "Xinhua", "bloomberg": "Bloomberg", "press association": "PA", "pa media": "PA",
    "upi": "UPI", "united press international": "UPI", "aap": "AAP", "australian associated press": "AAP",
    "canadian press": "CP", "the canadian press": "CP", "ians": "IANS", "pti": "PTI", "press trust of india": "PTI",
    "anadolu agency": "Anadolu", "tass": "TASS", "yonhap": "Yonhap",
}
_NAMES = "|".join(sorted((re.escape(name) for name in AGENCIES), key=len, reverse=True))
# "WASHINGTON (AP) —", "(Reuters) -", "PARIS, March 2 (AFP) -" at the start of the text
_DATELINE = re.compile(rf"^\W*[A-Z][A-Za-z0-9 .,'-]{{0,60}}?\(({_NAMES})\)\s*[-—–:]", re.IGNORECASE)
_OPENING = re.compile(rf"^\W*\(({_NAMES})\)\s*[-—–:]", re.IGNORECASE)
_BYLINE = re.compile(rf"^(?:by\s+)?(?:the\s+)?({_NAMES})(?:\s+(?:staff|writers?|reporters?))?$", re.IGNORECASE)


def wire_agency(authors: list[str], text: str) -> str | None:
    """The agency whose copy this is, or None for an outlet's own report."""
    for author in authors:
        for part in re.split(r"\s*(?:,|;|\band\b|/|\|)\s*", author.strip()):
            match = _BYLINE.match(part.strip())
            if match:
                return AGENCIES[match.group(1).lower()]
    head = text[:300]
    match = _OPENING.match(head) or _DATELINE.match(head)
    return AGENCIES[match.group(1).lower()] if match else None
