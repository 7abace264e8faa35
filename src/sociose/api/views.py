"""The read-only JSON API: composed stories, documented in docs/api.md."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from sociose.desk.models import ComposedStory
from sociose.site.conventions import absolute_url
from sociose.stories.actions import related_stories
from sociose.stories.models import Membership

PAGE_SIZE = 20


def _iso(moment):
    return moment.isoformat() if moment else None


# Links name the public site (SOCIOSE_SITE_URL), as the feeds and pages do, not the Host the request came with: behind
# a proxy that is the proxy's own address and scheme.
def _story_url(request, story_id: int) -> str:
    return absolute_url(reverse("site:story", args=[story_id]))


def _summary(request, composed: ComposedStory) -> dict:
    return {
        "id": composed.story_id, "url": _story_url(request, composed.story_id),
        "headline": composed.shown_headline, "dek": composed.dek.get("text", ""),
        "byline": settings.SITE_NAME, "published": _iso(composed.published_at), "updated": _iso(composed.updated_at),
        "reading_time_minutes": composed.reading_time_minutes, "word_count": composed.word_count,
        "independent_reports": composed.story.independent_count, "reprints": composed.story.reprint_count,
        "api_url": absolute_url(reverse("api:story", args=[composed.story_id])),
    }


def _sentence(sentence: dict) -> dict:
    return {key: sentence[key] for key in ("text", "source_url", "outlet", "start", "end")}


def _articles(members) -> list[dict]:
    """The story's articles; a reprint names the article it repeats (the first of its origin in the story)."""
    first_of_origin: dict[str, str] = {}
    rows = []
    for m in members:
        first_of_origin.setdefault(m.origin, m.article.url)
        rows.append({"url": m.article.url, "outlet": m.article.outlet.name, "title": m.article.title,
                     "published": _iso(m.article.published_at), "independent": not m.is_reprint,
                     "reprint_of": first_of_origin[m.origin] if m.is_reprint else None})
    return rows


def _page_number(raw: str) -> int | None:
    """The page number asked for, or None if `raw` is not one: ASCII digits only (int() would also take "1_0",
    " 1" and other scripts' digits). A number too long to be a page is one past the end, not a bigger int()."""
    if not (raw.isascii() and raw.isdigit()):
        return None
    return int(raw) if len(raw) <= 18 else 10**18


@require_safe
def story_list(request):
    """GET /api/stories/?order=newest|top&page=N"""
    order = request.GET.get("order", "newest")
    if order not in ("newest", "top"):
        return JsonResponse({"error": "order must be newest or top"}, status=400)
    stories = ComposedStory.objects.select_related("story").filter(story__merged_into=None)
    stories = stories.order_by("-story__pinned", "-story__score", "-updated_at") if order == "top" \
        else stories.order_by("-updated_at", "-id")
    number = _page_number(request.GET.get("page", "1"))
    if number is None:
        return JsonResponse({"error": "page must be a whole number, 1 or more"}, status=400)
    paginator = Paginator(stories, PAGE_SIZE)
    try:
        page = paginator.page(number)
    except InvalidPage:
        return JsonResponse({"error": "no such page"}, status=404)
    base = absolute_url(request.path)
    return JsonResponse({
        "count": paginator.count, "order": order,
        "next": f"{base}?order={order}&page={page.next_page_number()}" if page.has_next() else None,
        "previous": f"{base}?order={order}&page={page.previous_page_number()}" if page.has_previous() else None,
        "results": [_summary(request, composed) for composed in page.object_list],
    })


@require_safe
def story_detail(request, story_id: int):
    """GET /api/stories/<id>/"""
    composed = ComposedStory.objects.select_related("story").filter(story_id=story_id).first()
    if composed is None or composed.story.merged_into_id:
        raise Http404("no such story")
    members = Membership.objects.filter(story_id=story_id).select_related("article__outlet")
    data = _summary(request, composed)
    image = composed.image
    data.update({
        "image": {key: image[key] for key in ("url", "caption", "credit", "source_url")} if image else None,
        "body": [[_sentence(s) for s in paragraph] for paragraph in composed.body],
        "quotes": [{key: q[key] for key in ("text", "speaker", "speaker_description", "source_url", "outlet")}
                   | {"card": q.get("card", False)} for q in composed.quotes],
        "facts": composed.facts,
        "articles": _articles(members.order_by("published_at", "article_id")),
        "first_outlet": composed.story.first_outlet.name if composed.story.first_outlet else None,
        "related": [story.id for story in related_stories(composed.story)],
        "revision_count": composed.revisions.count(),
        "language": composed.language,
    })
    return JsonResponse(data)
