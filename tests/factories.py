"""Small builders for test data: news articles from ../shared/data, and the pages and feeds that carry them."""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
GIVEME = SHARED_DATA / "giveme5w1h-news-cluster" / "data"


def require_shared(path: Path = SHARED_DATA) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not here (../shared sits beside the checkout on CI and dev machines)")
    return path


def giveme_articles(count: int | None = None) -> list[dict]:
    """news-please records with text, from the giveme5w1h cluster set, in file-name order."""
    records = []
    for file in sorted(require_shared(GIVEME).glob("*.json")):
        record = json.loads(file.read_text(encoding="utf-8"))
        if record.get("title") and record.get("text") and len(record["text"]) > 500:
            records.append(record)
        if count and len(records) == count:
            break
    return records


def article_page(record: dict, *, canonical: str = "", image: str = "", credit: str = "") -> bytes:
    """An article page in the shape news sites publish: meta tags, an <article>, paragraphs, a credited figure."""
    title = html.escape(record["title"])
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in record["text"].split("\n") if p.strip())
    published = (record.get("date_publish") or "2017-09-15 00:00:00").replace(" ", "T")
    figure = (f'<figure><img src="{image}" alt=""><figcaption>A scene from the story. '
              f'<span class="credit">{html.escape(credit)}</span></figcaption></figure>') if image else ""
    meta_image = f'<meta property="og:image" content="{image}">' if image else ""
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:title" content="{title}"><meta property="article:published_time" content="{published}">
<meta name="author" content="Jane Reporter">{meta_image}{link}</head>
<body><header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<article><h1>{title}</h1><p class="byline">By Jane Reporter</p>{figure}{paragraphs}</article>
<footer>Copyright the publisher. <a href="/privacy">Privacy</a></footer></body></html>""".encode()


def _rfc822(value: str | None) -> str:
    moment = datetime.fromisoformat((value or "2017-09-15 00:00:00").replace(" ", "T"))
    return format_datetime(moment.replace(tzinfo=UTC), usegmt=True)


def rss_feed(items: list[tuple[str, dict]]) -> bytes:
    entries = "".join(
        f"<item><title>{html.escape(r['title'])}</title><link>{html.escape(url)}</link>"
        f"<description>{html.escape(r.get('description') or '')}</description>"
        f"<pubDate>{_rfc822(r.get('date_publish'))}</pubDate><guid>{html.escape(url)}</guid></item>"
        for url, r in items
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Test RSS</title>'
            f"<link>http://example.org/</link><description>d</description>{entries}</channel></rss>").encode()


def atom_feed(items: list[tuple[str, dict]]) -> bytes:
    entries = "".join(
        f'<entry><title>{html.escape(r["title"])}</title><link rel="alternate" href="{html.escape(url)}"/>'
        f"<id>{html.escape(url)}</id><updated>{(r.get('date_publish') or '2017-09-15 00:00:00').replace(' ', 'T')}Z"
        f"</updated><summary>{html.escape(r.get('description') or '')}</summary>"
        f"<author><name>Atom Author</name></author></entry>"
        for url, r in items
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Test Atom'
            f'</title><id>urn:test</id><updated>2017-09-16T00:00:00Z</updated>{entries}</feed>').encode()


def json_feed(items: list[tuple[str, dict]]) -> bytes:
    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Test JSON Feed",
        "items": [
            {"id": url, "url": url, "title": r["title"], "summary": r.get("description") or "",
             "date_published": (r.get("date_publish") or "2017-09-15 00:00:00").replace(" ", "T") + "Z",
             "authors": [{"name": "JSON Author"}]}
            for url, r in items
        ],
    }).encode()


EASTON_FLOOD = [
    ("https://daily.example/floods-hit-easton", "Floods hit Easton | Easton Daily",
     "Floods hit the river town of Easton after three days of rain. The mayor of Easton, Ann Berry, said 40 homes "
     "were evacuated on Monday. \"We have never seen the water this high,\" Berry said. Rescue teams from two "
     "neighbouring counties arrived in the evening. The river is expected to peak on Tuesday morning."),
    ("https://herald.example/easton-river", "Easton river bursts its banks",
     "The river in Easton burst its banks on Monday after days of heavy rain, forcing 40 homes to be evacuated. "
     "Mayor Ann Berry said the town had opened two shelters. \"Everyone is safe for now, but the night will be "
     "long,\" she said. Forecasters expect the river to peak on Tuesday."),
]


def composed_story(reports: list[tuple[str, str, str]] = EASTON_FLOOD, *, published: datetime | None = None):
    """One story of `reports` (url, title, text), stored, assigned and composed through the project's own actions."""
    from datetime import timedelta

    from sociose.articles.actions import do_store_article
    from sociose.articles.draft import ArticleDraft
    from sociose.articles.models import Article
    from sociose.desk.actions import compose_story
    from sociose.stories.actions import assign_story
    from sociose.stories.models import Story

    published = published or datetime.now(UTC) - timedelta(hours=3)
    stories = set()
    for n, (url, title, text) in enumerate(reports):
        draft = ArticleDraft(url=url, title=title, text=text, published_at=published + timedelta(minutes=10 * n))
        article = do_store_article(draft, via="file").article
        stories.add(assign_story(Article.objects.select_related("outlet").get(id=article.id)).story_id)
    assert len(stories) == 1, "the reports make one story"
    story = Story.objects.get(id=stories.pop())
    compose_story(story)
    return story
