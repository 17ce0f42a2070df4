-- The playlists Euterpe wrote to users' Spotify accounts (social.Playlists).

-- name: BeginMadePlaylist :one
-- Claims the form's request key before Spotify is called: a second request
-- with the same key gets no row and is shown the first one's playlist.
INSERT INTO euterpe.made_playlists (user_id, request_key, kind, friend_id, name, created_at)
VALUES (@user_id, @request_key, @kind, sqlc.narg('friend_id')::uuid, @name, @at_time::timestamptz)
ON CONFLICT (user_id, request_key) DO NOTHING
RETURNING id;

-- name: GetMadePlaylistByKey :one
SELECT id, kind, name, spotify_playlist_id, spotify_url, tracks, created_at
FROM euterpe.made_playlists
WHERE user_id = @user_id AND request_key = @request_key;

-- name: FinishMadePlaylist :exec
UPDATE euterpe.made_playlists
SET spotify_playlist_id = @spotify_playlist_id, spotify_url = @spotify_url, tracks = @tracks
WHERE id = @id;

-- name: DeleteMadePlaylist :exec
-- Spotify refused: the request may be made again.
DELETE FROM euterpe.made_playlists
WHERE id = @id;

-- name: ListMadePlaylists :many
-- The user's playlists written to Spotify, newest first.
SELECT p.id, p.kind, p.name, p.spotify_playlist_id, p.spotify_url, p.tracks, p.created_at,
       u.display_name AS friend_name
FROM euterpe.made_playlists AS p
LEFT JOIN euterpe.users AS u ON u.id = p.friend_id
WHERE p.user_id = @user_id AND p.spotify_playlist_id IS NOT NULL
ORDER BY p.created_at DESC, p.id
LIMIT @max_rows;
