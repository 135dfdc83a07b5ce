"""The story tables of both stores: members, records, derives_from and provenance round-trip."""

from __future__ import annotations

import numpy as np
import test_store
from test_store import AnyStore

from newstrace.model import Article
from newstrace.store.base import Derivation, ProvenanceEdge, StoryMember, StoryRecord
from newstrace.stories.features import StoryFeatures

# The store fixtures of test_store (SQLite file, SQLite memory, PostgreSQL), reused here.
postgres = test_store.postgres
postgres_url = test_store.postgres_url
store = test_store.store


def test_story_member_features_round_trip_and_window_query_is_oldest_first(
    store: AnyStore,
) -> None:
    features = StoryFeatures(
        article_id="a1",
        language="fr",
        time=100.0,
        title="Rogov",
        keys={"person:vladimir-rogov": 2.0},
        numbers=frozenset({"20000"}),
        media=frozenset({"TASS"}),
        words={"volontaires": 3},
        sketch=frozenset({5, 9}),
        vector=np.array([0.6, 0.8], dtype=np.float32),
    )
    assert store.newest_member_seen() is None
    store.save_story_member(StoryMember("a2", "s1", 200.0, 0.1, features.to_json()))
    store.save_story_member(StoryMember("a1", "s1", 100.0, None, features.to_json()))
    store.save_story_member(StoryMember("a0", "s0", 10.0, None, features.to_json()))
    assert store.newest_member_seen() == 200.0
    window = list(store.story_members_since(50.0))
    assert [m.article_id for m in window] == ["a1", "a2"]
    back = StoryFeatures.from_json(window[0].features)
    assert back.keys == features.keys and back.media == features.media
    assert np.allclose(back.vector, features.vector, atol=1e-3)


def test_stories_are_listed_most_recent_first_and_cleared_by_restory(store: AnyStore) -> None:
    store.save_story(StoryRecord("old", "Old", ["en"], 1, "2024-01-01", "2024-01-02"))
    store.save_story(StoryRecord("new", "New", ["fr", "en"], 2, "2025-01-01", "2025-01-03"))
    assert [r.id for r in store.stories()] == ["new", "old"]
    assert store.get_story("new") == StoryRecord(
        "new", "New", ["fr", "en"], 2, "2025-01-01", "2025-01-03"
    )
    store.save_derivation(Derivation("b", "a", "translation", 0.9))
    store.save_provenance("new", [ProvenanceEdge("TASS", "a", "cites")])
    assert store.derivations(["b", "zzz"]) == [Derivation("b", "a", "translation", 0.9)]
    assert store.provenance("new") == [ProvenanceEdge("TASS", "a", "cites")]
    store.clear_stories()
    assert store.stories() == [] and store.provenance("new") == []


def test_assigning_a_stored_article_sets_its_story_column(store: AnyStore) -> None:
    from newstrace.stories import assign_story

    article = Article(id="abc123", source="x.txt", text="Un texte court.", language="fr")
    store.add(article)
    story = assign_story(store, article)
    assert [a.id for a in store.articles(story=story)] == ["abc123"]


def test_a_merged_story_id_redirects_to_its_survivor_through_later_merges(
    store: AnyStore,
) -> None:
    for article_id, story in (("a1", "s1"), ("a2", "s2"), ("a3", "s3")):
        store.save_story_member(StoryMember(article_id, story, 100.0, None, "{}"))
        store.save_story(StoryRecord(story, story.upper(), ["en"], 1, None, None))
    store.save_provenance("s2", [ProvenanceEdge("TASS", "a2", "cites")])
    before = store.story_marks()
    store.merge_story("s2", "s1")
    assert store.story_marks()[2] > before[2]
    assert store.get_story("s2") == StoryRecord("s1", "S1", ["en"], 1, None, None)
    assert {m.article_id: m.story for m in store.story_members_since(0.0)} == {
        "a1": "s1",
        "a2": "s1",
        "a3": "s3",
    }
    assert sorted(r.id for r in store.stories()) == ["s1", "s3"]
    assert store.provenance("s2") == []
    # A later merge of the survivor: both old ids now lead to the last story, in one step.
    store.merge_story("s1", "s3")
    assert store.get_story("s2").id == "s3" and store.get_story("s1").id == "s3"  # type: ignore[union-attr]
    assert [(old, new) for _, old, new in store.story_redirects_after(0)] == [
        ("s2", "s3"),
        ("s1", "s3"),
    ]
    # Other writers read the redirects added since they last looked.
    last = store.story_marks()[2]
    assert [old for _, old, _ in store.story_redirects_after(last - 1)] == ["s1"]
    assert list(store.story_redirects_after(last)) == []
    store.clear_stories()
    assert store.get_story("s2") is None and list(store.story_redirects_after(0)) == []


def test_recorded_merges_move_articles_and_recount_the_survivor(store: AnyStore) -> None:
    from newstrace.stories.index import StoryIndex
    from newstrace.stories.merges import record_merges

    for article_id, story in (("a1", "left"), ("a2", "left"), ("b1", "right")):
        store.add(Article(id=article_id, source=f"{article_id}.txt", text="x", story=story))
        store.save_story_member(StoryMember(article_id, story, 100.0, None, "{}"))
    store.save_story(StoryRecord("left", "Left", ["en"], 2, "2025-01-02", "2025-01-03"))
    store.save_story(StoryRecord("right", "Right", ["fr"], 1, "2025-01-01", "2025-01-02"))
    index = StoryIndex()
    index.merges = [("right", "left")]
    assert record_merges(store, index) == [("right", "left")] and index.merges == []
    assert sorted(a.id for a in store.articles(story="left")) == ["a1", "a2", "b1"]
    assert store.get("b1").story == "left"  # type: ignore[union-attr]
    assert store.get_story("right") == StoryRecord(
        "left", "Left", ["en", "fr"], 3, "2025-01-01", "2025-01-03"
    )
