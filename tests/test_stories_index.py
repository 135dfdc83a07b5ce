"""The story index keeps a bounded window: old stories leave, memory and candidates stay capped."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace

import pytest
from conftest import DEV

from benchmarks.stories import synthetic
from newstrace.stories.encoders import HashedEncoder
from newstrace.stories.features import StoryFeatures, words
from newstrace.stories.index import MAX_POSTINGS, MAX_VOCABULARY, StoryIndex
from newstrace.stories.similarity import StoryConfig

DAY = 86400.0


@pytest.fixture(scope="module")
def blurbs() -> list[StoryFeatures]:
    """The ITN dev blurbs (48 languages) as story features, their time from their id."""
    rows = [json.loads(line) for line in (DEV / "stories_itn.jsonl").open(encoding="utf-8")]
    vectors = HashedEncoder().encode([row["text"] for row in rows])
    items = [
        StoryFeatures(
            article_id=row["id"],
            language=row["language"],
            time=float(row["id"].rsplit("-", 1)[-1]),
            title=row["text"][:80],
            words=dict(Counter(words(row["text"]))),
            vector=vectors[position],
        )
        for position, row in enumerate(rows)
    ]
    return sorted(items, key=lambda f: f.time or 0.0)


def test_index_lets_go_of_stories_whose_last_article_left_the_window(
    blurbs: list[StoryFeatures],
) -> None:
    config = StoryConfig(window_seconds=7 * DAY)
    index = StoryIndex(config)
    for item in blurbs:
        index.assign(item)
    newest = max(f.time or 0.0 for f in blurbs)
    assert index.stories, "the last week of the stream keeps some stories"
    assert all(
        (s.last_time or 0.0) >= newest - config.window_seconds for s in index.stories.values()
    )
    assert len(index.stories) < len({f.article_id for f in blurbs})
    live_rows = int(index._alive.sum())
    assert live_rows == len(index.stories)


def test_index_memory_stops_growing_once_the_window_is_full(blurbs: list[StoryFeatures]) -> None:
    # A one-day window over the synthetic stream (one article every 300 s): full after 288
    # articles; three passes over the dev blurbs store ~4,900 articles.
    index = StoryIndex(StoryConfig(window_seconds=DAY))
    after: list[dict[str, int]] = []
    for number in range(3 * len(blurbs)):
        index.assign(synthetic(blurbs, number))
        if (number + 1) % len(blurbs) == 0:
            after.append(index.footprint())
    first, _, last = after
    # The window's part stays put; the vocabulary grows (new words) up to its own cap.
    for part in ("stories", "matrix_rows", "counts", "postings", "times", "members"):
        assert last[part] <= 1.25 * first[part], (part, first, last)
    assert last["vocabulary"] <= MAX_VOCABULARY


def test_a_key_shared_by_many_stories_brings_only_the_capped_candidates(
    blurbs: list[StoryFeatures],
) -> None:
    config = StoryConfig(window_seconds=1e12)
    index = StoryIndex(config)
    # Every blurb names one common place, as "United States" runs through a month of news.
    for item in blurbs:
        index.add(item.article_id, replace(item, keys={"place:common": 1.0}))
    assert len(index._postings["place:common"]) == MAX_POSTINGS
    probe = replace(blurbs[0], article_id="probe", keys={"place:common": 1.0})
    assert len(index.candidates(probe)) <= 2 * config.candidates


def test_a_blurb_repeated_later_in_the_window_joins_its_first_story(
    blurbs: list[StoryFeatures],
) -> None:
    index = StoryIndex(StoryConfig())
    for item in blurbs[:200]:
        index.assign(item)
    last = blurbs[199]
    story = next(
        s.id for s in index.stories.values() if last.article_id in {m.article_id for m in s.members}
    )
    again = replace(last, article_id="again", time=(last.time or 0.0) + DAY)
    assert index.assign(again)[0] == story
