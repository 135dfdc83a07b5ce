"""The correction step over a store (`restory --recent`): the early mistakes of a backfill
in random order undone, the store left consistent, every old story id still found."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from conftest import DEV

from benchmarks.stories import bcubed, load_vectors
from newstrace import cli, facade
from newstrace.model import Article
from newstrace.store import Store
from newstrace.store.base import BaseStore
from newstrace.stories.centre import shipped_means
from newstrace.stories.correct import correct
from newstrace.stories.encoders import story_encoder
from newstrace.stories.features import StoryFeatures, words
from newstrace.stories.service import assign_features, assigner_for

DAY = 86400.0


def centred(vector: np.ndarray, language: str | None) -> np.ndarray:
    """An e5 vector of the fixture as the story encoder gives it (the shipped language means
    taken away)."""
    means = shipped_means()
    assert means is not None
    return means.centre(np.array([vector]), [language])[0]


# The ITN blurbs of the last 60 days of the dev file: ~400 in ~40 stories, the correction
# window (30 days) holding about half.
DAYS = 60


def _blurbs() -> list[tuple[Article, StoryFeatures, str]]:
    rows = [json.loads(line) for line in (DEV / "stories_itn.jsonl").open(encoding="utf-8")]
    newest = max(float(r["id"].rsplit("-", 1)[1]) for r in rows)
    vectors = load_vectors()  # e5 vectors of the dev texts, keyed by a digest of the text
    from benchmarks.stories import _digest

    found = []
    for row in rows:
        when = float(row["id"].rsplit("-", 1)[1])
        if when < newest - DAYS * DAY:
            continue
        vector = vectors[_digest(row["text"])]
        article = Article(
            id=row["id"],
            source=f"itn:{row['id']}",
            text=row["text"],
            language=row["language"],
            published=datetime.fromtimestamp(when, UTC).isoformat(),
        )
        item = StoryFeatures(
            article_id=row["id"],
            language=row["language"],
            time=when,
            title=row["text"][:80],
            words=dict(Counter(words(row["text"]))),
            vector=centred(vector, row["language"]),
            encoder=story_encoder().identity,
        )
        found.append((article, item, str(row["story"])))
    random.Random(3).shuffle(found)  # a backfill: any order
    return found


def _partition(store: BaseStore) -> dict[str, str]:
    return {a.id: a.story or "" for a in store.articles()}


def test_correcting_a_shuffled_backfill_keeps_the_store_consistent(tmp_path: Path) -> None:
    blurbs = _blurbs()
    gold = {article.id: story for article, _, story in blurbs}
    with Store(str(tmp_path / "stories.db")) as store:
        assigner = assigner_for(store)
        assigner.warmed = True  # an empty store: nothing to load
        for article, item, _ in blurbs:
            store.add(article)
            assign_features(store, article, item, assigner)
        before = _partition(store)
        marks = store.story_marks()
        listed = facade.stories(store)  # a list kept for the store until its stories change
        counts = correct(store)
        after = _partition(store)
        listed_after = {b.id: b.articles for b in facade.stories(store)}
        members = {m.article_id: m.story for m in store.story_members_since(float("-inf"))}
        records = {r.id: r for r in store.stories()}
        # Other processes reload their index; this one's was dropped.
        assert store.story_marks()[0] == marks[0] + 1
        assert assigner_for(store) is not assigner
    assert 0 < counts["articles"] < len(blurbs) and counts["moved"] > 0
    assert counts["stories"] == len(records)
    # Articles, members and records agree; no story record is left empty.
    assert members == after
    assert Counter(after.values()) == {id: r.articles for id, r in records.items()}
    assert (
        listed_after
        == {id: r.articles for id, r in records.items()}
        != {b.id: b.articles for b in listed}
    )
    # Every id a story had before is still found (itself, or through a redirect).
    with Store(str(tmp_path / "stories.db")) as store:
        for old in set(before.values()):
            record = store.get_story(old)
            assert record is not None and record.articles > 0, old
    score_before, score_after = bcubed(before, gold)["f1"], bcubed(after, gold)["f1"]
    print(f"B3 F1 shuffled backfill: online {score_before:.3f}, corrected {score_after:.3f}")
    assert score_after >= score_before - 0.005


def test_restory_recent_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cli.db"
    with Store(str(db)) as store:
        assigner = assigner_for(store)
        assigner.warmed = True
        for article, item, _ in _blurbs()[:40]:
            store.add(article)
            assign_features(store, article, item, assigner)
    assert cli.main(["--db", str(db), "restory", "--recent", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"articles", "stories", "moved"} and report["articles"] > 0
    assert cli.main(["--db", str(db), "restory", "--recent"]) == 0
    assert "recent articles assigned again" in capsys.readouterr().out
