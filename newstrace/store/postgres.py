"""The PostgreSQL store: a shared database for several processes and machines.

Same semantics as the SQLite store (store/sql.py holds what both do), with PostgreSQL's own
means: the Article as `jsonb`, full-text search through a generated `tsvector` column (the
`simple` configuration plus `unaccent`), a GIN index, `ts_rank_cd` ranking and `ts_headline`
snippets. Migrations are applied under an advisory lock, so processes opening a new database
at once are safe. A store owns one connection in autocommit mode; every call takes the
store's lock, so threads may share it.

User text is only ever passed as a query parameter; the URL's password never appears in an
error message.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import math
import re
import threading
from collections.abc import Iterator
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict

from newstrace.errors import StoreError
from newstrace.model import Article
from newstrace.store.base import SearchHit
from newstrace.store.sql import Row, SQLStore

# 10 s: a reachable server answers in milliseconds; longer means a firewall dropping packets,
# and a command line should say so rather than hang. A URL's own connect_timeout wins.
CONNECT_TIMEOUT_SECONDS = 10
# The advisory lock key that serialises migrations ("newstrace" in the first bytes, so that
# it is unlikely to collide with another program's key in the same database).
MIGRATION_LOCK = 0x6E65_7773_7472_6163
# The advisory lock every writing transaction (`SQLStore.transaction`) holds until it ends,
# so writers of all processes take turns ("newstraceW").
WRITE_LOCK = 0x6E65_7773_7472_6157
# ts_headline: about as much context as the SQLite store's 16-token snippet, one fragment.
HEADLINE_OPTIONS = (
    'StartSel="[", StopSel="]", MaxWords=16, MinWords=8, MaxFragments=1, FragmentDelimiter=" … "'
)
SEARCH_CONFIG = "newstrace_search"

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_cursor_names = itertools.count(1)


def _storable_tree(value: Any) -> tuple[Any, bool]:
    """A JSON tree jsonb accepts (strings storable, NaN and infinities null); changed or not."""
    if isinstance(value, str):
        clean = _UNSTORABLE.sub("\ufffd", value)
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


def ts_query(query: str) -> str:
    """A user's words as a safe `to_tsquery` string: each word quoted, all required.

    Quoting makes `&`, `|`, `!`, `<->`, parentheses, colons and quotes plain text, so no input
    is a syntax error; a word ending in `*` is a prefix (`:*`). The same words are kept as
    the SQLite store keeps, so both backends find the same articles.
    """
    terms: list[str] = []
    for word in _UNSTORABLE.sub("\ufffd", query).split():
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


@functools.lru_cache(maxsize=512)
def _placeholders(sql: str) -> str:
    """`?` placeholders as psycopg's `%s` (a literal % doubled); store SQL has no other `?`."""
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresStore(SQLStore):
    """Articles, failures and search in a PostgreSQL database given by a postgresql:// URL."""

    DIALECT = "postgres"
    DRIVER_ERROR = psycopg.Error
    ROW_ORDER = "seq"
    NEXT_SEQ = None  # an identity column: unique, not dense (losing inserts take numbers too)
    # The exact JSON goes in `exact` when the article holds characters PostgreSQL text cannot.
    DOCUMENT_COLUMNS = ("document", "exact")
    TABLES_SQL = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    UNSTORABLE = _UNSTORABLE

    def __init__(self, url: str) -> None:
        self.url = redact(url)
        self._name = self.url
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
        options: dict[str, Any] = {"autocommit": True, "application_name": "newstrace"}
        if "connect_timeout" not in params:
            options["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
        try:
            self._db = psycopg.connect(url, **options)
        except psycopg.Error as error:
            # from None: the driver's error may quote the connection string.
            raise StoreError(
                f"{self._name}: cannot connect ({self._detail(error)}); check that the "
                "server runs, the URL and its database exist, or pass another --db"
            ) from None
        try:
            self._migrate()
        except BaseException:
            self.close()
            raise

    def _detail(self, error: BaseException) -> str:
        return _one_line(str(error), self._secret) or type(error).__name__

    # -- the dialect hooks -------------------------------------------------------------

    def _sql(self, sql: str) -> str:
        return _placeholders(sql)

    def _describe(self, error: Exception) -> str:
        """One line naming the database (no password), what went wrong, and what to do."""
        detail = self._detail(error)
        if isinstance(error, psycopg.errors.InsufficientPrivilege):
            return (
                f"{self._name}: permission denied ({detail}); grant the user rights on the "
                "database, or pass another --db"
            )
        if isinstance(error, psycopg.OperationalError):
            return (
                f"{self._name}: the connection failed ({detail}); check that the server "
                "runs, then try again"
            )
        return f"{self._name}: PostgreSQL failed ({detail}); see the server's log"

    def _begin(self) -> contextlib.AbstractContextManager[Any]:
        return self._db.transaction()  # type: ignore[no-any-return]

    def _lock_writers(self) -> None:
        self._db.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))

    def _stream_cursor(self) -> Any:
        # A server-side cursor; WITH HOLD: it outlives the autocommit transaction declaring it.
        return self._db.cursor(f"newstrace_stream_{next(_cursor_names)}", withhold=True)

    def _run_script(self, sql: str) -> None:
        # One script, as the server parses it (a DO $$ … $$ block stays whole).
        self._db.execute(sql.encode("utf-8"))

    @contextlib.contextmanager
    def _migration_lock(self) -> Iterator[None]:
        """An advisory lock for the whole migration: concurrent openers wait, not collide."""
        with self._session() as db:
            db.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        try:
            yield
        finally:
            with self._session() as db:
                db.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))

    def _documents(self, article: Article) -> tuple[Any, ...]:
        return _documents(article)

    def _article(self, row: Row) -> Article:
        """From the stored jsonb (already decoded), or the exact JSON when there is one."""
        document, exact = row
        return Article.from_dict(json.loads(exact) if exact is not None else document)

    # -- search ----------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """Articles holding every word of the query (accents ignored), best ts_rank_cd first.

        The snippet is made for the returned rows only, since ts_headline re-parses the text.
        """
        match = ts_query(query)
        if not match or limit <= 0:
            return []
        rows = self._all(
            f"SELECT hit.id, hit.title, ts_headline('{SEARCH_CONFIG}', "
            "concat_ws(' ', hit.title, hit.text), hit.query, ?) "
            "FROM (SELECT a.id, a.title, a.text, a.seq, q.query, "
            "ts_rank_cd(a.search, q.query) AS rank "
            f"FROM articles AS a, to_tsquery('{SEARCH_CONFIG}', ?) AS q (query) "
            "WHERE a.search @@ q.query ORDER BY rank DESC, a.seq LIMIT ?) AS hit "
            "ORDER BY hit.rank DESC, hit.seq",
            (HEADLINE_OPTIONS, match, limit),
        )
        return [SearchHit(id=id, title=title, snippet=snippet) for id, title, snippet in rows]
