"""The quantities stage: figures, multipliers, vague amounts and what they count."""

from __future__ import annotations

import json

import pytest
from conftest import SEEDS

from newstrace.analysis.base import Context
from newstrace.analysis.clean import clean
from newstrace.analysis.extract import extract
from newstrace.analysis.language import language
from newstrace.analysis.quantities import find_quantities, parse_number, quantities
from newstrace.analysis.segment import segment
from newstrace.model import Quantity, RawDocument
from newstrace.pipeline import Pipeline

PIPELINE = Pipeline([extract, clean, language, segment, quantities])
EXPECTED = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))["articles"]


def content_words(phrase: str) -> set[str]:
    return {w.casefold() for w in phrase.split() if len(w) > 3}


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_quantities_seed_finds_every_expected_figure_with_what_it_counts(seed: str) -> None:
    text = (SEEDS / seed).read_text("utf-8")
    found = PIPELINE.run(RawDocument(source=seed, text=text), Context()).quantities
    for expected in EXPECTED[seed]["quantities"]:
        hits = [q for q in found if expected["text"] in q.text]
        assert hits, expected["text"]
        assert any(q.value == expected["value"] for q in hits)
        # Tolerant: what is counted shares a content word with the expected phrase.
        assert any(q.unit and content_words(q.unit) & content_words(expected["of"]) for q in hits)


def only(text: str, lang: str | None) -> Quantity:
    found = find_quantities(text, lang)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "lang", "value", "unit"),
    [
        (
            "Plus de 20 000 volontaires étrangers sont arrivés.",
            "fr",
            20000,
            "volontaires étrangers",
        ),
        ("More than 20,000 foreign volunteers arrived.", "en", 20000, "foreign volunteers"),
        (
            "Mehr als 20.000 ausländische Freiwillige kamen an.",
            "de",
            20000,
            "ausländische Freiwillige",
        ),
        (
            "Прибыли около 20 тысяч иностранных добровольцев.",
            "ru",
            20000,
            "иностранных добровольцев",
        ),
        ("Прибули понад 20 тисяч іноземних добровольців.", "uk", 20000, "іноземних добровольців"),
        ("Llegaron más de 20.000 voluntarios extranjeros.", "es", 20000, "voluntarios extranjeros"),
        ("Sono arrivati oltre 20.000 volontari stranieri.", "it", 20000, "volontari stranieri"),
        (
            "Chegaram mais de 20 mil voluntários estrangeiros.",
            "pt",
            20000,
            "voluntários estrangeiros",
        ),
        ("Volunteers came from 52 countries.", "en", 52, "countries"),
        ("Le budget atteint 1,5 milliard d'euros.", "fr", 1.5e9, "euros"),
        ("Two dozen drones were shot down.", "en", 24, "drones"),
    ],
)
def test_quantities_figure_in_each_language_has_value_and_counted_noun(
    text: str, lang: str, value: float, unit: str
) -> None:
    quantity = only(text, lang)
    assert quantity.value == value
    assert quantity.unit == unit
    assert text[quantity.start : quantity.end] == quantity.text


@pytest.mark.parametrize(
    ("text", "lang", "words"),
    [
        ("He said several dozen volunteers from Baltic states took part.", "en", "several dozen"),
        ("Thousands of people marched.", "en", "Thousands"),
        ("Des milliers de personnes ont manifesté.", "fr", "Des milliers"),
        ("Dutzende Panzer wurden geliefert.", "de", "Dutzende"),
        ("Несколько десятков человек пострадали.", "ru", "Несколько десятков"),
    ],
)
def test_quantities_vague_amount_keeps_its_words_and_has_no_value(
    text: str, lang: str, words: str
) -> None:
    quantity = only(text, lang)
    assert quantity.value is None
    assert quantity.text == words
    assert quantity.unit


def test_quantities_decimal_separator_follows_the_language() -> None:
    assert parse_number("20.000", ",") == (20000.0, 6)
    assert parse_number("20.000", ".") == (20.0, 6)
    assert parse_number("20,000", ".") == (20000.0, 6)
    assert parse_number("3,5", ",") == (3.5, 3)
    assert parse_number("20 000", None) == (20000.0, 6)


def test_quantities_unknown_language_groups_three_digit_blocks() -> None:
    assert [q.value for q in find_quantities("20.000 ljudi, 20,000 ljudi, 20 000 ljudi", "hr")] == [
        20000,
        20000,
        20000,
    ]


def test_quantities_years_dates_ordinals_and_codes_are_not_amounts() -> None:
    text = "In February 2022, on 12.05.2022 at 10:30, the 1st brigade flew F-16 jets."
    assert find_quantities(text, "en") == []


def test_quantities_percent_is_counted_as_percent() -> None:
    assert only("Turnout reached 45% this year.", "en").unit == "%"
    assert only("Le taux atteint 3,5 pour cent.", "fr").unit == "%"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("1" * 5000, []),  # no float holds it: a code or garbage, not an amount
        ("1,2,3,4,5", []),
        ("., , ...", []),
        ("٣٤٥ 1.2.3", [("٣٤٥", 345.0)]),  # Arabic-Indic digits; a version number is not one
        ("\x00 20 000 \ud7ff", [("20 000", 20000.0)]),
    ],
)
def test_quantities_odd_input_gives_only_the_real_amounts(
    text: str, expected: list[tuple[str, float]]
) -> None:
    found = find_quantities(text, None)
    assert [(q.text, q.value) for q in found] == expected
    assert all(text[q.start : q.end] == q.text for q in found)
