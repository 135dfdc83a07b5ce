"""Articles by stable id, failures by source, and full-text search over title and text.

The DDL truly differs: SQLite keeps the text once and indexes it with an external-content
FTS5 table kept in sync by triggers; PostgreSQL keeps the Article as jsonb and searches a
generated tsvector column (`simple` plus `unaccent`) through a GIN index.
"""

SQLITE = """
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

# The search index reads at most the first 100,000 characters of a text: a tsvector holds at
# most 1 MB, and 100,000 characters of distinct 3-byte words stay well under it, while the
# longest dev-corpus article (ECB+) has 10,250 characters.
POSTGRES = r"""
-- Words lowercased and, where the unaccent extension can be had, stripped of accents, so
-- "etats" finds "États". Without unaccent (no postgresql-contrib), search keeps accents.
CREATE TEXT SEARCH CONFIGURATION newstrace_search (COPY = simple);

DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS unaccent;
    ALTER TEXT SEARCH CONFIGURATION newstrace_search
        ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
        WITH unaccent, simple;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'newstrace: unaccent unavailable (%), search will not fold accents', SQLERRM;
END
$$;

CREATE TABLE articles (
    id          TEXT COLLATE "C" PRIMARY KEY,   -- pipeline.article_id: stable over re-ingests
    seq         BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,  -- ingest order
    source      TEXT NOT NULL,
    url         TEXT,
    outlet      TEXT,
    title       TEXT,
    byline      TEXT,
    published   TEXT COLLATE "C",               -- ISO 8601 as found; NULL when unknown
    language    TEXT,
    text        TEXT NOT NULL,
    story       TEXT,
    document    JSONB NOT NULL,                 -- the whole Article (Article.to_dict)
    -- The exact JSON when the article holds characters PostgreSQL text cannot (a lone
    -- surrogate from an undecodable byte, NUL); `document` then has U+FFFD in their place.
    exact       TEXT,
    ingested_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    search      TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('newstrace_search', left(coalesce(title, ''), 1000)), 'A')
        || setweight(to_tsvector('newstrace_search', left(text, 100000)), 'B')
    ) STORED
);

CREATE INDEX articles_source ON articles (source);
CREATE INDEX articles_url ON articles (url);
CREATE INDEX articles_story ON articles (story);
CREATE INDEX articles_newest ON articles (published DESC NULLS LAST, seq DESC);
CREATE INDEX articles_search ON articles USING GIN (search);

CREATE TABLE failures (
    source        TEXT PRIMARY KEY,
    seq           BIGINT GENERATED ALWAYS AS IDENTITY,
    reason        TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 1,
    first_attempt TIMESTAMPTZ NOT NULL,
    last_attempt  TIMESTAMPTZ NOT NULL
);
"""
