"""The SQL store: everything SQLite and PostgreSQL do alike, written once over dialect hooks.

A backend (store/sqlite.py, store/postgres.py) opens the connection and supplies only what
truly differs: its placeholders, how a transaction takes the write lock, how a result is
streamed, how a migration script runs and what serialises migrations, how the Article's
JSON is kept, what text a column cannot hold, how a driver error reads, and full-text
search. The SQL here is written with `?` placeholders and the `INSERT … ON CONFLICT … DO
UPDATE SET col = excluded.col` upsert that both dialects share.

Every call takes the store's lock, so threads may share a store, and turns any driver error
into a one-line `StoreError` naming the database and what to do.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from abc import abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

from newstrace.errors import NotFoundError, StoreError
from newstrace.model import Article, Failure
from newstrace.store.base import (
    MAX_CANDIDATES,
    AddResult,
    BaseStore,
    Derivation,
    FailureRecord,
    FeedState,
    ProvenanceEdge,
    RawRecord,
    SeenItem,
    StoryMember,
    StoryRecord,
    Validators,
)
from newstrace.store.migrations import TYPES, Migration, migrations

# An id prefix shorter than this is too likely to be a word or a typo, not an id.
MIN_ID_PREFIX = 4
# Rows fetched at once while streaming (articles, the story window): bounds memory.
FETCH_CHUNK = 200
# Values in one `IN (…)` list, and rows in one multi-row INSERT (4 columns: 800 parameters):
# SQLite before 3.32 allows 999 parameters per statement.
IN_CHUNK = 500
INSERT_CHUNK = 200

# The Article's columns copied out of its JSON for lookups, listing and search.
ARTICLE_COLUMNS = (
    "source",
    "url",
    "outlet",
    "title",
    "byline",
    "published",
    "language",
    "text",
    "story",
)
_STORY_COLUMNS = "id, title, languages, articles, first_seen, last_seen"
_MEMBER_COLUMNS = "article_id, story, seen, score, features"

Row = tuple[Any, ...]


def now() -> str:
    """The current time as ISO 8601 in UTC, the form every stored time is given in."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _places(count: int) -> str:
    return ", ".join("?" * count)


def _upsert(table: str, keys: Sequence[str], columns: Sequence[str]) -> str:
    """INSERT a row, or on a key conflict replace its other columns (both dialects)."""
    every = [*keys, *columns]
    return (
        f"INSERT INTO {table} ({', '.join(every)}) VALUES ({_places(len(every))}) "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET "
        + ", ".join(f"{column} = excluded.{column}" for column in columns)
    )


class SQLStore(BaseStore):
    """Articles, failures, feeds, seen items and stories over one DB-API connection."""

    # -- what a backend sets ----------------------------------------------------------

    DIALECT: ClassVar[str]  # the key of its migrations and column types: sqlite, postgres
    DRIVER_ERROR: ClassVar[type[Exception]]  # the driver's base error class
    # The column giving a row's insertion order in `failures` and `story_members`.
    ROW_ORDER: ClassVar[str]
    # SQL computing the next `articles.seq`, or None when the database numbers rows itself.
    NEXT_SEQ: ClassVar[str | None]
    # The columns holding the Article's JSON, written by `_documents`, read by `_article`.
    DOCUMENT_COLUMNS: ClassVar[tuple[str, ...]]
    # SQL listing the tables of the database (to recognise one newstrace did not make).
    TABLES_SQL: ClassVar[str]
    # Characters a text column of the dialect cannot hold (replaced by U+FFFD in columns).
    UNSTORABLE: ClassVar[re.Pattern[str]]

    _db: Any  # the driver's connection, in autocommit mode
    _name: str  # the database as named in messages (never with a password)
    _lock: threading.RLock
    # How many transactions of this store are open (in the thread holding `_lock`): a
    # transaction opened inside another joins it.
    _depth: int = 0

    @abstractmethod
    def _sql(self, sql: str) -> str:
        """The statement in the driver's placeholder style (written here with `?`)."""

    @abstractmethod
    def _describe(self, error: Exception) -> str:
        """One line naming the database, what a driver error means, and what to do."""

    @abstractmethod
    def _begin(self) -> contextlib.AbstractContextManager[Any]:
        """A write transaction on the connection: commit on success, roll back on error."""

    @abstractmethod
    def _lock_writers(self) -> None:
        """Inside a transaction: wait for, then hold until it ends, the lock every writer of
        the database takes (SQLite's BEGIN IMMEDIATE already holds it)."""

    @abstractmethod
    def _stream_cursor(self) -> Any:
        """A cursor that fetches its result a chunk at a time and survives later writes."""

    @abstractmethod
    def _run_script(self, sql: str) -> None:
        """Run a migration script (several statements) inside the current transaction."""

    @abstractmethod
    def _migration_lock(self) -> contextlib.AbstractContextManager[None]:
        """Held while migrating, so that processes opening a new database wait for each other."""

    @abstractmethod
    def _documents(self, article: Article) -> tuple[Any, ...]:
        """The Article's JSON as values for `DOCUMENT_COLUMNS`."""

    @abstractmethod
    def _article(self, row: Row) -> Article:
        """An Article rebuilt from a row of `DOCUMENT_COLUMNS`."""

    def _stamp(self, value: Any) -> str:
        """A stored time as ISO 8601 (SQLite stores the text; a driver may give a datetime)."""
        if isinstance(value, datetime):
            return value.astimezone(UTC).isoformat(timespec="microseconds")
        return str(value)

    # -- the connection: lock, execute, fetch; every driver error a StoreError -----------

    @contextlib.contextmanager
    def _session(self) -> Iterator[Any]:
        """The connection under the store's lock; a driver error becomes a one-line StoreError."""
        with self._lock:
            try:
                yield self._db
            except self.DRIVER_ERROR as error:
                raise StoreError(self._describe(error)) from error

    def _one(self, sql: str, values: Sequence[Any] = ()) -> Row | None:
        with self._session() as db:
            row: Row | None = db.execute(self._sql(sql), values).fetchone()
        return row

    def _all(self, sql: str, values: Sequence[Any] = ()) -> list[Row]:
        with self._session() as db:
            rows: list[Row] = db.execute(self._sql(sql), values).fetchall()
        return rows

    def _run(self, sql: str, values: Sequence[Any] = ()) -> int:
        """Execute a write; how many rows it changed."""
        with self._session() as db:
            return int(db.execute(self._sql(sql), values).rowcount)

    def _run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._session() as db:
            db.cursor().executemany(self._sql(sql), rows)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """Hold the lock for a write transaction; every statement in it commits or none.

        Opened inside another of this store's transactions, it joins that one: its writes
        commit (or roll back) with the outer transaction's.
        """
        with self._session():
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            with self._begin():
                self._depth = 1
                try:
                    yield
                finally:
                    self._depth = 0

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction holding the database's write lock, for several calls at once.

        Every store call made inside joins it, so they all commit together or none does
        (a crash or an exception rolls back the lot), and writers of every process take
        their turn: what one read inside is still true when it commits.
        """
        with self._transaction():
            self._lock_writers()
            yield

    def _stream(self, sql: str, values: Sequence[Any] = ()) -> Iterator[Row]:
        """The rows of a query, fetched a chunk at a time; the store stays usable meanwhile."""
        with self._session():
            cursor = self._stream_cursor()
            cursor.execute(self._sql(sql), values)
        try:
            while True:
                with self._session():
                    rows: list[Row] = cursor.fetchmany(FETCH_CHUNK)
                if not rows:
                    return
                yield from rows
        finally:
            with self._lock, contextlib.suppress(self.DRIVER_ERROR):
                cursor.close()

    def _storable(self, value: str | None) -> str | None:
        """A copy the dialect's text can hold: unstorable characters become U+FFFD."""
        return None if value is None else self.UNSTORABLE.sub("\ufffd", value)

    def close(self) -> None:
        """Close the connection; the store cannot be used afterwards."""
        with self._lock, contextlib.suppress(self.DRIVER_ERROR):
            self._db.close()

    # -- migrations: one runner for both dialects ---------------------------------------

    def _applied(self) -> set[int]:
        """Versions already applied; refuses a database that belongs to another program."""
        tables = {row[0] for row in self._all(self.TABLES_SQL)}
        if "schema_migrations" not in tables:
            if tables:
                raise StoreError(
                    f"{self._name}: not a newstrace database (it holds other tables: "
                    f"{', '.join(sorted(tables)[:MAX_CANDIDATES])}); pass another --db"
                )
            return set()
        return {int(row[0]) for row in self._all("SELECT version FROM schema_migrations")}

    def _migrate(self) -> None:
        """Apply the migrations this database lacks, in order, one transaction each."""
        known = migrations(self.DIALECT)
        newest = known[-1].version if known else 0
        with self._migration_lock():
            applied = self._applied()
            if applied and max(applied) > newest:
                raise StoreError(
                    f"{self._name}: database schema version {max(applied)} is newer than "
                    f"this newstrace knows ({newest}); upgrade newstrace"
                )
            for migration in known:
                if migration.version not in applied:
                    self._apply(migration)

    def _apply(self, migration: Migration) -> None:
        """Run one migration and record it, atomically, unless another process just did."""
        stamp = TYPES[self.DIALECT]["timestamp"]
        with self._transaction():
            self._run(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                f"name TEXT NOT NULL, applied_at {stamp} NOT NULL)"
            )
            if self._one("SELECT 1 FROM schema_migrations WHERE version = ?", (migration.version,)):
                return
            with self._session():
                self._run_script(migration.sql)
            self._run(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, now()),
            )

    def schema_version(self) -> int:
        """The newest migration applied to this database."""
        row = self._one("SELECT max(version) FROM schema_migrations")
        return int(row[0] or 0) if row else 0

    # -- articles --------------------------------------------------------------------

    def _columns(self, article: Article) -> tuple[Any, ...]:
        """Values for `ARTICLE_COLUMNS` then `DOCUMENT_COLUMNS` (the JSON is the truth)."""
        values = (getattr(article, column) for column in ARTICLE_COLUMNS)
        return (*(self._storable(value) for value in values), *self._documents(article))

    def add(self, article: Article) -> AddResult:
        """Store an article unless its id is stored (then nothing changes); clear its failure."""
        columns = [*ARTICLE_COLUMNS, *self.DOCUMENT_COLUMNS, "ingested_at"]
        values: list[Any] = [self._storable(article.id), *self._columns(article), now()]
        places = _places(len(values))
        if self.NEXT_SEQ is not None:
            columns.append("seq")
            places += f", {self.NEXT_SEQ}"
        with self._transaction():
            inserted = self._run(
                f"INSERT INTO articles (id, {', '.join(columns)}) VALUES ({places}) "
                "ON CONFLICT (id) DO NOTHING",
                values,
            )
            self._run("DELETE FROM failures WHERE source = ?", (self._storable(article.source),))
        return "ingested" if inserted == 1 else "duplicate"

    def update(self, article: Article) -> None:
        """Replace what is stored for an existing id (summaries, stories); keeps ingest order."""
        columns = (*ARTICLE_COLUMNS, *self.DOCUMENT_COLUMNS)
        changed = self._run(
            f"UPDATE articles SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
            (*self._columns(article), self._storable(article.id)),
        )
        if changed != 1:
            raise NotFoundError(f"no stored article has id {article.id!r}; add it before updating")

    def get(self, id: str) -> Article | None:
        """The article with this exact id, rebuilt from its stored JSON."""
        row = self._one(
            f"SELECT {', '.join(self.DOCUMENT_COLUMNS)} FROM articles WHERE id = ?",
            (self._storable(id),),
        )
        return None if row is None else self._article(row)

    def resolve(self, ref: str) -> Article:
        """By exact id; unique id prefix; exact source or URL; or a source's file name."""
        ref = self._storable(ref.strip()) or ""
        found = self.get(ref)
        if found is not None:
            return found
        lookups: list[tuple[str, tuple[Any, ...]]] = []
        if len(ref) >= MIN_ID_PREFIX:
            lowered = ref.lower()
            # A range on the primary key (code point order): an index seek, no LIKE escapes.
            lookups.append(("id >= ? AND id < ?", (lowered, lowered + "\U0010ffff")))
        lookups.append(("source = ? OR url = ?", (ref, ref)))
        if ref:
            # A file name: the end of a path written with / or with Windows' \\. The start
            # is len - n (1-based) for the n + 1 last characters, in both dialects' substr.
            lookups.append(
                ("substr(source, length(source) - ?) IN (?, ?)", (len(ref), "/" + ref, "\\" + ref))
            )
        for where, values in lookups:
            rows = self._all(
                f"SELECT id, source FROM articles WHERE {where} ORDER BY seq LIMIT ?",
                (*values, MAX_CANDIDATES + 1),
            )
            article = self._only_match(ref, [(row[0], row[1]) for row in rows])
            if article is not None:
                return article
        raise NotFoundError(f"no article matches {ref!r}; try `newstrace list`")

    def articles(
        self,
        *,
        story: str | None = None,
        language: str | None = None,
        limit: int | None = None,
    ) -> Iterator[Article]:
        """Stored articles, newest published first (undated last), then latest ingested.

        Streamed a chunk at a time, so a large store does not fill memory; the caller may
        write to the store while iterating.
        """
        where: list[str] = []
        values: list[Any] = []
        if story is not None:
            where.append("story = ?")
            values.append(self._storable(story))
        if language is not None:
            where.append("language = ?")
            values.append(self._storable(language))
        sql = f"SELECT {', '.join(self.DOCUMENT_COLUMNS)} FROM articles"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY coalesce(published, '') = '', published DESC NULLS LAST, seq DESC"
        if limit is not None:
            sql += " LIMIT ?"
            values.append(max(limit, 0))
        for row in self._stream(sql, values):
            yield self._article(row)

    def count(self) -> int:
        """How many articles are stored."""
        row = self._one("SELECT count(*) FROM articles")
        return int(row[0]) if row else 0

    def sources(self) -> list[str]:
        """Every source an article was ingested from, in ingest order."""
        return [row[0] for row in self._all("SELECT source FROM articles ORDER BY seq")]

    def has_source(self, source: str) -> bool:
        """Whether an article from this source is stored (lets a re-run skip reading it)."""
        found = self._one(
            "SELECT 1 FROM articles WHERE source = ? LIMIT 1", (self._storable(source),)
        )
        return found is not None

    def articles_without_story(self) -> list[str]:
        """Ids of stored articles in no story yet (an ingest cut short), in ingest order."""
        rows = self._all("SELECT id FROM articles WHERE story IS NULL ORDER BY seq")
        return [row[0] for row in rows]

    # -- raw documents ------------------------------------------------------------------

    def known_documents(self, hashes: Iterable[str]) -> dict[str, RawRecord]:
        """The records of those of `hashes` read before, with their article's title and language."""
        asked = list(dict.fromkeys(hashes))
        found: dict[str, RawRecord] = {}
        for start in range(0, len(asked), IN_CHUNK):
            chunk = asked[start : start + IN_CHUNK]
            rows = self._all(
                "SELECT r.hash, r.source, r.article_id, r.reason, r.decided_by, a.title, "
                "a.language, a.id FROM raw_documents AS r "
                "LEFT JOIN articles AS a ON a.id = r.article_id "
                f"WHERE r.hash IN ({_places(len(chunk))})",
                chunk,
            )
            for *fields, stored in rows:
                record = RawRecord(*fields)
                # An article no longer stored is read again.
                if record.article_id is None or stored is not None:
                    found[record.hash] = record
        return found

    def record_document(
        self,
        hash: str,
        source: str,
        article_id: str | None,
        reason: str | None = None,
        decided_by: str | None = None,
    ) -> None:
        """Note what a raw document gave; a later record replaces the outcome, keeps the source."""
        self._run(
            "INSERT INTO raw_documents (hash, article_id, source, reason, decided_by, first_seen) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO UPDATE SET "
            "article_id = excluded.article_id, reason = excluded.reason, "
            "decided_by = excluded.decided_by",
            (
                hash,
                self._storable(article_id),
                self._storable(source),
                self._storable(reason),
                decided_by,
                now(),
            ),
        )

    # -- failures --------------------------------------------------------------------

    def record_failure(self, failure: Failure) -> None:
        """Keep the source and its latest reason; count the attempts."""
        moment = now()
        self._run(
            "INSERT INTO failures (source, reason, attempts, first_attempt, last_attempt) "
            "VALUES (?, ?, 1, ?, ?) ON CONFLICT (source) DO UPDATE SET "
            "reason = excluded.reason, attempts = failures.attempts + 1, "
            "last_attempt = excluded.last_attempt",
            (self._storable(failure.source), self._storable(failure.reason), moment, moment),
        )

    def failures(self) -> list[FailureRecord]:
        """Sources still failing (not cleared by a later ingest), oldest first."""
        rows = self._all(
            "SELECT source, reason, attempts, last_attempt FROM failures "
            f"ORDER BY first_attempt, {self.ROW_ORDER}"
        )
        return [FailureRecord(s, r, a, self._stamp(t)) for s, r, a, t in rows]

    # -- what `watch` remembers: feed validators and the items seen --------------------

    def feed_state(self, url: str) -> FeedState | None:
        """What the feed at `url` answered when last polled, or None if never polled."""
        row = self._one(
            "SELECT url, etag, last_modified, last_polled, last_status FROM feeds WHERE url = ?",
            (self._storable(url),),
        )
        if row is None:
            return None
        url, etag, last_modified, polled, status = row
        return FeedState(url, etag, last_modified, self._stamp(polled), status)

    def record_feed_check(
        self, url: str, status: str, validators: Validators | None = None
    ) -> None:
        """Note a poll and how it went; a changed feed's validators replace the stored ones.

        One statement: concurrent watchers of the same feed are serialised on its row.
        """
        columns = ["last_polled", "last_status"]
        values = [self._storable(url), now(), self._storable(status)]
        if validators is not None:
            columns += ["etag", "last_modified"]
            values += [self._storable(validators[0]), self._storable(validators[1])]
        self._run(_upsert("feeds", ["url"], columns), values)

    def seen_links(self, links: Iterable[str]) -> set[str]:
        """Those of `links` already handled by a watch round (of any process)."""
        wanted = {self._storable(link) or "": link for link in links}
        asked = list(wanted)
        found: set[str] = set()
        for start in range(0, len(asked), IN_CHUNK):
            chunk = asked[start : start + IN_CHUNK]
            rows = self._all(
                f"SELECT link FROM seen_items WHERE link IN ({_places(len(chunk))})", chunk
            )
            found.update(wanted[row[0]] for row in rows)
        return found

    def record_seen(self, items: Iterable[SeenItem]) -> int:
        """Mark items as handled; one already seen keeps its first record. How many were new.

        One transaction for the lot, so a batch is recorded whole or not at all; rows go in
        link order, so that concurrent batches lock shared links in the same order.
        """
        moment = now()
        rows = [
            (
                self._storable(i.link) or "",
                self._storable(i.feed),
                i.first_seen or moment,
                self._storable(i.outcome),
            )
            for i in items
        ]
        rows.sort(key=lambda row: row[0])
        if not rows:
            return 0
        added = 0
        with self._transaction():
            for start in range(0, len(rows), INSERT_CHUNK):
                chunk = rows[start : start + INSERT_CHUNK]
                added += self._run(
                    "INSERT INTO seen_items (link, feed, first_seen, outcome) VALUES "
                    + ", ".join("(?, ?, ?, ?)" for _ in chunk)
                    + " ON CONFLICT (link) DO NOTHING",
                    [value for row in chunk for value in row],
                )
        return max(added, 0)

    # -- stories: membership, records, derives_from and provenance ----------------------

    def save_story_member(self, member: StoryMember) -> None:
        """Record (or replace) which story an article is in, with its story features."""
        self._run(
            _upsert("story_members", ["article_id"], ["story", "seen", "score", "features"]),
            (
                self._storable(member.article_id),
                self._storable(member.story),
                member.seen,
                member.score,
                self._storable(member.features),
            ),
        )

    def story_members_since(self, seen: float) -> Iterator[StoryMember]:
        """Members seen at or after `seen`, oldest first, then in the order they joined
        (the order the story index took them in, so a rebuilt index is the same); streamed."""
        for row in self._stream(
            f"SELECT {_MEMBER_COLUMNS} FROM story_members WHERE seen >= ? "
            f"ORDER BY seen, {self.ROW_ORDER}",
            (seen,),
        ):
            yield StoryMember(*row)

    def save_story(self, record: StoryRecord) -> None:
        """Create or replace a story's record; an id that redirected names this story now."""
        columns = ["title", "languages", "articles", "first_seen", "last_seen", "updated_at"]
        id = self._storable(record.id)
        with self._transaction():
            self._run("DELETE FROM story_redirects WHERE from_id = ?", (id,))
            self._run(
                _upsert("stories", ["id"], columns),
                (
                    id,
                    self._storable(record.title),
                    json.dumps(record.languages),
                    record.articles,
                    record.first_seen,
                    record.last_seen,
                    now(),
                ),
            )

    def stories(self, *, limit: int | None = None) -> list[StoryRecord]:
        """Stories, most recently seen first (then most recently updated)."""
        sql = (
            f"SELECT {_STORY_COLUMNS} FROM stories "
            "ORDER BY coalesce(last_seen, '') DESC, updated_at DESC"
        )
        values: tuple[Any, ...] = ()
        if limit is not None:
            sql += " LIMIT ?"
            values = (max(limit, 0),)
        return [_story_record(row) for row in self._all(sql, values)]

    def get_story(self, id: str) -> StoryRecord | None:
        """The story with this id, or the one a merged story's id redirects to."""
        id = self._storable(id) or ""
        row = self._one(f"SELECT {_STORY_COLUMNS} FROM stories WHERE id = ?", (id,))
        if row is None:
            row = self._one(
                f"SELECT {_STORY_COLUMNS} FROM stories WHERE id = "
                "(SELECT to_id FROM story_redirects WHERE from_id = ?)",
                (id,),
            )
        return None if row is None else _story_record(row)

    def merge_story(self, absorbed: str, survivor: str) -> None:
        """Record that story `absorbed` became `survivor`, in one transaction: its members
        move, its record and provenance go, its id (and every id redirecting to it) now
        redirects to `survivor`. The caller moves the articles (their JSON names the story)."""
        gone, kept = self._storable(absorbed) or "", self._storable(survivor) or ""
        if gone == kept:
            return
        with self._transaction():
            self._run("UPDATE story_members SET story = ? WHERE story = ?", (kept, gone))
            self._run("UPDATE story_redirects SET to_id = ? WHERE to_id = ?", (kept, gone))
            self._run("DELETE FROM story_redirects WHERE from_id = ?", (kept,))
            self._run(
                _upsert("story_redirects", ["from_id"], ["to_id", "created_at"]),
                (gone, kept, now()),
            )
            self._run("DELETE FROM stories WHERE id = ?", (gone,))
            self._run("DELETE FROM provenance WHERE story = ?", (gone,))

    def newest_member_seen(self) -> float | None:
        """The latest `seen` of any story member (None: no dated member)."""
        row = self._one("SELECT max(seen) FROM story_members")
        return None if row is None or row[0] is None else float(row[0])

    def story_redirects_after(self, order: int) -> Iterator[tuple[int, str, str]]:
        """(order, from id, to id) of the redirects added after `order`, oldest first."""
        for row in self._stream(
            f"SELECT {self.ROW_ORDER}, from_id, to_id FROM story_redirects "
            f"WHERE {self.ROW_ORDER} > ? ORDER BY {self.ROW_ORDER}",
            (order,),
        ):
            yield int(row[0]), str(row[1]), str(row[2])

    def save_derivation(self, derivation: Derivation) -> None:
        """Record that an article copies, rewrites or translates an earlier one."""
        self._run(
            _upsert("derives_from", ["article_id", "source_id"], ["kind", "score"]),
            (
                self._storable(derivation.article_id),
                self._storable(derivation.source_id),
                derivation.kind,
                derivation.score,
            ),
        )

    def derivations(self, article_ids: Iterable[str]) -> list[Derivation]:
        """The derives_from edges whose later article is one of `article_ids`."""
        ids = [self._storable(i) for i in article_ids]
        found: list[Derivation] = []
        for start in range(0, len(ids), IN_CHUNK):
            chunk = ids[start : start + IN_CHUNK]
            rows = self._all(
                "SELECT article_id, source_id, kind, score FROM derives_from "
                f"WHERE article_id IN ({_places(len(chunk))})",
                chunk,
            )
            found.extend(Derivation(*row) for row in rows)
        return sorted(found, key=lambda d: (d.article_id, d.source_id))

    def save_provenance(self, story: str, edges: Iterable[ProvenanceEdge]) -> None:
        """Replace a story's provenance edges, in one transaction."""
        story = self._storable(story) or ""
        rows = [
            (story, i, self._storable(e.source), self._storable(e.target), e.kind)
            for i, e in enumerate(edges)
        ]
        with self._transaction():
            self._run("DELETE FROM provenance WHERE story = ?", (story,))
            if rows:
                self._run_many(
                    "INSERT INTO provenance (story, position, source, target, kind) "
                    "VALUES (?, ?, ?, ?, ?)",
                    rows,
                )

    def provenance(self, story: str) -> list[ProvenanceEdge]:
        """A story's provenance edges, in the order they were saved."""
        rows = self._all(
            "SELECT source, target, kind FROM provenance WHERE story = ? ORDER BY position",
            (self._storable(story),),
        )
        return [ProvenanceEdge(*row) for row in rows]

    def clear_stories(self) -> None:
        """Forget every story, membership, redirect, derivation and provenance edge (for a
        restory)."""
        with self._transaction():
            for table in (
                "stories",
                "story_members",
                "story_redirects",
                "derives_from",
                "provenance",
            ):
                self._run(f"DELETE FROM {table}")
            self.stories_changed()

    def stories_changed(self) -> None:
        """Note that stories changed other than by members joining (a restory, a correction):
        every process holding a story index reloads it from the store."""
        self._run(
            "INSERT INTO store_counters (name, value) VALUES ('stories_cleared', 1) "
            "ON CONFLICT (name) DO UPDATE SET value = store_counters.value + 1"
        )

    def story_marks(self) -> tuple[int, int, int]:
        """(times every story was forgotten or rewritten, join order of the last member saved,
        order of the last redirect added)."""
        row = self._one(
            "SELECT (SELECT value FROM store_counters WHERE name = 'stories_cleared'), "
            f"(SELECT max({self.ROW_ORDER}) FROM story_members), "
            f"(SELECT max({self.ROW_ORDER}) FROM story_redirects)"
        )
        return (int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)) if row else (0, 0, 0)

    def story_members_after(self, order: int) -> Iterator[tuple[int, StoryMember]]:
        """Members saved after join order `order`, in join order; streamed."""
        for row in self._stream(
            f"SELECT {self.ROW_ORDER}, {_MEMBER_COLUMNS} FROM story_members "
            f"WHERE {self.ROW_ORDER} > ? ORDER BY {self.ROW_ORDER}",
            (order,),
        ):
            yield int(row[0]), StoryMember(*row[1:])


def _story_record(row: Row) -> StoryRecord:
    """A `stories` row as a StoryRecord (languages stored as a JSON list)."""
    id, title, languages, articles, first_seen, last_seen = row
    return StoryRecord(
        id, title, list(json.loads(languages or "[]")), articles, first_seen, last_seen
    )
