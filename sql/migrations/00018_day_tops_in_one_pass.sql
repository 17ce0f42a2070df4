-- +goose Up
-- recount_day_tops (00014) read each day's plays through the index on their
-- own: three UTC days for every local day, so a statement adding a year of
-- plays (an import's merge step) read each of them three times, in 365
-- index scans. When the days to recount lie close together it now reads
-- their whole stretch once and keeps the plays of those days; days
-- scattered over years (a resolved track's plays) are still read a day at a
-- time.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION euterpe.recount_day_tops(uid uuid, days date[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    zone constant text := COALESCE((SELECT pr.summary_time_zone FROM euterpe.user_preferences pr WHERE pr.user_id = uid), 'UTC');
    first_day date;
    last_day date;
BEGIN
    DELETE FROM euterpe.day_top_tracks WHERE user_id = uid AND day = ANY(days);
    SELECT min(d), max(d) INTO first_day, last_day FROM unnest(days) AS d;
    IF first_day IS NULL THEN
        RETURN;
    END IF;
    -- A local day spans at most 14 hours either side of its UTC day: its
    -- plays lie within the UTC day before and the one after.
    IF last_day - first_day < 3 * cardinality(days) THEN
        INSERT INTO euterpe.day_top_tracks (user_id, day, track_id, plays, ms_played)
        SELECT DISTINCT ON (x.day) uid, x.day, x.track_id, count(*), sum(x.ms)
        FROM (
            SELECT (p.played_at AT TIME ZONE zone)::date AS day, p.track_id,
                   COALESCE(p.ms_played, (SELECT t.duration_ms FROM euterpe.tracks t WHERE t.id = p.track_id), 0) AS ms
            FROM euterpe.plays p
            WHERE p.user_id = uid
              AND p.played_at >= (first_day - 1)::timestamp AT TIME ZONE 'UTC'
              AND p.played_at < (last_day + 2)::timestamp AT TIME ZONE 'UTC'
        ) AS x
        WHERE x.day = ANY(days)
        GROUP BY x.day, x.track_id
        ORDER BY x.day, count(*) DESC, x.track_id;
    ELSE
        INSERT INTO euterpe.day_top_tracks (user_id, day, track_id, plays, ms_played)
        SELECT DISTINCT ON (d.day) uid, d.day, p.track_id, count(*), sum(COALESCE(p.ms_played, t.duration_ms, 0))
        FROM unnest(days) AS d(day)
        JOIN euterpe.plays p
          ON p.user_id = uid
         AND p.played_at >= (d.day - 1)::timestamp AT TIME ZONE 'UTC'
         AND p.played_at < (d.day + 2)::timestamp AT TIME ZONE 'UTC'
         AND (p.played_at AT TIME ZONE zone)::date = d.day
        JOIN euterpe.tracks t ON t.id = p.track_id
        GROUP BY d.day, p.track_id
        ORDER BY d.day, count(*) DESC, p.track_id;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION euterpe.recount_day_tops(uuid, date[]);
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
