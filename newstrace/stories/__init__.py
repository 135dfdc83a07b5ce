"""Stories: the articles that tell one event, across outlets and languages.

One module per concern:

- `features`   — what of an article story assignment looks at (title and lead, entity keys,
                 numbers, media, words, time, an embedding)
- `encoders`   — the sentence encoders behind the embedding (multilingual-e5 for stories),
                 loaded once, with a hashed model-free fallback
- `similarity` — the settings (`StoryConfig`) and the TF-IDF arithmetic
- `scorer`     — the pair model: P(same event) from six similarities, fitted on the dev data
- `index`      — the stories by publication time, scored by average linkage, with merges,
                 redirects and a correction step, so assigning one article costs the same at
                 1k or 100k stored and in any arrival order
- `merges`     — merges recorded in the store (articles and members move to the survivor)
- `derive`     — `derives_from` edges: near-copy, rewrite, translation of an earlier article
- `provenance` — per story, the chains from the origin medium through relays to articles
- `service`    — the store-backed verbs: assign on ingest, restory, find a story
"""

from __future__ import annotations

from newstrace.stories.service import assign_story, find_story, restory

__all__ = ["assign_story", "find_story", "restory"]
