"""Story clustering on the dev corpus: newstrace and two baselines, by B-cubed and pairwise F1.

    .venv/bin/python benchmarks/stories.py            # the table (held-out halves)
    .venv/bin/python benchmarks/stories.py --tune     # refit newstrace's weights (train halves)
    .venv/bin/python benchmarks/stories.py --scale    # assignment time at 1k, 10k, 100k stored
    .venv/bin/python benchmarks/stories.py --ablate   # each signal removed, and alone

Data: `corpus/dev/stories_ecbplus.jsonl` (English, 413 articles, 36 stories, two confusable
events per topic; no dates) and `stories_itn.jsonl` (1,638 one-sentence blurbs, 150 stories,
48 languages; the id carries a timestamp, used as the publication time). Each corpus is
split in halves by whole topics (ECB+: odd topics train, even test) or whole stories (ITN:
by a hash of the story id), never by single items. Every threshold (newstrace's and the
baselines') is chosen on the train half; the scores printed are on the test half.

Systems, each a single pass in time order (an article joins the best story or starts one):
- newstrace: `newstrace.stories` as shipped (encoder, entity keys, TF-IDF within a language,
  figures, media, time window);
- tfidf: TF-IDF cosine with the story centroid, one threshold (Miranda et al. 2018);
- encoder: cosine of the sentence encoder's vectors with the story centroid, one threshold.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "corpus" / "dev"
sys.path.insert(0, str(REPO))

from newstrace.model import RawDocument  # noqa: E402
from newstrace.pipeline import Context, Pipeline, Stage, default_pipeline  # noqa: E402
from newstrace.stories.encoders import Encoder, encoder  # noqa: E402
from newstrace.stories.features import StoryFeatures, featurize  # noqa: E402
from newstrace.stories.index import StoryIndex  # noqa: E402
from newstrace.stories.similarity import StoryConfig  # noqa: E402

# Thresholds the baselines are tried at on the train half.
BASELINE_GRID = [round(0.05 * i, 2) for i in range(2, 20)]
# What the train halves chose (2026-11, USE): used when only the test halves are loaded.
BASELINE_THRESHOLDS = {"tfidf": 0.3, "encoder": 0.5}


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
class Corpus:
    name: str
    items: list[StoryFeatures]
    gold: dict[str, str]  # article id -> story
    split: dict[str, str]  # article id -> "train" | "test"


def _hash_half(value: str) -> str:
    return "train" if hashlib.sha1(value.encode()).digest()[0] % 2 == 0 else "test"


def _half_of(row: dict[str, object]) -> str:
    topic = row.get("topic")
    if isinstance(topic, int):
        return "train" if topic % 2 == 1 else "test"
    return _hash_half(str(row["story"]))


def load(
    name: str, pipeline: Pipeline, model: Encoder, halves: Sequence[str] = ("train", "test")
) -> Corpus:
    """Analyse a dev story file (the given halves) and compute every item's story features.

    spaCy is off: entities come from the gazetteer and the capitalised-span rules. With
    spaCy on, analysis takes twice as long and B-cubed F1 moves by 0.01 at most (2026-11).
    """
    rows = [json.loads(line) for line in (DEV / name).open(encoding="utf-8")]
    rows = [row for row in rows if _half_of(row) in halves]
    context = Context(models={"spacy": False})
    articles = []
    times: list[float | None] = []
    gold: dict[str, str] = {}
    split: dict[str, str] = {}
    for row in rows:
        stamp = row["id"].rsplit("-", 1)[-1] if "topic" not in row else ""
        when = float(stamp) if stamp.replace(".", "").isdigit() else None
        published = datetime.fromtimestamp(when, UTC).isoformat() if when else None
        raw = RawDocument(source=row["id"], text=row["text"], published=published)
        article = pipeline.run(raw, context)
        article.id = row["id"]  # ITN repeats a blurb under two ids; keep both items
        articles.append(article)
        times.append(when)
        gold[row["id"]] = str(row["story"])
        split[row["id"]] = _half_of(row)
    items = featurize(articles, model, times)
    items.sort(key=lambda f: f.time or 0.0)
    return Corpus(name, items, gold, split)


def cluster(items: Iterable[StoryFeatures], config: StoryConfig) -> dict[str, str]:
    """Single-pass story assignment; article id -> story id."""
    index = StoryIndex(config)
    return {item.article_id: index.assign(item)[0] for item in items}


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


def half(corpus: Corpus, which: str) -> list[StoryFeatures]:
    return [f for f in corpus.items if corpus.split[f.article_id] == which]


def score(
    corpus: Corpus, which: str, config: StoryConfig, items: Sequence[StoryFeatures] = ()
) -> dict[str, float]:
    chosen = list(items) or half(corpus, which)
    return bcubed(cluster(chosen, config), corpus.gold)


def language_blind(items: Sequence[StoryFeatures]) -> list[StoryFeatures]:
    """The items with one shared language, for baselines that know of none."""
    return [replace(f, language="*") for f in items]


BASELINES = {
    # TF-IDF cosine only; every article in one "language", so words are compared across all.
    "tfidf": lambda t: StoryConfig(
        embedding=0,
        entities=0,
        lexical=1,
        numbers=0,
        media=0,
        same_language_threshold=t,
        cross_language_threshold=t,
        window_seconds=1e12,
    ),
    # Encoder cosine only.
    "encoder": lambda t: StoryConfig(
        embedding=1,
        entities=0,
        lexical=0,
        numbers=0,
        media=0,
        same_language_threshold=t,
        cross_language_threshold=t,
        window_seconds=1e12,
    ),
}


def tune_baseline(corpora: Sequence[Corpus], name: str) -> float:
    """The baseline threshold with the best mean B-cubed F1 over the train halves."""
    best = (-1.0, 0.0)
    for threshold in BASELINE_GRID:
        config = BASELINES[name](threshold)
        mean = sum(
            score(c, "train", config, language_blind(half(c, "train")))["f1"] for c in corpora
        ) / len(corpora)
        best = max(best, (mean, threshold))
    return best[1]


def tune_newstrace(corpora: Sequence[Corpus]) -> StoryConfig:
    """Grid search of newstrace's weights and thresholds on the train halves; prints the best."""
    base = StoryConfig()
    results = []
    grid = itertools.product(
        [0.5, 1.0],
        [0.0, 0.5, 1.0],
        [0.5, 1.0],
        [0.0, 0.1],
        [0.6, 0.7, 0.8, 0.9, 1.0],
        [0.4, 0.5, 0.6, 0.7, 0.8],
    )
    for emb, ent, lex, extra, same, cross in grid:
        config = replace(
            base,
            embedding=emb,
            entities=ent,
            lexical=lex,
            numbers=extra,
            media=extra,
            same_language_threshold=same,
            cross_language_threshold=cross,
        )
        f1s = [score(c, "train", config)["f1"] for c in corpora]
        results.append((sum(f1s) / len(f1s), f1s, config))
    results.sort(key=lambda r: -r[0])
    for mean, f1s, config in results[:5]:
        print(f"train mean F1 {mean:.3f} {[round(f, 3) for f in f1s]} {config}")
    return results[0][2]


def run(
    encoder_name: str = "auto", tune: bool = False, halves: Sequence[str] = ("train", "test")
) -> dict[str, dict[str, dict[str, float]]]:
    """Every system on the test half of both corpora: {corpus: {system: scores}}.

    Without the train halves, the baselines use BASELINE_THRESHOLDS (what they chose).
    """
    started = time.perf_counter()
    model = encoder(encoder_name)
    pipeline = analysis_pipeline()
    names = ("stories_ecbplus.jsonl", "stories_itn.jsonl")
    corpora = [load(n, pipeline, model, halves) for n in names]
    loaded = time.perf_counter() - started
    config = tune_newstrace(corpora) if tune else StoryConfig()
    thresholds = dict(BASELINE_THRESHOLDS)
    if "train" in halves:
        thresholds = {name: tune_baseline(corpora, name) for name in BASELINES}
    table: dict[str, dict[str, dict[str, float]]] = {}
    for corpus in corpora:
        table[corpus.name] = {"newstrace": score(corpus, "test", config)}
        for name, threshold in thresholds.items():
            blind = language_blind(half(corpus, "test"))
            table[corpus.name][name] = score(corpus, "test", BASELINES[name](threshold), blind)
    print(
        f"encoder {model.name}; analysis {loaded:.1f} s, "
        f"total {time.perf_counter() - started:.1f} s;"
        f" baseline thresholds (train halves): "
        + ", ".join(f"{n} {t}" for n, t in thresholds.items()),
        file=sys.stderr,
    )
    return table


# Synthetic stream of the scale benchmark: one article every SCALE_STEP seconds (288 a
# day), so the 30-day window holds 8,640 articles once full (from ~8.6k stored): at 10k
# and 100k the window is full and the cost per article must be the same.
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
    noise = np.random.default_rng(seed + number).normal(0, 0.02, item.vector.size)
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


def scale(encoder_name: str = "auto") -> None:
    """Assignment time per article and index memory at 1k, 10k, 30k and 100k stored articles."""
    import resource

    started = time.perf_counter()
    model = encoder(encoder_name)
    pipeline = analysis_pipeline()
    base = load("stories_itn.jsonl", pipeline, model).items
    index = StoryIndex(StoryConfig())
    stored = 0
    print(
        f"{'stored':>8} {'ms/article':>10} {'cpu ms':>7} {'articles/s':>10} "
        f"{'stories in window':>17} {'index MB':>8} {'max RSS MB':>10}"
    )
    blocks: list[float] = []  # CPU seconds of each SCALE_BLOCK assignments while growing
    block_started = time.process_time()
    for checkpoint in SCALE_CHECKPOINTS:
        while stored < checkpoint:  # grow up to the checkpoint; CPU time kept by block
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
            f"{SCALE_TIMED / wall:>10.0f} {len(index.stories):>17} "
            f"{index.memory_bytes() / 2**20:>8.1f} {rss:>10.0f}",
            flush=True,
        )
    print(
        f"CPU ms per article, by block of {SCALE_BLOCK:,} while growing (article generation "
        "included): " + " ".join(f"{1000 * b / SCALE_BLOCK:.2f}" for b in blocks)
    )
    print(
        f"encoder {model.name}; {stored:,} articles, one every {SCALE_STEP:g} s; "
        f"window {StoryConfig().window_seconds / 86400:g} days; "
        f"total {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )


# Ablation: StoryConfig fields zeroed (or the window opened) per variant. A weight at zero
# removes a signal from the blend; candidates still come from centroids and entity keys.
ABLATIONS: dict[str, StoryConfig] = {
    "full": StoryConfig(),
    "- encoder": StoryConfig(embedding=0.0),
    "- entity keys": StoryConfig(entities=0.0),
    "- tf-idf": StoryConfig(lexical=0.0),
    "- quantities": StoryConfig(numbers=0.0),
    "- media": StoryConfig(media=0.0),
    "- time window": StoryConfig(window_seconds=1e12),
    "encoder alone": StoryConfig(entities=0.0, lexical=0.0, numbers=0.0, media=0.0),
    "entity keys alone": StoryConfig(embedding=0.0, lexical=0.0, numbers=0.0, media=0.0),
    "tf-idf alone": StoryConfig(embedding=0.0, entities=0.0, numbers=0.0, media=0.0),
}
# Join thresholds tried per variant on the train halves, by coordinate search from the
# shipped pair (same language, then cross-language, then same again): the blend's range
# changes with the signals kept, so the grid spans 0.01 to 2.0 (finer below 0.05: entity
# keys alone, and cross-language links without the encoder, chose 0.05 on a coarser grid).
ABLATION_GRID = [0.01, 0.02, 0.03, 0.04] + [round(0.05 * i, 2) for i in range(1, 41)]


def tune_thresholds(corpora: Sequence[Corpus], config: StoryConfig) -> StoryConfig:
    """The join thresholds with the best mean train-half B-cubed F1, the weights kept."""
    seen: dict[tuple[float, float], float] = {}

    def mean_f1(same: float, cross: float) -> float:
        if (same, cross) not in seen:
            trial = replace(config, same_language_threshold=same, cross_language_threshold=cross)
            f1s = [score(c, "train", trial)["f1"] for c in corpora]
            seen[same, cross] = sum(f1s) / len(f1s)
        return seen[same, cross]

    same, cross = config.same_language_threshold, config.cross_language_threshold
    for which in ("same", "cross", "same"):
        if which == "same":
            same = max(ABLATION_GRID, key=lambda t: (mean_f1(t, cross), -abs(t - same)))
        else:
            cross = max(ABLATION_GRID, key=lambda t: (mean_f1(same, t), -abs(t - cross)))
    return replace(config, same_language_threshold=same, cross_language_threshold=cross)


def ablate(encoder_name: str = "auto") -> None:
    """Each signal removed in turn, and alone, thresholds re-chosen on the train halves."""
    started = time.perf_counter()
    model = encoder(encoder_name)
    pipeline = analysis_pipeline()
    names = ("stories_ecbplus.jsonl", "stories_itn.jsonl")
    corpora = [load(n, pipeline, model) for n in names]
    print(f"analysis {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    print(
        f"{'variant':18} {'same':>5} {'cross':>5} {'ECB+ B3':>7} {'pair':>6} "
        f"{'ITN B3':>7} {'pair':>6} {'dECB+':>6} {'dITN':>6}"
    )
    full: list[float] = []
    for variant, variant_config in ABLATIONS.items():
        config = tune_thresholds(corpora, variant_config)
        scores = [score(c, "test", config) for c in corpora]
        if not full:
            full = [s["f1"] for s in scores]
        print(
            f"{variant:18} {config.same_language_threshold:5.2f} "
            f"{config.cross_language_threshold:5.2f} "
            + " ".join(f"{s['f1']:7.3f} {s['pairwise_f1']:6.3f}" for s in scores)
            + " "
            + " ".join(f"{s['f1'] - f:+6.3f}" for s, f in zip(scores, full, strict=True)),
            flush=True,
        )
    print(f"encoder {model.name}; total {time.perf_counter() - started:.0f} s", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tune", action="store_true", help="grid-search newstrace's weights")
    parser.add_argument("--encoder", default="auto", help="use, e5 or hashed (default: auto)")
    parser.add_argument("--scale", action="store_true", help="time assignment at 1k-100k stored")
    parser.add_argument("--ablate", action="store_true", help="each signal removed, and alone")
    args = parser.parse_args()
    if args.ablate:
        ablate(args.encoder)
        return
    if args.scale:
        scale(args.encoder)
        return
    table = run(args.encoder, args.tune)
    print("held-out halves (thresholds chosen on the other halves)")
    print(f"{'corpus':24} {'system':10} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6} {'pair F1':>7}")
    for corpus, systems in table.items():
        for system, s in systems.items():
            print(
                f"{corpus:24} {system:10} {s['precision']:6.3f} {s['recall']:6.3f} "
                f"{s['f1']:6.3f} {s['pairwise_f1']:7.3f}"
            )


if __name__ == "__main__":
    main()
