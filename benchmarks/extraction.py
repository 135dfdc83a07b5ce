"""Extraction quality: trafilatura alone against newstrace (extract + clean), side by side.

On the dev extraction pages (trafilatura's evaluation set: per URL, `with` snippets that
must be in the text and `without` snippets that must not), it reports the share of `with`
kept, the share of `without` absent, their mean, and pages per second. Both systems get
the same decoded HTML and trafilatura's same options, so the difference is the clean stage.

    .venv/bin/python -m benchmarks.extraction
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from newstrace.analysis.base import AnalysisError
from newstrace.analysis.clean import clean
from newstrace.analysis.extract import extract
from newstrace.encoding import decode_document
from newstrace.model import RawDocument
from newstrace.pipeline import Pipeline
from newstrace.settings import Settings

PAGES = Path(__file__).resolve().parents[1].parent / "shared/corpus/dev/extraction_pages"


@dataclass(frozen=True)
class Case:
    """One page with its gold snippets."""

    url: str
    html: str
    with_: tuple[str, ...]
    without: tuple[str, ...]


@dataclass(frozen=True)
class Score:
    """Shares of `with` snippets kept and of `without` snippets absent, over all pages."""

    with_kept: float
    without_absent: float

    @property
    def mean(self) -> float:
        return (self.with_kept + self.without_absent) / 2


def normalise(text: str) -> str:
    """Whitespace-folded text, so a snippet matches across line breaks and spacing."""
    return " ".join(text.split())


def load_cases(root: Path = PAGES) -> list[Case]:
    """The pages and their snippets; a missing page is reported and skipped."""
    expected = json.loads((root / "expected.json").read_text(encoding="utf-8"))
    cases = []
    for url, gold in expected.items():
        path = root / "pages" / gold["file"]
        if not path.is_file():
            print(f"extraction: {path} is missing; skipped", file=sys.stderr)
            continue
        html = decode_document(path.read_bytes(), html=True).text
        cases.append(
            Case(url, html, tuple(gold.get("with") or ()), tuple(gold.get("without") or ()))
        )
    return cases


def score(texts: Iterable[str], cases: Iterable[Case]) -> Score:
    """Score extracted texts (in the order of `cases`) against the gold snippets."""
    kept = with_total = absent = without_total = 0
    for text, case in zip(texts, cases, strict=True):
        flat = normalise(text)
        kept += sum(normalise(s) in flat for s in case.with_)
        absent += sum(normalise(s) not in flat for s in case.without)
        with_total += len(case.with_)
        without_total += len(case.without)
    return Score(kept / max(with_total, 1), absent / max(without_total, 1))


def trafilatura_text(case: Case, settings: Settings | None = None) -> str:
    """trafilatura alone, with the options newstrace's extract step passes it."""
    settings = settings or Settings()
    found = trafilatura.extract(
        case.html,
        url=case.url,
        include_comments=settings.include_comments,
        include_tables=True,
    )
    return found or ""


_NEWSTRACE = Pipeline([extract, clean])


def newstrace_text(case: Case) -> str:
    """newstrace's clean body (extract + clean); empty when the page has no article.

    A headline line that clean moved from the body into `title` is counted as kept: it is
    still in the article, where a reader sees it.
    """
    try:
        article = _NEWSTRACE.run(RawDocument(source=case.url, html=case.html, url=case.url))
    except AnalysisError:
        return ""
    titles = [r.text for r in article.removed if r.reason == "title"]
    return "\n".join([*titles, article.text])


SYSTEMS: dict[str, Callable[[Case], str]] = {
    "trafilatura": trafilatura_text,
    "newstrace": newstrace_text,
}


def run(cases: list[Case]) -> dict[str, tuple[Score, float]]:
    """Each system's score and pages per second on `cases`."""
    results = {}
    for name, system in SYSTEMS.items():
        started = time.perf_counter()
        texts = [system(case) for case in cases]
        elapsed = time.perf_counter() - started
        results[name] = (score(texts, cases), len(cases) / elapsed if elapsed else 0.0)
    return results


def main(argv: list[str] | None = None) -> int:
    """Print the side-by-side table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=PAGES, help="extraction_pages directory")
    args = parser.parse_args(argv)
    cases = load_cases(args.pages)
    snippets = sum(len(c.with_) for c in cases), sum(len(c.without) for c in cases)
    print(f"{len(cases)} pages, {snippets[0]} `with` and {snippets[1]} `without` snippets")
    print(f"{'system':<12} {'with kept':>10} {'without gone':>13} {'mean':>7} {'pages/s':>8}")
    for name, (result, speed) in run(cases).items():
        print(
            f"{name:<12} {result.with_kept:>10.3f} {result.without_absent:>13.3f} "
            f"{result.mean:>7.3f} {speed:>8.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
