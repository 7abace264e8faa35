"""The JSON API through Django's test client: links, paging and errors (the contract itself: tests/desk)."""

from __future__ import annotations

import pytest

from sociose.api import views
from tests.factories import composed_story

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"


@pytest.fixture
def story():
    return composed_story()


def test_links_are_on_the_site_url_whatever_host_the_request_came_to(client, settings, story, monkeypatch):
    """Behind a proxy the request's Host and scheme are the proxy's business; links name the public site."""
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["internal.example"]
    data = client.get("/api/stories/", HTTP_HOST="internal.example").json()
    assert data["results"][0]["url"] == f"{SITE}/stories/{story.id}/"
    assert data["results"][0]["api_url"] == f"{SITE}/api/stories/{story.id}/"
    assert client.get(f"/api/stories/{story.id}/", HTTP_HOST="internal.example").json()["url"] == data["results"][0][
        "url"]
    composed_story([("https://other.example/chess", "Chess final ends in a draw",
                     "The world chess championship in Oslo ended in a draw after fourteen games on Sunday. "
                     "Grandmaster Ivo Petrov kept his title on the tie-break rules of the federation.")])
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    first = client.get("/api/stories/", HTTP_HOST="internal.example").json()
    assert first["next"] == f"{SITE}/api/stories/?order=newest&page=2"
    assert client.get(first["next"], HTTP_HOST="internal.example").json()["previous"] == (
        f"{SITE}/api/stories/?order=newest&page=1")


@pytest.mark.parametrize("page", ["abc", "1e9", "1.5", "", "-1", "0", "2", "99999999999999999999", "9" * 5000])
def test_a_page_that_is_not_there_is_a_json_error_not_a_500(client, story, page):
    response = client.get("/api/stories/", {"page": page})
    assert response.status_code in (400, 404) and response["Content-Type"] == "application/json"
    assert response.json()["error"]


def test_a_page_that_is_not_a_number_is_a_400_and_one_past_the_end_a_404(client, story):
    assert client.get("/api/stories/", {"page": "abc"}).status_code == 400
    assert client.get("/api/stories/", {"page": "2"}).status_code == 404
    assert client.get("/api/stories/", {"page": "1"}).status_code == 200
