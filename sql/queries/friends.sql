-- Friendships and the invites that make them (social.Friends). A pair is
-- stored once, the smaller user id as user_a.

-- name: DeleteExpiredFriendInvites :execrows
-- An inviter's invites past their time, cleared as they make a new one.
DELETE FROM euterpe.friend_invites
WHERE inviter_id = @inviter_id AND expires_at <= @at_time::timestamptz;

-- name: CreateFriendInvite :one
-- At most max_open invites a user may have open at once; past that no row.
INSERT INTO euterpe.friend_invites (inviter_id, token_hash, created_at, expires_at)
SELECT @inviter_id, @token_hash, @at_time::timestamptz, @expires_at::timestamptz
WHERE (SELECT count(*) FROM euterpe.friend_invites
       WHERE inviter_id = @inviter_id AND expires_at > @at_time::timestamptz) < @max_open::int
RETURNING id, expires_at;

-- name: ListOpenFriendInvites :many
SELECT id, created_at, expires_at
FROM euterpe.friend_invites
WHERE inviter_id = @inviter_id AND expires_at > @at_time::timestamptz
ORDER BY created_at DESC, id;

-- name: DeleteFriendInvite :execrows
-- The inviter withdraws an invite.
DELETE FROM euterpe.friend_invites
WHERE id = @id AND inviter_id = @inviter_id;

-- name: GetFriendInvite :one
-- An open invite and who sent it, for its page.
SELECT i.inviter_id, u.display_name AS inviter_name, i.expires_at
FROM euterpe.friend_invites AS i
JOIN euterpe.users AS u ON u.id = i.inviter_id
WHERE i.token_hash = @token_hash AND i.expires_at > @at_time::timestamptz;

-- name: ClaimFriendInvite :one
-- Accepting spends the invite: of two people accepting at once, one gets
-- the row.
DELETE FROM euterpe.friend_invites
WHERE token_hash = @token_hash AND expires_at > @at_time::timestamptz
RETURNING inviter_id;

-- name: CreateFriendship :execrows
-- Nothing when the two are friends already.
INSERT INTO euterpe.friendships (user_a, user_b, created_at)
VALUES (LEAST(@one::uuid, @other::uuid), GREATEST(@one::uuid, @other::uuid), @at_time::timestamptz)
ON CONFLICT (user_a, user_b) DO NOTHING;

-- name: ListFriends :many
-- The user's friends, by name.
SELECT f.id, f.created_at, u.id AS friend_id, u.display_name
FROM euterpe.friendships AS f
JOIN euterpe.users AS u ON u.id = CASE WHEN f.user_a = @user_id THEN f.user_b ELSE f.user_a END
WHERE f.user_a = @user_id OR f.user_b = @user_id
ORDER BY lower(u.display_name), u.id;

-- name: GetFriend :one
-- The friendship id names a friend of user_id only: for anyone else it is
-- no row, the same as an id that does not exist.
SELECT f.id, f.created_at, u.id AS friend_id, u.display_name
FROM euterpe.friendships AS f
JOIN euterpe.users AS u ON u.id = CASE WHEN f.user_a = @user_id THEN f.user_b ELSE f.user_a END
WHERE f.id = @id AND (f.user_a = @user_id OR f.user_b = @user_id);

-- name: AreFriends :one
SELECT EXISTS (
    SELECT 1 FROM euterpe.friendships
    WHERE user_a = LEAST(@one::uuid, @other::uuid) AND user_b = GREATEST(@one::uuid, @other::uuid)
) AS friends;

-- name: DeleteFriendship :execrows
-- Either friend may end it.
DELETE FROM euterpe.friendships
WHERE id = @id AND (user_a = @user_id OR user_b = @user_id);
