from sociose.desk.facts import extract_facts, find_numbers

VOTE = ("The General Assembly adopted the resolution: 93 countries supported it, 18 opposed and 65 abstained. At "
        "least 12 people died and 200 police were deployed. The $700 billion plan, announced in 2019, is three "
        "ballistic steps away; a 42-year-old man spoke at 3 pm.")


def test_counted_numbers_only():
    found = {(noun, value) for noun, value, *_ in find_numbers(VOTE)}
    assert found == {("country", 93), ("opposed", 18), ("abstained", 65), ("people", 12), ("police", 200),
                     ("plan", 700e9)}


def test_report_counts_and_disagreement():
    facts = {f.noun: f for f in extract_facts([(1, VOTE, "a"), (2, "Some 93 countries backed it; 17 opposed.", "b"),
                                                (3, "In all 93 countries voted yes.", "a")])}
    assert [v.reports for v in facts["country"].values] == [2]  # the reprint (same origin "a") adds nothing
    assert facts["opposed"].disputed and {v.value for v in facts["opposed"].values} == {17, 18}
    assert not facts["country"].disputed
