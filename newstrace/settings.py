"""Settings: every tunable of newstrace in one frozen object, passed explicitly."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

DEFAULT_DB = "newstrace.db"
# The variable that holds the web API's ingest token.
TOKEN_ENV = "NEWSTRACE_API_TOKEN"


@dataclass(frozen=True)
class Settings:
    """What a run may be told; `Settings.from_env()` reads NEWSTRACE_* variables."""

    # A document above this size is refused before it is read whole, so a 100 MB file
    # costs no memory. 16 MiB is ~40x the longest page of the dev corpus.
    max_document_bytes: int = 16 * 1024 * 1024
    # Shorter clean bodies are recorded as failures ("no article text").
    min_text_chars: int = 1
    # trafilatura: include comments in the extracted main text (news wants them out).
    include_comments: bool = False
    # The bearer token `POST /api/articles` needs; ingest over the API is off without one.
    api_token: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls) -> Settings:
        settings = cls()
        raw = os.environ.get("NEWSTRACE_MAX_DOCUMENT_BYTES")
        if raw and raw.isdigit():
            settings = replace(settings, max_document_bytes=int(raw))
        token = os.environ.get(TOKEN_ENV, "").strip()
        if token:
            settings = replace(settings, api_token=token)
        return settings


def database_url(explicit: str | None) -> str:
    """The database to use: the --db value, else NEWSTRACE_DB, else ./newstrace.db."""
    return explicit or os.environ.get("NEWSTRACE_DB") or DEFAULT_DB
