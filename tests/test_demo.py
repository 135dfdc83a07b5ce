"""`newstrace demo` end to end, as the README's first command runs it: the bundled sample
corpus ingested once into a fresh database (the slowest step of the suite, so both tests
share it), then reported on, ingested again, and served."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

TITLE_002 = "A Closer Look at Foreign Volunteers in the Ukraine Conflict"


def _demo(database: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "newstrace", "--db", str(database), "demo", *options]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A database the demo filled from nothing, and what the demo printed doing it."""
    folder = tmp_path_factory.mktemp("demo")
    database = folder / "demo.db"
    done = subprocess.run(
        _demo(database, "--no-serve"), capture_output=True, text=True, cwd=folder, check=False
    )
    assert done.returncode == 0, done.stderr
    yield database, done.stdout


@pytest.mark.slow
def test_demo_ingests_the_bundled_corpus_and_reports(demo: tuple[Path, str]) -> None:
    database, printed = demo
    assert "failed 0" in printed
    assert TITLE_002 in printed
    assert "Petr Plateník" in printed
    # A second run finds every document already stored.
    again = subprocess.run(
        _demo(database, "--no-serve"),
        capture_output=True,
        text=True,
        cwd=database.parent,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert "ingested 0" in again.stdout


@pytest.mark.slow
def test_demo_serves_the_seeds_story_of_what_it_ingested(demo: tuple[Path, str]) -> None:
    database, _ = demo
    server = subprocess.Popen(
        _demo(database, "--quiet", "--port", "0"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=database.parent,
    )
    try:
        assert server.stdout is not None and server.stderr is not None
        found = None
        for line in server.stdout:
            found = re.search(r"http://127\.0\.0\.1:\d+/", line)
            if found:
                break
        assert found, "demo printed no address"
        address = found.group(0)
        hits = httpx.get(f"{address}api/search", params={"q": "Rogov TASS"}, timeout=60).json()
        seed = httpx.get(f"{address}api/articles/{hits[0]['id']}", timeout=60).json()
        story = httpx.get(f"{address}api/stories/{seed['story']}", timeout=60).json()
        assert sorted(story["languages"]) == ["en", "fr"]
        page = httpx.get(f"{address}stories/{seed['story']}", timeout=60)
        assert page.status_code == 200
        assert 'data-node="TASS"' in page.text and 'data-node="Newsweek"' in page.text
    finally:
        server.terminate()
        server.wait(30)
