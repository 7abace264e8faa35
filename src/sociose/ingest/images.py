"""The lead image of an article page: its URL, its caption and its credit, kept apart.

A later stage refuses a lead image without a credit, so a credit is only reported where the page states one for
that image (a credit element or a credit pattern in its caption, image-scoped metadata); a page-wide
`<meta name="copyright">` names the publisher of the page, not the photographer, and is not used.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml.html import HtmlElement

# elements whose class names them as the credit of the picture they sit in
_CREDIT_WORDS = frozenset({"credit", "credits", "byline", "copyright", "copywrite", "photographer", "attribution",
                           "source", "photocredit", "imagecredit", "photocredits"})
_CREDIT_ATTRIBUTE = re.compile(r"credit|copyright|photographer", re.IGNORECASE)  # <img data-credit="EPA">
_CREDIT_ITEMPROPS = ("creditText", "copyrightHolder", "copyrightNotice", "creator", "author")
# screen-reader labels ("Credit", "Image"), gallery counters ("1 of 4") and widgets are not caption text
_HIDDEN_CLASS = re.compile(r"visually-hidden|sr-only|screen-reader|screenreader|a11y|hidden|off-screen|offscreen|"
                           r"\bcount\b|counter|pagination", re.IGNORECASE)
_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "svg", "button", "template"})
_OUT_OF_ARTICLE = frozenset({"aside", "nav", "footer"})
_IMAGE_URL = re.compile(r"^(?:https?:)?/?/?[^\s]+\.(?:jpe?g|png|gif|webp|avif)(?:[?#]\S*)?$", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"blank|spacer|placeholder|pixel|transparent|loading|loader|lazy|missing", re.IGNORECASE)
# a share image that is the site's logo or default card says nothing about this article
_GENERIC_IMAGE = re.compile(r"logo|default|placeholder|fallback|favicon|sprite|blank", re.IGNORECASE)
# parts of an image file name that name a rendition rather than the picture ("-1200x630", "_Social", "master")
_RENDITION_WORD = re.compile(
    r"\d{1,4}|\d+x\d+|[a-z]\d{2,4}|\d{2,4}[a-z]|large|medium|small|thumb\w*|scaled|social|lede|hero|jumbo|"
    r"facebookjumbo|superjumbo|articlelarge|square\w*|master|original|rawimage|image|img|gallery|crop\w*|resize\w*|"
    r"full|default|wide|mobile|desktop|retina|share|og|fb|tw|card"
)
_SIZE_PARAMETERS = frozenset({"w", "h", "width", "height", "q", "quality", "fit", "crop", "resize", "strip", "auto",
                              "format", "fm", "dpr", "size", "s", "mode"})

_LABEL = (
    r"(?:photo(?:graph)?s?|pictures?|pic|images?|credits?|photo\s+credit|image\s+credit|illustration|"
    r"video|fotos?|bild|source|copyright|file(?:\s+photo)?)"
)
# a credit opens the caption or follows the end of its last sentence: "... on Monday. Photograph: Jane Doe/Reuters"
_AFTER_SENTENCE = r"(?:^|(?<=[.!?|–—)\]”\"’;])\s*)"
_LABELLED_CREDIT = re.compile(
    rf"{_AFTER_SENTENCE}{_LABEL}\s*(?::|by\b|\|)\s*(?P<credit>[^\n]{{2,160}}?)\s*\.?$", re.IGNORECASE)
_COPYRIGHT_CREDIT = re.compile(
    rf"(?:{_AFTER_SENTENCE}(?:\(c\)|copyright\b)|\s*©)\s*(?P<credit>[^\n]{{2,160}}?)\s*\.?$", re.IGNORECASE)
_MAX_CREDIT_WORDS = 12
_PAREN_CREDIT = re.compile(r"\((?P<credit>[^()]{2,160})\)\s*\.?$|\[(?P<bracketed>[^\[\]]{2,160})\]\s*\.?$")
_AGENCY = (
    r"(?:AFP|AP|Reuters|REUTERS|Getty(?:\s+Images)?|EPA(?:-EFE)?|EFE|Shutterstock|Bloomberg|Alamy|"
    r"PA(?:\s+(?:Wire|Media|Images))?|Xinhua|dpa|DPA|picture[\s-]alliance|Anadolu(?:\s+Agency)?|NurPhoto|"
    r"SOPA\s+Images|LightRocket|ZUMA|"
    r"Zuma(?:\s+Press)?|Sipa|SIPA|Redux|Polaris|Invision|REX|Rex(?:\s+Features)?|AAP|Kyodo|Yonhap|Imago|IMAGO|Abaca|"
    r"WENN|Newscom|Pool|POOL|Associated\s+Press|TASS|Sputnik|ANP|Belga|Keystone|Ritzau|NTB|ANSA|Lusa|Europa\s+Press|"
    r"iStock(?:photo)?|Unsplash|Wikimedia(?:\s+Commons)?|Flickr|Corbis|Handout|HANDOUT)"
)
_AGENCY_WORD = re.compile(rf"\b{_AGENCY}\b")
# "Jane Doe/Reuters", "Jane Doe / AFP via Getty Images", "AP Photo/Jane Doe", "Jane Doe for The New York Times"
_NAME = r"[A-Z][\w.'’-]*"
_SLASH_CREDIT = re.compile(rf"^{_NAME}(?:\s+{_NAME}){{0,5}}\s*/\s*[A-Z][\w.'’&-]*(?:\s+[\w.'’&-]+){{0,6}}$")
_FOR_CREDIT = re.compile(
    rf"^{_NAME}(?:\s+{_NAME}){{1,4}}\s+for\s+(?:The\s+{_NAME}(?:\s+{_NAME}){{0,4}}|(?:{_NAME}\s+){{0,3}}"
    r"(?:Times|Post|Magazine|News|Journal|Guardian|Herald|Tribune|Telegraph|Chronicle|Gazette|Observer|Review))$"
)
_COURTESY_CREDIT = re.compile(r"^(?:courtesy\b|handout\b|provided\s+by\b|supplied$)", re.IGNORECASE)
# a sentence ends at ., ! or ? (not an initial such as "D.") followed by a space
_SENTENCE_END = re.compile(r"(?<![\s.][A-Z])[.!?][”\"’)]*\s+")
_LEADING_LABEL = re.compile(
    rf"^(?:{_LABEL})\s*(?::|by\b|via\b|\||\.\.\.|…)\s*|^(?:©|\(c\)|copyright\b)\s*|^credits?\s+(?=[A-Z])",
    re.IGNORECASE,
)


@dataclass
class LeadImage:
    url: str = ""
    caption: str = ""
    credit: str = ""


def find_lead_image(tree: HtmlElement, metas: dict[str, list[str]], ld_images: list[dict], base_url: str) -> LeadImage:
    """The article's lead image: og:image, twitter:image, the article's JSON-LD image, else its first figure.

    The caption and credit come from the figure showing that image (matched by file, as share images are often
    another size of the same picture), else from image-scoped metadata (og:image:alt, JSON-LD ImageObject).
    """
    figures = list(_figures(tree, base_url))
    for key in ("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src"):
        for value in metas.get(key, ()):
            url = _absolute(base_url, value)
            if url and not _GENERIC_IMAGE.search(os.path.basename(urlsplit(url).path)):
                alt = _first(metas, "og:image:alt") if key.startswith("og:") else _first(metas, "twitter:image:alt")
                return _describe(url, figures, ld_images, base_url, alt)
    for node in ld_images:
        url = _absolute(base_url, _ld_url(node))
        if url:
            return _describe(url, figures, ld_images, base_url, "")
    scope = _article_scope(tree)
    for figure, urls in figures:
        if _inside(figure, scope):
            return _from_figure(urls[0], figure, ld_images, base_url)
    return LeadImage()


def split_credit(caption: str) -> tuple[str, str]:
    """Caption text and the credit it ends with ("... Photograph: Jane Doe/Reuters"), or (caption, "")."""
    caption = clean_line(caption)
    if not caption:
        return "", ""
    for pattern in (_LABELLED_CREDIT, _COPYRIGHT_CREDIT):
        match = pattern.search(caption)
        if match and len(match.group("credit").split()) <= _MAX_CREDIT_WORDS:
            return _strip_tail(caption[: match.start()]), clean_credit(match.group("credit"))
    match = _PAREN_CREDIT.search(caption)
    if match:
        credit = match.group("credit") or match.group("bracketed")
        # Al Jazeera and others put the credit in square brackets: "[SpaceX via NASA]"
        if _is_credit(credit, parenthesised=True) or (match.group("bracketed") and _is_name_like(credit)):
            return _strip_tail(caption[: match.start()]), clean_credit(credit)
    # an unlabelled credit is the last sentence of the caption, or all of it
    starts = [0] + [m.end() for m in _SENTENCE_END.finditer(caption)]
    tail = caption[starts[-1]:].rstrip(".")
    if _is_credit(tail, parenthesised=False):
        return _strip_tail(caption[: starts[-1]]), clean_credit(tail)
    return caption, ""


def clean_credit(credit: str) -> str:
    """A credit without its label ("Photo:", "Credit", "©") or wrapping punctuation."""
    credit = clean_line(credit).strip(" .,;|–—-()[]")
    for _ in range(2):  # "Credit: © Jane Doe"
        credit = _LEADING_LABEL.sub("", credit).strip(" .,;|–—-()[]")
    return credit[:300]


# --- figures --------------------------------------------------------------------------------------------------------

def _figures(tree: HtmlElement, base_url: str) -> Iterator[tuple[HtmlElement, list[str]]]:
    for count, figure in enumerate(tree.iter("figure")):
        if count >= 50:
            return
        urls = [u for img in figure.iter("img", "source") for u in _image_urls(img, base_url)]
        if urls:
            yield figure, urls


def _image_urls(img: HtmlElement, base_url: str) -> Iterator[str]:
    """The URLs an <img> or <source> shows, lazy-loading attributes (data-src, data-original...) included."""
    candidates = [img.get("src", "")]
    for name, value in img.attrib.items():
        if name.endswith("srcset"):
            candidates += [part.strip().split(" ")[0] for part in value.split(",") if part.strip()]
        elif name.startswith("data-") and _IMAGE_URL.match(value.strip()):
            candidates.append(value)
    for candidate in candidates:
        candidate = candidate.strip()
        if not candidate or candidate.startswith("data:") or _PLACEHOLDER.search(os.path.basename(candidate)):
            continue
        url = _absolute(base_url, candidate)
        if url:
            yield url


def _describe(url: str, figures: list, ld_images: list[dict], base_url: str, alt: str) -> LeadImage:
    for figure, urls in figures:
        if any(_same_image(url, other) for other in urls):
            return _from_figure(url, figure, ld_images, base_url)
    # a share image cropped from the lead photo has another file name but often the same alt text
    if len(clean_line(alt)) >= 15:
        for figure, _urls in figures:
            if any(clean_line(img.get("alt", "")) == clean_line(alt) for img in figure.iter("img")):
                return _from_figure(url, figure, ld_images, base_url)
    caption, credit = split_credit(alt)
    ld_caption, ld_credit = _ld_image_facts(url, ld_images, base_url)
    return LeadImage(url, caption or ld_caption, credit or ld_credit)


def _from_figure(url: str, figure: HtmlElement, ld_images: list[dict], base_url: str) -> LeadImage:
    candidates = [el for el in figure.iter() if _is_credit_element(el)]
    # the innermost candidates: a figcaption classed "caption-credit" holds the caption and a "credit" div
    credit_elements = [el for el in candidates if not any(_is_ancestor(el, other) for other in candidates)]
    text_credits = [_text(el) for el in credit_elements if el.tag not in ("img", "source")]
    credits = [clean_credit(c) for c in text_credits if 0 < len(c.split()) <= 2 * _MAX_CREDIT_WORDS]
    if not credits:  # <meta itemprop="copyrightHolder" content="...">, <img data-credit="...">
        credits = [clean_credit(_credit_attribute(el)) for el in credit_elements]
    credit = ", ".join(dict.fromkeys(c for c in credits if c))
    figcaption = next(figure.iter("figcaption"), None)
    caption = _text(figcaption, skip=set(credit_elements)) if figcaption is not None else ""
    if not credit:
        caption, credit = split_credit(caption)
    if not (caption and credit):
        ld_caption, ld_credit = _ld_image_facts(url, ld_images, base_url)
        caption, credit = caption or ld_caption, credit or ld_credit
    return LeadImage(url, clean_line(caption), credit)


def _is_credit_element(element: HtmlElement) -> bool:
    if not isinstance(element.tag, str) or element.tag in _SKIPPED_TAGS:
        return False
    if element.tag in ("img", "source"):
        return any(_CREDIT_ATTRIBUTE.search(name) for name in element.attrib)
    if element.tag == "cite" or element.get("itemprop") in _CREDIT_ITEMPROPS:
        return True
    classes = element.get("class")
    if not classes:
        return False
    # whole words of class names: "article__credit", "imageCredit", but not a utility class "_pattribution-w"
    words = re.split(r"[\s_-]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", classes).lower())
    return any(word in _CREDIT_WORDS for word in words)


def _credit_attribute(element: HtmlElement) -> str:
    if element.tag == "meta":
        return element.get("content", "")
    return next((v for k, v in element.attrib.items() if _CREDIT_ATTRIBUTE.search(k) and v.strip()), "")


def _is_ancestor(element: HtmlElement, other: HtmlElement) -> bool:
    """Whether element contains other (and is not other)."""
    return other is not element and any(ancestor is element for ancestor in other.iterancestors())


def _text(element: HtmlElement, skip: set | frozenset = frozenset()) -> str:
    """Visible text of an element, leaving out skipped subtrees (their tails kept) and screen-reader labels."""
    parts: list[str] = []

    def walk(node: HtmlElement) -> None:
        # not aria-hidden: captions are hidden from screen readers when the alt text already says the same
        if not isinstance(node.tag, str) or node in skip or node.tag in _SKIPPED_TAGS \
                or _HIDDEN_CLASS.search(node.get("class", "")):
            return
        parts.append(node.text or "")
        for child in node:
            walk(child)
            parts.append(" " if child.tag == "br" else "")
            parts.append(child.tail or "")

    walk(element)
    return clean_line("".join(parts))


def _article_scope(tree: HtmlElement) -> HtmlElement | None:
    articles = list(tree.iter("article"))
    if articles:
        return max(articles[:20], key=lambda a: len(a.text_content()))
    return next(tree.iter("main"), None)


def _inside(element: HtmlElement, scope: HtmlElement | None) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag in _OUT_OF_ARTICLE:
            return False
        if scope is not None and ancestor is scope:
            return True
    return scope is None


# --- matching and metadata ------------------------------------------------------------------------------------------

def _same_image(a: str, b: str) -> bool:
    """Whether two URLs show the same picture, perhaps in another size or crop."""
    pa, pb = urlsplit(a), urlsplit(b)
    if pa.path == pb.path:  # "/resize?id=1&w=1200" and "/resize?id=1&w=320", but not "?id=2"
        return _identity_query(pa.query) == _identity_query(pb.query)
    wa, wb = _identity_words(pa.path), _identity_words(pb.path)
    if wa or wb:
        return wa == wb and len("".join(wa)) >= 6
    # file names that say nothing ("master/3000.jpg", "rawImage.jpg"): the folder names the picture
    folder = os.path.dirname(pa.path)
    return folder == os.path.dirname(pb.path) and len(re.findall(r"\d", folder)) >= 8


def _identity_words(path: str) -> list[str]:
    stem = os.path.splitext(os.path.basename(path))[0].lower()
    return [w for w in re.split(r"[-_.,~ +]+", stem) if w and not _RENDITION_WORD.fullmatch(w)]


def _identity_query(query: str) -> list[tuple[str, str]]:
    return sorted((k, v) for k, v in parse_qsl(query) if k.lower() not in _SIZE_PARAMETERS)


def _ld_url(node: dict) -> str:
    for key in ("url", "contentUrl", "@id"):
        value = node.get(key)
        if isinstance(value, str) and value.strip() and not value.startswith("#"):
            return value
    return ""


def _ld_image_facts(url: str, ld_images: list[dict], base_url: str) -> tuple[str, str]:
    """Caption and credit that the page's JSON-LD gives for this very image."""
    for node in ld_images:
        other = _absolute(base_url, _ld_url(node))
        if not other or not _same_image(url, other):
            continue
        caption = _ld_text(node.get("caption")) or _ld_text(node.get("description"))
        credit = next(filter(None, (_ld_text(node.get(key)) for key in _CREDIT_ITEMPROPS)), "")
        caption, caption_credit = split_credit(caption)
        return caption, clean_credit(credit) or caption_credit
    return "", ""


def _ld_text(value: object, depth: int = 0) -> str:
    if isinstance(value, str):
        return clean_line(value)
    if depth > 3:
        return ""
    if isinstance(value, dict):
        return _ld_text(value.get("name") or value.get("text"), depth + 1)
    if isinstance(value, list):
        return ", ".join(filter(None, (_ld_text(v, depth + 1) for v in value[:5])))
    return ""


def _is_credit(text: str, *, parenthesised: bool) -> bool:
    text = text.strip()
    if not text or len(text) > 160 or len(text.split()) > _MAX_CREDIT_WORDS:
        return False
    if _COURTESY_CREDIT.match(text) or _SLASH_CREDIT.match(text) or _FOR_CREDIT.match(text):
        return True
    if parenthesised:  # "(AP Photo/Jane Doe)", "(Reuters)", "(Photo: Jane Doe)"
        return bool(_AGENCY_WORD.search(text) or _LEADING_LABEL.match(text))
    return bool(_AGENCY_WORD.fullmatch(text))


def clean_line(text: str) -> str:
    """Text on one line with single spaces (the page module removes control characters and markup)."""
    return " ".join((text or "").split())


def _is_name_like(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= 8 and text[0].isupper()


def _strip_tail(text: str) -> str:
    return text.rstrip(" |–—-:;,")


def _absolute(base_url: str, value: str) -> str:
    value = (value or "").strip()
    if not value or value.startswith(("data:", "javascript:", "about:")):
        return ""
    try:
        url = urljoin(base_url, value)
    except ValueError:
        return ""
    return url if url.startswith(("http://", "https://")) else ""


def _first(metas: dict[str, list[str]], key: str) -> str:
    values: Iterable[str] = metas.get(key, ())
    return next(iter(values), "")
