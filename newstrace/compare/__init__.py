"""Comparing the versions of a story, claim by claim, across languages.

One module per concern:

- `align`     — group the claims of all versions that say the same thing (multilingual
                encoder, speaker keys, entity keys, figures)
- `conflicts` — where the versions disagree: speaker, verification status, figures; and
                figures of different things set side by side without calling them a
                contradiction
- `copies`    — the near-copy signal: a version derived from an earlier one it does not cite
- `versions`  — the comparison document (`newstrace compare STORY`)
- `story_summary` — the story in a few lines, in the reader's language, each line citing
                versions

Compare takes a story's members (articles, derivations) and never reads a store nor imports
`newstrace.stories.service`: `newstrace.facade` finds the members and builds the documents.
"""

from __future__ import annotations

from newstrace.compare.align import align
from newstrace.compare.story_summary import summarize_comparison
from newstrace.compare.versions import compare_story, compare_versions, in_time_order

__all__ = ["align", "compare_story", "compare_versions", "in_time_order", "summarize_comparison"]
