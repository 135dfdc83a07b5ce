"""The media stage: outlets a text cites as its source, in several languages."""

from __future__ import annotations

import json

import pytest
from conftest import SEEDS

from newstrace.analysis.base import Context
from newstrace.analysis.clean import clean
from newstrace.analysis.entities import entities, find_entities
from newstrace.analysis.extract import extract
from newstrace.analysis.language import language
from newstrace.analysis.media import cited_media, media
from newstrace.analysis.segment import segment
from newstrace.model import RawDocument
from newstrace.pipeline import Pipeline

PIPELINE = Pipeline([extract, clean, language, segment, entities, media])
EXPECTED = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))["articles"]


def cited(text: str, lang: str | None) -> list[str]:
    return cited_media(text, lang, find_entities(text, lang, [], None))


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_media_seed_cites_exactly_the_expected_outlets(seed: str) -> None:
    text = (SEEDS / seed).read_text("utf-8")
    article = PIPELINE.run(RawDocument(source=seed, text=text), Context())
    assert sorted(article.media) == sorted(EXPECTED[seed]["media_cited"])


@pytest.mark.parametrize(
    ("text", "lang", "outlet"),
    [
        ("The minister told Reuters the talks had failed.", "en", "Reuters"),
        ("According to the Associated Press, the vote was delayed.", "en", "AP"),
        ("KYIV (Reuters) - Ukraine said on Monday it had shot down 20 drones.", "en", "Reuters"),
        ("Selon l'AFP, le scrutin a été reporté.", "fr", "AFP"),
        ("Selon Le Monde, les négociations ont échoué.", "fr", "Le Monde"),
        ("Laut dpa wurde die Abstimmung verschoben.", "de", "dpa"),
        ("Según EFE, la votación fue aplazada.", "es", "EFE"),
        ("Secondo l'ANSA, il voto è stato rinviato.", "it", "ANSA"),
        ("Segundo a Lusa, a votação foi adiada.", "pt", "Lusa"),
        ("Об этом сообщает ТАСС со ссылкой на источник.", "ru", "TASS"),
        ("Как передает РИА Новости, голосование отложено.", "ru", "RIA Novosti"),
        ("Про це повідомляє Укрінформ.", "uk", "Ukrinform"),
        ("Он рассказал в интервью Интерфаксу, что переговоры сорваны.", "ru", "Interfax"),
    ],
)
def test_media_citing_cue_makes_an_outlet_a_source(text: str, lang: str, outlet: str) -> None:
    assert cited(text, lang) == [outlet]


def test_media_outlet_only_talked_about_is_not_a_source() -> None:
    text = "Reuters was founded in London in 1851 and now employs thousands of journalists."
    assert cited(text, "en") == []


def test_media_unknown_language_uses_every_language_cues() -> None:
    assert cited("Volgens Reuters, according to Reuters, is de stemming uitgesteld.", None) == [
        "Reuters"
    ]
