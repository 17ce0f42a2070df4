-- +goose Up
-- Two rules of the history, each written once (issue 22): the same listen
-- within 30 seconds is stored once, and a stream of 30 seconds or more is a
-- play (less, a skip). The trigger and every merge call these. They are
-- plain SQL functions, which the planner inlines: the range on played_at
-- still reaches the plays' index. history.SameListenWindow is the same 30
-- seconds on the Go side (a test holds them equal).
CREATE FUNCTION euterpe.same_listen_window() RETURNS interval
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN interval '30 seconds';
COMMENT ON FUNCTION euterpe.same_listen_window() IS
'How far apart two listens of one track by one user may end and still be the same listen (stored once): 30 seconds.';

-- STABLE, not IMMUTABLE: timestamptz - interval is STABLE in general, and
-- a function declared stricter than its body is not inlined.
CREATE FUNCTION euterpe.same_listen(a timestamptz, b timestamptz) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN a > b - euterpe.same_listen_window() AND a < b + euterpe.same_listen_window();
COMMENT ON FUNCTION euterpe.same_listen(timestamptz, timestamptz) IS
'Whether listens (of one track by one user) ending at a and b are the same listen: less than same_listen_window() apart.';

CREATE FUNCTION euterpe.counts_as_play(ms_played integer) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ms_played >= 30000;
COMMENT ON FUNCTION euterpe.counts_as_play(integer) IS
'Whether a stream of ms_played milliseconds is a play (30 seconds or more, as Spotify counts a stream) rather than a skip.';

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
      AND euterpe.same_listen(p.played_at, NEW.played_at)
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
DROP FUNCTION euterpe.counts_as_play(integer);
DROP FUNCTION euterpe.same_listen(timestamptz, timestamptz);
DROP FUNCTION euterpe.same_listen_window();
