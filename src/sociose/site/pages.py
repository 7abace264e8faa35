"""Reader pages: front page, story, article, about (topics and outlets to come)."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import path

from sociose.articles.models import Article
from sociose.demo import ATTRIBUTION_PATH
from sociose.desk.models import ComposedStory
from sociose.stories.models import Membership
from sociose.stories.ranking import explain


def front_page(request):
    stories = (ComposedStory.objects.select_related("story").filter(story__merged_into=None)
               .order_by("-story__pinned", "-story__score", "-updated_at")[:20])
    articles = Article.objects.select_related("outlet").order_by("-published_at", "-id")
    page = Paginator(articles, 30).get_page(request.GET.get("page"))
    return render(request, "site/front.html", {"page": page, "stories": stories})


def story_page(request, story_id):
    composed = get_object_or_404(ComposedStory.objects.select_related("story"), story_id=story_id,
                                 story__merged_into=None)
    members = Membership.objects.filter(story_id=story_id).select_related("article__outlet").order_by("published_at")
    return render(request, "site/story.html", {
        "composed": composed, "story": composed.story, "members": members,
        "revisions": composed.revisions.order_by("-number"),
        "cards": [q for q in composed.quotes if q.get("card")],
        "why": explain(composed.story.score_inputs),
    })


def article_page(request, article_id):
    article = get_object_or_404(Article.objects.select_related("outlet", "reprint_of__outlet"), id=article_id)
    return render(request, "site/article.html", {"article": article, "paragraphs": article.text.split("\n\n")})


def about_page(request):
    return render(request, "site/about.html", {"attribution": ATTRIBUTION_PATH.read_text(encoding="utf-8")})


urlpatterns = [
    path("", front_page, name="front"),
    path("articles/<int:article_id>/", article_page, name="article"),
    path("stories/<int:story_id>/", story_page, name="story"),
    path("about/", about_page, name="about"),
]
