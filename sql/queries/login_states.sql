-- name: CreateLoginState :execrows
-- Logins in progress are bounded whatever the traffic: past max_pending
-- (stale ones are cleared as logins start) no row is added. user_id is the
-- signed-in user who began it (NULL: signed out).
INSERT INTO euterpe.login_states (state_hash, code_verifier_encrypted, scope, return_to_encrypted, user_id)
SELECT @state_hash, @code_verifier_encrypted, @scope, sqlc.narg('return_to_encrypted')::text, sqlc.narg('user_id')::uuid
WHERE (SELECT count(*) FROM euterpe.login_states) < @max_pending::int;

-- name: LockUserForLogin :exec
-- Serialises one user's logins as they begin, so that their bound holds
-- under concurrent requests (NO KEY: a login state's reference to the row
-- does not wait for it).
SELECT 1 FROM euterpe.users WHERE id = @user_id FOR NO KEY UPDATE;

-- name: DeleteOldestUserLoginStates :execrows
-- Makes room for a user's new login: all but their newest keep - 1 logins
-- in progress go (the consent page of a tab left open: finishing it fails as a
-- stale login, and the user starts again).
DELETE FROM euterpe.login_states
WHERE state_hash IN (
    SELECT ranked.state_hash FROM (
        SELECT s.state_hash, row_number() OVER (ORDER BY s.created_at DESC, s.state_hash) AS newest
        FROM euterpe.login_states s
        WHERE s.user_id = @user_id::uuid
    ) ranked
    WHERE ranked.newest >= @keep::int
);

-- name: ClaimLoginState :one
-- Single use: the row is gone once claimed, so a replayed callback fails.
DELETE FROM euterpe.login_states
WHERE state_hash = ANY(@state_hashes::bytea[])
  AND created_at > now() - make_interval(secs => @max_age_seconds::int)
RETURNING code_verifier_encrypted, scope, return_to_encrypted;

-- name: DeleteStaleLoginStates :execrows
DELETE FROM euterpe.login_states
WHERE created_at <= now() - make_interval(secs => @max_age_seconds::int);
