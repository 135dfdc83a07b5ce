"""Stories over a store: assign an article on ingest, re-cluster from scratch, find one.

The story documents (versions, summary, claims, provenance) are built by `newstrace.facade`
from what this module and `newstrace.compare` give; this module never imports compare.

The index of the time window lives in memory, one per open store, built from the stored
features of the window's articles the first time an article is assigned (no model and no
article text needed for that), then kept up to date by every assignment. Where several
processes write one store, `assign_in_turn` assigns under the store's write transaction
after reading what the others saved since this index last looked, so each decision sees
every earlier one, as in one process.

Every stored vector carries its encoder's identity (`Encoder.identity`). Vectors of two
encoders, or of two versions of one, are not comparable, so a store is kept to one: when
the index loads members (`_warm`, `refresh`) made by an encoder other than this process's
story encoder, assignment stops with a `UsageError` naming both, and `restory` re-encodes
every article with this process's encoder. Members stored before identities were recorded
are judged by their dimension (`StoryFeatures.legacy_encoder`).
"""

from __future__ import annotations

import time
import weakref
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from newstrace.errors import NotFoundError, UsageError
from newstrace.model import Article
from newstrace.store.base import BaseStore, StoryMember, StoryRecord
from newstrace.stories import derive
from newstrace.stories.encoders import Encoder, Vectors, story_encoder
from newstrace.stories.features import (
    LeadVector,
    StoryFeatures,
    encode_leads,
    features_of,
    iso_time,
    parse_time,
)
from newstrace.stories.index import StoryIndex
from newstrace.stories.merges import record_merges, redraw_provenance
from newstrace.stories.similarity import StoryConfig

# Articles encoded at once during a restory (one encoder call per batch).
RESTORY_BATCH = 64


@dataclass
class Assigner:
    """The story index of one store, its encoder and settings."""

    config: StoryConfig
    encoder: Encoder
    index: StoryIndex = field(init=False)
    warmed: bool = False
    # `store.story_marks()` when this index last matched the store (None: unknown); the
    # members saved and the redirects added after it are read in by `refresh`.
    synced: tuple[int, int, int] | None = None

    def __post_init__(self) -> None:
        self.index = StoryIndex(self.config)


_ASSIGNERS: weakref.WeakKeyDictionary[BaseStore, Assigner] = weakref.WeakKeyDictionary()


def assigner_for(store: BaseStore, config: StoryConfig | None = None) -> Assigner:
    """The store's assigner, made on first use (the encoder is loaded once per process)."""
    found = _ASSIGNERS.get(store)
    if found is None or (config is not None and found.config != config):
        found = Assigner(config or StoryConfig(), story_encoder())
        _ASSIGNERS[store] = found
    return found


def drop_assigner(store: BaseStore) -> None:
    """Forget the store's in-memory index (after a rolled-back assignment): the next one
    rebuilds it from the store."""
    _ASSIGNERS.pop(store, None)


def mixed_encoders(stored: str, here: str) -> UsageError:
    """The error of a store whose vectors `stored` made, met by a process encoding with `here`."""
    return UsageError(
        f"stories in this store were encoded with {stored}; this process has {here}: "
        f"install the first, or run `newstrace restory` to re-encode every article with "
        "the second"
    )


def check_encoder(item: StoryFeatures, encoder: Encoder) -> None:
    """Refuse features whose vector another encoder made than `encoder` (any difference of
    identity: a new version of a model may move every vector). A vector stored without
    identity passes when its dimension says it is the same model (384: e5, version not
    recorded); other such vectors (512: USE or hashed) are refused. No vector: nothing to mix."""
    if item.encoder == encoder.identity or not len(item.vector):
        return
    if item.encoder is not None:
        raise mixed_encoders(item.encoder, encoder.identity)
    if item.legacy_encoder() != encoder.name:
        raise UsageError(
            f"stories in this store were encoded by an earlier newstrace that did not record "
            f"its encoder ({len(item.vector)}-d vectors); this process has {encoder.identity}: "
            "run `newstrace restory` to re-encode every article with it"
        )


def _checked(
    members: Iterable[StoryMember], encoder: Encoder
) -> Iterator[tuple[str, StoryFeatures]]:
    """Stored members as (story, features), each refused if another encoder made its vector."""
    for member in members:
        item = StoryFeatures.from_json(member.features)
        check_encoder(item, encoder)
        yield member.story, item


def refresh(store: BaseStore, assigner: Assigner) -> None:
    """Add to the index the members other writers saved since it last matched the store, in
    the order they joined, then the merges they recorded; start it over when that is unknown
    or every story was forgotten meanwhile (a restory). Call inside the store's transaction,
    before assigning."""
    marks = store.story_marks()
    if assigner.synced == marks or not assigner.warmed:
        return
    if assigner.synced is None or assigner.synced[0] != marks[0]:
        assigner.index = StoryIndex(assigner.config)
        assigner.warmed = False  # the next assignment loads the window from the store
        return
    added = (member for _, member in store.story_members_after(assigner.synced[1]))
    for story_id, item in _checked(added, assigner.encoder):
        assigner.index.add(story_id, item)
    for _, absorbed, survivor in store.story_redirects_after(assigner.synced[2]):
        assigner.index.follow(absorbed, survivor)


def assign_in_turn(
    store: BaseStore,
    article: Article,
    config: StoryConfig | None = None,
    vector: LeadVector | None = None,
) -> str:
    """`assign_story` as one of several writers of the store: in its write transaction (the
    caller's, when one is open), with the index refreshed first; its story id. `vector`: the
    article's `lead_vector`, when it was computed with the analysis."""
    assigner = assigner_for(store, config)
    try:
        with store.transaction():
            refresh(store, assigner)
            story_id = assign_story(store, article, config, vector)
            assigner.synced = store.story_marks()
    except BaseException:
        drop_assigner(store)
        raise
    return story_id


# Windows of publication time loaded into the index when it is first used: a year of
# stories, so an article backfilled up to a year back meets its story.
WARM_WINDOWS = 12


def _warm(store: BaseStore, assigner: Assigner, around: float) -> None:
    """Load the stored members of the last WARM_WINDOWS windows into the index, oldest first;
    refused (and the index left empty) if another encoder made their vectors."""
    since = around - WARM_WINDOWS * assigner.config.window_seconds
    try:
        assigner.index.load(_checked(store.story_members_since(since), assigner.encoder))
    except UsageError:
        assigner.index = StoryIndex(assigner.config)
        raise
    assigner.warmed = True


def assign_features(
    store: BaseStore, article: Article, item: StoryFeatures, assigner: Assigner
) -> str:
    """Put an article with its features in its story, and record everything that follows."""
    if not assigner.warmed:
        _warm(store, assigner, item.time or time.time())
    index = assigner.index
    story_id, match = index.assign(item, new_id=article.id)
    joined = match is not None and match.margin >= 0
    story = index.stories.get(story_id)
    earlier = [m for m in story.members if m.article_id != article.id] if story else []
    score = round(match.margin, 4) if joined and match is not None else None
    store.save_story_member(StoryMember(article.id, story_id, item.time, score, item.to_json()))
    found = derive.detect(item, earlier)
    if found is not None:
        store.save_derivation(found)
    article.story = story_id
    store.update(article)
    _record(store, story_id, article, item)
    record_merges(store, index)
    return index.resolve(story_id)


def assign_story(
    store: BaseStore,
    article: Article,
    config: StoryConfig | None = None,
    vector: LeadVector | None = None,
) -> str:
    """Assign a stored article to the best story of its time window, or start one; its id.
    `vector` is its `lead_vector` (encoded here when not given), refused if another encoder
    than this process's story encoder made it."""
    assigner = assigner_for(store, config)
    model = assigner.encoder
    if vector is None:
        row: Vectors = encode_leads(model, [article])[0]
    elif vector.encoder != model.identity:
        raise UsageError(
            f"the story vector of {article.source} was encoded with {vector.encoder}; this "
            f"process has {model.identity}: encode articles and assign them with one encoder"
        )
    else:
        row = vector.vector
    when = parse_time(article.published) or time.time()
    item = features_of(article, row, when, model.identity)
    return assign_features(store, article, item, assigner)


def _record(store: BaseStore, story_id: str, article: Article, item: StoryFeatures) -> None:
    """Update the story's record and redraw its provenance after `article` joined."""
    old = store.get_story(story_id)
    seen = iso_time(item.time)
    if old is None:
        record = StoryRecord(story_id, item.title or None, [article.language or "?"], 1, seen, seen)
    else:
        languages = list(dict.fromkeys([*old.languages, article.language or "?"]))
        record = StoryRecord(
            story_id,
            old.title or item.title or None,
            languages,
            old.articles + 1,
            min(filter(None, [old.first_seen, seen]), default=None),
            max(filter(None, [old.last_seen, seen]), default=None),
        )
    store.save_story(record)
    redraw_provenance(store, story_id)


def restory(store: BaseStore, config: StoryConfig | None = None) -> dict[str, int]:
    """Forget every story and assign all stored articles again, oldest first, each encoded
    again by this process's story encoder (whichever encoder made the stored vectors). Each
    old story id that names no story afterwards redirects to the new story holding most of
    its articles, so links to it still lead somewhere."""
    members = list(store.story_members_since(float("-inf")))
    seen = {m.article_id: m.seen for m in members}
    was = {m.article_id: m.story for m in members}
    redirected = dict((old, new) for _, old, new in store.story_redirects_after(0))
    store.clear_stories()
    _ASSIGNERS.pop(store, None)
    assigner = assigner_for(store, config)
    assigner.warmed = True  # nothing stored to warm from
    order = sorted(
        (
            (parse_time(a.published) or seen.get(a.id) or time.time(), a.id)
            for a in store.articles()
        ),
    )
    for start in range(0, len(order), RESTORY_BATCH):
        batch = [(when, store.get(id)) for when, id in order[start : start + RESTORY_BATCH]]
        present = [(when, a) for when, a in batch if a is not None]
        vectors = encode_leads(assigner.encoder, [a for _, a in present])
        for (when, article), vector in zip(present, vectors, strict=True):
            item = features_of(article, vector, when, assigner.encoder.identity)
            assign_features(store, article, item, assigner)
    _redirect_old(store, was, redirected)
    return {"articles": len(order), "stories": len(store.stories())}


def _redirect_old(store: BaseStore, was: dict[str, str], redirected: dict[str, str]) -> None:
    """After a restory: each old story id (and each id that redirected to one) that names
    no story now redirects to the new story of most of its old articles."""
    now = {m.article_id: m.story for m in store.story_members_since(float("-inf"))}
    now_in: dict[str, Counter[str]] = {}
    for article_id, old in was.items():
        if article_id in now:
            now_in.setdefault(old, Counter())[now[article_id]] += 1
    targets = {old: counts.most_common(1)[0][0] for old, counts in now_in.items()}
    targets.update((source, targets[old]) for source, old in redirected.items() if old in targets)
    with store.transaction():
        for old, new in sorted(targets.items()):
            if old != new and store.get_story(old) is None:
                store.merge_story(old, new)


def find_story(store: BaseStore, ref: str) -> StoryRecord:
    """A story by id, or the story of an article (id, prefix or source)."""
    record = store.get_story(ref.strip())
    if record is not None:
        return record
    article = store.resolve(ref)
    if article.story is None:
        raise NotFoundError(f"article {article.id} is in no story yet; run `newstrace restory`")
    record = store.get_story(article.story)
    if record is None:
        raise NotFoundError(f"story {article.story} is not recorded; run `newstrace restory`")
    return record
