"""Claims: every attribution of the seeds, tolerantly matched as seeds/expected.json describes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DEV, SEEDS

from newstrace.analysis.claims import extract_claims
from newstrace.analysis.claims.resolve import name_index
from newstrace.model import Article, Claim, RawDocument
from newstrace.pipeline import Context, default_pipeline

PIPELINE = default_pipeline()


def analyse(path: Path, spacy: bool = True) -> Article:
    """The article through the pipeline; `spacy=False` runs the model-free rules alone."""
    context = Context()
    if not spacy:
        context.models["spacy"] = False
    raw = RawDocument(source=str(path), text=path.read_text(encoding="utf-8"))
    return PIPELINE.run(raw, context)


def expected() -> dict[str, dict[str, object]]:
    data = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))
    articles: dict[str, dict[str, object]] = data["articles"]
    return articles


def speaker_matches(claim: Claim, forms: list[str]) -> bool:
    """Any listed form names the claim's speaker (either contains the other); [] means none."""
    if not forms:
        return claim.speaker is None
    if claim.speaker is None:
        return False
    said = claim.speaker.casefold()
    return any(f.casefold() in said or said in f.casefold() for f in forms)


def matches(claim: Claim, wanted: dict[str, object]) -> bool:
    content = claim.text.casefold()
    keys = [str(k).casefold() for k in wanted["must_contain"]]  # type: ignore[attr-defined]
    return (
        claim.type == wanted["type"]
        and speaker_matches(claim, list(wanted["speaker"]))  # type: ignore[call-overload]
        and all(k in content for k in keys)
        and ("medium" not in wanted or claim.medium == wanted["medium"])
    )


# expected.json lists Rogov's quote naming the United States as "attributed", and in the same
# file notes that Newsweek's "could not confirm US citizens take part" marks that very list
# unconfirmed; issue 3 asks for the mark, so this claim is expected "unconfirmed".
STATUS_MARKED_BY_VERIFICATION = {("000_922ab060dcfde385.txt", "républiques soviétiques")}


def expected_status(name: str, wanted: dict[str, object]) -> str:
    first = str(wanted["must_contain"][0])  # type: ignore[index]
    if (name, first) in STATUS_MARKED_BY_VERIFICATION:
        return "unconfirmed"
    return str(wanted["status"])


@pytest.mark.parametrize("spacy", [True, False], ids=["spacy", "rules"])
@pytest.mark.parametrize("name", sorted(expected()))
def test_claims_every_expected_claim_of_the_seed_is_found_with_speaker_type_and_status(
    name: str, spacy: bool
) -> None:
    article = analyse(SEEDS / name, spacy)
    missing = []
    for wanted in expected()[name]["claims"]:  # type: ignore[attr-defined]
        found = [c for c in article.claims if matches(c, wanted)]
        status = expected_status(name, wanted)
        if not any(c.status == status for c in found):
            got = [(c.speaker, c.type, c.status) for c in found]
            missing.append(f"{wanted['speaker']} {wanted['type']} {wanted['must_contain']}: {got}")
    assert not missing, "\n".join(missing)


def claim_with(article: Article, words: str) -> Claim:
    found = [c for c in article.claims if words in c.text and c.type != "unattributed"]
    assert found, f"no claim contains {words!r}"
    return found[0]


def test_claims_pronoun_speaker_resolves_to_last_named_person() -> None:
    english = analyse(SEEDS / "002_675ba3ab04b08978.txt")
    he = claim_with(english, "several dozen")
    assert he.speaker == "Vladimir Rogov"
    assert english.text[he.speaker_start : he.speaker_end] == "He"  # type: ignore[misc]
    french = analyse(SEEDS / "000_922ab060dcfde385.txt")
    putin = claim_with(french, "séparatistes")
    assert putin.speaker == "Vladimir Poutine"
    assert french.text[putin.speaker_start : putin.speaker_end] == "il"  # type: ignore[misc]


def test_claims_medium_and_role_are_read_from_the_attribution() -> None:
    french = analyse(SEEDS / "000_922ab060dcfde385.txt")
    assert claim_with(french, "républiques soviétiques").medium == "TASS"
    first = claim_with(french, "pays occidentaux")
    assert first.role == "président du mouvement We Are With Russia"
    assert first.cue == "affirme"


def test_claims_short_name_shares_the_key_of_the_full_name() -> None:
    french = analyse(SEEDS / "000_922ab060dcfde385.txt")
    keys = {c.speaker_key for c in french.claims if c.speaker and "Rogov" in c.speaker}
    assert len(keys) == 1 and None not in keys


def test_claims_verification_statement_marks_the_claim_it_qualifies_unconfirmed() -> None:
    french = analyse(SEEDS / "000_922ab060dcfde385.txt")
    check = claim_with(french, "en mesure de confirmer")
    assert (check.type, check.status, check.speaker) == ("verification", "unconfirmed", "Newsweek")
    assert claim_with(french, "États-Unis").status == "unconfirmed"
    assert claim_with(french, "motivations").status == "attributed"


def test_claims_weasel_crowds_are_unattributed() -> None:
    english = analyse(SEEDS / "002_675ba3ab04b08978.txt")
    weasels = {c.speaker for c in english.claims if c.type == "weasel"}
    assert {"Analysts", "Experts"} <= weasels
    assert all(c.status == "unattributed" for c in english.claims if c.type == "weasel")


def test_claims_offsets_point_at_the_text_they_name() -> None:
    for name in expected():
        article = analyse(SEEDS / name)
        for claim in article.claims:
            assert article.text[claim.start : claim.end] == claim.text
            if claim.cue_start is not None:
                assert article.text[claim.cue_start : claim.cue_end] == claim.cue


def test_claims_names_are_indexed_without_their_possessive() -> None:
    # edition.cnn.com: "Meghan's admission …" made every later "Meghan said" read "Meghan's".
    index = name_index(["Meghan's", "Prince Harry", "Harry’s", "Chris'"])
    assert index == {"Meghan": "Meghan", "Harry": "Prince Harry", "Chris": "Chris"}


def test_claims_text_of_no_detected_language_reads_every_languages_cues() -> None:
    text = (
        "„Wij blijven hier tot het einde”, zei Mark Rutte tegen de NOS.\n"
        "“We will stay until the end,” said Mark Rutte."
    )
    found = extract_claims(text, [], None)
    quotes = [c for c in found if c.type == "direct"]
    assert any(c.speaker == "Mark Rutte" for c in quotes)


def test_claims_pronoun_of_text_of_no_detected_language_resolves_without_genders() -> None:
    # The union lexicon has no pronoun genders: "He" must still find John Smith.
    text = "John Smith said the plan was good for the city. He said it would fail anyway."
    found = extract_claims(text, [], None)
    assert [(c.speaker, c.cue) for c in found] == [("John Smith", "said"), ("John Smith", "said")]


def test_claims_language_without_data_credits_nobody_through_other_languages_words() -> None:
    # Polish, which newstrace has no claims data for: "nie" is "not" here, French "denies";
    # read with every language's cues, these sentences became "denied" claims of
    # "Reklamy" and "Stonoga" (134 such claims in the dev corpus's Polish articles).
    text = (
        "Reklamy nie są takie złe, a Stonoga nie wpłacił poręczenia majątkowego.\n"
        "Ona nie wsiąka, nie przemieszcza się, tylko odparowuje.\n"
        "Prezydent RP: Słowem, które będziemy odmieniać najczęściej, będzie słowo sukces."
    )
    assert [c for c in extract_claims(text, [], None) if c.cue == "nie"]  # the union's reading
    found = extract_claims(text, [], "pl")
    assert not [c for c in found if c.cue and c.cue.casefold() == "nie"]
    assert not [c for c in found if c.speaker in ("Reklamy", "Stonoga", "Ona")]


@pytest.mark.parametrize(
    "text", ["", "«", "“”", "said.", "\n\n\n", "« a » b « c", "According to", "x" * 5000]
)
@pytest.mark.parametrize("language", ["fr", "en", None])
def test_claims_odd_input_without_speaker_or_content_gives_no_claim(
    text: str, language: str | None
) -> None:
    assert extract_claims(text, [], language) == []


def test_claims_every_polnear_dev_text_is_read_without_error() -> None:
    texts = sorted((DEV / "polnear" / "dev" / "text").glob("*.txt"))
    assert texts
    total = 0
    for path in texts:
        total += len(extract_claims(path.read_text(encoding="utf-8"), [], "en"))
    assert total > len(texts)


def test_claims_speaker_keys_are_the_entity_keys_across_languages() -> None:
    french = analyse(SEEDS / "000_922ab060dcfde385.txt")
    english = analyse(SEEDS / "002_675ba3ab04b08978.txt")
    french_keys = {c.speaker_key for c in french.claims if c.speaker and "Rogov" in c.speaker}
    english_keys = {c.speaker_key for c in english.claims if c.speaker and "Rogov" in c.speaker}
    assert len(french_keys) == 1 and french_keys == english_keys
    entity_keys = {e.key for e in french.entities}
    assert french_keys <= entity_keys
    putin = claim_with(french, "séparatistes")
    assert putin.speaker_key in entity_keys


def test_claims_plural_pronoun_is_not_resolved_to_a_single_person() -> None:
    text = (
        "Vladimir Rogov said the volunteers came from many countries.\n"
        "They said that they wanted to fight."
    )
    found = extract_claims(text, [], "en")
    they = next(c for c in found if c.cue == "said" and c.start > text.index("They"))
    assert they.speaker == "They" and they.speaker_key is None


@pytest.mark.parametrize(
    "page", ["bahamaslocal.com-atlantis.html", "miamitodaynews.com-Transitway.html"]
)
def test_a_claim_is_attributed_only_to_someone(page: str) -> None:
    # Real English pages where the model found cues ("…, adding “…”") without a source: such
    # a claim is unattributed, with its cue kept, never "attributed" to no one.
    from newstrace.facade import analyze_source

    article = analyze_source(str(DEV / "extraction_pages" / "pages" / page))
    assert article.claims
    assert any(c.speaker is None and c.cue for c in article.claims)
    for claim in article.claims:
        if claim.status == "attributed":
            assert claim.speaker, claim


def test_a_name_inside_the_quote_is_not_who_he_is(tmp_path: Path) -> None:
    # miamitodaynews.com: "Gold Standard" (read as a name by spaCy) sits inside the quote;
    # "he" is the director named before it.
    page = tmp_path / "transitway.txt"
    page.write_text(
        "Trust Executive Director Javier Betancourt at that time asked for full BRT service"
        " details. “We were sold on Gold Standard BRT and sometimes some of the things I hear"
        " don’t imply that this is Gold Standard any longer,” he said.\n",
        encoding="utf-8",
    )
    article = analyse(page)
    quoted = [c for c in article.claims if "sold on Gold Standard" in c.text]
    assert [c.speaker for c in quoted] == ["Javier Betancourt"]


def test_the_writers_own_voice_is_no_attribution(tmp_path: Path) -> None:
    # economist.com (an interview) and gregoryszorc.com (a blog): "You say that …", "we found
    # that …", "I think it was the right call" are the page speaking, not someone it reports.
    from newstrace.facade import analyze_source

    own = {"i", "we", "you"}
    for page in ("economist.com.thinking.html", "gregoryszorc.com.python3.html"):
        article = analyze_source(str(DEV / "extraction_pages" / "pages" / page))
        assert article.claims
        assert not [c for c in article.claims if (c.speaker or "").casefold() in own], page
    memoir = tmp_path / "memoir.txt"
    memoir.write_text(
        "The judge then turned to me. “Your Honor,” I said, “I would like to try to answer"
        " the question you raised.” I think the judge listened.\n",
        encoding="utf-8",
    )
    claims = analyse(memoir).claims
    assert [(c.type, c.speaker) for c in claims if "Your Honor" in c.text] == [("direct", "I")]
    assert not [c for c in claims if "judge listened" in c.text and c.speaker]


@pytest.mark.parametrize(
    ("first", "second", "pronoun", "meant"),
    [
        ("Jennifer Albrecht", "Kevin Brandt", "Sie", "Jennifer Albrecht"),
        ("Kevin Brandt", "Jennifer Albrecht", "Er", "Kevin Brandt"),
    ],
)
def test_a_derived_given_name_gender_steers_the_pronoun(
    first: str, second: str, pronoun: str, meant: str
) -> None:
    # "Jennifer" and "Kevin" are in genders.toml's derived blocks (scripts/name_genders.py),
    # not the hand-written ones: the pronoun skips the later speaker of the other gender.
    from newstrace.analysis.claims.resolve import given_name_genders

    assert given_name_genders()["jennifer"] == "f" and given_name_genders()["kevin"] == "m"
    text = (
        f"{first} sagte, die Stadt brauche mehr Busse. {second} sagte, das Geld fehle.\n"
        f"{pronoun} sagte, man werde es trotzdem versuchen."
    )
    claim = next(c for c in extract_claims(text, [], "de") if c.start > text.index("\n"))
    assert text[claim.speaker_start : claim.speaker_end] == pronoun  # type: ignore[misc]
    assert claim.speaker == meant


@pytest.mark.parametrize(
    ("text", "speaker", "role"),
    [
        (
            "Der Sieg war verdient, sagte Teamchef Michael Kohlmann nach dem Spiel in Kiel.",
            "Teamchef Michael Kohlmann",
            "Teamchef",
        ),
        (
            "« Nous irons jusqu'au bout », a déclaré le ministre Gérald Darmanin lundi.",
            "le ministre Gérald Darmanin",
            "ministre",
        ),
        (
            "Kremlin spokesman Dmitry Peskov said the talks had been useful.",
            "Kremlin spokesman Dmitry Peskov",
            "Kremlin spokesman",
        ),
        # A medium's name before the name is no role.
        ("Reuters' John Smith said the deal was done.", "Reuters' John Smith", None),
    ],
)
def test_a_title_written_before_a_persons_name_is_the_speakers_role(
    text: str, speaker: str, role: str | None
) -> None:
    article = PIPELINE.run(RawDocument(source="role.txt", text=text), Context())
    [claim] = [c for c in article.claims if c.type != "unattributed"]
    assert (claim.speaker, claim.role) == (speaker, role)
