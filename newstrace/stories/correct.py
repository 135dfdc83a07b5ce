"""The correction step over the recent window: what the online step decided, decided again.

Ingest assigns each article once, when it arrives (`service.assign_features`): the first
articles of an event seed its story, and a wrong early join stays unless a later article
bridges two stories (a merge); what arrived out of order (a backfill, several writers)
shapes the stories. The correction step decides the last window of publication time (30
days before the newest) again (`StoryIndex.refine`): every article of the window leaves
its story and the window is assigned anew in publication order, against the older
stories around it; then each article in turn leaves and is assigned once more, so what an
early join glued splits off and what a bridge joins merges. After it, the window's stories
no longer depend on the order its dated articles came in. It runs on demand (`newstrace restory
--recent`, e.g. nightly), not inside ingest, so that what concurrent writers decide stays
the same as one writer would (docs/stories.md).

What moved is written back in one transaction: the articles and their members; stories
merged on the way are recorded as merges (their ids redirect); a story left with no
article redirects to the story most of its articles went to; the records and provenance of
every story touched are redrawn. Other processes then reload their index from the store.
"""

from __future__ import annotations

from collections import Counter

from newstrace.model import Article
from newstrace.store.base import BaseStore, StoryMember, StoryRecord
from newstrace.stories.encoders import story_encoder
from newstrace.stories.features import StoryFeatures, iso_time, parse_time
from newstrace.stories.index import StoryIndex
from newstrace.stories.merges import record_merges, redraw_provenance
from newstrace.stories.service import check_encoder, drop_assigner
from newstrace.stories.similarity import StoryConfig

# Windows of publication time before the newest member loaded as context (the stories an
# article of the recent window may join), as when a process warms its index.
CONTEXT_WINDOWS = 12


def correct(store: BaseStore, config: StoryConfig | None = None) -> dict[str, int]:
    """Assign every article of the last window again; counts of what was looked at and moved."""
    config = config or StoryConfig()
    drop_assigner(store)  # this process's index is rebuilt from the store on its next use
    with store.transaction():
        newest = store.newest_member_seen()
        if newest is None:
            return {"articles": 0, "moved": 0, "stories": len(store.stories())}
        since = newest - CONTEXT_WINDOWS * config.window_seconds
        encoder = story_encoder()
        loaded = [
            (member, StoryFeatures.from_json(member.features))
            for member in store.story_members_since(since)
        ]
        for _, item in loaded:
            check_encoder(item, encoder)  # vectors of another encoder: refused until restory
        index = StoryIndex(config)
        index.load((member.story, item) for member, item in loaded)
        start = newest - config.window_seconds
        recent = [(m, item) for m, item in loaded if m.seen is not None and m.seen >= start]
        moved = index.refine([(m.story, item) for m, item in recent])
        members = {m.article_id: m for m, _ in recent}
        left: dict[str, Counter[str]] = {}
        for article_id, story in moved.items():
            member = members[article_id]
            left.setdefault(member.story, Counter())[story] += 1
            article = store.get(article_id)
            if article is not None:
                article.story = story
                store.update(article)
            store.save_story_member(
                StoryMember(article_id, story, member.seen, None, member.features)
            )
        touched = set(left) | set(moved.values())
        for absorbed, survivor in record_merges(store, index):
            touched |= {absorbed, survivor}
        seen = {m.article_id: m.seen for m, _ in loaded}
        for story_id in sorted(touched):
            _rewrite(store, index, story_id, left.get(story_id), seen)
        store.stories_changed()
    return {"articles": len(recent), "moved": len(moved), "stories": len(store.stories())}


def _rewrite(
    store: BaseStore,
    index: StoryIndex,
    story_id: str,
    went: Counter[str] | None,
    seen: dict[str, float | None],
) -> None:
    """Redraw a story's record and provenance from its articles now; a story left with none
    redirects to where most of its articles went."""
    record = store.get_story(story_id)
    if record is not None and record.id != story_id:
        record = None  # the id redirected (it named a story merged away): a story again now
    articles: list[Article] = list(store.articles(story=story_id))
    if not articles:
        if went and record is not None:
            store.merge_story(story_id, index.resolve(went.most_common(1)[0][0]))
        return
    dated = (parse_time(a.published) or seen.get(a.id) for a in articles)
    times = [t for t in dated if t is not None]
    state = index.stories.get(story_id)
    languages = Counter(a.language or "?" for a in articles)
    store.save_story(
        StoryRecord(
            story_id,
            (record.title if record else None) or (state.title if state else None),
            [language for language, _ in languages.most_common()],
            len(articles),
            iso_time(min(times)) if times else (record.first_seen if record else None),
            iso_time(max(times)) if times else (record.last_seen if record else None),
        )
    )
    redraw_provenance(store, story_id)
