"""The speaker checker: real bad speakers seen on unseen pages fail it, real speakers pass."""

from __future__ import annotations

import sys

import pytest
from conftest import REPO

from newstrace.analysis.claims.lexicon import lexicon
from newstrace.analysis.claims.plausible import implausible, plausible

if str(REPO) not in sys.path:  # benchmarks/ is a directory of scripts, not installed
    sys.path.insert(0, str(REPO))

from benchmarks.speakers import floor, measure

# Speakers newstrace once returned, from issue 13 and the dev corpus: none can speak.
BAD = {
    "en": [
        "has avoided extradition to Sweden for seven years after",
        "the prosecutors → What did",
        "He has always",
        "peace talks are ever revived",
        "including",
        "raising",
        "it posted a series of tweets",
        "https://www.example.com/politics/2019/04/11/assange-arrest.html",
        "www.example-news.com/politics/123",
        "CNN’s Jake Tapper then followed up with what",
        "is also a host on the TV",
        "Even",
        "rebuffing",
    ],
    "fr": [
        "dont ceux",
        "qui",
        "lui",
        "Ces",
        "eux",
        "qu’il a",
        "Le maire a même écrit à",
        "ce qu’",
        "le deuxième semestre s’",
        "Suite",
    ],
    "de": [
        "Am Montagnachmittag",
        "auch nicht",
        "Ich glaube nicht",
        "Während",
        "Von",
        "er als Jugendlicher Schlagbäume ausgerissen",
        "bitte ohne überheblichen Fund",
        "darf Maron",
        "betonend",
        "Jetzt",
        "Daraufhin",
        "Auf Twitter",
    ],
    "es": ["que el gobierno", "sin embargo", "y", "ha sido", "Según", "eventualmente"],
    "it": ["che il governo", "ma", "è stato", "Secondo"],
    "pt": ["que o governo", "mas", "foi", "Segundo"],
    "ru": ["Она откровенно", "– пожаловалась Поризкова", "что", "по словам", "был"],
    "uk": ["Вона відверто", "що", "за словами", "був"],
}
# Speakers as news writes them: persons, organisations, groups, media, roles, pronouns.
GOOD = {
    "en": [
        "Vladimir Rogov",
        "the prosecutors",
        "He",
        "Rep. Debbie Dingell",
        "Amnesty International",
        "a senior diplomat",
        "Critics",
        "Reuters",
        "EW.com",
        "the 33-year-old actress's rep Jack Ketsoyan",
        "Theresa May",
        "Will Smith",
        "a CNN/ORC poll",
    ],
    "fr": [
        "Vladimir Poutine",
        "le porte-parole du gouvernement",
        "il",
        "elle",
        "Newsweek",
        "des experts",
        "le juge",
        "Marine Le Pen",
    ],
    "de": [
        "Olaf Scholz",
        "ein Sprecher der Bundespolizei",
        "sie",
        "die Grünen",
        "Experten",
        "das Verteidigungsministerium",
        "von der Leyen",
        "seine Frau",
        "der ehemalige Seriendarsteller",
        "einige Experten",
    ],
    "es": [
        "Pedro Sánchez",
        "el portavoz del Gobierno",
        "ella",
        "Algunos expertos",
        "el Banco de España",
    ],
    "it": [
        "Giorgia Meloni",
        "il portavoce del governo",
        "lei",
        "Gli analisti",
        "la Banca d'Italia",
    ],
    "pt": [
        "Luiz Inácio Lula da Silva",
        "o porta-voz do governo",
        "ela",
        "Os analistas",
        "o Banco Central",
    ],
    "ru": [
        "Поризкова",
        "Она",
        "пресс-секретарь правительства",
        "Министерство обороны",
        "дипломат",
        "Эксперты",
    ],
    "uk": ["Порізкова", "Вона", "речник уряду", "Міністерство оборони", "дипломат", "Експерти"],
}


@pytest.mark.parametrize("language", sorted(BAD))
def test_plausible_rejects_the_bad_speakers_seen_on_real_pages(language: str) -> None:
    accepted = [s for s in BAD[language] if plausible(s, lexicon(language))]
    assert not accepted


@pytest.mark.parametrize("language", sorted(GOOD))
def test_plausible_accepts_persons_organizations_groups_media_roles_and_pronouns(
    language: str,
) -> None:
    rejected = [(s, implausible(s, lexicon(language))) for s in GOOD[language]]
    assert not [r for r in rejected if r[1] is not None]


def test_plausible_says_why_a_speaker_fails() -> None:
    english = lexicon("en")
    assert implausible("https://example.com/a/b", english) == "url"
    assert implausible("He has always", english) == "ends like a fragment"
    assert implausible("peace talks are ever revived", english) == "clause inside"
    assert implausible("raising", english) == "verb form"
    assert implausible("including", english) == "function word"
    german = lexicon("de")
    assert implausible("darf Maron", german) == "no noun"
    assert implausible("betonend", german) == "no noun"


def test_speakers_benchmark_subset_stays_under_the_pinned_share_of_implausible_speakers() -> None:
    tally = measure(subset=True, spacy=False)
    assert tally.documents > 200 and tally.with_speaker > 500
    assert tally.raw_share() <= floor("max_raw_share")
    assert tally.output_share() <= floor("max_implausible_share")
