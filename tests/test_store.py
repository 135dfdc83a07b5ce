"""The stores against real databases with real articles: SQLite in a file and in memory, and
PostgreSQL on a server the test run starts (tests/pg.py); the same tests run on each."""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from conftest import DEV, SEEDS
from pg import PostgresServer, ServerUnavailable, free_port, start_server

from newstrace import errors
from newstrace.analysis.extract import extract
from newstrace.model import (
    Article,
    Claim,
    Entity,
    Failure,
    Quantity,
    RawDocument,
    Removed,
    Sentence,
    Signal,
    Summary,
    SummarySentence,
)
from newstrace.pipeline import Pipeline
from newstrace.store import NotFoundError, Store, StoreError
from newstrace.store.base import ProvenanceEdge, SeenItem, StoryMember
from newstrace.store.migrations import migrations
from newstrace.store.postgres import PostgresStore, ts_query
from newstrace.store.sqlite import SQLiteStore, fts_query

FRENCH_SEED = SEEDS / "000_922ab060dcfde385.txt"
ENGLISH_SEED = SEEDS / "002_675ba3ab04b08978.txt"

_EXTRACT_ONLY = Pipeline([extract])

AnyStore = SQLiteStore | PostgresStore


def read_article(path: Path, **meta: str) -> Article:
    """A real article file through the extract stage (what every later stage starts from)."""
    raw = RawDocument(source=str(path), text=path.read_text(encoding="utf-8"), **meta)
    return _EXTRACT_ONLY.run(raw)


def ecb_articles(count: int) -> list[Article]:
    """The first `count` ECB+ news articles, each with its corpus id as source."""
    found: list[Article] = []
    with (DEV / "stories_ecbplus.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            raw = RawDocument(source=f"ecbplus/{row['id']}.txt", text=row["text"], language="en")
            found.append(_EXTRACT_ONLY.run(raw))
            if len(found) == count:
                break
    return found


def span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def full_french_article() -> Article:
    """The French seed with every field of an Article filled in, offsets into its text."""
    article = read_article(
        FRENCH_SEED,
        url="https://example.org/volontaires",
        title="Des volontaires occidentaux aux côtés de la Russie",
        outlet="example.org",
        byline="Petr Plateník",
        published="2023-05-14",
        language="fr",
    )
    text = article.text
    rogov = span(text, "Vladimir Rogov")
    declared = span(text, "a déclaré")
    quote = span(text, "Pas seulement les gens des anciennes républiques soviétiques")
    etats = span(text, "États-Unis")
    first = text.index(".") + 1
    article.removed = [Removed(text="Fan d’alcool incurable.", reason="bio")]
    article.sentences = [Sentence(0, first), Sentence(first + 1, len(text))]
    article.entities = [
        Entity("Vladimir Rogov", "person", "vladimir_rogov", *rogov),
        Entity("États-Unis", "place", "Q30", *etats),
    ]
    article.quantities = [Quantity("20 000", 20000.0, "volontaires", 0, 6)]
    article.quantities.append(Quantity("plusieurs dizaines", None, None, 10, 28))
    article.media = ["TASS", "Newsweek"]
    article.claims = [
        Claim(
            speaker="Vladimir Rogov",
            speaker_key="vladimir_rogov",
            speaker_start=rogov[0],
            speaker_end=rogov[1],
            role="président du mouvement",
            cue="a déclaré",
            cue_start=declared[0],
            cue_end=declared[1],
            medium="TASS",
            type="direct",
            status="attributed",
            text=text[quote[0] : quote[1]],
            start=quote[0],
            end=quote[1],
            hedges=["n'a pas été en mesure de confirmer"],
        )
    ]
    article.signals = [Signal("translation_artifact", "a-t-il déclaré. a déclaré", None, None)]
    article.summary = Summary(
        sentences=[SummarySentence(text[0:first], 0, first)], text=text[0:first]
    )
    article.story = "story-rogov"
    return article


def hand_article(id: str, source: str, **fields: str | None) -> Article:
    """A small article with a chosen id, for ordering and prefix cases."""
    return Article(id=id, source=source, text=f"Text of {source}.", **fields)  # type: ignore[arg-type]


# -- backends ----------------------------------------------------------------------------


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the whole run; missing binaries fail in CI, skip elsewhere."""
    try:
        server = start_server()
    except ServerUnavailable as error:
        if in_ci():
            pytest.fail(f"the PostgreSQL tests need a server: {error}")
        pytest.skip(f"no PostgreSQL server here: {error}")
    yield server
    server.stop()


_database_numbers = itertools.count(1)


@pytest.fixture
def postgres_url(postgres: PostgresServer) -> Iterator[str]:
    """A new empty database on the test server, dropped afterwards."""
    name = f"newstrace_test_{next(_database_numbers)}"
    url = postgres.create_database(name)
    yield url
    postgres.drop_database(name)


def dialect(url: str) -> str:
    return "postgres" if url.startswith("postgresql://") else "sqlite"


def open_store(url: str) -> AnyStore:
    opened = Store(url)
    assert isinstance(opened, SQLiteStore | PostgresStore)
    return opened


def raw_rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    """Run SQL on the database behind a store, around newstrace (to check or to tamper)."""
    if url.startswith("postgresql://"):
        with psycopg.connect(url, autocommit=True) as db:
            cursor = db.execute(sql.encode("utf-8"))
            return cursor.fetchall() if cursor.description else []
    with sqlite3.connect(url) as db:
        return db.execute(sql).fetchall()


@pytest.fixture(params=["sqlite-file", "sqlite-memory", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[AnyStore]:
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
    elif request.param == "sqlite-file":
        url = str(tmp_path / "newstrace.db")
    else:
        url = ":memory:"
    with open_store(url) as opened:
        yield opened


@pytest.fixture(params=["sqlite-file", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a store lives beyond one opening: a SQLite file or a PostgreSQL database."""
    if request.param == "postgres":
        return str(request.getfixturevalue("postgres_url"))
    return str(tmp_path / "news.db")


# -- articles ----------------------------------------------------------------------------


def test_full_article_round_trips_unchanged_after_reopening_the_database(database: str) -> None:
    article = full_french_article()
    with open_store(database) as store:
        assert store.add(article) == "ingested"
    with open_store(database) as reopened:
        stored = reopened.get(article.id)
    assert stored == article
    assert stored is not None and stored.summary is not None
    assert stored.claims[0].hedges == ["n'a pas été en mesure de confirmer"]
    assert stored.quantities[1].value is None


def test_memory_store_round_trips_a_real_article() -> None:
    article = read_article(ENGLISH_SEED)
    with SQLiteStore(":memory:") as store:
        store.add(article)
        assert store.get(article.id) == article
        assert store.get("0000000000000000") is None


def test_same_id_again_is_a_duplicate_and_changes_nothing(store: AnyStore) -> None:
    article = read_article(FRENCH_SEED, title="First title")
    again = read_article(FRENCH_SEED, title="Second title")
    again.source = "elsewhere/copy.txt"
    assert again.id == article.id
    assert store.add(article) == "ingested"
    assert store.add(again) == "duplicate"
    assert store.count() == 1
    stored = store.get(article.id)
    assert stored is not None
    assert (stored.title, stored.source) == ("First title", str(FRENCH_SEED))


def test_update_replaces_the_stored_article_and_its_search_text(store: AnyStore) -> None:
    article = read_article(ENGLISH_SEED, title="Pelican gazette")
    store.add(article)
    article.title = "Baltic recruits"
    article.story = "story-rogov"
    article.summary = Summary(sentences=[], text="Rogov spoke to TASS.")
    store.update(article)
    assert store.get(article.id) == article
    assert [a.id for a in store.articles(story="story-rogov")] == [article.id]
    assert [h.id for h in store.search("recruits")] == [article.id]
    assert "pelican" not in article.text.lower()
    assert store.search("pelican") == []


def test_undecodable_characters_round_trip_and_stay_searchable(store: AnyStore) -> None:
    # A lone surrogate is what Python's surrogateescape makes of a byte that is not UTF-8.
    article = read_article(ENGLISH_SEED, title="Volunteers \udcff report")
    article.text = article.text.replace("Lithuanians", "Lithuanians\udce9", 1)
    article.source = "feeds/caf\udce9.xml"
    assert store.add(article) == "ingested"
    assert store.get(article.id) == article
    assert [h.id for h in store.search("Lithuanians")] == [article.id]
    assert store.resolve("feeds/caf\udce9.xml").id == article.id
    assert store.search("\udcff") == []


def test_nul_characters_round_trip_and_the_text_around_them_is_searchable(
    store: AnyStore,
) -> None:
    article = read_article(ENGLISH_SEED, title="Volunteers\x00 report")
    article.text = article.text.replace("Lithuanians", "Lithuanians\x00", 1)
    assert store.add(article) == "ingested"
    assert store.get(article.id) == article
    assert [a.id for a in store.articles()] == [article.id]
    assert [h.id for h in store.search("Lithuanians")] == [article.id]


def test_huge_article_of_distinct_words_is_stored_whole_and_found_by_its_opening(
    store: AnyStore,
) -> None:
    # 1.3 MB of distinct words: more than a PostgreSQL tsvector can hold (1 MB).
    article = read_article(ENGLISH_SEED)
    article.text += " " + " ".join(f"token{n:07d}" for n in range(100_000))
    assert store.add(article) == "ingested"
    assert store.get(article.id) == article
    assert [h.id for h in store.search("Lithuanians")] == [article.id]


def test_update_of_an_unknown_id_is_a_store_error(store: AnyStore) -> None:
    with pytest.raises(NotFoundError, match="add it before updating"):
        store.update(read_article(ENGLISH_SEED))
    assert store.count() == 0


def test_sources_and_has_source_follow_what_was_ingested(store: AnyStore) -> None:
    french, english = read_article(FRENCH_SEED), read_article(ENGLISH_SEED)
    store.add(french)
    store.add(english)
    assert store.sources() == [str(FRENCH_SEED), str(ENGLISH_SEED)]
    assert store.has_source(str(ENGLISH_SEED))
    assert not store.has_source("never/read.txt")


def test_store_opens_sqlite_for_a_path_and_for_memory(tmp_path: Path) -> None:
    with Store(str(tmp_path / "news.db")) as on_disk, Store(memory=True) as in_memory:
        assert isinstance(on_disk, SQLiteStore) and isinstance(in_memory, SQLiteStore)
        assert in_memory.url == ":memory:"
    assert (tmp_path / "news.db").is_file()


# -- failures ----------------------------------------------------------------------------


def test_failure_is_kept_with_attempts_counted_and_cleared_by_a_later_ingest(
    store: AnyStore,
) -> None:
    article = read_article(ENGLISH_SEED)
    store.record_failure(Failure(article.source, "cannot decode bytes"))
    store.record_failure(Failure(article.source, "no article text left after cleaning"))
    store.record_failure(Failure("other.html", "no main text found in the HTML"))
    records = {r.source: r for r in store.failures()}
    assert records[article.source].attempts == 2
    assert records[article.source].reason == "no article text left after cleaning"
    assert records["other.html"].attempts == 1
    assert store.add(article) == "ingested"
    assert [r.source for r in store.failures()] == ["other.html"]


def test_failure_is_cleared_when_its_source_turns_out_a_duplicate(store: AnyStore) -> None:
    article = read_article(FRENCH_SEED)
    store.add(article)
    store.record_failure(Failure(article.source, "disk full"))
    assert store.add(article) == "duplicate"
    assert store.failures() == []


def test_failures_are_listed_oldest_first(store: AnyStore) -> None:
    for source in ["c.txt", "a.txt", "b.txt"]:
        store.record_failure(Failure(source, "empty document: no text"))
    store.record_failure(Failure("c.txt", "empty document: no text"))
    assert [r.source for r in store.failures()] == ["c.txt", "a.txt", "b.txt"]


# -- opening and migrations --------------------------------------------------------------


def test_migrations_are_recorded_and_reopening_applies_nothing(database: str) -> None:
    known = migrations(dialect(database))
    open_store(database).close()
    first = raw_rows(database, "SELECT version, applied_at FROM schema_migrations ORDER BY 1")
    with open_store(database) as store:
        assert store.schema_version() == known[-1].version
    again = raw_rows(database, "SELECT version, applied_at FROM schema_migrations ORDER BY 1")
    assert [v for v, _ in first] == [m.version for m in known]
    assert again == first


def test_file_store_is_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    with SQLiteStore(path) as store:
        assert store._db.execute("PRAGMA foreign_keys").fetchone() == (1,)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_missing_directory_is_refused_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "news.db"
    with pytest.raises(StoreError) as caught:
        Store(str(path))
    assert str(caught.value) == (
        f"{path}: no such directory {path.parent}; create it first, or pass another --db"
    )
    assert list(tmp_path.iterdir()) == []


def test_database_newer_than_the_code_asks_to_upgrade(database: str) -> None:
    open_store(database).close()
    raw_rows(database, "INSERT INTO schema_migrations VALUES (9999, 'm9999_future', '2099-01-01')")
    with pytest.raises(StoreError, match="upgrade newstrace") as caught:
        open_store(database)
    assert "9999" in str(caught.value)


def test_file_that_is_not_a_database_gives_a_one_line_store_error(tmp_path: Path) -> None:
    path = tmp_path / "newstrace.db"
    shutil.copy(ENGLISH_SEED, path)
    with pytest.raises(StoreError) as caught:
        SQLiteStore(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: not a newstrace database")
    assert message.endswith("pass another --db")
    assert path.read_bytes() == ENGLISH_SEED.read_bytes()


def test_sqlite_database_of_another_program_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE invoices (number INTEGER)")
    with pytest.raises(StoreError, match=r"not a newstrace database .*invoices"):
        SQLiteStore(path)
    with sqlite3.connect(path) as db:
        tables = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    assert tables == [("invoices",)]


def test_a_directory_as_database_gives_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="pass another --db"):
        SQLiteStore(tmp_path)


def test_store_errors_are_the_one_newstrace_error_family() -> None:
    assert StoreError is errors.StoreError and NotFoundError is errors.NotFoundError
    assert issubclass(StoreError, errors.NewstraceError)
    from newstrace.store.base import StoreError as from_base

    assert from_base is errors.StoreError


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


@pytest.mark.parametrize(
    "content",
    [
        b"shopping list\n" * 100,
        b"x",
        b"SQLite format 2\x00" + bytes(200),
        "caf\u00e9 \u2014 not a database".encode(),
    ],
    ids=["text", "one-byte", "other-header", "utf-8"],
)
def test_a_file_that_is_not_sqlite_is_refused_by_name_and_left_byte_for_byte(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    with pytest.raises(StoreError) as caught:
        Store(str(path))
    assert str(caught.value) == (
        f"{path}: not a newstrace database (not a SQLite file); pass another --db"
    )
    assert files_of(tmp_path) == {"notes.db": content}


def test_a_sqlite_database_of_another_program_is_left_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE invoices (number INTEGER)")
        db.execute("INSERT INTO invoices VALUES (42)")
    db.close()
    before = files_of(tmp_path)
    with pytest.raises(StoreError) as caught:
        Store(str(path))
    assert str(caught.value) == (
        f"{path}: not a newstrace database (it holds other tables: invoices); pass another --db"
    )
    assert files_of(tmp_path) == before  # not switched to WAL, no -wal or -shm beside it


def test_an_empty_file_of_zero_bytes_becomes_a_newstrace_database(tmp_path: Path) -> None:
    path = tmp_path / "made-by-mktemp"
    path.touch()
    article = read_article(FRENCH_SEED)
    with Store(str(path)) as store:
        store.add(article)
    with Store(str(path)) as reopened:
        assert reopened.get(article.id) == article
    assert path.read_bytes().startswith(b"SQLite format 3\x00")


def test_a_damaged_database_file_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    with Store(str(path)) as store:
        for article in ecb_articles(30):
            store.add(article)
    data = bytearray(path.read_bytes())
    page = 4096  # SQLite's default page size: page 1 (the schema) stays readable
    assert len(data) > 4 * page
    data[page:] = bytes(0xA5 for _ in range(len(data) - page))
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError) as caught, Store(str(path)) as damaged:
        list(damaged.articles())
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert message.endswith("restore it from a backup, or pass another --db")


def test_a_header_only_sqlite_file_is_refused_in_one_line_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "truncated.db"
    content = b"SQLite format 3\x00" + bytes(range(256)) * 8
    path.write_bytes(content)
    with pytest.raises(StoreError) as caught:
        Store(str(path))
    assert "\n" not in str(caught.value) and str(caught.value).startswith(f"{path}: ")
    assert files_of(tmp_path) == {"truncated.db": content}


def test_every_driver_error_is_a_one_line_store_error_naming_the_database(
    database: str,
) -> None:
    with open_store(database) as store:
        store.add(read_article(FRENCH_SEED))
        raw_rows(database, "DROP TABLE articles" + (" CASCADE" if "postgresql" in database else ""))
        for call in (store.count, lambda: list(store.articles()), lambda: store.get("x" * 16)):
            with pytest.raises(StoreError) as caught:
                call()
            message = str(caught.value)
            assert "\n" not in message and "articles" in message
            assert message.startswith(store.url + ": ")
            assert isinstance(caught.value.__cause__, sqlite3.Error | psycopg.Error)


def test_a_failed_write_is_rolled_back_whole_and_the_store_goes_on(store: AnyStore) -> None:
    kept = [ProvenanceEdge("TASS", "a", "cites")]
    store.save_provenance("s", kept)
    broken = [ProvenanceEdge("Reuters", "b", "relays"), ProvenanceEdge("b", None, "copy")]  # type: ignore[arg-type]
    with pytest.raises(StoreError) as caught:
        store.save_provenance("s", broken)
    assert "\n" not in str(caught.value) and str(caught.value).startswith(store.url + ": ")
    assert store.provenance("s") == kept
    article = read_article(ENGLISH_SEED)
    assert store.add(article) == "ingested"
    assert store.get(article.id) == article


# -- search ------------------------------------------------------------------------------


@pytest.fixture
def seeded(store: AnyStore) -> AnyStore:
    store.add(read_article(FRENCH_SEED, title="Des volontaires occidentaux en Ukraine"))
    store.add(read_article(ENGLISH_SEED))
    for article in ecb_articles(20):
        store.add(article)
    return store


def test_search_ignores_accents_and_case(seeded: AnyStore) -> None:
    french = read_article(FRENCH_SEED).id
    for query in ["etats", "États", "ETATS-unis", "bresil"]:
        hits = seeded.search(query)
        assert [h.id for h in hits] == [french], query


def test_search_word_ending_in_star_is_a_prefix(seeded: AnyStore) -> None:
    french = read_article(FRENCH_SEED).id
    assert seeded.search("volontair") == []
    assert french in [h.id for h in seeded.search("volontair*")]


def test_search_requires_every_word(seeded: AnyStore) -> None:
    english = read_article(ENGLISH_SEED).id
    assert [h.id for h in seeded.search("Rogov Lithuanians")] == [english]
    assert seeded.search("Rogov Brésil Lithuanians") == []


def test_search_snippet_marks_the_hits_in_brackets(seeded: AnyStore) -> None:
    hits = seeded.search("Lithuanians")
    assert hits and "[Lithuanians]" in hits[0].snippet


def test_search_ranks_the_article_about_the_words_first(store: AnyStore) -> None:
    english = read_article(ENGLISH_SEED)
    french = read_article(FRENCH_SEED)
    # "with" is in both seeds: 7 times in the English one, once in the French one.
    assert english.text.lower().split().count("with") > 3 * french.text.lower().split().count(
        "with"
    )
    store.add(french)
    store.add(english)
    assert [h.id for h in store.search("with")] == [english.id, french.id]


@pytest.mark.parametrize(
    "query",
    [
        'Rogov"',
        '"',
        '""',
        "AND OR",
        "NOT",
        "*",
        "**",
        "-x",
        "(",
        ")",
        "Rogov AND (TASS",
        "title:Rogov",
        "NEAR(a b)",
        "^Rogov",
        "a' OR 1=1 --",
        "Rog*ov",
        "\x00",
        "Ro\x00gov",
        "",
        "   ",
    ],
)
def test_hostile_search_queries_never_raise(seeded: AnyStore, query: str) -> None:
    hits = seeded.search(query)
    assert isinstance(hits, list)
    if not fts_query(query):
        assert hits == []


def test_search_query_operators_are_plain_words(seeded: AnyStore) -> None:
    assert fts_query('Rogov" AND -x') == '"Rogov""" "AND" "-x"'
    assert seeded.search("Brésil OR Lithuanians") == []


# -- resolve -----------------------------------------------------------------------------


def test_resolve_by_id_prefix_source_url_and_file_name(store: AnyStore) -> None:
    french = read_article(FRENCH_SEED, url="https://example.org/rogov")
    english = read_article(ENGLISH_SEED)
    store.add(french)
    store.add(english)
    assert store.resolve(french.id).id == french.id
    assert store.resolve(french.id[:6]).id == french.id
    assert store.resolve(french.id[:6].upper()).id == french.id
    assert store.resolve(str(ENGLISH_SEED)).id == english.id
    assert store.resolve(ENGLISH_SEED.name).id == english.id
    assert store.resolve("https://example.org/rogov").id == french.id


def test_resolve_ambiguous_prefix_lists_the_candidates(store: AnyStore) -> None:
    for n in range(7):
        store.add(hand_article(f"abcd{n:012d}", f"batch/{n}.txt"))
    with pytest.raises(NotFoundError, match="matches several articles") as caught:
        store.resolve("abcd")
    message = str(caught.value)
    assert message.count("batch/") == 5
    assert "abcd000000000000 (batch/0.txt)" in message
    assert store.resolve("abcd000000000006").source == "batch/6.txt"


def test_resolve_same_file_name_in_two_folders_is_ambiguous(store: AnyStore) -> None:
    store.add(hand_article("1111000000000000", "2024/page.html"))
    store.add(hand_article("2222000000000000", "2025/page.html"))
    with pytest.raises(StoreError, match=r"2024/page\.html.*2025/page\.html"):
        store.resolve("page.html")
    assert store.resolve("2025/page.html").id == "2222000000000000"
    store.add(hand_article("3333000000000000", "C:\\news\\dépêche.html"))
    assert store.resolve("dépêche.html").id == "3333000000000000"


def test_resolve_unknown_or_too_short_says_what_to_try(store: AnyStore) -> None:
    store.add(hand_article("abcdef0000000000", "a.txt"))
    for ref in ["abc", "zzzz", "b.txt", ""]:
        with pytest.raises(NotFoundError, match=r"no article matches .*newstrace list"):
            store.resolve(ref)


# -- listing -----------------------------------------------------------------------------


def test_articles_newest_published_first_undated_last_then_latest_ingested(
    store: AnyStore,
) -> None:
    dates = {
        "a": "2023-05-01",
        "b": None,
        "c": "2024-01-15T08:00:00+00:00",
        "d": "2023-05-01",
        "e": None,
        "f": "",
    }
    for n, (name, published) in enumerate(dates.items()):
        store.add(hand_article(f"{n:016d}", f"{name}.txt", published=published))
    order = [a.source for a in store.articles()]
    assert order == ["c.txt", "d.txt", "a.txt", "f.txt", "e.txt", "b.txt"]
    assert [a.source for a in store.articles(limit=2)] == ["c.txt", "d.txt"]


def test_articles_filter_by_story_and_language(store: AnyStore) -> None:
    store.add(hand_article("0000000000000001", "1.txt", language="fr", story="s1"))
    store.add(hand_article("0000000000000002", "2.txt", language="en", story="s1"))
    store.add(hand_article("0000000000000003", "3.txt", language="fr", story="s2"))
    assert {a.source for a in store.articles(story="s1")} == {"1.txt", "2.txt"}
    assert {a.source for a in store.articles(language="fr")} == {"1.txt", "3.txt"}
    assert [a.source for a in store.articles(story="s1", language="fr")] == ["1.txt"]
    assert list(store.articles(story="none")) == []


# -- one behaviour on every backend -------------------------------------------------------


def test_the_url_index_exists_on_both_backends(database: str) -> None:
    open_store(database).close()
    if dialect(database) == "postgres":
        sql = "SELECT indexdef FROM pg_indexes WHERE indexname = 'articles_url'"
    else:
        sql = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'articles_url'"
    (definition,) = raw_rows(database, sql)[0]
    assert "articles" in definition and "(url)" in definition


def test_a_database_from_before_the_fourth_migration_is_brought_up_to_date(
    database: str,
) -> None:
    article = read_article(FRENCH_SEED, url="https://example.org/rogov")
    with open_store(database) as store:
        store.add(article)
        store.save_story_member(StoryMember("m1", "s", 5.0, None, "{}"))
    # Back to what version 3 left: SQLite without the url index, PostgreSQL without seq.
    if dialect(database) == "postgres":
        raw_rows(database, "ALTER TABLE story_members DROP COLUMN seq")
    else:
        raw_rows(database, "DROP INDEX articles_url")
    raw_rows(database, "DELETE FROM schema_migrations WHERE version = 4")
    with open_store(database) as store:
        assert store.schema_version() == migrations(dialect(database))[-1].version
        assert store.resolve("https://example.org/rogov").id == article.id
        store.save_story_member(StoryMember("m0", "s", 5.0, None, "{}"))
        assert [m.article_id for m in store.story_members_since(0)] == ["m1", "m0"]


def test_story_members_seen_together_come_back_in_the_order_they_joined(
    store: AnyStore,
) -> None:
    joined = ["f3", "a9", "c1", "b7", "e2"]  # neither sorted nor reversed
    for number, article_id in enumerate(joined):
        store.save_story_member(StoryMember(article_id, "s", 100.0 + number // 3, None, "{}"))
    # A member re-saved (restory of one article) keeps its place.
    store.save_story_member(StoryMember("a9", "t", 100.0, 0.5, "{}"))
    window = [(m.article_id, m.seen) for m in store.story_members_since(0)]
    assert window == [("f3", 100.0), ("a9", 100.0), ("c1", 100.0), ("b7", 101.0), ("e2", 101.0)]


def test_the_story_window_is_streamed_and_the_store_writes_meanwhile(store: AnyStore) -> None:
    for number in range(450):  # more than two chunks
        store.save_story_member(StoryMember(f"m{number:04d}", "s", float(number), None, "{}"))
    members = store.story_members_since(0)
    assert isinstance(members, Iterator)
    first = next(members)
    store.save_story_member(StoryMember("late", "s", 1e9, None, "{}"))
    rest = list(members)
    assert [first.article_id, *(m.article_id for m in rest[:2])] == ["m0000", "m0001", "m0002"]
    assert len(rest) in (449, 450)  # the late member may or may not be seen; no error either way
    assert [m.article_id for m in store.story_members_since(1e9)] == ["late"]


def test_articles_can_be_updated_while_they_are_being_listed(store: AnyStore) -> None:
    for article in ecb_articles(5):
        store.add(article)
    for article in store.articles():
        article.story = "story-ecb"
        store.update(article)
    assert len(list(store.articles(story="story-ecb"))) == 5


# -- several processes -------------------------------------------------------------------


def add_all(path: str, articles: list[Article], start: Any, results: Any) -> None:
    """In its own process: open the store when every worker is ready, add, report counts."""
    start.wait()
    with open_store(path) as store:
        added = [store.add(article) for article in articles]
    results.put((added.count("ingested"), added.count("duplicate")))


def test_four_processes_adding_overlapping_sets_lose_and_duplicate_nothing(
    tmp_path: Path, database: str
) -> None:
    articles = ecb_articles(80)
    unique = {a.id for a in articles}
    # Worker w adds articles [20w, 20w + 40): all but the first 20 go to two workers, and
    # the workers create the file, migrate it and write it at the same moment.
    shares = [articles[20 * w : 20 * w + 40] for w in range(4)]
    postgres = database.startswith("postgresql://")
    path = database if postgres else str(tmp_path / "news.db")
    spawn = multiprocessing.get_context("spawn")
    start, results = spawn.Barrier(len(shares)), spawn.Queue()
    workers = [
        spawn.Process(target=add_all, args=(path, share, start, results)) for share in shares
    ]
    for worker in workers:
        worker.start()
    counts = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join()
    assert [worker.exitcode for worker in workers] == [0] * len(workers)
    assert sum(ingested for ingested, _ in counts) == len(unique)
    assert sum(i + d for i, d in counts) == sum(len(share) for share in shares)
    with open_store(path) as store:
        assert store.count() == len(unique)
        assert {a.id for a in store.articles()} == unique
        stored = {a.id: a for a in store.articles()}
        assert sorted(store.sources()) == sorted({a.source for a in articles})
    assert all(stored[a.id] == a for a in articles)
    known = migrations(dialect(path))
    versions = sorted(row[0] for row in raw_rows(path, "SELECT version FROM schema_migrations"))
    assert versions == [m.version for m in known]
    seqs = [row[0] for row in raw_rows(path, "SELECT seq FROM articles ORDER BY seq")]
    if postgres:
        # An identity column hands out numbers to losing inserts too: unique, not dense.
        assert len(set(seqs)) == len(unique)
    else:
        assert seqs == list(range(1, len(unique) + 1))


# -- PostgreSQL only ---------------------------------------------------------------------

SECRET = "Tr0ub4dor-and-3"


def test_store_opens_postgres_for_a_postgresql_url_and_hides_the_password(
    postgres: PostgresServer, postgres_url: str
) -> None:
    with Store(postgres_url) as opened:
        assert isinstance(opened, PostgresStore)
        assert postgres.password not in opened.url
        assert opened.url == postgres_url.replace(f":{postgres.password}@", "@")


def test_unreachable_server_is_a_one_line_store_error_without_the_password() -> None:
    port = free_port()  # nothing listens there
    url = f"postgresql://newstrace:{SECRET}@127.0.0.1:{port}/news"
    with pytest.raises(StoreError) as caught:
        Store(url)
    message = str(caught.value)
    assert "\n" not in message and SECRET not in message
    assert message.startswith(f"postgresql://newstrace@127.0.0.1:{port}/news: cannot connect")
    assert message.endswith("pass another --db")


def test_wrong_password_is_refused_without_showing_it(postgres: PostgresServer) -> None:
    with pytest.raises(StoreError, match="password authentication failed") as caught:
        Store(postgres.url("postgres", password=SECRET))
    assert SECRET not in str(caught.value) and "\n" not in str(caught.value)


def test_missing_database_is_a_one_line_store_error(postgres: PostgresServer) -> None:
    with pytest.raises(StoreError, match='database "no_such_news" does not exist') as caught:
        Store(postgres.url("no_such_news"))
    assert postgres.password not in str(caught.value) and "\n" not in str(caught.value)


def test_malformed_url_is_a_store_error_without_the_password() -> None:
    with pytest.raises(StoreError, match="not a valid PostgreSQL URL") as caught:
        Store(f"postgresql://newstrace:{SECRET}@[::1/news")
    assert SECRET not in str(caught.value)


def test_postgres_database_of_another_program_is_refused_untouched(postgres_url: str) -> None:
    raw_rows(postgres_url, "CREATE TABLE invoices (number INTEGER)")
    with pytest.raises(StoreError, match=r"not a newstrace database .*invoices"):
        Store(postgres_url)
    tables = raw_rows(postgres_url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    assert tables == [("invoices",)]


def test_postgres_search_folds_accents_with_unaccent_through_the_gin_index(
    postgres_url: str,
) -> None:
    french = read_article(FRENCH_SEED)
    with Store(postgres_url) as store:
        store.add(french)
        for article in ecb_articles(5):
            store.add(article)
        assert [h.id for h in store.search("etats")] == [french.id]
    assert ("unaccent",) in raw_rows(postgres_url, "SELECT extname FROM pg_extension")
    with psycopg.connect(postgres_url, autocommit=True) as db:
        db.execute("SET enable_seqscan = off")  # a handful of rows would be scanned otherwise
        plan = db.execute(
            "EXPLAIN SELECT id FROM articles "
            "WHERE search @@ to_tsquery('newstrace_search', 'etats')"
        ).fetchall()
    assert any("articles_search" in line for (line,) in plan)


def test_postgres_query_quotes_every_word_and_keeps_the_same_words_as_sqlite() -> None:
    assert ts_query('Rogov" AND -x') == "'Rogov\"' & 'AND' & '-x'"
    assert ts_query("l'État\\ volontair*") == "'l''État\\\\' & 'volontair':*"
    for query in ["Rog*ov", "**", "(", "a' OR 1=1 --", "\x00", "title:Rogov", "", "_ \udcff"]:
        assert bool(ts_query(query)) == bool(fts_query(query)), query


# -- what `watch` remembers: feed validators and the items seen ----------------------------

# Real article links: the pages of the dev extraction corpus, keyed by their URL.
PAGE_LINKS = sorted(
    json.loads((DEV / "extraction_pages" / "expected.json").read_text(encoding="utf-8"))
)
FEED = "https://www.tagesschau.de/index~rss2.xml"


def test_a_feed_never_polled_has_no_state(store: AnyStore) -> None:
    assert store.feed_state(FEED) is None


def test_feed_validators_survive_unchanged_and_failed_polls_until_the_feed_changes(
    database: str,
) -> None:
    with open_store(database) as store:
        store.record_feed_check(FEED, "changed", ('"v1"', "Tue, 14 May 2024 08:00:00 GMT"))
        store.record_feed_check(FEED, "unchanged")
    with open_store(database) as reopened:
        reopened.record_feed_check(FEED, "failed: HTTP 503 Service Unavailable")
        kept = reopened.feed_state(FEED)
        reopened.record_feed_check(FEED, "changed", ('"v2"', None))
        replaced = reopened.feed_state(FEED)
    assert kept is not None and replaced is not None
    assert (kept.etag, kept.last_modified) == ('"v1"', "Tue, 14 May 2024 08:00:00 GMT")
    assert kept.last_status == "failed: HTTP 503 Service Unavailable"
    assert (replaced.etag, replaced.last_modified, replaced.last_status) == (
        '"v2"',
        None,
        "changed",
    )
    assert replaced.last_polled >= kept.last_polled
    assert len(raw_rows(database, "SELECT url FROM feeds")) == 1


def test_seen_items_are_recorded_once_and_keep_their_first_outcome(store: AnyStore) -> None:
    first, second, third = PAGE_LINKS[:3]
    assert store.seen_links(PAGE_LINKS) == set()
    assert (
        store.record_seen([SeenItem(first, FEED, "ingested"), SeenItem(second, FEED, "failed")])
        == 2
    )
    assert store.record_seen([SeenItem(first, FEED, "duplicate"), SeenItem(third, None, "x")]) == 1
    assert store.seen_links([first, second, third, PAGE_LINKS[3]]) == {first, second, third}
    assert store.record_seen([]) == 0 and store.seen_links([]) == set()


def test_many_seen_links_are_looked_up_at_once_including_undecodable_ones(store: AnyStore) -> None:
    odd = "https://example.org/caf\udce9?q=\x00"
    # Past the SQLite store's chunk of 500 links per query, with every real page link.
    links = [*[f"{link}#{n}" for n in range(8) for link in PAGE_LINKS][:1200], odd]
    assert store.record_seen(SeenItem(link, FEED, "ingested") for link in links[::2]) == 601
    found = store.seen_links(links)
    assert found == set(links[::2]) and odd in found


def test_seen_items_carried_over_keep_the_time_they_were_first_seen(database: str) -> None:
    with open_store(database) as store:
        store.record_seen([SeenItem(PAGE_LINKS[0], None, "imported", "2024-05-14T08:00:00+00:00")])
    (first_seen,) = raw_rows(database, "SELECT first_seen FROM seen_items")[0]
    assert str(first_seen).startswith("2024-05-14")


def record_links(path: str, links: list[str], start: Any, results: Any) -> None:
    """In its own process: mark links seen and poll one feed, one call per link."""
    start.wait()
    with open_store(path) as store:
        new = 0
        for number, link in enumerate(links):
            new += store.record_seen([SeenItem(link, FEED, "ingested")])
            store.record_feed_check(FEED, "changed", (f'"{number}"', None))
    results.put(new)


def test_four_watchers_marking_overlapping_items_record_each_exactly_once(
    tmp_path: Path, database: str
) -> None:
    # Worker w marks links [30w, 30w + 60): all but the first 30 go to two workers.
    shares = [PAGE_LINKS[30 * w : 30 * w + 60] for w in range(4)]
    unique = {link for share in shares for link in share}
    postgres = database.startswith("postgresql://")
    path = database if postgres else str(tmp_path / "news.db")
    spawn = multiprocessing.get_context("spawn")
    start, results = spawn.Barrier(len(shares)), spawn.Queue()
    workers = [
        spawn.Process(target=record_links, args=(path, share, start, results)) for share in shares
    ]
    for worker in workers:
        worker.start()
    counts = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join()
    assert [worker.exitcode for worker in workers] == [0] * len(workers)
    assert sum(counts) == len(unique)
    assert len(raw_rows(path, "SELECT link FROM seen_items")) == len(unique)
    with open_store(path) as store:
        assert store.seen_links(PAGE_LINKS) == unique
        state = store.feed_state(FEED)
    assert state is not None and state.etag is not None and state.last_status == "changed"
