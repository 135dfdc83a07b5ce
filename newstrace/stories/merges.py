"""Merges of stories, recorded in the store: a late article bridged two stories into one.

The index merges in memory (the smaller story into the larger, see `index.StoryIndex.merge`)
and lists (absorbed, survivor) pairs; here the absorbed story's articles move to the
survivor, and `store.merge_story` moves its members, drops its record and provenance and
records the redirect, so its id still finds the story (`store.get_story`). The survivor's
record is recounted and its provenance redrawn over both stories' articles.
"""

from __future__ import annotations

from newstrace.store.base import BaseStore, StoryRecord
from newstrace.stories import provenance
from newstrace.stories.index import StoryIndex

# Articles whose provenance is redrawn when a story changes: the story's most recent ones,
# so the cost stays bounded however large the story grows.
PROVENANCE_ARTICLES = 100


def redraw_provenance(store: BaseStore, story_id: str) -> None:
    """Redraw a story's provenance over its most recent articles."""
    recent = list(store.articles(story=story_id, limit=PROVENANCE_ARTICLES))
    derivations = store.derivations(a.id for a in recent)
    store.save_provenance(story_id, provenance.edges(recent, derivations))


def record_merges(store: BaseStore, index: StoryIndex) -> list[tuple[str, str]]:
    """Record every merge the index made since the last call; the merges."""
    merges, index.merges = index.merges, []
    changed: list[str] = []
    for absorbed, survivor in merges:
        survivor = index.resolve(survivor)
        move_story(store, absorbed, survivor)
        changed.append(survivor)
    for story_id in dict.fromkeys(index.resolve(s) for s in changed):
        redraw_provenance(store, story_id)
    return merges


def move_story(store: BaseStore, absorbed: str, survivor: str) -> None:
    """Move a story's articles and members to another and leave a redirect; recount."""
    kept, gone = store.get_story(survivor), store.get_story(absorbed)
    if gone is not None and gone.id != absorbed:
        gone = None  # already redirected: its record is gone
    moved = list(store.articles(story=absorbed))
    for article in moved:
        article.story = survivor
        store.update(article)
    store.merge_story(absorbed, survivor)
    records = [r for r in (kept, gone) if r is not None]
    if not records:
        return
    languages = list(dict.fromkeys(lang for r in records for lang in r.languages))
    firsts = [r.first_seen for r in records if r.first_seen]
    lasts = [r.last_seen for r in records if r.last_seen]
    store.save_story(
        StoryRecord(
            survivor,
            (kept.title if kept else None) or (gone.title if gone else None),
            languages,
            kept.articles + len(moved) if kept else len(list(store.articles(story=survivor))),
            min(firsts, default=None),
            max(lasts, default=None),
        )
    )
