"""Implausible speakers over the whole dev corpus: how many fragments the claims rules produce.

Every document of `corpus/dev` goes through newstrace up to the claims stage (PolNeAR dev and
train texts, ECB+, ITN blurbs, OrangeSum, both texts of every SemEval pair, and the extraction
pages through the full `try_analyze`). For each claim with a speaker, the speaker checker of
`newstrace/analysis/claims/plausible.py` judges:

- raw: the speaker the rules found, before the claims stage drops implausible ones. This is
  the figure that measures the rules, floored in benchmarks/floors.toml ``[speakers]``;
- output: the speaker newstrace returns (after dropping and pronoun resolution), which
  should be 0.

    .venv/bin/python -m benchmarks.speakers                # whole corpus, spaCy as analyze uses it
    .venv/bin/python -m benchmarks.speakers --rules        # spaCy off
    .venv/bin/python -m benchmarks.speakers --subset       # the CI subset
    .venv/bin/python -m benchmarks.speakers --check        # fails above the floor
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from newstrace.analysis.claims.lexicon import lexicon
from newstrace.analysis.claims.plausible import implausible
from newstrace.analysis.claims.resolve import resolve
from newstrace.analysis.claims.rules import Extractor
from newstrace.model import Article, RawDocument
from newstrace.nlp.models import spacy_pipeline
from newstrace.pipeline import AnalysisError, Context, Pipeline, default_pipeline

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dev"
FLOORS = Path(__file__).resolve().parent / "floors.toml"
# The CI subset: every n-th document of each part, so every kind of text is there.
SUBSET_EVERY = {
    "polnear": 40,
    "ecbplus": 20,
    "itn": 20,
    "orangesum": 15,
    "semeval": 40,
    "pages": 8,
}


@dataclass
class Tally:
    documents: int = 0
    failures: int = 0
    claims: int = 0
    with_speaker: int = 0
    raw_implausible: int = 0
    output_with_speaker: int = 0
    output_implausible: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    examples: list[tuple[str, str, str, str]] = field(default_factory=list)
    output_examples: list[tuple[str, str, str]] = field(default_factory=list)

    def raw_share(self) -> float:
        return self.raw_implausible / self.with_speaker if self.with_speaker else 0.0

    def output_share(self) -> float:
        if not self.output_with_speaker:
            return 0.0
        return self.output_implausible / self.output_with_speaker


def documents(subset: bool = False, root: Path = DEV) -> Iterator[tuple[str, RawDocument]]:
    """(part, document) for every document of the dev corpus, or every n-th with `subset`."""

    def keep(part: str, index: int) -> bool:
        return not subset or index % SUBSET_EVERY[part] == 0

    index = 0
    for split in ("dev", "train"):
        for path in sorted((root / "polnear" / split / "text").glob("*.txt")):
            if keep("polnear", index):
                text = path.read_text(encoding="utf-8")
                yield "polnear", RawDocument(source=path.name, text=text, language="en")
            index += 1
    plain = (
        ("ecbplus", "stories_ecbplus.jsonl"),
        ("itn", "stories_itn.jsonl"),
        ("orangesum", "summaries_orangesum.jsonl"),
    )
    for part, name in plain:
        with (root / name).open(encoding="utf-8") as lines:
            for index, row in enumerate(map(json.loads, lines)):
                if keep(part, index):
                    source = f"{name}:{row['id']}"
                    yield part, RawDocument(source=source, text=row["text"])
    with (root / "pairs_semeval.jsonl").open(encoding="utf-8") as lines:
        for index, row in enumerate(map(json.loads, lines)):
            if keep("semeval", index):
                for side in ("text1", "text2"):
                    source = f"semeval:{row['pair_id']}:{side}"
                    yield "semeval", RawDocument(source=source, text=row[side])
    pages = sorted((root / "extraction_pages" / "pages").glob("*.html"))
    for index, page in enumerate(pages):
        if keep("pages", index):
            html = page.read_text(encoding="utf-8", errors="replace")
            yield "pages", RawDocument(source=page.name, html=html)


def before_claims() -> Pipeline:
    """The stages of `analyze` that run before claims (claims reads all they write)."""
    stages = default_pipeline().stages
    names = [s.name for s in stages]
    return Pipeline(stages[: names.index("claims")])


def measure(subset: bool = False, spacy: bool = True, limit: int = 12) -> Tally:
    """Run the claims rules over the corpus and judge every speaker they find."""
    tally = Tally()
    prepare = before_claims()
    full = default_pipeline()
    context = Context()
    if not spacy:
        context.models["spacy"] = False
    for part, raw in documents(subset):
        tally.documents += 1
        try:
            pipeline = full if part == "pages" else prepare
            article = pipeline.run(raw, context)
        except AnalysisError:
            tally.failures += 1
            continue
        judge(article, context, tally, part, limit)
    return tally


def judge(article: Article, context: Context, tally: Tally, part: str, limit: int) -> None:
    """Count one article's claims: raw speakers (checker off), then the returned ones."""
    words = lexicon(article.language)
    nlp = spacy_pipeline(article.language, context)
    if nlp is not None and "parser" not in getattr(nlp, "pipe_names", []):
        nlp = None
    sentences = [(s.start, s.end) for s in article.sentences]
    media = frozenset(article.media) | frozenset(
        e.text for e in article.entities if e.kind == "medium"
    )
    raw = Extractor(article.text, sentences, words, media, nlp, check_speakers=False).run()
    tally.claims += len(raw)
    for found in raw:
        if found.speaker is None:
            continue
        tally.with_speaker += 1
        reason = implausible(found.speaker.text, words)
        if reason is not None:
            tally.raw_implausible += 1
            tally.reasons[reason] += 1
            if len(tally.examples) < limit or tally.reasons[reason] <= 2:
                tally.examples.append((part, article.language or "?", found.speaker.text, reason))
    checked = Extractor(article.text, sentences, words, media, nlp).run()
    output = resolve(checked, article.text, words, media, list(article.entities))
    for claim in output:
        if claim.speaker is None:
            continue
        tally.output_with_speaker += 1
        reason = implausible(claim.speaker, words)
        if reason is not None:
            tally.output_implausible += 1
            tally.output_examples.append((article.language or "?", claim.speaker, reason))


def floor(name: str = "max_implausible_share") -> float:
    """A ceiling of benchmarks/floors.toml [speakers]: max_implausible_share, max_raw_share."""
    with FLOORS.open("rb") as handle:
        value: float = tomllib.load(handle)["speakers"][name]
    return value


def report(tally: Tally, seconds: float) -> str:
    lines = [
        f"documents {tally.documents} ({tally.failures} not analysed), claims {tally.claims}, "
        f"with a speaker {tally.with_speaker}",
        f"implausible speakers found by the rules: {tally.raw_implausible} "
        f"({100 * tally.raw_share():.2f} %) — dropped by the claims stage",
        f"implausible speakers returned: {tally.output_implausible} of "
        f"{tally.output_with_speaker} ({100 * tally.output_share():.2f} %)",
        "reasons: " + ", ".join(f"{r} {n}" for r, n in tally.reasons.most_common()),
        "examples:",
    ]
    lines += [f"  [{p} {lang}] {s!r}: {r}" for p, lang, s, r in tally.examples]
    lines += [f"  returned [{lang}] {s!r}: {r}" for lang, s, r in tally.output_examples[:10]]
    lines.append(f"({seconds:.0f} s)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subset", action="store_true", help="the CI subset only")
    parser.add_argument("--rules", action="store_true", help="spaCy off")
    parser.add_argument("--check", action="store_true", help="fail above the pinned floor")
    parser.add_argument("--examples", type=int, default=12)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    tally = measure(args.subset, spacy=not args.rules, limit=args.examples)
    print(report(tally, time.perf_counter() - start))
    over = [
        f"{name} {share:.4f} > {floor(name)}"
        for name, share in (
            ("max_implausible_share", tally.output_share()),
            ("max_raw_share", tally.raw_share()),
        )
        if share > floor(name)
    ]
    if args.check and over:
        print("above the pinned ceiling: " + "; ".join(over))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
