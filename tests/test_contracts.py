"""Stage contracts: every stage of `default_pipeline()` touches only the fields it declares.

Each stage runs on a recording article: reading a field (a list field counts when its items
are looked at), assigning one, or changing a list in place (`removed.append`) is recorded,
and a deep copy taken before the stage catches any other change to a field's value. Reads
of `context.raw` count as the pseudo-field `raw`. Run over both seeds and an HTML page, with
the spaCy pipelines and with the rules alone.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, SupportsIndex

import pytest
from conftest import DEV, SEEDS

from newstrace.analysis.base import INITIAL_FIELDS, Context, Stage, check_order
from newstrace.model import Article, RawDocument, Removed, Sentence
from newstrace.pipeline import Pipeline, default_pipeline

FIELDS = frozenset(f.name for f in dataclasses.fields(Article))
PAGE = DEV / "extraction_pages" / "pages" / "cbsnews.com.carolina.html"
DOCUMENTS = {
    "seed fr": RawDocument(
        source="000.txt", text=(SEEDS / "000_922ab060dcfde385.txt").read_text("utf-8")
    ),
    "seed en": RawDocument(
        source="002.txt", text=(SEEDS / "002_675ba3ab04b08978.txt").read_text("utf-8")
    ),
    "html page": RawDocument(
        source=PAGE.name, html=PAGE.read_text("utf-8"), url="https://www.cbsnews.com/"
    ),
}


@dataclass
class Access:
    """What one stage did to the article, field by field."""

    reads: set[str] = field(default_factory=set)
    writes: set[str] = field(default_factory=set)
    assigned: set[str] = field(default_factory=set)
    recording: bool = True

    def read(self, name: str) -> None:
        if self.recording and name not in self.assigned:
            self.reads.add(name)

    def write(self, name: str) -> None:
        if self.recording:
            self.writes.add(name)


class RecordingList(list[Any]):
    """A list field: looking at its items is a read, changing it in place a write."""

    def __init__(self, items: list[Any], name: str, access: Access) -> None:
        super().__init__(items)
        self._name = name
        self._access = access

    def _read(self) -> None:
        self._access.read(self._name)

    def _write(self) -> None:
        self._access.write(self._name)

    def __iter__(self) -> Iterator[Any]:
        self._read()
        return super().__iter__()

    def __len__(self) -> int:
        self._read()
        return super().__len__()

    def __getitem__(self, index: Any) -> Any:
        self._read()
        return super().__getitem__(index)

    def __contains__(self, item: object) -> bool:
        self._read()
        return super().__contains__(item)

    def __reversed__(self) -> Iterator[Any]:
        self._read()
        return super().__reversed__()

    def __eq__(self, other: object) -> bool:
        self._read()
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]

    def __add__(self, other: Any) -> Any:
        self._read()
        return super().__add__(other)

    def index(self, *args: Any) -> int:
        self._read()
        return super().index(*args)

    def count(self, item: Any) -> int:
        self._read()
        return super().count(item)

    def copy(self) -> list[Any]:
        self._read()
        return super().copy()

    def append(self, item: Any) -> None:
        self._write()
        super().append(item)

    def extend(self, items: Any) -> None:
        self._write()
        super().extend(items)

    def insert(self, index: SupportsIndex, item: Any) -> None:
        self._write()
        super().insert(index, item)

    def remove(self, item: Any) -> None:
        self._write()
        super().remove(item)

    def pop(self, index: SupportsIndex = -1) -> Any:
        self._write()
        return super().pop(index)

    def clear(self) -> None:
        self._write()
        super().clear()

    def sort(self, *args: Any, **kwargs: Any) -> None:
        self._write()
        super().sort(*args, **kwargs)

    def reverse(self) -> None:
        self._write()
        super().reverse()

    def __setitem__(self, index: Any, value: Any) -> None:
        self._write()
        super().__setitem__(index, value)

    def __delitem__(self, index: Any) -> None:
        self._write()
        super().__delitem__(index)

    def __iadd__(self, other: Any) -> RecordingList:  # type: ignore[override,misc]
        self._write()
        return super().__iadd__(other)  # type: ignore[return-value]

    def __imul__(self, other: Any) -> RecordingList:  # type: ignore[override,misc]
        self._write()
        return super().__imul__(other)  # type: ignore[return-value]


class RecordingArticle(Article):
    """An Article that reports every field read and write to its `Access`."""

    _access: Access

    def __getattribute__(self, name: str) -> Any:
        value = object.__getattribute__(self, name)
        if name in FIELDS and not isinstance(value, RecordingList):
            object.__getattribute__(self, "_access").read(name)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        if name in FIELDS:
            access = object.__getattribute__(self, "_access")
            access.write(name)
            access.assigned.add(name)
        object.__setattr__(self, name, value)


class RecordingContext(Context):
    """A Context that reports reading the raw document as the pseudo-field `raw`."""

    _access: Access

    def __getattribute__(self, name: str) -> Any:
        if name == "raw":
            object.__getattribute__(self, "_access").read("raw")
        return object.__getattribute__(self, name)


def recording(article: Article, access: Access) -> RecordingArticle:
    """A recording twin of `article`; list fields become recording lists."""
    twin = RecordingArticle.__new__(RecordingArticle)
    object.__setattr__(twin, "_access", access)
    for name in FIELDS:
        value = getattr(article, name)
        if isinstance(value, list):
            value = RecordingList(value, name, access)
        object.__setattr__(twin, name, value)
    return twin


def plain(article: Article) -> Article:
    """The article as a plain Article again, list fields as plain lists."""
    return Article(
        **{
            name: list.copy(value) if isinstance(value, list) else value
            for name, value in ((n, object.__getattribute__(article, n)) for n in FIELDS)
        }
    )


def run_recorded(stage: Stage, article: Article, context: Context) -> tuple[Article, Access]:
    """Run one stage on a recording twin; what it read and wrote, and the article after."""
    access = Access()
    recorded_context = RecordingContext(context.settings, context.raw, context.models)
    object.__setattr__(recorded_context, "_access", access)
    before = {name: copy.deepcopy(getattr(article, name)) for name in FIELDS}
    result = stage.run(recording(article, access), recorded_context)
    access.recording = False
    after = plain(result)
    access.recording = True
    access.writes |= {name for name in FIELDS if getattr(after, name) != before[name]}
    access.recording = False
    return after, access


def accesses(use_spacy: bool) -> dict[str, dict[str, Access]]:
    """Per document, per stage of `default_pipeline()`: what the stage read and wrote."""
    found: dict[str, dict[str, Access]] = {}
    for label, raw in DOCUMENTS.items():
        context = Context(raw=raw, models={"spacy": use_spacy})
        article = Article(id="", source=raw.source)
        found[label] = {}
        for current in default_pipeline().stages:
            article, found[label][current.name] = run_recorded(current, article, context)
        assert article.claims and article.sentences, f"{label}: too little found to check"
    return found


@pytest.fixture(scope="module", params=[True, False], ids=["spacy", "rules"])
def recorded(request: pytest.FixtureRequest) -> dict[str, dict[str, Access]]:
    return accesses(bool(request.param))


def test_no_stage_reads_or_writes_a_field_it_did_not_declare(
    recorded: dict[str, dict[str, Access]],
) -> None:
    stages = {s.name: s for s in default_pipeline().stages}
    undeclared = sorted(
        {
            f"stage {name!r} {verb} {field_name!r} without declaring it ({label})"
            for label, by_stage in recorded.items()
            for name, access in by_stage.items()
            for verb, fields, declared in (
                ("reads", access.reads, stages[name].reads),
                ("writes", access.writes, stages[name].writes),
            )
            for field_name in fields - declared
        }
    )
    assert not undeclared, "\n".join(undeclared)


def test_every_declared_field_is_read_or_written_on_some_document(
    recorded: dict[str, dict[str, Access]],
) -> None:
    unused = []
    for current in default_pipeline().stages:
        reads = set().union(*(by_stage[current.name].reads for by_stage in recorded.values()))
        writes = set().union(*(by_stage[current.name].writes for by_stage in recorded.values()))
        unused += [f"stage {current.name!r} declares it reads {f!r}" for f in current.reads - reads]
        unused += [
            f"stage {current.name!r} declares it writes {f!r}" for f in current.writes - writes
        ]
    assert not unused, "never done on any document: " + "; ".join(sorted(unused))


def test_declared_fields_are_article_fields() -> None:
    known = FIELDS | INITIAL_FIELDS
    for current in default_pipeline().stages:
        assert current.reads <= known, current.name
        assert current.writes <= FIELDS, current.name


def test_the_recorder_sees_reads_in_place_changes_and_assignments() -> None:
    """The recorder itself: item reads, in-place changes, changes inside items, assignments."""

    def sneaky(article: Article, context: Context) -> Article:
        if article.title:
            article.removed.append(copy.copy(article.removed[0]))
        article.claims.clear()
        article.sentences[0].end += 1
        article.language = "xx"
        return article

    article = Article(
        id="",
        source="s",
        title="A title",
        text="One. Two.",
        removed=[Removed(text="Share", reason="furniture")],
        sentences=[Sentence(0, 4)],
    )
    declared = Stage("sneaky", sneaky, frozenset({"title"}), frozenset({"claims"}))
    after, access = run_recorded(declared, article, Context())
    assert access.reads == {"title", "removed", "sentences"}
    assert access.writes == {"removed", "claims", "sentences", "language"}
    assert after.sentences == [Sentence(0, 5)] and len(after.removed) == 2


def test_a_stage_placed_before_its_inputs_fails_at_build_naming_both() -> None:
    stages = list(default_pipeline().stages)
    claims = next(s for s in stages if s.name == "claims")
    entities = next(s for s in stages if s.name == "entities")
    misplaced = [s for s in stages if s is not claims]
    misplaced.insert(misplaced.index(entities), claims)
    with pytest.raises(ValueError, match=r"stage 'claims' reads entities.*written by entities"):
        check_order(misplaced)
    with pytest.raises(ValueError, match=r"'claims' reads entities"):
        Pipeline(misplaced)
