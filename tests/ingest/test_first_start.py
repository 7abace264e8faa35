"""A new site's first start: the bundled demo corpus imported, its stories as publication order gives them."""

import pytest

from sociose.articles.models import Article
from sociose.ingest.first_start import prepare_first_start
from sociose.stories.actions import export_assignments, recluster
from tests.stories.test_story_actions import partition

pytestmark = pytest.mark.django_db(transaction=True)


def test_first_start_imports_the_demo_corpus_and_clusters_it_as_published(settings):
    settings.SOCIOSE = {**settings.SOCIOSE, "load_demo": True, "subscribe_default_feeds": False}
    lines = list(prepare_first_start())
    assert lines and lines[0].startswith(f"Imported {Article.objects.count()} Wikinews demo articles")
    first = partition(export_assignments())
    assert sum(len(group) for group in first) == Article.objects.count()
    recluster()  # in publication order; the corpus is stored in the order of its URLs
    assert partition(export_assignments()) == first
    assert list(prepare_first_start()) == []  # only on an empty database
