"""derives_from on real articles: a trimmed copy is a copy, two reports of one event are not."""

from __future__ import annotations

import json

from conftest import DEV

from benchmarks.stories import analysis_pipeline
from newstrace.model import Article, RawDocument
from newstrace.pipeline import Context
from newstrace.stories.derive import detect
from newstrace.stories.encoders import story_encoder
from newstrace.stories.features import StoryFeatures, featurize


def _ecb(story: str, count: int) -> list[dict[str, str]]:
    rows = [json.loads(line) for line in (DEV / "stories_ecbplus.jsonl").open(encoding="utf-8")]
    return [r for r in rows if r["story"] == story][:count]


def _features(texts: list[str]) -> list[StoryFeatures]:
    context = Context(models={"spacy": False})
    pipeline = analysis_pipeline()
    articles: list[Article] = [
        pipeline.run(RawDocument(source=f"doc{i}", text=text), context)
        for i, text in enumerate(texts)
    ]
    return featurize(articles, story_encoder(), [float(i) for i in range(len(texts))])


def test_a_copy_with_its_last_paragraph_cut_derives_from_the_original() -> None:
    original = _ecb("1-ecb", 1)[0]["text"]
    trimmed = "\n".join(original.split("\n")[:-1])
    first, second = _features([original, trimmed])
    found = detect(second, [first])
    assert found is not None and found.kind == "copy" and found.source_id == first.article_id


def test_two_reports_of_one_event_do_not_derive_from_each_other() -> None:
    rows = _ecb("1-ecb", 3)
    items = _features([r["text"] for r in rows])
    assert all(detect(item, items[:i]) is None for i, item in enumerate(items))


def test_a_later_article_never_is_the_source_of_an_earlier_one() -> None:
    original = _ecb("1-ecb", 1)[0]["text"]
    first, second = _features([original, original + "\nUpdated."])
    assert detect(first, [second]) is None
