"""Real-style news sentences per language, each with the speaker, type and status it must get.

`tests/fixtures/claims/<iso>.toml` holds the cases, as a journalist of that language writes
them: speaker before or after the cue, incises, dashes, colons, a quote paragraph after its
speaker's introduction, pronouns, threats about someone, according-to, verification,
weasels, assertions worth checking and sentences that are not. Each case is read by the
model-free path every language has (segment, entities, media, claims; spaCy off), so a
language without a spaCy pipeline is held to the same cases.
"""

from __future__ import annotations

import tomllib
from typing import Any

import pytest
from conftest import FIXTURES

from newstrace.analysis.claims import claims
from newstrace.analysis.entities import entities
from newstrace.analysis.media import media
from newstrace.analysis.segment import segment
from newstrace.model import Article, Claim
from newstrace.pipeline import Context

LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "ru", "uk")
CASES = FIXTURES / "claims"
# Fewest cases a language's regression file must hold.
MIN_CASES = 30


def cases(language: str) -> list[dict[str, Any]]:
    with (CASES / f"{language}.toml").open("rb") as handle:
        found: list[dict[str, Any]] = tomllib.load(handle)["case"]
    return found


def analyse(text: str, language: str) -> list[Claim]:
    context = Context()
    context.models["spacy"] = False
    article = Article(id="", source="fixture", text=text, language=language)
    for step in (segment, entities, media, claims):
        article = step.run(article, context)
    return article.claims


def describe(found: list[Claim]) -> list[tuple[str, str, str | None, str]]:
    return [(c.type, c.status, c.speaker, c.text[:60]) for c in found]


def check(case: dict[str, Any], language: str) -> str | None:
    """Why a case fails, or None when newstrace reads it as the case says."""
    found = analyse(case["text"], language)
    about = [c for c in found if case["contains"].casefold() in c.text.casefold()]
    if case["type"] == "none":
        return f"a claim where none is due: {describe(about)}" if about else None
    forbidden = case.get("not_speaker", "").casefold()
    if forbidden and any(c.speaker and forbidden in c.speaker.casefold() for c in about):
        return f"credited to {case['not_speaker']!r}: {describe(about)}"
    for claim in about:
        if (claim.type, claim.status) != (case["type"], case["status"]):
            continue
        if "speaker" not in case:
            return None
        wanted = case["speaker"].casefold()
        said = (claim.speaker or "").casefold()
        if (not wanted and not said) or (wanted and wanted in said):
            return None
    return f"expected {case['type']}/{case['status']}/{case.get('speaker')!r}: {describe(about)}"


def test_claims_regression_every_language_has_enough_varied_cases() -> None:
    for language in LANGUAGES:
        found = cases(language)
        assert len(found) >= MIN_CASES, language
        kinds = {c["kind"] for c in found}
        assert {"after", "before", "pronoun", "according", "verification", "weasel"} <= kinds
        assert {"threat", "fragment", "assertion", "not_claim"} <= kinds, language


@pytest.mark.parametrize(
    ("language", "index"),
    [(lang, i) for lang in LANGUAGES for i in range(len(cases(lang)))],
    ids=[f"{lang}-{i:02d}-{c['kind']}" for lang in LANGUAGES for i, c in enumerate(cases(lang))],
)
def test_claims_regression_case_gets_its_speaker_type_and_status(language: str, index: int) -> None:
    case = cases(language)[index]
    failure = check(case, language)
    assert failure is None, f"{case['text']!r}\n{failure}"
