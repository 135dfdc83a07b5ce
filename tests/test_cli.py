"""The command line end to end, on real files and a real SQLite database."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, SEEDS

from newstrace.cli import main

TITLE_002 = "A Closer Look at Foreign Volunteers in the Ukraine Conflict"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture()
def db(tmp_path: Path) -> str:
    return str(tmp_path / "news.db")


@pytest.fixture()
def expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))
    return data


def test_ingest_seeds_stores_both_with_language_title_and_byline(
    capsys: pytest.CaptureFixture[str], db: str, expected: dict[str, Any]
) -> None:
    report = run_json(capsys, "--db", db, "ingest", str(SEEDS))
    assert report["ingested"] == 2
    assert report["duplicates"] == 0
    # README.md and expected.json beside them are not news documents: a directory walk
    # reads only document files (and says how many it passed over).
    sources = {Path(a["source"]).name for a in report["articles"]}
    assert sources == {"000_922ab060dcfde385.txt", "002_675ba3ab04b08978.txt"}

    for name, reading in expected["articles"].items():
        article = run_json(capsys, "--db", db, "show", name)
        assert article["language"] == reading["language"]
        assert article["byline"] == reading["byline"]
        if "title" in reading:
            assert article["title"] == reading["title"]
        for furniture in reading["must_be_removed"]:
            assert furniture not in article["text"], furniture
            assert any(furniture in r["text"] for r in article["removed"]), furniture
            assert all(r["reason"] for r in article["removed"])
        assert article["sentences"], "segmented"
        for sentence in article["sentences"]:
            assert article["text"][sentence["start"] : sentence["end"]].strip()


def test_reingesting_the_same_documents_counts_duplicates_and_stores_nothing_new(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    first = run_json(capsys, "--db", db, "ingest", str(SEEDS / "000_922ab060dcfde385.txt"))
    again = run_json(capsys, "--db", db, "ingest", str(SEEDS / "000_922ab060dcfde385.txt"))
    assert (first["ingested"], first["duplicates"]) == (1, 0)
    assert (again["ingested"], again["duplicates"]) == (0, 1)
    assert first["articles"][0]["id"] == again["articles"][0]["id"]
    assert len(run_json(capsys, "--db", db, "list")) == 1


def test_bad_inputs_are_recorded_as_failures_and_the_rest_is_ingested(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "russian.txt").write_bytes(
        "Москва. Президент заявил журналистам, что переговоры продолжатся.".encode("cp1251")
    )
    lines = [
        json.dumps({"url": "https://example.org/a", "text": "A good first line of news."}),
        "{broken",
        json.dumps({"url": "https://example.org/b", "text": "Another good article here."}),
    ]
    (bad / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    image = tmp_path / "image.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    code, out, err = run(
        capsys, "--db", db, "ingest", str(bad), str(image), str(tmp_path / "missing.txt"), "--json"
    )
    assert code == 2 and "documents failed" in err  # done, but not whole
    report = json.loads(out)
    assert report["ingested"] == 3  # russian.txt and the two good JSONL lines
    reasons = {Path(f["source"]).name: f["reason"] for f in report["failures"]}
    assert "empty.txt" in reasons
    assert "image.png" in reasons
    assert "missing.txt" in reasons
    assert any("line 2" in f["source"] + f["reason"] for f in report["failures"])
    for reason in reasons.values():
        assert "\n" not in reason and reason
    russian = run_json(capsys, "--db", db, "show", "russian.txt")
    assert "Президент заявил" in russian["text"]
    assert russian["language"] == "ru"
    failures = run_json(capsys, "--db", db, "failures")
    assert len(failures) == report["failed"]


def test_search_finds_rogov_in_both_languages(capsys: pytest.CaptureFixture[str], db: str) -> None:
    run(capsys, "--db", db, "ingest", str(SEEDS))
    hits = run_json(capsys, "--db", db, "search", "Rogov")
    assert len(hits) == 2
    assert all("Rogov" in hit["snippet"] for hit in hits)


def test_list_filters_by_language(capsys: pytest.CaptureFixture[str], db: str) -> None:
    run(capsys, "--db", db, "ingest", str(SEEDS))
    french = run_json(capsys, "--db", db, "list", "--language", "fr")
    assert [row["language"] for row in french] == ["fr"]
    assert set(french[0]) == {
        "id",
        "source",
        "title",
        "headline",
        "language",
        "outlet",
        "published",
        "story",
    }


def test_export_writes_jsonl_articles_and_csv(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    run(capsys, "--db", db, "ingest", str(SEEDS))
    code, out, _ = run(capsys, "--db", db, "export")
    assert code == 0
    articles = [json.loads(line) for line in out.splitlines()]
    assert {a["language"] for a in articles} == {"fr", "en"}
    assert {"id", "text", "removed", "sentences", "summary", "story"} <= set(articles[0])
    target = tmp_path / "out.csv"
    assert main(["--db", db, "export", "--format", "csv", "--out", str(target)]) == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert {row["language"] for row in rows} == {"fr", "en"}


def test_analyze_prints_an_article_without_storing(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    article = run_json(capsys, "--db", db, "analyze", str(SEEDS / "002_675ba3ab04b08978.txt"))
    assert article["title"] == TITLE_002
    assert article["language"] == "en"
    assert not Path(db).exists() or run_json(capsys, "--db", db, "list") == []


def test_unknown_article_is_a_one_line_error_with_exit_1(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, out, err = run(capsys, "--db", db, "show", "nothing-like-this")
    assert code == 1
    assert out == ""
    assert err.startswith("newstrace: ") and err.count("\n") == 1


def test_a_file_that_is_not_a_database_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    not_db = tmp_path / "notes.db"
    not_db.write_text("shopping list\n" * 100, encoding="utf-8")
    code, _, err = run(capsys, "--db", str(not_db), "list")
    assert code == 1
    assert err.startswith("newstrace: ") and err.count("\n") == 1


def test_a_db_in_a_missing_directory_is_refused_and_nothing_is_created(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "nonexistent" / "dir" / "x.db"
    code, out, err = run(capsys, "--db", str(path), "list")
    assert (code, out) == (1, "")
    assert err.startswith(f"newstrace: {path}: no such directory {path.parent}; create it")
    assert err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_a_database_is_left_byte_for_byte(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    notes = tmp_path / "empty.txt"
    notes.write_bytes(b"remember the milk\n")
    code, _, err = run(
        capsys, "--db", str(notes), "ingest", str(SEEDS / "002_675ba3ab04b08978.txt")
    )
    assert code == 1 and "not a newstrace database" in err and err.count("\n") == 1
    assert notes.read_bytes() == b"remember the milk\n"
    assert [path.name for path in tmp_path.iterdir()] == ["empty.txt"]


def test_newstrace_db_environment_variable_chooses_the_database(tmp_path: Path) -> None:
    env = dict(os.environ, NEWSTRACE_DB=str(tmp_path / "env.db"))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "newstrace",
            "ingest",
            "--json",
            str(SEEDS / "000_922ab060dcfde385.txt"),
        ],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ingested"] == 1
    assert (tmp_path / "env.db").exists()
    assert not (tmp_path / "newstrace.db").exists()


def test_ingest_from_stdin(tmp_path: Path) -> None:
    text = (SEEDS / "002_675ba3ab04b08978.txt").read_bytes()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "newstrace",
            "--db",
            str(tmp_path / "s.db"),
            "ingest",
            "--json",
            "-",
        ],
        input=text,
        capture_output=True,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ingested"] == 1
    assert report["articles"][0]["title"] == TITLE_002


def test_summary_is_made_at_ingest_stored_and_exported(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    run(capsys, "--db", db, "ingest", str(SEEDS))
    article = run_json(capsys, "--db", db, "show", "002_675ba3ab04b08978.txt")
    stored = article["summary"]
    assert len(stored["sentences"]) == 3
    assert stored["version"]
    document = run_json(capsys, "--db", db, "summary", article["id"])
    assert set(document) == {"article", "language", "sentences", "text"}
    assert document["article"] == article["id"] and document["language"] == "en"
    assert [s["text"] for s in document["sentences"]] == [s["text"] for s in stored["sentences"]]
    for sentence in document["sentences"]:
        assert article["text"][sentence["start"] : sentence["end"]].strip()
    starts = [s["start"] for s in document["sentences"]]
    assert starts == sorted(starts), "the summary keeps the article's order"
    for furniture in ("No time to read?", "Get a summary", "Previous Article"):
        assert furniture not in document["text"]
    code, out, _ = run(capsys, "--db", db, "export")
    assert code == 0
    exported = [json.loads(line) for line in out.splitlines()]
    assert all(a["summary"] and a["summary"]["text"] for a in exported)


def test_summary_length_is_chosen_with_sentences(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    run(capsys, "--db", db, "ingest", str(SEEDS))
    one = run_json(capsys, "--db", db, "summary", "000_922ab060dcfde385.txt", "--sentences", "1")
    assert len(one["sentences"]) == 1
    assert one["language"] == "fr"
    with pytest.raises(SystemExit) as exit:
        main(["--db", db, "summary", "000_922ab060dcfde385.txt", "--sentences", "0"])
    err = capsys.readouterr().err
    assert exit.value.code == 1
    assert err.startswith("newstrace: ") and "at least 1" in err and err.count("\n") == 1


def test_a_stale_stored_summary_is_made_again_and_saved(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    from dataclasses import replace

    from newstrace.facade import article_summary
    from newstrace.ingestion import ingest
    from newstrace.store import Store

    with Store(db) as store:
        ingest([str(SEEDS / "002_675ba3ab04b08978.txt")], store)
        article = next(iter(store.articles()))
        assert article.summary is not None
        article.summary = replace(article.summary, version="0-old", text="stale")
        store.update(article)
    code = main(["--db", db, "export"])
    exported = json.loads(capsys.readouterr().out)
    assert code == 0 and exported["summary"]["text"] != "stale"
    assert exported["summary"]["version"] != "0-old"
    with Store(db) as store:
        fresh = article_summary(store, store.resolve(article.id))
        assert fresh.text != "stale" and fresh.version != "0-old"
        saved = store.resolve(article.id).summary
        assert saved is not None and saved.text == fresh.text


# --- lists that say how much there is, --db after the command, help ---------------------------


def test_db_is_taken_after_the_command_as_before_it(tmp_path: Path) -> None:
    from newstrace.cli import build_parser

    parser = build_parser()
    for command in (["demo", "--no-serve"], ["serve"], ["list"], ["search", "x"], ["failures"]):
        assert parser.parse_args([*command, "--db", "after.db"]).db == "after.db"
        assert parser.parse_args(["--db", "before.db", *command]).db == "before.db"
        assert parser.parse_args(command).db is None


def test_lists_say_n_of_m_and_where_the_next_page_starts(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    run(capsys, "--db", db, "ingest", str(SEEDS))
    code, out, err = run(capsys, "list", "--db", db, "--limit", "1")
    assert code == 0 and len(out.splitlines()) == 1
    assert "1 of 2 articles; next: --offset 1" in err
    code, out, err = run(capsys, "list", "--db", db, "--limit", "1", "--offset", "1")
    assert len(out.splitlines()) == 1 and "2 of 2 articles" in err and "next" not in err
    code, out, err = run(capsys, "stories", "--db", db)
    assert "1 of 1 stories" in err
    code, out, err = run(capsys, "search", "--db", db, "Rogov", "--limit", "1")
    assert "1 of 2 results; next: --offset 1" in err


def test_search_finds_a_name_in_its_other_spelling(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    run(capsys, "--db", db, "ingest", str(SEEDS))
    hits = run_json(capsys, "--db", db, "search", "Putin")
    french = run_json(capsys, "--db", db, "show", "000_922ab060dcfde385.txt")
    assert "Putin" not in french["text"]
    assert french["id"] in [hit["id"] for hit in hits]
    code, out, err = run(capsys, "--db", db, "search", "zzqxnothing")
    assert code == 0 and out == "" and "nothing matches 'zzqxnothing'" in err


def test_empty_results_say_so(capsys: pytest.CaptureFixture[str], db: str) -> None:
    run(capsys, "--db", db, "ingest", str(SEEDS))
    code, out, err = run(capsys, "--db", db, "failures")
    assert code == 0 and out == "" and "no failures" in err
    code, out, err = run(capsys, "--db", db, "list", "--language", "de")
    assert out == "" and "no articles" in err


@pytest.mark.parametrize(
    "command", ["list", "search", "stories", "summary", "export", "failures", "serve", "demo"]
)
def test_help_describes_every_option_with_its_default_and_shows_an_example(
    command: str,
) -> None:
    from newstrace.cli import EXAMPLES, build_parser

    parser = build_parser()
    sub = next(
        action.choices[command]
        for action in parser._actions
        if isinstance(action.choices, dict) and command in action.choices
    )
    for action in sub._actions:
        if not action.option_strings or action.dest == "help":
            continue
        assert action.help and "default" in action.help, (command, action.option_strings)
    assert f"example:\n  {EXAMPLES[command]}" in sub.format_help()


def test_ingest_exit_status_says_all_done_some_failed_or_nothing_done(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    seed = sorted(SEEDS.glob("*.txt"))[0]
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code, _, err = run(capsys, "--db", db, "ingest", "--quiet", str(seed))
    assert code == 0, err
    other = sorted(SEEDS.glob("*.txt"))[1]
    code, _, err = run(capsys, "--db", db, "ingest", "--quiet", str(other), str(empty))
    assert code == 2
    assert err.strip().splitlines()[-1].startswith("newstrace: 1 of 2 documents failed")
    code, _, err = run(capsys, "--db", db, "ingest", "--quiet", str(tmp_path / "missing.txt"))
    assert code == 1 and "nothing ingested" in err
