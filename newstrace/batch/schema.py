"""The Parquet schema of a batch's output, and the conversion between its rows and Articles.

A batch writes four tables under its output directory, one folder each (`articles/`,
`claims/`, `entities/`, `failures/`), of `part-*.parquet` files. Every row names the input
file it came from and its position there (`file`, `position`): the pair is unique per
document, joins a claim or entity to its article even when two inputs hold the same article,
and gives the order in which the story stage assigns articles of the same time.
docs/spark.md documents every column; `SCHEMA_VERSION` changes when a column does.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]

from newstrace.model import (
    Article,
    Claim,
    Entity,
    Failure,
    Quantity,
    Removed,
    Sentence,
    Signal,
    Summary,
    SummarySentence,
)

SCHEMA_VERSION = 1

_TEXT = pa.string()
_INT = pa.int64()

# The columns every table starts with: where the document came from.
_ORIGIN = [pa.field("file", _TEXT), pa.field("position", _INT)]

_SPAN = [pa.field("start", _INT), pa.field("end", _INT)]

ARTICLES = pa.schema(
    [
        pa.field("id", _TEXT),
        pa.field("source", _TEXT),
        *_ORIGIN,
        pa.field("url", _TEXT),
        pa.field("outlet", _TEXT),
        pa.field("title", _TEXT),
        pa.field("byline", _TEXT),
        pa.field("published", _TEXT),
        pa.field("published_raw", _TEXT),
        pa.field(
            "models",
            pa.list_(pa.struct([pa.field("component", _TEXT), pa.field("model", _TEXT)])),
        ),
        pa.field("fetched", _TEXT),
        pa.field("language", _TEXT),
        pa.field("text", _TEXT),
        pa.field(
            "removed", pa.list_(pa.struct([pa.field("text", _TEXT), pa.field("reason", _TEXT)]))
        ),
        pa.field("sentences", pa.list_(pa.struct(_SPAN))),
        pa.field(
            "quantities",
            pa.list_(
                pa.struct(
                    [
                        pa.field("text", _TEXT),
                        pa.field("value", pa.float64()),
                        pa.field("unit", _TEXT),
                        *_SPAN,
                    ]
                )
            ),
        ),
        pa.field("media", pa.list_(_TEXT)),
        pa.field(
            "signals",
            pa.list_(pa.struct([pa.field("kind", _TEXT), pa.field("evidence", _TEXT), *_SPAN])),
        ),
        pa.field(
            "summary",
            pa.struct(
                [
                    pa.field("text", _TEXT),
                    pa.field("version", _TEXT),
                    pa.field("sentences", pa.list_(pa.struct([pa.field("text", _TEXT), *_SPAN]))),
                ]
            ),
        ),
    ]
)

CLAIMS = pa.schema(
    [
        pa.field("article_id", _TEXT),
        *_ORIGIN,
        pa.field("index", _INT),
        pa.field("speaker", _TEXT),
        pa.field("speaker_key", _TEXT),
        pa.field("speaker_start", _INT),
        pa.field("speaker_end", _INT),
        pa.field("role", _TEXT),
        pa.field("cue", _TEXT),
        pa.field("cue_start", _INT),
        pa.field("cue_end", _INT),
        pa.field("medium", _TEXT),
        pa.field("type", _TEXT),
        pa.field("status", _TEXT),
        pa.field("text", _TEXT),
        *_SPAN,
        pa.field("hedges", pa.list_(_TEXT)),
    ]
)

ENTITIES = pa.schema(
    [
        pa.field("article_id", _TEXT),
        *_ORIGIN,
        pa.field("index", _INT),
        pa.field("text", _TEXT),
        pa.field("kind", _TEXT),
        pa.field("key", _TEXT),
        *_SPAN,
    ]
)

FAILURES = pa.schema(
    [
        pa.field("source", _TEXT),
        *_ORIGIN,
        pa.field("stage", _TEXT),  # read (the reader refused it) | analyze (analyze did)
        pa.field("reason", _TEXT),
    ]
)

TABLES: dict[str, pa.Schema] = {
    "articles": ARTICLES,
    "claims": CLAIMS,
    "entities": ENTITIES,
    "failures": FAILURES,
}

Row = dict[str, Any]
Rows = dict[str, list[Row]]


def empty_rows() -> Rows:
    """One empty row list per table."""
    return {name: [] for name in TABLES}


def article_rows(article: Article, file: str, position: int, fetched: str | None) -> Rows:
    """The rows of one analysed article: itself, its claims and its entities."""
    data = article.to_dict()
    origin = {"file": file, "position": position}
    row: Row = {name: data.get(name) for name in ARTICLES.names}
    row.update(origin, fetched=fetched)
    row["models"] = [{"component": k, "model": v} for k, v in sorted(data["models"].items())]
    summary = data["summary"]
    row["summary"] = (
        None if summary is None else {k: summary[k] for k in ("text", "version", "sentences")}
    )
    rows = empty_rows()
    rows["articles"].append(row)
    for index, claim in enumerate(data["claims"]):
        rows["claims"].append({"article_id": article.id, **origin, "index": index, **claim})
    for index, entity in enumerate(data["entities"]):
        rows["entities"].append({"article_id": article.id, **origin, "index": index, **entity})
    return rows


def failure_rows(failure: Failure, file: str, position: int, stage: str) -> Rows:
    """The one failures row of a document that a reader or `analyze` refused."""
    rows = empty_rows()
    rows["failures"].append(
        {
            "source": failure.source,
            "file": file,
            "position": position,
            "stage": stage,
            "reason": failure.reason,
        }
    )
    return rows


def _fields(row: Row, names: list[str]) -> dict[str, Any]:
    return {name: row[name] for name in names}


def article_from_rows(row: Row, claims: list[Row], entities: list[Row]) -> Article:
    """Rebuild the Article that `article_rows` wrote (claims and entities in their order)."""
    summary_row = row.get("summary")
    summary = (
        None
        if summary_row is None
        else Summary(
            sentences=[SummarySentence(**s) for s in summary_row.get("sentences") or []],
            text=summary_row.get("text") or "",
            version=summary_row.get("version") or "",
        )
    )
    claim_names = [f.name for f in CLAIMS if f.name not in ("article_id", "file", "position")]
    claim_names.remove("index")
    entity_names = ["text", "kind", "key", "start", "end"]
    return Article(
        id=row["id"],
        source=row["source"],
        url=row["url"],
        outlet=row["outlet"],
        title=row["title"],
        byline=row["byline"],
        published=row["published"],
        published_raw=row.get("published_raw"),
        models={m["component"]: m["model"] for m in row.get("models") or []},
        language=row["language"],
        text=row["text"] or "",
        removed=[Removed(**r) for r in row.get("removed") or []],
        sentences=[Sentence(**s) for s in row.get("sentences") or []],
        entities=[Entity(**_fields(e, entity_names)) for e in sorted(entities, key=_by_index)],
        quantities=[Quantity(**q) for q in row.get("quantities") or []],
        media=list(row.get("media") or []),
        claims=[
            Claim(**{**_fields(c, claim_names), "hedges": list(c.get("hedges") or [])})
            for c in sorted(claims, key=_by_index)
        ],
        signals=[Signal(**s) for s in row.get("signals") or []],
        summary=summary,
        story=None,
    )


def _by_index(row: Row) -> int:
    return int(row["index"])
