from sociose.stories.entities import Entity, extract_entities


def found(title: str, text: str) -> dict[tuple[str, str], int]:
    return {(e.name, e.kind): e.count for e in extract_entities(title, text)}


def test_people_with_titles_and_later_surnames():
    text = ("President Donald Trump met Chinese President Xi Jinping in Beijing on Friday. "
            "Trump said the talks went well, and Xi agreed. Sen. Elizabeth Warren criticised the visit.")
    entities = found("Trump meets Xi", text)
    assert entities[("Donald Trump", "person")] == 3  # "President Donald Trump", "Trump said", title "Trump"
    assert entities[("Xi Jinping", "person")] == 3
    assert ("Elizabeth Warren", "person") in entities
    assert ("China", "place") in entities  # from the demonym "Chinese"
    assert ("Beijing", "place") in entities


def test_organisations_by_suffix_prefix_and_acronym():
    text = ("The Bank of England raised rates on Thursday. Shares of Acme Holdings fell while the Labour Party "
            "called for calm. NATO and the U.N. met in Brussels, and the FBI opened an inquiry.")
    entities = found("Rates rise", text)
    for name in ("Bank of England", "Acme Holdings", "Labour Party", "NATO", "United Nations", "FBI"):
        assert (name, "org") in entities, name
    assert ("Brussels", "place") in entities


def test_places_aliases_and_demonyms():
    text = ("North Korean state media said the missile flew over Hokkaido. The U.S. and South Korea condemned "
            "the launch, and Japanese officials met in Tokyo.")
    entities = found("Missile over Japan", text)
    assert ("North Korea", "place") in entities
    assert ("United States", "place") in entities
    assert ("South Korea", "place") in entities
    assert ("Japan", "place") in entities
    assert ("Tokyo", "place") in entities


def test_sentence_starts_and_ordinary_capitalised_words_are_not_names():
    text = ("Eventually the rescue ended. Officials said the river was calm, and officials in Duisburg agreed. "
            "Monday was quiet in Duisburg.")
    names = {name for name, _ in found("Rescue ends", text)}
    assert "Eventually" not in names
    assert "Officials" not in names
    assert "Monday" not in names
    assert "Duisburg" in names


def test_dates_and_page_furniture_are_not_names_in_any_form():
    text = ("Talks resume after Monday’s vote. It happened on Dec. 5 in Paris. Posted Mon, Dec 4 2017 10:00 AM EDT. "
            "READ MORE: Officials in Paris agreed. Hide Caption 3 of 9. He said: “I’ve never seen it.”")
    names = {name for name, _ in found("Talks resume", text)}
    assert names == {"Paris"}


def test_a_month_or_an_honorific_inside_a_name_keeps_the_name_whole():
    text = ("Prime Minister Theresa May spoke in London on Monday. Mrs May said talks would go on. Meet Mr Right. "
            "Brian May played. Apple CEO Tim Cook agreed.")
    entities = found("Talks go on", text)
    assert entities[("Theresa May", "person")] == 2  # "Mrs May" is her, not a month
    assert ("Brian May", "person") in entities
    assert ("Tim Cook", "person") in entities
    assert ("Right", "person") in entities  # after its title, not "Meet Mr Right"
    assert not [name for name in {name for name, _ in entities} if name in ("Theresa", "Monday", "Mrs", "Mr")]


def test_title_case_headline_without_body_keeps_only_known_names():
    names = found("Justin Bieber Gets Irritated In Deposition Over Selena Gomez Question", "")
    assert ("Justin Bieber", "person") in names
    assert ("Selena Gomez", "person") in names
    assert not any("Irritated" in name or "Deposition" in name for name, _ in names)


def test_person_key_matches_across_articles_by_surname():
    assert Entity("Donald Trump", "person").key == Entity("Trump", "person").key
    assert Entity("China", "place").key == "place:china"


def test_empty_input():
    assert extract_entities("", "") == []


def test_a_list_of_names_is_not_one_entity():
    text = ("The freed girls are Blessing Abana Comfort Amos Deborah Andrawus Maryam Basheer Mary Usman Bulama and "
            "others, officials said. Amina Ali met them.")
    names = [e.name for e in extract_entities("Girls freed", text)]
    assert not [n for n in names if n.count(" ") >= 8]
    assert all(len(e.key) <= 150 for e in extract_entities("Girls freed", text))


def test_a_possessive_inside_a_name_keeps_the_name_whole():
    text = ("The Democratic People's Republic of Korea fired a missile on New Year’s Eve, the People's Bank of China "
            "said. China's Xi Jinping spoke to Women’s Aid.")
    entities = found("Missile fired", text)
    assert ("North Korea", "place") in entities  # not "Democratic People" and the South's "Republic of Korea"
    assert ("New Year's Eve", "other") in entities
    assert ("People's Bank of China", "org") in entities
    assert ("Xi Jinping", "person") in entities and ("China", "place") in entities  # "China's" still ends a name
    names = {name for name, _ in entities}
    assert not names & {"Democratic People", "South Korea", "Eve", "New Year", "People", "Women"}


def test_for_and_on_join_an_organisations_name_only():
    text = ("A report by the Center for Public Integrity and the Council on Foreign Relations was cited. People for "
            "the Ethical Treatment of Animals protested on the Promenade des Anglais. Voters want Warren for "
            "President, said Jane Doe on Monday. Council on Foreign Relations experts met the city council.")
    entities = found("Report cited", text)
    for name in ("Center for Public Integrity", "Council on Foreign Relations",
                 "People for the Ethical Treatment of Animals"):
        assert (name, "org") in entities, name
    assert ("Promenade des Anglais", "other") in entities
    assert entities[("Council on Foreign Relations", "org")] == 2  # at a sentence start too, "council" or not
    assert not [name for name, _ in entities if "for President" in name or name.endswith(" on Monday")]


def test_a_known_name_is_never_split_as_ordinary_words():
    # "north" and "associated" occur in lower case: the words of a known name are still not ordinary words
    text = ("The launch site lies in the north. Crowds gathered. Associated Press reporters saw it, associated "
            "officials said. St. Petersburg and Apple Inc. reacted, they told the Associated Press.")
    entities = found("North Korea Says It's Ready To Launch Satellite", text)
    assert ("North Korea", "place") in entities and entities[("Associated Press", "org")] == 2
    assert ("St. Petersburg", "place") in entities and ("Apple Inc.", "org") in entities
    assert not {name for name, _ in entities} & {"Korea", "It", "Press", "North"}


def test_lone_titles_letters_and_page_furniture_are_not_names():
    text = ("The President tweeted. The new iPhone X sold out. A state TV newsreader spoke in Paris. (Photo by Jane "
            "Doe/AP, File) Advertisement Continue reading the main story Newsletter Sign Up Continue reading")
    assert {name for name, _ in found("Phones sold", text)} == {"Paris", "Jane Doe"}


def test_a_title_with_its_portfolio_names_only_the_person_after_it():
    text = ("Secretary of State Rex Tillerson met Minister for Health Simon Harris and Director of Research Jane Roe. "
            "The Secretary of State said the Foreign Minister agreed. Chinese Premier Li Keqiang spoke. The "
            "Commissioner for Human Rights objected, and Secretary of the Treasury Steven Mnuchin agreed with Mayor "
            "of London Sadiq Khan.")
    entities = found("Talks", text)
    assert ("Commissioner for Human Rights", "other") in entities
    for name in ("Rex Tillerson", "Simon Harris", "Jane Roe", "Li Keqiang", "Steven Mnuchin", "Sadiq Khan"):
        assert (name, "person") in entities, name
    assert ("China", "place") in entities and ("London", "place") in entities
    assert not [name for name in entities if name[0].startswith(("State", "Health", "Research", "Secretary",
                                                                  "Minister", "Foreign", "Premier", "Treasury"))]


def test_a_place_named_alone_does_not_make_a_person_of_a_longer_name():
    text = ("Missiles landed in the Sea of Japan, and Japan protested. Antonio Valencia scored; Valencia later said "
            "he was happy. Pavel Durov spoke, and Durov left. Major League Baseball said nothing.")
    entities = found("Report", text)
    assert ("Sea of Japan", "other") in entities
    assert ("Antonio Valencia", "person") in entities and ("Pavel Durov", "person") in entities
    assert ("MLB", "org") in entities and not [name for name, _ in entities if "League" in name]
