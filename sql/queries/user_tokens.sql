-- name: UpsertUserToken :one
-- Stores the tokens from a fresh authorization; a user has at most one row.
-- authorized_at restarts: Spotify's refresh token lives six months from
-- this authorization.
INSERT INTO euterpe.user_tokens (
    user_id, access_token_encrypted, refresh_token_encrypted, expires_at, token_type, scope
) VALUES (
    @user_id, @access_token_encrypted, @refresh_token_encrypted, @expires_at, @token_type, @scope
)
ON CONFLICT (user_id) DO UPDATE
SET access_token_encrypted  = EXCLUDED.access_token_encrypted,
    refresh_token_encrypted = EXCLUDED.refresh_token_encrypted,
    expires_at              = EXCLUDED.expires_at,
    token_type              = EXCLUDED.token_type,
    scope                   = EXCLUDED.scope,
    authorized_at           = now(),
    updated_at              = now()
RETURNING *;

-- name: GetUserToken :one
SELECT * FROM euterpe.user_tokens
WHERE user_id = @user_id;

-- name: GetUserTokenForUpdate :one
-- Taken inside the refresh transaction: concurrent refreshes of one user (in
-- this process or another dyno) queue here, and each re-checks the expiry
-- after the lock is granted, so only one of them calls Spotify.
SELECT * FROM euterpe.user_tokens
WHERE user_id = @user_id
FOR UPDATE;

-- name: UpdateUserTokenAfterRefresh :one
-- The caller passes the old refresh token back when Spotify's answer has none.
UPDATE euterpe.user_tokens
SET access_token_encrypted  = @access_token_encrypted,
    refresh_token_encrypted = @refresh_token_encrypted,
    expires_at              = @expires_at,
    scope                   = @scope,
    updated_at              = now()
WHERE user_id = @user_id
RETURNING *;

-- name: DeleteUserToken :execrows
DELETE FROM euterpe.user_tokens
WHERE user_id = @user_id;

-- name: ListUserTokensAfter :many
-- Key rotation walks the table in id order, a batch at a time.
SELECT id, access_token_encrypted, refresh_token_encrypted
FROM euterpe.user_tokens
WHERE id > @after_id
ORDER BY id
LIMIT @batch_size;

-- name: ReencryptUserToken :execrows
-- Compare-and-swap: a refresh that lands between reading and writing wins,
-- and its row (already under the new primary key) is left alone.
UPDATE euterpe.user_tokens
SET access_token_encrypted  = @new_access_encrypted,
    refresh_token_encrypted = @new_refresh_encrypted
WHERE id = @id
  AND access_token_encrypted = @old_access_encrypted
  AND refresh_token_encrypted = @old_refresh_encrypted;
