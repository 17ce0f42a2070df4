-- +goose Up
-- The listening clock of a whole history as a summary of its own, and a
-- cheaper summary of each statement's plays.

-- Plays and minutes per local ISO weekday (1 = Monday) and hour over the
-- user's whole history, in the summaries' zone: the all-time clock reads
-- these 168 rows instead of every hour the user ever listened in
-- (play_hours). Kept by summarize_plays with the other summaries.
CREATE TABLE euterpe.play_clock (
    user_id   uuid     NOT NULL REFERENCES euterpe.users (id) ON DELETE CASCADE,
    weekday   smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    hour      smallint NOT NULL CHECK (hour BETWEEN 0 AND 23),
    plays     bigint   NOT NULL,
    ms_played bigint   NOT NULL,
    PRIMARY KEY (user_id, weekday, hour)
);
-- (0001-01-01 was a Monday: the day count mod 7 is the weekday.)
INSERT INTO euterpe.play_clock (user_id, weekday, hour, plays, ms_played)
SELECT user_id, ((day - '0001-01-01'::date) % 7 + 1)::smallint, hour, sum(plays), sum(ms_played)
FROM euterpe.play_hours
GROUP BY 1, 2, 3;

-- A play's source is one of the four rows of play_sources. A CHECK says so
-- without the per-row lookup a foreign key costs: an import of a million
-- plays paid for a million of them. A new source adds its row there and
-- widens this check.
ALTER TABLE euterpe.plays DROP CONSTRAINT plays_source_id_fkey;
ALTER TABLE euterpe.plays ADD CONSTRAINT plays_source_id_check CHECK (source_id BETWEEN 1 AND 4);

-- summary_rows (see 00012) returns a named row type, so summarize_plays
-- computes the rows once and reads them three times (hours and totals,
-- the users' spans, the sessions) instead of joining the catalogue three
-- times.
CREATE TYPE euterpe.summary_row AS (
    user_id   uuid,
    played_at timestamptz,
    track_id  bigint,
    album_id  bigint,
    ms        bigint,
    local     timestamp
);

DROP FUNCTION euterpe.summary_rows(euterpe.plays[]);
-- +goose StatementBegin
CREATE FUNCTION euterpe.summary_rows(added euterpe.plays[])
RETURNS SETOF euterpe.summary_row
LANGUAGE sql STABLE AS $$
    SELECT a.user_id, a.played_at, a.track_id, t.album_id,
           COALESCE(a.ms_played, t.duration_ms, 0)::bigint,
           a.played_at AT TIME ZONE COALESCE(pr.summary_time_zone, 'UTC')
    FROM unnest(added) a
    JOIN euterpe.tracks t ON t.id = a.track_id
    LEFT JOIN euterpe.user_preferences pr ON pr.user_id = a.user_id;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION euterpe.summarize_plays(added euterpe.plays[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    gap constant interval := interval '20 minutes';
    summary euterpe.summary_row[];
    r record;
    near euterpe.listening_sessions[];
BEGIN
    summary := ARRAY(SELECT s FROM euterpe.summary_rows(added) s);

    -- One pass over the plays: hours (and from them the clock), and totals
    -- per item and month, from which the year and all-time totals are
    -- summed.
    WITH b AS (
        SELECT * FROM unnest(summary)
    ), per_hour AS MATERIALIZED (
        SELECT b.user_id, b.local::date AS day, extract(hour FROM b.local)::smallint AS hour,
               count(*) AS plays, sum(b.ms) AS ms
        FROM b
        GROUP BY 1, 2, 3
    ), hours AS (
        INSERT INTO euterpe.play_hours AS h (user_id, day, hour, plays, ms_played)
        SELECT user_id, day, hour, plays, ms FROM per_hour
        ORDER BY 1, 2, 3
        ON CONFLICT (user_id, day, hour) DO UPDATE
        SET plays = h.plays + EXCLUDED.plays, ms_played = h.ms_played + EXCLUDED.ms_played
    ), clock AS (
        INSERT INTO euterpe.play_clock AS c (user_id, weekday, hour, plays, ms_played)
        SELECT user_id, ((day - '0001-01-01'::date) % 7 + 1)::smallint, hour, sum(plays), sum(ms)
        FROM per_hour
        GROUP BY 1, 2, 3
        ON CONFLICT (user_id, weekday, hour) DO UPDATE
        SET plays = c.plays + EXCLUDED.plays, ms_played = c.ms_played + EXCLUDED.ms_played
    ), months AS (
        SELECT b.user_id, 't'::text AS kind, b.track_id AS item_id, date_trunc('month', b.local)::date AS month,
               count(*) AS plays, sum(b.ms) AS ms
        FROM b GROUP BY 1, 3, 4
        UNION ALL
        SELECT b.user_id, 'l', b.album_id, date_trunc('month', b.local)::date, count(*), sum(b.ms)
        FROM b WHERE b.album_id IS NOT NULL GROUP BY 1, 3, 4
        UNION ALL
        SELECT b.user_id, 'a', ta.artist_id, date_trunc('month', b.local)::date, count(*), sum(b.ms)
        FROM b JOIN euterpe.track_artists ta ON ta.track_id = b.track_id GROUP BY 1, 3, 4
    )
    INSERT INTO euterpe.play_totals AS pt (user_id, kind, period, period_start, item_id, plays, ms_played)
    SELECT user_id, kind, 'm', month, item_id, plays, ms FROM months
    UNION ALL
    SELECT user_id, kind, 'y', date_trunc('year', month)::date, item_id, sum(plays), sum(ms) FROM months GROUP BY 1, 2, 4, 5
    UNION ALL
    SELECT user_id, kind, 'a', '-infinity'::date, item_id, sum(plays), sum(ms) FROM months GROUP BY 1, 2, 5
    -- In the primary key's order: a year of plays adds some 300,000 rows,
    -- and the index takes them faster in order than at random.
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (user_id, kind, period, period_start, item_id) DO UPDATE
    SET plays = pt.plays + EXCLUDED.plays, ms_played = pt.ms_played + EXCLUDED.ms_played;

    -- Sessions only ever grow or merge when plays are added (a gap can
    -- only shrink), so they are kept as blocks: the sessions within a gap
    -- of the new plays are taken out and merged with the plays, each a
    -- block of its own, in order of start; a block starting more than a
    -- gap after the latest end so far starts a new session.
    FOR r IN
        SELECT b.user_id, min(b.played_at - b.ms * interval '1 millisecond') AS first_start, max(b.played_at) AS last_end
        FROM unnest(summary) b GROUP BY b.user_id
    LOOP
        SELECT array_agg(s) INTO near
        FROM euterpe.listening_sessions s
        WHERE s.user_id = r.user_id
          AND s.started_at <= r.last_end + gap
          AND s.ended_at >= r.first_start - gap;
        DELETE FROM euterpe.listening_sessions s
        WHERE s.user_id = r.user_id
          AND s.started_at = ANY(ARRAY(SELECT n.started_at FROM unnest(near) n));

        INSERT INTO euterpe.listening_sessions (user_id, started_at, ended_at, plays, ms_played)
        SELECT r.user_id, min(started), max(ended), sum(plays), sum(ms)
        FROM (
            SELECT started, ended, plays, ms,
                   sum(starts_session) OVER (ORDER BY started, ended) AS session
            FROM (
                SELECT started, ended, plays, ms,
                       CASE WHEN started - max(ended) OVER (ORDER BY started, ended
                                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) <= gap
                            THEN 0 ELSE 1 END AS starts_session
                FROM (
                    SELECT n.started_at AS started, n.ended_at AS ended, n.plays::bigint AS plays, n.ms_played AS ms
                    FROM unnest(near) n
                    UNION ALL
                    SELECT b.played_at - b.ms * interval '1 millisecond', b.played_at, 1, b.ms
                    FROM unnest(summary) b
                    WHERE b.user_id = r.user_id
                ) blocks
            ) marked
        ) grouped
        GROUP BY session;
    END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- (summarize_plays and summary_rows as 00012 made them.)
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION euterpe.summarize_plays(added euterpe.plays[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    gap constant interval := interval '20 minutes';
    r record;
    near euterpe.listening_sessions[];
BEGIN
    WITH b AS MATERIALIZED (
        SELECT * FROM euterpe.summary_rows(added)
    ), hours AS (
        INSERT INTO euterpe.play_hours AS h (user_id, day, hour, plays, ms_played)
        SELECT b.user_id, b.local::date, extract(hour FROM b.local)::smallint, count(*), sum(b.ms)
        FROM b
        GROUP BY 1, 2, 3
        ON CONFLICT (user_id, day, hour) DO UPDATE
        SET plays = h.plays + EXCLUDED.plays, ms_played = h.ms_played + EXCLUDED.ms_played
    ), months AS (
        SELECT b.user_id, 't'::text AS kind, b.track_id AS item_id, date_trunc('month', b.local)::date AS month,
               count(*) AS plays, sum(b.ms) AS ms
        FROM b GROUP BY 1, 3, 4
        UNION ALL
        SELECT b.user_id, 'l', b.album_id, date_trunc('month', b.local)::date, count(*), sum(b.ms)
        FROM b WHERE b.album_id IS NOT NULL GROUP BY 1, 3, 4
        UNION ALL
        SELECT b.user_id, 'a', ta.artist_id, date_trunc('month', b.local)::date, count(*), sum(b.ms)
        FROM b JOIN euterpe.track_artists ta ON ta.track_id = b.track_id GROUP BY 1, 3, 4
    )
    INSERT INTO euterpe.play_totals AS pt (user_id, kind, period, period_start, item_id, plays, ms_played)
    SELECT user_id, kind, 'm', month, item_id, plays, ms FROM months
    UNION ALL
    SELECT user_id, kind, 'y', date_trunc('year', month)::date, item_id, sum(plays), sum(ms) FROM months GROUP BY 1, 2, 4, 5
    UNION ALL
    SELECT user_id, kind, 'a', '-infinity'::date, item_id, sum(plays), sum(ms) FROM months GROUP BY 1, 2, 5
    ON CONFLICT (user_id, kind, period, period_start, item_id) DO UPDATE
    SET plays = pt.plays + EXCLUDED.plays, ms_played = pt.ms_played + EXCLUDED.ms_played;

    FOR r IN
        SELECT b.user_id, min(b.played_at - b.ms * interval '1 millisecond') AS first_start, max(b.played_at) AS last_end
        FROM euterpe.summary_rows(added) b GROUP BY b.user_id
    LOOP
        SELECT array_agg(s) INTO near
        FROM euterpe.listening_sessions s
        WHERE s.user_id = r.user_id
          AND s.started_at <= r.last_end + gap
          AND s.ended_at >= r.first_start - gap;
        DELETE FROM euterpe.listening_sessions s
        WHERE s.user_id = r.user_id
          AND s.started_at = ANY(ARRAY(SELECT n.started_at FROM unnest(near) n));

        INSERT INTO euterpe.listening_sessions (user_id, started_at, ended_at, plays, ms_played)
        SELECT r.user_id, min(started), max(ended), sum(plays), sum(ms)
        FROM (
            SELECT started, ended, plays, ms,
                   sum(starts_session) OVER (ORDER BY started, ended) AS session
            FROM (
                SELECT started, ended, plays, ms,
                       CASE WHEN started - max(ended) OVER (ORDER BY started, ended
                                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) <= gap
                            THEN 0 ELSE 1 END AS starts_session
                FROM (
                    SELECT n.started_at AS started, n.ended_at AS ended, n.plays::bigint AS plays, n.ms_played AS ms
                    FROM unnest(near) n
                    UNION ALL
                    SELECT b.played_at - b.ms * interval '1 millisecond', b.played_at, 1, b.ms
                    FROM euterpe.summary_rows(added) b
                    WHERE b.user_id = r.user_id
                ) blocks
            ) marked
        ) grouped
        GROUP BY session;
    END LOOP;
END
$$;
-- +goose StatementEnd

DROP FUNCTION euterpe.summary_rows(euterpe.plays[]);
-- +goose StatementBegin
CREATE FUNCTION euterpe.summary_rows(added euterpe.plays[])
RETURNS TABLE (user_id uuid, played_at timestamptz, track_id bigint, album_id bigint, ms bigint, local timestamp)
LANGUAGE sql STABLE AS $$
    SELECT a.user_id, a.played_at, a.track_id, t.album_id,
           COALESCE(a.ms_played, t.duration_ms, 0)::bigint,
           a.played_at AT TIME ZONE COALESCE(pr.summary_time_zone, 'UTC')
    FROM unnest(added) a
    JOIN euterpe.tracks t ON t.id = a.track_id
    LEFT JOIN euterpe.user_preferences pr ON pr.user_id = a.user_id;
$$;
-- +goose StatementEnd
DROP TYPE euterpe.summary_row;

ALTER TABLE euterpe.plays DROP CONSTRAINT plays_source_id_check;
ALTER TABLE euterpe.plays ADD CONSTRAINT plays_source_id_fkey FOREIGN KEY (source_id) REFERENCES euterpe.play_sources (id);

DROP TABLE euterpe.play_clock;
