-- Daily snapshots of Spotify's top lists (trends.Snapshots, jobs/snapshot.go).
-- A list is one of tracks_short, tracks_medium, tracks_long, artists_short,
-- artists_medium, artists_long: catalogue ids in rank order.

-- name: SaveSnapshotLists :exec
-- Fills the lists given (NULL: not fetched by this call) of the user's
-- snapshot of day, creating it if needed. A list already stored is kept:
-- two runs of the job racing for the same day store one snapshot, and a run
-- after a crash adds only what is missing.
INSERT INTO euterpe.top_snapshots AS s (user_id, day, taken_at, tracks_short, tracks_medium, tracks_long,
                                        artists_short, artists_medium, artists_long)
VALUES (@user_id, @day, @taken_at::timestamptz,
        sqlc.narg('tracks_short')::bigint[], sqlc.narg('tracks_medium')::bigint[], sqlc.narg('tracks_long')::bigint[],
        sqlc.narg('artists_short')::bigint[], sqlc.narg('artists_medium')::bigint[], sqlc.narg('artists_long')::bigint[])
ON CONFLICT (user_id, day) DO UPDATE
SET tracks_short   = COALESCE(s.tracks_short, EXCLUDED.tracks_short),
    tracks_medium  = COALESCE(s.tracks_medium, EXCLUDED.tracks_medium),
    tracks_long    = COALESCE(s.tracks_long, EXCLUDED.tracks_long),
    artists_short  = COALESCE(s.artists_short, EXCLUDED.artists_short),
    artists_medium = COALESCE(s.artists_medium, EXCLUDED.artists_medium),
    artists_long   = COALESCE(s.artists_long, EXCLUDED.artists_long);

-- name: GetSnapshot :one
SELECT day, taken_at, tracks_short, tracks_medium, tracks_long, artists_short, artists_medium, artists_long
FROM euterpe.top_snapshots
WHERE user_id = @user_id AND day = @day;

-- name: ListSnapshots :many
-- The user's snapshots of the days from_day to to_day, oldest first.
SELECT day, taken_at, tracks_short, tracks_medium, tracks_long, artists_short, artists_medium, artists_long
FROM euterpe.top_snapshots
WHERE user_id = @user_id AND day BETWEEN @from_day AND @to_day
ORDER BY day;

-- name: ListSnapshotsAfter :many
-- A page of the user's snapshots after after_day, oldest first (exports).
SELECT day, taken_at, tracks_short, tracks_medium, tracks_long, artists_short, artists_medium, artists_long
FROM euterpe.top_snapshots
WHERE user_id = @user_id AND day > @after_day
ORDER BY day
LIMIT @max_rows;

-- name: ListSnapshotItemsSeenBefore :one
-- Every item that was in one of the user's lists in a snapshot before
-- before_day: an item missing from the snapshot compared with is "back"
-- when it is here, "new" when not.
SELECT COALESCE(array_agg(DISTINCT u.item_id), '{}')::bigint[] AS item_ids
FROM (SELECT unnest(CASE @list::text
                        WHEN 'tracks_short' THEN s.tracks_short
                        WHEN 'tracks_medium' THEN s.tracks_medium
                        WHEN 'tracks_long' THEN s.tracks_long
                        WHEN 'artists_short' THEN s.artists_short
                        WHEN 'artists_medium' THEN s.artists_medium
                        WHEN 'artists_long' THEN s.artists_long
                    END) AS item_id
      FROM euterpe.top_snapshots s
      WHERE s.user_id = @user_id AND s.day < @before_day) AS u;

-- name: GetSnapshotSpan :one
-- The first and last days with a snapshot, and how many there are (Go's
-- zero time when none).
SELECT COALESCE(min(day), '0001-01-01')::date AS first_day,
       COALESCE(max(day), '0001-01-01')::date AS last_day,
       count(*)::bigint AS snapshots
FROM euterpe.top_snapshots
WHERE user_id = @user_id;

-- name: ListUsersDueSnapshot :many
-- Users Spotify still lets Euterpe read (polling not stopped, tokens kept)
-- without a complete snapshot of their local today, with that day.
SELECT d.user_id, d.day
FROM (SELECT ps.user_id,
             timezone(COALESCE(pr.time_zone, 'UTC'), @at_time::timestamptz)::date AS day
      FROM euterpe.poll_state ps
      JOIN euterpe.user_tokens ut ON ut.user_id = ps.user_id
      LEFT JOIN euterpe.user_preferences pr ON pr.user_id = ps.user_id
      WHERE ps.stopped_at IS NULL) AS d
WHERE NOT EXISTS (
    SELECT 1 FROM euterpe.top_snapshots s
    WHERE s.user_id = d.user_id AND s.day = d.day
      AND s.tracks_short IS NOT NULL AND s.tracks_medium IS NOT NULL AND s.tracks_long IS NOT NULL
      AND s.artists_short IS NOT NULL AND s.artists_medium IS NOT NULL AND s.artists_long IS NOT NULL)
ORDER BY d.user_id
LIMIT @max_users;

-- name: GetUserLocalDay :one
-- The user's local date at at_time, in the zone their browser reported.
SELECT timezone(COALESCE((SELECT pr.time_zone FROM euterpe.user_preferences pr WHERE pr.user_id = @user_id), 'UTC'),
                @at_time::timestamptz)::date AS day;
