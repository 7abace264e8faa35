"""Text helpers shared by several apps."""

from __future__ import annotations

import hashlib
import html
import re

import nh3


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: tags removed, entities decoded, paragraphs kept as blank lines."""
    if not fragment:
        return ""
    marked = nh3.clean(fragment, tags={"p", "br", "div", "li"}, attributes={})
    for tag in ("</p>", "</div>", "</li>", "<br>"):
        marked = marked.replace(tag, "\n\n")
    text = nh3.clean(marked, tags=set())
    paragraphs = (" ".join(html.unescape(p).split()) for p in text.split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


def normalize_text(text: str) -> str:
    """Text reduced for comparison: lower case, words separated by single spaces."""
    return " ".join(re.findall(r"\w+", text.lower()))


def content_hash(text: str) -> str:
    """SHA-256 of the normalised text: equal for copies that differ only in spacing, case or punctuation."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()
