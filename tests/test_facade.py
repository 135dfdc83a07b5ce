"""The command line and the web API emit the same documents: both call `newstrace.facade`.

One real corpus (the two seeds and two confusable ECB+ stories) is ingested once; then every
document that both front ends expose — a story, a summary, the lists, a search — is asked of
`newstrace … --json` and of `/api/…`, and the two must be equal.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import DEV, SEEDS
from fastapi.testclient import TestClient

from newstrace import facade
from newstrace.cli import main
from newstrace.errors import UsageError
from newstrace.settings import Settings
from newstrace.web import create_app
from newstrace.web.api import StoryOut

# The first articles of ECB+ topic 1: two events of one kind (a celebrity entering rehab),
# so the corpus holds stories of several versions, and one-article stories beside them.
ECB_TOPIC = 1
ECB_ARTICLES = 6


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, TestClient]]:
    root = tmp_path_factory.mktemp("facade")
    rows = [json.loads(line) for line in (DEV / "stories_ecbplus.jsonl").open(encoding="utf-8")]
    chosen = [row for row in rows if row["topic"] == ECB_TOPIC][:ECB_ARTICLES]
    feed = root / "ecb.jsonl"
    feed.write_text(
        "".join(
            json.dumps({"url": f"https://news.example/{row['id']}", "text": row["text"]}) + "\n"
            for row in chosen
        ),
        encoding="utf-8",
    )
    db = str(root / "news.db")
    with facade.open_store(db) as store:
        report = facade.ingest([str(SEEDS), str(feed)], store)
    assert report.ingested == 2 + ECB_ARTICLES and not report.failed
    app = create_app(db, Settings())
    with TestClient(app) as client:
        yield db, client
    app.state.store.close()


def cli_json(capsys: pytest.CaptureFixture[str], db: str, *argv: str) -> Any:
    code = main(["--db", db, *argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def api_json(client: TestClient, path: str, **params: Any) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_corpus_has_stories_of_several_versions(
    corpus: tuple[str, TestClient], capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = corpus
    sizes = sorted(row["articles"] for row in cli_json(capsys, db, "stories"))
    assert sum(sizes) == 2 + ECB_ARTICLES and sizes[-1] >= 2 and sizes.count(1) < len(sizes)


def test_story_json_and_api_story_are_one_document(
    corpus: tuple[str, TestClient], capsys: pytest.CaptureFixture[str]
) -> None:
    db, client = corpus
    stories = cli_json(capsys, db, "stories")
    for row in stories:
        from_cli = cli_json(capsys, db, "story", row["id"])
        from_api = api_json(client, f"/api/stories/{row['id']}")
        assert from_cli == from_api
        assert from_cli["size"] == row["articles"] and from_cli["notes"] == []
        assert from_cli["compare"] is not None and from_cli["summary"]["lines"]
        # The OpenAPI schema of the route describes exactly this document.
        assert StoryOut.model_validate(from_api).model_dump(by_alias=True) == from_api
    several = next(row for row in stories if row["articles"] > 1)
    document = cli_json(capsys, db, "story", several["id"])
    assert len(document["articles"]) == several["articles"]
    assert document["claims"] == document["compare"]["claims"]


def test_story_of_an_article_reference_is_its_storys_document(
    corpus: tuple[str, TestClient], capsys: pytest.CaptureFixture[str]
) -> None:
    db, client = corpus
    by_file = cli_json(capsys, db, "story", "002_675ba3ab04b08978.txt")
    assert by_file == api_json(client, f"/api/stories/{by_file['id']}")
    assert sorted(by_file["languages"]) == ["en", "fr"]


def test_compare_json_is_the_comparison_inside_the_story_document(
    corpus: tuple[str, TestClient], capsys: pytest.CaptureFixture[str]
) -> None:
    db, client = corpus
    story = cli_json(capsys, db, "story", "000_922ab060dcfde385.txt")
    compared = cli_json(capsys, db, "compare", story["id"])
    assert (
        compared == story["compare"] == api_json(client, f"/api/stories/{story['id']}")["compare"]
    )
    assert set(compared["versions"]) == {a["id"] for a in story["articles"]}


def test_summary_json_and_api_summary_are_one_document(
    corpus: tuple[str, TestClient], capsys: pytest.CaptureFixture[str]
) -> None:
    db, client = corpus
    for row in cli_json(capsys, db, "list"):
        for sentences in (3, 1):
            from_cli = cli_json(capsys, db, "summary", row["id"], "--sentences", str(sentences))
            path = f"/api/articles/{row['id']}/summary"
            assert from_cli == api_json(client, path, sentences=sentences)
            assert from_cli["article"] == row["id"] and from_cli["text"].strip()
            assert len(from_cli["sentences"]) <= sentences


def test_lists_and_search_are_the_same_on_both_sides(
    corpus: tuple[str, TestClient], capsys: pytest.CaptureFixture[str]
) -> None:
    db, client = corpus
    articles = cli_json(capsys, db, "list")
    assert articles == api_json(client, "/api/articles")
    assert len(articles) == 2 + ECB_ARTICLES
    assert cli_json(capsys, db, "list", "--limit", "3") == api_json(
        client, "/api/articles", limit=3
    )
    assert cli_json(capsys, db, "stories") == api_json(client, "/api/stories")
    for query in ("Rogov", "Tara Reid"):
        hits = cli_json(capsys, db, "search", query)
        assert hits and hits == api_json(client, "/api/search", q=query)


def test_an_unknown_story_is_not_found_on_both_sides(
    corpus: tuple[str, TestClient], capsys: pytest.CaptureFixture[str]
) -> None:
    db, client = corpus
    assert main(["--db", db, "story", "ffffffffffffffff"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("newstrace: ") and err.count("\n") == 1
    response = client.get("/api/stories/ffffffffffffffff")
    assert response.status_code == 404
    assert set(response.json()) == {"error"} and response.json()["error"]["status"] == 404


def test_story_documents_are_typed_and_their_dicts_are_json(corpus: tuple[str, TestClient]) -> None:
    db, _ = corpus
    with facade.open_store(db) as store:
        listed = facade.stories(store)
        document = facade.story(store, listed[0].id)
    assert isinstance(document, facade.StoryDocument)
    assert all(isinstance(v, facade.StoryVersion) for v in document.articles)
    assert json.loads(json.dumps(document.to_dict())) == document.to_dict()
    with pytest.raises(AttributeError):
        document.title = "changed"  # type: ignore[misc]


def test_no_front_end_reaches_past_the_facade() -> None:
    """cli.py and web/ import the library only through the facade (and models, settings,
    errors); stories.service never imports compare, compare never imports stories.service."""
    package = Path(facade.__file__).resolve().parent
    allowed = {
        "newstrace",
        "newstrace.facade",
        "newstrace.model",
        "newstrace.settings",
        "newstrace.errors",
    }
    front = [package / "cli.py", *sorted((package / "web").glob("*.py"))]
    for path in front:
        for name in _imports(path):
            if name.startswith("newstrace.web") or not name.startswith("newstrace"):
                continue
            assert name in allowed or name == "newstrace.watch", f"{path.name} imports {name}"
    assert not any(
        n.startswith("newstrace.compare") for n in _imports(package / "stories" / "service.py")
    )
    for path in (package / "compare").glob("*.py"):
        assert "newstrace.stories.service" not in _imports(path), path.name


def _imports(path: Path) -> set[str]:
    import ast

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


# --- ranking, pages, sources --------------------------------------------------------------


def test_stories_rank_by_languages_outlets_versions_then_recency_alike_everywhere(
    corpus: tuple[str, TestClient], capsys: pytest.CaptureFixture[str]
) -> None:
    db, client = corpus
    listed = cli_json(capsys, db, "stories")
    assert listed == api_json(client, "/api/stories")
    ranks = [(len(s["languages"]), len(s["outlets"]), s["articles"]) for s in listed]
    assert ranks == sorted(ranks, reverse=True)
    assert sorted(listed[0]["languages"]) == ["en", "fr"]  # the seeds' story, in two languages
    with facade.open_store(db) as store:
        page = facade.story_page(store, limit=2, offset=1)
        assert [s.id for s in page.items] == [s["id"] for s in listed[1:3]]
        assert page.total == len(listed) and page.next_offset == (3 if len(listed) > 3 else None)
        english = facade.story_page(store, language="en")
        assert english.items and all("en" in s.languages for s in english.items)
        assert facade.story_page(store, since="2999-01-01").total == 0
        with pytest.raises(UsageError):
            facade.story_page(store, offset=-1)


def test_sources_are_what_the_user_gave_never_a_server_path(
    corpus: tuple[str, TestClient], capsys: pytest.CaptureFixture[str]
) -> None:
    db, client = corpus
    assert facade.public_source("/srv/news/a.html") == "a.html"
    assert facade.public_source("/srv/news/b.jsonl:3") == "b.jsonl:3"
    assert facade.public_source("C:\\news\\c.txt") == "c.txt"
    assert facade.public_source("https://news.example/x/y") == "https://news.example/x/y"
    assert facade.public_source("seeds/d.txt") == "seeds/d.txt"
    listed = cli_json(capsys, db, "list")
    assert listed == api_json(client, "/api/articles")
    assert all(not row["source"].startswith("/") for row in listed)
    assert {"000_922ab060dcfde385.txt", "002_675ba3ab04b08978.txt"} <= {r["source"] for r in listed}


def test_search_pages_agree_between_cli_and_api(
    corpus: tuple[str, TestClient], capsys: pytest.CaptureFixture[str]
) -> None:
    db, client = corpus
    hits = cli_json(capsys, db, "search", "Putin", "--limit", "1", "--offset", "0")
    assert hits == api_json(client, "/api/search", q="Putin", limit=1, offset=0)
    assert hits and hits[0]["id"] in {
        r["id"] for r in cli_json(capsys, db, "list", "--language", "fr")
    }
