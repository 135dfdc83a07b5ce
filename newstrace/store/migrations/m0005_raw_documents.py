"""What ingest needs to skip work and to share stories with other writers.

`raw_documents`: each document read, by a hash of its raw content and of how it was read,
with the article it gave (or, for a failure that another try would repeat, its reason and
what decided it), so a document already stored is known before any analysis.

`store_counters`: numbers that only grow; `stories_cleared` counts the times every story was
forgotten (`restory`), so a process holding a story index in memory knows to rebuild it
rather than read on from where it last looked. That process reads the members saved since by
their join order (SQLite's rowid, PostgreSQL's `seq`), which PostgreSQL now indexes.
"""

from newstrace.store.migrations import TYPES

_SHARED = """
CREATE TABLE raw_documents (
    hash        TEXT PRIMARY KEY,          -- ingestion.raw_hash: content and how it was read
    article_id  TEXT,                      -- the article it gave; NULL: it failed
    source      TEXT NOT NULL,             -- where it was read first
    reason      TEXT,                      -- why it failed; NULL for an article
    decided_by  TEXT,                      -- fingerprint of the version and settings that failed it
    first_seen  {timestamp} NOT NULL       -- UTC
);

CREATE INDEX raw_documents_article ON raw_documents (article_id);

CREATE TABLE store_counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
"""

SQLITE = _SHARED.format(**TYPES["sqlite"])

_MEMBER_ORDER = """
CREATE INDEX story_members_order ON story_members (seq);
"""

POSTGRES = _SHARED.format(**TYPES["postgres"]) + _MEMBER_ORDER
