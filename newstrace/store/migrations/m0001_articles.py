"""Articles by stable id, failures by source, and the FTS5 index over title and text."""

SQL = """
CREATE TABLE articles (
    id          TEXT PRIMARY KEY,          -- pipeline.article_id: stable over re-ingests
    seq         INTEGER NOT NULL UNIQUE,   -- ingest order; also the FTS rowid
    source      TEXT NOT NULL,
    url         TEXT,
    outlet      TEXT,
    title       TEXT,
    byline      TEXT,
    published   TEXT,                      -- ISO 8601 as found; NULL when unknown
    language    TEXT,
    text        TEXT NOT NULL,
    story       TEXT,
    document    TEXT NOT NULL,             -- the whole Article as JSON (Article.to_dict)
    ingested_at TEXT NOT NULL
);

CREATE INDEX articles_source ON articles (source);
CREATE INDEX articles_story ON articles (story);
CREATE INDEX articles_newest ON articles (published DESC, seq DESC);

CREATE TABLE failures (
    source        TEXT PRIMARY KEY,
    reason        TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 1,
    first_attempt TEXT NOT NULL,
    last_attempt  TEXT NOT NULL
);

-- External-content index: the text lives once, in articles; triggers keep it in sync.
-- remove_diacritics 2 folds every accent, so "etats" finds "États".
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title,
    text,
    content = 'articles',
    content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.seq, new.title, new.text);
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text)
    VALUES ('delete', old.seq, old.title, old.text);
END;

CREATE TRIGGER articles_fts_update AFTER UPDATE OF seq, title, text ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text)
    VALUES ('delete', old.seq, old.title, old.text);
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.seq, new.title, new.text);
END;
"""
