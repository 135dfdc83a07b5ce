"""Articles by stable id (JSON in jsonb), failures by source, full-text search over both."""

# The search index reads at most the first 100,000 characters of a text: a tsvector holds at
# most 1 MB, and 100,000 characters of distinct 3-byte words stay well under it, while the
# longest dev-corpus article (ECB+) has 10,250 characters.
SQL = r"""
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
