-- Public share links (social.Shares). A link is found by the SHA-256 of its
-- token, never by anything its owner or a viewer could guess.

-- name: CreateShare :one
-- A user keeps at most max_shares links: past that nothing is added (no
-- row), and the owner is asked to revoke some first.
INSERT INTO euterpe.shares (user_id, token_hash, kind, time_range, period, from_day, to_day, year, panels,
                            show_name, show_picture, picture_url, expires_at, created_at)
SELECT @user_id, @token_hash, @kind::text, sqlc.narg('time_range')::text, sqlc.narg('period')::text,
       sqlc.narg('from_day')::date, sqlc.narg('to_day')::date, sqlc.narg('year')::integer, @panels::text[],
       @show_name::boolean, @show_picture::boolean, sqlc.narg('picture_url')::text,
       sqlc.narg('expires_at')::timestamptz, @at_time::timestamptz
WHERE (SELECT count(*) FROM euterpe.shares WHERE user_id = @user_id) < @max_shares::int
RETURNING id;

-- name: ListShares :many
-- The user's links, newest first.
SELECT id, kind, time_range, period, from_day, to_day, year, panels, show_name, show_picture,
       expires_at, views, last_viewed_at, created_at
FROM euterpe.shares
WHERE user_id = @user_id
ORDER BY created_at DESC, id;

-- name: DeleteShare :execrows
-- Revoking: the link stops working at once, on every process.
DELETE FROM euterpe.shares
WHERE id = @id AND user_id = @user_id;

-- name: OpenShare :one
-- An anonymous view: the link, if it exists and has not expired at at_time,
-- counted as viewed, with its owner's display name. One statement, so a
-- revoked or expired link and an unknown token take the same path.
UPDATE euterpe.shares AS s
SET views = s.views + 1,
    last_viewed_at = @at_time::timestamptz
FROM euterpe.users AS u
WHERE s.token_hash = @token_hash
  AND (s.expires_at IS NULL OR s.expires_at > @at_time::timestamptz)
  AND u.id = s.user_id
RETURNING s.id, s.user_id, s.kind, s.time_range, s.period, s.from_day, s.to_day, s.year, s.panels,
          s.show_name, s.show_picture, s.picture_url, u.display_name AS owner_name;
