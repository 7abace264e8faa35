from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from sociose.articles.models import Article
from sociose.demo import ATTRIBUTION_PATH


def front_page(request):
    articles = Article.objects.select_related("outlet").order_by("-published_at", "-id")
    page = Paginator(articles, 30).get_page(request.GET.get("page"))
    return render(request, "site/front.html", {"page": page})


def article_page(request, article_id):
    article = get_object_or_404(Article.objects.select_related("outlet", "reprint_of__outlet"), id=article_id)
    return render(request, "site/article.html", {"article": article, "paragraphs": article.text.split("\n\n")})


def about_page(request):
    return render(request, "site/about.html", {"attribution": ATTRIBUTION_PATH.read_text(encoding="utf-8")})
