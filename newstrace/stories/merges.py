"""Merges of stories, recorded in the store: a late article bridged two stories into one.

The index merges in memory (the smaller story into the larger, see `index.StoryIndex.merge`)
and lists (absorbed, survivor) pairs; here the absorbed story's articles and members move
to the survivor, whose record is recounted. The absorbed story's record stays, with no
articles, so its id is still found; the index resolves it to the survivor.
"""

from __future__ import annotations

from newstrace.store.base import BaseStore, StoryMember, StoryRecord
from newstrace.stories.features import parse_time
from newstrace.stories.index import StoryIndex


def record_merges(store: BaseStore, index: StoryIndex) -> list[tuple[str, str]]:
    """Move the articles of every story the index merged since the last call; the merges."""
    merges, index.merges = index.merges, []
    for absorbed, survivor in merges:
        survivor = index.resolve(survivor)
        moved = list(store.articles(story=absorbed))
        for article in moved:
            article.story = survivor
            store.update(article)
        ids = {a.id for a in moved}
        # Members are read from the earliest moved article's date (the store has no query
        # by story); an undated one means from the start.
        times = [parse_time(a.published) for a in moved]
        since = min((t for t in times if t is not None), default=float("-inf"))
        if None in times:
            since = float("-inf")
        for member in store.story_members_since(since):
            if member.article_id in ids and member.story == absorbed:
                store.save_story_member(
                    StoryMember(
                        member.article_id, survivor, member.seen, member.score, member.features
                    )
                )
        _recount(store, survivor, absorbed)
    return merges


def _recount(store: BaseStore, survivor: str, absorbed: str) -> None:
    """The survivor's record over both stories; the absorbed one left with no articles."""
    kept, gone = store.get_story(survivor), store.get_story(absorbed)
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
            len(list(store.articles(story=survivor))),
            min(firsts, default=None),
            max(lasts, default=None),
        )
    )
    if gone is not None:
        store.save_story(
            StoryRecord(absorbed, gone.title, gone.languages, 0, gone.first_seen, gone.last_seen)
        )
