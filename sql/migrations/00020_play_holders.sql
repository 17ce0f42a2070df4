-- +goose Up
-- A play belongs to every import that contained it, and to the poll if the
-- poller saw it (issue 21, item 4). plays.import_id stays the play's owner
-- (NULL: the poll): the import, or the poll, that stored it. Everything
-- else that met the same listen later (the 30-second rule found it stored)
-- is listed here, so deleting an import removes only the plays no remaining
-- import and no poll holds: a play another holder has passes to it. A new
-- play costs nothing here; only a listen met again does (one row).
CREATE TABLE euterpe.play_holders (
    user_id   uuid        NOT NULL,
    track_id  bigint      NOT NULL,
    played_at timestamptz NOT NULL,
    -- NULL: the poll.
    import_id uuid REFERENCES euterpe.imports (id) ON DELETE CASCADE,
    -- A resolved track moves its plays (UPDATE of track_id): their holders
    -- follow; a play deleted takes its holders with it.
    FOREIGN KEY (user_id, track_id, played_at) REFERENCES euterpe.plays (user_id, track_id, played_at)
        ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT play_holders_key UNIQUE NULLS NOT DISTINCT (user_id, track_id, played_at, import_id)
);
CREATE INDEX play_holders_import_idx ON euterpe.play_holders (import_id);

-- The per-row duplicate check (00013) also records who met a stored play
-- again: the poll seeing a listen an import stored first holds it too. The
-- merges of imports do their own check (euterpe.checked_plays) and record
-- their holders themselves.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION euterpe.plays_skip_duplicate() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    held euterpe.plays;
BEGIN
    IF current_setting('euterpe.checked_plays', true) = 'on' THEN
        RETURN NEW;
    END IF;
    PERFORM euterpe.lock_user_plays(NEW.user_id);
    SELECT * INTO held FROM euterpe.plays p
    WHERE p.user_id = NEW.user_id
      AND p.track_id = NEW.track_id
      AND p.played_at > NEW.played_at - interval '30 seconds'
      AND p.played_at < NEW.played_at + interval '30 seconds'
    LIMIT 1;
    IF FOUND THEN
        IF held.import_id IS DISTINCT FROM NEW.import_id THEN
            INSERT INTO euterpe.play_holders (user_id, track_id, played_at, import_id)
            VALUES (held.user_id, held.track_id, held.played_at, NEW.import_id)
            ON CONFLICT DO NOTHING;
        END IF;
        RETURN NULL;
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- (plays_skip_duplicate as 00013 made it.)
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
DROP TABLE euterpe.play_holders;
