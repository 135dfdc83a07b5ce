"""Publication dates in every common form become UTC ISO 8601; the rest is None."""

from __future__ import annotations

import pytest

from newstrace.dates import normalise_date, parse_time


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # RFC 822 / 1123, as feeds send them
        ("Mon, 30 Nov 2026 10:00:00 GMT", "2026-11-30T10:00:00Z"),
        ("Mon, 30 Nov 2026 10:00:00 +0100", "2026-11-30T09:00:00Z"),
        ("30 Nov 2026 23:30:00 -0500", "2026-12-01T04:30:00Z"),
        # ISO 8601, as pages and APIs send them
        ("2026-11-30T10:00:00+02:00", "2026-11-30T08:00:00Z"),
        ("2019-05-12T08:00:00.000Z", "2019-05-12T08:00:00Z"),
        ("2026-11-30 10:00:00", "2026-11-30T10:00:00Z"),
        ("2026-11-30", "2026-11-30"),
        # epoch seconds and milliseconds, as JSON exports send them
        ("1796032800", "2026-11-30T10:00:00Z"),
        ("1796032800000", "2026-11-30T10:00:00Z"),
        (1796032800, "2026-11-30T10:00:00Z"),
        (1796032800000.0, "2026-11-30T10:00:00Z"),
        # localized dates, as bylines print them
        ("30 novembre 2026", "2026-11-30"),
        ("30. November 2026", "2026-11-30"),
        ("30 ноября 2026", "2026-11-30"),
        ("30 листопада 2026 р.", "2026-11-30"),
        ("12 de mayo de 2019", "2019-05-12"),
        ("November 30, 2026", "2026-11-30"),
    ],
)
def test_dates_every_common_form_becomes_utc_iso(raw: object, expected: str) -> None:
    assert normalise_date(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "hello world", "2026-13-45", "0", "il y a 3 jours", "yesterday", None, True,
     "1066-10-14", "x" * 500],
)
def test_dates_unreadable_or_relative_or_implausible_give_none(raw: object) -> None:
    assert normalise_date(raw) is None


def test_dates_parse_time_reads_what_normalise_reads() -> None:
    assert parse_time("Mon, 30 Nov 2026 10:00:00 GMT") == 1796032800.0
    assert parse_time("2026-11-30") == parse_time("30 novembre 2026")
    assert parse_time("not a date") is None
