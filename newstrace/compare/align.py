"""Claim alignment: group the claims of a story's versions that say the same thing.

Two claims of different versions are scored by the cosine of their sentence encodings
(the multilingual encoder story assignment already loaded), plus agreement of speaker keys
and of the entity keys inside the claims (keys are the same across languages), and figures
in common. Pairs are merged best first, and a group never takes two claims of one version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from newstrace.model import Article, Claim, Entity, Quantity
from newstrace.stories.encoders import Encoder, encoder


# Weights of the pair score, and the threshold for grouping. On the seed story (fr/en),
# the pairs a reader lines up score 0.90 (Rogov's list of countries) and 0.97 (volunteers
# want to join Russia's side); the next best are 0.79 and 0.76 (other English claims with
# the French opening, which its group already holds) and 0.66 (gathering information vs
# Baltic volunteers, same speaker).
# Threshold 0.8: ECB+ dev, both confusable events of a topic pooled, purity 0.965 over
# 1,845 grouped claims (0.75: 0.946 over 2,186; 0.85: 0.977 over 1,587), 2026-11,
# benchmarks/claim_groups.py. Within one language the cosine alone is as pure (0.955 over
# 2,224 at 0.70); speakers and entity keys matter across languages, where the cosine of
# one claim in French and English is lower (0.47 for the list of countries).
@dataclass(frozen=True)
class Weights:
    """What each kind of evidence adds to the encoders' cosine, and the grouping threshold."""

    same_speaker: float = 0.25
    other_speaker: float = -0.3  # both named, by different keys
    half_attributed: float = -0.2  # one names a source, the other does not
    entities: float = 0.3
    # One shared key ("Russia") says little about two claims: the entity bonus grows with
    # the number of shared keys up to this many.
    entity_saturation: int = 3
    shared_figure: float = 0.1
    threshold: float = 0.8


# The encoders' cosine alone, at the same threshold: the reference the benchmark prints.
COSINE_ONLY = Weights(0.0, 0.0, 0.0, 0.0, 1, 0.0)

# Entity kinds whose keys say what a claim is about (a medium says through whom).
TOPIC_KINDS = frozenset({"person", "organization", "place", "group", "other"})


@dataclass
class ClaimRef:
    """One claim of one version, with what alignment compares."""

    article: str
    index: int
    claim: Claim
    keys: frozenset[str]
    places: dict[str, str]
    figures: list[Quantity]

    @property
    def figure_values(self) -> frozenset[str]:
        return frozenset(figure_label(q) for q in self.figures)


@dataclass
class ClaimGroup:
    """Claims of different versions that say the same thing, one per version at most."""

    members: list[ClaimRef] = field(default_factory=list)

    @property
    def articles(self) -> list[str]:
        return [m.article for m in self.members]


def figure_label(quantity: Quantity) -> str:
    """A figure as compared across languages: its value, or its words when vague."""
    if quantity.value is None:
        return quantity.text.casefold()
    return f"{quantity.value:g}"


def _inside(start: int, end: int, claim: Claim) -> bool:
    return start >= claim.start and end <= claim.end


def claim_refs(article: Article) -> list[ClaimRef]:
    """The article's claims, minus those nested in a longer claim of the same article."""
    spans = [(c.start, c.end) for c in article.claims]
    refs: list[ClaimRef] = []
    for index, claim in enumerate(article.claims):
        nested = any(
            (s, e) != (claim.start, claim.end) and s <= claim.start and claim.end <= e
            for s, e in spans
        )
        if nested or not claim.text.strip():
            continue
        inside: list[Entity] = [
            e
            for e in article.entities
            if _inside(e.start, e.end, claim) and e.kind in TOPIC_KINDS and e.key
        ]
        keys = frozenset(e.key for e in inside if e.key != claim.speaker_key)
        places = {e.key: e.text for e in inside if e.key != claim.speaker_key}
        figures = [q for q in article.quantities if _inside(q.start, q.end, claim)]
        refs.append(ClaimRef(article.id, index, claim, keys, places, figures))
    return refs


def pair_score(left: ClaimRef, right: ClaimRef, cosine: float, weights: Weights) -> float:
    """How likely two claims of different versions say the same thing."""
    score = cosine
    mine, theirs = left.claim.speaker_key, right.claim.speaker_key
    if mine and theirs:
        score += weights.same_speaker if mine == theirs else weights.other_speaker
    elif bool(mine) != bool(theirs):
        score += weights.half_attributed
    union = left.keys | right.keys
    shared = len(left.keys & right.keys)
    if union:
        saturation = min(1.0, shared / weights.entity_saturation)
        score += weights.entities * shared / len(union) * saturation
    if left.figure_values & right.figure_values:
        score += weights.shared_figure
    return score


def align(
    articles: Sequence[Article],
    model: Encoder | None = None,
    weights: Weights | None = None,
) -> list[ClaimGroup]:
    """Group the claims of `articles` (versions of one story), best pairs first."""
    refs = [ref for article in articles for ref in claim_refs(article)]
    if not refs:
        return []
    model = model or encoder("auto")
    weights = weights or Weights()
    vectors = model.encode([r.claim.text for r in refs])
    cosines = vectors @ vectors.T
    # Only pairs whose cosine could reach the threshold with every bonus are scored.
    bonus = max(weights.same_speaker, 0.0) + max(weights.entities, 0.0)
    bonus += max(weights.shared_figure, 0.0)
    owners = np.array([r.article for r in refs])
    candidates = np.triu(cosines >= weights.threshold - bonus, k=1)
    candidates &= owners[:, None] != owners[None, :]
    pairs: list[tuple[float, int, int]] = []
    for i, j in np.argwhere(candidates).tolist():
        score = pair_score(refs[i], refs[j], float(cosines[i, j]), weights)
        if score >= weights.threshold:
            pairs.append((score, i, j))
    group_of = np.arange(len(refs))
    holds: dict[int, set[str]] = {i: {refs[i].article} for i in range(len(refs))}
    for _, i, j in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        left, right = int(group_of[i]), int(group_of[j])
        if left == right or holds[left] & holds[right]:
            continue
        group_of[group_of == right] = left
        holds[left] |= holds.pop(right)
    groups: dict[int, ClaimGroup] = {}
    for position, ref in enumerate(refs):
        groups.setdefault(int(group_of[position]), ClaimGroup()).members.append(ref)
    return list(groups.values())
