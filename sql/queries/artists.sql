-- name: UpsertArtists :exec
-- What Spotify sends replaces what is stored; a row is written only when
-- something changed. The caller passes each artist once, sorted by id, so
-- concurrent writers lock rows in the same order. '' means no picture (an
-- artist in a track object comes without one): a known picture is kept,
-- unless a user's upload set it (named_by_user: nothing of it stays).
INSERT INTO euterpe.artists (spotify_id, name, image_url, name_key)
SELECT a.spotify_id, a.name, NULLIF(a.image_url, ''), a.name_key
FROM (SELECT unnest(@spotify_ids::text[]) AS spotify_id,
             unnest(@names::text[]) AS name,
             unnest(@image_urls::text[]) AS image_url,
             unnest(@name_keys::text[]) AS name_key) AS a
ON CONFLICT (spotify_id) DO UPDATE
SET name          = EXCLUDED.name,
    image_url     = CASE WHEN euterpe.artists.named_by_user THEN EXCLUDED.image_url
                         ELSE COALESCE(EXCLUDED.image_url, euterpe.artists.image_url) END,
    name_key      = EXCLUDED.name_key,
    named_by_user = false,
    updated_at    = now()
WHERE euterpe.artists.named_by_user
   OR (euterpe.artists.name, euterpe.artists.image_url, euterpe.artists.name_key)
      IS DISTINCT FROM (EXCLUDED.name, COALESCE(EXCLUDED.image_url, euterpe.artists.image_url), EXCLUDED.name_key);

-- name: ClaimArtistsByName :exec
-- An artist known only by name (from an export) becomes the Spotify artist
-- of that name, keeping its id: its plays and summaries stay put.
UPDATE euterpe.artists a
SET spotify_id = c.spotify_id, updated_at = now()
FROM (SELECT unnest(@spotify_ids::text[]) AS spotify_id,
             unnest(@name_keys::text[]) AS name_key) AS c
WHERE a.spotify_id IS NULL AND a.name_key = c.name_key
  AND NOT EXISTS (SELECT 1 FROM euterpe.artists x WHERE x.spotify_id = c.spotify_id);

-- name: ListArtistIDs :many
SELECT id, spotify_id FROM euterpe.artists
WHERE spotify_id = ANY(@spotify_ids::text[]);

-- name: ListArtistDetails :many
SELECT id, spotify_id, name, image_url
FROM euterpe.artists
WHERE id = ANY(@ids::bigint[]);
