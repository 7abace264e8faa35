import pytest
from django.urls import reverse

from sociose.articles.actions import do_store_article
from sociose.ingest.draft import ArticleDraft

pytestmark = pytest.mark.django_db


def test_front_page_lists_articles_and_article_page_escapes_outside_text(client):
    hostile = "<script>alert(1)</script> Storm hits coast"
    article = do_store_article(ArticleDraft(url="https://news.example/storm", title=hostile,
                                            text="First paragraph.\n\nSecond <b>paragraph</b>.",
                                            license="CC BY 2.5"), via="file").article
    front = client.get(reverse("site:front"))
    assert front.status_code == 200
    assert b"&lt;script&gt;alert(1)&lt;/script&gt; Storm hits coast" in front.content
    assert b"<script>alert" not in front.content
    page = client.get(reverse("site:article", args=[article.id]))
    assert page.status_code == 200
    assert page.content.count(b"<p>First paragraph.</p>") == 1
    assert b"Second &lt;b&gt;paragraph&lt;/b&gt;." in page.content
    assert b'href="https://news.example/storm"' in page.content and b"CC BY 2.5" in page.content


def test_about_page_shows_the_demo_attribution(client):
    page = client.get(reverse("site:about"))
    assert page.status_code == 200 and b"Wikinews" in page.content and b"CC BY 2.5" in page.content


def test_missing_article_is_404(client):
    assert client.get(reverse("site:article", args=[999999])).status_code == 404
