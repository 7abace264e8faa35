import json
import random
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from sociose.stories.clustering import (
    Clusterer,
    MemoryStoryIndex,
    MemoryTermStats,
    StorySummary,
    featurize,
    merge_summaries,
    stem,
    terms,
)
from sociose.stories.entities import Entity, extract_entities

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=timezone.utc)

# Unrelated background news, so that IDF tells topic words from common ones (as in any real archive).
BACKGROUND = [
    ("Central bank holds interest rates as inflation cools", "The central bank kept its benchmark rate unchanged on "
     "Tuesday, saying inflation had cooled faster than expected and wages were growing more slowly."),
    ("Striker scores twice as United beat City in derby", "A late goal from the striker sealed the derby win, "
     "lifting the club to third place in the league table after a tense second half."),
    ("New smartphone unveiled with folding screen", "The company unveiled its new smartphone with a folding screen "
     "and a larger battery, priced at 1,200 dollars, at a launch event in California."),
    ("Heatwave grips southern Europe as temperatures soar", "Temperatures passed 44 degrees in parts of Spain and "
     "Italy as a heatwave gripped southern Europe, and officials warned of wildfires."),
    ("Film festival opens with premiere of space drama", "The film festival opened with the premiere of a space "
     "drama starring an ensemble cast, and critics praised its score and visual effects."),
    ("Parliament passes budget after marathon debate", "Lawmakers passed the annual budget after a marathon debate "
     "that ran past midnight, with spending on schools and hospitals rising by four percent."),
    ("Airline cancels flights as pilots strike over pay", "Hundreds of flights were cancelled on Monday as pilots "
     "walked out in a dispute over pay, leaving thousands of passengers stranded at airports."),
    ("Scientists map coral reef decline with drones", "Marine scientists used drones to map the decline of a coral "
     "reef, finding that bleaching had spread across nearly half of the surveyed area."),
]

QUAKE = [
    ("Magnitude 6.8 earthquake strikes eastern Turkey, killing 18 in Elazig",
     "A magnitude 6.8 earthquake struck Elazig province in eastern Turkey on Friday evening, killing at least 18 "
     "people and toppling buildings in the town of Sivrice, officials said. Rescuers from the disaster agency AFAD "
     "searched the rubble of collapsed apartment blocks in Elazig through the night."),
    ("Turkey earthquake: rescuers dig through rubble in Elazig after deadly quake",
     "Rescuers in Elazig dug through the rubble of collapsed buildings on Saturday after a magnitude 6.8 earthquake "
     "killed at least 18 people in eastern Turkey. The quake was centred near Sivrice, and AFAD said hundreds of "
     "aftershocks followed."),
    ("Deadly Elazig quake leaves hundreds homeless in eastern Turkey",
     "Hundreds of families in Elazig spent the night in tents after the magnitude 6.8 earthquake destroyed homes "
     "around Sivrice in eastern Turkey. The death toll stood at 18, and AFAD rescuers kept searching the rubble."),
]
QUAKE_FOLLOW_UP = (
    "Death toll from Elazig earthquake rises to 41 as rescue ends in Sivrice",
    "The death toll from the earthquake in Elazig province rose to 41 on Monday as rescuers ended their search of "
    "the rubble in Sivrice. AFAD said 45 people had been pulled alive from collapsed buildings in eastern Turkey.")
NEW_QUAKE = (
    "Magnitude 5.9 earthquake hits Izmir in western Turkey, damaging buildings in Bornova",
    "A magnitude 5.9 earthquake shook Izmir on the Aegean coast of western Turkey, damaging buildings in the "
    "Bornova district and sending residents into the streets. Two people were hurt in Bayrakli, the governor said; "
    "no deaths were reported.")


def features(title, text, when, outlet="example.org"):
    return featurize(title, text, when, outlet, extract_entities(title, text))


def background(clusterer, start=T0 - timedelta(days=10)):
    for i, (title, text) in enumerate(BACKGROUND):
        clusterer.assign(features(title, text, start + timedelta(hours=7 * i), f"outlet{i}.example"))


def test_follow_up_days_later_joins_while_new_event_weeks_later_starts_a_story():
    clusterer = Clusterer()
    background(clusterer)
    first = [clusterer.assign(features(t, x, T0 + timedelta(hours=3 * i), f"o{i}.example"))
             for i, (t, x) in enumerate(QUAKE)]
    story = first[0].story_id
    assert first[0].created and all(a.story_id == story and not a.created for a in first[1:])

    follow_up = clusterer.assign(features(*QUAKE_FOLLOW_UP, T0 + timedelta(days=3)))
    assert follow_up.story_id == story

    new_event = clusterer.assign(features(*NEW_QUAKE, T0 + timedelta(weeks=6)))
    assert new_event.created and new_event.story_id != story


def test_next_years_event_is_a_new_story_even_with_the_same_wording():
    clusterer = Clusterer()
    background(clusterer)
    title, text = QUAKE[0]
    first = clusterer.assign(features(title, text, T0))
    again = clusterer.assign(features(title, text, T0 + timedelta(days=365)))
    assert again.created and again.story_id != first.story_id


def test_same_stream_twice_gives_the_same_stories():
    stream = [(t, x, T0 + timedelta(hours=i)) for i, (t, x) in enumerate(BACKGROUND + QUAKE + [QUAKE_FOLLOW_UP])]

    def run():
        clusterer = Clusterer()
        return [clusterer.assign(features(t, x, when)) for t, x, when in stream]

    assert run() == run()


WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima"]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), size=st.integers(1, 30))
def test_shuffled_synthetic_streams_are_deterministic_and_assign_every_article_once(seed, size):
    rng = random.Random(seed)
    stream = []
    for i in range(size):
        topic = rng.randrange(4)
        words = [WORDS[(topic * 3 + rng.randrange(3)) % len(WORDS)] for _ in range(8)]
        stream.append((" ".join(words[:4]), " ".join(words), T0 + timedelta(hours=rng.randrange(72))))
    rng.shuffle(stream)

    def run():
        clusterer = Clusterer()
        assignments = [clusterer.assign(features(t, x, when)) for t, x, when in stream]
        return assignments, clusterer

    first, clusterer = run()
    second, _ = run()
    assert first == second
    created = [a.story_id for a in first if a.created]
    assert len(created) == len(set(created))  # a story id is created once
    index = clusterer.index
    assert sum(index.get(story_id).size for story_id in created) == len(stream)  # every article in one story


def made_up_word(i: int, salt: str) -> str:
    letters = ""
    for _ in range(4):
        i, r = divmod(i, 26)
        letters += chr(ord("a") + r)
    return salt + letters


def test_candidates_come_from_the_index_not_from_every_story():
    index = MemoryStoryIndex(limit=10)
    clusterer = Clusterer(index=index)
    for i in range(1000):  # many unrelated stories, each on its own made-up words
        a, b, c = (made_up_word(i, salt) for salt in ("zor", "wid", "reg"))
        clusterer.assign(features(f"{a.title()} {b} report", f"{a.title()} sold {b} units in {c}.",
                                  T0 + timedelta(minutes=i)))
    assert len(index) == 1000
    vector, entities = clusterer.weigh(features(*QUAKE[0], T0 + timedelta(days=1)))
    when = T0 + timedelta(days=1)
    assert index.candidates(clusterer.query_keys(vector, entities), when, clusterer.config.window) == []
    a, b = made_up_word(7, "zor"), made_up_word(7, "wid")
    vector, entities = clusterer.weigh(features(f"{a.title()} {b}", f"{a} {b}", T0))
    found = index.candidates(clusterer.query_keys(vector, entities), T0, clusterer.config.window)
    assert [story_id for story_id, _ in found] == [8]  # the eighth story made, and only it
    assert max(len(posting) for posting in index.postings.values()) <= index.per_key * 5 // 4


def test_candidates_are_limited_to_the_time_window():
    clusterer = Clusterer()
    title, text = QUAKE[0]
    clusterer.assign(features(title, text, T0))
    vector, entities = clusterer.weigh(features(title, text, T0))
    keys = clusterer.query_keys(vector, entities)
    assert clusterer.index.candidates(keys, T0 + timedelta(days=10), timedelta(days=30))
    assert clusterer.index.candidates(keys, T0 + timedelta(days=40), timedelta(days=30)) == []


def test_summary_round_trips_through_json():
    clusterer = Clusterer()
    for i, (title, text) in enumerate(QUAKE):
        clusterer.assign(features(title, text, T0 + timedelta(hours=i), f"o{i}.example"))
    summary = clusterer.index.get(1)
    assert StorySummary.from_dict(json.loads(json.dumps(summary.to_dict()))) == summary
    assert summary.size == 3 and summary.first_seen == T0 and summary.last_seen == T0 + timedelta(hours=2)
    assert len(summary.centroid) <= clusterer.config.centroid_terms
    assert summary.outlets == {"o0.example": 1, "o1.example": 1, "o2.example": 1}


def test_two_stories_of_one_event_are_merge_candidates_and_merge():
    clusterer = Clusterer()
    background(clusterer)
    stats = clusterer.stats
    # Two stories built apart (as two workers or an early split would), with the same reports in them.
    a = clusterer.new_story_id()
    b = clusterer.new_story_id()
    summary_a, summary_b = StorySummary(), StorySummary()
    for i, (title, text) in enumerate(QUAKE):
        f = features(title, text, T0 + timedelta(hours=i))
        vector, _ = clusterer.weigh(f)
        summary_a = clusterer.absorb(summary_a, vector, f) if i != 1 else summary_a
        summary_b = clusterer.absorb(summary_b, vector, f) if i != 0 else summary_b
    clusterer.index.add(a, summary_a)
    clusterer.index.add(b, summary_b)
    assert clusterer.merge_candidates(b, summary_b) == [(a, b)]
    assert clusterer.settle(b) == [(a, b)]
    merged = clusterer.index.get(a)
    assert merged.size == 4 and b not in clusterer.index.summaries
    assert merge_summaries(summary_a, summary_b).size == merged.size
    assert stats.documents == len(BACKGROUND) + len(QUAKE)


def test_term_stats_count_an_article_before_scoring_it():
    stats = MemoryTermStats()
    assert stats.idf("quake") == stats.idf("anything")
    stats.add_document(["quake", "turkey"])
    stats.add_document(["turkey"])
    assert stats.idf("quake") > stats.idf("turkey") >= 1.0


def test_terms_are_lower_cased_stemmed_and_free_of_stop_words():
    assert terms("The Launches of North Korea's missiles") == ["launch", "north", "korea", "missil"]
    assert stem("launched") == stem("launching") == stem("launches") == "launch"


def test_a_common_place_alone_is_weak_entity_evidence_while_a_rare_name_is_strong():
    clusterer = Clusterer()
    background(clusterer)
    for i in range(20):  # "U.S." in many articles on many subjects: low specificity
        clusterer.weigh(features(f"U.S. report number {i}", "Officials in the U.S. published figures.", T0))
    story = StorySummary(entities={"place:united states": 1.0, "person:karpeles": 1.0})
    common = clusterer.weights(features("U.S. figures", "The U.S. published figures.", T0))[1]
    rare = clusterer.weights(features("Mark Karpeles speaks", "Mark Karpeles spoke on Monday.", T0))[1]
    assert "place:united states" in common and "person:karpeles" in rare
    assert clusterer.entity_confidence(common, story) < 0.2
    assert clusterer.entity_confidence(rare, story) == 1.0
    assert clusterer.entity_confidence(common, StorySummary(entities={"person:karpeles": 1.0})) == 0.0


def test_date_only_times_do_not_make_a_story_look_like_a_burst():
    # Three reports stamped with the same date (no time of day): a report the next day is a follow-up, not a return
    # after a silence thirty times the story's pace.
    clusterer = Clusterer()
    story = StorySummary(first_seen=T0, last_seen=T0, size=3)
    next_day = clusterer.time_penalty(T0 + timedelta(days=1), story)
    assert next_day < clusterer.config.last_gap_scale * 1.0
    burst = StorySummary(first_seen=T0, last_seen=T0 + timedelta(minutes=30), size=60)  # a real burst: a faster pace
    assert clusterer.time_penalty(T0 + timedelta(days=1), burst) > next_day


def test_time_penalty_weighs_less_when_the_content_matches_closely():
    clusterer = Clusterer()
    background(clusterer)
    title, text = QUAKE[0]
    story = clusterer.index.get(clusterer.assign(features(title, text, T0)).story_id)
    when = T0 + timedelta(weeks=5)
    strict = Clusterer(clusterer.index, clusterer.stats, config=replace(clusterer.config, penalty_pivot=1.0))

    def drop(engine, title, text):  # what five weeks' silence costs this article against the story
        vector, entities = engine.weights(features(title, text, when))
        now, later = engine.score(vector, entities, T0, story), engine.score(vector, entities, when, story)
        assert now > 0
        return now - later

    assert drop(clusterer, title, text) < 0.01  # a late copy of the same report
    assert 0 < drop(clusterer, *QUAKE[1]) < drop(strict, *QUAKE[1])  # a close report: less than in full
    assert drop(clusterer, *NEW_QUAKE) >= drop(strict, *NEW_QUAKE)  # same topic, other specifics: in full or more


def test_summaries_from_before_new_fields_still_load():
    old = {"centroid": {"quake": 1.0}, "entities": {}, "first_seen": T0.isoformat(), "last_seen": T0.isoformat(),
           "size": 1, "outlets": {}}
    summary = StorySummary.from_dict(old)
    assert summary.size == 1 and summary.heat == 0.0
    assert StorySummary.from_dict(summary.to_dict()) == summary


@given(centroid=st.dictionaries(st.text(min_size=1, max_size=12), st.floats(allow_nan=False), max_size=40),
       entities=st.dictionaries(st.text(min_size=1, max_size=12), st.floats(0, 1e6), max_size=10))
def test_a_summary_reads_back_exactly_as_written(centroid, entities):
    """Weights are packed as doubles: every bit and the keys' order (the order floats are summed in) survive the
    database's JSON text."""
    summary = StorySummary(centroid=centroid, entities=entities, first_seen=T0, last_seen=T0, size=2)
    back = StorySummary.from_dict(json.loads(json.dumps(summary.to_dict())))
    for read, written in ((back.centroid, centroid), (back.entities, entities)):
        assert [(key, value.hex()) for key, value in read.items()] == \
            [(key, float(value).hex()) for key, value in written.items()]
    assert back == summary


def test_a_summary_stored_with_weights_as_numbers_reads_as_the_same_summary():
    centroid = {"quake": 0.1 + 0.2, "turkey": 1 / 3, "rescue": 2.5e-17}
    old = {"centroid": centroid, "entities": {"e:turkey": 1.0}, "first_seen": T0.isoformat(),
           "last_seen": T0.isoformat(), "size": 3, "outlets": {"a.example": 2}, "heat": 1.5}
    assert StorySummary.from_dict(json.loads(json.dumps(old))).to_dict() == \
        StorySummary(centroid, {"e:turkey": 1.0}, T0, T0, 3, {"a.example": 2}, 1.5).to_dict()


def test_overlong_words_are_not_terms():
    assert terms("Fans marked " + "la" * 60 + " with a parade") == ["fan", "mark", "parad"]


def test_a_news_agency_named_in_a_credit_is_no_evidence_of_the_event():
    entities = [Entity("Associated Press", "org", 2), Entity("Reuters", "org"), Entity("Paris", "place"),
                Entity("Bloomberg", "person")]
    found = featurize("Flood in Paris", "Water rose.", T0, "a.example", entities).entities
    assert set(found) == {"place:paris", "person:bloomberg"}  # Michael Bloomberg is not the agency
