from io import StringIO

import pytest
from django.core.management import call_command

from sociose.articles.models import Article
from sociose.sources.models import FetchLog
from sociose.stories.actions import export_assignments, recluster
from tests.factories import GIVEME, require_shared
from tests.stories.test_story_actions import partition

pytestmark = pytest.mark.django_db(transaction=True)


def test_import_giveme5w1h_stores_383_articles_and_a_second_run_none():
    require_shared(GIVEME)
    out = StringIO()
    call_command("import", str(GIVEME), stdout=out, stderr=StringIO())
    assert Article.objects.count() == 383
    assert out.getvalue().startswith("383 stored, 0 already stored")
    # the files' order is not the order of publication: the articles were clustered as published, as recluster does
    imported = partition(export_assignments())
    assert len(export_assignments()) == 383
    recluster()
    assert partition(export_assignments()) == imported

    out = StringIO()
    call_command("import", str(GIVEME), stdout=out, stderr=StringIO())
    assert Article.objects.count() == 383
    assert out.getvalue().startswith("0 stored, 383 already stored")
    assert FetchLog.objects.filter(kind="file", ok=True).count() == 2 * 383


def test_import_of_a_missing_path_is_a_clear_error():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no such file"):
        call_command("import", "/nonexistent/file.jsonl")
