-- +goose Up
-- Imports of Spotify's privacy exports: years of history that recently-played
-- could never reach.

-- One upload and what became of it. At most one import per user is being
-- uploaded (a browser sends an export in pieces, each well within Heroku's
-- 30-second cut), queued or running.
CREATE TABLE euterpe.imports (
    id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         uuid        NOT NULL REFERENCES euterpe.users (id) ON DELETE CASCADE,
    state           text        NOT NULL DEFAULT 'queued'
        CHECK (state IN ('uploading', 'queued', 'running', 'done', 'failed', 'cancelled', 'deleting')),
    -- What was uploaded: a zip's name, or the files' names.
    upload_name     text        NOT NULL CHECK (upload_name <> ''),
    upload_bytes    bigint      NOT NULL CHECK (upload_bytes >= 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    finished_at     timestamptz,
    -- Progress: the bytes of history files read so far of all of them.
    bytes_total     bigint      NOT NULL DEFAULT 0,
    bytes_done      bigint      NOT NULL DEFAULT 0,
    rows_read       bigint      NOT NULL DEFAULT 0,
    -- Then the merge's steps: the catalogue, each month of plays, the rest.
    merge_steps     integer     NOT NULL DEFAULT 0,
    merge_done      integer     NOT NULL DEFAULT 0,
    -- The result.
    plays_added     bigint      NOT NULL DEFAULT 0,
    already_present bigint      NOT NULL DEFAULT 0,
    skips           bigint      NOT NULL DEFAULT 0,
    episodes        bigint      NOT NULL DEFAULT 0,
    unmatched       bigint      NOT NULL DEFAULT 0,
    unknown_rows    bigint      NOT NULL DEFAULT 0,
    first_played    timestamptz,
    last_played     timestamptz,
    -- Each file: {"name","kind","rows","status"}.
    files           jsonb       NOT NULL DEFAULT '[]',
    error           text
);
CREATE UNIQUE INDEX imports_one_active_idx ON euterpe.imports (user_id) WHERE state IN ('uploading', 'queued', 'running');
CREATE INDEX imports_user_id_idx ON euterpe.imports (user_id, created_at DESC);

-- The uploaded bytes, in chunks, until the import has read them: a dyno's
-- disk is its own and is wiped on restart, so the worker that imports (maybe
-- on another dyno) reads the upload from here.
CREATE TABLE euterpe.import_uploads (
    import_id uuid    NOT NULL REFERENCES euterpe.imports (id) ON DELETE CASCADE,
    file_no   integer NOT NULL,
    chunk_no  integer NOT NULL,
    name      text    NOT NULL,
    data      bytea   NOT NULL,
    PRIMARY KEY (import_id, file_no, chunk_no)
);

-- Rows read from an export, COPYed here and merged into the history in one
-- transaction. Unlogged: a crash of the database empties it, and the
-- import then starts over from the upload.
CREATE UNLOGGED TABLE euterpe.import_rows (
    import_id     uuid        NOT NULL,
    row_no        bigint      NOT NULL,
    kind          smallint    NOT NULL, -- 1 music, 2 episode, 3 audiobook
    ended_at      timestamptz NOT NULL,
    precise       boolean     NOT NULL, -- false: to the minute (account data)
    ms_played     integer     NOT NULL,
    spotify_id    text        NOT NULL, -- the track's or episode's id, '' when none
    title         text        NOT NULL, -- track, episode or chapter
    artist        text        NOT NULL, -- artist, show or audiobook
    album         text        NOT NULL,
    title_key     text        NOT NULL, -- normalised title + artist, for matching
    artist_key    text        NOT NULL,
    album_key     text        NOT NULL
);
CREATE INDEX import_rows_import_idx ON euterpe.import_rows (import_id, ended_at);

-- Which import a play came from (NULL for polled plays): deleting an import
-- deletes exactly its plays.
ALTER TABLE euterpe.plays ADD COLUMN import_id uuid;
CREATE INDEX plays_import_id_idx ON euterpe.plays (import_id) WHERE import_id IS NOT NULL;

-- Listens of under 30 seconds: skips, not plays (Spotify counts a stream
-- from 30 seconds on). Kept for what they say about taste.
CREATE TABLE euterpe.skips (
    user_id   uuid        NOT NULL REFERENCES euterpe.users (id) ON DELETE CASCADE,
    played_at timestamptz NOT NULL,
    track_id  bigint      NOT NULL REFERENCES euterpe.tracks (id),
    ms_played integer     NOT NULL,
    import_id uuid,
    PRIMARY KEY (user_id, track_id, played_at)
);
CREATE INDEX skips_import_id_idx ON euterpe.skips (import_id) WHERE import_id IS NOT NULL;

-- Podcast episodes and audiobook chapters, apart from music.
CREATE TABLE euterpe.spoken_plays (
    user_id    uuid        NOT NULL REFERENCES euterpe.users (id) ON DELETE CASCADE,
    played_at  timestamptz NOT NULL,
    kind       text        NOT NULL CHECK (kind IN ('episode', 'chapter')),
    show       text        NOT NULL, -- the podcast or the audiobook
    title      text        NOT NULL, -- the episode or the chapter
    spotify_id text,
    ms_played  integer     NOT NULL,
    import_id  uuid,
    PRIMARY KEY (user_id, played_at, kind, title)
);
CREATE INDEX spoken_plays_import_id_idx ON euterpe.spoken_plays (import_id) WHERE import_id IS NOT NULL;

-- Catalogue rows known only by name (account data names no ids, extended
-- history names no artist ids): a normalised name to find them by. A row
-- without a Spotify id is unique by its key; Spotify's data, when it names
-- the same track, artist or album, claims the row (keeping its id, so plays
-- and summaries stay put).
ALTER TABLE euterpe.artists ADD COLUMN name_key text;
ALTER TABLE euterpe.albums ADD COLUMN name_key text;
ALTER TABLE euterpe.tracks ADD COLUMN name_key text;
CREATE UNIQUE INDEX artists_unresolved_key_idx ON euterpe.artists (name_key) WHERE spotify_id IS NULL;
CREATE UNIQUE INDEX albums_unresolved_key_idx ON euterpe.albums (name_key) WHERE spotify_id IS NULL;
CREATE UNIQUE INDEX tracks_unresolved_key_idx ON euterpe.tracks (name_key) WHERE spotify_id IS NULL;
CREATE INDEX tracks_name_key_idx ON euterpe.tracks (name_key);
CREATE INDEX artists_name_key_idx ON euterpe.artists (name_key);
CREATE INDEX albums_name_key_idx ON euterpe.albums (name_key);
-- When Spotify's search last looked for a name-only track (a track not
-- found is looked for again a month later), and the Spotify track it turned
-- out to be when that track was already in the catalogue: each user's plays
-- of it move there (resolved_to stays, for users whose plays move later).
ALTER TABLE euterpe.tracks ADD COLUMN searched_at timestamptz,
    ADD COLUMN resolved_to bigint REFERENCES euterpe.tracks (id);

-- An import's own duplicate check: its merge compares its rows with the
-- stored plays in one statement, under the user's lock, and tells the
-- per-row check to stand aside for that statement (the rule is the same).
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION euterpe.plays_skip_duplicate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('euterpe.checked_plays', true) = 'on' THEN
        RETURN NEW;
    END IF;
    PERFORM euterpe.lock_user_plays(NEW.user_id);
    IF EXISTS (
        SELECT 1 FROM euterpe.plays p
        WHERE p.user_id = NEW.user_id
          AND p.track_id = NEW.track_id
          AND p.played_at > NEW.played_at - interval '30 seconds'
          AND p.played_at < NEW.played_at + interval '30 seconds'
    ) THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION euterpe.plays_skip_duplicate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM euterpe.lock_user_plays(NEW.user_id);
    IF EXISTS (
        SELECT 1 FROM euterpe.plays p
        WHERE p.user_id = NEW.user_id
          AND p.track_id = NEW.track_id
          AND p.played_at > NEW.played_at - interval '30 seconds'
          AND p.played_at < NEW.played_at + interval '30 seconds'
    ) THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
ALTER TABLE euterpe.tracks DROP COLUMN resolved_to, DROP COLUMN searched_at;
DROP INDEX euterpe.albums_name_key_idx;
DROP INDEX euterpe.artists_name_key_idx;
DROP INDEX euterpe.tracks_name_key_idx;
DROP INDEX euterpe.tracks_unresolved_key_idx;
DROP INDEX euterpe.albums_unresolved_key_idx;
DROP INDEX euterpe.artists_unresolved_key_idx;
ALTER TABLE euterpe.tracks DROP COLUMN name_key;
ALTER TABLE euterpe.albums DROP COLUMN name_key;
ALTER TABLE euterpe.artists DROP COLUMN name_key;
DROP TABLE euterpe.spoken_plays;
DROP TABLE euterpe.skips;
DROP INDEX euterpe.plays_import_id_idx;
ALTER TABLE euterpe.plays DROP COLUMN import_id;
DROP TABLE euterpe.import_rows;
DROP TABLE euterpe.import_uploads;
DROP TABLE euterpe.imports;
