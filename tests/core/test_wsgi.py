"""The WSGI application's own HEAD handling, for the responses Sociose's pages do not make today (real servers:
tests/core/test_serve.py)."""

from sociose.wsgi import head_without_body


def _lazy_streaming_app(environ, start_response):
    """A generator app: start_response runs at the first iteration, and no Content-Length is known."""
    start_response("200 OK", [("Content-Type", "text/plain")])
    yield b"hello "
    yield b"world"


def test_head_to_a_streamed_response_gets_the_length_and_no_body():
    calls = []
    body = head_without_body(_lazy_streaming_app)({"REQUEST_METHOD": "HEAD"}, lambda *a: calls.append(a))
    assert list(body) == []
    assert calls == [("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "11")], None)]


def test_get_is_passed_through_untouched():
    calls = []
    body = head_without_body(_lazy_streaming_app)({"REQUEST_METHOD": "GET"}, lambda *a: calls.append(a))
    assert b"".join(body) == b"hello world" and calls[0][1] == [("Content-Type", "text/plain")]
