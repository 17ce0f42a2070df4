-- name: InsertPlays :many
-- The trigger plays_skip_duplicate drops a play already stored (the same
-- track within 30 seconds), so what comes back is what was new. ms_played
-- -1 means unknown; context_uri '' means none.
INSERT INTO euterpe.plays (user_id, played_at, track_id, ms_played, source_id, context_uri)
SELECT @user_id, p.played_at, p.track_id, NULLIF(p.ms_played, -1), @source_id, NULLIF(p.context_uri, '')
FROM (SELECT unnest(@played_at::timestamptz[]) AS played_at,
             unnest(@track_ids::bigint[]) AS track_id,
             unnest(@ms_played::int[]) AS ms_played,
             unnest(@context_uris::text[]) AS context_uri) AS p
RETURNING played_at;

-- The History page reads the summaries kept by the plays triggers. A range
-- of local days is read as whole years and months from play_totals and its
-- ragged ends (at most two stretches of days) from plays; history.Parts
-- computes the pieces, an empty piece having from > to.

-- name: TopItems :many
-- An item's plays and minutes over the range, most first (by minutes when
-- by_minutes), with how many items were played in the range at all. The
-- sums run on integer and float8 (exact for whole numbers below 2^53, some
-- 285,000 years of milliseconds): summing bigint would go through numeric,
-- a quarter of the query's time over tens of thousands of rows.
SELECT item_id,
       sum(plays)::bigint AS plays,
       sum(ms_played)::bigint AS ms_played,
       count(*) OVER ()::bigint AS items_in_range
FROM (
    SELECT pt.item_id, pt.plays, pt.ms_played::float8 AS ms_played
    FROM euterpe.play_totals pt
    WHERE pt.user_id = @user_id AND pt.kind = @kind::text
      AND ((pt.period = 'a' AND @whole_history::bool)
        OR (pt.period = 'y' AND pt.period_start BETWEEN @years_from::date AND @years_to::date)
        OR (pt.period = 'm' AND (pt.period_start BETWEEN @months1_from::date AND @months1_to::date
                              OR pt.period_start BETWEEN @months2_from::date AND @months2_to::date)))
    UNION ALL
    -- A track's plays need its row only when they do not say how long they
    -- were heard (COALESCE reads the subquery only then).
    SELECT p.track_id, 1,
           COALESCE(p.ms_played, (SELECT t.duration_ms FROM euterpe.tracks t WHERE t.id = p.track_id), 0)::float8
    FROM euterpe.plays p
    WHERE @kind::text = 't'
      AND p.user_id = @user_id
      AND ((p.played_at >= @raw1_from::timestamptz AND p.played_at < @raw1_to::timestamptz)
        OR (p.played_at >= @raw2_from::timestamptz AND p.played_at < @raw2_to::timestamptz))
    UNION ALL
    SELECT t.album_id, 1, COALESCE(p.ms_played, t.duration_ms, 0)::float8
    FROM euterpe.plays p
    JOIN euterpe.tracks t ON t.id = p.track_id
    WHERE @kind::text = 'l' AND t.album_id IS NOT NULL
      AND p.user_id = @user_id
      AND ((p.played_at >= @raw1_from::timestamptz AND p.played_at < @raw1_to::timestamptz)
        OR (p.played_at >= @raw2_from::timestamptz AND p.played_at < @raw2_to::timestamptz))
    UNION ALL
    -- Each artist of the track (credited once each).
    SELECT ta.artist_id, 1, COALESCE(p.ms_played, t.duration_ms, 0)::float8
    FROM euterpe.plays p
    JOIN euterpe.tracks t ON t.id = p.track_id
    JOIN euterpe.track_artists ta ON ta.track_id = p.track_id
    WHERE @kind::text = 'a'
      AND p.user_id = @user_id
      AND ((p.played_at >= @raw1_from::timestamptz AND p.played_at < @raw1_to::timestamptz)
        OR (p.played_at >= @raw2_from::timestamptz AND p.played_at < @raw2_to::timestamptz))
) AS parts
GROUP BY item_id
ORDER BY CASE WHEN @by_minutes::bool THEN sum(ms_played) ELSE sum(plays) END DESC, item_id
LIMIT @max_items;

-- name: TopItemsAllTimeByPlays :many
-- TopItems over the whole history: the all-time totals in rank order,
-- straight off their index (play_totals_all_time_plays_idx).
SELECT pt.item_id, pt.plays::bigint AS plays, pt.ms_played
FROM euterpe.play_totals pt
WHERE pt.user_id = @user_id AND pt.kind = @kind::text AND pt.period = 'a'
ORDER BY pt.plays DESC, pt.item_id
LIMIT @max_items;

-- name: TopItemsAllTimeByMinutes :many
-- The same by minutes (play_totals_all_time_minutes_idx).
SELECT pt.item_id, pt.plays::bigint AS plays, pt.ms_played
FROM euterpe.play_totals pt
WHERE pt.user_id = @user_id AND pt.kind = @kind::text AND pt.period = 'a'
ORDER BY pt.ms_played DESC, pt.item_id
LIMIT @max_items;

-- name: CountItemsAllTime :one
-- How many tracks (artists, albums) the user ever played.
SELECT count(*) FROM euterpe.play_totals
WHERE user_id = @user_id AND kind = @kind::text AND period = 'a';

-- name: CountItemsInRange :one
-- How many distinct tracks (artists) the range's whole years and months and
-- its ragged ends name: TopItems's count, without ranking anything.
SELECT count(DISTINCT item_id)::bigint
FROM (
    SELECT pt.item_id
    FROM euterpe.play_totals pt
    WHERE pt.user_id = @user_id AND pt.kind = @kind::text
      AND ((pt.period = 'y' AND pt.period_start BETWEEN @years_from::date AND @years_to::date)
        OR (pt.period = 'm' AND (pt.period_start BETWEEN @months1_from::date AND @months1_to::date
                              OR pt.period_start BETWEEN @months2_from::date AND @months2_to::date)))
    UNION ALL
    SELECT p.track_id
    FROM euterpe.plays p
    WHERE @kind::text = 't' AND p.user_id = @user_id
      AND ((p.played_at >= @raw1_from::timestamptz AND p.played_at < @raw1_to::timestamptz)
        OR (p.played_at >= @raw2_from::timestamptz AND p.played_at < @raw2_to::timestamptz))
    UNION ALL
    SELECT ta.artist_id
    FROM euterpe.plays p
    JOIN euterpe.track_artists ta ON ta.track_id = p.track_id
    WHERE @kind::text = 'a' AND p.user_id = @user_id
      AND ((p.played_at >= @raw1_from::timestamptz AND p.played_at < @raw1_to::timestamptz)
        OR (p.played_at >= @raw2_from::timestamptz AND p.played_at < @raw2_to::timestamptz))
) AS parts;

-- name: GetRangeTotals :one
SELECT COALESCE(sum(plays), 0)::bigint AS plays,
       COALESCE(sum(ms_played), 0)::bigint AS ms_played,
       count(DISTINCT day)::bigint AS days
FROM euterpe.play_hours
WHERE user_id = @user_id AND day BETWEEN @from_day AND @to_day;

-- name: GetHistoryBounds :one
-- The first and last local day with plays; 0001-01-01 (Go's zero time)
-- when there are none.
SELECT COALESCE(min(day), '0001-01-01')::date AS first_day,
       COALESCE(max(day), '0001-01-01')::date AS last_day
FROM euterpe.play_hours
WHERE user_id = @user_id;

-- name: ListDays :many
SELECT day, sum(plays)::bigint AS plays, sum(ms_played)::bigint AS ms_played
FROM euterpe.play_hours
WHERE user_id = @user_id AND day BETWEEN @from_day AND @to_day
GROUP BY day
ORDER BY day;

-- name: ListClock :many
-- Plays per ISO weekday (1 = Monday) and local hour.
-- (0001-01-01 was a Monday: the day count mod 7 is the weekday, without
-- extract's numeric arithmetic.)
SELECT ((day - '0001-01-01'::date) % 7 + 1)::int AS weekday, hour, sum(plays)::bigint AS plays
FROM euterpe.play_hours
WHERE user_id = @user_id AND day BETWEEN @from_day AND @to_day
GROUP BY 1, 2
ORDER BY 1, 2;

-- name: ListClockAllTime :many
-- ListClock over the whole history, from its own summary.
SELECT weekday::int AS weekday, hour, plays
FROM euterpe.play_clock
WHERE user_id = @user_id
ORDER BY 1, 2;

-- name: ListLongestSessions :many
SELECT started_at, ended_at, plays, ms_played
FROM euterpe.listening_sessions
WHERE user_id = @user_id AND started_at >= @from_time AND started_at < @to_time
ORDER BY ended_at - started_at DESC, started_at
LIMIT @max_sessions;

-- name: GetSessionStats :one
SELECT count(*)::bigint AS sessions,
       COALESCE(sum(EXTRACT(EPOCH FROM (ended_at - started_at))), 0)::bigint AS seconds,
       COALESCE(max(EXTRACT(EPOCH FROM (ended_at - started_at))), 0)::bigint AS longest_seconds
FROM euterpe.listening_sessions
WHERE user_id = @user_id AND started_at >= @from_time AND started_at < @to_time;

-- name: ListItemMonths :many
-- One item's plays per month, for its page's chart.
SELECT period_start AS month, plays, ms_played
FROM euterpe.play_totals
WHERE user_id = @user_id AND kind = @kind::text AND period = 'm' AND item_id = @item_id
ORDER BY period_start;

-- name: GetItemStanding :one
-- An item's all-time plays and minutes, and its rank among the user's items
-- of its kind by plays.
SELECT pt.plays, pt.ms_played,
       (SELECT count(*) + 1 FROM euterpe.play_totals o
        WHERE o.user_id = pt.user_id AND o.kind = pt.kind AND o.period = 'a' AND o.period_start = '-infinity'
          AND o.plays > pt.plays)::bigint AS rank
FROM euterpe.play_totals pt
WHERE pt.user_id = @user_id AND pt.kind = @kind::text AND pt.period = 'a' AND pt.period_start = '-infinity'
  AND pt.item_id = @item_id;

-- name: IsItemInUserSnapshots :one
-- Whether a track or an artist was on one of the user's stored Spotify top
-- lists, or an album through one of its tracks: with the user's plays, what
-- makes an item's page theirs to see (the catalogue holds everyone's).
SELECT EXISTS (
    SELECT 1 FROM euterpe.top_snapshots s
    WHERE s.user_id = @user_id AND CASE @kind::text
        WHEN 't' THEN @item_id::bigint = ANY (s.tracks_short || s.tracks_medium || s.tracks_long)
        WHEN 'a' THEN @item_id::bigint = ANY (s.artists_short || s.artists_medium || s.artists_long)
        ELSE EXISTS (SELECT 1 FROM euterpe.tracks t
                     WHERE t.album_id = @item_id::bigint AND t.id = ANY (s.tracks_short || s.tracks_medium || s.tracks_long))
    END
) AS listed;

-- name: GetItemFirstLast :one
-- When the user first and last heard a track, an artist or an album (Go's
-- zero time when never).
SELECT COALESCE(min(p.played_at), '0001-01-01 00:00:00Z')::timestamptz AS first_played,
       COALESCE(max(p.played_at), '0001-01-01 00:00:00Z')::timestamptz AS last_played
FROM euterpe.plays p
WHERE p.user_id = @user_id AND p.track_id IN (
    SELECT @item_id::bigint WHERE @kind::text = 't'
    UNION ALL
    SELECT ta.track_id FROM euterpe.track_artists ta WHERE @kind::text = 'a' AND ta.artist_id = @item_id
    UNION ALL
    SELECT t.id FROM euterpe.tracks t WHERE @kind::text = 'l' AND t.album_id = @item_id);

-- name: LockUserPlays :exec
-- Waits for, then holds until commit, the lock every writer of the user's
-- plays takes (see plays_skip_duplicate).
SELECT euterpe.lock_user_plays(@user_id);

-- name: DeleteSummaries :exec
-- A rebuild empties the user's summaries before adding every play again.
WITH h AS (DELETE FROM euterpe.play_hours WHERE play_hours.user_id = @user_id),
     c AS (DELETE FROM euterpe.play_clock WHERE play_clock.user_id = @user_id),
     s AS (DELETE FROM euterpe.listening_sessions WHERE listening_sessions.user_id = @user_id)
DELETE FROM euterpe.play_totals WHERE play_totals.user_id = @user_id;

-- name: SummarizePlaysBetween :exec
-- Adds the user's plays in [from_time, to_time) to the summaries.
SELECT euterpe.summarize_plays(ARRAY(
    SELECT p FROM euterpe.plays p
    WHERE p.user_id = @user_id AND p.played_at >= @from_time AND p.played_at < @to_time
    ORDER BY p.played_at));

-- name: GetPlaysSpan :one
SELECT COALESCE(min(played_at), '0001-01-01 00:00:00Z')::timestamptz AS first_played,
       COALESCE(max(played_at), '0001-01-01 00:00:00Z')::timestamptz AS last_played,
       count(*) AS plays
FROM euterpe.plays
WHERE user_id = @user_id;

-- name: ListItemTopTracks :many
-- An artist's or an album's tracks the user played most, of all time.
SELECT pt.item_id, pt.plays, pt.ms_played
FROM euterpe.play_totals pt
WHERE pt.user_id = @user_id AND pt.kind = 't' AND pt.period = 'a' AND pt.period_start = '-infinity'
  AND pt.item_id IN (
      SELECT ta.track_id FROM euterpe.track_artists ta WHERE @kind::text = 'a' AND ta.artist_id = @item_id
      UNION ALL
      SELECT t.id FROM euterpe.tracks t WHERE @kind::text = 'l' AND t.album_id = @item_id)
ORDER BY pt.plays DESC, pt.item_id
LIMIT @max_items;

-- name: AllowLongStatements :exec
-- For the rest of this transaction only: a background rebuild may take
-- longer than the pool's 15-second statement limit.
SELECT set_config('statement_timeout', @timeout::text, true);

-- name: GetLastPlayBefore :one
-- When the user's latest play before a moment ended (Go's zero time when
-- none).
SELECT COALESCE(max(played_at), '0001-01-01 00:00:00Z')::timestamptz AS played_at
FROM euterpe.plays
WHERE user_id = @user_id AND played_at < @before_time;

-- name: ListUsersOfTracks :many
-- Everyone with plays or skips of these tracks (a scan: for background
-- work only).
SELECT user_id FROM euterpe.plays WHERE track_id = ANY(@track_ids::bigint[])
UNION
SELECT user_id FROM euterpe.skips WHERE track_id = ANY(@track_ids::bigint[])
ORDER BY 1;

-- name: HandResolvedDuplicatesOn :exec
-- Before DropResolvedDuplicatePlays: the play the other track already has
-- of the same listen is held by whatever held the one that goes (its owner
-- and its play_holders), so deleting an import cannot lose it.
INSERT INTO euterpe.play_holders (user_id, track_id, played_at, import_id)
SELECT DISTINCT x.user_id, x.track_id, x.played_at, h.import_id
FROM euterpe.plays p
JOIN euterpe.tracks t ON t.id = p.track_id AND t.resolved_to IS NOT NULL
JOIN euterpe.plays x ON x.user_id = p.user_id AND x.track_id = t.resolved_to
                    AND euterpe.same_listen(x.played_at, p.played_at)
-- What held the play that goes: its owner, and its holders.
JOIN (SELECT o.user_id, o.track_id, o.played_at, o.import_id FROM euterpe.plays o
      WHERE o.user_id = ANY(@user_ids::uuid[]) AND o.track_id = ANY(@track_ids::bigint[])
      UNION ALL
      SELECT ph.user_id, ph.track_id, ph.played_at, ph.import_id FROM euterpe.play_holders ph
      WHERE ph.user_id = ANY(@user_ids::uuid[]) AND ph.track_id = ANY(@track_ids::bigint[])) AS h
  ON h.user_id = p.user_id AND h.track_id = p.track_id AND h.played_at = p.played_at
WHERE p.user_id = ANY(@user_ids::uuid[]) AND p.track_id = ANY(@track_ids::bigint[])
  AND h.import_id IS DISTINCT FROM x.import_id
ON CONFLICT DO NOTHING;

-- name: DropResolvedDuplicatePlays :exec
-- Before plays of a name-only track move to the track it turned out to be:
-- those that the other track already has (the 30-second rule) go.
DELETE FROM euterpe.plays p
USING euterpe.tracks t
WHERE p.user_id = ANY(@user_ids::uuid[]) AND p.track_id = ANY(@track_ids::bigint[])
  AND t.id = p.track_id AND t.resolved_to IS NOT NULL
  AND EXISTS (SELECT 1 FROM euterpe.plays x
              WHERE x.user_id = p.user_id AND x.track_id = t.resolved_to
                AND euterpe.same_listen(x.played_at, p.played_at));

-- name: MoveResolvedPlays :exec
UPDATE euterpe.plays p
SET track_id = t.resolved_to
FROM euterpe.tracks t
WHERE p.user_id = ANY(@user_ids::uuid[]) AND p.track_id = ANY(@track_ids::bigint[])
  AND t.id = p.track_id AND t.resolved_to IS NOT NULL;

-- name: DropResolvedDuplicateSkips :exec
DELETE FROM euterpe.skips s
USING euterpe.tracks t
WHERE s.user_id = ANY(@user_ids::uuid[]) AND s.track_id = ANY(@track_ids::bigint[])
  AND t.id = s.track_id AND t.resolved_to IS NOT NULL
  AND EXISTS (SELECT 1 FROM euterpe.skips x
              WHERE x.user_id = s.user_id AND x.track_id = t.resolved_to AND x.played_at = s.played_at);

-- name: MoveResolvedSkips :exec
UPDATE euterpe.skips s
SET track_id = t.resolved_to
FROM euterpe.tracks t
WHERE s.user_id = ANY(@user_ids::uuid[]) AND s.track_id = ANY(@track_ids::bigint[])
  AND t.id = s.track_id AND t.resolved_to IS NOT NULL;

-- name: CountUserPlays :one
-- How many plays the user has, from the all-time totals per track (every
-- play counts there once): a few thousand rows, not ten million.
SELECT COALESCE(sum(pt.plays), 0)::bigint FROM euterpe.play_totals pt
WHERE pt.user_id = @user_id AND pt.kind = 't' AND pt.period = 'a' AND pt.period_start = '-infinity';
