"""Composed stories in the database: provenance invariants on every story of a real corpus, lead images, reading
time, revisions, and the JSON API field by field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from sociose.articles.actions import do_store_article
from sociose.articles.draft import ArticleDraft
from sociose.articles.models import Article
from sociose.desk import actions as desk_actions
from sociose.desk.actions import compose_story, reading_time
from sociose.desk.compose import BodySentence, Source, check_provenance, compose_body
from sociose.desk.models import ComposedStory, Revision
from sociose.stories.actions import assign_story
from sociose.stories.models import Story
from tests.factories import GIVEME, require_shared


def provenance_problems(sentences: list[dict], texts: dict[int, str]) -> list[str]:
    """The desk's own invariant check, applied to sentences as stored and served."""
    body = [BodySentence(text=s["text"], source_id=s["article"], start=s["start"], end=s["end"],
                         inserted=[tuple(pair) for pair in s["inserted"]], source_hash=s["source_hash"])
            for s in sentences]
    return check_provenance(body, [Source(id=i, title="", text=t) for i, t in texts.items()])


@pytest.mark.django_db(transaction=True)
def test_every_story_of_giveme5w1h_keeps_its_provenance_invariants():
    require_shared(GIVEME)
    call_command("import", str(GIVEME), stdout=None)
    texts = dict(Article.objects.values_list("id", "text"))
    composed = list(ComposedStory.objects.select_related("story"))
    assert len(composed) == Story.objects.filter(merged_into=None, article_count__gt=0).count() > 50
    empty = 0
    for story in composed:
        sentences = [s for paragraph in story.body for s in paragraph] + ([story.dek] if story.dek else [])
        if not sentences:  # only when none of its articles has a sentence to give (a page of menus, say)
            members = Article.objects.filter(membership__story=story.story_id)
            assert not any(compose_body([Source(id=a.id, title=a.title, text=a.text)]).sentences for a in members), \
                f"story {story.story_id} has no body"
            empty += 1
        assert provenance_problems(sentences, texts) == []
        for quote in story.quotes:
            source = texts[quote["article"]]
            assert source[quote["start"]:quote["end"]] == quote["text"]  # verbatim
            assert quote["speaker"] and quote["speaker"].split()[-1] in source  # named in that article
        if story.image:
            assert story.image["credit"]
        assert story.reading_time_minutes == reading_time(story.word_count)
        assert story.word_count == sum(len(s["text"].split()) for p in story.body for s in p)
    assert empty <= 2, "most stories have a body"


@pytest.mark.parametrize("words, minutes", [(0, 0), (1, 1), (265, 1), (266, 2), (801, 4), (1060, 4), (1061, 5)])
def test_reading_time_follows_medium(words, minutes):
    assert reading_time(words) == minutes


def _story(texts, *, image=None, credit="", outlet_name=""):
    start = timezone.now() - timedelta(hours=3)
    articles = []
    for n, (title, text) in enumerate(texts):
        slug = "-".join(title.lower().split()[:4])
        draft = ArticleDraft(url=f"https://outlet{n}.example/{slug}", title=title, text=text,
                             published_at=start + timedelta(minutes=10 * n),
                             image_url=image or "", image_credit=credit if image else "", image_caption="A caption",
                             outlet_name=outlet_name)
        articles.append(do_store_article(draft, via="file").article)
    for article in articles:
        assign_story(Article.objects.select_related("outlet").get(id=article.id))
    return Story.objects.get(memberships__article=articles[0]), articles


FLOOD = ("Floods hit the river town of Easton after three days of rain. The mayor of Easton, Ann Berry, said 40 homes "
         "were evacuated on Monday. \"We have never seen the water this high,\" Berry said. Rescue teams from two "
         "neighbouring counties arrived in the evening. The river is expected to peak on Tuesday morning.")
FLOOD_2 = ("The river in Easton burst its banks on Monday after days of heavy rain, forcing 40 homes to be evacuated. "
           "Mayor Ann Berry said the town had opened two shelters. \"Everyone is safe for now, but the night will be "
           "long,\" she said. Forecasters expect the river to peak on Tuesday.")


@pytest.mark.django_db
def test_no_credit_no_lead_image_and_a_credited_image_is_kept():
    story, _ = _story([("Floods hit Easton", FLOOD)], image="https://img.example/flood.jpg")
    assert compose_story(story) and ComposedStory.objects.get(story=story).image == {}
    other, _ = _story([("Easton river bursts its banks", FLOOD_2.replace("Easton", "Weston"))],
                      image="https://img.example/w.jpg", credit="Jo Lens/Reuters")
    compose_story(other)
    image = ComposedStory.objects.get(story=other).image
    assert image["credit"] == "Jo Lens/Reuters" and image["url"] == "https://img.example/w.jpg"


@pytest.mark.django_db
def test_revisions_record_what_changed_and_which_source_caused_it():
    story, (first,) = _story([("Floods hit Easton - Easton Daily", FLOOD)], outlet_name="Easton Daily")
    revision = compose_story(story, trigger_article_id=first.id)
    assert revision.number == 1 and revision.summary == "First published."
    assert revision.snapshot["headline"] == "Floods hit Easton"  # the outlet's name removed
    assert compose_story(story).number == 1  # nothing changed: no new revision, no work
    draft = ArticleDraft(url="https://second.example/flood", title="Easton river bursts its banks", text=FLOOD_2,
                         published_at=timezone.now())
    second = do_store_article(draft, via="file").article
    assign_story(Article.objects.select_related("outlet").get(id=second.id))
    assert second.membership.story_id == story.id
    revision = compose_story(story, trigger_article_id=second.id)
    assert revision.number == 2 and revision.trigger == second and "body" in revision.changed
    assert "second.example" in revision.summary
    composed = ComposedStory.objects.get(story=story)
    composed.headline_override = "Easton under water"
    composed.save()
    revision = compose_story(story)
    assert revision.number == 3 and revision.changed == ["headline"]
    assert revision.snapshot["headline"] == "Easton under water"
    assert Revision.objects.filter(composed=composed).count() == 3


@pytest.mark.django_db
def test_one_task_composes_a_batchs_stories_and_one_failure_holds_back_no_other(monkeypatch):
    from sociose.desk import tasks

    flood, (rain,) = _story([("Floods hit Easton", FLOOD)])
    fire, (spark,) = _story([("Fire destroys Northfield's old paper mill", "A fire destroyed the disused paper mill "
                              "of Northfield overnight. Chief Dan Ortiz of the Northfield fire service said nobody was "
                              "hurt. \"The roof went in minutes,\" Ortiz said. Investigators will look for the cause "
                              "once the ruins have cooled, which could take two days.")])
    assert flood.id != fire.id
    assert tasks.compose_stories.call([[flood.id, None], [fire.id, spark.id]]) == 2
    assert ComposedStory.objects.get(story=flood).revisions.get().trigger is None
    assert ComposedStory.objects.get(story=fire).revisions.get().trigger == spark

    ComposedStory.objects.all().delete()
    real = tasks.compose_story

    def broken_for_the_flood(story, **kwargs):  # a story whose composing fails, whatever the cause
        if story.id == flood.id:
            raise ValueError("unreadable")
        return real(story, **kwargs)

    monkeypatch.setattr(tasks, "compose_story", broken_for_the_flood)
    with pytest.raises(RuntimeError, match=f"1 of 2 stories failed to compose \\(the others were\\): \\[{flood.id}\\]"):
        tasks.compose_stories.call([[flood.id, rain.id], [fire.id, spark.id]])
    assert list(ComposedStory.objects.values_list("story_id", flat=True)) == [fire.id]


@pytest.mark.django_db
def test_an_upgraded_desk_recomposes_stories_and_the_command_does_them_all(monkeypatch, capsys):
    story, (first,) = _story([("Floods hit Easton - Easton Daily", FLOOD)], outlet_name="Easton Daily")
    compose_story(story, trigger_article_id=first.id)
    composed = ComposedStory.objects.get(story=story)
    digest = composed.inputs_digest
    call_command("desk", "recompose")
    assert "1 stories composed" in capsys.readouterr().out
    assert ComposedStory.objects.get(story=story).inputs_digest == digest  # same inputs, same code: skipped
    monkeypatch.setattr(desk_actions, "DESK_VERSION", desk_actions.DESK_VERSION + 1)
    call_command("desk", "recompose")
    assert ComposedStory.objects.get(story=story).inputs_digest != digest
    assert Revision.objects.filter(composed=composed).count() == 1  # recomposed, but nothing shown changed


@pytest.mark.django_db
def test_api_contract(client):
    story, articles = _story([("Floods hit Easton | Easton Daily", FLOOD), ("Easton river bursts its banks", FLOOD_2)],
                             image="https://img.example/f.jpg", credit="Jo Lens/Reuters")
    compose_story(story)
    listing = client.get("/api/stories/?order=top").json()
    assert listing["count"] == 1 and listing["order"] == "top" and listing["next"] is None
    assert client.get("/api/stories/?order=worst").status_code == 400
    data = client.get(f"/api/stories/{story.id}/").json()
    assert data["id"] == story.id and data["url"].endswith(f"/stories/{story.id}/")
    assert data["headline"] in {"Floods hit Easton", "Easton river bursts its banks"}  # a source's, outlet removed
    assert data["dek"] and data["byline"] == "Sociose"
    assert data["published"] and data["updated"]
    assert data["reading_time_minutes"] == reading_time(data["word_count"]) >= 1
    assert data["image"] == {"url": "https://img.example/f.jpg", "caption": "A caption", "credit": "Jo Lens/Reuters",
                             "source_url": articles[0].url}
    sentence = data["body"][0][0]
    assert set(sentence) == {"text", "source_url", "outlet", "start", "end"}
    assert sentence["source_url"] in {a.url for a in articles}
    assert data["quotes"], "the sources quote the mayor by name"
    for quote in data["quotes"]:
        assert {"text", "speaker", "speaker_description", "source_url", "outlet"} <= set(quote)
        assert quote["speaker"] == "Ann Berry"
    assert isinstance(data["facts"], list)
    assert [a["url"] for a in data["articles"]] == [a.url for a in articles]
    assert all(set(a) == {"url", "outlet", "title", "published", "independent", "reprint_of"} for a in data["articles"])
    assert data["related"] == [] and data["revision_count"] == 1
    assert client.get("/api/stories/999999/").status_code == 404
    assert client.post("/api/stories/").status_code == 405
