"""Writes to articles: storing a draft once per canonical URL, and linking reprints to the first copy seen."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from sociose.articles import dedupe
from sociose.articles.draft import ArticleDraft, IngestError
from sociose.articles.models import Article, TextBand
from sociose.core.text import content_hash
from sociose.core.urls import InvalidURL, canonicalize_url, same_site
from sociose.sources.actions import get_or_create_outlet
from sociose.sources.models import Feed


@dataclass
class StoreResult:
    article: Article
    created: bool


def canonical_url_of(draft: ArticleDraft) -> tuple[str, str]:
    """(canonical URL, URL) of a draft; a rel=canonical on another site is ignored."""
    try:
        url = canonicalize_url(draft.url)
    except InvalidURL as error:
        raise IngestError(str(error)) from None
    canonical = url
    if draft.canonical_url:
        try:
            stated = canonicalize_url(draft.canonical_url)
        except InvalidURL:
            stated = ""
        if stated and same_site(stated, url):
            canonical = stated
    return canonical, url


def find_existing(draft: ArticleDraft) -> Article | None:
    canonical, url = canonical_url_of(draft)
    return Article.objects.filter(canonical_url__in={canonical, url}).first()


def do_store_article(draft: ArticleDraft, *, via: str, feed: Feed | None = None) -> StoreResult:
    """Store a draft unless the same article (same canonical URL, or same text at the same outlet) is stored."""
    if not draft.title.strip():
        raise IngestError(f"no title for {draft.url}")
    existing = find_existing(draft)
    if existing:
        return StoreResult(existing, created=False)
    canonical, url = canonical_url_of(draft)
    outlet = get_or_create_outlet(url, name=draft.outlet_name)
    digest = content_hash(draft.text or draft.title)
    # The same long text at another URL of the same outlet is the same article (print and AMP versions); short
    # texts are often shared boilerplate ("Watch the video"), so they never count as the same article.
    long_text = len(draft.text.split()) >= dedupe.MIN_WORDS
    same_text = Article.objects.filter(outlet=outlet, content_hash=digest).first() if long_text else None
    if same_text:
        return StoreResult(same_text, created=False)

    sig = dedupe.signature(draft.text)
    try:
        with transaction.atomic():
            article = Article.objects.create(
                canonical_url=canonical, url=url, outlet=outlet, feed=feed, via=via,
                title=draft.title.strip(), authors=draft.authors, published_at=draft.published_at,
                fetched_at=timezone.now(), language=draft.language[:16], description=draft.description,
                text=draft.text, image_url=draft.image_url, image_caption=draft.image_caption,
                image_credit=draft.image_credit[:500], license=draft.license[:200],
                content_hash=digest,
            )
            if sig is not None:
                article.reprint_of = find_original(article, sig)
                if article.reprint_of:
                    article.save(update_fields=["reprint_of"])
                # Forty rows per article on the ingest hot path: one executemany instead of forty model objects.
                with connection.cursor() as cursor:
                    cursor.executemany(
                        f"INSERT INTO {TextBand._meta.db_table} (article_id, band, digest) VALUES (%s, %s, %s)",
                        [(article.id, band, digest) for band, digest in enumerate(dedupe.band_digests(sig))],
                    )
    except IntegrityError:
        # Another worker stored the same canonical URL between our check and our insert.
        existing = Article.objects.filter(canonical_url=canonical).first()
        if existing is None:
            raise
        return StoreResult(existing, created=False)
    return StoreResult(article, created=True)


def find_original(article: Article, sig) -> Article | None:
    """The first stored copy of a near-identical text, or None when the article is the first of its kind."""
    wanted = set(enumerate(dedupe.band_digests(sig)))
    candidate_ids = {
        article_id
        for article_id, band, digest in TextBand.objects.filter(digest__in=[d for _, d in wanted])
        .exclude(article=article).values_list("article_id", "band", "digest")
        if (band, digest) in wanted
    }
    if not candidate_ids:
        return None
    grams = dedupe.shingles(article.text)
    candidates = Article.objects.filter(id__in=candidate_ids).only("id", "text", "reprint_of").order_by("fetched_at", "id")
    first = next((c for c in candidates if dedupe.is_reprint(grams, dedupe.shingles(c.text))), None)
    if first is None:
        return None
    return first.reprint_of or first
