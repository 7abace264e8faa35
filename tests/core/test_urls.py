import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.provisional import urls

from sociose.core.urls import InvalidURL, canonicalize_url, same_site


@pytest.mark.parametrize("url, canonical", [
    ("HTTP://WWW.Example.COM:80/a//b?utm_source=x&id=3&fbclid=y#top", "http://www.example.com/a/b?id=3"),
    ("https://example.com:443", "https://example.com/"),
    ("https://example.com:8443/x?UTM_Medium=m&gclid=1", "https://example.com:8443/x"),
    ("https://example.com/caf%C3%A9?q=a+b", "https://example.com/caf%C3%A9?q=a%20b"),
    ("https://example.com/café", "https://example.com/caf%C3%A9"),
    ("https://bücher.de/", "https://xn--bcher-kva.de/"),
    ("https://example.com/p?b=2&a=1", "https://example.com/p?b=2&a=1"),  # order kept: some sites depend on it
])
def test_canonical_forms(url, canonical):
    assert canonicalize_url(url) == canonical


@pytest.mark.parametrize("url", ["ftp://example.com/", "javascript:alert(1)", "/relative", "http://", "http://[::1"])
def test_non_http_urls_are_refused(url):
    with pytest.raises(InvalidURL):
        canonicalize_url(url)


@settings(max_examples=300, deadline=None)
@given(urls())
def test_canonicalisation_is_idempotent_on_urls(url):
    canonical = canonicalize_url(url)
    assert canonicalize_url(canonical) == canonical


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_canonicalisation_of_any_text_is_idempotent_or_refused(text):
    try:
        canonical = canonicalize_url("http://example.com/" + text)
    except InvalidURL:
        return
    assert canonicalize_url(canonical) == canonical


def test_same_site():
    assert same_site("https://edition.cnn.com/a", "https://cnn.com/b")
    assert same_site("https://www.bbc.co.uk/a", "https://bbc.co.uk/b")
    assert not same_site("https://evil.co.uk/a", "https://bbc.co.uk/b")
    assert not same_site("https://notcnn.com/a", "https://cnn.com/b")
