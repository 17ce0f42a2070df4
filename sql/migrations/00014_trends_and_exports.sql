-- +goose Up
-- Trends over time: a daily snapshot of each user's top lists as Spotify
-- ranks them, and Euterpe's own export brought back by the importer.

-- One snapshot per user per local day (in the user's time zone when it was
-- taken): Spotify's three top lists of tracks and of artists, each the
-- catalogue ids of its items in rank order (50 at most: 400 bytes). A list
-- is NULL until it is fetched and '{}' when Spotify had nothing in it; the
-- job fills the lists it could fetch and comes back for the rest (the
-- shared Spotify budget may run dry between two calls). The primary key
-- makes a second snapshot of the same day impossible, however many
-- processes take one: every write is an upsert that only fills a list
-- still missing, so two runs racing store one snapshot, whichever list
-- each fetched first.
CREATE TABLE euterpe.top_snapshots (
    user_id        uuid        NOT NULL REFERENCES euterpe.users (id) ON DELETE CASCADE,
    day            date        NOT NULL,
    taken_at       timestamptz NOT NULL,
    tracks_short   bigint[],
    tracks_medium  bigint[],
    tracks_long    bigint[],
    artists_short  bigint[],
    artists_medium bigint[],
    artists_long   bigint[],
    PRIMARY KEY (user_id, day)
);

-- Euterpe's own export (history.json in "Download my data"), imported
-- back: its rows are staged with kind 4 ("music from a Euterpe export") and
-- carry what Spotify's exports do not: whether the listen was counted as a
-- play (a poll counts a short play; Spotify's exports make anything under
-- 30 s a skip), whether the time heard is known, where playback started,
-- and the track as the catalogue knows it (Spotify ids of the track, its
-- album and every artist, length, release date, pictures), so that the
-- history comes back exactly as it was.
ALTER TABLE euterpe.import_rows
    ADD COLUMN is_play     boolean,
    ADD COLUMN ms_known    boolean,
    ADD COLUMN context_uri text,
    ADD COLUMN track       jsonb;

-- Exports read a user's listens in time order, a page at a time: plays and
-- spoken plays have an index that starts so; skips get one.
CREATE INDEX skips_user_id_played_at_idx ON euterpe.skips (user_id, played_at);

-- The song of each day: the track a user played most on each local day (in
-- their summary zone), for the year in review's "song most played in one
-- day" without counting a year of plays (a heavy listener's year has more
-- than 200,000, nearly as many distinct track-days). One row a day with
-- plays: the most plays, then the lowest track id. Triggers keep it exact
-- whatever changes the plays: an insert, a delete (an import undone), an
-- update (a name-only track resolved), and a change of the summaries' zone
-- each recount the days they touch, from the plays themselves.
CREATE TABLE euterpe.day_top_tracks (
    user_id   uuid    NOT NULL REFERENCES euterpe.users (id) ON DELETE CASCADE,
    day       date    NOT NULL,
    track_id  bigint  NOT NULL REFERENCES euterpe.tracks (id),
    plays     integer NOT NULL,
    ms_played bigint  NOT NULL,
    PRIMARY KEY (user_id, day)
);

-- recount_day_tops sets the user's top track of each of days from their
-- plays. A local day spans at most 14 hours either side of its UTC day,
-- so the plays of two UTC days around it are read through the index and
-- filtered on the local date.
-- +goose StatementBegin
CREATE FUNCTION euterpe.recount_day_tops(uid uuid, days date[]) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM euterpe.day_top_tracks WHERE user_id = uid AND day = ANY(days);
    INSERT INTO euterpe.day_top_tracks (user_id, day, track_id, plays, ms_played)
    SELECT DISTINCT ON (d.day) uid, d.day, p.track_id, count(*), sum(COALESCE(p.ms_played, t.duration_ms, 0))
    FROM unnest(days) AS d(day)
    CROSS JOIN (SELECT COALESCE((SELECT pr.summary_time_zone FROM euterpe.user_preferences pr WHERE pr.user_id = uid), 'UTC') AS name) AS zone
    JOIN euterpe.plays p
      ON p.user_id = uid
     AND p.played_at >= (d.day - 1)::timestamp AT TIME ZONE 'UTC'
     AND p.played_at < (d.day + 2)::timestamp AT TIME ZONE 'UTC'
     AND (p.played_at AT TIME ZONE zone.name)::date = d.day
    JOIN euterpe.tracks t ON t.id = p.track_id
    GROUP BY d.day, p.track_id
    ORDER BY d.day, count(*) DESC, p.track_id;
$$;
-- +goose StatementEnd

-- plays_day_tops recounts the days of the plays a statement inserted or
-- deleted (its transition table is "changed" for both).
-- +goose StatementBegin
CREATE FUNCTION euterpe.plays_day_tops() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT c.user_id, array_agg(DISTINCT (c.played_at AT TIME ZONE COALESCE(pr.summary_time_zone, 'UTC'))::date) AS days
        FROM changed c LEFT JOIN euterpe.user_preferences pr ON pr.user_id = c.user_id
        GROUP BY c.user_id
    LOOP
        PERFORM euterpe.recount_day_tops(r.user_id, r.days);
    END LOOP;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION euterpe.plays_day_tops_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT c.user_id, array_agg(DISTINCT (c.played_at AT TIME ZONE COALESCE(pr.summary_time_zone, 'UTC'))::date) AS days
        FROM (SELECT o.user_id, o.played_at FROM old_rows o UNION ALL SELECT n.user_id, n.played_at FROM new_rows n) AS c
        LEFT JOIN euterpe.user_preferences pr ON pr.user_id = c.user_id
        GROUP BY c.user_id
    LOOP
        PERFORM euterpe.recount_day_tops(r.user_id, r.days);
    END LOOP;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER plays_day_tops_inserted AFTER INSERT ON euterpe.plays
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION euterpe.plays_day_tops();
CREATE TRIGGER plays_day_tops_deleted AFTER DELETE ON euterpe.plays
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION euterpe.plays_day_tops();
CREATE TRIGGER plays_day_tops_updated AFTER UPDATE ON euterpe.plays
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION euterpe.plays_day_tops_updated();

-- The summaries' zone changing moves every play to its day in the new
-- zone: the user's days are counted again (inside the rebuild, which holds
-- the user's plays).
-- +goose StatementBegin
CREATE FUNCTION euterpe.preferences_day_tops() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM euterpe.day_top_tracks WHERE user_id = NEW.user_id;
    PERFORM euterpe.recount_day_tops(NEW.user_id, ARRAY(
        SELECT DISTINCT (p.played_at AT TIME ZONE NEW.summary_time_zone)::date
        FROM euterpe.plays p WHERE p.user_id = NEW.user_id));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER preferences_day_tops_zone AFTER UPDATE OF summary_time_zone ON euterpe.user_preferences
    FOR EACH ROW WHEN (OLD.summary_time_zone IS DISTINCT FROM NEW.summary_time_zone)
    EXECUTE FUNCTION euterpe.preferences_day_tops();
CREATE TRIGGER preferences_day_tops_new AFTER INSERT ON euterpe.user_preferences
    FOR EACH ROW WHEN (NEW.summary_time_zone <> 'UTC')
    EXECUTE FUNCTION euterpe.preferences_day_tops();

-- The days of the plays stored before this migration.
INSERT INTO euterpe.day_top_tracks (user_id, day, track_id, plays, ms_played)
SELECT DISTINCT ON (x.user_id, x.day) x.user_id, x.day, x.track_id, count(*), sum(x.ms)
FROM (SELECT p.user_id, (p.played_at AT TIME ZONE COALESCE(pr.summary_time_zone, 'UTC'))::date AS day, p.track_id,
             COALESCE(p.ms_played, t.duration_ms, 0)::bigint AS ms
      FROM euterpe.plays p
      JOIN euterpe.tracks t ON t.id = p.track_id
      LEFT JOIN euterpe.user_preferences pr ON pr.user_id = p.user_id) AS x
GROUP BY x.user_id, x.day, x.track_id
ORDER BY x.user_id, x.day, count(*) DESC, x.track_id;

-- +goose Down
DROP TRIGGER preferences_day_tops_new ON euterpe.user_preferences;
DROP TRIGGER preferences_day_tops_zone ON euterpe.user_preferences;
DROP TRIGGER plays_day_tops_updated ON euterpe.plays;
DROP TRIGGER plays_day_tops_deleted ON euterpe.plays;
DROP TRIGGER plays_day_tops_inserted ON euterpe.plays;
DROP FUNCTION euterpe.preferences_day_tops();
DROP FUNCTION euterpe.plays_day_tops_updated();
DROP FUNCTION euterpe.plays_day_tops();
DROP FUNCTION euterpe.recount_day_tops(uuid, date[]);
DROP TABLE euterpe.day_top_tracks;
DROP INDEX euterpe.skips_user_id_played_at_idx;
ALTER TABLE euterpe.import_rows
    DROP COLUMN track,
    DROP COLUMN context_uri,
    DROP COLUMN ms_known,
    DROP COLUMN is_play;
DROP TABLE euterpe.top_snapshots;
