"""Comparing the versions of a story, claim by claim, across languages.

One module per concern:

- `align`     — group the claims of all versions that say the same thing (multilingual
                encoder, speaker keys, entity keys, figures)
- `conflicts` — where the versions disagree: speaker, verification status, figures; and
                figures of different things set side by side without calling them a
                contradiction
- `copies`    — the near-copy signal: a version derived from an earlier one it does not cite
- `versions`  — the comparison document (`newstrace compare STORY`)
- `summary`   — the story in a few lines, in the reader's language, each line citing versions
"""

from __future__ import annotations

from newstrace.compare.align import align
from newstrace.compare.summary import story_summary
from newstrace.compare.versions import compare_story, compare_versions

__all__ = ["align", "compare_story", "compare_versions", "story_summary"]
