"""The optional fluency writer against a real OpenAI-compatible endpoint on 127.0.0.1: off by default, a faithful
rewrite kept with its provenance, anything unsupported or failing falling back to the extractive body."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from sociose.articles.actions import do_store_article
from sociose.articles.draft import ArticleDraft
from sociose.articles.models import Article
from sociose.desk.actions import compose_story
from sociose.desk.models import ComposedStory
from sociose.desk.quotes import extract_quotes
from sociose.desk.writer import rewrite_body
from sociose.stories.actions import assign_story
from sociose.stories.models import Story
from tests.localserver import closed_port

FLOOD = ("Floods hit the river town of Easton after three days of rain. The mayor of Easton, Ann Berry, said 40 homes "
         "were evacuated on Monday. \"We have never seen the water this high,\" Berry said. Rescue teams from two "
         "neighbouring counties arrived in the evening.")
ARTICLE = 7
SOURCES = {ARTICLE: FLOOD}
QUOTES = [{"text": q.text, "speaker": q.speaker, "article": ARTICLE} for q in extract_quotes(FLOOD)]


def _sentence(text: str) -> dict:
    start = FLOOD.index(text)
    return {"text": text, "article": ARTICLE, "source_url": "https://easton.example/flood", "outlet": "Easton Daily",
            "start": start, "end": start + len(text), "source_hash": "h", "inserted": []}


BODY = [[_sentence("Floods hit the river town of Easton after three days of rain."),
         _sentence("The mayor of Easton, Ann Berry, said 40 homes were evacuated on Monday."),
         _sentence("\"We have never seen the water this high,\" Berry said.")],
        [_sentence("Rescue teams from two neighbouring counties arrived in the evening.")]]

FAITHFUL = {"paragraphs": [
    [{"text": "After three days of rain, floods hit the river town of Easton, where the mayor, Ann Berry, said 40 "
              "homes were evacuated on Monday.", "cites": [1, 2]},
     {"text": "\"We have never seen the water this high,\" Berry said.", "cites": [3]}],
    [{"text": "In the evening, rescue teams arrived from two neighbouring counties.", "cites": [4]}],
]}


def _completion(content: str) -> bytes:
    return json.dumps({"id": "c1", "object": "chat.completion", "model": "m",
                       "choices": [{"index": 0, "finish_reason": "stop",
                                    "message": {"role": "assistant", "content": content}}]}).encode()


class Endpoint:
    """/v1/chat/completions on the local server: records the JSON requests, answers with `reply(request)`."""

    def __init__(self, local_server, reply):
        self.received: list[dict] = []
        self.reply = reply
        local_server.route("/v1/chat/completions", handler=self._handle)

    def _handle(self, request) -> None:
        self.received.append(json.loads(request.rfile.read(int(request.headers["Content-Length"]))))
        body = _completion(self.reply(self.received[-1]))
        request.send_response(200)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)


@pytest.fixture
def writer(settings, local_server):
    settings.SOCIOSE = {**settings.SOCIOSE, "writer_url": local_server.url("/v1/"), "writer_model": "small-model",
                        "writer_api_key": "k3y", "writer_timeout": 5.0}
    return settings.SOCIOSE


def _replying(paragraphs: list[list[dict]]):
    return lambda request: json.dumps({"paragraphs": paragraphs})


def test_off_by_default_no_request_is_made(settings, local_server):
    assert settings.SOCIOSE["writer_url"] == ""
    assert rewrite_body(BODY, SOURCES, QUOTES) is None
    assert local_server.requests == []


def test_a_faithful_rewrite_is_kept_with_its_provenance(writer, local_server):
    endpoint = Endpoint(local_server, lambda request: json.dumps(FAITHFUL))
    body = rewrite_body(BODY, SOURCES, QUOTES)
    assert [[s["text"] for s in p] for p in body] == [[s["text"] for s in p] for p in FAITHFUL["paragraphs"]]
    first = body[0][0]
    assert first["rewritten"] is True and first["inserted"] == []
    # the footnote still points at the first cited passage; based_on names every cited passage
    assert {k: first[k] for k in ("article", "start", "end", "source_url", "outlet", "source_hash")} == {
        k: BODY[0][0][k] for k in ("article", "start", "end", "source_url", "outlet", "source_hash")}
    assert first["based_on"] == [{k: s[k] for k in ("article", "start", "end", "source_url", "outlet")}
                                 for s in BODY[0][:2]]
    for cited in first["based_on"]:
        assert FLOOD[cited["start"]:cited["end"]] in {s["text"] for p in BODY for s in p}
    # what was asked: numbered sentences, the model, strict JSON; the key as a bearer token
    (request,) = endpoint.received
    assert request["model"] == "small-model" and request["response_format"] == {"type": "json_object"}
    sent = json.loads(request["messages"][-1]["content"])
    assert sent["paragraphs"][1] == [{"id": 4, "text": BODY[1][0]["text"]}]
    (recorded,) = local_server.requests_to("/v1/chat/completions")
    assert recorded.method == "POST" and recorded.header("Authorization") == "Bearer k3y"


def test_a_reply_in_a_code_fence_is_read(writer, local_server):
    Endpoint(local_server, lambda request: "```json\n" + json.dumps(FAITHFUL) + "\n```")
    assert rewrite_body(BODY, SOURCES, QUOTES) is not None


UNSUPPORTED = {  # case: (the bad sentence, why it is rejected)
    "a new number": ("The mayor of Easton, Ann Berry, said 45 homes were evacuated on Monday.", [2], "number '45'"),
    "a new name": ("Ann Berry and Smith said 40 homes were evacuated on Monday.", [2], "word 'Smith'"),
    "a word capitalised into a name": ("The Mayor of Easton said 40 homes were evacuated.", [2], "name 'Mayor'"),
    "a new word": ("Floods devastated the river town of Easton after three days of rain.", [1], "word 'devastated'"),
    "a negation": ("Floods did not hit the river town of Easton after three days of rain.", [1], "word 'not'"),
    "a fact from a sentence it does not cite": (
        "Floods hit the river town of Easton on Monday after three days of rain.", [1], "word 'Monday'"),
    "no citation": ("Floods hit the river town of Easton after three days of rain.", [], "invalid cites"),
    "an unknown id": ("Floods hit the river town of Easton after three days of rain.", [99], "invalid cites"),
    "a paraphrased quote": ("\"We had never seen water this high,\" Berry said.", [3], "not verbatim"),
    "a quote of words that were not quoted": (
        "Floods hit the \"river town\" of Easton after three days of rain.", [1], "not one of the story's named quotes"),
    "unbalanced quote marks": ("\"We have never seen the water this high, Berry said.", [3], "unbalanced"),
}
REST = [{"text": BODY[0][0]["text"], "cites": [1]}, {"text": BODY[0][1]["text"], "cites": [2]},
        FAITHFUL["paragraphs"][0][1]] + FAITHFUL["paragraphs"][1]


@pytest.mark.parametrize("case", list(UNSUPPORTED))
def test_a_rewrite_with_anything_unsupported_is_rejected(writer, local_server, caplog, case):
    text, cites, reason = UNSUPPORTED[case]
    Endpoint(local_server, _replying([[{"text": text, "cites": cites}] + REST]))
    with caplog.at_level("INFO", logger="sociose.desk.writer"):
        assert rewrite_body(BODY, SOURCES, QUOTES) is None
    assert reason in caplog.text
    assert len(local_server.requests_to("/v1/chat/completions")) == 1


def test_the_same_reply_without_the_bad_sentence_is_kept(writer, local_server):
    """The cases above fail because of their one bad sentence, not because of the sentences around it."""
    Endpoint(local_server, _replying([REST]))
    assert rewrite_body(BODY, SOURCES, QUOTES) is not None


def test_a_verbatim_quote_that_is_not_a_named_quote_is_rejected(writer, local_server):
    Endpoint(local_server, lambda request: json.dumps(FAITHFUL))
    assert rewrite_body(BODY, SOURCES, quotes=[]) is None


def test_a_rewrite_that_drops_a_sentence_is_rejected(writer, local_server):
    Endpoint(local_server, _replying(FAITHFUL["paragraphs"][:1]))
    assert rewrite_body(BODY, SOURCES, QUOTES) is None


def _status(status: int, body: bytes):
    def handle(request) -> None:
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)
    return handle


@pytest.mark.parametrize("content", ["Sure! Here is the story, rewritten.", "{\"paragraphs\": [[{\"text\": 1}]]}",
                                     "[]", "{\"paragraphs\": []}"])
def test_bad_json_falls_back(writer, local_server, content):
    Endpoint(local_server, lambda request: content)
    assert rewrite_body(BODY, SOURCES, QUOTES) is None


@pytest.mark.parametrize("status, body", [(500, b'{"error": "model crashed"}'), (200, b"not json"),
                                          (200, b'{"choices": []}'), (404, b"")])
def test_http_errors_and_odd_replies_fall_back(writer, local_server, status, body):
    local_server.route("/v1/chat/completions", handler=_status(status, body))
    assert rewrite_body(BODY, SOURCES, QUOTES) is None
    assert len(local_server.requests_to("/v1/chat/completions")) == 1


def test_a_timeout_falls_back(writer, local_server, settings):
    settings.SOCIOSE = {**settings.SOCIOSE, "writer_timeout": 0.3}
    local_server.route("/v1/chat/completions", handler=lambda request: local_server.hang())
    assert rewrite_body(BODY, SOURCES, QUOTES) is None
    assert len(local_server.requests_to("/v1/chat/completions")) == 1


def test_a_server_that_is_not_running_falls_back(writer, settings):
    settings.SOCIOSE = {**settings.SOCIOSE, "writer_url": f"http://127.0.0.1:{closed_port()}/v1"}
    assert rewrite_body(BODY, SOURCES, QUOTES) is None


# -- compose_story ------------------------------------------------------------------------------------------------

def _flood_story() -> Story:
    draft = ArticleDraft(url="https://easton.example/flood", title="Floods hit Easton", text=FLOOD,
                         published_at=timezone.now() - timedelta(hours=1))
    article = do_store_article(draft, via="file").article
    assign_story(Article.objects.select_related("outlet").get(id=article.id))
    return Story.objects.get(memberships__article=article)


def _identity_rewrite(request: dict) -> str:
    """Each sentence as it came, citing itself: the simplest rewrite that passes the check."""
    paragraphs = json.loads(request["messages"][-1]["content"])["paragraphs"]
    return json.dumps({"paragraphs": [[{"text": s["text"], "cites": [s["id"]]} for s in p] for p in paragraphs]})


@pytest.mark.django_db
def test_compose_story_stores_an_accepted_rewrite(writer, local_server):
    endpoint = Endpoint(local_server, _identity_rewrite)
    story = _flood_story()
    revision = compose_story(story)
    body = ComposedStory.objects.get(story=story).body
    assert len(endpoint.received) == 1
    sentences = [s for p in body for s in p]
    assert sentences and all(s["rewritten"] for s in sentences)
    assert all(FLOOD[s["start"]:s["end"]] in FLOOD and s["based_on"][0]["article"] == s["article"] for s in sentences)
    assert revision.snapshot["body"] == [" ".join(s["text"] for s in p) for p in body]


@pytest.mark.django_db
def test_compose_story_keeps_the_extractive_body_when_the_writer_fails(writer, local_server):
    local_server.route("/v1/chat/completions", handler=_status(500, b"{}"))
    story = _flood_story()
    compose_story(story)
    body = ComposedStory.objects.get(story=story).body
    assert body and not any(s.get("rewritten") for p in body for s in p)
    assert len(local_server.requests_to("/v1/chat/completions")) == 1


@pytest.mark.django_db
def test_compose_story_with_the_writer_off_makes_no_request(local_server):
    story = _flood_story()
    compose_story(story)
    assert ComposedStory.objects.get(story=story).body
    assert local_server.requests == []
