-- name: CreateLoginState :exec
INSERT INTO euterpe.login_states (state_hash, code_verifier_encrypted)
VALUES (@state_hash, @code_verifier_encrypted);

-- name: ClaimLoginState :one
-- Single use: the row is gone once claimed, so a replayed callback fails.
DELETE FROM euterpe.login_states
WHERE state_hash = ANY(@state_hashes::bytea[])
  AND created_at > now() - make_interval(secs => @max_age_seconds::int)
RETURNING code_verifier_encrypted;

-- name: DeleteStaleLoginStates :execrows
DELETE FROM euterpe.login_states
WHERE created_at <= now() - make_interval(secs => @max_age_seconds::int);
