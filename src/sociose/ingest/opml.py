"""Read and write OPML subscription lists, the format feed readers import and export."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from sociose.articles.draft import IngestError

FEED_TYPES = {"rss", "atom"}  # outlines with another type ("link", "include") are not feeds

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_NOT_XML_CHARS = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class OpmlFeed:
    """One subscription; category is the title of the folder it sits in ("" at the top level)."""

    xml_url: str
    title: str = ""
    html_url: str = ""
    category: str = ""


def _parser() -> etree.XMLParser:
    # No entity expansion, no DTD or network fetches, libxml2's default size limits: no XXE, no billion laughs.
    return etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, dtd_validation=False
    )


def read_opml(data: bytes | str | Path) -> list[OpmlFeed]:
    """Return the feeds in an OPML document, in document order, each feed URL once."""
    if isinstance(data, Path):
        try:
            data = data.read_bytes()
        except OSError as exc:
            raise IngestError(f"{data}: cannot open: {exc.strerror or exc}") from exc
    if isinstance(data, str):
        data = _XML_DECLARATION.sub("", data, count=1)  # lxml refuses str input that declares an encoding
    try:
        root = etree.fromstring(data, _parser())
    except (etree.LxmlError, ValueError) as exc:  # ValueError: str input lxml cannot take
        raise IngestError(f"not well-formed XML: {exc}") from exc
    if root is None or root.tag != "opml":
        raise IngestError("not an OPML document (the root element is not <opml>)")
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise IngestError("OPML documents may not declare entities")
    body = root.find("body")
    if body is None:
        raise IngestError("OPML document without <body>")
    feeds: dict[str, OpmlFeed] = {}
    _collect(body, "", feeds)
    return list(feeds.values())


def _collect(parent: etree._Element, category: str, feeds: dict[str, OpmlFeed]) -> None:
    for outline in parent.iterchildren("outline"):
        attrs = {str(name).lower(): value.strip() for name, value in outline.attrib.items()}  # xmlUrl, xmlurl...
        title = attrs.get("title") or attrs.get("text", "")
        xml_url = attrs.get("xmlurl", "")
        if xml_url and (attrs.get("type") or "rss").lower() in FEED_TYPES:
            feeds.setdefault(xml_url, OpmlFeed(xml_url, title, attrs.get("htmlurl", ""), category))
        elif not xml_url:
            _collect(outline, title or category, feeds)  # a folder


def write_opml(feeds: Iterable[OpmlFeed], title: str) -> str:
    """Return an OPML 2.0 document with one folder per category, in the order categories first appear."""
    root = etree.Element("opml", version="2.0")
    etree.SubElement(etree.SubElement(root, "head"), "title").text = _xml_text(title)
    body = etree.SubElement(root, "body")
    folders: dict[str, etree._Element] = {}
    for feed in feeds:
        parent = body
        if feed.category:
            if feed.category not in folders:
                folders[feed.category] = etree.SubElement(body, "outline", text=_xml_text(feed.category))
            parent = folders[feed.category]
        outline = etree.SubElement(parent, "outline", type="rss", text=_xml_text(feed.title))
        outline.set("title", _xml_text(feed.title))
        outline.set("xmlUrl", _xml_text(feed.xml_url))
        if feed.html_url:
            outline.set("htmlUrl", _xml_text(feed.html_url))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="unicode", pretty_print=True)


def _xml_text(value: str) -> str:
    return _NOT_XML_CHARS.sub("", value)  # control characters cannot appear in XML 1.0 at all
