"""Attribution quality on PolNeAR: Source, Cue and Content spans against the gold, and speed.

PolNeAR (2016 US election news, brat standoff: `Source`, `Cue`, `Content` spans tied by `E`
lines) is scored the way citron (BBC R&D) scores PARC 3.0, so the figures sit beside the
published ones:

- exact: a predicted cue counts when a gold cue has the same offsets; a predicted source
  (content) counts when a gold attribution with an overlapping cue has the same source
  (content) spans; precision, recall and F1 over attributions;
- overlap: tokens covered by predicted spans of a role that gold spans of that role also
  cover, over the predicted tokens (precision) and over the gold tokens (recall), summed over
  documents ("all" adds the three roles).

Tune on `train` (the rules) or `dev` (the learned model's hyper-parameters), and remember
that a figure on the split it was tuned on is optimistic. Where an article has several
annotators, the first one listed in metadata.tsv is the gold. Three systems side by side:
the rules alone, the rules reading the spaCy parse, and the learned model
(`newstrace/analysis/claims/learned.py`, which parses itself); speed is sentences per second of
claims extraction on one core, the model's including its spaCy parse.

    .venv/bin/python -m benchmarks.attribution                  # dev split, the table
    .venv/bin/python -m benchmarks.attribution --only rules     # one system
    .venv/bin/python -m benchmarks.attribution --check          # fails below floors.toml
    .venv/bin/python -m benchmarks.attribution --agreement      # the annotators' own agreement
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
import tomllib
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newstrace.analysis.claims import Found, find_attributions
from newstrace.analysis.segment import segment
from newstrace.model import Article
from newstrace.pipeline import Context

SYSTEMS = {"rules": "rules", "spacy": "rules+spaCy", "model": "model"}
# The floors of each system in floors.toml.
FLOOR_SECTIONS = {"model": "attribution", "rules": "attribution_rules"}

POLNEAR = Path(__file__).resolve().parents[1].parent / "shared/corpus/dev/polnear"
FLOORS = Path(__file__).resolve().parent / "floors.toml"
ROLES = ("source", "cue", "content")
# citron on PARC 3.0 test (models/en_2021-11-15/README.md of bbc/citron): F1 in percent.
CITRON = {
    ("cue", "exact"): 82.3,
    ("cue", "overlap"): 76.8,
    ("source", "exact"): 82.0,
    ("source", "overlap"): 85.3,
    ("content", "exact"): 59.3,
    ("content", "overlap"): 83.3,
    ("all", "exact"): 56.7,
    ("all", "overlap"): 83.2,
}

Spans = tuple[tuple[int, int], ...]
_TOKEN = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class Attribution:
    """One attribution: its spans per role (a role may be absent: no source, no cue)."""

    source: Spans
    cue: Spans
    content: Spans

    def role(self, name: str) -> Spans:
        spans: Spans = getattr(self, name)
        return spans


@dataclass
class Document:
    name: str
    text: str
    gold: list[Attribution]


@dataclass
class Counts:
    """Exact-match and token-overlap counts of one role, summed over documents."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    overlap: int = 0
    predicted_tokens: int = 0
    gold_tokens: int = 0

    def add(self, other: Counts) -> None:
        for name in ("tp", "fp", "fn", "overlap", "predicted_tokens", "gold_tokens"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def exact(self) -> tuple[float, float, float]:
        return prf(self.tp, self.tp + self.fp, self.tp + self.fn)

    def by_overlap(self) -> tuple[float, float, float]:
        return prf(self.overlap, self.predicted_tokens, self.gold_tokens)


@dataclass
class Report:
    split: str
    documents: int
    gold: int
    predicted: int
    sentences: int
    seconds: float
    counts: dict[str, Counts] = field(
        default_factory=lambda: {role: Counts() for role in (*ROLES, "all")}
    )

    def tally(self, text: str, gold: list[Attribution], guess: list[Attribution]) -> None:
        """Add one document's attributions, found against gold, to the counts."""
        self.gold += len(gold)
        self.predicted += len(guess)
        for role, count in score_document(text, gold, guess).items():
            self.counts[role].add(count)
            self.counts["all"].add(count)

    def scores(self) -> dict[str, dict[str, float]]:
        """Percentages per role: exact_p/r/f1 and overlap_p/r/f1."""
        result = {}
        for role, count in self.counts.items():
            exact, overlap = count.exact(), count.by_overlap()
            result[role] = {
                "exact_p": exact[0],
                "exact_r": exact[1],
                "exact_f1": exact[2],
                "overlap_p": overlap[0],
                "overlap_r": overlap[1],
                "overlap_f1": overlap[2],
            }
        return result


def prf(hits: int, predicted: int, gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 in percent."""
    precision = 100.0 * hits / predicted if predicted else 0.0
    recall = 100.0 * hits / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def parse_ann(text: str) -> list[Attribution]:
    """The attributions of one brat standoff file; unreadable lines are skipped."""
    spans: dict[str, Spans] = {}
    relations: list[list[str]] = []
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        if parts[0].startswith("T"):
            head = parts[1].split(" ", 1)
            if len(head) != 2:
                continue
            pieces = []
            for piece in head[1].split(";"):
                numbers = piece.split()
                if len(numbers) == 2 and numbers[0].isdigit() and numbers[1].isdigit():
                    pieces.append((int(numbers[0]), int(numbers[1])))
            spans[parts[0]] = tuple(sorted(pieces))
        elif parts[0].startswith("E"):
            relations.append(parts[1].split())
    attributions = []
    for relation in relations:
        if not relation or not relation[0].startswith("Attribution"):
            continue
        roles: dict[str, Spans] = {"source": (), "cue": (), "content": ()}
        for item in relation[1:]:
            role, _, ref = item.partition(":")
            role = role.rstrip("0123456789").lower()
            if role in roles and ref in spans:
                roles[role] = tuple(sorted(roles[role] + spans[ref]))
        attributions.append(Attribution(roles["source"], roles["cue"], roles["content"]))
    return attributions


def annotators(root: Path) -> dict[str, list[str]]:
    """File name (without suffix) → its annotators, in metadata.tsv order."""
    result: dict[str, list[str]] = {}
    with (root / "metadata.tsv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            result[row["filename"]] = (row.get("annotators") or "").split("|")
    return result


def load(split: str, root: Path = POLNEAR) -> list[Document]:
    """The texts of a split with the gold of their first annotator."""
    who = annotators(root)
    documents = []
    for path in sorted((root / split / "text").glob("*.txt")):
        candidates = [
            root / split / "attributions" / f"{path.stem}_{a}.ann" for a in who.get(path.stem, [])
        ]
        candidates += sorted((root / split / "attributions").glob(f"{path.stem}_*.ann"))
        ann = next((c for c in candidates if c.is_file()), None)
        if ann is None:
            print(f"attribution: no annotation for {path.name}; skipped", file=sys.stderr)
            continue
        text = path.read_text(encoding="utf-8")
        documents.append(Document(path.stem, text, parse_ann(ann.read_text(encoding="utf-8"))))
    return documents


def multiply_annotated(root: Path = POLNEAR) -> list[tuple[Document, list[list[Attribution]]]]:
    """The articles of both splits with more than one annotator: each with the gold (its
    first annotator, as `load` takes it) and every other annotator's attributions."""
    who = annotators(root)
    result = []
    for split in ("train", "dev"):
        folder = root / split / "attributions"
        for path in sorted((root / split / "text").glob("*.txt")):
            files = sorted(folder.glob(f"{path.stem}_*.ann"))
            if len(files) < 2:
                continue
            listed = [folder / f"{path.stem}_{a}.ann" for a in who.get(path.stem, [])]
            gold = next((f for f in listed if f.is_file()), files[0])
            others = [parse_ann(f.read_text(encoding="utf-8")) for f in files if f != gold]
            text = path.read_text(encoding="utf-8")
            document = Document(path.stem, text, parse_ann(gold.read_text(encoding="utf-8")))
            result.append((document, others))
    return result


def agreement(root: Path = POLNEAR) -> Report:
    """How far PolNeAR's annotators agree with each other: on every article more than one
    annotated, each other annotator scored against the gold one, as a system is."""
    articles = multiply_annotated(root)
    report = Report("agreement", len(articles), 0, 0, 0, 0.0)
    for document, others in articles:
        for other in others:
            report.tally(document.text, document.gold, other)
    return report


def sentences_of(text: str) -> list[tuple[int, int]]:
    """Sentences by newstrace's own segment stage, on the text as PolNeAR gives it."""
    article = segment.run(Article(id="", source="polnear", text=text, language="en"), Context())
    return [(s.start, s.end) for s in article.sentences]


Extractor = Callable[[str, list[tuple[int, int]]], list[Found]]


def rules(text: str, sentences: list[tuple[int, int]]) -> list[Found]:
    return find_attributions(text, sentences, "en")


def predicted(found: Iterable[Found], text: str) -> list[Attribution]:
    """Found claims as attributions; assertions of the writer (no cue) are not attributions,
    a cue whose source was dropped ("The statements suggest") is one without a source."""
    result = []
    for claim in found:
        if claim.cue is None:
            continue
        source: Spans = ()
        if claim.speaker is not None:
            start, end = claim.speaker.span()
            # PolNeAR keeps the comma closing an appositive: "Sanders, a Vermont senator,".
            if claim.speaker.role_end == end and text[end : end + 1] == ",":
                end += 1
            source = ((start, end),)
        result.append(Attribution(source, (claim.cue,), tuple(sorted(claim.parts))))
    return result


def _overlapping(a: Spans, b: Spans) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _tokens(spans: Iterable[tuple[int, int]], starts: list[int]) -> set[int]:
    covered: set[int] = set()
    for start, end in spans:
        covered.update(range(bisect_left(starts, start), bisect_left(starts, end)))
    return covered


def score_document(
    text: str, gold: list[Attribution], guess: list[Attribution]
) -> dict[str, Counts]:
    """Counts of one document per role, citron's way (see the module docstring)."""
    starts = [m.start() for m in _TOKEN.finditer(text)]
    counts = {}
    for role in ROLES:
        count = Counts()
        for mine in guess:
            if role == "cue":
                hit = any(g.cue == mine.cue for g in gold)
            else:
                hit = any(
                    _overlapping(g.cue, mine.cue) and g.role(role) == mine.role(role) for g in gold
                )
            count.tp += hit
            count.fp += not hit
        for theirs in gold:
            if role == "cue":
                hit = any(g.cue == theirs.cue for g in guess)
            else:
                hit = any(
                    _overlapping(g.cue, theirs.cue) and g.role(role) == theirs.role(role)
                    for g in guess
                )
            count.fn += not hit
        mine_tokens = _tokens((s for a in guess for s in a.role(role)), starts)
        gold_tokens = _tokens((s for a in gold for s in a.role(role)), starts)
        count.overlap = len(mine_tokens & gold_tokens)
        count.predicted_tokens = len(mine_tokens)
        count.gold_tokens = len(gold_tokens)
        counts[role] = count
    return counts


def evaluate(split: str, extractor: Extractor = rules, limit: int | None = None) -> Report:
    """Score an extractor on a split; speed counts extraction only, not segmenting."""
    documents = load(split)[:limit]
    report = Report(split, len(documents), 0, 0, 0, 0.0)
    for document in documents:
        sentences = sentences_of(document.text)
        began = time.perf_counter()
        found = extractor(document.text, sentences)
        report.seconds += time.perf_counter() - began
        report.sentences += len(sentences)
        report.tally(document.text, document.gold, predicted(found, document.text))
    return report


def table(report: Report, name: str) -> str:
    """One system's precision, recall and F1 per role and match, with its speed."""
    lines = [
        f"PolNeAR {report.split}: {report.documents} articles, {report.gold} gold attributions,"
        f" {report.predicted} predicted ({name})",
        f"{'spans':8} {'match':8} {'P':>6} {'R':>6} {'F1':>6}   citron F1 (PARC 3.0 test)",
    ]
    scores = report.scores()
    for role in (*ROLES, "all"):
        for match in ("exact", "overlap"):
            s = scores[role]
            lines.append(
                f"{role:8} {match:8} {s[match + '_p']:6.1f} {s[match + '_r']:6.1f}"
                f" {s[match + '_f1']:6.1f}   {CITRON[(role, match)]:.1f}"
            )
    if report.sentences:
        lines.append(
            f"speed: {speed(report):,.0f} sentences/s ({report.sentences} sentences, {name})"
        )
    return "\n".join(lines)


def speed(report: Report) -> float:
    return report.sentences / report.seconds if report.seconds else 0.0


def side_by_side(reports: list[tuple[str, Report]]) -> str:
    """F1 of every system per role and match, beside citron's published figures."""
    names = [SYSTEMS.get(name, name) for name, _ in reports]
    head = "".join(f" {n:>12}" for n in names)
    lines = [
        f"PolNeAR {reports[0][1].split}, F1 %: {reports[0][1].gold} gold attributions",
        f"{'spans':8} {'match':8}{head} {'citron':>8}",
    ]
    for role in (*ROLES, "all"):
        for match in ("exact", "overlap"):
            cells = "".join(f" {r.scores()[role][match + '_f1']:12.1f}" for _, r in reports)
            lines.append(f"{role:8} {match:8}{cells} {CITRON[(role, match)]:8.1f}")
    rates = ", ".join(f"{SYSTEMS.get(n, n)} {speed(r):,.0f}" for n, r in reports)
    lines.append(f"speed, sentences/s on one core: {rates}")
    return "\n".join(lines)


def floors(path: Path = FLOORS, section_name: str = "attribution") -> dict[str, float]:
    """The pinned floors of one section (`[attribution]`, the model's, or
    `[attribution_rules]`): `<role>_<exact|overlap>_f1` → percent."""
    if not path.is_file():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    section = data.get(section_name, {})
    return {k: float(v) for k, v in section.items() if isinstance(v, (int, float))}


def below_floors(report: Report, pinned: dict[str, float]) -> list[str]:
    """Each pinned figure the report falls under, as one line."""
    scores = report.scores()
    failures = []
    for key, floor in pinned.items():
        role, match, _ = key.rsplit("_", 2)
        value = scores.get(role, {}).get(f"{match}_f1")
        if value is not None and value < floor:
            failures.append(f"{key}: {value:.1f} < floor {floor:.1f}")
    return failures


def extractors(names: list[str]) -> list[tuple[str, Extractor]]:
    """The systems asked for that are installed, in order; a missing one is said once."""
    runs: list[tuple[str, Extractor]] = []
    for name in names:
        if name == "rules":
            runs.append((name, rules))
            continue
        from benchmarks.attribution_spacy import model_extractor, spacy_extractor

        extractor = spacy_extractor() if name == "spacy" else model_extractor()
        if extractor is None:
            print(f"attribution: {SYSTEMS[name]} not installed; left out", file=sys.stderr)
        else:
            runs.append((name, extractor))
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="dev", choices=["train", "dev"])
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    parser.add_argument("--only", choices=sorted(SYSTEMS), help="one system instead of three")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 below floors.toml")
    parser.add_argument(
        "--agreement",
        action="store_true",
        help="the annotators' agreement on the articles several of them annotated, instead",
    )
    args = parser.parse_args(argv)
    if args.agreement:
        report = agreement()
        print(f"{report.documents} articles annotated more than once (train and dev)")
        print(table(report, "other annotators against the gold one"))
        return 0
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        runs = extractors([args.only] if args.only else list(SYSTEMS))
        reports = [(name, evaluate(args.split, extractor, args.limit)) for name, extractor in runs]
    if args.json:
        print(
            json.dumps(
                {
                    name: {"scores": r.scores(), "sentences": r.sentences, "seconds": r.seconds}
                    for name, r in reports
                },
                indent=2,
            )
        )
    else:
        print(side_by_side(reports))
        print()
        print(table(reports[-1][1], SYSTEMS[reports[-1][0]]))
    if args.check:
        failures = []
        for name, report in reports:
            if name in FLOOR_SECTIONS:
                section = FLOOR_SECTIONS[name]
                below = below_floors(report, floors(FLOORS, section))
                failures += [f"[{section}] {f}" for f in below]
        for failure in failures:
            print(f"attribution: below floor: {failure}", file=sys.stderr)
        return 1 if failures else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
