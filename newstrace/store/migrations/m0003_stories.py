"""Stories: their records, each article's membership and features, derives_from, provenance."""

SQL = """
CREATE TABLE stories (
    id         TEXT PRIMARY KEY,           -- the id of the story's first article
    title      TEXT,
    languages  TEXT NOT NULL DEFAULT '[]', -- JSON list, most articles first
    articles   INTEGER NOT NULL DEFAULT 0,
    first_seen TEXT,                       -- ISO 8601, UTC
    last_seen  TEXT,
    updated_at TEXT NOT NULL
);

CREATE INDEX stories_recent ON stories (last_seen DESC);

-- One row per assigned article: the features the story index is rebuilt from (the time
-- window's rows only), so a new process needs neither the models nor the article texts.
CREATE TABLE story_members (
    article_id TEXT PRIMARY KEY,
    story      TEXT NOT NULL,
    seen       {real},                     -- seconds since 1970: published, else assigned
    score      {real},                     -- margin over the join threshold; NULL: started it
    features   TEXT NOT NULL               -- StoryFeatures.to_json()
);

CREATE INDEX story_members_story ON story_members (story);
CREATE INDEX story_members_seen ON story_members (seen);

CREATE TABLE derives_from (
    article_id TEXT NOT NULL,              -- the later article
    source_id  TEXT NOT NULL,              -- the earlier article it copies, rewrites or translates
    kind       TEXT NOT NULL,              -- copy | rewrite | translation
    score      {real} NOT NULL,
    PRIMARY KEY (article_id, source_id)
);

CREATE INDEX derives_from_source ON derives_from (source_id);

CREATE TABLE provenance (
    story    TEXT NOT NULL,
    position INTEGER NOT NULL,
    source   TEXT NOT NULL,                -- a medium's name or an article id
    target   TEXT NOT NULL,
    kind     TEXT NOT NULL,                -- relays | cites | copy | rewrite | translation
    PRIMARY KEY (story, position)
);
"""
