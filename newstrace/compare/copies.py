"""The near-copy signal: an article that copies, rewrites or translates an earlier one
without naming it. It needs the store's `derives_from` edges, so it lives beside compare."""

from __future__ import annotations

from collections.abc import Sequence

from newstrace.model import Article, Signal
from newstrace.store.base import Derivation
from newstrace.stories.provenance import label


def cites(article: Article, source: Article) -> bool:
    """Whether `article` names `source`: its outlet, its address or its title."""
    names = [n for n in (source.outlet, source.url, source.title) if n and n.strip()]
    folded = article.text.casefold()
    media = {m.casefold() for m in article.media}
    return any(n.casefold() in media or n.casefold() in folded for n in names)


def uncited_copies(
    articles: Sequence[Article], derivations: Sequence[Derivation]
) -> dict[str, list[Signal]]:
    """Per article id, a `near_copy_uncited` signal for each earlier version it derives from
    without citing it (evidence: what kind of copy, of which article, how close)."""
    by_id = {a.id: a for a in articles}
    found: dict[str, list[Signal]] = {}
    for derivation in derivations:
        article = by_id.get(derivation.article_id)
        source = by_id.get(derivation.source_id)
        if article is None or source is None or cites(article, source):
            continue
        evidence = (
            f"{derivation.kind} of {label(source)} (score {derivation.score:g}), "
            "which it does not name"
        )
        found.setdefault(article.id, []).append(Signal("near_copy_uncited", evidence, None, None))
    return found
