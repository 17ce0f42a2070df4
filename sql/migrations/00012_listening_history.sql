-- +goose Up
-- The listening history: a catalogue of tracks, albums and artists shared by
-- every user, each user's plays, and what the History page reads instead of
-- scanning a lifetime of plays: totals per item and period, plays per local
-- hour, and listening sessions. The summaries are kept by triggers on
-- euterpe.plays, so every writer (the poller, an import, a test's INSERT)
-- keeps them true.

-- Where a play came from.
CREATE TABLE euterpe.play_sources (
    id   smallint PRIMARY KEY,
    name text NOT NULL UNIQUE
);
INSERT INTO euterpe.play_sources (id, name) VALUES
    (1, 'poll'),            -- recently-played, read by the background poller
    (2, 'account_export'),  -- Spotify's "Account data" (StreamingHistory_music_N.json)
    (3, 'extended_export'), -- Spotify's "Extended streaming history" (endsong / Streaming_History_Audio)
    (4, 'euterpe_export');  -- Euterpe's own JSON export, imported back

-- The catalogue. Rows have ids of our own (8 bytes in every play instead of
-- a 22-character Spotify id) and the Spotify id when there is one: an
-- export's rows may name a track only by its title and artist. What Spotify
-- sends replaces what is stored, so names and pictures stay current.
CREATE TABLE euterpe.artists (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    spotify_id text UNIQUE CHECK (spotify_id ~ '^[0-9A-Za-z]{22}$'),
    name       text NOT NULL CHECK (name <> ''),
    image_url  text,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE euterpe.albums (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    spotify_id             text UNIQUE CHECK (spotify_id ~ '^[0-9A-Za-z]{22}$'),
    name                   text NOT NULL CHECK (name <> ''),
    album_type             text,
    -- The first day of the release's year or month when Spotify knows only
    -- that much; release_date_precision says which.
    release_date           date,
    release_date_precision text CHECK (release_date_precision IN ('year', 'month', 'day')),
    image_url              text,
    updated_at             timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE euterpe.album_artists (
    album_id  bigint   NOT NULL REFERENCES euterpe.albums (id) ON DELETE CASCADE,
    position  smallint NOT NULL CHECK (position >= 0),
    artist_id bigint   NOT NULL REFERENCES euterpe.artists (id),
    PRIMARY KEY (album_id, position),
    UNIQUE (album_id, artist_id)
);

CREATE TABLE euterpe.tracks (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    spotify_id  text UNIQUE CHECK (spotify_id ~ '^[0-9A-Za-z]{22}$'),
    name        text NOT NULL CHECK (name <> ''),
    album_id    bigint REFERENCES euterpe.albums (id),
    duration_ms integer CHECK (duration_ms >= 0),
    explicit    boolean NOT NULL DEFAULT false,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tracks_album_id_idx ON euterpe.tracks (album_id);

-- Every artist credited on a track, in Spotify's order.
CREATE TABLE euterpe.track_artists (
    track_id  bigint   NOT NULL REFERENCES euterpe.tracks (id) ON DELETE CASCADE,
    position  smallint NOT NULL CHECK (position >= 0),
    artist_id bigint   NOT NULL REFERENCES euterpe.artists (id),
    PRIMARY KEY (track_id, position)
);
-- An artist is credited once on a track.
CREATE UNIQUE INDEX track_artists_artist_id_idx ON euterpe.track_artists (artist_id, track_id);

-- One row per play. played_at is when playback ended (Spotify's played_at,
-- an export's ts / endTime). ms_played is what an export says was heard; a
-- poll knows only when a play ended, so it stores the track's length cut to
-- the time since the previous play ended (a skipped track was not heard in
-- full); NULL means unknown, and the summaries then count the track's
-- length. Columns are ordered for alignment: 48 bytes of data a row.
--
-- The same listen seen twice is stored once: a play of the same track by the
-- same user that ended less than 30 seconds before or after one already
-- stored is the same play (the rule your_spotify uses). Two real plays of a
-- track cannot end that close together: Spotify counts a play once 30
-- seconds were heard. Overlapping polls send the same played_at again; a poll
-- and an export of the same listen differ by the export's rounding. The
-- trigger plays_skip_duplicate enforces it, for every writer and every
-- transaction: it serialises the writers of one user's plays with a
-- transaction-scoped advisory lock (class 1702131055, "eute", so no other
-- application's locks collide with ours) and drops the row when such a play
-- exists, so INSERT … RETURNING reports only what was new.
CREATE TABLE euterpe.plays (
    user_id     uuid        NOT NULL REFERENCES euterpe.users (id) ON DELETE CASCADE,
    played_at   timestamptz NOT NULL,
    track_id    bigint      NOT NULL REFERENCES euterpe.tracks (id),
    ms_played   integer     CHECK (ms_played >= 0),
    source_id   smallint    NOT NULL REFERENCES euterpe.play_sources (id),
    -- spotify:album:…, spotify:playlist:…, spotify:artist:… when the play
    -- started from one.
    context_uri text,
    -- Also the index of the duplicate check and of an item's plays.
    PRIMARY KEY (user_id, track_id, played_at)
);
-- Per-user date ranges, read without touching the table.
CREATE INDEX plays_user_id_played_at_idx ON euterpe.plays (user_id, played_at) INCLUDE (track_id, ms_played);

-- The user's time zone (from their browser) decides what "today" and "at 9
-- in the morning" mean. The summaries below are kept in summary_time_zone;
-- when the user's zone changes they are rebuilt in it, and then
-- summary_time_zone follows time_zone.
ALTER TABLE euterpe.user_preferences
    ADD COLUMN time_zone         text NOT NULL DEFAULT 'UTC' CHECK (time_zone <> ''),
    ADD COLUMN summary_time_zone text NOT NULL DEFAULT 'UTC' CHECK (summary_time_zone <> '');

-- Plays and minutes per local hour: the calendar heatmap, the listening
-- clock and the totals of a range of days.
CREATE TABLE euterpe.play_hours (
    user_id   uuid     NOT NULL REFERENCES euterpe.users (id) ON DELETE CASCADE,
    day       date     NOT NULL,
    hour      smallint NOT NULL CHECK (hour BETWEEN 0 AND 23),
    plays     integer  NOT NULL,
    ms_played bigint   NOT NULL,
    PRIMARY KEY (user_id, day, hour)
);
-- Ranges of days read without touching the table (clock, totals, calendar).
CREATE INDEX play_hours_days_idx ON euterpe.play_hours (user_id, day) INCLUDE (hour, plays, ms_played);

-- Plays and minutes per item and period: kind t(rack), a(rtist) or
-- (a)l(bum); period a(ll time, period_start -infinity), y(ear) or m(onth),
-- starting on period_start in the user's time zone. A range of dates reads
-- whole years and months here and only its ragged ends from plays. A track
-- counts for each of its artists.
CREATE TABLE euterpe.play_totals (
    user_id      uuid    NOT NULL REFERENCES euterpe.users (id) ON DELETE CASCADE,
    kind         text    NOT NULL CHECK (kind IN ('t', 'a', 'l')),
    period       text    NOT NULL CHECK (period IN ('a', 'y', 'm')),
    period_start date    NOT NULL,
    item_id      bigint  NOT NULL,
    plays        integer NOT NULL,
    ms_played    bigint  NOT NULL,
    PRIMARY KEY (user_id, kind, period, period_start, item_id)
);
-- An item's months, for its page's chart.
CREATE INDEX play_totals_item_months_idx ON euterpe.play_totals (user_id, kind, item_id, period_start)
    INCLUDE (plays, ms_played) WHERE period = 'm';
-- The all-time top lists, by plays and by minutes, read in rank order.
CREATE INDEX play_totals_all_time_plays_idx ON euterpe.play_totals (user_id, kind, plays DESC, item_id)
    INCLUDE (ms_played) WHERE period = 'a';
CREATE INDEX play_totals_all_time_minutes_idx ON euterpe.play_totals (user_id, kind, ms_played DESC, item_id)
    INCLUDE (plays) WHERE period = 'a';

-- Listening sessions: plays with no gap of more than 20 minutes between the
-- latest end so far and the start of the next (played_at minus the time
-- heard), in order of start.
CREATE TABLE euterpe.listening_sessions (
    user_id    uuid        NOT NULL REFERENCES euterpe.users (id) ON DELETE CASCADE,
    started_at timestamptz NOT NULL,
    ended_at   timestamptz NOT NULL,
    plays      integer     NOT NULL,
    ms_played  bigint      NOT NULL,
    PRIMARY KEY (user_id, started_at)
);
CREATE INDEX listening_sessions_longest_idx ON euterpe.listening_sessions (user_id, (ended_at - started_at) DESC);

-- +goose StatementBegin
CREATE FUNCTION euterpe.lock_user_plays(uid uuid) RETURNS void
LANGUAGE sql AS $$
    SELECT pg_advisory_xact_lock(1702131055, hashtext(uid::text));
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION euterpe.plays_skip_duplicate() RETURNS trigger
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

CREATE TRIGGER plays_skip_duplicate BEFORE INSERT ON euterpe.plays
    FOR EACH ROW EXECUTE FUNCTION euterpe.plays_skip_duplicate();

-- summary_rows is plays as the summaries count them: with the track's album,
-- the time heard (the track's duration when the play does not say), and
-- the local time in the zone the user's summaries are kept in.
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

-- summarize_plays adds plays (already stored) to their user's summaries:
-- the plays trigger calls it with the rows an INSERT added; a rebuild calls
-- it with a user's plays a year at a time, after emptying the summaries.
-- +goose StatementBegin
CREATE FUNCTION euterpe.summarize_plays(added euterpe.plays[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    gap constant interval := interval '20 minutes';
    r record;
    near euterpe.listening_sessions[];
BEGIN
    -- One pass over the plays: hours, and totals per item and month, from
    -- which the year and all-time totals are summed.
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

    -- Sessions only ever grow or merge when plays are added (a gap can
    -- only shrink), so they are kept as blocks: the sessions within a gap
    -- of the new plays are taken out and merged with the plays, each a
    -- block of its own, in order of start; a block starting more than a
    -- gap after the latest end so far starts a new session.
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

-- +goose StatementBegin
CREATE FUNCTION euterpe.plays_summarize() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM euterpe.summarize_plays(ARRAY(SELECT a::euterpe.plays FROM added a));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER plays_summarize AFTER INSERT ON euterpe.plays
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION euterpe.plays_summarize();

-- The background poller's state per user. next_poll_at is when the user is
-- due, in the app's clock; a poll holds the row locked (FOR UPDATE SKIP
-- LOCKED) from its Spotify call until its plays are stored, so no two
-- processes poll a user at once, and a worker that dies mid-poll releases it
-- with its connection. after_ms is the recently-played cursor: the played_at
-- (Unix ms) of the newest play stored.
CREATE TABLE euterpe.poll_state (
    user_id        uuid        PRIMARY KEY REFERENCES euterpe.users (id) ON DELETE CASCADE,
    next_poll_at   timestamptz NOT NULL,
    after_ms       bigint,
    dispatched_at  timestamptz,
    last_polled_at timestamptz,
    last_new_plays integer     NOT NULL DEFAULT 0,
    polls          bigint      NOT NULL DEFAULT 0,
    -- Set when a poll found the whole window of recently-played new: plays
    -- older than it may have been missed.
    gap_at         timestamptz,
    -- Polling stops when the user's Spotify grant ends; a new login resumes
    -- it, and the History page says what was missed in between.
    stopped_at     timestamptz,
    stopped_reason text,
    interrupted_at timestamptz,
    resumed_at     timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX poll_state_due_idx ON euterpe.poll_state (next_poll_at) WHERE stopped_at IS NULL;
-- Users signed in before the history existed are polled from now on.
INSERT INTO euterpe.poll_state (user_id, next_poll_at)
SELECT user_id, now() FROM euterpe.user_tokens;

-- The app's Spotify budget, shared by every process: Spotify counts calls
-- per developer account over a rolling 30 seconds. A token bucket: tokens
-- refill at the configured rate; interactive requests always spend, background
-- work only while enough is left for them; paused_until is a 429's
-- Retry-After, which every process honours.
CREATE TABLE euterpe.spotify_budget (
    id           boolean     PRIMARY KEY DEFAULT true CHECK (id),
    tokens       double precision NOT NULL,
    refilled_at  timestamptz NOT NULL,
    paused_until timestamptz
);

-- When the user last authorized Euterpe on Spotify: Spotify's refresh tokens
-- die six months after the original authorization, however often they are
-- refreshed.
ALTER TABLE euterpe.user_tokens ADD COLUMN authorized_at timestamptz NOT NULL DEFAULT now();

-- +goose Down
ALTER TABLE euterpe.user_tokens DROP COLUMN authorized_at;
DROP TABLE euterpe.spotify_budget;
DROP TABLE euterpe.poll_state;
DROP TRIGGER plays_summarize ON euterpe.plays;
DROP TRIGGER plays_skip_duplicate ON euterpe.plays;
DROP FUNCTION euterpe.plays_summarize();
DROP FUNCTION euterpe.summarize_plays(euterpe.plays[]);
DROP FUNCTION euterpe.summary_rows(euterpe.plays[]);
DROP FUNCTION euterpe.plays_skip_duplicate();
DROP FUNCTION euterpe.lock_user_plays(uuid);
DROP TABLE euterpe.listening_sessions;
DROP TABLE euterpe.play_totals;
DROP TABLE euterpe.play_hours;
ALTER TABLE euterpe.user_preferences DROP COLUMN summary_time_zone, DROP COLUMN time_zone;
DROP TABLE euterpe.plays;
DROP TABLE euterpe.track_artists;
DROP TABLE euterpe.tracks;
DROP TABLE euterpe.album_artists;
DROP TABLE euterpe.albums;
DROP TABLE euterpe.artists;
DROP TABLE euterpe.play_sources;
