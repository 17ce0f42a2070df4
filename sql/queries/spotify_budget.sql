-- name: EnsureSpotifyBudget :exec
-- The one row of the app's Spotify budget, full, the first time.
INSERT INTO euterpe.spotify_budget (id, tokens, refilled_at)
VALUES (true, @capacity, @at_time::timestamptz)
ON CONFLICT (id) DO NOTHING;

-- name: LockSpotifyBudget :one
-- Held while a process refills the bucket for the time passed and takes
-- from it (or records what its requests spent).
SELECT tokens, refilled_at, paused_until
FROM euterpe.spotify_budget
WHERE id = true
FOR UPDATE;

-- name: SetSpotifyBudget :exec
UPDATE euterpe.spotify_budget
SET tokens = @tokens::float8, refilled_at = @at_time::timestamptz
WHERE id = true;

-- name: PauseSpotify :exec
-- A 429's Retry-After, for every process; a longer pause already set wins.
UPDATE euterpe.spotify_budget
SET paused_until = greatest(paused_until, @until::timestamptz)
WHERE id = true;

-- name: GetSpotifyPause :one
SELECT COALESCE(paused_until, '0001-01-01 00:00:00Z')::timestamptz AS paused_until
FROM euterpe.spotify_budget
WHERE id = true;
