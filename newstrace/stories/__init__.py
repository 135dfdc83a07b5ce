"""Stories: the articles that tell one event, across outlets and languages.

One module per concern:

- `features`   — what of an article story assignment looks at (title and lead, entity keys,
                 numbers, media cited, words, time, an embedding)
- `encoders`   — the sentence encoders behind the embedding, loaded once, with a hashed
                 model-free fallback
- `similarity` — how alike an article and a story are, signal by signal, and their blend
- `index`      — the stories of the time window, with an inverted index and a centroid
                 matrix, so assigning one article costs the same at 1k or 100k stored
- `derive`     — `derives_from` edges: near-copy, rewrite, translation of an earlier article
- `provenance` — per story, the chains from the origin medium through relays to articles
- `service`    — the store-backed verbs: assign on ingest, restory, find a story
"""

from __future__ import annotations

from newstrace.stories.service import assign_story, find_story, restory

__all__ = ["assign_story", "find_story", "restory"]
