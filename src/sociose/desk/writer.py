"""The optional fluency writer: an OpenAI-compatible model rewrites the extractive body, and the rewrite is kept
only if a conservative check finds every output sentence supported by the input sentences it cites.

Off unless `writer_url` is set (e.g. http://127.0.0.1:8080/v1 for llama.cpp, vLLM or Ollama). `rewrite_body()`
sends the body's sentences, numbered 1..n in reading order, to `{writer_url}/chat/completions` and asks for strict
JSON: `{"paragraphs": [[{"text": "...", "cites": [1, 2]}, ...], ...]}`. The rewrite is accepted only if

- every output sentence cites at least one valid input id, and every input sentence is cited somewhere (nothing the
  extractive body said is dropped);
- every content word of an output sentence (light stemming; function words excepted, but never negations, modals
  or words such as "before"/"after") appears in the sentences it cites; every number appears there as a number;
  every capitalised word past the first (a name) appears there with the same capitals;
- every quotation (text between double quotes, or ‘...’) is verbatim in a cited input sentence, in the cited
  article's text (`sources`), and within one of the story's named `quotes`; quote marks must balance.

Anything else (not configured, connection error, timeout, HTTP error, bad JSON, a failed check) returns None and the
caller keeps the extractive body. Why a rewrite was rejected is logged at INFO.

Shape of an accepted body: the same list of paragraphs of sentence dicts as the extractive body, so the templates
and the API keep working. Each sentence dict is a copy of its first cited input sentence (article, source_url,
outlet, start, end, source_hash: the passage its footnote links to) with

    text        the rewritten sentence
    inserted    []  (bracketed insertions belong to the extractive text; the rewrite has none of its own)
    rewritten   True
    based_on    [{article, start, end, source_url, outlet} for every cited input sentence, in citation order]

A rewritten sentence therefore does not satisfy `compose.check_provenance` (its text is not the source span); use
`rewritten` to tell the two kinds apart.
"""

from __future__ import annotations

import json
import logging
import re
import time

import httpx
from django.conf import settings

logger = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 2_000_000  # a body of ~800 words comes back in a few kilobytes; more is a runaway model

SYSTEM_PROMPT = """You are a copy editor. You rewrite a news story's body so that it reads fluently, as one \
story rather than sentences from several reports. Rules:
- Keep every fact of every input sentence; add nothing that no input sentence says: no new names, numbers, dates, \
places, causes or judgements.
- Do not paraphrase quotations: copy any text in quotation marks exactly, or report it without quotation marks.
- For each output sentence, cite the ids of the input sentences it is based on.
- Reply with JSON only, in exactly this shape:
{"paragraphs": [[{"text": "an output sentence", "cites": [1, 2]}, ...], ...]}"""

# Words a fluent rewrite may add or drop without changing a fact. Negations, modals, quantifiers and words that
# order events ("before", "after", "until") are deliberately not here: adding one can change what a sentence says.
FUNCTION_WORDS = frozenset((
    "a an the and or but so yet also too then thus as than of to in on at by for from with into onto upon within "
    "about via i me my we us our you your he him his she her hers they them their theirs it its itself himself "
    "herself themselves this that these those there here which who whom whose what where when while is are was "
    "were be been being am has have had having do does did done s"
).split())

_WORD = re.compile(r"\d++(?:[.,:/]\d++)*|[^\W\d_]++(?:['’][^\W\d_]++)*")
_NUMBER = re.compile(r"\d++(?:[.,:/]\d++)*")
_QUOTE = re.compile(r"\"([^\"]*)\"|“([^”“]*)”|(?<!\w)‘(.+?)’(?!\w)")  # ’ inside a word is an apostrophe
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


class Rejected(ValueError):
    """A rewrite that cannot be used; the message says why."""


def is_configured() -> bool:
    return bool(settings.SOCIOSE.get("writer_url"))


def rewrite_body(body: list[list[dict]], sources: dict[int, str], quotes: list[dict]) -> list[list[dict]] | None:
    """The body rewritten for fluency with provenance (see the module docstring), or None to keep it extractive."""
    if not is_configured():
        return None
    inputs = {n: sentence for n, sentence in enumerate((s for p in body for s in p), start=1)}
    if not inputs:
        return None
    try:
        reply = _ask(body)
        return _accept(_parse(reply), inputs, sources, quotes)
    except (httpx.HTTPError, Rejected) as error:
        logger.info("fluency writer: keeping the extractive body (%s: %s)", type(error).__name__, error)
        return None
    except Exception:  # the writer is optional: a bug in it must never stop a story from being composed
        logger.warning("fluency writer failed; keeping the extractive body", exc_info=True)
        return None


def _ask(body: list[list[dict]]) -> str:
    """POST the numbered sentences; the model's reply text."""
    options = settings.SOCIOSE
    numbered, n = [], 0
    for paragraph in body:
        numbered.append([])
        for sentence in paragraph:
            n += 1
            numbered[-1].append({"id": n, "text": sentence["text"]})
    payload = {
        "messages": [{"role": "system", "content": SYSTEM_PROMPT},
                     {"role": "user", "content": json.dumps({"paragraphs": numbered}, ensure_ascii=False)}],
        "temperature": 0,
        "response_format": {"type": "json_object"},
    }
    if options.get("writer_model"):
        payload["model"] = options["writer_model"]
    headers = {"Authorization": f"Bearer {options['writer_api_key']}"} if options.get("writer_api_key") else {}
    timeout = float(options.get("writer_timeout") or 60)
    deadline = time.monotonic() + timeout
    # httpx directly, not sources.fetch: that module fetches publishers' pages under robots.txt, politeness delays
    # and a private-address block; this endpoint is the operator's own model server, often on 127.0.0.1. httpx's
    # timeout bounds each phase (connect, send, each read); the deadline, checked between chunks, also stops a reply
    # that trickles in for longer than `writer_timeout`.
    url = options["writer_url"].rstrip("/") + "/chat/completions"
    with (httpx.Client(timeout=timeout, follow_redirects=False) as client,
          client.stream("POST", url, json=payload, headers=headers) as response):
        response.raise_for_status()
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                raise Rejected(f"reply larger than {MAX_RESPONSE_BYTES} bytes")
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout(f"reply took longer than {timeout} s")
            chunks.append(chunk)
    try:
        content = json.loads(b"".join(chunks))["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise Rejected(f"not a chat completion: {error!r}") from None
    if not isinstance(content, str):
        raise Rejected("the completion has no text")
    return content


def _parse(content: str) -> list[list[dict]]:
    """The model's JSON: paragraphs of {text, cites}; anything else is rejected."""
    fenced = _FENCE.match(content)
    try:
        data = json.loads(fenced.group(1) if fenced else content)
    except ValueError as error:
        raise Rejected(f"bad JSON: {error}") from None
    paragraphs = data.get("paragraphs") if isinstance(data, dict) else None
    if not isinstance(paragraphs, list) or not paragraphs:
        raise Rejected("no paragraphs")
    for paragraph in paragraphs:
        if not isinstance(paragraph, list) or not paragraph:
            raise Rejected("a paragraph is not a non-empty list")
        for sentence in paragraph:
            if not (isinstance(sentence, dict) and isinstance(sentence.get("text"), str) and sentence["text"].strip()
                    and isinstance(sentence.get("cites"), list)):
                raise Rejected(f"a sentence is not {{text, cites}}: {sentence!r:.200}")
    return paragraphs


def _accept(paragraphs: list[list[dict]], inputs: dict[int, dict], sources: dict[int, str],
            quotes: list[dict]) -> list[list[dict]]:
    """Check every output sentence against the input sentences it cites; the body with provenance."""
    cited_anywhere: set[int] = set()
    result = []
    for paragraph in paragraphs:
        result.append([])
        for sentence in paragraph:
            text = " ".join(sentence["text"].split())
            cites = list(dict.fromkeys(sentence["cites"]))
            if not cites or any(type(c) is not int or c not in inputs for c in cites):
                raise Rejected(f"invalid cites {sentence['cites']!r} for {text!r}")
            cited = [inputs[c] for c in cites]
            _check_supported(text, cited)
            _check_quotes(text, cited, sources, quotes)
            cited_anywhere.update(cites)
            first = cited[0]
            result[-1].append({**first, "text": text, "inserted": [], "rewritten": True,
                               "based_on": [{key: s.get(key) for key in ("article", "start", "end", "source_url",
                                                                         "outlet")} for s in cited]})
    missing = sorted(set(inputs) - cited_anywhere)
    if missing:
        raise Rejected(f"input sentences {missing} are cited by no output sentence")
    return result


def _stem(word: str) -> str:
    word = word.lower().replace("’", "'")
    word = word.removesuffix("'s")
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def _number(token: str) -> str:
    return token.replace(",", "")


def _check_supported(text: str, cited: list[dict]) -> None:
    """Every content word, number and name of `text` appears in the cited sentences."""
    source_text = " ".join(s["text"] for s in cited)
    source_tokens = _WORD.findall(source_text)
    stems = {_stem(t) for t in source_tokens}
    numbers = {_number(t) for t in source_tokens if _NUMBER.fullmatch(t)}
    exact = {t.replace("’", "'") for t in source_tokens}
    for position, token in enumerate(_WORD.findall(text)):
        if _NUMBER.fullmatch(token):
            if _number(token) not in numbers:
                raise Rejected(f"number {token!r} is in none of the cited sentences: {text!r}")
            continue
        lowered = token.lower().replace("’", "'")
        if lowered in FUNCTION_WORDS:
            continue
        if _stem(token) not in stems:
            raise Rejected(f"word {token!r} is in none of the cited sentences: {text!r}")
        if position > 0 and token[0].isupper() and token.replace("’", "'") not in exact:
            raise Rejected(f"name {token!r} is in none of the cited sentences: {text!r}")


def _plain(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("‘", "'").split())


def _check_quotes(text: str, cited: list[dict], sources: dict[int, str], quotes: list[dict]) -> None:
    """Every quotation in `text` is verbatim in a cited sentence, in its article and in a named quote."""
    if text.count('"') % 2 or text.count("“") != text.count("”"):
        raise Rejected(f"unbalanced quote marks: {text!r}")
    named = [_plain(q["text"]) for q in quotes]
    for match in _QUOTE.finditer(text):
        inner = _plain(next(g for g in match.groups() if g is not None)).strip(" ,.;:")
        if not inner:
            raise Rejected(f"empty quotation: {text!r}")
        if not any(inner in _plain(s["text"]) and inner in _plain(sources.get(s.get("article"), ""))
                   for s in cited):
            raise Rejected(f"quotation {inner!r} is not verbatim in a cited sentence: {text!r}")
        if not any(inner in quote for quote in named):
            raise Rejected(f"quotation {inner!r} is not one of the story's named quotes: {text!r}")
