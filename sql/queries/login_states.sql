-- name: CreateLoginState :execrows
-- Logins in progress are bounded whatever the traffic: past max_pending
-- (stale ones are cleared as logins start) no row is added.
INSERT INTO euterpe.login_states (state_hash, code_verifier_encrypted, scope, return_to_encrypted)
SELECT @state_hash, @code_verifier_encrypted, @scope, sqlc.narg('return_to_encrypted')::text
WHERE (SELECT count(*) FROM euterpe.login_states) < @max_pending::int;

-- name: ClaimLoginState :one
-- Single use: the row is gone once claimed, so a replayed callback fails.
DELETE FROM euterpe.login_states
WHERE state_hash = ANY(@state_hashes::bytea[])
  AND created_at > now() - make_interval(secs => @max_age_seconds::int)
RETURNING code_verifier_encrypted, scope, return_to_encrypted;

-- name: DeleteStaleLoginStates :execrows
DELETE FROM euterpe.login_states
WHERE created_at <= now() - make_interval(secs => @max_age_seconds::int);
