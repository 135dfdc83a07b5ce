"""The stories of the index, searched by publication time so that assigning one article has a
bounded cost, whatever the order articles arrive in.

An article is scored against candidate stories by the pair classifier (`scorer`): each
feature is its mean over the story's members (average linkage), computed from running sums
(of vectors, of unit TF-IDF vectors of keys and words, of figures and publication hours),
so a story of 1,000 articles costs what a story of one does. It joins the best story whose
probability reaches the threshold, or starts one. A story it also reaches is then compared
with the story it joined, member by member on average (the same model): a late article that
bridges two stories merges them, the smaller into the larger, and the absorbed id redirects
to the survivor (`resolve`).

Candidates are the best few stories by centroid cosine within the article's time buckets
(one centroid matrix per quarter of `window_seconds` of publication time; an article
searches the buckets within a window of its date, so a backfilled article meets the
stories of its own dates, not of the arrival clock), plus the few stories sharing most of
its rarer entity keys (an inverted index). Nothing leaves the index for being old: at most
`max_stories` stay, the ones with the oldest publication dates leave first; stories dated
a window before the newest article let go of their kept members. The document frequencies
decay past MAX_VOCABULARY words. So the cost per article depends on the stories of 2.25
windows and on the caps, never on how many articles are stored; see docs/stories.md.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from newstrace.stories.encoders import Vectors
from newstrace.stories.features import StoryFeatures
from newstrace.stories.scorer import FEATURES, PairModel, shipped
from newstrace.stories.similarity import StoryConfig, idf, sparse_dot, tfidf_unit

# Per-story caps: counts and sums past these are pruned to the largest (a story of 1,000
# articles keeps its 64 main entities and 300 main words per language).
MAX_KEYS = 64
MAX_WORDS = 300
MAX_NUMBERS = 64
# Publication hours kept per story for the time-gap feature (a story spanning more hours
# keeps the most populated ones).
MAX_HOURS = 512
# Recent members kept per story, for derives_from detection against earlier versions; only
# while the story is dated within a window of the newest article (checked every TRIM_EVERY
# articles), so the bulk of the memory follows the window, not the stories kept.
MEMBERS_KEPT = 12
TRIM_EVERY = 1024
# Vocabulary of the document-frequency table: past this many words, every count and the
# document count are halved and the words left at zero dropped, so the table follows the
# recent vocabulary.
MAX_VOCABULARY = 200_000
# An entity key in more stories than this says little about which one (a country).
MAX_POSTINGS = 200
# The bucket of undated articles: they meet undated stories only.
UNDATED = -(2**62)
# Centroid buckets per window of publication time: an article searches the buckets within
# a window of its date (9 of them, 2.25 windows of stories; 3 buckets of one window each
# would scan 3 windows). A story sits in every bucket its dates span, up to MAX_BUCKETS.
BUCKETS_PER_WINDOW = 4
MAX_BUCKETS = 256


def _prune(counts: Counter[str], cap: int) -> None:
    """Keep the `cap` most frequent entries once there are twice as many (bounded memory)."""
    if len(counts) > 2 * cap:
        keep = dict(counts.most_common(cap))
        counts.clear()
        counts.update(keep)


def _prune_sum(sums: dict[str, float], cap: int) -> None:
    """Keep the `cap` largest entries of a sum of unit vectors once there are twice as many."""
    if len(sums) > 2 * cap:
        keep = heapq.nlargest(cap, sums.items(), key=_second)
        sums.clear()
        sums.update(keep)


def _accumulate(sums: dict[str, float], unit: Mapping[str, float]) -> None:
    for key, value in unit.items():
        sums[key] = sums.get(key, 0.0) + value


def number_unit(numbers: frozenset[str]) -> dict[str, float]:
    """An article's figures as a unit vector: the dot product of two is the cosine of their
    sets, |A ∩ B| / √(|A| |B|), so one figure found among fifty says little."""
    if not numbers:
        return {}
    weight = 1.0 / math.sqrt(len(numbers))
    return dict.fromkeys(numbers, weight)


# An article's unit vectors of entity keys, of words and of figures (`StoryIndex.units`).
Units = tuple[dict[str, float], dict[str, float], dict[str, float]]


def _subtract(sums: dict[str, float], unit: Mapping[str, float]) -> None:
    for key, value in unit.items():
        if key in sums:
            left = sums[key] - value
            if left > 1e-6:
                sums[key] = left
            else:
                del sums[key]


def _second(pair: tuple[str, float]) -> float:
    """The weight of a (story, weight) pair, to rank candidates by."""
    return pair[1]


def _hour(seconds: float) -> int:
    return int(seconds // 3600)


def _mean_gap(left: Counter[int], right: Counter[int]) -> float:
    """Mean log(1 + days) between the publication hours of two groups of articles."""
    if not left or not right:
        return 0.0
    hours_a = np.fromiter(left.keys(), dtype=np.float64, count=len(left))
    hours_b = np.fromiter(right.keys(), dtype=np.float64, count=len(right))
    weights_a = np.fromiter(left.values(), dtype=np.float64, count=len(left))
    weights_b = np.fromiter(right.values(), dtype=np.float64, count=len(right))
    gaps = np.log1p(np.abs(hours_a[:, None] - hours_b[None, :]) / 24.0)
    total = float(weights_a @ gaps @ weights_b)
    return total / float(weights_a.sum() * weights_b.sum())


@dataclass
class StoryState:
    """What the index keeps of one story: running sums of its members' features, and times."""

    id: str
    title: str
    first_time: float | None
    last_time: float | None
    size: int = 0
    vector_sum: Vectors = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    keys: Counter[str] = field(default_factory=Counter)
    key_sum: dict[str, float] = field(default_factory=dict)
    word_sums: dict[str, dict[str, float]] = field(default_factory=dict)
    # Sum of the members' figures as unit vectors (each of an article's n figures 1/√n).
    number_sum: dict[str, float] = field(default_factory=dict)
    media: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    hours: Counter[int] = field(default_factory=Counter)
    members: deque[StoryFeatures] = field(default_factory=lambda: deque(maxlen=MEMBERS_KEPT))
    buckets: set[int] = field(default_factory=set)

    def add(
        self,
        item: StoryFeatures,
        key_unit: Mapping[str, float],
        word_unit: Mapping[str, float],
        figure_unit: Mapping[str, float],
    ) -> None:
        self.size += 1
        if self.vector_sum.size == 0:
            self.vector_sum = item.vector.astype(np.float32).copy()
        elif self.vector_sum.size == item.vector.size:
            self.vector_sum = self.vector_sum + item.vector
        self.keys.update(item.keys)
        _prune(self.keys, MAX_KEYS)
        _accumulate(self.key_sum, key_unit)
        _prune_sum(self.key_sum, MAX_KEYS)
        language = item.language or "?"
        self.languages[language] += 1
        bag = self.word_sums.setdefault(language, {})
        _accumulate(bag, word_unit)
        _prune_sum(bag, MAX_WORDS)
        _accumulate(self.number_sum, figure_unit)
        _prune_sum(self.number_sum, MAX_NUMBERS)
        self.media.update(item.media)
        if item.time is not None:
            self.hours[_hour(item.time)] += 1
            if len(self.hours) > 2 * MAX_HOURS:
                self.hours = Counter(dict(self.hours.most_common(MAX_HOURS)))
        self._span(item.time, item.time)
        self.members.append(item)

    def _span(self, first: float | None, last: float | None) -> None:
        if first is not None:
            self.first_time = first if self.first_time is None else min(self.first_time, first)
        if last is not None:
            self.last_time = last if self.last_time is None else max(self.last_time, last)

    def remove(
        self,
        item: StoryFeatures,
        key_unit: Mapping[str, float],
        word_unit: Mapping[str, float],
        figure_unit: Mapping[str, float],
    ) -> None:
        """Take one member out (a correction moving it); sums pruned since stay approximate."""
        self.size -= 1
        if self.vector_sum.size == item.vector.size:
            self.vector_sum = self.vector_sum - item.vector
        self.keys.subtract(item.keys)
        self.keys = +self.keys
        _subtract(self.key_sum, key_unit)
        language = item.language or "?"
        self.languages[language] -= 1
        self.languages = +self.languages
        _subtract(self.word_sums.get(language, {}), word_unit)
        _subtract(self.number_sum, figure_unit)
        if item.time is not None:
            self.hours[_hour(item.time)] -= 1
            self.hours = +self.hours
        for member in list(self.members):
            if member.article_id == item.article_id:
                self.members.remove(member)

    def absorb(self, other: StoryState) -> None:
        """Take in every member of another story (a merge)."""
        self.size += other.size
        if self.vector_sum.size == 0:
            self.vector_sum = other.vector_sum.copy()
        elif other.vector_sum.size == self.vector_sum.size:
            self.vector_sum = self.vector_sum + other.vector_sum
        self.keys.update(other.keys)
        _prune(self.keys, MAX_KEYS)
        _accumulate(self.key_sum, other.key_sum)
        _prune_sum(self.key_sum, MAX_KEYS)
        for language, bag in other.word_sums.items():
            mine = self.word_sums.setdefault(language, {})
            _accumulate(mine, bag)
            _prune_sum(mine, MAX_WORDS)
        _accumulate(self.number_sum, other.number_sum)
        _prune_sum(self.number_sum, MAX_NUMBERS)
        self.media.update(other.media)
        self.languages.update(other.languages)
        self.hours.update(other.hours)
        self._span(other.first_time, other.last_time)
        for member in sorted(other.members, key=lambda m: m.time or 0.0):
            self.members.append(member)


@dataclass(frozen=True)
class Match:
    """A story an article was scored against: its features and the margin over the threshold."""

    story: str
    margin: float
    signals: dict[str, float]


class _Centroids:
    """A matrix of story centroids (running sums), one row per story, filled row by row."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self.matrix = np.zeros((0, dim), dtype=np.float32)
        self.norms = np.ones(0, dtype=np.float32)
        self.alive = np.zeros(0, dtype=np.bool_)
        self.slot: dict[str, int] = {}
        self.owner: list[str | None] = []
        self.free: list[int] = []

    def put(self, story_id: str, vector: Vectors) -> None:
        slot = self.slot.get(story_id)
        if slot is None:
            if self.free:
                slot = self.free.pop()
                self.owner[slot] = story_id
            else:
                slot = len(self.owner)
                self.owner.append(story_id)
                if slot >= self.matrix.shape[0]:
                    size = max(16, 2 * self.matrix.shape[0])
                    grown = np.zeros((size, self.dim), np.float32)
                    grown[: self.matrix.shape[0]] = self.matrix
                    self.matrix = grown
                    self.norms = np.concatenate(
                        [self.norms, np.ones(size - len(self.norms), np.float32)]
                    )
                    self.alive = np.concatenate(
                        [self.alive, np.zeros(size - len(self.alive), np.bool_)]
                    )
            self.slot[story_id] = slot
        self.matrix[slot] = vector
        self.norms[slot] = float(np.linalg.norm(vector)) or 1.0
        self.alive[slot] = True

    def drop(self, story_id: str) -> None:
        slot = self.slot.pop(story_id, None)
        if slot is not None:
            self.owner[slot] = None
            self.matrix[slot] = 0.0
            self.alive[slot] = False
            self.free.append(slot)

    def live(self) -> int:
        return len(self.owner) - len(self.free)

    def nearest(self, vector: Vectors, top: int) -> dict[str, tuple[float, float]]:
        """The `top` stories by centroid cosine: (cosine, dot product with the centroid sum)."""
        used = len(self.owner)
        live = self.live()
        if not live or vector.size != self.dim:
            return {}
        # einsum, not `@`: a matrix-vector product this small gains nothing from BLAS
        # threads, and waking them between articles cost 2-10 ms per article on 2 busy cores.
        dots = np.einsum("ij,j->i", self.matrix[:used], vector)
        cosines = dots / self.norms[:used]
        cosines[~self.alive[:used]] = -2.0
        top = min(top, live)
        found: dict[str, tuple[float, float]] = {}
        for slot in np.argpartition(-cosines, top - 1)[:top]:
            owner = self.owner[int(slot)]
            if owner is not None:
                found[owner] = (float(cosines[int(slot)]), float(dots[int(slot)]))
        return found


class StoryIndex:
    """Incremental story assignment by average linkage, with merges, in any arrival order."""

    def __init__(
        self, config: StoryConfig | None = None, dim: int = 0, model: PairModel | None = None
    ) -> None:
        self.config = config or StoryConfig()
        self.model = model or shipped()
        if self.config.threshold is not None:
            self.model = self.model.with_threshold(self.config.threshold)
        self.stories: dict[str, StoryState] = {}
        self.df: Counter[str] = Counter()
        self.documents = 0
        self.redirects: dict[str, str] = {}
        self.newest: float | None = None
        # (absorbed, survivor) of every merge, oldest first, for the caller to record.
        self.merges: list[tuple[str, str]] = []
        self._postings: dict[str, set[str]] = {}
        self._dim = dim
        self._buckets: dict[int, _Centroids] = {}
        self._by_time: list[tuple[float, str]] = []

    # -- time buckets -------------------------------------------------------------------

    def _bucket(self, seconds: float | None) -> int:
        if seconds is None:
            return UNDATED
        return math.floor(seconds * BUCKETS_PER_WINDOW / self.config.window_seconds)

    def _near_buckets(self, seconds: float | None) -> list[int]:
        """The buckets of stories that may hold an article of this date: within a window."""
        if seconds is None:
            return [UNDATED]
        window = self.config.window_seconds
        return list(range(self._bucket(seconds - window), self._bucket(seconds + window) + 1))

    def _story_buckets(self, story: StoryState) -> set[int]:
        if story.first_time is None or story.last_time is None:
            return {UNDATED}
        first, last = self._bucket(story.first_time), self._bucket(story.last_time)
        if last - first > MAX_BUCKETS:  # a story running for years: its latest buckets
            first = last - MAX_BUCKETS
        return set(range(first, last + 1))

    # -- scoring ------------------------------------------------------------------------

    def units(self, item: StoryFeatures) -> Units:
        """The article's unit TF-IDF vectors of entity keys and of words, and its figures as
        a unit vector, made once per article (not per candidate story)."""
        return (
            tfidf_unit(item.keys, self.df, self.documents),
            tfidf_unit(item.words, self.df, self.documents),
            number_unit(item.numbers),
        )

    def features(
        self,
        item: StoryFeatures,
        story: StoryState,
        dot: float,
        units: Units,
    ) -> list[float]:
        """The pair features of an article and a story: each its mean over the members."""
        keys, words, figures = units
        size = float(story.size)
        language = item.language or "?"
        numbers = sparse_dot(figures, story.number_sum) / size
        gap = 0.0
        if item.time is not None and story.hours:
            hour = _hour(item.time)
            gap = (
                sum(count * math.log1p(abs(hour - h) / 24.0) for h, count in story.hours.items())
                / size
            )
        return [
            dot / size,
            sparse_dot(keys, story.key_sum) / size,
            sparse_dot(words, story.word_sums.get(language, {})) / size,
            story.languages[language] / size,
            min(numbers, 1.0),
            gap,
        ]

    def story_features(self, left: StoryState, right: StoryState) -> list[float]:
        """The pair features of two stories: each its mean over every pair of their members."""
        pairs = float(left.size * right.size)
        embedding = 0.0
        if left.vector_sum.size and left.vector_sum.size == right.vector_sum.size:
            embedding = float(np.dot(left.vector_sum, right.vector_sum)) / pairs
        lexical = sum(
            sparse_dot(bag, right.word_sums.get(language, {}))
            for language, bag in left.word_sums.items()
        )
        same = sum(count * right.languages[lang] for lang, count in left.languages.items())
        numbers = sparse_dot(left.number_sum, right.number_sum) / pairs
        dated = sum(left.hours.values()) * sum(right.hours.values())
        gap = _mean_gap(left.hours, right.hours) * dated / pairs
        return [
            embedding,
            sparse_dot(left.key_sum, right.key_sum) / pairs,
            lexical / pairs,
            same / pairs,
            min(numbers, 1.0),
            gap,
        ]

    def _in_window(self, item: StoryFeatures, story: StoryState) -> bool:
        if item.time is None or story.last_time is None or story.first_time is None:
            return True
        window = self.config.window_seconds
        return story.first_time - window <= item.time <= story.last_time + window

    def candidates(self, item: StoryFeatures) -> dict[str, float]:
        """Stories worth scoring, each with the dot product of the article's vector and its
        centroid sum: nearest centroids in the article's time buckets, and shared keys."""
        near: dict[str, tuple[float, float]] = {}
        for bucket in self._near_buckets(item.time):
            rows = self._buckets.get(bucket)
            if rows is not None:
                near.update(rows.nearest(item.vector, self.config.candidates))
        best = heapq.nlargest(self.config.candidates, near.items(), key=lambda pair: pair[1][0])
        found = {story: dot for story, (_, dot) in best}
        shared: dict[str, float] = {}
        for key in item.keys:
            posting = self._postings.get(key)
            if not posting:
                continue
            # A key pruned from a story's counts still lists it; forgotten ones go here.
            posting.intersection_update(self.stories)
            weight = idf(len(posting), len(self.stories))
            for story in posting:
                if story not in found:
                    shared[story] = shared.get(story, 0.0) + weight
        # A common key (a country) brings up to MAX_POSTINGS stories: score only the few
        # sharing the most, and the rarest, keys with the article.
        for story, _ in heapq.nlargest(self.config.candidates, shared.items(), key=_second):
            vector_sum = self.stories[story].vector_sum
            same_dim = vector_sum.size == item.vector.size
            found[story] = float(np.dot(vector_sum, item.vector)) if same_dim else 0.0
        return found

    def scored(self, item: StoryFeatures) -> list[Match]:
        """Every candidate story in the article's window with its features and margin."""
        units = self.units(item)
        found: list[Match] = []
        for story_id, dot in self.candidates(item).items():
            story = self.stories[story_id]
            if not self._in_window(item, story):
                continue
            values = self.features(item, story, dot, units)
            margin = self.model.probability(values) - self.model.threshold
            found.append(Match(story_id, margin, dict(zip(FEATURES, values, strict=True))))
        return found

    def best(self, item: StoryFeatures) -> Match | None:
        """The story this article fits best (highest margin), or None when none is in reach."""
        return max(self.scored(item), key=lambda m: m.margin, default=None)

    def assign(self, item: StoryFeatures, new_id: str | None = None) -> tuple[str, Match | None]:
        """Put the article in its best story, or in a new one (`new_id`, else its own id);
        then merge the other stories it reaches that match the joined one (see `merge`)."""
        scored = sorted(self.scored(item), key=lambda m: -m.margin)
        match = scored[0] if scored else None
        if match is not None and match.margin >= 0:
            story_id = match.story
        else:
            story_id = new_id or item.article_id
        self.add(story_id, item)
        if match is not None and match.margin >= 0:
            for other in scored[1:]:
                if other.margin < 0:
                    break
                story_id = self.merge_if_same(story_id, other.story)
        return story_id, match

    def merge_if_same(self, first: str, second: str) -> str:
        """Merge two stories when the model says their members tell one event; the survivor."""
        left, right = self.stories.get(first), self.stories.get(second)
        if left is None or right is None or left is right:
            return first
        if self.model.probability(self.story_features(left, right)) < self.model.threshold:
            return first
        return self.merge(first, second)

    def merge(self, first: str, second: str, keep: str | None = None) -> str:
        """Merge two stories: `keep` (else the larger, else the earlier) keeps its id; the
        survivor's id."""
        left, right = self.stories[first], self.stories[second]
        order = (left.size, -(left.first_time or 0.0)) >= (right.size, -(right.first_time or 0.0))
        if keep is not None:
            order = keep == first
        survivor, absorbed = (left, right) if order else (right, left)
        self.forget(absorbed.id)
        self._post(absorbed.keys, survivor.id)
        survivor.absorb(absorbed)
        self._place(survivor)
        if survivor.last_time is not None:
            heapq.heappush(self._by_time, (survivor.last_time, survivor.id))
        self.redirects[absorbed.id] = survivor.id
        self.merges.append((absorbed.id, survivor.id))
        return survivor.id

    def follow(self, absorbed: str, survivor: str) -> None:
        """Take in a merge another writer recorded: `absorbed` became `survivor`. When this
        index holds only the absorbed story, it goes on under the survivor's id."""
        absorbed, survivor = self.resolve(absorbed), self.resolve(survivor)
        if absorbed == survivor:
            return
        gone = self.stories.get(absorbed)
        if gone is not None and survivor in self.stories:
            self.merge(absorbed, survivor, keep=survivor)
            self.merges.pop()  # recorded by the writer that made it
            return
        if gone is not None:
            self.forget(absorbed)
            gone.id, gone.buckets = survivor, set()
            self.stories[survivor] = gone
            self._post(gone.keys, survivor)
            self._place(gone)
            if gone.last_time is not None:
                heapq.heappush(self._by_time, (gone.last_time, survivor))
        self.redirects[absorbed] = survivor

    def refine(self, members: Sequence[tuple[str, StoryFeatures]]) -> dict[str, str]:
        """The correction step over a window's articles, given with their story.

        First the window is decided again in publication order (undated articles keep the
        order given): every article leaves its story, then each is assigned in turn, so
        what the online step made of the arrival order (a backfill, several writers) does
        not last. Then each article in turn leaves its story once more and is assigned to
        the story it fits best now (or a new one, merging what it bridges), which splits
        off what an early join glued. Stories outside the window are context: they keep
        their members and may take window articles in. A story formed again keeps its
        old id while that id is free. Returns article id -> story for the articles that
        moved (their final story, merges followed).
        """
        window = sorted(members, key=lambda pair: (pair[1].time or 0.0, pair[1].article_id))
        before = {item.article_id: self.resolve(story) for story, item in window}
        for story_id, item in window:
            self._leave(self.resolve(story_id), item)
        assigned: dict[str, str] = {}
        for _, item in window:
            old = before[item.article_id]
            fresh = old if old not in self.stories and old not in self.redirects else None
            assigned[item.article_id] = self.assign(item, new_id=fresh or self._new_id(item))[0]
        for _, item in window:
            current = self.resolve(assigned[item.article_id])
            if current not in self.stories:
                continue
            self._leave(current, item)
            fresh = current if current not in self.stories else self._new_id(item)
            assigned[item.article_id] = self.assign(item, new_id=fresh)[0]
        moved = {}
        for article, story in assigned.items():
            final = self.resolve(story)
            if final != self.resolve(before[article]):
                moved[article] = final
        return moved

    def _leave(self, story_id: str, item: StoryFeatures) -> None:
        """Take an article out of its story (forgotten when it was the story's last)."""
        story = self.stories.get(story_id)
        if story is None:
            return
        if story.size <= 1:
            self.forget(story_id)
        else:
            story.remove(item, *self.units(item))
            self._place(story)
        self.documents -= 1
        self.df.subtract(set(item.keys) | set(item.words))

    def _new_id(self, item: StoryFeatures) -> str:
        """An id for a story an article starts again: its own, unless already taken."""
        if item.article_id not in self.stories and item.article_id not in self.redirects:
            return item.article_id
        return f"{item.article_id}.{len(self.stories)}"

    def resolve(self, story_id: str) -> str:
        """The story an id stands for now (a merged story's id redirects to its survivor,
        through every later merge; the chain is shortened on the way)."""
        found = story_id
        while found in self.redirects:
            found = self.redirects[found]
        while story_id in self.redirects and self.redirects[story_id] != found:
            self.redirects[story_id], story_id = found, self.redirects[story_id]
        return found

    # -- upkeep -------------------------------------------------------------------------

    def add(self, story_id: str, item: StoryFeatures) -> None:
        """Record an article as a member of a story (new or known), updating every index."""
        story_id = self.resolve(story_id)
        story = self.stories.get(story_id)
        if story is None:
            story = StoryState(story_id, item.title, item.time, item.time)
            self.stories[story_id] = story
        self.documents += 1
        self.df.update(set(item.keys) | set(item.words))
        if len(self.df) > MAX_VOCABULARY:
            self._decay()
        story.add(item, *self.units(item))
        self._post(item.keys, story_id)
        self._place(story)
        if item.time is not None:
            self.newest = item.time if self.newest is None else max(self.newest, item.time)
            if self.documents % TRIM_EVERY == 0:
                self._trim()
            heapq.heappush(self._by_time, (story.last_time or item.time, story_id))
            if len(self._by_time) > 4 * len(self.stories) + 1024:  # drop stale entries
                self._by_time = [
                    (s.last_time, s.id) for s in self.stories.values() if s.last_time is not None
                ]
                heapq.heapify(self._by_time)
        self._bound()

    def _trim(self) -> None:
        """Let go of the kept members of stories dated more than a window before the newest
        article: they serve `derives_from` against recent versions; the sums stay."""
        if self.newest is None:
            return
        horizon = self.newest - self.config.window_seconds
        for story in self.stories.values():
            if story.members and story.last_time is not None and story.last_time < horizon:
                story.members.clear()

    def _decay(self) -> None:
        """Halve the document frequencies and drop the words left at zero (bounded table)."""
        self.df = Counter({k: v // 2 for k, v in self.df.items() if v > 1})
        self.documents = max(self.documents // 2, 1)

    def _place(self, story: StoryState) -> None:
        vector = story.vector_sum
        if vector.size == 0:
            return
        if self._dim == 0:
            self._dim = vector.size
        if vector.size != self._dim:
            # Another encoder's vector (features built by hand: the service refuses a store
            # of two encoders, `service.check_encoder`): found by its keys only.
            return
        wanted = self._story_buckets(story)
        for bucket in story.buckets - wanted:
            rows = self._buckets.get(bucket)
            if rows is not None:
                rows.drop(story.id)
        for bucket in wanted:
            rows = self._buckets.get(bucket)
            if rows is None:
                rows = self._buckets[bucket] = _Centroids(self._dim)
            rows.put(story.id, vector)
        story.buckets = wanted

    def _bound(self) -> None:
        """Keep at most max_stories: those with the oldest publication dates go first."""
        while len(self.stories) > self.config.max_stories:
            story_id: str | None = None
            while self._by_time:
                last, candidate = heapq.heappop(self._by_time)
                story = self.stories.get(candidate)
                if story is not None and story.last_time == last:
                    story_id = candidate
                    break
            if story_id is None:
                story_id = next(iter(self.stories))
            self.forget(story_id)

    def _post(self, keys: Iterable[str], story_id: str) -> None:
        """List a story under each of these keys (a key lists at most MAX_POSTINGS)."""
        for key in keys:
            posting = self._postings.setdefault(key, set())
            if len(posting) < MAX_POSTINGS:
                posting.add(story_id)

    def forget(self, story_id: str) -> None:
        """Take a story out of the index (it stays in the store)."""
        story = self.stories.pop(story_id, None)
        if story is None:
            return
        for key in story.keys:
            posting = self._postings.get(key)
            if posting is not None:
                posting.discard(story_id)
                if not posting:
                    del self._postings[key]
        for bucket in story.buckets:
            rows = self._buckets.get(bucket)
            if rows is not None:
                rows.drop(story_id)
                if not rows.live():
                    del self._buckets[bucket]

    def load(self, members: Iterable[tuple[str, StoryFeatures]]) -> None:
        """Rebuild the index from stored (story, features) pairs, oldest first."""
        for story_id, item in members:
            self.add(story_id, item)

    def footprint(self) -> dict[str, int]:
        """What the index holds, counted: each is bounded by max_stories or a cap, see above."""
        return {
            "stories": len(self.stories),
            "matrix_rows": sum(r.matrix.shape[0] for r in self._buckets.values()),
            "counts": sum(
                len(s.keys)
                + len(s.key_sum)
                + sum(len(b) for b in s.word_sums.values())
                + len(s.number_sum)
                + len(s.hours)
                for s in self.stories.values()
            ),
            "postings": sum(len(p) for p in self._postings.values()),
            "times": len(self._by_time),
            "members": sum(len(s.members) for s in self.stories.values()),
            "vocabulary": len(self.df),
            "redirects": len(self.redirects),
        }

    def memory_bytes(self) -> int:
        """An estimate of the bytes the index holds (matrices, counts, postings, kept members).

        An order of magnitude, not a measurement: ~120 bytes per dict entry and ~4 KB per
        kept member; the measured figure is the max RSS printed by `benchmarks/stories.py
        --scale`.
        """
        held = self.footprint()
        entries = (held["counts"] + held["postings"] + held["times"] + held["vocabulary"]) + held[
            "redirects"
        ]
        matrices = sum(r.matrix.nbytes for r in self._buckets.values())
        return int(matrices + 120 * entries + 4000 * held["members"])
