"""What one dialect lacked: SQLite the index on `url`, PostgreSQL the members' join order.

`resolve` looks articles up by URL, which PostgreSQL indexed from the start. The story window
is read back in the order its members joined (seen, then join order), which SQLite has as the
rowid; PostgreSQL gets an identity column for it. Members stored before this migration are
numbered in an order PostgreSQL chooses; later ones in the order they join.
"""

SQLITE = """
CREATE INDEX IF NOT EXISTS articles_url ON articles (url);
"""

POSTGRES = """
ALTER TABLE story_members ADD COLUMN seq BIGINT GENERATED ALWAYS AS IDENTITY;
"""
