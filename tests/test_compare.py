"""Version comparison on the seed story: claim groups, only-in lists, conflicts, summary."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SEEDS

from newstrace import facade
from newstrace.cli import main
from newstrace.compare import summarize_comparison
from newstrace.ingestion import ingest
from newstrace.store import Store
from newstrace.store.base import BaseStore

FRENCH = "000_922ab060dcfde385.txt"
ENGLISH = "002_675ba3ab04b08978.txt"

# The tolerant matcher. Each fact of expected.json's `story` is one or more parts; a part
# is a list of keywords, each a tuple of accepted forms (either language, case-folded).
# A part matches a piece of evidence when every keyword has one of its forms in it. A
# shared fact needs one claim group carried by both versions in which each version's
# evidence (its wording, speaker and medium, plus the role and media the version gives
# that speaker) matches every part. An only-in fact needs each part to match a group that
# version carries alone, or what the version alone names in a shared group (`adds`).
Part = list[tuple[str, ...]]
SHARED_FACTS: dict[str, list[Part]] = {
    "Rogov leads We Are With Russia": [[("rogov",), ("we are with russia",)]],
    "Rogov spoke to TASS": [[("rogov",), ("tass",)]],
    "volunteers from the United States, the United Kingdom, Canada, France and Germany": [
        [
            ("états-unis", "united states"),
            ("grande-bretagne", "united kingdom"),
            ("canada",),
            ("france",),
            ("allemagne", "germany"),
        ]
    ],
    "volunteers from the Middle East and Latin America": [
        [("moyen-orient", "middle east"), ("amérique latine", "latin america")]
    ],
    "volunteers from former Soviet republics": [[("républiques soviétiques", "soviet republics")]],
}
ONLY_IN: dict[str, dict[str, list[Part]]] = {
    FRENCH: {
        "Newsweek could not confirm US citizens take part": [
            [("newsweek",), ("confirmer", "confirm"), ("américains", "american", "us citizens")]
        ],
        "motivation: preserve traditional society, fight nazism": [
            [("motivations", "motivation"), ("nazisme", "nazism")]
        ],
        "volunteers mainly gather information": [
            [("recueillir des informations", "gather information")]
        ],
        "logistical problems need government solutions": [
            [("problèmes logistiques", "logistical problems")]
        ],
        "Putin quote on letting volunteers in": [
            [("poutine", "putin"), ("séparatistes", "separatists")]
        ],
        "20,000 foreign volunteers from 52 countries on Ukraine's side (Ukrainian officials)": [
            [("20 000", "20,000"), ("52",), ("responsables ukrainiens", "ukrainian officials")]
        ],
        "Brazil and Argentina": [[("brésil", "brazil"), ("argentine", "argentina")]],
    },
    ENGLISH: {
        "several dozen volunteers from Baltic states, many Lithuanians": [
            [("several dozen",), ("baltic",)],
            [("lithuanians",)],
        ],
        "volunteers seek Russian citizenship for fear of prosecution at home": [
            [("citizenship",), ("criminal charges", "prosecution")]
        ],
        "thousands ready to join": [[("thousands",)]],
        "unattributed commentary by 'analysts' and 'experts'": [[("analysts",)], [("experts",)]],
    },
}
ONLY_IN_SHARE = 0.8


def matches(part: Part, evidence: str) -> bool:
    folded = evidence.casefold()
    return all(any(form in folded for form in keyword) for keyword in part)


def version_evidence(document: dict[str, Any], group: dict[str, Any], article: str) -> str:
    """What a version says in a group: its wording, speaker, medium, and that speaker's
    role and media in the version."""
    carried = group["carried_by"][article]
    parts = [carried["text"], carried["speaker"] or "", carried["medium"] or ""]
    for speaker in document["speakers"]:
        seen = speaker["versions"].get(article)
        if speaker["key"] == carried["speaker_key"] and seen is not None:
            parts += [seen["role"] or "", *seen["media"]]
    return " ".join(parts)


def only_in_evidence(document: dict[str, Any], article: str) -> list[str]:
    groups = {g["group"]: g for g in document["claims"]}
    found = [
        version_evidence(document, groups[name], article) for name in document["only_in"][article]
    ]
    for group in document["claims"]:
        added = group["adds"].get(article)
        if added is not None:
            found.append(" ".join([*added["entities"], *added["figures"]]))
    return found


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BaseStore, dict[str, str]]]:
    """Both seeds ingested through the real ingest into a SQLite file; name -> article id."""
    path = tmp_path_factory.mktemp("compare") / "news.db"
    with Store(str(path)) as store:
        report = ingest([str(SEEDS / FRENCH), str(SEEDS / ENGLISH)], store)
        assert report.ingested == 2
        yield store, {Path(a.source).name: a.id for a in report.articles}


@pytest.fixture(scope="module")
def compared(seeded: tuple[BaseStore, dict[str, str]]) -> dict[str, Any]:
    store, ids = seeded
    return facade.compare(store, ids[FRENCH]).to_dict()


@pytest.fixture(scope="module")
def ids(seeded: tuple[BaseStore, dict[str, str]]) -> dict[str, str]:
    return seeded[1]


def test_matcher_covers_every_fact_of_expected_json() -> None:
    story = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))["story"]
    assert set(story["shared_facts"]) == set(SHARED_FACTS)
    assert set(story["only_in_000"]) == set(ONLY_IN[FRENCH])
    assert set(story["only_in_002"]) == set(ONLY_IN[ENGLISH])


def test_compare_lists_both_seed_versions_oldest_first_in_interface_shape(
    compared: dict[str, Any], ids: dict[str, str]
) -> None:
    assert set(compared["versions"]) == {ids[FRENCH], ids[ENGLISH]}
    assert set(compared["only_in"]) == set(compared["versions"])
    for group in compared["claims"]:
        assert {"group", "text", "carried_by", "conflicts"} <= set(group)
        for carried in group["carried_by"].values():
            assert {"text", "status"} <= set(carried)


def test_compare_finds_every_shared_fact_in_a_group_both_versions_carry(
    compared: dict[str, Any], ids: dict[str, str]
) -> None:
    both = [g for g in compared["claims"] if len(g["carried_by"]) == 2]
    missing = [
        fact
        for fact, parts in SHARED_FACTS.items()
        if not any(
            all(
                matches(part, version_evidence(compared, group, ids[name]))
                for name in (FRENCH, ENGLISH)
                for part in parts
            )
            for group in both
        )
    ]
    assert missing == []


@pytest.mark.parametrize("name", [FRENCH, ENGLISH])
def test_compare_reproduces_most_of_what_each_version_carries_alone(
    compared: dict[str, Any], ids: dict[str, str], name: str
) -> None:
    evidence = only_in_evidence(compared, ids[name])
    found = [
        fact
        for fact, parts in ONLY_IN[name].items()
        if all(any(matches(part, piece) for piece in evidence) for part in parts)
    ]
    assert len(found) >= ONLY_IN_SHARE * len(ONLY_IN[name]), sorted(set(ONLY_IN[name]) - set(found))


def test_rogov_country_list_is_one_group_across_french_and_english(
    compared: dict[str, Any], ids: dict[str, str]
) -> None:
    groups = [
        g
        for g in compared["claims"]
        if "soviet" in g["carried_by"].get(ids[ENGLISH], {}).get("text", "").casefold()
    ]
    assert len(groups) == 1
    french = groups[0]["carried_by"].get(ids[FRENCH])
    assert french is not None and "républiques soviétiques" in french["text"]


def test_country_list_status_conflict_unconfirmed_in_french_attributed_in_english(
    compared: dict[str, Any], ids: dict[str, str]
) -> None:
    group = next(g for g in compared["claims"] if "États-Unis" in g["text"])
    statuses = [c["statuses"] for c in group["conflicts"] if c["kind"] == "status"]
    assert statuses == [{ids[FRENCH]: "unconfirmed", ids[ENGLISH]: "attributed"}]


def test_figures_20000_vs_thousands_are_different_counts_not_a_contradiction(
    compared: dict[str, Any], ids: dict[str, str]
) -> None:
    comparison = next(
        c for c in compared["figures"] if any("20 000" in f["text"] for f in c["figures"])
    )
    by_text = {f["text"]: f for f in comparison["figures"]}
    assert {"thousands", "several dozen"} <= set(by_text)
    assert by_text["thousands"]["article"] == ids[ENGLISH]
    assert by_text["thousands"]["speaker"] == "Vladimir Rogov"
    officials = next(f for f in comparison["figures"] if "20 000" in f["text"])
    assert officials["article"] == ids[FRENCH]
    assert "ukrainiens" in (officials["speaker"] or "")
    assert comparison["contradiction"] is False and comparison["same_thing"] is False
    assert "not a contradiction" in comparison["text"]
    assert not any(
        c["contradiction"]
        for g in compared["claims"]
        for c in g["conflicts"]
        if c["kind"] == "figures"
    )


def test_analysts_and_experts_are_padding_only_in_the_english_rewrite(
    compared: dict[str, Any], ids: dict[str, str]
) -> None:
    padding = set(compared["padding"].get(ids[ENGLISH], []))
    speakers = {g["speaker"] for g in compared["claims"] if g["group"] in padding and g["speaker"]}
    assert {"Analysts", "Experts"} <= speakers
    assert padding <= set(compared["only_in"][ids[ENGLISH]])


def test_compare_of_independent_rewrites_raises_no_near_copy(compared: dict[str, Any]) -> None:
    kinds = {s["kind"] for signals in compared["signals"].values() for s in signals}
    assert "near_copy_uncited" not in kinds


@pytest.mark.parametrize(("reader", "version"), [("en", ENGLISH), ("fr", FRENCH)])
def test_story_summary_quotes_shared_claims_in_the_readers_language(
    seeded: tuple[BaseStore, dict[str, str]], reader: str, version: str
) -> None:
    store, ids = seeded
    summary = summarize_comparison(facade.compare(store, ids[FRENCH]).to_dict(), reader)
    assert summary["language"] == reader
    shared = [
        line for line in summary["lines"] if line["kind"] == "claim" and len(line["versions"]) == 2
    ]
    assert shared and all(line["language"] == reader for line in shared)
    cited = {v for line in summary["lines"] for v in line["versions"]}
    assert cited == {ids[FRENCH], ids[ENGLISH]}
    assert all(line["versions"] for line in summary["lines"])


def test_story_summary_says_what_is_unconfirmed_and_where_versions_disagree(
    seeded: tuple[BaseStore, dict[str, str]],
) -> None:
    store, ids = seeded
    summary = summarize_comparison(facade.compare(store, ids[ENGLISH]).to_dict(), "en")
    kinds = [line["kind"] for line in summary["lines"]]
    assert "conflict" in kinds and "figures" in kinds
    figures = next(line for line in summary["lines"] if line["kind"] == "figures")
    assert figures["contradiction"] is False and "20 000" in figures["text"]
    assert summary["unconfirmed"]


def test_story_document_carries_the_story_summary_and_claim_groups(
    seeded: tuple[BaseStore, dict[str, str]], compared: dict[str, Any]
) -> None:
    store, ids = seeded
    document = facade.story(store, ids[FRENCH]).to_dict()
    assert [g["group"] for g in document["claims"]] == [g["group"] for g in compared["claims"]]
    assert document["compare"] == compared
    assert document["summary"]["lines"] and document["summary"]["sentences"]
    # The reader's words are English (facade.UI_LANGUAGE); each quote keeps its own language.
    assert document["summary"]["language"] == facade.UI_LANGUAGE == "en"
    claim_lines = [line for line in document["summary"]["lines"] if line["kind"] == "claim"]
    assert claim_lines and all(line["quote"] in line["text"] for line in claim_lines)
    assert {line["language"] for line in claim_lines} <= {"en", "fr"}


def test_compare_cli_prints_the_json_document(
    seeded: tuple[BaseStore, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    store, ids = seeded
    code = main(["--db", store.url, "compare", FRENCH, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    document = json.loads(out)
    assert set(document["versions"]) == {ids[FRENCH], ids[ENGLISH]}
    assert {"story", "versions", "claims", "only_in"} <= set(document)


def test_compare_cli_unknown_story_is_one_line_and_exit_1(
    seeded: tuple[BaseStore, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    store, _ = seeded
    code = main(["--db", store.url, "compare", "no-such-story"])
    _, err = capsys.readouterr()
    assert code == 1 and err.startswith("newstrace:") and err.count("\n") == 1


def _copy_of(text: str, tail: str) -> str:
    """The English seed with its last two paragraphs cut and `tail` added: a near-copy."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return "\n\n".join([*paragraphs[:-4], tail])


@pytest.mark.parametrize(
    ("tail", "flagged"),
    [
        ("Readers should judge for themselves.", True),
        (
            "This report first appeared as A Closer Look at Foreign Volunteers in the "
            "Ukraine Conflict.",
            False,
        ),
    ],
)
def test_near_copy_is_flagged_only_when_it_does_not_name_its_source(
    tmp_path: Path, tail: str, flagged: bool
) -> None:
    copy = tmp_path / "copy.txt"
    copy.write_text(_copy_of((SEEDS / ENGLISH).read_text(encoding="utf-8"), tail), "utf-8")
    with Store(str(tmp_path / "news.db")) as store:
        ingest([str(SEEDS / ENGLISH)], store)
        report = ingest([str(copy)], store)
        copy_id = report.articles[0].id
        derived = store.derivations([copy_id])
        assert derived and derived[0].kind in {"copy", "rewrite"}
        document = facade.compare(store, copy_id).to_dict()
    kinds = [s["kind"] for s in document["signals"][copy_id]]
    assert ("near_copy_uncited" in kinds) is flagged
