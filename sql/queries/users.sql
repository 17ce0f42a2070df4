-- name: UpsertUser :one
-- Called at every login: the Spotify profile is the source of truth for the
-- name and email, and created_at keeps the first login.
INSERT INTO euterpe.users (spotify_user_id, display_name, email)
VALUES (@spotify_user_id, @display_name, sqlc.narg('email'))
ON CONFLICT (spotify_user_id) DO UPDATE
SET display_name = EXCLUDED.display_name,
    email        = EXCLUDED.email,
    updated_at   = now()
RETURNING *;

-- name: GetUser :one
SELECT * FROM euterpe.users
WHERE id = @id;

-- name: CountUsers :one
SELECT count(*) FROM euterpe.users;

-- name: DeleteUser :execrows
-- Tokens (and everything else a user owns) go with the row: ON DELETE CASCADE.
DELETE FROM euterpe.users
WHERE id = @id;

-- name: ListUsersForOperator :many
-- euterpe users list: who has signed in, when last seen (a session's idle
-- deadline moves with use, to within five minutes; else the last login),
-- and how many plays are stored.
SELECT u.id, u.spotify_user_id, u.display_name, u.created_at,
       GREATEST(u.updated_at,
                COALESCE((SELECT max(s.idle_expires_at) FROM euterpe.sessions s WHERE s.user_id = u.id)
                         - make_interval(secs => @idle_seconds::int), u.updated_at))::timestamptz AS last_seen,
       (SELECT count(*) FROM euterpe.plays p WHERE p.user_id = u.id)::bigint AS plays
FROM euterpe.users u
ORDER BY u.created_at, u.id;

-- name: FindUserForOperator :one
-- A user by Euterpe's id or Spotify's.
SELECT u.id, u.spotify_user_id, u.display_name,
       (SELECT count(*) FROM euterpe.plays p WHERE p.user_id = u.id)::bigint AS plays
FROM euterpe.users u
WHERE u.id::text = @ref::text OR u.spotify_user_id = @ref::text;
