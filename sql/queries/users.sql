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
