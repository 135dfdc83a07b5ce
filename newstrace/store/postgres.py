"""The PostgreSQL store: a shared database for several processes and machines.

Same semantics as the SQLite store, with PostgreSQL's own means: the Article as `jsonb`,
full-text search through a generated `tsvector` column (the `simple` configuration plus
`unaccent`), a GIN index, `ts_rank_cd` ranking and `ts_headline` snippets. Migrations are
numbered (`pg_migrations/`), recorded in `schema_migrations`, and applied under an advisory
lock, so processes opening a new database at once are safe. A store owns one connection in
autocommit mode; every call takes the store's lock, so threads may share it.

User text is only ever passed as a query parameter; the URL's password never appears in an
error message.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import re
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict

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
from newstrace.store.migrations import Migration
from newstrace.store.pg_migrations import migrations

# 10 s: a reachable server answers in milliseconds; longer means a firewall dropping packets,
# and a command line should say so rather than hang. A URL's own connect_timeout wins.
CONNECT_TIMEOUT_SECONDS = 10
# The advisory lock key that serialises migrations ("newstrace" in the first bytes, so that
# it is unlikely to collide with another program's key in the same database).
MIGRATION_LOCK = 0x6E65_7773_7472_6163
# Same meaning and values as in the SQLite store (store/sqlite.py).
MIN_ID_PREFIX = 4
FETCH_CHUNK = 200
# ts_headline: about as much context as the SQLite store's 16-token snippet, one fragment.
HEADLINE_OPTIONS = (
    'StartSel="[", StopSel="]", MaxWords=16, MinWords=8, MaxFragments=1, FragmentDelimiter=" … "'
)
SEARCH_CONFIG = "newstrace_search"

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
)
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_cursor_names = itertools.count(1)


def _storable(value: str | None) -> str | None:
    """A copy PostgreSQL text can hold: NUL and lone surrogates become U+FFFD."""
    if value is None:
        return None
    return _UNSTORABLE.sub("\ufffd", value)


def _storable_tree(value: Any) -> tuple[Any, bool]:
    """A JSON tree jsonb accepts (strings storable, NaN and infinities null); changed or not."""
    if isinstance(value, str):
        clean = _storable(value)
        return clean, clean != value
    if isinstance(value, float) and not math.isfinite(value):
        return None, True
    if isinstance(value, list):
        pairs = [_storable_tree(item) for item in value]
        return [item for item, _ in pairs], any(changed for _, changed in pairs)
    if isinstance(value, dict):
        changed = False
        tree: dict[str, Any] = {}
        for key, item in value.items():
            clean_key, key_changed = _storable_tree(key)
            tree[clean_key], item_changed = _storable_tree(item)
            changed = changed or key_changed or item_changed
        return tree, changed
    return value, False


def _documents(article: Article) -> tuple[str, str | None]:
    """The article as jsonb text, and its exact JSON when jsonb cannot hold it unchanged."""
    tree = article.to_dict()
    try:
        document = json.dumps(tree, ensure_ascii=False, allow_nan=False)
    except ValueError:  # NaN or infinity in a number
        document = ""
    if document and "\\u0000" not in document and not _UNSTORABLE.search(document):
        return document, None
    storable, _ = _storable_tree(tree)
    return json.dumps(storable, ensure_ascii=False), json.dumps(tree, ensure_ascii=True)


def _columns(article: Article) -> tuple[Any, ...]:
    """Values in `_ARTICLE_COLUMNS` order, then the jsonb document and the exact JSON."""
    values = (
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
    return (*(_storable(value) for value in values), *_documents(article))


def _article(document: Any, exact: str | None) -> Article:
    """Rebuild an article from its stored jsonb (already decoded) or its exact JSON."""
    return Article.from_dict(json.loads(exact) if exact is not None else document)


def ts_query(query: str) -> str:
    """A user's words as a safe `to_tsquery` string: each word quoted, all required.

    Quoting makes `&`, `|`, `!`, `<->`, parentheses, colons and quotes plain text, so no input
    is a syntax error; a word ending in `*` is a prefix (`:*`). The same words are kept as
    the SQLite store keeps, so both backends find the same articles.
    """
    terms: list[str] = []
    for word in (_storable(query) or "").split():
        prefix = word.endswith("*")
        body = word.rstrip("*")
        if not re.search(r"\w", body):
            continue
        quoted = "'" + body.replace("\\", "\\\\").replace("'", "''") + "'"
        terms.append(quoted + ":*" if prefix else quoted)
    return " & ".join(terms)


def redact(url: str) -> str:
    """The URL without its password, to name the database in messages."""
    url = re.sub(r"(://[^/@:]*):[^@/]*@", r"\1@", url)
    return re.sub(r"(password=)[^&\s]*", r"\1***", url)


def _one_line(message: str, secret: str | None) -> str:
    """An error text on one line, with the password (if any) blotted out."""
    if secret:
        message = message.replace(secret, "***")
    return " ".join(redact(message).split())


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class PostgresStore(BaseStore):
    """Articles, failures and search in a PostgreSQL database given by a postgresql:// URL."""

    def __init__(self, url: str) -> None:
        self.url = redact(url)
        self._lock = threading.RLock()
        try:
            params = conninfo_to_dict(url)
        except psycopg.Error as error:
            raise StoreError(
                f"{self.url}: not a valid PostgreSQL URL ({_one_line(str(error), None)}); "
                "write it as postgresql://user:password@host:port/database"
            ) from None
        secret = params.get("password")
        self._secret = str(secret) if secret else None
        self._name = self.url
        options: dict[str, Any] = {"autocommit": True, "application_name": "newstrace"}
        if "connect_timeout" not in params:
            options["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
        try:
            self._db = psycopg.connect(url, **options)
        except psycopg.Error as error:
            raise StoreError(
                f"{self._name}: cannot connect ({self._detail(error)}); check that the "
                "server runs, the URL and its database exist, or pass another --db"
            ) from None
        try:
            self._migrate()
        except psycopg.Error as error:
            self._db.close()
            raise StoreError(
                f"{self._name}: cannot prepare the database ({self._detail(error)}); "
                "check the user's rights on it, or pass another --db"
            ) from None
        except StoreError:
            self._db.close()
            raise

    def _detail(self, error: psycopg.Error) -> str:
        return _one_line(str(error), self._secret) or type(error).__name__

    @contextlib.contextmanager
    def _session(self) -> Iterator[psycopg.Connection[Any]]:
        """The connection, under the store's lock; a database error becomes a StoreError."""
        with self._lock:
            try:
                yield self._db
            except psycopg.Error as error:
                raise StoreError(f"{self._name}: {self._detail(error)}") from None

    # -- opening ---------------------------------------------------------------------

    def _applied(self) -> set[int]:
        """Versions already applied; refuses a database that belongs to another program."""
        tables = {
            row[0]
            for row in self._db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            )
        }
        if "schema_migrations" not in tables:
            if tables:
                raise StoreError(
                    f"{self._name}: not a newstrace database (it holds other tables: "
                    f"{', '.join(sorted(tables)[:MAX_CANDIDATES])}); pass another --db"
                )
            return set()
        return {int(row[0]) for row in self._db.execute("SELECT version FROM schema_migrations")}

    def _migrate(self) -> None:
        """Apply the migrations this database lacks, in order, one transaction each, while
        holding an advisory lock so that concurrent openers wait instead of colliding."""
        known = migrations()
        newest = known[-1].version if known else 0
        self._db.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        try:
            applied = self._applied()
            if applied and max(applied) > newest:
                raise StoreError(
                    f"{self._name}: database schema version {max(applied)} is newer than "
                    f"this newstrace knows ({newest}); upgrade newstrace"
                )
            for migration in known:
                if migration.version not in applied:
                    self._apply(migration)
        finally:
            self._db.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))

    def _apply(self, migration: Migration) -> None:
        """Run one migration and record it, atomically (PostgreSQL DDL is transactional)."""
        with self._db.transaction():
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                "name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            )
            self._db.execute(migration.sql.encode("utf-8"))
            self._db.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                (migration.version, migration.name),
            )

    def schema_version(self) -> int:
        """The newest migration applied to this database."""
        with self._session() as db:
            row = db.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0) if row else 0

    # -- articles --------------------------------------------------------------------

    def add(self, article: Article) -> AddResult:
        """Store an article unless its id is stored (then nothing changes); clear its failure.

        One statement: concurrent writers of the same id wait for each other, and one wins.
        """
        columns = ", ".join(_ARTICLE_COLUMNS)
        places = ", ".join("%s" for _ in _ARTICLE_COLUMNS)
        with self._session() as db:
            row = db.execute(
                f"WITH inserted AS (INSERT INTO articles (id, {columns}, document, exact) "
                f"VALUES (%s, {places}, %s::jsonb, %s) ON CONFLICT (id) DO NOTHING RETURNING 1), "
                "cleared AS (DELETE FROM failures WHERE source = %s) "
                "SELECT count(*) FROM inserted",
                (_storable(article.id), *_columns(article), _storable(article.source)),
            ).fetchone()
        return "ingested" if row is not None and row[0] == 1 else "duplicate"

    def update(self, article: Article) -> None:
        """Replace what is stored for an existing id (summaries, stories); keeps ingest order."""
        assignments = ", ".join(f"{c} = %s" for c in _ARTICLE_COLUMNS)
        with self._session() as db:
            changed = db.execute(
                f"UPDATE articles SET {assignments}, document = %s::jsonb, exact = %s "
                "WHERE id = %s",
                (*_columns(article), _storable(article.id)),
            ).rowcount
        if changed != 1:
            raise StoreError(f"no stored article has id {article.id!r}; add it before updating")

    def get(self, id: str) -> Article | None:
        """The article with this exact id, rebuilt from its stored JSON."""
        with self._session() as db:
            row = db.execute(
                "SELECT document, exact FROM articles WHERE id = %s", (_storable(id),)
            ).fetchone()
        return None if row is None else _article(row[0], row[1])

    def resolve(self, ref: str) -> Article:
        """By exact id; unique id prefix; exact source or URL; or a source's file name."""
        ref = _storable(ref.strip()) or ""
        found = self.get(ref)
        if found is not None:
            return found
        lookups: list[tuple[str, tuple[Any, ...]]] = []
        if len(ref) >= MIN_ID_PREFIX:
            lowered = ref.lower()
            # A range on the primary key (code point order): an index seek, no LIKE escapes.
            lookups.append(("id >= %s AND id < %s", (lowered, lowered + "\U0010ffff")))
        lookups.append(("source = %s OR url = %s", (ref, ref)))
        if ref:
            # A file name: the end of a path written with / or with Windows' \\.
            lookups.append(("right(source, %s) IN (%s, %s)", (len(ref) + 1, "/" + ref, "\\" + ref)))
        for where, values in lookups:
            with self._session() as db:
                rows = db.execute(
                    f"SELECT id, source FROM articles WHERE {where} ORDER BY seq LIMIT %s",
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
        """Stored articles, newest published first (undated last), then latest ingested.

        Read through a server-side cursor, a chunk at a time, so a large store does not fill
        memory; the caller may write to the store while iterating.
        """
        where: list[str] = []
        values: list[Any] = []
        if story is not None:
            where.append("story = %s")
            values.append(_storable(story))
        if language is not None:
            where.append("language = %s")
            values.append(_storable(language))
        sql = "SELECT document, exact FROM articles"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY coalesce(published, '') = '', published DESC NULLS LAST, seq DESC"
        if limit is not None:
            sql += " LIMIT %s"
            values.append(max(limit, 0))
        # WITH HOLD: the cursor outlives the autocommit transaction that declared it.
        name = f"newstrace_articles_{next(_cursor_names)}"
        with self._session() as db:
            cursor = db.cursor(name, withhold=True)
            cursor.execute(sql, values)
        try:
            while True:
                with self._session():
                    rows = cursor.fetchmany(FETCH_CHUNK)
                if not rows:
                    return
                for document, exact in rows:
                    yield _article(document, exact)
        finally:
            with self._lock, contextlib.suppress(psycopg.Error):
                cursor.close()

    def count(self) -> int:
        """How many articles are stored."""
        with self._session() as db:
            row = db.execute("SELECT count(*) FROM articles").fetchone()
        return int(row[0]) if row else 0

    def sources(self) -> list[str]:
        """Every source an article was ingested from, in ingest order."""
        with self._session() as db:
            rows = db.execute("SELECT source FROM articles ORDER BY seq").fetchall()
        return [row[0] for row in rows]

    def has_source(self, source: str) -> bool:
        """Whether an article from this source is stored (lets a re-run skip reading it)."""
        with self._session() as db:
            row = db.execute(
                "SELECT 1 FROM articles WHERE source = %s LIMIT 1", (_storable(source),)
            ).fetchone()
        return row is not None

    # -- failures --------------------------------------------------------------------

    def record_failure(self, failure: Failure) -> None:
        """Keep the source and its latest reason; count the attempts."""
        with self._session() as db:
            db.execute(
                "INSERT INTO failures (source, reason, first_attempt, last_attempt) "
                "VALUES (%s, %s, clock_timestamp(), clock_timestamp()) "
                "ON CONFLICT (source) DO UPDATE SET reason = excluded.reason, "
                "attempts = failures.attempts + 1, last_attempt = excluded.last_attempt",
                (_storable(failure.source), _storable(failure.reason)),
            )

    def failures(self) -> list[FailureRecord]:
        """Sources still failing (not cleared by a later ingest), oldest first."""
        with self._session() as db:
            rows = db.execute(
                "SELECT source, reason, attempts, last_attempt FROM failures "
                "ORDER BY first_attempt, seq"
            ).fetchall()
        return [
            FailureRecord(source=s, reason=r, attempts=a, last_attempt=_iso(t))
            for s, r, a, t in rows
        ]

    # -- search ----------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """Articles holding every word of the query (accents ignored), best ts_rank_cd first.

        The snippet is made for the returned rows only, since ts_headline re-parses the text.
        """
        match = ts_query(query)
        if not match or limit <= 0:
            return []
        with self._session() as db:
            rows = db.execute(
                f"SELECT hit.id, hit.title, ts_headline('{SEARCH_CONFIG}', "
                "concat_ws(' ', hit.title, hit.text), hit.query, %s) "
                "FROM (SELECT a.id, a.title, a.text, a.seq, q.query, "
                "ts_rank_cd(a.search, q.query) AS rank "
                f"FROM articles AS a, to_tsquery('{SEARCH_CONFIG}', %s) AS q (query) "
                "WHERE a.search @@ q.query ORDER BY rank DESC, a.seq LIMIT %s) AS hit "
                "ORDER BY hit.rank DESC, hit.seq",
                (HEADLINE_OPTIONS, match, limit),
            ).fetchall()
        return [SearchHit(id=id, title=title, snippet=snippet) for id, title, snippet in rows]

    def close(self) -> None:
        """Close the connection; the store cannot be used afterwards."""
        with self._lock:
            self._db.close()

    # -- what `watch` remembers: feed validators and the items seen --------------------

    def feed_state(self, url: str) -> FeedState | None:
        """What the feed at `url` answered when last polled, or None if never polled."""
        with self._session() as db:
            row = db.execute(
                "SELECT url, etag, last_modified, last_polled, last_status FROM feeds "
                "WHERE url = %s",
                (_storable(url),),
            ).fetchone()
        if row is None:
            return None
        url, etag, last_modified, polled, status = row
        return FeedState(url, etag, last_modified, _iso(polled), status)

    def record_feed_check(
        self, url: str, status: str, validators: Validators | None = None
    ) -> None:
        """Note a poll and how it went; a changed feed's validators replace the stored ones.

        One statement: concurrent watchers of the same feed are serialised on its row.
        """
        etag, last_modified = validators or (None, None)
        replace = ", etag = excluded.etag, last_modified = excluded.last_modified"
        with self._session() as db:
            db.execute(
                "INSERT INTO feeds (url, etag, last_modified, last_polled, last_status) "
                "VALUES (%s, %s, %s, clock_timestamp(), %s) ON CONFLICT (url) DO UPDATE SET "
                f"last_polled = excluded.last_polled, last_status = excluded.last_status"
                f"{replace if validators is not None else ''}",
                (_storable(url), _storable(etag), _storable(last_modified), _storable(status)),
            )

    def seen_links(self, links: Iterable[str]) -> set[str]:
        """Those of `links` already handled by a watch round (of any process)."""
        wanted = {_storable(link) or "": link for link in links}
        if not wanted:
            return set()
        with self._session() as db:
            rows = db.execute(
                "SELECT link FROM seen_items WHERE link = ANY(%s)", (list(wanted),)
            ).fetchall()
        return {wanted[row[0]] for row in rows}

    def record_seen(self, items: Iterable[SeenItem]) -> int:
        """Mark items as handled; one already seen keeps its first record. How many were new.

        One statement for the lot, so a batch is recorded whole or not at all.
        """
        rows = [
            (_storable(i.link), _storable(i.feed), i.first_seen, _storable(i.outcome))
            for i in items
        ]
        if not rows:
            return 0
        links, feeds, firsts, outcomes = (list(column) for column in zip(*rows, strict=True))
        with self._session() as db:
            added = db.execute(
                "INSERT INTO seen_items (link, feed, first_seen, outcome) "
                "SELECT link, feed, coalesce(first_seen, clock_timestamp()), outcome "
                "FROM unnest(%s::text[], %s::text[], %s::timestamptz[], %s::text[]) "
                "AS given (link, feed, first_seen, outcome) "
                "ON CONFLICT (link) DO NOTHING",
                (links, feeds, firsts, outcomes),
            ).rowcount
        return max(added, 0)

    # -- stories: membership, records, derives_from and provenance ----------------------

    def save_story_member(self, member: StoryMember) -> None:
        """Record (or replace) which story an article is in, with its story features."""
        with self._session() as db:
            db.execute(
                "INSERT INTO story_members (article_id, story, seen, score, features) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (article_id) DO UPDATE SET "
                "story = excluded.story, seen = excluded.seen, score = excluded.score, "
                "features = excluded.features",
                (
                    _storable(member.article_id),
                    _storable(member.story),
                    member.seen,
                    member.score,
                    _storable(member.features),
                ),
            )

    def story_members_since(self, seen: float) -> Iterator[StoryMember]:
        """Members seen at or after `seen`, oldest first (the window: bounded by its length)."""
        with self._session() as db:
            rows = db.execute(
                "SELECT article_id, story, seen, score, features FROM story_members "
                "WHERE seen >= %s ORDER BY seen, article_id",
                (seen,),
            ).fetchall()
        for row in rows:
            yield StoryMember(*row)

    def save_story(self, record: StoryRecord) -> None:
        """Create or replace a story's record."""
        with self._session() as db:
            db.execute(
                "INSERT INTO stories (id, title, languages, articles, first_seen, last_seen, "
                "updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE "
                "SET title = excluded.title, languages = excluded.languages, "
                "articles = excluded.articles, first_seen = excluded.first_seen, "
                "last_seen = excluded.last_seen, updated_at = excluded.updated_at",
                (
                    _storable(record.id),
                    _storable(record.title),
                    json.dumps(record.languages),
                    record.articles,
                    record.first_seen,
                    record.last_seen,
                    _iso(datetime.now(UTC)),
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
            sql += " LIMIT %s"
            values = (max(limit, 0),)
        with self._session() as db:
            rows = db.execute(sql, values).fetchall()
        return [_story_record(row) for row in rows]

    def get_story(self, id: str) -> StoryRecord | None:
        """The story with this exact id."""
        with self._session() as db:
            row = db.execute(
                "SELECT id, title, languages, articles, first_seen, last_seen FROM stories "
                "WHERE id = %s",
                (_storable(id),),
            ).fetchone()
        return None if row is None else _story_record(row)

    def save_derivation(self, derivation: Derivation) -> None:
        """Record that an article copies, rewrites or translates an earlier one."""
        with self._session() as db:
            db.execute(
                "INSERT INTO derives_from (article_id, source_id, kind, score) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (article_id, source_id) DO UPDATE SET "
                "kind = excluded.kind, score = excluded.score",
                (derivation.article_id, derivation.source_id, derivation.kind, derivation.score),
            )

    def derivations(self, article_ids: Iterable[str]) -> list[Derivation]:
        """The derives_from edges whose later article is one of `article_ids`."""
        ids = [_storable(i) for i in article_ids]
        if not ids:
            return []
        with self._session() as db:
            rows = db.execute(
                "SELECT article_id, source_id, kind, score FROM derives_from "
                "WHERE article_id = ANY(%s) ORDER BY article_id, source_id",
                (ids,),
            ).fetchall()
        return [Derivation(*row) for row in rows]

    def save_provenance(self, story: str, edges: Iterable[ProvenanceEdge]) -> None:
        """Replace a story's provenance edges, in one transaction."""
        rows = [(story, i, e.source, e.target, e.kind) for i, e in enumerate(edges)]
        with self._session() as db, db.transaction():
            db.execute("DELETE FROM provenance WHERE story = %s", (_storable(story),))
            with db.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO provenance (story, position, source, target, kind) "
                    "VALUES (%s, %s, %s, %s, %s)",
                    rows,
                )

    def provenance(self, story: str) -> list[ProvenanceEdge]:
        """A story's provenance edges, in the order they were saved."""
        with self._session() as db:
            rows = db.execute(
                "SELECT source, target, kind FROM provenance WHERE story = %s ORDER BY position",
                (_storable(story),),
            ).fetchall()
        return [ProvenanceEdge(*row) for row in rows]

    def clear_stories(self) -> None:
        """Forget every story, membership, derivation and provenance edge (for a restory)."""
        with self._session() as db:
            db.execute("TRUNCATE stories, story_members, derives_from, provenance")


def _story_record(row: tuple[Any, ...]) -> StoryRecord:
    """A `stories` row as a StoryRecord (languages stored as a JSON list)."""
    id, title, languages, articles, first_seen, last_seen = row
    languages = list(json.loads(languages or "[]"))
    return StoryRecord(id, title, languages, articles, first_seen, last_seen)
