"""Publication dates from every form news uses, as UTC ISO 8601.

Feeds send RFC 822 (`Mon, 30 Nov 2026 10:00:00 GMT`), pages ISO 8601 or a localized date
(`30 novembre 2026`, `30. November 2026`, `30 ноября 2026`), JSON exports epoch seconds or
milliseconds. `normalise_date` turns each into `2026-11-30T10:00:00Z` (or `2026-11-30` when
only the day is known); what it cannot read gives None and the caller keeps the raw string.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from functools import cache
from typing import Any

# Epoch numbers: 9-10 digits are seconds (1973-2286), 12-13 are milliseconds.
_EPOCH = re.compile(r"^\s*(\d{9,10}|\d{12,13})(?:\.\d+)?\s*$")
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
_ISO_LIKE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_RFC_822 = re.compile(r"^\s*(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
# A date this far before the web, or after tomorrow, is a misreading, not a publication.
EARLIEST_YEAR = 1900
# Only dateparser's localized forms need a language; these are the ones newstrace has data for.
_DATEPARSER_LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "ru", "uk", "pl", "nl")


def normalise_date(value: object, language: str | None = None) -> str | None:
    """`value` (text, or epoch number) as a UTC ISO 8601 date-time or date, else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _from_epoch(float(value))
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    if not text or len(text) > 100:
        return None
    epoch = _EPOCH.match(text)
    if epoch:
        return _from_epoch(float(epoch.group(1)))
    day = _ISO_DAY.match(text)
    if day:
        return _plausible_day(int(day.group(1)), int(day.group(2)), int(day.group(3)))
    if _ISO_LIKE.match(text):
        found = _from_iso(text)
        if found is not None:
            return found
    if _RFC_822.match(text):
        try:
            return _as_utc(parsedate_to_datetime(text))
        except (TypeError, ValueError, IndexError):
            pass
    found = _from_iso(text)
    if found is not None:
        return found
    return _localized(text, language)


def _from_epoch(seconds: float) -> str | None:
    if seconds > 1e11:  # milliseconds
        seconds /= 1000.0
    try:
        moment = datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return _as_utc(moment)


def _from_iso(text: str) -> str | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" UTC", "+00:00"))
    except ValueError:
        return None
    return _as_utc(moment)


def _plausible_day(year: int, month: int, day: int) -> str | None:
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    if not EARLIEST_YEAR <= found.year <= datetime.now(UTC).year + 1:
        return None
    return found.isoformat()


def _as_utc(moment: datetime) -> str | None:
    """A moment as `YYYY-MM-DDTHH:MM:SSZ` (a naive one is taken as UTC), if plausible."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    if not EARLIEST_YEAR <= moment.year <= datetime.now(UTC).year + 1:
        return None
    return moment.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


@cache
def _dateparser() -> Any:
    try:
        import dateparser
    except ImportError:  # an optional helper: without it only the fixed forms are read
        return None
    return dateparser


def _localized(text: str, language: str | None) -> str | None:
    """A localized date ("30 novembre 2026", "30. November 2026") through dateparser."""
    parser = _dateparser()
    if parser is None or not _YEAR.search(text):
        return None  # "il y a 3 jours", "yesterday": relative to a reading time we do not have
    languages = [language] if language in _DATEPARSER_LANGUAGES else list(_DATEPARSER_LANGUAGES)
    try:
        moment = parser.parse(
            text,
            languages=languages,
            settings={
                "TIMEZONE": "UTC",
                "RETURN_AS_TIMEZONE_AWARE": True,
                "PREFER_DATES_FROM": "past",
                "STRICT_PARSING": False,
                "REQUIRE_PARTS": ["day", "month", "year"],
            },
        )
    except Exception:  # dateparser raises many kinds on odd text; none of them is ours
        return None
    if moment is None:
        return None
    if (moment.hour, moment.minute, moment.second) == (0, 0, 0) and not re.search(r"\d:\d", text):
        return _plausible_day(moment.year, moment.month, moment.day)
    return _as_utc(moment)


def parse_time(value: str | None) -> float | None:
    """Seconds since 1970 of a date in any form `normalise_date` reads, else None."""
    found = normalise_date(value)
    if found is None:
        return None
    moment = datetime.fromisoformat(found.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
