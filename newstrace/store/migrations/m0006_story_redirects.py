"""Story ids that stay resolvable: a merged story's id redirects to the story it joined.

When a late article bridges two stories, the smaller is merged into the larger
(`stories.merges`): its members and articles move, its record and provenance go, and a row
here says where its id went. A chain (A into B, then B into C) is kept one step long: every
row pointing at the absorbed story is pointed at the survivor. A restory writes a row for
each old story id that no longer names a story, to the new story holding most of its
articles. Other writers read the rows added since they last looked (SQLite's rowid,
PostgreSQL's `seq`) and merge their in-memory index the same way.
"""

from newstrace.store.migrations import TYPES

_TABLE = """
CREATE TABLE story_redirects (
    from_id     TEXT PRIMARY KEY,          -- a story id no longer in use
    to_id       TEXT NOT NULL,             -- the story it became
    -- when the id went (UTC)
    created_at  {timestamp} NOT NULL{seq}
);

CREATE INDEX story_redirects_to ON story_redirects (to_id);
"""

SQLITE = _TABLE.format(seq="", **TYPES["sqlite"])

POSTGRES = (
    _TABLE.format(seq=",\n    seq         BIGINT GENERATED ALWAYS AS IDENTITY", **TYPES["postgres"])
    + "\nCREATE INDEX story_redirects_order ON story_redirects (seq);\n"
)
