"""The README's "As a library" section runs exactly as written."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import DEV, REPO, SEEDS


def library_example() -> str:
    """The python block of the README's "As a library" section, verbatim."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## As a library") :]
    section = section[: section.index("\n## ", 1)]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 1, "the section holds one python block"
    return str(blocks[0])


def test_the_readme_library_example_runs_as_written(tmp_path: Path) -> None:
    shutil.copy(SEEDS / "002_675ba3ab04b08978.txt", tmp_path / "rogov.txt")
    (tmp_path / "articles").mkdir()
    shutil.copy(SEEDS / "000_922ab060dcfde385.txt", tmp_path / "articles" / "rogov-fr.txt")
    with (DEV / "stories_ecbplus.jsonl").open(encoding="utf-8") as rows:
        chosen = [json.loads(next(rows)) for _ in range(3)]
    (tmp_path / "feed.jsonl").write_text(
        "".join(json.dumps({"text": row["text"]}) + "\n" for row in chosen), encoding="utf-8"
    )
    # Run the block as written, then look at what it left behind in its names.
    script = library_example() + (
        "\nimport json, sys\n"
        "json.dump({'title': article.title, 'language': article.language,\n"
        "           'removed': len(article.removed), 'sentences': len(article.sentences),\n"
        "           'report': report.to_dict()}, sys.stdout)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO))
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["title"] == "A Closer Look at Foreign Volunteers in the Ukraine Conflict"
    assert found["language"] == "en" and found["sentences"] > 10
    assert found["report"]["ingested"] == 1 + len(chosen) and found["report"]["failed"] == 0
    assert (tmp_path / "news.db").is_file()


def test_from_newstrace_import_ingest_gives_the_function() -> None:
    code = (
        "import newstrace.ingestion\n"
        "from newstrace import ingest\n"
        "assert callable(ingest) and ingest.__module__ == 'newstrace.ingestion', ingest\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO))
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
