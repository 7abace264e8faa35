import random

import pytest

from sociose.articles.actions import do_store_article
from sociose.articles.draft import ArticleDraft, IngestError
from sociose.articles.models import Article
from tests.factories import giveme_articles

pytestmark = pytest.mark.django_db


def draft(url, title="A title", text="", **kwargs):
    return ArticleDraft(url=url, title=title, text=text, **kwargs)


def test_same_article_stored_once_whatever_the_tracking_parameters():
    first = do_store_article(draft("https://news.example/a/1?utm_source=rss"), via="feed")
    again = do_store_article(draft("HTTPS://NEWS.EXAMPLE/a/1?fbclid=x#comments"), via="page")
    assert first.created and not again.created and again.article == first.article
    assert Article.objects.get().canonical_url == "https://news.example/a/1"


def test_rel_canonical_is_honoured_on_the_same_site_only():
    amp = do_store_article(draft("https://m.news.example/amp/1", canonical_url="https://news.example/1"), via="page")
    assert amp.article.canonical_url == "https://news.example/1"
    assert not do_store_article(draft("https://news.example/1"), via="feed").created

    hijack = do_store_article(draft("https://evil.example/x", canonical_url="https://news.example/2"), via="page")
    assert hijack.article.canonical_url == "https://evil.example/x"
    assert do_store_article(draft("https://news.example/2"), via="feed").created


def test_same_text_at_another_url_of_the_same_outlet_is_stored_once():
    text = giveme_articles(1)[0]["text"]
    assert do_store_article(draft("https://news.example/story", text=text), via="feed").created
    assert not do_store_article(draft("https://news.example/story-print-version", text=text), via="page").created


def test_draft_without_title_or_with_a_bad_url_is_refused():
    with pytest.raises(IngestError):
        do_store_article(draft("https://news.example/x", title="  "), via="feed")
    with pytest.raises(IngestError):
        do_store_article(draft("javascript:alert(1)"), via="feed")


def edited_copy(text: str, seed: int) -> str:
    """A wire story as a second outlet republishes it: a new first line, a dropped paragraph, a few words changed."""
    rng = random.Random(seed)
    paragraphs = [p for p in text.split("\n") if p.strip()]
    del paragraphs[rng.randrange(1, len(paragraphs))]
    words = "\n".join(paragraphs).split(" ")
    for _ in range(5):
        words[rng.randrange(len(words))] = "edited"
    return "LONDON (Wire) -\n" + " ".join(words)


def test_wire_reprints_link_to_the_first_copy_and_independent_reports_do_not():
    long_reports = [r for r in giveme_articles() if len(r["text"].split()) >= 300]
    wire, other = long_reports[0], long_reports[-1]
    original = do_store_article(draft("https://wire.example/story", title=wire["title"], text=wire["text"]),
                                via="feed").article
    reprints = [
        do_store_article(draft(f"https://paper{n}.example/news/1", title=wire["title"],
                               text=edited_copy(wire["text"], n)), via="feed").article
        for n in range(3)
    ]
    independent = do_store_article(draft("https://paper9.example/news/2", title=other["title"], text=other["text"]),
                                   via="feed").article
    assert original.reprint_of is None
    assert [r.reprint_of_id for r in reprints] == [original.id] * 3
    assert independent.reprint_of is None
