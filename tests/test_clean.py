"""The clean stage: furniture, related headlines, repeats, byline, bio and title out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, SEEDS

from newstrace.analysis.base import Context
from newstrace.analysis.clean import clean, is_furniture, line_key, rules
from newstrace.analysis.extract import extract
from newstrace.model import Article, RawDocument
from newstrace.pipeline import Pipeline

EXPECTED = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))["articles"]
CLEAN = FIXTURES / "clean"
PIPELINE = Pipeline([extract, clean])


def run_text(name: str, text: str, title: str | None = None) -> Article:
    return PIPELINE.run(RawDocument(source=name, text=text, title=title))


def reasons_of(article: Article) -> dict[str, str]:
    return {r.text: r.reason for r in article.removed}


def content_lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_furniture_and_bio_are_taken_out_with_a_reason(seeds_dir: Path, name: str) -> None:
    article = run_text(name, (seeds_dir / name).read_text(encoding="utf-8"))
    for snippet in EXPECTED[name]["must_be_removed"]:
        assert snippet not in article.text
        assert any(snippet in r.text and r.reason for r in article.removed), snippet


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_keeps_every_content_line_unchanged(seeds_dir: Path, name: str) -> None:
    raw = (seeds_dir / name).read_text(encoding="utf-8")
    article = run_text(name, raw)
    removed = {r.text for r in article.removed}
    expected = [line for line in content_lines(raw) if line.strip() not in removed]
    assert content_lines(article.text) == expected
    assert len(expected) >= 5  # the body paragraphs of both seeds
    assert article.text == article.text.strip()


def test_seed_000_byline_and_author_bio_are_split_out(seeds_dir: Path) -> None:
    name = "000_922ab060dcfde385.txt"
    article = run_text(name, (seeds_dir / name).read_text(encoding="utf-8"))
    assert article.byline == EXPECTED[name]["byline"] == "Petr Plateník"
    assert [r.reason for r in article.removed] == ["byline", "author_bio"]
    assert article.title is None  # its first line is a long sentence, not a headline
    assert article.text.startswith("Vladimir Rogov, président du mouvement")


def test_seed_002_headline_becomes_title_and_trailing_headlines_go(seeds_dir: Path) -> None:
    name = "002_675ba3ab04b08978.txt"
    article = run_text(name, (seeds_dir / name).read_text(encoding="utf-8"))
    assert article.title == EXPECTED[name]["title"]
    reasons = reasons_of(article)
    assert reasons[EXPECTED[name]["title"]] == "title"
    assert reasons["Previous Article"] == reasons["Next Article"] == "furniture"
    related = [r.text for r in article.removed if r.reason == "related_headline"]
    assert len(related) == 2
    assert related[0].startswith("Al-Nasr Faces Coaching Change")
    assert related[1].startswith("ARIS Coach Refutes Kokorin")
    assert article.byline is None
    assert article.text.endswith("contentious political campaigns and advocacy groups.")


@pytest.mark.parametrize("lang", ["en", "fr", "de", "es", "it", "pt", "ru", "uk"])
def test_each_language_furniture_byline_and_related_block_are_removed(lang: str) -> None:
    raw = (CLEAN / f"{lang}.txt").read_text(encoding="utf-8")
    expected = json.loads((CLEAN / f"{lang}.json").read_text(encoding="utf-8"))
    article = run_text(f"{lang}.txt", raw)
    assert article.title == expected["title"]
    assert article.byline == expected["byline"]
    reasons = reasons_of(article)
    for line in expected["furniture"]:
        assert reasons.get(line) == "furniture", line
    for line in expected["related_headline"]:
        assert reasons.get(line) == "related_headline", line
    kept = [line for line in content_lines(raw) if line not in reasons]
    assert content_lines(article.text) == kept
    assert len(kept) == 3  # the three body paragraphs, characters unchanged


def test_furniture_in_another_language_than_the_article_is_removed() -> None:
    text = (
        "Le gouvernement a présenté mercredi son projet de budget pour l'année prochaine.\n"
        "Read more: Markets react to the budget\n"
        "Weiterlesen\n"
        "Les députés commenceront l'examen du texte en commission la semaine prochaine."
    )
    article = run_text("mixed.txt", text)
    assert [r.reason for r in article.removed] == ["furniture", "furniture"]
    assert content_lines(article.text) == [content_lines(text)[0], content_lines(text)[3]]


def test_furniture_matching_ignores_case_punctuation_and_table_pipes() -> None:
    current = rules()
    assert is_furniture("SHARE ON FACEBOOK!", current)
    assert is_furniture("| \xa0\xa0Weitere\xa0Artikel\xa0zum\xa0Thema | ", current)
    assert is_furniture("Lire aussi : « La Russie recrute à l'étranger »", current)
    assert is_furniture("Tags: Ukraine, Russia", current)
    assert not is_furniture("Tagsüber bleibt es trocken, am Abend zieht Regen auf.", current)
    assert not is_furniture("- Stand- und Bruchsicherheit Kriterien zur Begutachtung", current)
    assert not is_furniture("Was ist denn jetzt Werbung?", current)


def test_a_furniture_word_inside_a_long_paragraph_keeps_the_paragraph() -> None:
    paragraph = (
        "The company said it would stop sending its weekly newsletter to customers who had "
        "not opened it in a year, a change that it expects to cut costs, and read more "
        "complaints as a sign that the advertising model no longer works for small publishers."
    )
    article = run_text(
        "long.txt", "Opening paragraph of the story, with a full sentence.\n" + paragraph
    )
    assert paragraph in article.text.split("\n")
    assert article.removed == []


def test_repeated_paragraph_keeps_its_first_copy_but_short_repeats_stay() -> None:
    quote = "“We will not accept any deal that leaves our members worse off,” the union said."
    text = f"{quote}\nTalks resume on Friday in Brussels.\nYes\n{quote}\nYes\nNo date was set."
    article = run_text("repeat.txt", text)
    assert [(r.text, r.reason) for r in article.removed] == [(quote, "duplicate")]
    assert article.text.split("\n").count("Yes") == 2
    assert article.text.startswith(quote)


def test_generic_author_bio_after_a_closing_byline_is_removed() -> None:
    text = (
        "The city council approved the new cycling plan on Tuesday after a four-hour debate.\n"
        "Construction of the first lanes should begin in the spring, officials said.\n"
        "By Tom Archer\n"
        "Avid reader. Coffee lover. Amateur explorer. Music fan."
    )
    article = run_text("bio.txt", text)
    assert article.byline == "Tom Archer"
    assert [r.reason for r in article.removed] == ["byline", "author_bio"]
    assert article.text.endswith("officials said.")


def test_byline_from_html_metadata_is_kept_and_the_line_still_removed() -> None:
    raw = RawDocument(
        source="meta.txt",
        text="Par Claire Dubois\nLe Sénat a adopté le texte en première lecture mardi soir.",
        byline="Claire Dubois (AFP)",
    )
    article = PIPELINE.run(raw)
    assert article.byline == "Claire Dubois (AFP)"
    assert reasons_of(article) == {"Par Claire Dubois": "byline"}


def test_sentence_starting_with_a_byline_word_is_not_a_byline() -> None:
    text = "Von Anfang an war klar, dass die Verhandlungen schwierig werden würden.\nEnde."
    article = run_text("von.txt", text)
    assert article.byline is None
    assert article.removed == []


def test_html_title_repeated_as_first_line_is_removed(dev_dir: Path) -> None:
    pages = dev_dir / "extraction_pages"
    gold = json.loads((pages / "expected.json").read_text(encoding="utf-8"))
    url, page = next((u, g) for u, g in gold.items() if g["file"] == "pcgamer.com.skyrim.html")
    html = (pages / "pages" / page["file"]).read_text(encoding="utf-8", errors="replace")
    article = PIPELINE.run(RawDocument(source=page["file"], html=html, url=url))
    assert article.title is not None
    titles = [r.text for r in article.removed if r.reason == "title"]
    assert [line_key(t) for t in titles] == [line_key(article.title)]
    assert not article.text.startswith(article.title)
    assert "PC Gamer Newsletter" in reasons_of(article)


def test_first_line_followed_by_text_is_not_taken_as_title() -> None:
    text = "Breaking news from the capital\nThe parliament voted on Tuesday to dissolve itself."
    article = run_text("no-blank.txt", text)
    assert article.title is None
    assert article.removed == []


@pytest.mark.parametrize(
    ("text", "kept", "removed"),
    [
        ("", "", []),
        ("\n\n\n", "", []),
        ("   ", "", []),
        ("«»", "«»", []),
        ("\t|\t|", "|\t|", []),
        ("Read more", "", [("Read more", "furniture")]),
        ("x" * 100_000, "x" * 100_000, []),
        ("a\n" * 5000, ("a\n" * 5000).strip(), []),  # short repeats are not furniture
    ],
)
def test_odd_input_keeps_its_text_and_takes_out_only_furniture(
    text: str, kept: str, removed: list[tuple[str, str]]
) -> None:
    article = clean.run(Article(id="", source="odd", text=text), Context())
    assert article.text == kept
    assert [(r.text, r.reason) for r in article.removed] == removed


def test_opening_byline_does_not_turn_the_first_paragraph_into_a_bio() -> None:
    first = "The award-winning writer and explorer died on Sunday in Oslo, aged 84."
    text = (
        f"By Tom Archer\n{first}\n"
        "Her books on the Arctic sold millions of copies in more than thirty languages.\n"
        "She is survived by two daughters, her publisher said in a statement on Monday."
    )
    article = run_text("obituary.txt", text)
    assert article.byline == "Tom Archer"
    assert reasons_of(article) == {"By Tom Archer": "byline"}
    assert article.text.startswith(first)
