"""The desk's sentence splitter and extractive composer, on invented texts (no database, no publisher text)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sociose.desk.compose import (
    Body,
    BodySentence,
    Source,
    check_provenance,
    choose_dek,
    choose_headline,
    clean_headline,
    compose,
    compose_body,
    text_hash,
)
from sociose.desk.sentences import split_sentences


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


# --- sentence splitting --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Okafor met Sen. Lind on Jan. 5 at 9 a.m. The talks ended.",
         ["Mr. Okafor met Sen. Lind on Jan. 5 at 9 a.m.", "The talks ended."]),
        ("The U.S. economy grew 3.5 percent. Exports rose.", ["The U.S. economy grew 3.5 percent.", "Exports rose."]),
        ("She moved to the U.S. He stayed.", ["She moved to the U.S.", "He stayed."]),
        ("Maria T. Velde spoke first. Then J. R. Ames replied.",
         ["Maria T. Velde spoke first.", "Then J. R. Ames replied."]),
        ('He said "it is over." Then he left.', ['He said "it is over."', "Then he left."]),
        ('"Why?" he asked. "Because we can," she said.', ['"Why?" he asked.', '"Because we can," she said.']),
        ("Brightwater Holdings Inc. said it would grow. The Inc. figures were late.",
         ["Brightwater Holdings Inc. said it would grow.", "The Inc. figures were late."]),
        ("It cost $1.5m, e.g. for roads. Wait... What next?",
         ["It cost $1.5m, e.g. for roads.", "Wait...", "What next?"]),
        ("Caption line\nThe body starts here. It goes on\nover a wrapped line.",
         ["Caption line", "The body starts here.", "It goes on\nover a wrapped line."]),
        ("  Spaces around.   ", ["Spaces around."]),
        ('Scraped across the ocean.The rings were seen in the UK."My view," said Ann.The end.',
         ["Scraped across the ocean.", "The rings were seen in the UK.", '"My view," said Ann.', "The end."]),
        ("The U.S.Army and Mr.Smith met at St.Petersburg on Amazon.com.",
         ["The U.S.Army and Mr.Smith met at St.Petersburg on Amazon.com."]),
        ("", []),
    ],
)
def test_split_sentences(text, expected):
    assert sentences(text) == expected


def test_spans_are_stripped_offsets():
    text = " First one.  Second one!\n\n Third? "
    for start, end in split_sentences(text):
        assert text[start:end] == text[start:end].strip() and text[start:end]


# --- invented story ------------------------------------------------------------------------------------------------

VALE = Source(
    id="a1", outlet="Northern Ledger", title="Dam on the Vale river bursts, flooding Marrow village | Northern Ledger",
    published_at=datetime(2031, 3, 2, 8, tzinfo=timezone.utc),
    text=(
        "MARROW (Ledger Wire) — A dam on the Vale river burst early on Tuesday, flooding the village of Marrow and "
        "forcing 400 residents from their homes.\n"
        "Engineer Tomas Brindle, who inspected the dam last year, said the spillway had been blocked by debris. "
        "He said repairs had been requested twice.\n"
        "By Petra Quill\n"
        "Read more: our coverage of the Vale valley floods.\n"
        "Meanwhile, volunteers filled sandbags along the lower bank.\n"
        "They worked through the night.\n"
        "The regional water board said it would open an inquiry into the collapse of the dam.\n"
        "\"We were asleep when the water came. It reached the second step in minutes,\" said resident Ona Feld.\n"
        "The dam was built in 1962 to supply the mill town of Harl, which closed its last mill in 1990.\n"
        "Follow us on social media for updates.\n"
    ),
)
VALE_2 = Source(
    id="b1", outlet="Valley Courier", title="Marrow flooded as Vale dam gives way - Valley Courier",
    published_at=datetime(2031, 3, 2, 9, tzinfo=timezone.utc),
    text=(
        "A dam on the Vale river burst early on Tuesday and flooded the village of Marrow, forcing 400 residents "
        "from their homes.\n"
        "Rescue crews used boats to reach families trapped on upper floors of houses near the church square.\n"
        "The regional water board has opened an inquiry into why the dam collapsed after weeks of rain.\n"
        "Photo: Rescue boats on Church Street (Courier/Jan Ek)\n"
    ),
)
# a wire copy of VALE: adds no weight of its own
VALE_COPY = Source(id="c1", outlet="Daily Echo", title="Dam bursts in Marrow", text=VALE.text, is_reprint=True)


def body_texts(body: Body) -> list[str]:
    return [s.text for s in body.sentences]


def test_body_sentences_are_their_source_spans():
    sources = [VALE, VALE_2, VALE_COPY]
    story = compose(sources, outlet_names=["Northern Ledger", "Valley Courier"])
    assert story.body.sentences
    assert check_provenance(story.body, sources) == []
    assert check_provenance([story.dek], sources) == []
    by_id = {s.id: s for s in sources}
    for sentence in story.body.sentences:
        assert sentence.source_hash == text_hash(by_id[sentence.source_id].text)
        if not sentence.inserted:
            assert sentence.text == by_id[sentence.source_id].text[sentence.start:sentence.end]


def test_furniture_and_datelines_never_used():
    texts = " ".join(body_texts(compose_body([VALE, VALE_2], max_words=800)))
    assert "Ledger Wire" not in texts and "MARROW (" not in texts
    for furniture in ("By Petra Quill", "Read more", "Follow us", "Photo:"):
        assert furniture not in texts
    assert any(t.startswith("A dam on the Vale river burst") for t in body_texts(compose_body([VALE], max_words=800)))


def test_pronoun_repaired_with_bracketed_name_or_dropped():
    shown = body_texts(compose_body([VALE], max_words=800))
    assert "[Brindle] said repairs had been requested twice." in shown
    repaired = next(s for s in compose_body([VALE], max_words=800).sentences if s.inserted)
    assert repaired.inserted == [(0, "[Brindle] ")]
    assert VALE.text[repaired.start:repaired.end] == "said repairs had been requested twice."
    # no referent: "They worked ..." and "Meanwhile, ..." cannot stand alone
    assert not any(t.startswith(("They ", "Meanwhile")) for t in shown)


def test_ambiguous_pronoun_is_dropped():
    text = ("Mayor Ilse Varga met Governor Ruth Okoye in the town hall on Monday afternoon. "
            "She said the budget would be cut by a third next year.")
    shown = body_texts(compose_body([Source(id=1, title="Budget talks in town hall", text=text)]))
    assert not any("budget would be cut" in t for t in shown)


def test_unresolvable_leading_pronoun_dropped():
    text = ("Photo\nHe was a quiet man who liked to garden and fish.\n"
            "The village of Tarn held a vigil on Sunday evening.")
    shown = body_texts(compose_body([Source(id=1, title="Tarn vigil", text=text)]))
    assert shown == ["The village of Tarn held a vigil on Sunday evening."]


def test_quote_fragments_and_unbalanced_quotes_not_used():
    text = ('The council voted on the new bridge over the Lenn on Thursday night. '
            '"We waited ten years for this.\n'
            'The crossing opens in May," said councillor Abe Marsh.\n'
            'and then the lights went out in the chamber.')
    shown = body_texts(compose_body([Source(id=1, title="Bridge vote", text=text)]))
    assert shown == ["The council voted on the new bridge over the Lenn on Thursday night."]


def test_reprints_add_no_weight():
    alone = compose_body([VALE, VALE_2], max_words=800)
    with_copies = compose_body([VALE, VALE_2, VALE_COPY, VALE_COPY], max_words=800)
    assert body_texts(alone) == body_texts(with_copies)
    assert all(s.source_id != "c1" for s in with_copies.sentences)
    # an unflagged verbatim copy is found and treated the same way
    unflagged = Source(id="d1", title=VALE.title, text=VALE.text)
    assert body_texts(compose_body([VALE, VALE_2, unflagged], max_words=800)) == body_texts(alone)


def test_same_fact_from_two_outlets_appears_once():
    shown = body_texts(compose_body([VALE, VALE_2], max_words=800))
    burst = [t for t in shown if "dam on the Vale river burst" in t]
    assert len(burst) == 1
    inquiry = [t for t in shown if "inquiry" in t]
    assert len(inquiry) == 1


def test_body_respects_max_words_and_orders_lead_first():
    body = compose_body([VALE, VALE_2], max_words=40)
    assert 0 < body.word_count <= 40
    assert body.sentences[0].text.startswith("A dam on the Vale river burst")
    tiny = compose_body([VALE, VALE_2], max_words=3)
    assert len(tiny.sentences) == 1  # a body always has a sentence when there is one


def test_quotes_and_background_after_facts():
    body = compose_body([VALE, VALE_2], max_words=800)
    shown = body_texts(body)
    quote = next(i for i, t in enumerate(shown) if t.startswith('"We were asleep'))
    background = next(i for i, t in enumerate(shown) if t.startswith("The dam was built in 1962"))
    rescue = next(i for i, t in enumerate(shown) if t.startswith("Rescue crews"))
    assert rescue < quote < background


def test_dek_and_headline():
    dek = choose_dek([VALE, VALE_2])
    assert dek is not None and dek.text.startswith("A dam on the Vale river burst")
    assert check_provenance([dek], [VALE, VALE_2]) == []
    headline = choose_headline([VALE, VALE_2], ["Northern Ledger", "Valley Courier"])
    assert headline in ("Dam on the Vale river bursts, flooding Marrow village", "Marrow flooded as Vale dam gives way")
    story = compose([VALE, VALE_2])
    assert story.dek is not None and story.dek.text not in body_texts(story.body)


def test_the_dek_says_what_the_headline_says():
    """On a story that ran for weeks, the dek comes from the stage the headline names (here the bankruptcy), not just
    the most central lead (the loans); reported speech ("said on Monday") may be a dek, quoted words may not."""

    def day(n):
        return datetime(2009, 4, n, tzinfo=timezone.utc)

    sources = [
        Source(id="l", title="Lanark lends to carmakers", published_at=day(1),
               text="Carmaker Brack and its rival Osterby will receive state loans from the government of Lanark this "
                    "week, officials said. The loans total four billion crowns."),
        Source(id="m", title="State loans for Brack and Osterby", published_at=day(2),
               text="The carmakers Brack and Osterby received the first state loans from the government of Lanark on "
                    "Thursday. Brack will get most of the money."),
        Source(id="b", title="Brack files for bankruptcy", published_at=day(20),
               text="Brack, the carmaker, said on Monday it had filed for bankruptcy protection in a court in Lanark. "
                    '"We had no choice," the chief executive said.'),
        Source(id="c", title="Carmaker Brack files for bankruptcy", published_at=day(21),
               text="A court in Lanark will hear the bankruptcy filing of Brack next week, after the carmaker filed on "
                    "Monday. Its workers were sent home."),
    ]
    story = compose(sources)
    assert story.headline == "Carmaker Brack files for bankruptcy"
    assert story.dek is not None
    assert story.dek.text == ("Brack, the carmaker, said on Monday it had filed for bankruptcy protection in a court "
                              "in Lanark.")
    assert choose_dek(sources).text == story.dek.text


@pytest.mark.parametrize(
    ("title", "outlets", "expected"),
    [
        ("Dam bursts in Marrow | Reuters", ["Reuters"], "Dam bursts in Marrow"),
        ("Dam bursts in Marrow - BBC News", ["BBC"], "Dam bursts in Marrow"),
        ("CNN: Dam bursts in Marrow", ["CNN"], "Dam bursts in Marrow"),
        ("Dam bursts in Marrow | World news | The Guardian", ["The Guardian"], "Dam bursts in Marrow"),
        ("Dam bursts in Marrow - nytimes.com", ["www.nytimes.com"], "Dam bursts in Marrow"),
        ("UPDATE 2-Dam bursts in Marrow", [], "Dam bursts in Marrow"),
        ("Varga: 'We will rebuild the dam'", ["Reuters"], "Varga: 'We will rebuild the dam'"),
        ("Dam bursts - residents flee", ["Reuters"], "Dam bursts - residents flee"),
        ("Reuters", ["Reuters"], "Reuters"),
    ],
)
def test_clean_headline(title, outlets, expected):
    assert clean_headline(title, outlets) == expected


def test_check_provenance_reports_violations():
    good = BodySentence("[Brindle] said repairs had been requested twice.", "a1", 0, 0, [(0, "[Brindle] ")])
    start = VALE.text.index("said repairs")
    good.start, good.end = start, start + len("said repairs had been requested twice.")
    assert check_provenance([good], [VALE]) == []
    altered = BodySentence("Brindle said repairs had been requested twice.", "a1", good.start, good.end)
    assert check_provenance([altered], [VALE])
    bad_insert = BodySentence("Brindle said repairs had been requested twice.", "a1", good.start, good.end,
                              [(0, "Brindle ")])
    assert check_provenance([bad_insert], [VALE])
    assert check_provenance([BodySentence("x", "nope", 0, 1)], [VALE])
    stale = BodySentence(VALE.text[0:5], "a1", 0, 5, [], "0" * 64)
    assert check_provenance([stale], [VALE])


def test_empty_inputs():
    assert compose_body([]).paragraphs == []
    assert choose_dek([]) is None
    assert compose([Source(id=1, title="", text="")]).body.paragraphs == []


# --- arbitrary texts -----------------------------------------------------------------------------------------------

_words = st.sampled_from(
    ["He", "She", "They", "It", "This", "Mr.", "U.S.", "Jan.", "said", "the", "dam", "Varga", "Ilse", "river",
     "3.5", "\"", "“", "”", "(AP)", "—", "Read more", "By", "\n", "\n\n", ".", "!", "?", ",", "Meanwhile,", "[x]",
     "Marrow", "village", "flooded", "on", "Tuesday", "é", "'s", "However,", "500", "percent", "..."]
)
_texts = st.one_of(st.text(max_size=300), st.lists(_words, max_size=120).map(" ".join))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_texts, st.text(max_size=40), st.booleans()), max_size=5), st.integers(0, 300))
def test_compose_never_raises_and_keeps_provenance(items, max_words):
    sources = [Source(id=n, title=title, text=text, is_reprint=reprint)
               for n, (text, title, reprint) in enumerate(items)]
    for text, _, _ in items:
        for start, end in split_sentences(text):
            assert 0 <= start < end <= len(text) and text[start:end] == text[start:end].strip()
    story = compose(sources, max_words=max_words)
    assert check_provenance(story.body, sources) == []
    if story.dek:
        assert check_provenance([story.dek], sources) == []
    assert check_provenance(compose_body(sources, max_words=max_words), sources) == []
    assert isinstance(clean_headline(story.headline, ["x"]), str)


def test_photo_captions_not_used():
    text = ("A tram overturned in the town of Wexley on Monday morning, injuring nine people.\n"
            "This photo released by the Wexley fire service shows the tram on its side near the depot.\n"
            "A photo issued by the inspectors of the tram which overturned near the depot, May 3.")
    shown = body_texts(compose_body([Source(id=1, title="Tram overturns in Wexley", text=text)]))
    assert shown == ["A tram overturned in the town of Wexley on Monday morning, injuring nine people."]


def test_a_dateline_that_opens_with_the_date_is_cut_off():
    text = ("November 17, Marrow, Vale County - The Vale rowing club has talked up its chances of winning the first "
            "regatta of the season on the river. The regatta starts on Saturday morning and runs for three days.")
    shown = body_texts(compose_body([Source(id=1, title="Rowing club talks up regatta chances", text=text)]))
    assert shown[0].startswith("The Vale rowing club has talked up")
