"""The story summary: a story in a few lines, in the reader's language where a version is.

The key claims (carried by most versions, with a named source first), who made them and
their status (confirmed, unconfirmed, only claimed), then where the versions disagree and
which figures must not be confused. Each line cites the versions it comes from. Claims are
quoted in the wording of a version in the reader's language when one carries them; the
frame of each line comes from the `[compare]` section of the language's data file.
"""

from __future__ import annotations

from typing import Any

from newstrace.langdata import LanguageData, for_language

# Claim lines in a summary: "a few lines" (the seed story has 2 shared claims and ~20 told
# by one version; five lines show the shared ones and the best-sourced of the rest).
CLAIM_LINES = 5
# A claim quoted in a line is cut at a word boundary after this many characters.
QUOTE_CHARS = 220
FALLBACK_LANGUAGE = "en"


def _frame(language: str | None, name: str) -> str:
    """A line frame of the reader's language, else the fallback language's."""
    for code in (language, FALLBACK_LANGUAGE):
        data: LanguageData | None = for_language(code)
        value = data.get(f"compare.{name}") if data is not None else None
        if isinstance(value, str):
            return value
    return "{text}"


def _cut(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= QUOTE_CHARS:
        return text
    return text[:QUOTE_CHARS].rsplit(" ", 1)[0] + "…"


def _wording(group: dict[str, Any], languages: dict[str, str | None], reader: str | None) -> str:
    """The id of the version whose wording the reader gets: one in their language if any."""
    carriers: list[str] = group["versions"]
    return next((a for a in carriers if languages.get(a) == reader), carriers[0])


def _status(language: str | None, status: str) -> str:
    return _frame(language, f"status_{status}")


def _claim_line(
    group: dict[str, Any], languages: dict[str, str | None], reader: str | None
) -> dict[str, Any]:
    version = _wording(group, languages, reader)
    carried = group["carried_by"][version]
    statuses = {c["status"] for c in group["carried_by"].values()}
    status = carried["status"] if len(statuses) == 1 else "mixed"
    frame = "claimed" if carried["speaker"] else "unattributed"
    text = _frame(reader, frame).format(
        speaker=carried["speaker"] or "",
        text=_cut(carried["text"]),
        status=_status(reader, status),
    )
    return {
        "kind": "claim",
        "group": group["group"],
        "text": text,
        "status": status,
        "quote": _cut(carried["text"]),  # as it stands in `text`, in its own language
        "language": languages.get(version),
        "versions": group["versions"],
    }


def _conflict_lines(document: dict[str, Any], reader: str | None) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    for group in document["claims"]:
        for conflict in group["conflicts"]:
            if conflict["kind"] == "status":
                detail = "; ".join(
                    f"{a}: {_status(reader, s)}" for a, s in conflict["statuses"].items()
                )
            elif conflict["kind"] == "speaker":
                detail = "; ".join(f"{a}: {s or '—'}" for a, s in conflict["speakers"].items())
            else:
                detail = "; ".join(f"{a}: {', '.join(f)}" for a, f in conflict["figures"].items())
            lines.append(
                {
                    "kind": "conflict",
                    "group": group["group"],
                    "text": _frame(reader, f"conflict_{conflict['kind']}").format(
                        detail=detail, text=_cut(group["text"])
                    ),
                    "contradiction": conflict["contradiction"],
                    "versions": group["versions"],
                }
            )
    for comparison in document["figures"]:
        figures = "; ".join(
            " ".join(filter(None, [f["text"], f["counts"], f"({f['speaker'] or '—'})"]))
            for f in comparison["figures"]
        )
        frame = "figures_same" if comparison["same_thing"] else "figures_different"
        lines.append(
            {
                "kind": "figures",
                "group": None,
                "text": _frame(reader, frame).format(figures=figures),
                "contradiction": comparison["contradiction"],
                "versions": list(dict.fromkeys(f["article"] for f in comparison["figures"])),
            }
        )
    return lines


def summarize_comparison(document: dict[str, Any], language: str | None) -> dict[str, Any]:
    """The summary of a comparison document, for a reader of `language`."""
    languages: dict[str, str | None] = document["languages"]
    reader = language or next(iter(languages.values()), None)
    shared = [g for g in document["claims"] if len(g["versions"]) > 1]
    sourced = sorted(
        (
            g
            for g in document["claims"]
            if len(g["versions"]) == 1 and not g["unsourced"] and g["speaker"]
        ),
        # the reader's language first: a line they can read says more than one they cannot
        key=lambda g: languages.get(g["versions"][0]) != reader,
    )
    chosen = (shared + sourced)[:CLAIM_LINES]
    lines = [_claim_line(g, languages, reader) for g in chosen]
    lines += _conflict_lines(document, reader)
    by_status: dict[str, list[str]] = {}
    for group in document["claims"]:
        for carried in group["carried_by"].values():
            groups = by_status.setdefault(carried["status"], [])
            if group["group"] not in groups:
                groups.append(group["group"])
    return {
        "story": document["story"],
        "language": reader,
        "versions": document["versions"],
        "lines": lines,
        "sentences": [{"text": line["text"], "versions": line["versions"]} for line in lines],
        "text": "\n".join(line["text"] for line in lines),
        "confirmed": by_status.get("confirmed", []),
        "unconfirmed": by_status.get("unconfirmed", []),
        "claimed": by_status.get("attributed", []),
        "disputed": by_status.get("disputed", []) + by_status.get("denied", []),
    }
