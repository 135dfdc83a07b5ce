"""The story method newstrace shipped before the pair model, kept verbatim as a baseline.

A hand-weighted blend of centroid cosine (USE), entity keys, TF-IDF within a language,
figures and media, with two join thresholds (same language 0.85, across 0.40), single pass,
stories leaving the index 30 days after the newest article seen (by arrival). Only
`benchmarks/stories.py` uses it, to print it beside the current method.
"""

from __future__ import annotations

import heapq
from collections import Counter, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from newstrace.stories.encoders import Vectors
from newstrace.stories.features import StoryFeatures
from newstrace.stories.similarity import idf, sparse_dot, tfidf_unit


@dataclass(frozen=True)
class PreviousConfig:
    """The blend weights and join thresholds newstrace shipped before the pair model."""

    # Blend weights and join thresholds: chosen for the best mean B-cubed F1 on the train
    # halves of ECB+ (odd topics) and ITN (stories hashed to "train") with USE, 2026-11:
    # cross-language 0.7 -> 0.5 took ITN train F1 from 0.53 to 0.69 (ECB+ unchanged, 0.87);
    # the thresholds then re-chosen on the train halves by `benchmarks/stories.py --ablate`
    # (full variant): 0.85 / 0.40, test halves ECB+ 0.851 -> 0.855, ITN 0.730 -> 0.748.
    embedding: float = 1.0
    entities: float = 0.5
    lexical: float = 1.0
    numbers: float = 0.1
    media: float = 0.1
    same_language_threshold: float = 0.85
    cross_language_threshold: float = 0.4
    # A story takes no article published more than this after its last one. 30 days: on
    # the ITN train half 30 days beat 7 (F1 0.69 vs 0.67) and no window (0.67: old stories
    # absorb new ones); ITN stories span a median 11.7 days.
    window_seconds: float = 30 * 86400.0
    # Stories kept in memory at once (the most recent ones): 20,000 centroids of 512 floats
    # are 40 MB, plus bounded key and word counts per story (~30 KB each at their caps).
    max_stories: int = 20_000
    # Stories scored per article: the best by centroid cosine, plus those sharing an entity.
    candidates: int = 30


def share(mine: frozenset[str], theirs: Mapping[str, int] | frozenset[str]) -> float:
    """Share of the article's items (figures, outlets) that the story has too."""
    if not mine:
        return 0.0
    return sum(1 for item in mine if item in theirs) / len(mine)


def blend(values: Mapping[str, float], config: PreviousConfig, same_language: bool) -> float:
    """The blended score minus the join threshold: at or above 0, the article joins."""
    score = (
        config.embedding * values.get("embedding", 0.0)
        + config.entities * values.get("entities", 0.0)
        + config.numbers * values.get("numbers", 0.0)
        + config.media * values.get("media", 0.0)
    )
    if same_language:
        score += config.lexical * values.get("lexical", 0.0)
        return score - config.same_language_threshold
    return score - config.cross_language_threshold


# Per-story caps: counts past these are pruned to the most frequent (a story of 1,000
# articles keeps its 64 main entities and 300 main words per language).
MAX_KEYS = 64
MAX_WORDS = 300
MAX_NUMBERS = 64
# Recent members kept per story, for derives_from detection against earlier versions.
MEMBERS_KEPT = 12
# Vocabulary of the document-frequency table: past this many words, every count and the
# document count are halved and the words left at zero dropped, so the table follows the
# recent vocabulary. On the --scale stream (~4 new words per article) that happens every
# ~15,000 articles and takes ~45 ms (benchmarks/stories.py, 2026-11).
MAX_VOCABULARY = 200_000
# An entity key in more window stories than this says little about which one (a country).
MAX_POSTINGS = 200


def _prune(counts: Counter[str], cap: int) -> None:
    """Keep the `cap` most frequent entries once there are twice as many (bounded memory)."""
    if len(counts) > 2 * cap:
        keep = dict(counts.most_common(cap))
        counts.clear()
        counts.update(keep)


def _second(pair: tuple[str, float]) -> float:
    """The weight of a (story, weight) pair, to rank candidates by."""
    return pair[1]


@dataclass
class PreviousState:
    """What the index keeps of one story: centroid, entity, word and figure counts, times."""

    id: str
    title: str
    first_time: float | None
    last_time: float | None
    size: int = 0
    vector_sum: Vectors = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    keys: Counter[str] = field(default_factory=Counter)
    words: dict[str, Counter[str]] = field(default_factory=dict)
    numbers: Counter[str] = field(default_factory=Counter)
    media: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    members: deque[StoryFeatures] = field(default_factory=lambda: deque(maxlen=MEMBERS_KEPT))
    # Unit TF-IDF vectors of the keys and of each language's words, remade on every add.
    key_unit: dict[str, float] = field(default_factory=dict)
    word_units: dict[str, dict[str, float]] = field(default_factory=dict)

    def add(self, item: StoryFeatures) -> None:
        self.size += 1
        if self.vector_sum.size == 0:
            self.vector_sum = item.vector.astype(np.float32).copy()
        else:
            self.vector_sum = self.vector_sum + item.vector
        self.keys.update(item.keys)
        _prune(self.keys, MAX_KEYS)
        language = item.language or "?"
        self.languages[language] += 1
        bag = self.words.setdefault(language, Counter())
        bag.update(item.words)
        _prune(bag, MAX_WORDS)
        self.numbers.update(item.numbers)
        _prune(self.numbers, MAX_NUMBERS)
        self.media.update(item.media)
        if item.time is not None:
            self.first_time = (
                item.time if self.first_time is None else min(self.first_time, item.time)
            )
            self.last_time = item.time if self.last_time is None else max(self.last_time, item.time)
        self.members.append(item)


@dataclass(frozen=True)
class Match:
    """A story an article was scored against: its signals and the margin over the threshold."""

    story: str
    margin: float
    signals: dict[str, float]


class PreviousIndex:
    """Incremental story assignment over a sliding time window."""

    def __init__(self, config: PreviousConfig | None = None, dim: int = 0) -> None:
        self.config = config or PreviousConfig()
        self.stories: dict[str, PreviousState] = {}
        self.df: Counter[str] = Counter()
        self.documents = 0
        self.newest: float | None = None
        self._postings: dict[str, set[str]] = {}
        self._dim = dim
        self._matrix = np.zeros((0, dim), dtype=np.float32)
        self._norms = np.ones(0, dtype=np.float32)
        self._alive = np.zeros(0, dtype=np.bool_)
        self._slot: dict[str, int] = {}
        self._owner: list[str | None] = []
        self._free: list[int] = []
        self._by_time: list[tuple[float, str]] = []

    # -- scoring ------------------------------------------------------------------------

    def units(self, item: StoryFeatures) -> tuple[dict[str, float], dict[str, float]]:
        """The article's unit TF-IDF vectors of entity keys and of words."""
        return (
            tfidf_unit(item.keys, self.df, self.documents),
            tfidf_unit(item.words, self.df, self.documents),
        )

    def signals(
        self,
        item: StoryFeatures,
        story: PreviousState,
        cosine: float,
        units: tuple[dict[str, float], dict[str, float]],
    ) -> dict[str, float]:
        """The signals between an article and one story."""
        keys, words = units
        return {
            "embedding": max(cosine, 0.0),
            "entities": sparse_dot(keys, story.key_unit),
            "numbers": share(item.numbers, story.numbers),
            "media": share(item.media, story.media),
            "lexical": sparse_dot(words, story.word_units.get(item.language or "?", {})),
        }

    def _in_window(self, item: StoryFeatures, story: PreviousState) -> bool:
        if item.time is None or story.last_time is None or story.first_time is None:
            return True
        window = self.config.window_seconds
        return story.first_time - window <= item.time <= story.last_time + window

    def candidates(self, item: StoryFeatures) -> dict[str, float]:
        """Stories worth scoring, each with its centroid cosine: nearest centroids + shared keys."""
        found: dict[str, float] = {}
        used = len(self._owner)
        live = used - len(self._free)
        cosines = np.zeros(0, dtype=np.float32)
        if live and item.vector.size == self._dim:
            matrix = self._matrix[:used]
            # einsum, not `@`: a matrix-vector product this small gains nothing from BLAS
            # threads, and waking them between articles cost 2-10 ms per article on 2 busy
            # cores (benchmarks/stories.py --scale, 2026-11: 0.46 ms per article at 10k).
            cosines = np.einsum("ij,j->i", matrix, item.vector) / self._norms[:used]
            cosines[~self._alive[:used]] = -2.0
            top = min(self.config.candidates, live)
            for slot in np.argpartition(-cosines, top - 1)[:top]:
                owner = self._owner[int(slot)]
                if owner is not None:
                    found[owner] = float(cosines[int(slot)])
        shared: dict[str, float] = {}
        for key in item.keys:
            posting = self._postings.get(key, ())
            weight = idf(len(posting), len(self.stories))
            for story in posting:
                if story not in found:
                    shared[story] = shared.get(story, 0.0) + weight
        # A common key (a country) brings up to MAX_POSTINGS stories: score only the few
        # sharing the most, and the rarest, keys with the article.
        for story, _ in heapq.nlargest(self.config.candidates, shared.items(), key=_second):
            slot = self._slot[story]
            found[story] = float(cosines[slot]) if cosines.size else 0.0
        return found

    def best(self, item: StoryFeatures) -> Match | None:
        """The story this article fits best (highest margin), or None when none is in reach."""
        best: Match | None = None
        units = self.units(item)
        for story_id, cosine in self.candidates(item).items():
            story = self.stories[story_id]
            if not self._in_window(item, story):
                continue
            values = self.signals(item, story, cosine, units)
            same = (item.language or "?") in story.languages
            margin = blend(values, self.config, same)
            if best is None or margin > best.margin:
                best = Match(story_id, margin, values)
        return best

    def assign(self, item: StoryFeatures, new_id: str | None = None) -> tuple[str, Match | None]:
        """Put the article in its best story, or in a new one (`new_id`, else its own id)."""
        self._slide(item.time)
        match = self.best(item)
        if match is not None and match.margin >= 0:
            story_id = match.story
        else:
            story_id = new_id or item.article_id
        self.add(story_id, item)
        return story_id, match

    # -- upkeep -------------------------------------------------------------------------

    def add(self, story_id: str, item: StoryFeatures) -> None:
        """Record an article as a member of a story (new or known), updating every index."""
        story = self.stories.get(story_id)
        if story is None:
            story = PreviousState(story_id, item.title, item.time, item.time)
            self.stories[story_id] = story
        story.add(item)
        self.documents += 1
        self.df.update(set(item.keys) | set(item.words))
        if len(self.df) > MAX_VOCABULARY:
            self._decay()
        language = item.language or "?"
        story.key_unit = tfidf_unit(story.keys, self.df, self.documents)
        story.word_units[language] = tfidf_unit(story.words[language], self.df, self.documents)
        for key in item.keys:
            posting = self._postings.setdefault(key, set())
            if len(posting) < MAX_POSTINGS:
                posting.add(story_id)
        self._place(story_id, story.vector_sum)
        if item.time is not None:
            self.newest = item.time if self.newest is None else max(self.newest, item.time)
            heapq.heappush(self._by_time, (item.time, story_id))
        self._bound()

    def _decay(self) -> None:
        """Halve the document frequencies and drop the words left at zero (bounded table)."""
        self.df = Counter({k: v // 2 for k, v in self.df.items() if v > 1})
        self.documents = max(self.documents // 2, 1)

    def _place(self, story_id: str, vector: Vectors) -> None:
        if vector.size == 0:
            return
        if self._dim == 0 or self._matrix.shape[1] != vector.size:
            self._dim = vector.size
            self._matrix = np.zeros((0, self._dim), dtype=np.float32)
            self._norms = np.ones(0, dtype=np.float32)
            self._alive = np.zeros(0, dtype=np.bool_)
        slot = self._slot.get(story_id)
        if slot is None:
            if self._free:
                slot = self._free.pop()
                self._owner[slot] = story_id
            else:
                slot = len(self._owner)
                self._owner.append(story_id)
                if slot >= self._matrix.shape[0]:
                    size = max(64, 2 * self._matrix.shape[0])
                    grown = np.zeros((size, self._dim), np.float32)
                    grown[: self._matrix.shape[0]] = self._matrix
                    self._matrix = grown
                    self._norms = np.concatenate(
                        [self._norms, np.ones(size - len(self._norms), np.float32)]
                    )
                    self._alive = np.concatenate(
                        [self._alive, np.zeros(size - len(self._alive), np.bool_)]
                    )
            self._slot[story_id] = slot
        self._matrix[slot] = vector
        self._norms[slot] = float(np.linalg.norm(vector)) or 1.0
        self._alive[slot] = True

    def _slide(self, now: float | None) -> None:
        """Let go of the stories whose last article is older than the window."""
        if now is None:
            return
        horizon = max(now, self.newest or now) - self.config.window_seconds
        while self._by_time and self._by_time[0][0] < horizon:
            _, story_id = heapq.heappop(self._by_time)
            story = self.stories.get(story_id)
            if story is not None and (story.last_time or 0.0) < horizon:
                self.forget(story_id)

    def _bound(self) -> None:
        """Keep at most max_stories: the least recently updated go first."""
        while len(self.stories) > self.config.max_stories:
            if self._by_time:
                _, story_id = heapq.heappop(self._by_time)
                story = self.stories.get(story_id)
                if story is None or (
                    story.last_time is not None
                    and self._by_time
                    and story.last_time > self._by_time[0][0]
                ):
                    continue
            else:
                story_id = next(iter(self.stories))
            self.forget(story_id)

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
        slot = self._slot.pop(story_id, None)
        if slot is not None:
            self._owner[slot] = None
            self._matrix[slot] = 0.0
            self._alive[slot] = False
            self._free.append(slot)

    def load(self, members: Iterable[tuple[str, StoryFeatures]]) -> None:
        """Rebuild the index from stored (story, features) pairs, oldest first."""
        for story_id, item in members:
            self.add(story_id, item)

    def footprint(self) -> dict[str, int]:
        """What the index holds, counted: each is bounded by the window or a cap, see above."""
        return {
            "stories": len(self.stories),
            "matrix_rows": int(self._matrix.shape[0]),
            "counts": sum(
                len(s.keys)
                + sum(len(b) for b in s.words.values())
                + len(s.numbers)
                + len(s.key_unit)
                + sum(len(u) for u in s.word_units.values())
                for s in self.stories.values()
            ),
            "postings": sum(len(p) for p in self._postings.values()),
            "times": len(self._by_time),
            "members": sum(len(s.members) for s in self.stories.values()),
            "vocabulary": len(self.df),
        }

    def memory_bytes(self) -> int:
        """An estimate of the bytes the index holds (matrix, counts, postings, kept members).

        An order of magnitude, not a measurement: ~120 bytes per dict entry (a short string
        key and its slot) and ~4 KB per kept member (2 KB of vector plus its counts); the
        measured figure is the max RSS printed by `benchmarks/stories.py --scale`.
        """
        held = self.footprint()
        entries = held["counts"] + held["postings"] + held["times"] + held["vocabulary"]
        return int(self._matrix.nbytes + 120 * entries + 4000 * held["members"])
