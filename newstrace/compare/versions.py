"""Version comparison of a story: which version carries each claim group and how, what each
version carries alone, where they disagree, and what a rewrite added without a source.

The library behind `newstrace compare STORY` and the story page of the web reader: it takes
a story's members (its articles and their derivations), never a store; `newstrace.facade`
finds them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from newstrace.compare.align import ClaimGroup, ClaimRef, align, figure_label
from newstrace.compare.conflicts import figure_comparisons, group_conflicts
from newstrace.compare.copies import uncited_copies
from newstrace.model import Article
from newstrace.store.base import Derivation
from newstrace.stories.encoders import Encoder, encoder
from newstrace.stories.features import parse_time

# Claim types that name no source: a version carrying such a group alone has padded the
# story with commentary nobody in particular said.
UNSOURCED_TYPES = frozenset({"weasel", "unattributed"})


def in_time_order(articles: Sequence[Article]) -> list[Article]:
    """Oldest first by publication time; undated ones after, in ingest order."""
    undated = [a for a in reversed(articles) if parse_time(a.published) is None]
    dated = sorted(
        (a for a in articles if parse_time(a.published) is not None),
        key=lambda a: parse_time(a.published) or 0.0,
    )
    return dated + undated


def _carried(ref: ClaimRef) -> dict[str, Any]:
    claim = ref.claim
    return {
        "text": claim.text,
        "status": claim.status,
        "type": claim.type,
        "speaker": claim.speaker,
        "speaker_key": claim.speaker_key,
        "medium": claim.medium,
        "figures": [q.text for q in ref.figures],
        "start": claim.start,
        "end": claim.end,
    }


def _adds(group: ClaimGroup) -> dict[str, dict[str, list[str]]]:
    """What each version's wording of a shared claim names that the others' do not."""
    if len(group.members) < 2:
        return {}
    found: dict[str, dict[str, list[str]]] = {}
    for ref in group.members:
        others = [o for o in group.members if o is not ref]
        other_keys = frozenset().union(*(o.keys for o in others))
        other_figures = frozenset().union(*(o.figure_values for o in others))
        entities = [text for key, text in ref.places.items() if key not in other_keys]
        figures = [q.text for q in ref.figures if figure_label(q) not in other_figures]
        if entities or figures:
            found[ref.article] = {"entities": entities, "figures": figures}
    return found


def _unsourced(group: ClaimGroup) -> bool:
    """No version names a source for it (a writer's verification statement is not a claim)."""
    return all(
        m.claim.type in UNSOURCED_TYPES or (not m.claim.speaker and m.claim.type != "verification")
        for m in group.members
    )


def _order(groups: list[ClaimGroup], rank: dict[str, int]) -> list[ClaimGroup]:
    """Most widely carried first, then in the order the earliest version tells them."""
    return sorted(
        groups,
        key=lambda g: (
            -len(g.members),
            min((rank[m.article], m.claim.start) for m in g.members),
        ),
    )


def _speakers(versions: Sequence[Article]) -> list[dict[str, Any]]:
    """Named speakers, with how each version names them, their role and the media they told."""
    table: dict[str, dict[str, Any]] = {}
    for article in versions:
        for claim in article.claims:
            if not claim.speaker_key:
                continue
            entry = table.setdefault(
                claim.speaker_key,
                {"key": claim.speaker_key, "name": claim.speaker, "versions": {}},
            )
            seen = entry["versions"].setdefault(
                article.id, {"name": claim.speaker, "role": None, "media": [], "claims": 0}
            )
            seen["claims"] += 1
            seen["role"] = seen["role"] or claim.role
            if claim.medium and claim.medium not in seen["media"]:
                seen["media"].append(claim.medium)
    return sorted(table.values(), key=lambda s: -len(s["versions"]))


def compare_versions(
    versions: Sequence[Article],
    story: str | None = None,
    model: Encoder | None = None,
    signals: dict[str, list[dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """The comparison document of some versions of one story (oldest first)."""
    model = model or encoder("auto")
    rank = {a.id: position for position, a in enumerate(versions)}
    groups = _order(align(versions, model), rank)
    named = [(f"g{n}", g) for n, g in enumerate(groups, start=1)]
    documents: list[dict[str, Any]] = []
    only_in: dict[str, list[str]] = {a.id: [] for a in versions}
    padding: dict[str, list[str]] = {a.id: [] for a in versions}
    for name, group in named:
        members = sorted(group.members, key=lambda m: rank[m.article])
        first = members[0].claim
        documents.append(
            {
                "group": name,
                "text": first.text,
                "speaker": first.speaker,
                "versions": [m.article for m in members],
                "carried_by": {m.article: _carried(m) for m in members},
                "adds": _adds(group),
                "unsourced": _unsourced(group),
                "conflicts": group_conflicts(ClaimGroup(members)),
            }
        )
        if len(versions) > 1 and len(members) == 1:
            only_in[members[0].article].append(name)
            if _unsourced(group):
                padding[members[0].article].append(name)
    return {
        "story": story,
        "versions": [a.id for a in versions],
        "languages": {a.id: a.language for a in versions},
        "claims": documents,
        "only_in": only_in,
        "padding": {a: g for a, g in padding.items() if g},
        "figures": figure_comparisons(named, model),
        "speakers": _speakers(versions),
        "signals": signals or {},
    }


def compare_story(
    versions: Sequence[Article],
    story: str | None,
    derivations: Sequence[Derivation] = (),
    model: Encoder | None = None,
) -> dict[str, Any]:
    """The `compare --json` document of a story's members: versions oldest first, and the
    derivations among them (a version copied without citing its source is a signal)."""
    copies = uncited_copies(versions, list(derivations))
    signals = {
        a.id: [dataclasses.asdict(s) for s in [*a.signals, *copies.get(a.id, [])]] for a in versions
    }
    return compare_versions(versions, story, model, signals=signals)
