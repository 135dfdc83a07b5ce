"""Claims in each language newstrace has data for, on sentences from the dev corpus.

Sentences come from the dev corpus where it has attributions in that language (PolNeAR and
ECB+ for English, OrangeSum for French, the extraction pages for German and Spanish, the
ITN blurbs for Russian, Ukrainian and Portuguese). The corpus has no Italian attribution,
so the Italian cases are written in the wire-service form the Italian data file targets.
"""

from __future__ import annotations

import json

import pytest
from conftest import DEV

from newstrace.analysis.claims import extract_claims
from newstrace.model import Claim


def attributions(text: str, language: str | None) -> list[Claim]:
    return [c for c in extract_claims(text, [], language) if c.type != "unattributed"]


def only(text: str, language: str | None) -> Claim:
    found = attributions(text, language)
    assert len(found) == 1, [(c.type, c.speaker, c.cue) for c in found]
    return found[0]


def test_claims_en_medium_cited_by_the_media_stage_is_the_claims_medium() -> None:
    text = (
        "Perennial party girl Tara Reid checked herself into Promises Treatment Center, "
        "her rep told People.\n"
        '"We appreciate your respect to her and her family\'s privacy at this time," the '
        "33-year-old actress's rep Jack Ketsoyan told the magazine exclusively for their Web site."
    )
    found = [
        c for c in extract_claims(text, [], "en", media=["People"]) if c.type != "unattributed"
    ]
    indirect = next(c for c in found if c.type == "indirect")
    assert (indirect.speaker, indirect.cue, indirect.medium) == ("her rep", "told", "People")
    assert "Tara Reid" in indirect.text
    quote = next(c for c in found if c.type == "direct")
    assert quote.speaker is not None and quote.speaker.endswith("Jack Ketsoyan")


def test_claims_en_double_apostrophe_quotes_of_the_nyt() -> None:
    text = (
        "''Good economic news for the country is bad political news for the Republicans,'' "
        "said Geoff Garin, a Democratic pollster working for Priorities USA."
    )
    claim = only(text, "en")
    assert (claim.type, claim.speaker, claim.cue) == ("direct", "Geoff Garin", "said")
    assert claim.role == "a Democratic pollster working for Priorities USA"


def test_claims_fr_appositive_role_and_indirect_content() -> None:
    text = (
        "Pascal Pavageau, secrétaire général de FO, a expliqué qu'il s'agissait d'une "
        '"belle connerie" et d\'une "grave erreur".'
    )
    claim = only(text, "fr")
    assert (claim.speaker, claim.role, claim.cue) == (
        "Pascal Pavageau",
        "secrétaire général de FO",
        "a expliqué",
    )
    assert claim.text.startswith("qu'il s'agissait")


def test_claims_fr_inverted_pronoun_resolves_after_quote() -> None:
    rows = [
        json.loads(line)
        for line in (DEV / "summaries_orangesum.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    text = next(r["text"] for r in rows if "a t-il souligné" in r["text"])
    claim = next(c for c in attributions(text, "fr") if c.cue and "souligné" in c.cue)
    assert claim.type == "direct"
    assert text[claim.speaker_start : claim.speaker_end] == "il"  # type: ignore[misc]
    assert claim.speaker != "il"


def test_claims_de_reported_speech_with_sagte() -> None:
    text = (
        "Teamchef Frederic Vasseur sagte im Dezember, er glaube, dass dies zu einer "
        '"anderen Mentalität" in der Mannschaft führen werde.'
    )
    claim = only(text, "de")
    assert (claim.type, claim.speaker, claim.cue) == (
        "indirect",
        "Teamchef Frederic Vasseur",
        "sagte",
    )
    assert "Mentalität" in claim.text


def test_claims_de_quote_after_colon() -> None:
    text = (
        "Ein langjähriger Freund sagte Ihnen einmal: „Sharon, du bist wie ein Ferrari: Du "
        "siehst von außen gut aus, gehst aber nach fünf Meilen jedes Mal kaputt.“"
    )
    claim = only(text, "de")
    assert (claim.type, claim.speaker, claim.cue) == ("direct", "Ein langjähriger Freund", "sagte")


def test_claims_es_quote_then_speaker_and_interview_medium() -> None:
    text = (
        '"Las facultades que nos ha otorgado el régimen de excepción son necesarias para '
        'enfrentar este tipo de delincuencia y los resultados están a la vista", afirmó '
        "Delgado en una entrevista en el noticiero gubernamental."
    )
    claim = only(text, "es")
    assert (claim.type, claim.speaker, claim.cue) == ("direct", "Delgado", "afirmó")


def test_claims_es_appositive_and_que_clause() -> None:
    text = (
        "La exdiputada opositora, Lourdes Millares, dijo este martes que una fracción de la "
        "oposición en el Legislativo favorecerá al Movimiento al Socialismo (MAS)."
    )
    claim = only(text, "es")
    assert (claim.speaker, claim.role, claim.cue) == (
        "Lourdes Millares",
        "La exdiputada opositora",
        "dijo",
    )
    assert claim.text.startswith("que una fracción")


def test_claims_ru_according_to_and_statement() -> None:
    according = only("Согласно расчётам ООН, население Земли достигло 8 миллиардов человек.", "ru")
    assert (according.type, according.speaker) == ("according_to", "расчётам ООН")
    assert according.text.startswith("население Земли")
    stated = only(
        "Власти Германии заявили о раскрытии заговора с целью государственного переворота.", "ru"
    )
    assert (stated.type, stated.speaker, stated.cue) == ("indirect", "Власти Германии", "заявили")


def test_claims_uk_announcement() -> None:
    claim = only(
        "У Міжнародний день миру Путін оголосив мобілізацію в Росії та призов 300 тисяч "
        "резервістів (21 вересня)",
        "uk",
    )
    assert (claim.speaker, claim.cue) == ("Путін", "оголосив")
    assert "мобілізацію" in claim.text


def test_claims_pt_announcement() -> None:
    claim = only(
        "Rússia anuncia anexação dos oblasts da Ucrânia parcialmente ocupados após "
        "referendos amplamente condenados.",
        "pt",
    )
    assert (claim.speaker, claim.cue, claim.type) == ("Rússia", "anuncia", "indirect")


@pytest.mark.parametrize(
    ("text", "speaker", "kind"),
    [
        (
            "«Non ci sono le condizioni per un accordo», ha detto il ministro Giorgetti.",
            "il ministro Giorgetti",
            "direct",
        ),
        (
            "Secondo l'Istat, l'inflazione è scesa al 5,3 per cento a settembre.",
            "l'Istat",
            "according_to",
        ),
        (
            "Gli esperti avvertono che la crescita rallenterà nel prossimo anno.",
            "Gli esperti",
            "weasel",
        ),
    ],
)
def test_claims_it_quote_according_to_and_crowd(text: str, speaker: str, kind: str) -> None:
    claim = only(text, "it")
    assert (claim.speaker, claim.type) == (speaker, kind)


def test_claims_unconfirmed_phrases_in_each_language() -> None:
    cases = {
        "en": "The figures could not be independently verified.",
        "fr": "Ces chiffres n'ont pas pu être vérifiées de source indépendante.",
        "de": "Die Angaben ließen sich nicht unabhängig überprüfen.",
        "es": "La agencia no pudo verificar de forma independiente esas cifras.",
        "it": "Non è stato possibile verificare in modo indipendente queste cifre.",
        "pt": "Não foi possível verificar de forma independente os números.",
        "ru": "Эти данные не удалось независимо проверить.",
        "uk": "Ці дані не вдалося незалежно перевірити.",
    }
    for language, text in cases.items():
        found = attributions(text, language)
        assert [(c.type, c.status) for c in found] == [("verification", "unconfirmed")], language


def test_claims_no_crash_on_any_dev_text_in_any_language() -> None:
    texts: list[tuple[str, str | None]] = []
    for name in ("stories_itn.jsonl", "summaries_orangesum.jsonl", "stories_ecbplus.jsonl"):
        for line in (DEV / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            texts.append((row["text"], row.get("language")))
    languages = {language for _, language in texts}
    assert len(languages) > 40
    claims = sum(len(extract_claims(text, [], language)) for text, language in texts)
    assert claims > len(texts)


def test_claims_de_headline_colon_needs_someone_to_speak() -> None:
    from newstrace import RawDocument, analyze

    # Teasers of a news page: a name (found again in the text) before the colon is its
    # speaker; a topic before it is not: a label of news pages ("Brexit", "Coronavirus": a
    # German noun is capitalised like a name) or a place ("Ukraine").
    text = (
        "Die Nachrichten am Montag\n\n"
        "Spahn: Die Kontakte müssen weiter eingeschränkt werden\n\n"
        "Berlin. Gesundheitsminister Jens Spahn hat die Bürger am Montag zu Geduld in der "
        "Krise aufgerufen. Die Lage sei ernst, sagte Spahn nach einer Sitzung des Kabinetts.\n\n"
        "Brexit: Johnson droht mit dem Abbruch der Gespräche\n\n"
        "Coronavirus: Zahl der Neuinfektionen steigt wieder\n\n"
        "Ukraine: Russische Truppen greifen Charkiw erneut an\n\n"
        "Der britische Premierminister Boris Johnson hat der EU mit einem Abbruch der "
        "Verhandlungen gedroht.\n"
    )
    article = analyze(RawDocument(source="teasers.txt", text=text, language="de"))
    speakers = {c.speaker for c in article.claims if c.type != "unattributed"}
    assert not speakers & {"Brexit", "Coronavirus", "Ukraine"}, speakers
    headline = [c for c in article.claims if c.text.startswith("Die Kontakte")]
    assert len(headline) == 1 and (headline[0].speaker or "").endswith("Jens Spahn")
