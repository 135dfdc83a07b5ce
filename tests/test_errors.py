"""Every failure a user can cause is one line on stderr, `newstrace: …`, naming the fix; exit 1.

The command runs in its own process, as a user runs it, so a traceback anywhere (also one
printed by a library while dying) would show on stderr. `--debug` shows the traceback.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SEEDS

from newstrace import errors
from newstrace.cli import main

FRENCH = "000_922ab060dcfde385.txt"


def newstrace(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("NEWSTRACE_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "newstrace", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def assert_one_line(result: subprocess.CompletedProcess[str], *words: str) -> str:
    """Exit 1, and stderr is exactly one line `newstrace: …` holding each of `words`."""
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert result.stderr.startswith("newstrace: "), result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n"), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    return result.stderr


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A newstrace database holding the two seeds (and their story)."""
    root = tmp_path_factory.mktemp("errors")
    db = root / "news.db"
    result = newstrace("--db", str(db), "ingest", "-q", str(SEEDS), cwd=root)
    assert result.returncode == 0, result.stderr
    return db


def test_a_corrupt_database_file_is_refused_by_name(stored: Path, tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.db"
    shutil.copy(stored, corrupt)
    with corrupt.open("r+b") as handle:  # keep the header page, scribble over the schema
        handle.seek(4096)
        handle.write(b"\xa5" * 4096 * 4)
    assert_one_line(newstrace("--db", str(corrupt), "list", cwd=tmp_path), "corrupt.db", "--db")


def test_a_database_corrupt_past_its_schema_is_one_line_too(stored: Path, tmp_path: Path) -> None:
    corrupt = tmp_path / "deep.db"
    shutil.copy(stored, corrupt)
    pages = corrupt.stat().st_size // 4096
    with corrupt.open("r+b") as handle:  # the schema reads fine; the articles' pages do not
        handle.seek(4096 * (pages - 8))
        handle.write(b"\xa5" * 4096 * 4)
    assert_one_line(newstrace("--db", str(corrupt), "story", FRENCH, cwd=tmp_path))


def test_a_foreign_file_as_db_is_refused_and_left_untouched(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list: bread, milk\n" * 50, encoding="utf-8")
    before = notes.read_bytes()
    assert_one_line(newstrace("--db", str(notes), "list", cwd=tmp_path), "notes.txt", "--db")
    assert notes.read_bytes() == before
    recipes = tmp_path / "recipes.db"
    with sqlite3.connect(recipes) as db:
        db.execute("CREATE TABLE recipes (name TEXT)")
    assert_one_line(newstrace("--db", str(recipes), "stories", cwd=tmp_path), "recipes")


@pytest.mark.parametrize(
    "argv",
    [
        ["list", "--limit", "-3"],
        ["search", "Rogov", "--limit", "0"],
        ["stories", "--limit", "many"],
        ["summary", FRENCH, "--sentences", "0"],
        ["watch", "feed.xml", "--delay", "-1"],
        ["serve", "--port", "70000"],
        ["export", "--format", "xml"],
    ],
)
def test_a_bad_option_value_is_one_line_naming_the_option(
    argv: list[str], stored: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["--db", str(stored), *argv])
    err = capsys.readouterr().err
    assert exit.value.code == 1
    assert err.startswith("newstrace: ") and err.count("\n") == 1
    assert f"{argv[-2]}" in err and "--help" in err


def test_a_bad_interval_is_one_line(stored: Path, tmp_path: Path) -> None:
    result = newstrace("--db", str(stored), "watch", "feed.xml", "--every", "often", cwd=tmp_path)
    assert_one_line(result, "--every", "10m")


def test_an_unknown_story_id_is_one_line_naming_the_fix(stored: Path, tmp_path: Path) -> None:
    result = newstrace("--db", str(stored), "story", "no-such-story", cwd=tmp_path)
    assert_one_line(result, "no-such-story", "newstrace list")
    result = newstrace("--db", str(stored), "compare", "ffffffffffffffff", cwd=tmp_path)
    assert_one_line(result, "ffffffffffffffff")


def test_a_missing_input_file_is_one_line(stored: Path, tmp_path: Path) -> None:
    result = newstrace("--db", str(stored), "analyze", "missing.txt", cwd=tmp_path)
    assert_one_line(result, "missing.txt", "check the path")
    result = newstrace("--db", str(stored), "ingest", "missing.txt", cwd=tmp_path)
    assert_one_line(result, "nothing ingested", "missing.txt", "check the path")
    # The failure is still recorded, as any failed document is.
    failures = newstrace("--db", str(stored), "failures", cwd=tmp_path)
    assert failures.returncode == 0 and "missing.txt" in failures.stdout


def test_batch_without_inputs_and_load_of_nothing_are_one_line(tmp_path: Path) -> None:
    db = str(tmp_path / "b.db")
    assert_one_line(newstrace("--db", db, "batch", "--out", "out", cwd=tmp_path), "INPUT")
    result = newstrace("--db", db, "batch", "--out", "nothing", "--load", cwd=tmp_path)
    assert_one_line(result, "no batch output")


def test_debug_shows_the_traceback(stored: Path, tmp_path: Path) -> None:
    result = newstrace("--db", str(stored), "--debug", "story", "no-such-story", cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" in result.stderr and "NotFoundError" in result.stderr


def test_every_error_class_is_a_newstrace_error() -> None:
    from newstrace.pipeline import AnalysisError
    from newstrace.store import StoreError
    from newstrace.watch import parse_interval

    assert AnalysisError is errors.AnalysisError and StoreError is errors.StoreError
    for kind in (
        errors.UsageError,
        errors.SettingsError,
        errors.AnalysisError,
        errors.StoreError,
        errors.NotFoundError,
        errors.WatchError,
        errors.ServeError,
        errors.BackendUnavailable,
    ):
        assert issubclass(kind, errors.NewstraceError)
    with pytest.raises(errors.WatchError, match="positive interval"):
        parse_interval("0s")
