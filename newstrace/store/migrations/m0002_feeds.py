"""What `newstrace watch` remembers between rounds: each feed's validators, the items seen."""

SQL = """
CREATE TABLE feeds (
    url           TEXT PRIMARY KEY,
    etag          TEXT,                    -- as the feed last answered it; NULL when none
    last_modified TEXT,                    -- the Last-Modified header as sent, not parsed
    last_polled   {timestamp} NOT NULL,    -- UTC
    last_status   TEXT NOT NULL            -- changed, unchanged, or failed: <reason>
);

-- An item whose page failed for a passing reason (5xx, timeout) is not recorded, so the
-- next round tries it again.
CREATE TABLE seen_items (
    link       TEXT PRIMARY KEY,           -- the item's link, or <feed>#<title> without one
    feed       TEXT,                       -- NULL when carried over from a state file
    first_seen {timestamp} NOT NULL,       -- UTC
    outcome    TEXT NOT NULL               -- ingested, duplicate, failed, or imported
);

CREATE INDEX seen_items_feed ON seen_items (feed);
"""
