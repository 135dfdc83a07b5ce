"""The errors newstrace raises: one base, caught once by the command line.

Every failure a user can cause or fix is a `NewstraceError` whose message is one line:
what is wrong, with which input, and what to do. Anything else is a bug and keeps its
traceback (`--debug` shows it; a bug in a stage becomes a recorded failure instead).
"""

from __future__ import annotations


class NewstraceError(Exception):
    """A failure a user can cause or fix; `str(error)` is the one line to show them."""


class UsageError(NewstraceError):
    """The command or call was given something it cannot use (an argument, an option)."""


class SettingsError(NewstraceError):
    """A settings file or NEWSTRACE_* variable names an unknown key or a value of the wrong type."""


class AnalysisError(NewstraceError):
    """A document that cannot become an article; the message is the one-line reason."""


class StoreError(NewstraceError):
    """The database cannot be used (unreadable, foreign, wrong schema, driver error)."""


class NotFoundError(StoreError):
    """An article or story reference matches nothing stored (or is ambiguous)."""


class WatchError(NewstraceError):
    """A feed list or watch state that `watch` cannot use."""


class ServeError(NewstraceError):
    """The web reader cannot start (address in use, bad host or port)."""


class BackendUnavailable(NewstraceError):
    """An optional backend (Spark, PostgreSQL driver, a model) is not installed or not usable."""
