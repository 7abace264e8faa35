from sociose.desk.facts import extract_facts, find_numbers, sentence_around

VOTE = ("The General Assembly adopted the resolution: 93 countries supported it, 18 opposed and 65 abstained. At "
        "least 12 people died and 200 police were deployed. The $700 billion plan, announced in 2019, is three "
        "ballistic steps away; a 42-year-old man spoke at 3 pm.")


def test_counted_numbers_only():
    found = {(noun, value) for noun, value, *_ in find_numbers(VOTE)}
    assert found == {("country", 93), ("opposed", 18), ("abstained", 65), ("people killed", 12), ("police", 200),
                     ("plan", 700e9)}


def test_report_counts_and_disagreement():
    facts = {f.noun: f for f in extract_facts([(1, VOTE, "a"), (2, "Some 93 countries backed it; 17 opposed.", "b"),
                                                (3, "In all 93 countries voted yes.", "a")])}
    assert [v.reports for v in facts["country"].values] == [2]  # the reprint (same origin "a") adds nothing
    assert facts["opposed"].disputed and {v.value for v in facts["opposed"].values} == {17, 18}
    assert not facts["country"].disputed


def test_numbers_that_are_part_of_a_name_or_a_date_are_not_facts():
    text = ("The S&P 500 plunged and the FTSE 100 fell 42 points before the June 1 deadline. Flight 370 carried 239 "
            "passengers. Some 93 countries voted; Nearly 40 people were hurt. The company owes $381 million in taxes "
            "and the index passed the ten thousand mark.")
    found = {(noun, value) for noun, value, *_ in find_numbers(text)}
    assert found == {("point", 42), ("passenger", 239), ("country", 93), ("people injured", 40)}
    # a number opening a sentence after a name that ended the last one is a count
    assert [(n, v) for n, v, *_ in find_numbers("The storm hit Paris. 12 people died.")] == [("people killed", 12)]
    assert list(find_numbers("Talks on Jan. 5 meetings and No. 10 officials")) == []


def test_only_participles_that_count_people_or_votes():
    found = {(noun, value) for noun, value, *_ in find_numbers("Of the 65 members, 18 opposed, 12 injured and 500 "
                                                                "gathered; 3 walked out.")}
    assert found == {("member", 65), ("opposed", 18), ("injured", 12)}


def test_far_apart_values_are_different_quantities_not_a_disagreement():
    # two quantities, neither corroborated: nothing to show (and certainly no disagreement)
    assert extract_facts([(1, "The carmaker will close 350 dealers this year.", "a"),
                          (2, "The carmaker has 6,246 dealers across the country.", "b")]) == []
    (people,) = extract_facts([(3, "At least 12 people died in the flood, police said.", "a"),
                               (4, "The flood killed 14 people, officials said.", "b")])
    assert people.disputed and [v.value for v in people.values] == [12, 14]


def test_each_value_keeps_the_sentence_that_states_it():
    text = "Rain fell all week. The flood killed 14 people in Easton on Monday. Roads were closed."
    (fact,) = extract_facts([(7, text, "a")])
    value = fact.to_dict()["values"][0]
    assert value["context"] == {"text": "The flood killed 14 people in Easton on Monday.", "article": 7,
                                "start": text.index("The flood"), "end": text.index(" Roads")}


def test_figures_only_one_report_states_are_left_out_when_others_are_corroborated():
    facts = extract_facts([(1, "The storm killed 14 people and destroyed 300 homes.", "a"),
                           (2, "Officials said 14 people died; five bridges collapsed.", "b")])
    assert [f.noun for f in facts] == ["people killed"]
    alone = extract_facts([(1, "The storm killed 14 people and destroyed 300 homes.", "a")])
    assert {f.noun for f in alone} == {"people killed", "home"}


def test_counts_of_people_are_told_apart_by_what_befell_them():
    text = ("A gunman killed at least 50 people and wounded over 400 at a concert. Police said 527 people were "
            "injured and 59 people died; 12 people are missing and 300 people attended.")
    found = {(noun, value) for noun, value, *_ in find_numbers(text)}
    assert found == {("people killed", 50), ("people injured", 527), ("people killed", 59),
                     ("people missing", 12), ("people", 300)}


def test_the_sentence_of_a_fact_that_opens_a_sentence():
    text = "Its five current models stay. Two models would be discontinued, the Sky and the Astra.\n\nMore later."
    start = text.index("Two")
    assert text[slice(*sentence_around(text, start, start + 10))] == ("Two models would be discontinued, the Sky and "
                                                                        "the Astra.")


def test_only_counts_of_people_are_split_by_outcome():
    (homes,) = extract_facts([(1, "The mayor said 40 homes were evacuated on Monday.", "a"),
                              (2, "The river burst its banks, forcing 45 homes to be evacuated.", "b")])
    assert homes.noun == "home" and homes.disputed and [v.value for v in homes.values] == [40, 45]


def test_small_counts_in_words_are_facts_only_about_people():
    text = ("The two companies settled after two weekends of talks; the phone comes in five colours. Three people "
            "were killed and two soldiers were wounded.")
    found = {(noun, value) for noun, value, *_ in find_numbers(text)}
    assert found == {("people killed", 3), ("soldier injured", 2)}


def test_a_participle_before_a_plural_noun_describes_what_is_counted():
    found = {(noun, value, shown) for noun, value, shown, *_ in find_numbers(
        "To date, 149 confirmed orders have been received, and 12 injured workers were treated.")}
    assert found == {("order", 149, "149 confirmed orders"), ("worker injured", 12, "12 injured workers")}


def test_an_adverb_after_an_amount_is_not_what_it_counts():
    found = {noun for noun, *_ in find_numbers("The models sell for $199 and $299 respectively, and $5 million "
                                               "donations came in.")}
    assert found == {"donation"}


def test_a_number_the_text_writes_as_a_name_is_never_a_count():
    text = "Qatar Airways chose the Boeing 777 and will buy 20 of the larger 777 planes; 14 airlines bid."
    assert {(noun, value) for noun, value, *_ in find_numbers(text)} == {("airline", 14)}


def test_words_after_an_amount_that_are_no_nouns():
    text = "It paid $57 million overall, $10 million each to two firms, $249 USD a unit and 400,000 plus units."
    assert {noun for noun, *_ in find_numbers(text)} == set()
