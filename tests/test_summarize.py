"""Article summaries: the seeds, budgets, order, attribution, odd inputs, any script."""

from __future__ import annotations

import json
import pickle
import re
from pathlib import Path

import pytest

from benchmarks.summary_eval import load_orangesum
from newstrace.analysis.segment import split_sentences
from newstrace.analysis.summary.extractive import SUMMARY_VERSION, leans_back, summarize
from newstrace.model import Article, Claim, RawDocument, Sentence
from newstrace.pipeline import analyze


def _seed(seeds_dir: Path, name: str) -> Article:
    """A seed through the whole pipeline, claims included."""
    raw = RawDocument(source=name, text=(seeds_dir / name).read_text(encoding="utf-8"))
    return analyze(raw)


def _expected(seeds_dir: Path) -> dict[str, dict[str, object]]:
    articles: dict[str, dict[str, object]] = json.loads(
        (seeds_dir / "expected.json").read_text(encoding="utf-8")
    )["articles"]
    return articles


def _claim(article: Article, speaker: str | None, surface: str, after: int = 0) -> Claim:
    """A hand-built claim whose speaker phrase is the first `surface` from `after`."""
    start = article.text.index(surface, after)
    return Claim(
        speaker=speaker, speaker_key=None, speaker_start=start, speaker_end=start + len(surface),
        role=None, cue=None, cue_start=None, cue_end=None, medium=None, type="indirect",
        status="attributed", text="", start=start, end=start + len(surface),
    )  # fmt: skip


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


@pytest.fixture(scope="module")
def orangesum(dev_dir: Path) -> list[Article]:
    return [ref.article for ref in load_orangesum(dev_dir / "summaries_orangesum.jsonl")][:40]


@pytest.mark.parametrize("name", ["000_922ab060dcfde385.txt", "002_675ba3ab04b08978.txt"])
def test_seed_summary_has_three_sentences_and_no_furniture(seeds_dir: Path, name: str) -> None:
    article = _seed(seeds_dir, name)
    summary = summarize(article)
    assert len(summary.sentences) == 3
    removed = [str(text) for text in _expected(seeds_dir)[name]["must_be_removed"]]  # type: ignore[attr-defined]
    for line in removed:
        assert line not in summary.text
    for shown in summary.sentences:
        assert _words(shown.text) >= 6, shown.text


@pytest.mark.parametrize("name", ["000_922ab060dcfde385.txt", "002_675ba3ab04b08978.txt"])
def test_seed_summary_names_every_speaker(seeds_dir: Path, name: str) -> None:
    article = _seed(seeds_dir, name)
    summary = summarize(article)
    for shown in summary.sentences:
        for claim in article.claims:
            start = claim.speaker_start
            if start is None or not shown.start <= start < shown.end:
                continue
            assert claim.speaker is not None, f"unnamed speaker in {shown.text!r}"
            surface = article.text[start : claim.speaker_end]
            named = set(re.findall(r"\w+", surface.casefold())) & set(
                re.findall(r"\w+", claim.speaker.casefold())
            )
            assert named or f"[{claim.speaker}]" in shown.text, shown.text


def test_pronoun_speaker_is_shown_with_the_resolved_name(seeds_dir: Path) -> None:
    article = _seed(seeds_dir, "002_675ba3ab04b08978.txt")
    article.claims = [_claim(article, "Vladimir Rogov", "He indicated")]
    article.claims[0].speaker_end = article.claims[0].speaker_start + 2  # type: ignore[operator]
    summary = summarize(article, sentences=len(article.sentences))
    shown = next(s for s in summary.sentences if "indicated that" in s.text)
    assert shown.text.startswith("[Vladimir Rogov] indicated that")
    assert article.text[shown.start : shown.end].startswith("He indicated that")


def test_inverted_french_pronoun_keeps_the_verb_and_adds_the_name(seeds_dir: Path) -> None:
    article = _seed(seeds_dir, "000_922ab060dcfde385.txt")
    cue = article.text.index("a-t-il déclaré")
    article.claims = [_claim(article, "Vladimir Poutine", "il", after=cue)]
    summary = summarize(article, sentences=len(article.sentences))
    assert "a-t-il [Vladimir Poutine] déclaré" in summary.text


def test_sentence_with_unresolved_speaker_gives_way_to_another(seeds_dir: Path) -> None:
    article = _seed(seeds_dir, "002_675ba3ab04b08978.txt")
    article.claims = []
    first = summarize(article, sentences=1).sentences[0]
    article.claims = [_claim(article, None, article.text[first.start : first.start + 5])]
    again = summarize(article, sentences=1).sentences[0]
    assert again.start != first.start


def test_summary_keeps_the_order_of_the_article(orangesum: list[Article]) -> None:
    for article in orangesum:
        starts = [s.start for s in summarize(article, sentences=4).sentences]
        assert starts == sorted(starts)


def test_summary_sentences_are_the_article_text_at_their_offsets(
    orangesum: list[Article],
) -> None:
    for article in orangesum:
        for shown in summarize(article).sentences:
            original = article.text[shown.start : shown.end]
            assert shown.text == shown.text.strip()
            if shown.text == original:
                continue
            # Only a speaker named in brackets may differ: "[Vladimir Rogov] indicated" in
            # place of "He indicated", or "explique-t-elle [Name]".
            assert "[" in shown.text, (shown.text, original)
            kept = re.sub(r"\s*\[[^\]]+\]", "", shown.text).split()
            words = original.split()
            assert len(words) - len(kept) <= 1 and all(w in words for w in kept)


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_summary_respects_the_sentence_budget(orangesum: list[Article], count: int) -> None:
    for article in orangesum:
        summary = summarize(article, sentences=count)
        assert len(summary.sentences) == min(count, len(article.sentences))


@pytest.mark.parametrize("budget", [15, 32, 60])
def test_summary_respects_the_word_budget(orangesum: list[Article], budget: int) -> None:
    for article in orangesum:
        summary = summarize(article, sentences=10, words=budget)
        assert summary.sentences
        if len(summary.sentences) > 1:
            assert _words(summary.text) <= budget


def test_empty_article_has_an_empty_summary() -> None:
    for text in ("", "   \n\n  "):
        article = Article(id="x", source="empty", text=text, sentences=split_sentences(text))
        summary = summarize(article)
        assert summary.sentences == []
        assert summary.text == ""


def test_one_sentence_article_is_its_own_summary() -> None:
    text = "Le Parlement a adopté mardi la loi sur l'eau par 310 voix contre 12."
    article = Article(id="x", source="one", text=text, sentences=split_sentences(text))
    summary = summarize(article, sentences=3)
    assert [s.text for s in summary.sentences] == [text]


def test_offsets_out_of_range_do_not_crash() -> None:
    text = "A first sentence of the text. A second one here."
    article = Article(
        id="x", source="bad", text=text, sentences=[Sentence(40, 500), Sentence(9, 3)]
    )
    assert summarize(article).text == "ne here."


def test_article_without_sentences_is_summarised_by_its_lines() -> None:
    text = "The council voted on Monday to close the old bridge.\nRepairs will cost millions."
    summary = summarize(Article(id="x", source="lines", text=text), sentences=1)
    assert summary.text in text.splitlines()


@pytest.mark.parametrize("language", ["ru", "uk", "zh", "ar", "th", "ko"])
def test_non_latin_scripts_are_summarised(dev_dir: Path, language: str) -> None:
    rows = [json.loads(line) for line in (dev_dir / "stories_itn.jsonl").open(encoding="utf-8")]
    blurbs = [str(row["text"]) for row in rows if row["language"] == language][:12]
    text = "\n".join(blurbs)
    spans, position = [], 0
    for blurb in blurbs:
        spans.append(Sentence(position, position + len(blurb)))
        position += len(blurb) + 1
    article = Article(id="x", source=language, language=language, text=text, sentences=spans)
    summary = summarize(article, sentences=3)
    assert len(summary.sentences) == 3
    assert all(s.text in blurbs for s in summary.sentences)


def test_summary_is_deterministic_and_survives_a_round_trip(orangesum: list[Article]) -> None:
    for article in orangesum[:10]:
        copy = Article.from_dict(json.loads(json.dumps(article.to_dict())))
        assert summarize(article) == summarize(article) == summarize(copy)
        assert summarize(pickle.loads(pickle.dumps(article))) == summarize(article)


def test_summary_version_is_a_non_empty_string() -> None:
    assert isinstance(SUMMARY_VERSION, str)
    assert SUMMARY_VERSION.strip()


def test_summary_is_stamped_with_the_summarizer_version(orangesum: list[Article]) -> None:
    assert summarize(orangesum[0]).version == SUMMARY_VERSION
    assert summarize(Article(id="x", source="empty")).version == SUMMARY_VERSION


def test_orangesum_articles_are_segmented_by_the_pipeline(orangesum: list[Article]) -> None:
    glued = next(a for a in orangesum if re.search(r"[a-zé]\.[A-Z][a-z]", a.text))
    assert glued.language == "fr"
    assert any(re.search(r"[a-zé]\.$", text) for text in glued.sentence_texts())
    assert not any(re.search(r"[a-zé]\.[A-Z][a-z]", text) for text in glued.sentence_texts())


@pytest.mark.parametrize(
    ("text", "language", "leans"),
    [
        ("Das hat sich zum Glück geändert.", "de", True),
        ("Das Unternehmen hat am Montag Insolvenz angemeldet.", "de", False),
        ("C'est la première fois depuis 1995.", "fr", True),
        ("Celle-ci a refusé de commenter.", "fr", True),
        ("This decision was taken on Monday.", "en", True),
        ("This Tuesday the court ruled.", "en", False),
        ("Это было неожиданно для всех.", "ru", True),
        ("«Это было неожиданно», — сказал он.", "ru", False),
        ("[Méhana Mouhou] explique que rien n'a changé.", "fr", False),
        ("Heute beginnt der Prozess.", "de", False),
        ("Das hat sich geändert.", "xx", False),
    ],
)
def test_a_sentence_leaning_on_the_one_before_is_recognised(
    text: str, language: str, leans: bool
) -> None:
    assert leans_back(text, language) is leans


def test_summary_does_not_open_with_a_sentence_that_leans_on_the_one_before(dev_dir: Path) -> None:
    # A real German page (tvtoday.de): "Das hat sich zum Glück geändert." was its summary's
    # first sentence, without the sentence it answers.
    page = dev_dir / "extraction_pages" / "pages" / "tvtoday.de-willsmith.html"
    article = analyze(RawDocument(source=page.name, text=page.read_text(encoding="utf-8")))
    shown = summarize(article, sentences=3).sentences
    assert shown and all(s.text for s in shown)
    starts = [s.start for s in article.sentences]
    for sentence in shown:
        index = starts.index(sentence.start)
        if leans_back(sentence.text, article.language):
            assert index > 0 and article.sentences[index - 1].start in {s.start for s in shown}
    assert not shown[0].text.startswith("Das hat sich")
    alone = summarize(article, sentences=1).sentences
    assert len(alone) == 1 and not leans_back(alone[0].text, article.language)


def test_summary_does_not_repeat_the_title_line_of_the_page(dev_dir: Path) -> None:
    # A real German page (autozeitung.de): its roofline, which is also its title, and its
    # headline make one line at the top of the text, and that line opened the summary.
    page = dev_dir / "extraction_pages" / "pages" / "autozeitung.de-adblue.html"
    article = analyze(RawDocument(source=page.name, html=page.read_text(encoding="utf-8")))
    assert article.title and article.text.startswith(article.title)
    shown = summarize(article, sentences=3).sentences
    assert len(shown) == 3
    assert not any(s.text.startswith(article.title) for s in shown)
    assert shown[0].text.startswith("Moderne Dieselautos")
