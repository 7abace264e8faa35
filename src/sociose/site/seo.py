"""What a page tells machines about itself: schema.org JSON-LD, OpenGraph and Twitter card tags, feed autodiscovery.

Pages make one call, `page_meta(request, composed=..., topic=...)`, and pass its dict into their template context;
`site/_meta.html` renders it inside <head>. Nothing here queries the database: everything comes from the composed
story (its sentences and quotes carry their source URLs and outlets).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from sociose.desk.models import ComposedStory
from sociose.site.conventions import absolute_url, feed_urls, story_path, topic_path

# IPTC Digital Source Type for a story page's text. Every sentence and quote is copied verbatim from a human-written
# report (each one linked to its source) and software only selects and orders them: no generative model writes
# anything. Of the IPTC terms (http://cv.iptc.org/newscodes/digitalsourcetype/):
#   - compositeCapture, "mix or composite of several elements that are all captures of real life", is the one that
#     fits: a composite, by a machine, of elements that all come from real reporting;
#   - algorithmicMedia, "created purely by an algorithm not based on any sampled training data" (a formula's image),
#     would claim the words were made by the program, when they are the outlets';
#   - trainedAlgorithmicMedia / compositeWithTrainedAlgorithmicMedia are for generative AI, which is not used;
#   - dataDrivenMedia is for renderings of instrument data (a weather report written from readings).
# The page's visible note ("assembled by software from the named sources") says the same thing to readers.
DIGITAL_SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/compositeCapture"

DESCRIPTION_LIMIT = 300  # characters of description in meta tags; search engines and cards show less
FEED_TYPES = {"rss": ("application/rss+xml", "RSS"), "atom": ("application/atom+xml", "Atom"),
              "json": ("application/feed+json", "JSON Feed")}
SCHEMA_TYPES = {"person": "Person", "org": "Organization", "place": "Place"}

# The characters that could end a <script> data block or open a comment in it, as JSON escapes (what Django's
# json_script does): the JSON parses to the same value and the HTML parser never sees "</script>" or "<!--".
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _http(url: str | None) -> str:
    """The URL if it is http(s), else "" (no javascript: or data: from a source ends up in a link)."""
    return url if url and url.startswith(("https://", "http://")) else ""


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def _clip(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _organization() -> dict:
    return {"@type": "Organization", "name": settings.SITE_NAME, "url": absolute_url(reverse("site:front"))}


def _topic(topic) -> tuple[str, str] | None:
    """A topic given as (kind, name), {"kind", "name"} or an object with .kind and .name."""
    if topic is None:
        return None
    if isinstance(topic, (tuple, list)):
        return str(topic[0]), str(topic[1])
    if isinstance(topic, dict):
        return str(topic["kind"]), str(topic["name"])
    return str(topic.kind), str(topic.name)


def source_urls(composed: ComposedStory) -> list[tuple[str, str]]:
    """(url, outlet) of every article the page's text and image come from, in order of first use."""
    parts = [composed.dek] if composed.dek else []
    parts += [s for paragraph in composed.body for s in paragraph] + list(composed.quotes)
    parts += [composed.image] if composed.image else []
    seen: dict[str, str] = {}
    for part in parts:
        url = _http(part.get("source_url"))
        if url and url not in seen:
            seen[url] = part.get("outlet", "")
    return list(seen.items())


def _quotation(quote: dict) -> dict:
    speaker = {"@type": "Person", "name": quote["speaker"]}
    if quote.get("speaker_description"):
        speaker["description"] = quote["speaker_description"]
    item = {"@type": "Quotation", "text": quote["text"], "spokenByCharacter": speaker, "creator": speaker}
    if _http(quote.get("source_url")):
        item["isBasedOn"] = quote["source_url"]
    return item


def story_jsonld(request, composed: ComposedStory) -> dict:
    """schema.org NewsArticle for a story page."""
    url = absolute_url(story_path(composed.story_id))
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": f"{url}#article",
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": composed.shown_headline,
        "description": composed.dek.get("text", "") if composed.dek else "",
        "datePublished": _iso(composed.published_at),
        "dateModified": _iso(composed.updated_at),
        "author": [_organization()],
        "publisher": _organization(),
        "inLanguage": composed.language or settings.LANGUAGE_CODE,
        "wordCount": composed.word_count,
        "isAccessibleForFree": True,
        "digitalSourceType": DIGITAL_SOURCE_TYPE,
    }
    if composed.reading_time_minutes:
        data["timeRequired"] = f"PT{composed.reading_time_minutes}M"
    image = composed.image or {}
    if _http(image.get("url")):
        data["image"] = [{"@type": "ImageObject", "url": image["url"], "contentUrl": image["url"],
                          "caption": image.get("caption", ""), "creditText": image.get("credit", "")}]
    sources = source_urls(composed)
    if sources:
        data["isBasedOn"] = [source for source, _ in sources]
        data["citation"] = [{"@type": "NewsArticle", "url": source,
                             **({"publisher": {"@type": "Organization", "name": outlet}} if outlet else {})}
                            for source, outlet in sources]
    quotes = [q for q in composed.quotes if q.get("speaker") and q.get("text")]
    if quotes:
        data["hasPart"] = [_quotation(q) for q in quotes]
    return data


def _website_jsonld() -> dict:
    front = absolute_url(reverse("site:front"))
    return {"@context": "https://schema.org", "@type": "WebSite", "@id": f"{front}#website", "url": front,
            "name": settings.SITE_NAME, "publisher": _organization()}


def _topic_jsonld(kind: str, name: str) -> dict:
    url = absolute_url(topic_path(kind, name))
    return {"@context": "https://schema.org", "@type": "CollectionPage", "@id": url, "url": url,
            "name": f"{name} — {settings.SITE_NAME}", "about": {"@type": SCHEMA_TYPES.get(kind, "Thing"), "name": name},
            "isPartOf": {"@type": "WebSite", "name": settings.SITE_NAME, "url": absolute_url(reverse("site:front"))}}


def jsonld_script_text(data: dict) -> SafeString:
    """JSON for inside <script type="application/ld+json">: "<", ">" and "&" escaped, so it cannot close the element.

    A JSON-LD block is a data block, never executed, so a Content-Security-Policy without 'unsafe-inline' allows it.
    """
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES))  # noqa: S308 (escaped)


def meta_tags(request, *, title: str, description: str, url: str, image: dict | str | None = None,
              type: str = "article", published: datetime | None = None, modified: datetime | None = None
              ) -> list[tuple[str, str, str]]:
    """OpenGraph and Twitter card tags as (attribute, name, content): render as <meta {attr}="{name}" content="...">.

    `image` is a URL or a lead-image dict ({url, caption, credit}); only http(s) images are used.
    """
    description = _clip(description)
    image = image or {}
    image_url = _http(image if isinstance(image, str) else image.get("url"))
    image_alt = "" if isinstance(image, str) else image.get("caption", "")
    tags = [
        ("name", "description", description),
        ("property", "og:site_name", settings.SITE_NAME),
        ("property", "og:type", type),
        ("property", "og:title", title),
        ("property", "og:description", description),
        ("property", "og:url", url),
    ]
    if image_url:
        tags.append(("property", "og:image", image_url))
        if image_alt:
            tags.append(("property", "og:image:alt", _clip(image_alt)))
    if type == "article":
        if published:
            tags.append(("property", "article:published_time", _iso(published)))
        if modified:
            tags.append(("property", "article:modified_time", _iso(modified)))
    tags += [
        ("name", "twitter:card", "summary_large_image" if image_url else "summary"),
        ("name", "twitter:title", title),
        ("name", "twitter:description", description),
    ]
    if image_url:
        tags.append(("name", "twitter:image", image_url))
        if image_alt:
            tags.append(("name", "twitter:image:alt", _clip(image_alt)))
    return tags


def _feed_links(urls: dict[str, str], title: str) -> list[dict]:
    return [{"type": FEED_TYPES[fmt][0], "title": f"{title} ({FEED_TYPES[fmt][1]})", "href": href}
            for fmt, href in urls.items()]


def alternate_links(request, *, composed: ComposedStory | None = None, topic=None) -> list[dict]:
    """<link rel="alternate"> targets ({type, title, href}) for the page's feeds, the first one the page's own.

    Feed readers subscribe to the first link they find: on a topic page that is the topic's feed; on a story page the
    site's feed comes first (most readers want the news, not one story's corrections) and the story's updates after.
    """
    site = _feed_links(feed_urls("front"), settings.SITE_NAME)
    topic = _topic(topic)
    if topic:
        kind, name = topic
        return _feed_links(feed_urls("topic", kind=kind, name=name), f"{name} — {settings.SITE_NAME}") + site
    if composed is not None:
        return site + _feed_links(feed_urls("updates", story_id=composed.story_id),
                                  f"Updates to “{composed.shown_headline}”")
    return site


def page_meta(request, composed: ComposedStory | None = None, topic=None) -> dict:
    """The context `site/_meta.html` expects: canonical, meta, alternates, jsonld. One call per page.

    With `composed`: a story page; with `topic` ((kind, name)): a topic page; with neither: the front page.
    """
    topic = _topic(topic)
    if composed is not None:
        url = absolute_url(story_path(composed.story_id))
        description = composed.dek.get("text", "") if composed.dek else ""
        meta = meta_tags(request, title=composed.shown_headline, description=description, url=url,
                         image=composed.image or None, type="article", published=composed.published_at,
                         modified=composed.updated_at)
        jsonld = story_jsonld(request, composed)
    elif topic is not None:
        kind, name = topic
        url = absolute_url(topic_path(kind, name))
        meta = meta_tags(request, title=name, description=f"Stories about {name} on {settings.SITE_NAME}.",
                         url=url, type="website")
        jsonld = _topic_jsonld(kind, name)
    else:
        url = absolute_url(reverse("site:front"))
        meta = meta_tags(request, title=settings.SITE_NAME, url=url, type="website",
                         description=f"{settings.SITE_NAME}: the news, assembled by software from the reports of "
                                     f"the outlets it names, every sentence linked to its source.")
        jsonld = _website_jsonld()
    return {"canonical": url, "meta": meta, "alternates": alternate_links(request, composed=composed, topic=topic),
            "jsonld": jsonld_script_text(jsonld)}
