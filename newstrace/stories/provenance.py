"""Provenance of a story: for each article, the chain from the origin through relays to it.

An article's chain starts with the outlets it cites: first those a speaker told ("told
TASS": the medium of a claim, where the words were first said), then those that relayed
them ("Newsweek n’a pas été en mesure de confirmer": cited media that no claim names as its
medium), each in the order the text names them. An article that derives from an earlier
one continues that one's chain instead (`TASS → A → B` when B rewrites A).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import PurePosixPath

from newstrace.model import Article
from newstrace.store.base import Derivation, ProvenanceEdge


def _first_mention(article: Article, medium: str) -> int:
    position = article.text.find(medium)
    return position if position >= 0 else len(article.text)


def media_chain(article: Article) -> list[str]:
    """The outlets an article got its story from, origin first."""
    told = {c.medium for c in article.claims if c.medium}
    cited = list(dict.fromkeys([*article.media, *sorted(told)]))
    origins = sorted((m for m in cited if m in told), key=lambda m: _first_mention(article, m))
    relays = sorted((m for m in cited if m not in told), key=lambda m: _first_mention(article, m))
    return origins + relays


def label(article: Article) -> str:
    """How an article shows in a chain: its file name, else its URL, else its id."""
    if article.url:
        return article.url
    name = PurePosixPath(article.source.replace("\\", "/")).name
    return name or article.id


def chains(articles: Sequence[Article], derivations: Sequence[Derivation]) -> list[list[str]]:
    """Each article's chain as nodes (medium names and article ids), origin first."""
    by_id = {a.id: a for a in articles}
    parent = {
        d.article_id: d.source_id
        for d in sorted(derivations, key=lambda d: d.score)
        if d.article_id in by_id and d.source_id in by_id
    }
    found: list[list[str]] = []
    for article in articles:
        path = [article.id]
        current = article.id
        while current in parent and parent[current] not in path:
            current = parent[current]
            path.insert(0, current)
        found.append(media_chain(by_id[current]) + path)
    return found


def edges(articles: Sequence[Article], derivations: Sequence[Derivation]) -> list[ProvenanceEdge]:
    """The story's provenance edges, each once, in chain order."""
    kinds = {(d.source_id, d.article_id): d.kind for d in derivations}
    ids = {a.id for a in articles}
    seen: dict[tuple[str, str], str] = {}
    for chain in chains(articles, derivations):
        for source, target in itertools.pairwise(chain):
            if source in ids:
                kind = kinds.get((source, target), "derives")
            else:
                kind = "cites" if target in ids else "relays"
            seen.setdefault((source, target), kind)
    return [ProvenanceEdge(s, t, k) for (s, t), k in seen.items()]


def labelled_chains(
    articles: Sequence[Article], derivations: Sequence[Derivation]
) -> list[list[str]]:
    """Chains for people to read: article ids become file names or URLs."""
    labels = {a.id: label(a) for a in articles}
    return [[labels.get(node, node) for node in chain] for chain in chains(articles, derivations)]
