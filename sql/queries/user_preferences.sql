-- name: GetFavoriteRange :one
-- With the zone the summaries are kept in: the dashboard's "this year"
-- is the user's year, read in the same query.
SELECT favorite_range, summary_time_zone FROM euterpe.user_preferences
WHERE user_id = @user_id;

-- name: SetFavoriteRange :exec
-- Written only when the choice changes, so reloading the dashboard writes
-- nothing.
INSERT INTO euterpe.user_preferences (user_id, favorite_range)
VALUES (@user_id, @favorite_range)
ON CONFLICT (user_id) DO UPDATE
SET favorite_range = EXCLUDED.favorite_range,
    updated_at     = now()
WHERE euterpe.user_preferences.favorite_range IS DISTINCT FROM EXCLUDED.favorite_range;

-- name: GetTimeZones :one
-- The zone the user asked for and the zone their summaries are kept in;
-- they differ while a rebuild is pending.
SELECT time_zone, summary_time_zone FROM euterpe.user_preferences
WHERE user_id = @user_id;

-- name: SetTimeZone :one
-- A user with no summaries yet takes the new zone for them at once; one
-- with summaries keeps theirs (UTC until now, for a user without
-- preferences) until the rebuild.
INSERT INTO euterpe.user_preferences (user_id, time_zone, summary_time_zone)
VALUES (@user_id, @time_zone,
        CASE WHEN EXISTS (SELECT 1 FROM euterpe.play_hours h WHERE h.user_id = @user_id)
             THEN 'UTC' ELSE @time_zone END)
ON CONFLICT (user_id) DO UPDATE
SET time_zone  = EXCLUDED.time_zone,
    summary_time_zone = CASE
        WHEN EXISTS (SELECT 1 FROM euterpe.play_hours h WHERE h.user_id = EXCLUDED.user_id)
        THEN euterpe.user_preferences.summary_time_zone
        ELSE EXCLUDED.time_zone END,
    updated_at = now()
RETURNING time_zone, summary_time_zone;

-- name: AdoptTimeZoneForSummaries :one
-- Inside a rebuild: the summaries will be kept in the zone the user asked for.
UPDATE euterpe.user_preferences
SET summary_time_zone = time_zone
WHERE user_id = @user_id
RETURNING summary_time_zone;
