-- +goose Up
-- The distinct names and ids an import's music rows carry, staged once per
-- import (a million rows name a few thousand tracks): the catalogue steps of
-- the merge read these instead of sorting every row again, five times.
-- first_row is the first row naming the combination, so each step still
-- takes a name's spelling from the first row that has it. Staging, like
-- import_rows: unlogged, emptied when the import ends.
CREATE UNLOGGED TABLE euterpe.import_names (
    import_id  uuid   NOT NULL,
    first_row  bigint NOT NULL,
    spotify_id text   NOT NULL,
    title      text   NOT NULL,
    title_key  text   NOT NULL,
    artist     text   NOT NULL,
    artist_key text   NOT NULL,
    album      text   NOT NULL,
    album_key  text   NOT NULL
);
CREATE INDEX import_names_import_idx ON euterpe.import_names (import_id);

-- +goose Down
DROP TABLE euterpe.import_names;
