"""Stories on the dev corpus, cross-validated over whole stories: newstrace and the baselines.

    .venv/bin/python benchmarks/stories.py            # the table (5-fold cross-validation)
    .venv/bin/python benchmarks/stories.py --train    # refit the shipped pair model
    .venv/bin/python benchmarks/stories.py --scale    # assignment time at 1k-100k stored
    .venv/bin/python benchmarks/stories.py --vectors  # (re)write the e5 vectors of the dev leads

Data, all of it at once: `stories_ecbplus.jsonl` (English, 413 articles, 36 stories, two
confusable events per topic, undated), `stories_itn.jsonl` (1,638 one-sentence blurbs,
150 stories, 48 languages; the id carries the publication time) and `pairs_semeval.jsonl`
(1,221 article pairs in ten languages scored 1 = same event … 4 = unrelated; pairs ≤ 1.5
count as same, ≥ 3.5 as different, the others are left out). Folds are made of whole
units: ECB+ topics (both events of a topic in one fold), ITN stories, and SemEval
components (articles linked by pairs, translated copies with their originals). For each
fold, the pair model is fitted on the four others and the threshold chosen there too (best
mean of ECB+ B-cubed F1, ITN B-cubed F1 and pair accuracy); the figures are pooled over
the five held-out folds.

Systems:
- newstrace: the pair model (multilingual-e5 on title and lead, entity keys, TF-IDF within a
  language, figures, time gap), online average linkage with merges (`newstrace.stories`);
- previous: the hand-weighted blend newstrace shipped before (USE; `stories_previous.py`);
- tfidf: TF-IDF cosine with the story centroid, single pass, one threshold;
- e5 agglomerative: average-linkage clustering of the e5 vectors (offline: it sees every
  article at once), one threshold.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "corpus" / "dev"
sys.path.insert(0, str(REPO))

from newstrace.model import RawDocument  # noqa: E402
from newstrace.pipeline import AnalysisError, Context, Pipeline, Stage, default_pipeline  # noqa: E402
from newstrace.stories.centre import LanguageMeans, shipped_means, shipped_path  # noqa: E402
from newstrace.stories.encoders import STORY_ENCODER, encoder  # noqa: E402
from newstrace.stories.features import StoryFeatures, features_of, lead  # noqa: E402
from newstrace.stories.index import StoryIndex, StoryState  # noqa: E402
from newstrace.stories.scorer import FEATURES, PairModel, fit  # noqa: E402
from newstrace.stories.similarity import StoryConfig, sparse_dot, tfidf_unit  # noqa: E402

FOLDS = 5
# Thresholds on the pair probability tried on the training folds.
THRESHOLDS = (0.4, 0.5, 0.6, 0.7, 0.8)
# Thresholds the baselines are tried at on the training folds.
TFIDF_GRID = [round(0.05 * i, 2) for i in range(2, 16)]
AGGLOMERATIVE_GRID = [round(0.78 + 0.01 * i, 2) for i in range(18)]
# The baselines' thresholds most training folds chose (2026-11), for tests that skip the
# search: tfidf [0.4, 0.25, 0.3, 0.25, 0.25], e5 agglomerative [0.83, 0.85, 0.85, 0.83, 0.85].
BASELINE_THRESHOLDS = {"tfidf": 0.25, "agglomerative": 0.85}
# The e5 vectors of the dev leads, so that tests need not run the encoder (int8, by the
# SHA-1 of the lead text; leads missing from it are encoded, ~0.1-0.2 s each).
VECTORS = REPO / "tests" / "fixtures" / "stories" / "dev_e5.npz"
CORPORA = ("ecbplus", "itn", "semeval")


def analysis_pipeline(with_claims: bool = False) -> Pipeline:
    """`analyze`'s stages plus entities, quantities, media (and claims) where it lacks them."""
    from newstrace.analysis.claims import claims
    from newstrace.analysis.entities import entities
    from newstrace.analysis.media import media
    from newstrace.analysis.quantities import quantities

    stages: list[Stage] = list(default_pipeline().stages)
    names = [s.name for s in stages]
    position = names.index("segment") + 1
    for extra in (entities, quantities, media, *([claims] if with_claims else [])):
        if extra.name not in names:
            stages.insert(position, extra)
            position += 1
    return Pipeline(stages)


@dataclass
class Item:
    """One dev article: its corpus, fold, gold story (None for SemEval) and story features."""

    key: str
    corpus: str
    fold: int
    gold: str | None
    features: StoryFeatures
    lead: str


@dataclass(frozen=True)
class Pair:
    """One SemEval pair with a clear score (≤ 1.5 same event, ≥ 3.5 different)."""

    first: str
    second: str
    same: bool
    cross: bool
    fold: int


@dataclass
class Dev:
    items: dict[str, Item]
    pairs: list[Pair]
    # Pair features within one fold of one corpus, computed once: (corpus, fold) -> rows.
    rows: dict[tuple[str, int], tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]] = field(
        default_factory=dict
    )

    def of(self, corpus: str, folds: Iterable[int]) -> list[Item]:
        wanted = set(folds)
        return [i for i in self.items.values() if i.corpus == corpus and i.fold in wanted]


def fold_of(unit: str) -> int:
    return hashlib.sha1(unit.encode()).digest()[0] % FOLDS


def _title_and_body(text: str) -> tuple[str | None, str]:
    """SemEval texts start with their headline, ended by a line break or two spaces."""
    found = re.match(r"\s*(.{10,250}?)(?:\n|  )", text)
    if found is None or not text[found.end() :].strip():
        return None, text
    return found.group(1).strip(), text[found.end() :].strip()


def _rows() -> list[tuple[str, str, str, str | None, RawDocument]]:
    """(key, corpus, fold unit, gold, document) of every dev article."""
    found: list[tuple[str, str, str, str | None, RawDocument]] = []
    for row in map(json.loads, (DEV / "stories_ecbplus.jsonl").open(encoding="utf-8")):
        raw = RawDocument(source=row["id"], text=row["text"])
        found.append((f"ecb:{row['id']}", "ecbplus", f"topic{row['topic']}", row["story"], raw))
    for row in map(json.loads, (DEV / "stories_itn.jsonl").open(encoding="utf-8")):
        when = datetime.fromtimestamp(float(row["id"].rsplit("-", 1)[1]), UTC).isoformat()
        raw = RawDocument(source=row["id"], text=row["text"], published=when)
        found.append((f"itn:{row['id']}", "itn", row["story"], row["story"], raw))
    return found


def _semeval() -> tuple[
    list[tuple[str, str, str, str | None, RawDocument]], list[dict[str, object]]
]:
    """SemEval articles (one per distinct text) and pairs; fold units are pair components."""
    rows = [json.loads(line) for line in (DEV / "pairs_semeval.jsonl").open(encoding="utf-8")]
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    def base(article: str) -> str:  # "1484039360it" (a translated copy) -> "1484039360"
        return re.sub(r"\D+$", "", article)

    for row in rows:
        first, second = row["pair_id"].split("_")
        parent[root(base(first))] = root(base(second))
    texts: dict[tuple[str, str], str] = {}
    articles: list[tuple[str, str, str, str | None, RawDocument]] = []
    pairs: list[dict[str, object]] = []
    for row in rows:
        keys = []
        for article, text in zip(
            row["pair_id"].split("_"), (row["text1"], row["text2"]), strict=True
        ):
            key = texts.get((article, text))
            if key is None:
                key = texts[(article, text)] = f"sem:{article}:{len(texts)}"
                title, body = _title_and_body(text)
                raw = RawDocument(source=key, text=body, title=title)
                articles.append((key, "semeval", root(base(article)), None, raw))
            keys.append(key)
        if row["overall"] <= 1.5 or row["overall"] >= 3.5:
            pairs.append(
                {
                    "first": keys[0],
                    "second": keys[1],
                    "same": row["overall"] <= 1.5,
                    "cross": row["lang1"] != row["lang2"],
                    "unit": root(base(row["pair_id"].split("_")[0])),
                }
            )
    return articles, pairs


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def load_vectors() -> dict[str, npt.NDArray[np.float32]]:
    if not VECTORS.exists():
        return {}
    data = np.load(VECTORS)
    rows = data["vectors"].astype(np.float32) / 127.0
    return {str(k): rows[i] for i, k in enumerate(data["keys"])}


def save_vectors(vectors: dict[str, npt.NDArray[np.float32]]) -> None:
    VECTORS.parent.mkdir(parents=True, exist_ok=True)
    keys = sorted(vectors)
    matrix = np.stack([vectors[k] for k in keys])
    quantised = np.clip(np.round(matrix * 127.0), -127, 127).astype(np.int8)
    np.savez_compressed(VECTORS, keys=np.array(keys), vectors=quantised)


def lead_vectors(leads: Sequence[str], write: bool = False) -> list[npt.NDArray[np.float32]]:
    """The e5 vectors of the leads (not centred): from VECTORS, the missing ones encoded (and
    saved)."""
    known = load_vectors()
    missing = sorted({_digest(t): t for t in leads if _digest(t) not in known}.items())
    if missing:
        print(f"encoding {len(missing)} leads missing from {VECTORS.name}", file=sys.stderr)
        model = encoder(STORY_ENCODER)
        for start in range(0, len(missing), 32):
            chunk = missing[start : start + 32]
            for (digest, _), row in zip(chunk, model.encode([t for _, t in chunk]), strict=True):
                known[digest] = row
        if write:
            save_vectors(known)
    found = []
    for text in leads:
        row = known[_digest(text)]
        found.append((row / (float(np.linalg.norm(row)) or 1.0)).astype(np.float32))
    return found


def load(corpora: Sequence[str] = CORPORA, write_vectors: bool = False) -> Dev:
    """Analyse the dev articles (spaCy off) and give each its features and e5 vector."""
    rows = _rows() if set(corpora) & {"ecbplus", "itn"} else []
    rows = [r for r in rows if r[1] in corpora]
    raw_pairs: list[dict[str, object]] = []
    if "semeval" in corpora:
        articles, raw_pairs = _semeval()
        rows += articles
    pipeline = analysis_pipeline()
    context = Context(models={"spacy": False})
    staged: list[tuple[str, str, str, str | None, StoryFeatures, str]] = []
    for key, corpus, unit, gold, raw in rows:
        try:
            article = pipeline.run(raw, context)
        except AnalysisError:  # a headline alone
            text = f"{raw.title or ''}\n{raw.text or ''}".strip()
            article = pipeline.run(replace(raw, text=text, title=None), context)
        article.id = key
        features = features_of(article, np.zeros(0, np.float32))
        staged.append((key, corpus, unit, gold, features, lead(article)))
    vectors = lead_vectors([s[5] for s in staged], write_vectors)
    items = {
        key: Item(key, corpus, fold_of(f"{corpus}:{unit}"), gold, replace(f, vector=v), text)
        for (key, corpus, unit, gold, f, text), v in zip(staged, vectors, strict=True)
    }
    pairs = [
        Pair(
            str(p["first"]),
            str(p["second"]),
            bool(p["same"]),
            bool(p["cross"]),
            fold_of(f"semeval:{p['unit']}"),
        )
        for p in raw_pairs
    ]
    return Dev(items, pairs)


def means_of(dev: Dev, held_out: int | None = None) -> LanguageMeans:
    """The language means of the dev leads' e5 vectors, without the articles of fold
    `held_out` (every article when None: the shipped means)."""
    chosen = [i for i in dev.items.values() if i.fold != held_out]
    return LanguageMeans.of(
        [i.features.vector for i in chosen], [i.features.language for i in chosen]
    )


def centred(dev: Dev, means: LanguageMeans) -> Dev:
    """A copy of `dev` whose vectors have their language's mean taken away, as the story
    encoder gives them (`newstrace.stories.centre`)."""
    items = list(dev.items.values())
    rows = means.centre(
        np.array([i.features.vector for i in items]), [i.features.language for i in items]
    )
    return Dev(
        {
            i.key: replace(i, features=replace(i.features, vector=row))
            for i, row in zip(items, rows, strict=True)
        },
        dev.pairs,
    )


def views(dev: Dev) -> dict[int, Dev]:
    """Per held-out fold, `dev` centred with the means of the other folds' articles: the
    held-out fold is scored with means that never saw it, as new articles are."""
    return {fold: centred(dev, means_of(dev, fold)) for fold in range(FOLDS)}


# -- scoring ---------------------------------------------------------------------------


def bcubed(predicted: dict[str, str], gold: dict[str, str]) -> dict[str, float]:
    """B-cubed precision, recall, F1 over items, and pairwise F1."""
    by_pred: dict[str, set[str]] = defaultdict(set)
    by_gold: dict[str, set[str]] = defaultdict(set)
    for item, story in predicted.items():
        by_pred[story].add(item)
        by_gold[gold[item]].add(item)
    precision = recall = 0.0
    for item, story in predicted.items():
        shared = len(by_pred[story] & by_gold[gold[item]])
        precision += shared / len(by_pred[story])
        recall += shared / len(by_gold[gold[item]])
    n = max(len(predicted), 1)
    p, r = precision / n, recall / n
    pairs_pred = sum(len(c) * (len(c) - 1) // 2 for c in by_pred.values())
    pairs_gold = sum(len(c) * (len(c) - 1) // 2 for c in by_gold.values())
    both = sum(
        len(by_pred[s] & by_gold[g]) * (len(by_pred[s] & by_gold[g]) - 1) // 2
        for s in by_pred
        for g in {gold[i] for i in by_pred[s]}
    )
    pp = both / pairs_pred if pairs_pred else 0.0
    pr = both / pairs_gold if pairs_gold else 0.0
    return {
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "pairwise_f1": 2 * pp * pr / (pp + pr) if pp + pr else 0.0,
    }


def ordered(items: Sequence[Item], shuffled: bool = False, seed: int = 0) -> list[Item]:
    """Publication order (undated in file order), or shuffled: a backfill in any order."""
    found = list(items)
    if shuffled:
        random.Random(seed).shuffle(found)
    else:
        found.sort(key=lambda i: i.features.time or 0.0)
    return found


# Rounds of the correction step after the online pass (0: the online step alone).
REFINE_ROUNDS = 1


def cluster(items: Sequence[Item], model: PairModel, rounds: int | None = None) -> dict[str, str]:
    """newstrace's assignment in the given order, then the correction step over all of them
    (they are one window); article key -> story (after merges)."""
    index = StoryIndex(StoryConfig(), model=model)
    features = [replace(i.features, article_id=i.key) for i in items]
    assigned = {f.article_id: index.assign(f)[0] for f in features}
    for _ in range(REFINE_ROUNDS if rounds is None else rounds):
        members = [(index.resolve(assigned[f.article_id]), f) for f in features]
        assigned.update(index.refine(members))
    return {key: index.resolve(story) for key, story in assigned.items()}


def _unit_index(items: Sequence[Item]) -> StoryIndex:
    """An empty index whose document frequencies are those of `items`."""
    index = StoryIndex(StoryConfig())
    for item in items:
        index.documents += 1
        index.df.update(set(item.features.keys) | set(item.features.words))
    return index


def _alone(index: StoryIndex, item: StoryFeatures) -> StoryState:
    """A story of one article, as the index would hold it."""
    state = StoryState(item.article_id, item.title, item.time, item.time)
    state.add(item, *index.units(item))
    return state


def pair_rows(
    index: StoryIndex, pairs: Iterable[tuple[StoryFeatures, StoryFeatures]]
) -> npt.NDArray[np.float64]:
    """Pair features (second article against a story of the first), in FEATURES order."""
    rows = []
    for first, second in pairs:
        state = _alone(index, first)
        dot = float(np.dot(first.vector, second.vector))
        rows.append(index.features(second, state, dot, index.units(second)))
    return np.array(rows, dtype=np.float64).reshape(-1, len(FEATURES))


def training_rows(
    dev: Dev, folds: Iterable[int]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Every pair of articles within a fold of ECB+ and of ITN, and the SemEval pairs of
    the folds; weights balance same/different within each corpus and the three corpora."""
    xs, ys, ws = [], [], []
    wanted = set(folds)
    for corpus in ("ecbplus", "itn"):
        rows, labels = [], []
        for fold in sorted(wanted):
            if (corpus, fold) not in dev.rows:
                items = dev.of(corpus, [fold])
                index = _unit_index(items)
                pairs = [(a, b) for n, a in enumerate(items) for b in items[n + 1 :]]
                dev.rows[corpus, fold] = (
                    pair_rows(index, ((a.features, b.features) for a, b in pairs)),
                    np.array([a.gold == b.gold for a, b in pairs], dtype=np.float64),
                )
            rows.append(dev.rows[corpus, fold][0])
            labels.append(dev.rows[corpus, fold][1])
        xs.append(np.concatenate(rows))
        ys.append(np.concatenate(labels))
    chosen = [p for p in dev.pairs if p.fold in wanted]
    if chosen:
        xs.append(semeval_rows(dev, chosen))
        ys.append(np.array([p.same for p in chosen], dtype=np.float64))
    for truth in ys:
        positives = max(float(truth.sum()), 1.0)
        negatives = max(len(truth) - float(truth.sum()), 1.0)
        ws.append(np.where(truth == 1, 0.5 / positives, 0.5 / negatives))
    weights = np.concatenate(ws)
    return np.concatenate(xs), np.concatenate(ys), weights * len(weights) / weights.sum()


@cache
def _semeval_index(dev_id: int) -> StoryIndex:
    dev = _DEVS[dev_id]
    return _unit_index([i for i in dev.items.values() if i.corpus == "semeval"])


_DEVS: dict[int, Dev] = {}


def semeval_rows(dev: Dev, pairs: Sequence[Pair]) -> npt.NDArray[np.float64]:
    """Features of SemEval pairs (document frequencies over every SemEval article)."""
    _DEVS[id(dev)] = dev
    index = _semeval_index(id(dev))
    return pair_rows(
        index, ((dev.items[p.first].features, dev.items[p.second].features) for p in pairs)
    )


def pair_accuracy(decisions: Sequence[bool], pairs: Sequence[Pair]) -> dict[str, float]:
    right = [d == p.same for d, p in zip(decisions, pairs, strict=True)]
    cross = [r for r, p in zip(right, pairs, strict=True) if p.cross]
    return {
        "accuracy": sum(right) / max(len(right), 1),
        "cross_lingual": sum(cross) / max(len(cross), 1),
        "pairs": len(right),
    }


def _pooled(
    dev: Dev,
    corpus: str,
    method: Callable[[list[Item], int], dict[str, str]],
    shuffled: bool = False,
) -> dict[str, float]:
    predicted: dict[str, str] = {}
    gold: dict[str, str] = {}
    for fold in range(FOLDS):
        items = ordered(dev.of(corpus, [fold]), shuffled, seed=fold)
        predicted.update({k: f"{fold}:{s}" for k, s in method(items, fold).items()})
        gold.update({i.key: str(i.gold) for i in items})
    return bcubed(predicted, gold)


def _objective(dev: Dev, folds: Sequence[int], model: PairModel) -> float:
    """Mean of ECB+ B-cubed F1, ITN B-cubed F1 and pair accuracy, each fold clustered alone."""
    scores = []
    for corpus in ("ecbplus", "itn"):
        predicted: dict[str, str] = {}
        gold: dict[str, str] = {}
        for fold in folds:
            items = ordered(dev.of(corpus, [fold]))
            predicted.update({k: f"{fold}:{s}" for k, s in cluster(items, model).items()})
            gold.update({i.key: str(i.gold) for i in items})
        scores.append(bcubed(predicted, gold)["f1"])
    pairs = [p for p in dev.pairs if p.fold in set(folds)]
    probabilities = model.probabilities(semeval_rows(dev, pairs))
    scores.append(pair_accuracy(list(probabilities >= model.threshold), pairs)["accuracy"])
    return sum(scores) / len(scores)


def fold_models(
    centred_views: dict[int, Dev], threshold: float | None = None
) -> dict[int, PairModel]:
    """Per held-out fold: the model fitted on the other folds (of that fold's centred view),
    its threshold chosen there (or `threshold` when given)."""
    models = {}
    for fold in range(FOLDS):
        dev = centred_views[fold]
        others = [f for f in range(FOLDS) if f != fold]
        x, y, w = training_rows(dev, others)
        model = fit(x, y, w)
        if threshold is None:
            model = max(
                (model.with_threshold(t) for t in THRESHOLDS),
                key=lambda m: _objective(dev, others, m),
            )
        else:
            model = model.with_threshold(threshold)
        models[fold] = model
    return models


def cross_validate(dev: Dev, threshold: float | None = None) -> dict[str, dict[str, float]]:
    """newstrace, cross-validated: ECB+ and ITN (time order and shuffled) B-cubed, pairs.
    Each fold is scored in its own centred view (`views`)."""
    seen = views(dev)
    models = fold_models(seen, threshold)
    found: dict[str, dict[str, float]] = {}

    def method(items: list[Item], fold: int) -> dict[str, str]:
        return cluster([seen[fold].items[i.key] for i in items], models[fold])

    found["ecbplus"] = _pooled(dev, "ecbplus", method)
    found["itn"] = _pooled(dev, "itn", method)
    found["itn_shuffled"] = _pooled(dev, "itn", method, shuffled=True)
    decisions: list[bool] = []
    pairs: list[Pair] = []
    for fold, model in models.items():
        chosen = [p for p in dev.pairs if p.fold == fold]
        rows = semeval_rows(seen[fold], chosen)
        decisions += list(model.probabilities(rows) >= model.threshold)
        pairs += chosen
    found["semeval"] = pair_accuracy(decisions, pairs)
    found["thresholds"] = {str(f): m.threshold for f, m in models.items()}
    return found


# -- baselines -------------------------------------------------------------------------


def tfidf_single_pass(items: Sequence[Item], threshold: float) -> dict[str, str]:
    """TF-IDF (all languages as one) cosine with each story's centroid; join the best."""
    df: Counter[str] = Counter()
    centroids: dict[str, dict[str, float]] = {}
    assigned: dict[str, str] = {}
    for documents, item in enumerate(items, start=1):
        df.update(set(item.features.words))
        unit = tfidf_unit(item.features.words, df, documents)
        best, score = None, -1.0
        for story, centroid in centroids.items():
            norm = float(np.sqrt(sum(v * v for v in centroid.values()))) or 1.0
            value = sparse_dot(unit, centroid) / norm
            if value > score:
                best, score = story, value
        story = best if best is not None and score >= threshold else item.key
        centroid = centroids.setdefault(story, {})
        for word, weight in unit.items():
            centroid[word] = centroid.get(word, 0.0) + weight
        assigned[item.key] = story
    return assigned


def agglomerative(items: Sequence[Item], threshold: float) -> dict[str, str]:
    """Average-linkage clustering of the e5 vectors, merging while the linkage ≥ threshold."""
    n = len(items)
    if n == 0:
        return {}
    vectors = np.stack([i.features.vector for i in items]).astype(np.float64)
    linkage = vectors @ vectors.T
    np.fill_diagonal(linkage, -9.0)
    size = np.ones(n)
    parent = list(range(n))
    while True:
        flat = int(np.argmax(linkage))
        a, b = divmod(flat, n)
        if linkage[a, b] < threshold:
            break
        merged = (linkage[a] * size[a] + linkage[b] * size[b]) / (size[a] + size[b])
        linkage[a, :] = merged
        linkage[:, a] = merged
        linkage[a, a] = -9.0
        linkage[b, :] = -9.0
        linkage[:, b] = -9.0
        size[a] += size[b]
        parent[b] = a

    def root(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    return {item.key: str(root(n)) for n, item in enumerate(items)}


def _baseline(
    dev: Dev,
    method: Callable[[Sequence[Item], float], dict[str, str]],
    grid: Sequence[float],
    pair_score: Callable[[Item, Item], float],
) -> dict[str, dict[str, float]]:
    """A one-threshold baseline, its threshold chosen on the training folds."""
    chosen: dict[int, float] = {}
    for fold in range(FOLDS):
        others = [f for f in range(FOLDS) if f != fold]

        def objective(t: float, others: list[int] = others) -> float:
            scores = []
            for corpus in ("ecbplus", "itn"):
                predicted: dict[str, str] = {}
                gold: dict[str, str] = {}
                for f in others:
                    items = ordered(dev.of(corpus, [f]))
                    predicted.update({k: f"{f}:{s}" for k, s in method(items, t).items()})
                    gold.update({i.key: str(i.gold) for i in items})
                scores.append(bcubed(predicted, gold)["f1"])
            pairs = [p for p in dev.pairs if p.fold in set(others)]
            decisions = [pair_score(dev.items[p.first], dev.items[p.second]) >= t for p in pairs]
            scores.append(pair_accuracy(decisions, pairs)["accuracy"])
            return sum(scores) / 3

        chosen[fold] = max(grid, key=objective)
    found: dict[str, dict[str, float]] = {}
    for corpus in ("ecbplus", "itn"):
        found[corpus] = _pooled(dev, corpus, lambda items, f: method(items, chosen[f]))
    found["itn_shuffled"] = _pooled(
        dev, "itn", lambda items, f: method(items, chosen[f]), shuffled=True
    )
    decisions = [
        pair_score(dev.items[p.first], dev.items[p.second]) >= chosen[p.fold] for p in dev.pairs
    ]
    found["semeval"] = pair_accuracy(decisions, dev.pairs)
    found["thresholds"] = {str(f): t for f, t in chosen.items()}
    return found


def _tfidf_pair(dev: Dev) -> Callable[[Item, Item], float]:
    index = _semeval_index_for(dev)

    def score(a: Item, b: Item) -> float:
        return sparse_dot(
            tfidf_unit(a.features.words, index.df, index.documents),
            tfidf_unit(b.features.words, index.df, index.documents),
        )

    return score


def _semeval_index_for(dev: Dev) -> StoryIndex:
    _DEVS[id(dev)] = dev
    return _semeval_index(id(dev))


def _e5_pair(a: Item, b: Item) -> float:
    return float(np.dot(a.features.vector, b.features.vector))


def previous_method(dev: Dev) -> dict[str, dict[str, float]]:
    """The method shipped before (USE, shipped thresholds: nothing to choose per fold)."""
    from benchmarks.stories_previous import PreviousConfig, PreviousIndex

    model = encoder("use")
    items = [i for i in dev.items.values() if i.corpus in ("ecbplus", "itn")]
    vectors = model.encode([i.lead for i in items])
    use = {
        i.key: replace(i.features, article_id=i.key, vector=v)
        for i, v in zip(items, vectors, strict=True)
    }

    def method(chosen: list[Item], fold: int) -> dict[str, str]:
        index = PreviousIndex(PreviousConfig())
        return {i.key: index.assign(use[i.key])[0] for i in chosen}

    found: dict[str, dict[str, float]] = {}
    for corpus in ("ecbplus", "itn"):
        found[corpus] = _pooled(dev, corpus, method)
    found["itn_shuffled"] = _pooled(dev, "itn", method, shuffled=True)
    return found


def run(with_previous: bool = True) -> dict[str, dict[str, dict[str, float]]]:
    """Every system, cross-validated: {system: {measure: scores}}."""
    started = time.perf_counter()
    dev = load()
    print(f"analysis {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    table = {"newstrace": cross_validate(dev)}
    print(f"newstrace {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    if with_previous:
        table["previous"] = previous_method(dev)
    table["tfidf"] = _baseline(dev, tfidf_single_pass, TFIDF_GRID, _tfidf_pair(dev))
    table["e5 agglomerative"] = _baseline(dev, agglomerative, AGGLOMERATIVE_GRID, _e5_pair)
    print(f"total {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return table


def print_table(table: dict[str, dict[str, dict[str, float]]]) -> None:
    print("5-fold cross-validation over whole topics / stories / pair components")
    print(
        f"{'system':18} {'ECB+ P':>6} {'R':>6} {'B3 F1':>6} {'pairF1':>6} | "
        f"{'ITN P':>6} {'R':>6} {'B3 F1':>6} {'pairF1':>6} {'shuf':>6} | {'pairs':>6} {'cross':>6}"
    )
    for system, s in table.items():
        e, i, sh = s["ecbplus"], s["itn"], s["itn_shuffled"]
        pairs = s.get("semeval")
        tail = (
            f"{pairs['accuracy']:6.3f} {pairs['cross_lingual']:6.3f}"
            if pairs
            else f"{'-':>6} {'-':>6}"
        )
        print(
            f"{system:18} {e['precision']:6.3f} {e['recall']:6.3f} {e['f1']:6.3f} "
            f"{e['pairwise_f1']:6.3f} | {i['precision']:6.3f} {i['recall']:6.3f} {i['f1']:6.3f} "
            f"{i['pairwise_f1']:6.3f} {sh['f1']:6.3f} | {tail}"
        )
    for system, s in table.items():
        if "thresholds" in s:
            print(f"{system}: thresholds chosen per fold {list(s['thresholds'].values())}")


def train() -> PairModel:
    """Fit the shipped model on every fold, on vectors centred with the means of every dev
    lead (written beside it); its threshold: the median of the folds' choices."""
    raw = load()
    chosen = [m.threshold for m in fold_models(views(raw)).values()]
    threshold = float(np.median(chosen))
    means = means_of(raw)
    means.save(shipped_path())
    dev = centred(raw, means)
    x, y, w = training_rows(dev, range(FOLDS))
    model = fit(
        x,
        y,
        w,
        threshold,
        about=(
            "benchmarks/stories.py --train: every pair within an ECB+ or ITN fold and the "
            f"clear SemEval pairs ({len(y)} pairs); threshold {threshold} = median of the "
            f"thresholds chosen on the training folds {chosen}"
        ),
    )
    path = REPO / "newstrace" / "data" / "stories" / "pair_model.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(model.to_json() + "\n", encoding="utf-8")
    print(model.to_json())
    return model


# -- scale -----------------------------------------------------------------------------

# Synthetic stream of the scale benchmark: one article every SCALE_STEP seconds (288 a
# day). Nothing leaves the index for age, so the stored stories grow up to max_stories
# while the buckets searched per article (2.25 windows of 30 days) hold ~19,000 articles.
SCALE_STEP = 300.0
SCALE_CHECKPOINTS = (1_000, 10_000, 30_000, 100_000)
SCALE_TIMED = 2_000  # assignments timed after each checkpoint (mean over them)
SCALE_BLOCK = 10_000  # growth is timed by blocks of this many, to show the trend


@cache
def _shuffle(epoch: int, dim: int, seed: int) -> npt.NDArray[np.intp]:
    """The dimension permutation of one pass over the dev items."""
    return np.random.default_rng(seed + epoch).permutation(dim)


def synthetic(base: Sequence[StoryFeatures], number: int, seed: int = 7) -> StoryFeatures:
    """The `number`-th synthetic article: a dev item made into a new event, so the stream
    grows without end while staying news-shaped. Each pass over the dev items ("epoch")
    renames keys and words and permutes the vector's dimensions: items of one dev story stay
    alike within an epoch, copies from another epoch are unrelated."""
    item = base[number % len(base)]
    epoch = number // len(base)
    # Noise so that no two articles are equal, small beside the cosines of centred e5
    # vectors (unrelated texts ~0.1, one story ~0.5): cosine with the original ~0.99.
    noise = np.random.default_rng(seed + number).normal(0, 0.005, item.vector.size)
    vector = (item.vector[_shuffle(epoch, item.vector.size, seed)] + noise).astype(np.float32)
    vector /= float(np.linalg.norm(vector)) or 1.0
    return replace(
        item,
        article_id=f"s{number}",
        time=number * SCALE_STEP,
        keys={f"{k}#{epoch}": v for k, v in item.keys.items()},
        words={f"{w}#{epoch}": c for w, c in item.words.items()},
        vector=vector,
    )


def scale() -> None:
    """Assignment time per article and index memory at 1k, 10k, 30k and 100k stored articles."""
    import resource

    started = time.perf_counter()
    raw = load(("itn",))
    means = shipped_means()
    dev = centred(raw, means if means is not None else means_of(raw))  # as the encoder gives
    base = [replace(i.features, article_id=i.key) for i in ordered(list(dev.items.values()))]
    index = StoryIndex(StoryConfig())
    stored = 0
    print(
        f"{'stored':>8} {'ms/article':>10} {'cpu ms':>7} {'articles/s':>10} "
        f"{'stories':>8} {'index MB':>8} {'max RSS MB':>10}"
    )
    blocks: list[float] = []
    block_started = time.process_time()
    for checkpoint in SCALE_CHECKPOINTS:
        while stored < checkpoint:
            index.assign(synthetic(base, stored))
            stored += 1
            if stored % SCALE_BLOCK == 0:
                blocks.append(time.process_time() - block_started)
                block_started = time.process_time()
        batch = [synthetic(base, stored + i) for i in range(SCALE_TIMED)]
        wall, cpu = time.perf_counter(), time.process_time()
        for item in batch:
            index.assign(item)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        stored += SCALE_TIMED
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{checkpoint:>8} {1000 * wall / SCALE_TIMED:>10.2f} {1000 * cpu / SCALE_TIMED:>7.2f} "
            f"{SCALE_TIMED / wall:>10.0f} {len(index.stories):>8} "
            f"{index.memory_bytes() / 2**20:>8.1f} {rss:>10.0f}",
            flush=True,
        )
    print(
        f"CPU ms per article, by block of {SCALE_BLOCK:,} while growing (article generation "
        "included): " + " ".join(f"{1000 * b / SCALE_BLOCK:.2f}" for b in blocks)
    )
    print(
        f"{stored:,} articles, one every {SCALE_STEP:g} s; merges {len(index.merges)}; "
        f"total {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", action="store_true", help="refit the shipped pair model")
    parser.add_argument("--scale", action="store_true", help="time assignment at 1k-100k stored")
    parser.add_argument("--vectors", action="store_true", help="write the dev leads' e5 vectors")
    parser.add_argument("--no-previous", action="store_true", help="skip the USE-based method")
    args = parser.parse_args()
    if args.vectors:
        load(write_vectors=True)
        return
    if args.train:
        train()
        return
    if args.scale:
        scale()
        return
    print_table(run(with_previous=not args.no_previous))


if __name__ == "__main__":
    main()
