"""The SQLite store: one file, WAL, numbered migrations, FTS5 search over title and text.

Concurrency: every `SQLiteStore` owns one connection. Several processes may write the same
file at once (WAL lets readers go on while one writer commits; a writer waits for the lock
instead of failing). Within a process a store may be shared by threads, since every call
takes the store's lock, but parallel work goes faster with one store per thread or process.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newstrace.model import Article, Failure
from newstrace.store.base import (
    MAX_CANDIDATES,
    AddResult,
    BaseStore,
    Derivation,
    FailureRecord,
    FeedState,
    ProvenanceEdge,
    SearchHit,
    SeenItem,
    StoreError,
    StoryMember,
    StoryRecord,
    Validators,
)
from newstrace.store.migrations import Migration, migrations

# 30 s: how long a writer waits for another process's commit before giving up. A commit of
# one article takes milliseconds, so only a stuck process makes anyone wait that long.
BUSY_TIMEOUT_SECONDS = 30.0
# An id prefix shorter than this is too likely to be a word or a typo, not an id.
MIN_ID_PREFIX = 4
# Pauses between tries to switch a new file to WAL while other processes open it too: the
# lock is held only while another process creates the schema (milliseconds), so start short
# and double. Without the retry, 3 of 33 trials of 6 processes opening one new file failed.
WAL_RETRY_FIRST_PAUSE = 0.005
WAL_RETRY_MAX_PAUSE = 0.2
# Words of context around the hits in a search snippet (FTS5 allows at most 64).
SNIPPET_TOKENS = 16
# Rows fetched at once while iterating articles: bounds memory on a large store.
FETCH_CHUNK = 200
# Links asked about in one `seen_links` query: SQLite before 3.32 allows 999 parameters.
SEEN_QUERY_CHUNK = 500

_ARTICLE_COLUMNS = (
    "source",
    "url",
    "outlet",
    "title",
    "byline",
    "published",
    "language",
    "text",
    "story",
    "document",
)


_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
_ACCESS_CODES = {
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_PERM,
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_AUTH,
}


def _code(error: sqlite3.Error) -> int:
    """The primary SQLite result code of an error (extended codes carry it in the low byte)."""
    return int(getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF


def _open_error(name: str, error: sqlite3.Error) -> str:
    """One line saying why the database at `name` cannot be used, and what to do."""
    code = _code(error)
    if code in _BUSY_CODES:
        return (
            f"{name}: locked by another process for over {BUSY_TIMEOUT_SECONDS:.0f} s "
            f"({error}); try again when it is done"
        )
    if code in _ACCESS_CODES:
        return (
            f"{name}: cannot open ({error}); check the path and its permissions, "
            "or pass another --db"
        )
    return f"{name}: not a newstrace database ({error}); pass another --db"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _document(article: Article) -> str:
    """The whole article as JSON; lone surrogates (undecodable bytes) kept as escapes."""
    document = json.dumps(article.to_dict(), ensure_ascii=False)
    try:
        document.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(article.to_dict(), ensure_ascii=True)
    return document


def _storable(value: str | None) -> str | None:
    """A column copy SQLite can encode: a lone surrogate becomes U+FFFD (lengths unchanged)."""
    if value is None:
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in value)
    return value


def _columns(article: Article) -> tuple[Any, ...]:
    """The article's values in `_ARTICLE_COLUMNS` order (the JSON document is the truth)."""
    return (
        *(
            _storable(value)
            for value in (
                article.source,
                article.url,
                article.outlet,
                article.title,
                article.byline,
                article.published,
                article.language,
                article.text,
                article.story,
            )
        ),
        _document(article),
    )


def _statements(script: str) -> Iterator[str]:
    """Split a SQL script into complete statements (trigger bodies stay whole)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""
    if pending.strip():
        yield pending.strip()


def fts_query(query: str) -> str:
    """A user's words as a safe FTS5 query: each word a quoted phrase, all required.

    Quoting makes operators (AND, OR, NOT, NEAR), column filters, parentheses and stray
    quotes plain words, so no input is a syntax error; a word ending in `*` is a prefix.
    """
    phrases: list[str] = []
    # FTS5 ends a quoted string at a NUL ("unterminated string"): a NUL separates words.
    for word in (_storable(query) or "").replace("\x00", " ").split():
        prefix = word.endswith("*")
        body = word.rstrip("*")
        if not re.search(r"\w", body):
            continue
        quoted = '"' + body.replace('"', '""') + '"'
        phrases.append(quoted + "*" if prefix else quoted)
    return " ".join(phrases)


class SQLiteStore(BaseStore):
    """Articles, failures and search in one SQLite file (or in memory with ":memory:")."""

    def __init__(self, path: str | Path) -> None:
        self.url = str(path)
        self._name = self.url
        self._lock = threading.RLock()
        memory = self.url == ":memory:"
        if not memory:
            try:
                Path(self.url).parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(
                    f"{self._name}: cannot create its directory ({error.strerror}); "
                    "pass another --db"
                ) from None
        try:
            self._db = sqlite3.connect(
                self.url,
                timeout=BUSY_TIMEOUT_SECONDS,
                isolation_level=None,  # autocommit; writes open BEGIN IMMEDIATE themselves
                check_same_thread=False,  # calls are serialised by self._lock
            )
        except sqlite3.Error as error:
            raise StoreError(_open_error(self._name, error)) from error
        try:
            self._configure(memory)
            self._check_fts5()
            self._migrate()
        except sqlite3.Error as error:
            self._db.close()
            raise StoreError(_open_error(self._name, error)) from error
        except StoreError:
            self._db.close()
            raise

    # -- opening ---------------------------------------------------------------------

    def _configure(self, memory: bool) -> None:
        """Connection settings: foreign keys, WAL for files, and a read that proves the file."""
        self._db.execute("PRAGMA foreign_keys = ON")
        if not memory:
            mode = self._switch_to_wal()
            if str(mode).lower() != "wal":
                raise StoreError(
                    f"{self._name}: cannot use WAL journaling (got {mode}); "
                    "put the database on a local disk or pass another --db"
                )
            # NORMAL is safe against corruption in WAL mode and skips an fsync per commit.
            self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()

    def _switch_to_wal(self) -> str:
        """PRAGMA journal_mode = WAL, retried: on a new file it needs an exclusive lock and
        SQLite reports a busy file at once instead of calling the busy handler."""
        deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
        pause = WAL_RETRY_FIRST_PAUSE
        while True:
            try:
                return str(self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0])
            except sqlite3.OperationalError as error:
                if _code(error) not in _BUSY_CODES or time.monotonic() + pause > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, WAL_RETRY_MAX_PAUSE)

    def _check_fts5(self) -> None:
        """Fail at open, not at the first search, when this SQLite lacks FTS5."""
        try:
            self._db.execute("CREATE VIRTUAL TABLE temp.newstrace_fts5_probe USING fts5(x)")
            self._db.execute("DROP TABLE temp.newstrace_fts5_probe")
        except sqlite3.OperationalError as error:
            raise StoreError(
                f"{self._name}: this SQLite ({sqlite3.sqlite_version}) lacks FTS5, which "
                f"newstrace search needs ({error}); use a Python whose sqlite3 has FTS5"
            ) from None

    def _applied(self) -> set[int]:
        """Versions already applied; refuses a database that belongs to another program."""
        tables = {
            row[0]
            for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if "schema_migrations" not in tables:
            if tables:
                raise StoreError(
                    f"{self._name}: not a newstrace database (it holds other tables: "
                    f"{', '.join(sorted(tables)[:MAX_CANDIDATES])}); pass another --db"
                )
            return set()
        return {row[0] for row in self._db.execute("SELECT version FROM schema_migrations")}

    def _migrate(self) -> None:
        """Apply the migrations this database lacks, in order, each in its own transaction."""
        known = migrations()
        newest = known[-1].version if known else 0
        applied = self._applied()
        if applied and max(applied) > newest:
            raise StoreError(
                f"{self._name}: database schema version {max(applied)} is newer than this "
                f"newstrace knows ({newest}); upgrade newstrace"
            )
        for migration in known:
            if migration.version not in applied:
                self._apply(migration)

    def _apply(self, migration: Migration) -> None:
        """Run one migration and record it, atomically, unless another process just did."""
        with self._write():
            # Another process may have applied it while this one waited for the lock.
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            done = self._db.execute(
                "SELECT 1 FROM schema_migrations WHERE version = ?", (migration.version,)
            ).fetchone()
            if done:
                return
            for statement in _statements(migration.sql):
                self._db.execute(statement)
            self._db.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, _now()),
            )

    def _write(self) -> _Transaction:
        """A write transaction that takes the database's write lock at once."""
        return _Transaction(self._db)

    def schema_version(self) -> int:
        """The newest migration applied to this database."""
        with self._lock:
            row = self._db.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    # -- articles --------------------------------------------------------------------

    def add(self, article: Article) -> AddResult:
        """Store an article unless its id is stored (then nothing changes); clear its failure."""
        with self._lock, self._write():
            inserted = self._db.execute(
                f"INSERT INTO articles (id, seq, {', '.join(_ARTICLE_COLUMNS)}, ingested_at) "
                "VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM articles), "
                f"{', '.join('?' for _ in _ARTICLE_COLUMNS)}, ?) "
                "ON CONFLICT (id) DO NOTHING",
                (article.id, *_columns(article), _now()),
            ).rowcount
            self._db.execute("DELETE FROM failures WHERE source = ?", (_storable(article.source),))
        return "ingested" if inserted == 1 else "duplicate"

    def update(self, article: Article) -> None:
        """Replace what is stored for an existing id (summaries, stories); keeps ingest order."""
        with self._lock, self._write():
            changed = self._db.execute(
                f"UPDATE articles SET {', '.join(f'{c} = ?' for c in _ARTICLE_COLUMNS)} "
                "WHERE id = ?",
                (*_columns(article), article.id),
            ).rowcount
        if changed != 1:
            raise StoreError(f"no stored article has id {article.id!r}; add it before updating")

    def get(self, id: str) -> Article | None:
        """The article with this exact id, rebuilt from its stored JSON."""
        with self._lock:
            row = self._db.execute(
                "SELECT document FROM articles WHERE id = ?", (_storable(id),)
            ).fetchone()
        return None if row is None else Article.from_dict(json.loads(row[0]))

    def resolve(self, ref: str) -> Article:
        """By exact id; unique id prefix; exact source or URL; or a source's file name."""
        ref = _storable(ref.strip()) or ""
        found = self.get(ref)
        if found is not None:
            return found
        lookups: list[tuple[str, tuple[Any, ...]]] = []
        if len(ref) >= MIN_ID_PREFIX:
            lowered = ref.lower()
            # A range on the primary key: an index seek, and no LIKE wildcards to escape.
            lookups.append(("id >= ? AND id < ?", (lowered, lowered + "\U0010ffff")))
        lookups.append(("source = ? OR url = ?", (ref, ref)))
        if ref:
            # A file name: the end of a path written with / or with Windows' \\.
            lookups.append(
                ("substr(source, ?) IN (?, ?)", (-(len(ref) + 1), "/" + ref, "\\" + ref))
            )
        for where, values in lookups:
            with self._lock:
                rows = self._db.execute(
                    f"SELECT id, source FROM articles WHERE {where} ORDER BY seq LIMIT ?",
                    (*values, MAX_CANDIDATES + 1),
                ).fetchall()
            article = self._only_match(ref, rows)
            if article is not None:
                return article
        raise StoreError(f"no article matches {ref!r}; try `newstrace list`")

    def articles(
        self,
        *,
        story: str | None = None,
        language: str | None = None,
        limit: int | None = None,
    ) -> Iterator[Article]:
        """Stored articles, newest published first (undated last), then latest ingested."""
        where: list[str] = []
        values: list[Any] = []
        if story is not None:
            where.append("story = ?")
            values.append(story)
        if language is not None:
            where.append("language = ?")
            values.append(language)
        sql = "SELECT document FROM articles"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY coalesce(published, '') = '', published DESC, seq DESC"
        if limit is not None:
            sql += " LIMIT ?"
            values.append(max(limit, 0))
        with self._lock:
            cursor = self._db.execute(sql, values)
        while True:
            with self._lock:
                rows = cursor.fetchmany(FETCH_CHUNK)
            if not rows:
                return
            for (document,) in rows:
                yield Article.from_dict(json.loads(document))

    def count(self) -> int:
        """How many articles are stored."""
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def sources(self) -> list[str]:
        """Every source an article was ingested from, in ingest order."""
        with self._lock:
            rows = self._db.execute("SELECT source FROM articles ORDER BY seq").fetchall()
        return [row[0] for row in rows]

    def has_source(self, source: str) -> bool:
        """Whether an article from this source is stored (lets a re-run skip reading it)."""
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM articles WHERE source = ? LIMIT 1", (_storable(source),)
            ).fetchone()
        return row is not None

    # -- failures --------------------------------------------------------------------

    def record_failure(self, failure: Failure) -> None:
        """Keep the source and its latest reason; count the attempts."""
        now = _now()
        with self._lock, self._write():
            self._db.execute(
                "INSERT INTO failures (source, reason, attempts, first_attempt, last_attempt) "
                "VALUES (?, ?, 1, ?, ?) "
                "ON CONFLICT (source) DO UPDATE SET reason = excluded.reason, "
                "attempts = attempts + 1, last_attempt = excluded.last_attempt",
                (_storable(failure.source), _storable(failure.reason), now, now),
            )

    def failures(self) -> list[FailureRecord]:
        """Sources still failing (not cleared by a later ingest), oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT source, reason, attempts, last_attempt FROM failures "
                "ORDER BY first_attempt, rowid"
            ).fetchall()
        return [
            FailureRecord(source=s, reason=r, attempts=a, last_attempt=t) for s, r, a, t in rows
        ]

    # -- search ----------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """Articles holding every word of the query (accents ignored), best bm25 rank first."""
        match = fts_query(query)
        if not match or limit <= 0:
            return []
        with self._lock:
            rows = self._db.execute(
                "SELECT a.id, a.title, snippet(articles_fts, -1, '[', ']', '…', ?) "
                "FROM articles_fts JOIN articles AS a ON a.seq = articles_fts.rowid "
                "WHERE articles_fts MATCH ? ORDER BY articles_fts.rank LIMIT ?",
                (SNIPPET_TOKENS, match, limit),
            ).fetchall()
        return [SearchHit(id=id, title=title, snippet=snippet) for id, title, snippet in rows]

    def close(self) -> None:
        """Close the connection; the store cannot be used afterwards."""
        with self._lock:
            self._db.close()

    # -- what `watch` remembers: feed validators and the items seen --------------------

    def feed_state(self, url: str) -> FeedState | None:
        """What the feed at `url` answered when last polled, or None if never polled."""
        with self._lock:
            row = self._db.execute(
                "SELECT url, etag, last_modified, last_polled, last_status FROM feeds "
                "WHERE url = ?",
                (_storable(url),),
            ).fetchone()
        return None if row is None else FeedState(*row)

    def record_feed_check(
        self, url: str, status: str, validators: Validators | None = None
    ) -> None:
        """Note a poll and how it went; a changed feed's validators replace the stored ones."""
        etag, last_modified = validators or (None, None)
        replace = ", etag = excluded.etag, last_modified = excluded.last_modified"
        with self._lock, self._write():
            self._db.execute(
                "INSERT INTO feeds (url, etag, last_modified, last_polled, last_status) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET "
                f"last_polled = excluded.last_polled, last_status = excluded.last_status"
                f"{replace if validators is not None else ''}",
                (
                    _storable(url),
                    _storable(etag),
                    _storable(last_modified),
                    _now(),
                    _storable(status),
                ),
            )

    def seen_links(self, links: Iterable[str]) -> set[str]:
        """Those of `links` already handled by a watch round (of any process)."""
        wanted = {_storable(link) or "": link for link in links}
        asked = list(wanted)
        found: set[str] = set()
        for start in range(0, len(asked), SEEN_QUERY_CHUNK):
            chunk = asked[start : start + SEEN_QUERY_CHUNK]
            with self._lock:
                rows = self._db.execute(
                    f"SELECT link FROM seen_items WHERE link IN ({', '.join('?' * len(chunk))})",
                    chunk,
                ).fetchall()
            found.update(wanted[row[0]] for row in rows)
        return found

    def record_seen(self, items: Iterable[SeenItem]) -> int:
        """Mark items as handled; one already seen keeps its first record. How many were new."""
        now = _now()
        rows = [
            (_storable(i.link), _storable(i.feed), i.first_seen or now, _storable(i.outcome))
            for i in items
        ]
        if not rows:
            return 0
        with self._lock, self._write():
            cursor = self._db.executemany(
                "INSERT INTO seen_items (link, feed, first_seen, outcome) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (link) DO NOTHING",
                rows,
            )
        return max(cursor.rowcount, 0)

    # -- stories: membership, records, derives_from and provenance ----------------------

    def save_story_member(self, member: StoryMember) -> None:
        """Record (or replace) which story an article is in, with its story features."""
        with self._lock, self._write():
            self._db.execute(
                "INSERT INTO story_members (article_id, story, seen, score, features) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (article_id) DO UPDATE SET "
                "story = excluded.story, seen = excluded.seen, score = excluded.score, "
                "features = excluded.features",
                (member.article_id, member.story, member.seen, member.score, member.features),
            )

    def story_members_since(self, seen: float) -> Iterator[StoryMember]:
        """Members seen at or after `seen`, oldest first, fetched in chunks."""
        with self._lock:
            cursor = self._db.execute(
                "SELECT article_id, story, seen, score, features FROM story_members "
                "WHERE seen >= ? ORDER BY seen, rowid",
                (seen,),
            )
        while True:
            with self._lock:
                rows = cursor.fetchmany(FETCH_CHUNK)
            if not rows:
                return
            for row in rows:
                yield StoryMember(*row)

    def save_story(self, record: StoryRecord) -> None:
        """Create or replace a story's record."""
        with self._lock, self._write():
            self._db.execute(
                "INSERT INTO stories (id, title, languages, articles, first_seen, last_seen, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                "title = excluded.title, languages = excluded.languages, "
                "articles = excluded.articles, first_seen = excluded.first_seen, "
                "last_seen = excluded.last_seen, updated_at = excluded.updated_at",
                (
                    record.id,
                    _storable(record.title),
                    json.dumps(record.languages),
                    record.articles,
                    record.first_seen,
                    record.last_seen,
                    _now(),
                ),
            )

    def stories(self, *, limit: int | None = None) -> list[StoryRecord]:
        """Stories, most recently seen first (then most recently updated)."""
        sql = (
            "SELECT id, title, languages, articles, first_seen, last_seen FROM stories "
            "ORDER BY coalesce(last_seen, '') DESC, updated_at DESC"
        )
        values: tuple[Any, ...] = ()
        if limit is not None:
            sql += " LIMIT ?"
            values = (max(limit, 0),)
        with self._lock:
            rows = self._db.execute(sql, values).fetchall()
        return [_story_record(row) for row in rows]

    def get_story(self, id: str) -> StoryRecord | None:
        """The story with this exact id."""
        with self._lock:
            row = self._db.execute(
                "SELECT id, title, languages, articles, first_seen, last_seen FROM stories "
                "WHERE id = ?",
                (_storable(id),),
            ).fetchone()
        return None if row is None else _story_record(row)

    def save_derivation(self, derivation: Derivation) -> None:
        """Record that an article copies, rewrites or translates an earlier one."""
        with self._lock, self._write():
            self._db.execute(
                "INSERT INTO derives_from (article_id, source_id, kind, score) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (article_id, source_id) DO UPDATE SET "
                "kind = excluded.kind, score = excluded.score",
                (derivation.article_id, derivation.source_id, derivation.kind, derivation.score),
            )

    def derivations(self, article_ids: Iterable[str]) -> list[Derivation]:
        """The derives_from edges whose later article is one of `article_ids`."""
        ids = list(article_ids)
        found: list[Derivation] = []
        for start in range(0, len(ids), FETCH_CHUNK):
            chunk = ids[start : start + FETCH_CHUNK]
            with self._lock:
                rows = self._db.execute(
                    "SELECT article_id, source_id, kind, score FROM derives_from "
                    f"WHERE article_id IN ({', '.join('?' for _ in chunk)}) "
                    "ORDER BY article_id, source_id",
                    chunk,
                ).fetchall()
            found.extend(Derivation(*row) for row in rows)
        return found

    def save_provenance(self, story: str, edges: Iterable[ProvenanceEdge]) -> None:
        """Replace a story's provenance edges."""
        rows = [(story, i, e.source, e.target, e.kind) for i, e in enumerate(edges)]
        with self._lock, self._write():
            self._db.execute("DELETE FROM provenance WHERE story = ?", (story,))
            self._db.executemany(
                "INSERT INTO provenance (story, position, source, target, kind) "
                "VALUES (?, ?, ?, ?, ?)",
                rows,
            )

    def provenance(self, story: str) -> list[ProvenanceEdge]:
        """A story's provenance edges, in the order they were saved."""
        with self._lock:
            rows = self._db.execute(
                "SELECT source, target, kind FROM provenance WHERE story = ? ORDER BY position",
                (_storable(story),),
            ).fetchall()
        return [ProvenanceEdge(*row) for row in rows]

    def clear_stories(self) -> None:
        """Forget every story, membership, derivation and provenance edge (for a restory)."""
        with self._lock, self._write():
            for table in ("stories", "story_members", "derives_from", "provenance"):
                self._db.execute(f"DELETE FROM {table}")


def _story_record(row: tuple[Any, ...]) -> StoryRecord:
    """A `stories` row as a StoryRecord (languages stored as a JSON list)."""
    id, title, languages, articles, first_seen, last_seen = row
    languages = list(json.loads(languages or "[]"))
    return StoryRecord(id, title, languages, articles, first_seen, last_seen)


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on error: takes the write lock up front, so a
    writer waits its turn (busy timeout) instead of failing when upgrading a read lock."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if kind is None:
            self._db.execute("COMMIT")
        else:
            self._db.execute("ROLLBACK")
