"""The story index keeps a bounded window: old stories leave, memory and candidates stay capped."""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import replace

import numpy as np
import pytest
from conftest import DEV

from benchmarks.stories import _digest, load_vectors, synthetic
from newstrace.stories.centre import shipped_means
from newstrace.stories.encoders import HashedEncoder
from newstrace.stories.features import StoryFeatures, words
from newstrace.stories.index import MAX_POSTINGS, MAX_VOCABULARY, StoryIndex
from newstrace.stories.scorer import FEATURES as FEATURES_ORDER
from newstrace.stories.similarity import StoryConfig

DAY = 86400.0


def centred(vector: np.ndarray, language: str | None) -> np.ndarray:
    """An e5 vector of the fixture as the story encoder gives it (the shipped language means
    taken away)."""
    means = shipped_means()
    assert means is not None
    return means.centre(np.array([vector]), [language])[0]


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


def test_index_keeps_at_most_max_stories_and_lets_the_oldest_dated_go_first(
    blurbs: list[StoryFeatures],
) -> None:
    config = StoryConfig(max_stories=40)
    index = StoryIndex(config)
    for item in blurbs:
        index.assign(item)
    assert len(index.stories) == 40
    kept = min(s.last_time or 0.0 for s in index.stories.values())
    # Every dated blurb newer than the oldest kept story is in a kept story or was merged.
    newest = sorted((f.time or 0.0 for f in blurbs), reverse=True)[:40]
    assert kept <= min(newest)
    live = sum(rows.live() for rows in index._buckets.values())
    assert live >= len(index.stories)


def test_index_memory_stops_growing_once_max_stories_is_reached(
    blurbs: list[StoryFeatures],
) -> None:
    # One article every 300 s; three passes over the dev blurbs store ~4,900 articles, and
    # the index holds at most 500 stories from the first pass on.
    index = StoryIndex(StoryConfig(max_stories=500))
    after: list[dict[str, int]] = []
    for number in range(3 * len(blurbs)):
        index.assign(synthetic(blurbs, number))
        if (number + 1) % len(blurbs) == 0:
            after.append(index.footprint())
    first, _, last = after
    for part in ("stories", "counts", "postings", "times", "members"):
        assert last[part] <= 1.25 * first[part], (part, first, last)
    assert last["vocabulary"] <= MAX_VOCABULARY


def test_a_backfilled_article_joins_its_story_after_months_of_newer_ones(
    blurbs: list[StoryFeatures],
) -> None:
    stories: dict[str, list[StoryFeatures]] = {}
    for item in blurbs:
        stories.setdefault(item.article_id.split("-")[0], []).append(item)
    story = min(
        (
            s
            for s in stories.values()
            if len(s) >= 5 and (s[-1].time or 0.0) - (s[0].time or 0.0) < 10 * DAY
        ),
        key=lambda s: s[0].time or 0.0,
    )
    index = StoryIndex(StoryConfig())
    for item in story:
        index.assign(item)
    home = index.resolve(story[0].article_id)
    # Months of other news arrive, all dated after the story (past its time buckets).
    later = [f for f in blurbs if (f.time or 0.0) > (story[-1].time or 0.0) + 40 * DAY]
    assert (later[-1].time or 0.0) - (later[0].time or 0.0) > 90 * DAY
    for item in later:
        index.assign(item)
    # Then a copy of its first blurb, dated an hour after it (a backfill).
    again = replace(story[0], article_id="again", time=(story[0].time or 0.0) + 3600)
    found, _ = index.assign(again)
    assert index.resolve(found) == index.resolve(home)


def _partition(index: StoryIndex, assigned: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for article, story in assigned.items():
        groups.setdefault(index.resolve(story), set()).add(article)
    return {frozenset(group) for group in groups.values()}


def test_the_correction_step_decides_a_window_whatever_order_it_arrived_in(
    blurbs: list[StoryFeatures],
) -> None:
    # The last 30 days of blurbs with their e5 vectors, centred as the story encoder gives
    # them (those the pair model is fitted on):
    # one window, ingested in publication order and shuffled.
    vectors = load_vectors()
    rows = [json.loads(line) for line in (DEV / "stories_itn.jsonl").open(encoding="utf-8")]
    texts = {row["id"]: row["text"] for row in rows}
    newest = blurbs[-1].time or 0.0
    window = []
    for item in blurbs:
        if (item.time or 0.0) > newest - 30 * DAY:
            vector = vectors[_digest(texts[item.article_id])]
            vector = centred(vector, item.language)
            window.append(replace(item, vector=vector))
    assert len(window) > 100
    found = []
    for seed in (None, 1, 2):
        arrived = list(window)
        if seed is not None:
            random.Random(seed).shuffle(arrived)
        index = StoryIndex(StoryConfig())
        assigned = {f.article_id: index.assign(f)[0] for f in arrived}
        online = _partition(index, assigned)
        members = [(index.resolve(assigned[f.article_id]), f) for f in arrived]
        assigned.update(index.refine(members))
        found.append((online, _partition(index, assigned)))
        assert sorted(a for group in found[-1][1] for a in group) == sorted(
            f.article_id for f in window
        )
    # The online step depends on the order; after the correction step it does not.
    assert found[0][0] != found[1][0] or found[0][0] != found[2][0]
    assert found[0][1] == found[1][1] == found[2][1]


def test_two_stories_of_one_event_merge_and_the_absorbed_id_redirects(
    blurbs: list[StoryFeatures],
) -> None:
    index = StoryIndex(StoryConfig())
    first, unrelated = blurbs[0], blurbs[-1]
    # One event split in two stories, as arrival order can leave it, and an unrelated one.
    index.add("left", first)
    index.add("left", replace(first, article_id="left-2", time=(first.time or 0.0) + 600))
    index.add("right", replace(first, article_id="right-1", time=(first.time or 0.0) + 1200))
    index.add("other", replace(unrelated, time=(first.time or 0.0) + 1800))
    assert index.merge_if_same("left", "other") == "left"
    survivor = index.merge_if_same("left", "right")
    assert survivor == "left" and index.resolve("right") == "left"
    assert index.merges == [("right", "left")]
    assert index.stories["left"].size == 3 and "right" not in index.stories
    # An article of the event now finds the merged story.
    found, _ = index.assign(replace(first, article_id="later", time=(first.time or 0.0) + 3600))
    assert index.resolve(found) == "left"


def test_an_index_follows_a_merge_another_writer_recorded(blurbs: list[StoryFeatures]) -> None:
    first, unrelated = blurbs[0], blurbs[-1]
    members = [
        ("left", first),
        ("left", replace(first, article_id="left-2", time=(first.time or 0.0) + 600)),
        ("right", replace(first, article_id="right-1", time=(first.time or 0.0) + 1200)),
        ("other", replace(unrelated, time=(first.time or 0.0) + 1800)),
    ]
    writer, reader = StoryIndex(StoryConfig()), StoryIndex(StoryConfig())
    writer.load(members)
    reader.load(members)
    assert writer.merge_if_same("left", "right") == "left"
    reader.follow("right", "left")
    assert reader.merges == [] and reader.resolve("right") == "left"
    assert {k: s.size for k, s in reader.stories.items()} == {
        k: s.size for k, s in writer.stories.items()
    }
    probe = replace(first, article_id="later", time=(first.time or 0.0) + 3600)
    assert reader.best(probe) == writer.best(probe)
    # An index holding only the absorbed story goes on with it under the survivor's id.
    partial = StoryIndex(StoryConfig())
    partial.load(members[2:])
    partial.follow("right", "left")
    assert sorted(partial.stories) == ["left", "other"] and partial.stories["left"].size == 1
    assert partial.resolve(partial.assign(probe)[0]) == "left"


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


def test_figures_count_as_sets_one_figure_among_many_says_little() -> None:
    # A post with one figure and a page with a list of 54: the figure is among them, but the
    # two share a story no more for it (the cosine of the sets, 1/√54), whichever comes first.
    vector = np.zeros(4, np.float32)
    one = StoryFeatures("post", "de", 0.0, "Musik", numbers=frozenset({"15"}), vector=vector)
    many = StoryFeatures(
        "page",
        "zh",
        0.0,
        "Sängerin",
        numbers=frozenset(str(n) for n in range(10, 64)),
        vector=vector,
    )
    same = StoryFeatures("copy", "en", 0.0, "Copy", numbers=frozenset({"15"}), vector=vector)
    index = StoryIndex(StoryConfig())
    place = FEATURES_ORDER.index("numbers")
    for first, second in ((one, many), (many, one)):
        state = index.stories.get(first.article_id) or index.stories[index.assign(first)[0]]
        found = index.features(second, state, 0.0, index.units(second))[place]
        assert found == pytest.approx(54**-0.5)
    state = index.stories[index.resolve(one.article_id)]
    assert index.features(same, state, 0.0, index.units(same))[place] == pytest.approx(1.0)
