-- name: CreateSession :exec
INSERT INTO euterpe.sessions (id_hash, user_id, expires_at, idle_expires_at)
VALUES (@id_hash, @user_id, now() + make_interval(secs => @absolute_seconds::int),
        now() + make_interval(secs => @idle_seconds::int));

-- name: GetSessionPrincipal :one
-- Everything a request needs in one round trip: the live session, its user,
-- and the user's tokens (absent after a revoked grant). The idle deadline
-- moves forward only when it is more than five minutes stale, so most
-- requests write nothing. id_hashes are the id's HMACs under every
-- SECRET_KEY listed, the current key's first.
WITH touched AS (
    UPDATE euterpe.sessions AS ts
    SET idle_expires_at = now() + make_interval(secs => @idle_seconds::int)
    WHERE ts.id_hash = ANY(@id_hashes::bytea[])
      AND ts.expires_at > now()
      AND ts.idle_expires_at > now()
      AND NOT ts.grant_gone
      AND ts.idle_expires_at < now() + make_interval(secs => @idle_seconds::int) - interval '5 minutes'
)
SELECT s.id_hash,
       s.user_id,
       s.grant_gone,
       u.spotify_user_id,
       u.display_name,
       t.access_token_encrypted,
       t.expires_at AS token_expires_at,
       t.authorized_at
FROM euterpe.sessions s
JOIN euterpe.users u ON u.id = s.user_id
LEFT JOIN euterpe.user_tokens t ON t.user_id = s.user_id
WHERE s.id_hash = ANY(@id_hashes::bytea[])
  AND s.expires_at > now()
  AND s.idle_expires_at > now()
LIMIT 1;

-- name: RekeySession :exec
-- A session found by an earlier SECRET_KEY's hash takes the current key's,
-- so it outlives the old key's removal.
UPDATE euterpe.sessions SET id_hash = @new_hash WHERE id_hash = @old_hash;

-- name: DeleteSession :execrows
DELETE FROM euterpe.sessions
WHERE id_hash = ANY(@id_hashes::bytea[]);

-- name: MarkSessionsGrantGone :execrows
-- The user's grant is gone: each of their sessions ends at its next use,
-- saying why.
UPDATE euterpe.sessions SET grant_gone = true
WHERE user_id = @user_id;

-- name: DeleteUserSessions :execrows
DELETE FROM euterpe.sessions
WHERE user_id = @user_id;

-- name: DeleteExpiredSessions :execrows
DELETE FROM euterpe.sessions
WHERE expires_at <= now() OR idle_expires_at <= now();
