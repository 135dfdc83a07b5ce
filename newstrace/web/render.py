"""Article text as plain data for the templates: paragraphs of marked segments, hit parts.

Nothing here builds HTML. The templates escape every piece of text (Jinja2 autoescaping), so
hostile article text stays text; this module only decides where a claim, a speaker or a cue
begins and ends, and which words of a search snippet are hits.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from newstrace.facade import headline
from newstrace.model import Article, Claim

CLAIM_TYPE_LABELS = {
    "direct": "direct quote",
    "indirect": "indirect speech",
    "according_to": "according to",
    "verification": "verification statement",
    "weasel": "nameless source",
    "unattributed": "unattributed assertion",
}


@dataclass(frozen=True)
class Segment:
    """A run of text with the same marks: claim content, speaker, cue (any may be absent)."""

    text: str
    claim: int | None = None
    roles: tuple[str, ...] = ()

    @property
    def classes(self) -> str:
        """CSS classes for the run: `claim type-… status-…`, plus `speaker`/`cue`."""
        return " ".join(self.roles)


@dataclass(frozen=True)
class Paragraph:
    segments: list[Segment] = field(default_factory=list)


@dataclass(frozen=True)
class HitPart:
    """A piece of a search snippet; `hit` when the store marked it as matching the query."""

    text: str
    hit: bool


def title_of(article: Article) -> str:
    """The article's title, or its first words when it has none."""
    return headline(article)


def claim_label(claim: Claim) -> str:
    """One line describing a claim for a tooltip: type, status, speaker, cue, medium."""
    parts = [CLAIM_TYPE_LABELS.get(claim.type, claim.type), claim.status]
    if claim.speaker:
        parts.append(f"speaker: {claim.speaker}")
    if claim.cue:
        parts.append(f"cue: {claim.cue}")
    if claim.medium:
        parts.append(f"via: {claim.medium}")
    if claim.hedges:
        parts.append("hedges: " + ", ".join(claim.hedges))
    return " · ".join(parts)


def safe_href(url: str | None) -> str | None:
    """A link target only for http(s) URLs: `javascript:` and other schemes never link."""
    if not url:
        return None
    url = url.strip()
    if re.match(r"https?://[^\s]+$", url, re.IGNORECASE):
        return url
    return None


def css_word(value: str) -> str:
    """A type or status as a safe CSS class word (stored values are data, not markup)."""
    return re.sub(r"[^a-z0-9_-]", "-", value.lower())[:40] or "unknown"


def _valid(start: int | None, end: int | None, length: int) -> tuple[int, int] | None:
    """A span clipped to the text, or None when it is missing or empty."""
    if start is None or end is None:
        return None
    start, end = max(0, start), min(length, end)
    return (start, end) if start < end else None


def paragraphs(article: Article) -> list[Paragraph]:
    """The clean text as paragraphs (one per non-blank line), with claims marked in place.

    Overlapping spans are cut into runs at every boundary, so a speaker inside a claim's
    content is both; when two claims overlap, the run belongs to the one that starts later
    (the inner one).
    """
    text = article.text
    length = len(text)
    marks: list[tuple[int, int, int, str]] = []  # start, end, claim index, role
    for index, claim in enumerate(article.claims):
        for role, span in (
            ("claim", _valid(claim.start, claim.end, length)),
            ("speaker", _valid(claim.speaker_start, claim.speaker_end, length)),
            ("cue", _valid(claim.cue_start, claim.cue_end, length)),
        ):
            if span is not None:
                marks.append((span[0], span[1], index, role))
    cuts = {0, length}
    for start, end, _, _ in marks:
        cuts.update((start, end))
    for match in re.finditer(r"\n", text):
        cuts.update((match.start(), match.end()))
    bounds = sorted(cuts)

    result: list[Paragraph] = []
    current: list[Segment] = []
    for left, right in itertools.pairwise(bounds):
        piece = text[left:right]
        if piece == "\n":
            if any(s.text.strip() for s in current):
                result.append(Paragraph(current))
            current = []
            continue
        active = [m for m in marks if m[0] <= left and right <= m[1]]
        current.append(_segment(piece, active, article.claims))
    if any(s.text.strip() for s in current):
        result.append(Paragraph(current))
    return result


def _segment(piece: str, active: list[tuple[int, int, int, str]], claims: list[Claim]) -> Segment:
    """One run of text with the classes of the marks covering it."""
    if not active:
        return Segment(piece)
    contents = [m for m in active if m[3] == "claim"]
    owner = max(contents or active, key=lambda m: (m[0], -m[1]))[2]
    claim = claims[owner]
    roles: list[str] = []
    if contents:
        roles += ["claim", f"type-{css_word(claim.type)}", f"status-{css_word(claim.status)}"]
    roles += sorted({m[3] for m in active if m[3] != "claim"})
    return Segment(piece, claim=owner, roles=tuple(roles))


_HIT = re.compile(r"\[([^\[\]]*)\]")


def snippet_parts(snippet: str) -> list[HitPart]:
    """A store snippet split into plain parts and hits (the store marks hits `[like this]`)."""
    parts: list[HitPart] = []
    position = 0
    for match in _HIT.finditer(snippet):
        if match.start() > position:
            parts.append(HitPart(snippet[position : match.start()], False))
        if match.group(1):
            parts.append(HitPart(match.group(1), True))
        position = match.end()
    if position < len(snippet):
        parts.append(HitPart(snippet[position:], False))
    return parts


def short_date(published: str | None) -> str:
    """The day of an ISO date-time ("2023-03-02T10:00:00Z" → "2023-03-02"), else as given."""
    if not published:
        return ""
    match = re.match(r"\d{4}-\d{2}-\d{2}", published)
    return match.group(0) if match else published.strip()[:32]


def moment(value: str | None) -> str:
    """An ISO date-time as day and minute ("2023-03-02T10:00:00Z" → "2023-03-02 10:00")."""
    if not value:
        return ""
    match = re.match(r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}))?", value)
    if match is None:
        return value.strip()[:32]
    return " ".join(part for part in match.groups() if part)
