"""Where versions disagree: within a claim group, and between the figures of a story.

Within a group: a changed speaker, a different verification status (one version marks a
claim unconfirmed, another states it), different figures. Across groups, figures of
different versions that count alike things are set side by side, and called a
contradiction only when they count the same thing (same claim group, same speaker);
otherwise they are different counts of different things, and the output says why.
"""

from __future__ import annotations

from typing import Any

from newstrace.compare.align import ClaimGroup, ClaimRef, figure_label
from newstrace.stories.encoders import Encoder

# Figures of two versions are set side by side when what they count is alike: the cosine
# of their counted nouns, or of their claims when a noun is missing. On the seed story,
# "volontaires étrangers" vs "volunteers" scores 0.68, the claims around "20 000" and
# "thousands" 0.48, while "deux côtés" scores under 0.3 against every other figure.
ALIKE_UNITS = 0.5
ALIKE_CLAIMS = 0.45
# Statuses that say something about verification (unattributed is a speaker matter).
VERIFICATION = frozenset({"attributed", "unconfirmed", "disputed", "denied", "confirmed"})


def _who(ref: ClaimRef) -> str:
    return ref.claim.speaker or "no named source"


def group_conflicts(group: ClaimGroup) -> list[dict[str, Any]]:
    """The disagreements between the versions carrying one claim group."""
    found: list[dict[str, Any]] = []
    members = group.members
    keys = {m.claim.speaker_key for m in members}
    if len(keys) > 1:
        found.append(
            {
                "kind": "speaker",
                "speakers": {m.article: m.claim.speaker for m in members},
                "contradiction": False,
                "text": "speaker changed: "
                + "; ".join(f"{_who(m)} in {m.article}" for m in members),
            }
        )
    statuses = {m.article: m.claim.status for m in members if m.claim.status in VERIFICATION}
    if len(set(statuses.values())) > 1:
        found.append(
            {
                "kind": "status",
                "statuses": statuses,
                "contradiction": True,
                "text": "; ".join(f"{a} marks it {s}" for a, s in statuses.items()),
            }
        )
    figured = [m for m in members if m.figures]
    labels = {m.article: sorted(m.figure_values) for m in figured}
    if len(figured) > 1 and len({tuple(v) for v in labels.values()}) > 1:
        same_speaker = len({m.claim.speaker_key for m in figured}) == 1
        found.append(
            {
                "kind": "figures",
                "figures": {m.article: [q.text for q in m.figures] for m in figured},
                "contradiction": same_speaker,
                "text": (
                    "the same speaker gives different figures for the same claim"
                    if same_speaker
                    else "different speakers give these figures"
                ),
            }
        )
    return found


def figure_comparisons(
    groups: list[tuple[str, ClaimGroup]], model: Encoder
) -> list[dict[str, Any]]:
    """Figures of different versions about alike things, each set with its verdict."""
    items = [
        (name, ref, quantity)
        for name, group in groups
        for ref in group.members
        for quantity in ref.figures
    ]
    if len(items) < 2:
        return []
    units = model.encode([q.unit or q.text for _, _, q in items])
    claims = model.encode([r.claim.text for _, r, _ in items])
    unit_cos = units @ units.T
    claim_cos = claims @ claims.T
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if items[i][1].article == items[j][1].article:
                continue
            if figure_label(items[i][2]) == figure_label(items[j][2]):
                continue
            alike = unit_cos[i, j] >= ALIKE_UNITS or claim_cos[i, j] >= ALIKE_CLAIMS
            if alike:
                parent[root(j)] = root(i)
    clusters: dict[int, list[int]] = {}
    for i in range(len(items)):
        clusters.setdefault(root(i), []).append(i)
    found: list[dict[str, Any]] = []
    for members in clusters.values():
        if len({items[i][1].article for i in members}) < 2:
            continue
        listed = [
            {
                "article": items[i][1].article,
                "group": items[i][0],
                "text": items[i][2].text,
                "value": items[i][2].value,
                "counts": items[i][2].unit,
                "speaker": items[i][1].claim.speaker,
                "status": items[i][1].claim.status,
            }
            for i in members
        ]
        same_group = len({entry["group"] for entry in listed}) == 1
        speakers = {items[i][1].claim.speaker_key or items[i][1].claim.speaker for i in members}
        same_thing = same_group and len(speakers) == 1
        text = (
            "the same speaker's figures for one claim differ between versions"
            if same_thing
            else "not a contradiction, different counts of different things: "
            + "; ".join(
                f"{e['text']} ({e['counts'] or 'count'}) from {e['speaker'] or 'no named source'}"
                for e in listed
            )
        )
        found.append(
            {"figures": listed, "same_thing": same_thing, "contradiction": same_thing, "text": text}
        )
    return found
