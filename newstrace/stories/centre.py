"""Language means of story vectors: what every text of one language shares, taken away.

Multilingual encoders place each language in a region of its own: any two German leads are
closer than a German and an English lead of the same event would be without it. Taking
each language's mean vector away from its texts (and normalising again) leaves what the
text says rather than the language it says it in (Libovický et al., "On the language
neutrality of pre-trained multilingual representations", 2020). On the SemEval dev pairs it
takes the e5 cosine's AUC for same event from 0.943 to 0.967 across languages and from
0.935 to 0.965 over all pairs, within one language unchanged (docs/stories.md).

The means are data, computed from the dev corpus's leads by `benchmarks/stories.py --train`
beside the pair model fitted on the centred vectors (`language_means.npz`). A language with
few texts leans on the mean of all languages (`PRIOR` texts' worth of it); a language the
file does not know, or none, takes that overall mean.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from newstrace.stories.vectors import Vectors, normalise

# How many texts' worth of the all-language mean each language's mean starts from: a language
# seen in 5 texts is half its own mean and half the overall one at PRIOR = 5. AUC on the
# SemEval pairs is the same (0.965) at 1, 10 and 50.
PRIOR = 10.0


@dataclass(frozen=True)
class LanguageMeans:
    """Per-language mean vectors of one encoder, and the mean over all languages."""

    languages: tuple[str, ...]
    means: Vectors  # one row per language
    overall: Vectors
    counts: tuple[int, ...]

    @classmethod
    def of(
        cls, vectors: Sequence[Vectors], languages: Sequence[str | None], prior: float = PRIOR
    ) -> LanguageMeans:
        """The means of `vectors` (unit rows), each in the language beside it; texts of no
        language count towards the overall mean only."""
        matrix = np.asarray(vectors, dtype=np.float64)
        overall = matrix.mean(axis=0)
        rows: dict[str, list[int]] = defaultdict(list)
        for position, language in enumerate(languages):
            if language:
                rows[language].append(position)
        names = tuple(sorted(rows))
        means = np.array(
            [
                (matrix[rows[n]].sum(axis=0) + prior * overall) / (len(rows[n]) + prior)
                for n in names
            ]
        ).reshape(len(names), matrix.shape[1])
        return cls(
            names,
            means.astype(np.float32),
            overall.astype(np.float32),
            tuple(len(rows[n]) for n in names),
        )

    def mean(self, language: str | None) -> Vectors:
        try:
            row: Vectors = self.means[self.languages.index(language or "")]
        except ValueError:
            return self.overall
        return row

    def centre(self, vectors: Vectors, languages: Sequence[str | None]) -> Vectors:
        """Each row with its language's mean taken away, normalised again."""
        if not len(vectors):
            return vectors
        means = np.array([self.mean(language) for language in languages], dtype=np.float64)
        return normalise(np.asarray(vectors, dtype=np.float64) - means)

    def digest(self) -> str:
        """Eight hex digits naming these means: part of the centred encoder's identity."""
        hasher = hashlib.sha256()
        hasher.update("\n".join(self.languages).encode())
        hasher.update(np.ascontiguousarray(self.means, dtype=np.float32).tobytes())
        hasher.update(np.ascontiguousarray(self.overall, dtype=np.float32).tobytes())
        return hasher.hexdigest()[:8]

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as file:
            np.savez_compressed(
                file,
                languages=np.array(self.languages, dtype=str),
                means=self.means.astype(np.float32),
                overall=self.overall.astype(np.float32),
                counts=np.array(self.counts, dtype=np.int64),
            )

    @classmethod
    def load(cls, path: Path) -> LanguageMeans:
        with np.load(path, allow_pickle=False) as data:
            return cls(
                tuple(str(n) for n in data["languages"]),
                data["means"].astype(np.float32),
                data["overall"].astype(np.float32),
                tuple(int(c) for c in data["counts"]),
            )


def shipped_path() -> Path:
    return Path(str(resources.files("newstrace") / "data" / "stories" / "language_means.npz"))


@cache
def shipped_means() -> LanguageMeans | None:
    """The means the shipped pair model was fitted with (None when the file is absent)."""
    path = shipped_path()
    return LanguageMeans.load(path) if path.is_file() else None
