"""Page bytes as text: a BOM, then UTF-8 (kept despite a few stray bytes), then the page's own XML declaration or
<meta charset>, then the HTTP charset, then the legacy code page of the page's language or country, then detection.
Bytes that start with a binary file's signature (an image, a PDF, an archive) are refused with IngestError; page.py
runs the same check on a page given as text.
"""

from __future__ import annotations

import codecs
import re
from urllib.parse import urlsplit

from trafilatura.utils import detect_encoding

from sociose.articles.draft import IngestError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BINARY_SIGNATURES = (
    (b"\x89PNG", "a PNG image"), (b"GIF8", "a GIF image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"RIFF", "a RIFF file (WebP, WAV, AVI)"), (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a zip archive"),
    (b"\x1f\x8b", "gzip-compressed data"), (b"BZh", "bzip2-compressed data"), (b"\xfd7zXZ", "xz-compressed data"),
    (b"(\xb5/\xfd", "zstd-compressed data"), (b"7z\xbc\xaf", "a 7-Zip archive"), (b"Rar!", "a RAR archive"),
    (b"\xd0\xcf\x11\xe0", "an MS Office document"), (b"\x7fELF", "an executable"), (b"\x00asm", "WebAssembly"),
    (b"OggS", "Ogg media"), (b"ID3", "an MP3 file"), (b"wOF", "a web font"), (b"SQLite format 3", "a database"),
)
# Single-byte labels browsers read as windows-1252 (WHATWG Encoding), and a few supersets
_CODEC_ALIASES = {
    "ascii": "cp1252", "iso8859-1": "cp1252", "latin-1": "cp1252", "iso8859-9": "cp1254", "iso8859-11": "cp874",
    "tis-620": "cp874", "gb2312": "gb18030", "gbk": "gb18030", "shift_jis": "cp932", "euc_kr": "cp949",
    "big5": "big5hkscs",
}
# Where a page declares no charset: the legacy single-byte code page of its language, as browsers guess it
_LEGACY_CODEC = {
    **dict.fromkeys(("cs", "sk", "pl", "hu", "sl", "hr", "bs", "ro", "sq"), "cp1250"),
    **dict.fromkeys(("ru", "uk", "bg", "be", "sr", "mk"), "cp1251"),
    "el": "cp1253", "tr": "cp1254", "az": "cp1254", "he": "cp1255", "iw": "cp1255", "ar": "cp1256", "fa": "cp1256",
    "ur": "cp1256", "lt": "cp1257", "lv": "cp1257", "et": "cp1257", "vi": "cp1258", "th": "cp874",
    **dict.fromkeys(("en", "fr", "de", "es", "it", "pt", "nl", "da", "sv", "no", "nb", "nn", "fi", "is", "ga", "ca",
                     "eu", "gl", "af", "id", "ms", "sw", "lb", "rm", "fo", "gd", "cy", "br", "oc", "la"), "cp1252"),
}
_LEGACY_TLD = {
    **dict.fromkeys(("cz", "sk", "pl", "hu", "si", "hr", "ba", "ro", "al"), "cp1250"),
    **dict.fromkeys(("ru", "ua", "bg", "by", "rs", "mk", "su"), "cp1251"),
    "gr": "cp1253", "tr": "cp1254", "az": "cp1254", "il": "cp1255", "lt": "cp1257", "lv": "cp1257", "ee": "cp1257",
    "vn": "cp1258", "th": "cp874",
}
# Detectors cannot tell these Latin code pages apart on short texts; browsers default to windows-1252
_LATIN_LOOKALIKES = frozenset({
    "cp1250", "cp1252", "cp1254", "cp1257", "iso8859-2", "iso8859-3", "iso8859-4", "iso8859-9", "iso8859-10",
    "iso8859-13", "iso8859-14", "iso8859-15", "iso8859-16", "mac-latin2", "mac-roman", "mac-iceland", "mac-turkish",
    "cp437", "cp775", "cp850", "cp852", "cp858", "cp1125", "hp-roman8",
})
_HTML_LANG = re.compile(rb"""<html[^>]{0,300}?\blang\s*=\s*["']?\s*([A-Za-z]{2,3})\b""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{2,40})""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9._:-]{2,40})""", re.IGNORECASE)


def decode_html(data: bytes, charset: str | None = None, url: str = "") -> str:
    """HTML bytes as text: BOM, then valid UTF-8, then the page's declared charset, then `charset` (the HTTP
    header's, often missing or wrong), then the legacy code page of the page's language or country, then
    detection. Refuses binary data."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(codec, errors="replace")
    refuse_binary_signature(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # mostly UTF-8 with a few stray bytes (pasted windows-1252 quotes): keep the UTF-8 reading
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    if non_ascii - bad >= 4 * bad:
        return text
    head = data[:16384]
    declared = [m.group(1) for m in (_XML_ENCODING.search(head), _META_CHARSET.search(head)) if m]
    for label in [*declared, charset or ""]:
        codec = _codec(label.encode("ascii", "ignore") if isinstance(label, str) else label)
        if codec and codec != "utf-8":
            text = _decode_tolerantly(data, codec)
            if text is not None:
                return text
    language = _HTML_LANG.search(head)
    hinted = _LEGACY_CODEC.get(language.group(1).decode().lower()) if language else None
    hinted = hinted or _LEGACY_TLD.get(_top_level_domain(url))
    if hinted:
        text = _decode_tolerantly(data, hinted)
        if text is not None:
            return text
    guesses = [c for c in (_codec(g.encode("ascii", "ignore")) for g in detect_encoding(data)) if c]
    if guesses and guesses[0] in _LATIN_LOOKALIKES:
        guesses.insert(0, "cp1252")
    for codec in guesses:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode("cp1252", errors="replace")


def _codec(label: bytes) -> str | None:
    try:
        name = codecs.lookup(label.decode("ascii").strip().lower()).name
    except (LookupError, UnicodeDecodeError, ValueError):
        return None
    if name.startswith(("utf-16", "utf-32")):  # only a BOM can say so; a <meta> saying it is wrong
        return None
    return _CODEC_ALIASES.get(name, name)


def _top_level_domain(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").rsplit(".", 1)[-1]
    except ValueError:
        return ""


def _decode_tolerantly(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        pass
    except LookupError:
        return None
    text = data.decode(codec, errors="replace")
    # a declared charset with a handful of bytes it does not define is still the right one
    return text if text.count("\ufffd") <= 2 + len(text) // 1000 else None


def refuse_binary_signature(head: bytes) -> None:
    for signature, kind in _BINARY_SIGNATURES:
        if head.startswith(signature):
            raise IngestError(f"binary data ({kind}), not an HTML page")
