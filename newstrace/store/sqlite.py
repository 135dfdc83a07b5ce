"""The SQLite store: one file, WAL, FTS5 search over title and text (the rest is store/sql.py).

Opening never surprises: a path whose directory does not exist is refused (nothing is
created); an existing file is used only when it is a newstrace database or empty (0 bytes:
SQLite's own empty database, and what `touch` or `mktemp` leave, so nothing can be lost);
a file that is not SQLite, or a SQLite database of another program, is refused by name and
left byte for byte as it was.

Concurrency: every `SQLiteStore` owns one connection. Several processes may write the same
file at once (WAL lets readers go on while one writer commits; a writer waits for the lock
instead of failing). Within a process a store may be shared by threads, since every call
takes the store's lock, but parallel work goes faster with one store per thread or process.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newstrace.errors import StoreError
from newstrace.model import Article
from newstrace.store.base import SearchHit
from newstrace.store.sql import Row, SQLStore

# 30 s: how long a writer waits for another process's commit before giving up. A commit of
# one article takes milliseconds, so only a stuck process makes anyone wait that long.
BUSY_TIMEOUT_SECONDS = 30.0
# Pauses between tries to switch a new file to WAL while other processes open it too: the
# lock is held only while another process creates the schema (milliseconds), so start short
# and double. Without the retry, 3 of 33 trials of 6 processes opening one new file failed.
WAL_RETRY_FIRST_PAUSE = 0.005
WAL_RETRY_MAX_PAUSE = 0.2
# Words of context around the hits in a search snippet (FTS5 allows at most 64).
SNIPPET_TOKENS = 16
# The first bytes of every SQLite database file (https://sqlite.org/fileformat.html).
SQLITE_HEADER = b"SQLite format 3\x00"

_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
_ACCESS_CODES = {
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_PERM,
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_AUTH,
}
_DAMAGED_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}


def _code(error: BaseException) -> int:
    """The primary SQLite result code of an error (extended codes carry it in the low byte)."""
    return int(getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF


def _document(article: Article) -> str:
    """The whole article as JSON; lone surrogates (undecodable bytes) kept as escapes."""
    document = json.dumps(article.to_dict(), ensure_ascii=False)
    try:
        document.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(article.to_dict(), ensure_ascii=True)
    return document


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


_SURROGATES = re.compile("[\ud800-\udfff]")


def fts_query(query: str) -> str:
    """A user's words as a safe FTS5 query: each word a quoted phrase, all required.

    Quoting makes operators (AND, OR, NOT, NEAR), column filters, parentheses and stray
    quotes plain words, so no input is a syntax error; a word ending in `*` is a prefix.
    """
    phrases: list[str] = []
    # FTS5 ends a quoted string at a NUL ("unterminated string"): a NUL separates words.
    for word in _SURROGATES.sub("\ufffd", query).replace("\x00", " ").split():
        prefix = word.endswith("*")
        body = word.rstrip("*")
        if not re.search(r"\w", body):
            continue
        quoted = '"' + body.replace('"', '""') + '"'
        phrases.append(quoted + "*" if prefix else quoted)
    return " ".join(phrases)


def check_path(path: Path) -> None:
    """Refuse, before anything is created or written, a path that is no place for a store."""
    if path.is_dir():
        raise StoreError(f"{path}: is a directory, not a database file; pass another --db")
    parent = path.parent
    if not parent.is_dir():
        raise StoreError(
            f"{path}: no such directory {parent}; create it first, or pass another --db"
        )
    try:
        with path.open("rb") as file:
            head = file.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return  # a new database
    except OSError as error:
        raise StoreError(
            f"{path}: cannot read it ({error.strerror}); check its permissions, "
            "or pass another --db"
        ) from None
    if head and head != SQLITE_HEADER:
        raise StoreError(f"{path}: not a newstrace database (not a SQLite file); pass another --db")


class SQLiteStore(SQLStore):
    """Articles, failures and search in one SQLite file (or in memory with ":memory:")."""

    DIALECT = "sqlite"
    DRIVER_ERROR = sqlite3.Error
    ROW_ORDER = "rowid"
    # Dense ingest order, also the FTS rowid; computed inside BEGIN IMMEDIATE, so unique.
    NEXT_SEQ = "(SELECT coalesce(max(seq), 0) + 1 FROM articles)"
    DOCUMENT_COLUMNS = ("document",)
    TABLES_SQL = "SELECT name FROM sqlite_master WHERE type = 'table'"
    # SQLite text is UTF-8: a lone surrogate (an undecodable byte) cannot be encoded.
    UNSTORABLE = _SURROGATES

    def __init__(self, path: str | Path) -> None:
        self.url = str(path)
        self._name = self.url
        self._lock = threading.RLock()
        memory = self.url == ":memory:"
        if not memory:
            check_path(Path(self.url))
        try:
            self._db = sqlite3.connect(
                self.url,
                timeout=BUSY_TIMEOUT_SECONDS,
                isolation_level=None,  # autocommit; writes open BEGIN IMMEDIATE themselves
                check_same_thread=False,  # calls are serialised by self._lock
            )
        except sqlite3.Error as error:
            raise StoreError(self._describe(error)) from error
        try:
            # Read before writing anything: a foreign or damaged file is refused untouched.
            self._applied()
            self._configure(memory)
            self._check_fts5()
            self._migrate()
        except BaseException:
            self.close()
            raise

    # -- opening ---------------------------------------------------------------------

    def _configure(self, memory: bool) -> None:
        """Connection settings: foreign keys, and WAL for files."""
        with self._session() as db:
            db.execute("PRAGMA foreign_keys = ON")
            if memory:
                return
            mode = self._switch_to_wal()
            if mode.lower() != "wal":
                raise StoreError(
                    f"{self._name}: cannot use WAL journaling (got {mode}); "
                    "put the database on a local disk or pass another --db"
                )
            # NORMAL is safe against corruption in WAL mode and skips an fsync per commit.
            db.execute("PRAGMA synchronous = NORMAL")

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

    # -- the dialect hooks -------------------------------------------------------------

    def _sql(self, sql: str) -> str:
        return sql  # sqlite3 takes `?` placeholders as written

    def _describe(self, error: Exception) -> str:
        """One line saying what went wrong with the file, and what to do."""
        code = _code(error)
        if code in _BUSY_CODES:
            return (
                f"{self._name}: locked by another process for over "
                f"{BUSY_TIMEOUT_SECONDS:.0f} s ({error}); try again when it is done"
            )
        if code in _ACCESS_CODES:
            return (
                f"{self._name}: cannot open or write it ({error}); check the path and its "
                "permissions, or pass another --db"
            )
        if code in _DAMAGED_CODES:
            return (
                f"{self._name}: the database file is damaged ({error}); restore it from a "
                "backup, or pass another --db"
            )
        if code == sqlite3.SQLITE_FULL:
            return f"{self._name}: the disk is full ({error}); free some space and try again"
        return f"{self._name}: SQLite failed ({error}); check the file, or pass another --db"

    @contextlib.contextmanager
    def _begin(self) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK: takes the write lock up front, so a writer
        waits its turn (busy timeout) instead of failing when upgrading a read lock."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self._db.execute("COMMIT")
        except BaseException:
            # SQLite rolls some errors back itself (a full disk): only end an open one.
            if self._db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
            raise

    def _lock_writers(self) -> None:
        pass  # BEGIN IMMEDIATE took the database's write lock

    def _stream_cursor(self) -> Any:
        return self._db.cursor()

    def _run_script(self, sql: str) -> None:
        for statement in _statements(sql):
            self._db.execute(statement)

    def _migration_lock(self) -> contextlib.AbstractContextManager[None]:
        # Each migration's BEGIN IMMEDIATE is the lock; `_apply` skips one done meanwhile.
        return contextlib.nullcontext()

    def _documents(self, article: Article) -> tuple[Any, ...]:
        return (_document(article),)

    def _article(self, row: Row) -> Article:
        return Article.from_dict(json.loads(row[0]))

    # -- search ----------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """Articles holding every word of the query (accents ignored), best bm25 rank first."""
        match = fts_query(query)
        if not match or limit <= 0:
            return []
        rows = self._all(
            "SELECT a.id, a.title, snippet(articles_fts, -1, '[', ']', '…', ?) "
            "FROM articles_fts JOIN articles AS a ON a.seq = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY articles_fts.rank LIMIT ?",
            (SNIPPET_TOKENS, match, limit),
        )
        return [SearchHit(id=id, title=title, snippet=snippet) for id, title, snippet in rows]
