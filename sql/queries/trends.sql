-- Trends over time and the year in review (package trends), read from the
-- summaries the plays triggers keep: play_hours (local days and hours) and
-- play_totals (items per month and year), both in the user's summary zone.

-- name: ListMonthTotals :many
-- Plays and time heard per month, over the days from_day to to_day.
SELECT date_trunc('month', day)::date AS month, sum(plays)::bigint AS plays, sum(ms_played)::bigint AS ms_played
FROM euterpe.play_hours
WHERE user_id = @user_id AND day BETWEEN @from_day AND @to_day
GROUP BY 1
ORDER BY 1;

-- name: ListItemMonthTotals :many
-- Some items' plays and time heard per month, months from_month to
-- to_month.
SELECT item_id, period_start AS month, plays::bigint AS plays, ms_played
FROM euterpe.play_totals
WHERE user_id = @user_id AND kind = @kind::text AND period = 'm'
  AND item_id = ANY(@item_ids::bigint[])
  AND period_start BETWEEN @from_month AND @to_month
ORDER BY period_start, item_id;

-- name: ListArtistDiscoveries :many
-- Per month: how many artists the user heard that month, and how many of
-- them for the first time (in the history Euterpe has).
SELECT m.period_start AS month,
       count(*)::bigint AS artists,
       count(*) FILTER (WHERE m.period_start = f.first_month)::bigint AS discovered
FROM euterpe.play_totals m
JOIN (SELECT pt.item_id, min(pt.period_start) AS first_month
      FROM euterpe.play_totals pt
      WHERE pt.user_id = @user_id AND pt.kind = 'a' AND pt.period = 'm'
      GROUP BY pt.item_id) AS f ON f.item_id = m.item_id
WHERE m.user_id = @user_id AND m.kind = 'a' AND m.period = 'm'
GROUP BY m.period_start
ORDER BY m.period_start;

-- name: ListYearDiscoveries :many
-- The artists the user first heard in the year starting year_start (in the
-- history Euterpe has), most played that year first, with how many there
-- are in all.
SELECT y.item_id, y.plays::bigint AS plays, y.ms_played, count(*) OVER ()::bigint AS discovered
FROM euterpe.play_totals y
WHERE y.user_id = @user_id AND y.kind = 'a' AND y.period = 'y' AND y.period_start = @year_start::date
  AND NOT EXISTS (SELECT 1 FROM euterpe.play_totals e
                  WHERE e.user_id = y.user_id AND e.kind = 'a' AND e.period = 'y'
                    AND e.item_id = y.item_id AND e.period_start < @year_start::date)
ORDER BY y.plays DESC, y.ms_played DESC, y.item_id
LIMIT @max_items;

-- name: GetSongOfADay :one
-- The track played most on one local day from from_day to to_day (kept per
-- day in day_top_tracks): the most plays, then the earliest day.
SELECT track_id, day, plays::bigint AS plays
FROM euterpe.day_top_tracks
WHERE user_id = @user_id AND day BETWEEN @from_day AND @to_day
ORDER BY plays DESC, day, track_id
LIMIT 1;
