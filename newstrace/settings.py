"""Settings: every tunable of newstrace in one frozen tree, read from a file and the environment.

The tree has one section per concern — `analysis`, `fetch`, `stories`, `summary`, `models`,
`web` — and each field's default is the measured or reasoned value written beside it. A
run reads, in order (later wins):

1. the defaults below;
2. a TOML file: `--settings FILE`, else `$NEWSTRACE_SETTINGS`, else `./newstrace.toml` when
   it exists, with one table per section (`[analysis]\ntime_budget = 5.0`);
3. environment variables `NEWSTRACE_<SECTION>_<FIELD>` (`NEWSTRACE_FETCH_TIMEOUT=20`).

An unknown section or key, or a value of the wrong type, is a `SettingsError` naming it.
`newstrace settings` prints the tree in force; docs/settings.md lists every field.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Self

from newstrace.errors import SettingsError
from newstrace.version import __version__

DEFAULT_DB = "newstrace.db"
SETTINGS_ENV = "NEWSTRACE_SETTINGS"
SETTINGS_FILE = "newstrace.toml"
ENV_PREFIX = "NEWSTRACE_"
# The variable that holds the web API's ingest token (short for NEWSTRACE_WEB_API_TOKEN).
TOKEN_ENV = "NEWSTRACE_API_TOKEN"
# Short names kept for the variables users already set, each standing for one setting.
ENV_ALIASES = {
    "NEWSTRACE_MAX_DOCUMENT_BYTES": ("analysis", "max_document_bytes"),
    TOKEN_ENV: ("web", "api_token"),
}

USER_AGENT = f"newstrace/{__version__} (news reader; polls feeds politely)"


@dataclass(frozen=True)
class AnalysisSettings:
    """Reading and analysing one document."""

    # A document above this size is refused before it is read whole, so a 100 MB file
    # costs no memory. 16 MiB is ~40x the longest page of the dev corpus.
    max_document_bytes: int = 16 * 1024 * 1024
    # Shorter clean bodies are recorded as failures ("no article text").
    min_text_chars: int = 1
    # trafilatura: include comments in the extracted main text (news wants them out).
    include_comments: bool = False
    # Seconds one document may take to analyse before it is recorded as failed and the run
    # goes on; 0 turns the budget off. The slowest dev article takes well under a second.
    time_budget: float = 10.0
    # The deep stages (entities, quantities, media, claims, signals, summary) read the clean
    # text up to this many characters, cut at a line break or space; the text itself stays
    # whole. 100,000 is ~3x the longest article of the dev corpus (34,309 characters, a
    # PolNeAR article), and bounds their time and memory (docs/reliability.md).
    max_analysed_chars: int = 100_000
    # A clean text with fewer distinct words is not news prose and is recorded as a failure
    # ("vm", "404 Not Found", one word repeated). The fewest of any dev text is 4 (an ITN
    # blurb: "Argentiina voitti jalkapallon maailmanmestaruuden."); a character of a script
    # written without spaces (Chinese, Japanese, Thai) counts as a word.
    min_prose_words: int = 3


@dataclass(frozen=True)
class FetchSettings:
    """How politely and how patiently newstrace fetches pages and feeds."""

    # 10 s to connect and between two reads: a news site that answers slower is down.
    timeout: float = 10.0
    # A response still arriving after 60 s is trickling on purpose or broken: stop it.
    deadline: float = 60.0
    # 1 s between two requests to one host, the wait `wget --wait` and most polite
    # crawlers use; a feed with 50 new items takes under a minute.
    host_delay: float = 1.0
    # 3 retries with waits of 1, 2 and 4 s ride out a restart or a brief overload without
    # hammering a server that is really down.
    retries: int = 3
    backoff: float = 1.0
    # A Retry-After longer than this is not waited for: the item is tried next round.
    max_backoff: float = 60.0
    # Browsers follow 20; a news link needs at most 2-3 (tracker, http->https, canonical).
    max_redirects: int = 5
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class StorySettings:
    """Story assignment: the join threshold, and which stories an article may join."""

    # The pair model's probability above which an article joins a story; None: the shipped
    # model's own threshold (0.6, chosen by cross-validation over whole stories).
    threshold: float | None = None
    # A story takes no article published more than this before its first or after its last
    # one (seconds), and the centroid matrices are cut in buckets of this much publication
    # time. 30 days: ITN stories span a median 11.8 days.
    window_seconds: float = 30 * 86400.0
    # Stories kept in memory at once (those with the most recent publication dates): 20,000
    # centroids of 384 floats are 30 MB, plus bounded sums and counts per story.
    max_stories: int = 20_000
    # Stories scored per article: the best by centroid cosine, plus those sharing an entity.
    candidates: int = 30


@dataclass(frozen=True)
class SummarySettings:
    """The extractive article summary ("No time to read? Get a summary")."""

    # Three sentences: the length of the newsroom abstracts' longest tenth (OrangeSum) and
    # what lead-3, the classic baseline, uses.
    sentences: int = 3
    # The most sentences a reader or an API call may ask for.
    max_sentences: int = 10


@dataclass(frozen=True)
class ModelSettings:
    """Which optional models run; every one has a model-free fallback."""

    # spaCy pipelines for entities and the parse of claims, where one exists for the language.
    spacy: bool = True
    # Sentence encoder for stories and compare: auto (the best installed), use, e5, hashed.
    # Not read yet: stories use `story_encoder()`, compare `encoder("auto")` (docs/settings.md).
    encoder: str = "auto"
    # Attribution in English: auto (the learned model when shipped), rules.
    attribution: str = "auto"


@dataclass(frozen=True)
class WebSettings:
    """The web reader and its JSON API."""

    host: str = "127.0.0.1"
    port: int = 8000
    # Guards POST /api/articles; ingest through the API is off while it is empty.
    api_token: str = field(default="", repr=False)
    # Items per page of every list (home, search, story lists).
    page_size: int = 50
    # The most items one API call may ask for.
    max_limit: int = 500


SECTIONS: dict[str, type] = {
    "analysis": AnalysisSettings,
    "fetch": FetchSettings,
    "stories": StorySettings,
    "summary": SummarySettings,
    "models": ModelSettings,
    "web": WebSettings,
}


@dataclass(frozen=True)
class Settings:
    """The whole tree; `Settings.load()` reads the file and the environment."""

    analysis: AnalysisSettings = field(default_factory=AnalysisSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    stories: StorySettings = field(default_factory=StorySettings)
    summary: SummarySettings = field(default_factory=SummarySettings)
    models: ModelSettings = field(default_factory=ModelSettings)
    web: WebSettings = field(default_factory=WebSettings)

    @classmethod
    def load(
        cls, path: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
    ) -> Self:
        """Defaults, then the settings file, then NEWSTRACE_<SECTION>_<FIELD> variables."""
        environ = os.environ if environ is None else environ
        settings = cls()
        file = _settings_file(path, environ)
        if file is not None:
            settings = settings.merged(_read_toml(file), where=str(file))
        return settings.merged(_from_environment(environ), where="environment")

    @classmethod
    def from_env(cls) -> Self:
        """The settings of a run started from the shell (file and environment)."""
        return cls.load()

    def merged(self, values: Mapping[str, Any], where: str = "settings") -> Self:
        """A copy with `values` ({section: {field: value}}) applied, each checked for type."""
        changes: dict[str, Any] = {}
        for section, table in values.items():
            if section not in SECTIONS:
                known = ", ".join(SECTIONS)
                raise SettingsError(f"{where}: no settings section [{section}] (known: {known})")
            if not isinstance(table, Mapping):
                raise SettingsError(f"{where}: [{section}] must be a table of settings")
            current = getattr(self, section)
            kinds = _field_types(type(current))
            updates = {}
            for key, value in table.items():
                if key not in kinds:
                    known = ", ".join(kinds)
                    raise SettingsError(
                        f"{where}: no setting {section}.{key} (known in [{section}]: {known})"
                    )
                updates[key] = _coerce(value, kinds[key], f"{where}: {section}.{key}")
            changes[section] = replace(current, **updates)
        return replace(self, **changes)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """The tree as plain data ({section: {field: value}}), for `newstrace settings`."""
        return {name: dataclasses.asdict(getattr(self, name)) for name in SECTIONS}

    # The flat names older callers use; each reads its section.
    @property
    def max_document_bytes(self) -> int:
        return self.analysis.max_document_bytes

    @property
    def min_text_chars(self) -> int:
        return self.analysis.min_text_chars

    @property
    def include_comments(self) -> bool:
        return self.analysis.include_comments


def _settings_file(path: str | os.PathLike[str] | None, environ: Mapping[str, str]) -> Path | None:
    if path is not None:
        file = Path(path)
        if not file.is_file():
            raise SettingsError(f"{file}: no such settings file")
        return file
    named = environ.get(SETTINGS_ENV)
    if named:
        file = Path(named)
        if not file.is_file():
            raise SettingsError(f"{file}: no such settings file (from ${SETTINGS_ENV})")
        return file
    local = Path(SETTINGS_FILE)
    return local if local.is_file() else None


def _read_toml(file: Path) -> dict[str, Any]:
    try:
        with file.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{file}: not valid TOML ({error}); fix the file") from None
    except OSError as error:
        raise SettingsError(f"{file}: cannot read ({error.strerror})") from None


def _from_environment(environ: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """NEWSTRACE_<SECTION>_<FIELD> variables as {section: {field: text}}.

    Variables that name no section (NEWSTRACE_DB, NEWSTRACE_SETTINGS) are not settings;
    one that names a section but no field of it is an error, so a typo is never ignored.
    """
    found: dict[str, dict[str, str]] = {}
    for name, (section, key) in ENV_ALIASES.items():
        if name in environ:
            found.setdefault(section, {})[key] = environ[name]
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or name in ENV_ALIASES:
            continue
        rest = name[len(ENV_PREFIX) :].lower()
        section, _, key = rest.partition("_")
        if section in SECTIONS and key:
            found.setdefault(section, {})[key] = value
    return found


def _field_types(section: type) -> dict[str, Any]:
    hints = typing.get_type_hints(section)
    return {f.name: hints[f.name] for f in fields(section)}


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _coerce(value: Any, kind: Any, where: str) -> Any:
    """`value` as `kind` (bool, int, float, str, or an Optional of one); text is parsed."""
    if isinstance(kind, types.UnionType) or typing.get_origin(kind) is typing.Union:
        options = [k for k in typing.get_args(kind) if k is not type(None)]
        if value is None or (isinstance(value, str) and value.strip().lower() in {"", "none"}):
            return None
        kind = options[0]
    if kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise SettingsError(f"{where}: {value!r} is not true or false")
    if kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            try:
                return int(value.strip().replace("_", ""))
            except ValueError:
                pass
        raise SettingsError(f"{where}: {value!r} is not a whole number")
    if kind is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value.strip())
            except ValueError:
                pass
        raise SettingsError(f"{where}: {value!r} is not a number")
    if kind is str:
        if isinstance(value, str):
            return value
        raise SettingsError(f"{where}: {value!r} is not text")
    raise SettingsError(f"{where}: unsupported setting type {kind!r}")


def database_url(explicit: str | None) -> str:
    """The database to use: the --db value, else NEWSTRACE_DB, else ./newstrace.db."""
    return explicit or os.environ.get("NEWSTRACE_DB") or DEFAULT_DB
