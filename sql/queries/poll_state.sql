-- name: EnrollPolling :exec
-- A login starts (or resumes) polling the user, at once.
INSERT INTO euterpe.poll_state (user_id, next_poll_at)
VALUES (@user_id, @at_time::timestamptz)
ON CONFLICT (user_id) DO UPDATE
SET next_poll_at   = EXCLUDED.next_poll_at,
    interrupted_at = COALESCE(euterpe.poll_state.stopped_at, euterpe.poll_state.interrupted_at),
    resumed_at     = CASE WHEN euterpe.poll_state.stopped_at IS NULL THEN euterpe.poll_state.resumed_at
                          ELSE EXCLUDED.next_poll_at END,
    stopped_at     = NULL,
    stopped_reason = NULL,
    dispatched_at  = NULL;

-- name: ClaimDuePolls :many
-- Marks up to max_users users who are due as dispatched and returns them.
-- A user being polled (their row locked) is skipped, and so is one
-- dispatched within the last redispatch_seconds of real time, whose job may
-- still be waiting for a worker; a job lost with its worker is redispatched
-- after that.
UPDATE euterpe.poll_state ps
SET dispatched_at = now()
WHERE ps.user_id IN (
    SELECT d.user_id FROM euterpe.poll_state d
    WHERE d.stopped_at IS NULL
      AND d.next_poll_at <= @at_time::timestamptz
      AND (d.dispatched_at IS NULL OR d.dispatched_at < now() - make_interval(secs => @redispatch_seconds::float8))
    ORDER BY d.next_poll_at
    LIMIT @max_users
    FOR UPDATE SKIP LOCKED)
RETURNING ps.user_id;

-- name: LockDuePoll :one
-- Taken by a poll for its whole length: while it is held, no other process
-- polls the user, and a poll whose worker dies releases it with the
-- connection. Nothing comes back when the user is not due (another process
-- just polled them) or is being polled.
SELECT user_id, next_poll_at, after_ms, last_new_plays
FROM euterpe.poll_state
WHERE user_id = @user_id AND stopped_at IS NULL AND next_poll_at <= @at_time::timestamptz
FOR UPDATE SKIP LOCKED;

-- name: FinishPoll :exec
UPDATE euterpe.poll_state
SET next_poll_at   = @next_poll_at,
    after_ms       = greatest(COALESCE(after_ms, 0), @after_ms::bigint),
    last_polled_at = @at_time::timestamptz,
    last_new_plays = @new_plays,
    polls          = polls + 1,
    dispatched_at  = NULL,
    gap_at         = CASE WHEN @gap::bool THEN @at_time::timestamptz ELSE gap_at END
WHERE user_id = @user_id;

-- name: ReschedulePoll :exec
-- Nothing was asked of Spotify (no budget, a pause, an outage): try again
-- later.
UPDATE euterpe.poll_state
SET next_poll_at = @next_poll_at, dispatched_at = NULL
WHERE user_id = @user_id;

-- name: StopPolling :exec
-- The user's grant ended: polling waits for them to log in again.
UPDATE euterpe.poll_state
SET stopped_at = @at_time::timestamptz, stopped_reason = @reason, dispatched_at = NULL
WHERE user_id = @user_id AND stopped_at IS NULL;

-- name: GetPollState :one
SELECT next_poll_at, after_ms, last_polled_at, last_new_plays, polls, gap_at, stopped_at, stopped_reason,
       interrupted_at, resumed_at, created_at
FROM euterpe.poll_state
WHERE user_id = @user_id;

-- name: GetListeningPattern :one
-- What the poller judges a user's pace by: the most plays they made in one
-- local hour since since_day, and the local hours of the day they listened
-- in.
SELECT COALESCE(max(plays), 0)::int AS peak_hour_plays,
       COALESCE(array_agg(DISTINCT hour), '{}')::smallint[] AS active_hours
FROM euterpe.play_hours
WHERE user_id = @user_id AND day >= @since_day;

-- name: GetPollerLag :one
-- How far behind the poller is, for /metrics: the users due and not yet
-- polled, and when the longest-waiting of them fell due (0001-01-01 when
-- nobody is overdue).
SELECT COALESCE(min(next_poll_at), '0001-01-01 00:00:00Z')::timestamptz AS oldest_due,
       count(*)::bigint AS overdue
FROM euterpe.poll_state
WHERE stopped_at IS NULL AND next_poll_at < @at_time::timestamptz;
