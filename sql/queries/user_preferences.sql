-- name: GetFavoriteRange :one
SELECT favorite_range FROM euterpe.user_preferences
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
