-- name: UpsertArtists :exec
-- What Spotify sends replaces what is stored; a row is written only when
-- something changed. The caller passes each artist once, sorted by id, so
-- concurrent writers lock rows in the same order. '' means no picture (an
-- artist in a track object comes without one): a known picture is kept.
INSERT INTO euterpe.artists (spotify_id, name, image_url)
SELECT a.spotify_id, a.name, NULLIF(a.image_url, '')
FROM (SELECT unnest(@spotify_ids::text[]) AS spotify_id,
             unnest(@names::text[]) AS name,
             unnest(@image_urls::text[]) AS image_url) AS a
ON CONFLICT (spotify_id) DO UPDATE
SET name       = EXCLUDED.name,
    image_url  = COALESCE(EXCLUDED.image_url, euterpe.artists.image_url),
    updated_at = now()
WHERE (euterpe.artists.name, euterpe.artists.image_url)
      IS DISTINCT FROM (EXCLUDED.name, COALESCE(EXCLUDED.image_url, euterpe.artists.image_url));

-- name: ListArtistIDs :many
SELECT id, spotify_id FROM euterpe.artists
WHERE spotify_id = ANY(@spotify_ids::text[]);

-- name: ListArtistDetails :many
SELECT id, spotify_id, name, image_url
FROM euterpe.artists
WHERE id = ANY(@ids::bigint[]);
