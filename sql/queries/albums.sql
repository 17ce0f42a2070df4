-- name: UpsertAlbums :exec
-- Like UpsertArtists. release_date is '' when unknown. What a user's upload
-- said of an album (named_by_user) is all replaced.
INSERT INTO euterpe.albums (spotify_id, name, album_type, release_date, release_date_precision, image_url, name_key)
SELECT a.spotify_id, a.name, NULLIF(a.album_type, ''), NULLIF(a.release_date, '')::date,
       NULLIF(a.release_date_precision, ''), NULLIF(a.image_url, ''), a.name_key
FROM (SELECT unnest(@spotify_ids::text[]) AS spotify_id,
             unnest(@names::text[]) AS name,
             unnest(@album_types::text[]) AS album_type,
             unnest(@release_dates::text[]) AS release_date,
             unnest(@release_date_precisions::text[]) AS release_date_precision,
             unnest(@image_urls::text[]) AS image_url,
             unnest(@name_keys::text[]) AS name_key) AS a
ON CONFLICT (spotify_id) DO UPDATE
SET name                   = EXCLUDED.name,
    name_key               = EXCLUDED.name_key,
    album_type             = CASE WHEN euterpe.albums.named_by_user THEN EXCLUDED.album_type
                                  ELSE COALESCE(EXCLUDED.album_type, euterpe.albums.album_type) END,
    release_date           = CASE WHEN euterpe.albums.named_by_user THEN EXCLUDED.release_date
                                  ELSE COALESCE(EXCLUDED.release_date, euterpe.albums.release_date) END,
    release_date_precision = CASE WHEN euterpe.albums.named_by_user THEN EXCLUDED.release_date_precision
                                  ELSE COALESCE(EXCLUDED.release_date_precision, euterpe.albums.release_date_precision) END,
    image_url              = CASE WHEN euterpe.albums.named_by_user THEN EXCLUDED.image_url
                                  ELSE COALESCE(EXCLUDED.image_url, euterpe.albums.image_url) END,
    named_by_user          = false,
    updated_at             = now()
WHERE euterpe.albums.named_by_user
   OR (euterpe.albums.name, euterpe.albums.name_key, euterpe.albums.album_type, euterpe.albums.release_date,
       euterpe.albums.release_date_precision, euterpe.albums.image_url)
      IS DISTINCT FROM
      (EXCLUDED.name, EXCLUDED.name_key, COALESCE(EXCLUDED.album_type, euterpe.albums.album_type),
       COALESCE(EXCLUDED.release_date, euterpe.albums.release_date),
       COALESCE(EXCLUDED.release_date_precision, euterpe.albums.release_date_precision),
       COALESCE(EXCLUDED.image_url, euterpe.albums.image_url));

-- name: ClaimAlbumsByName :exec
-- Like ClaimArtistsByName.
UPDATE euterpe.albums a
SET spotify_id = c.spotify_id, updated_at = now()
FROM (SELECT unnest(@spotify_ids::text[]) AS spotify_id,
             unnest(@name_keys::text[]) AS name_key) AS c
WHERE a.spotify_id IS NULL AND a.name_key = c.name_key
  AND NOT EXISTS (SELECT 1 FROM euterpe.albums x WHERE x.spotify_id = c.spotify_id);

-- name: ListAlbumIDs :many
SELECT id, spotify_id FROM euterpe.albums
WHERE spotify_id = ANY(@spotify_ids::text[]);

-- name: UpsertAlbumArtists :exec
-- An album's credited artists by position; positions past the new list are
-- removed by DeleteAlbumArtistsFrom.
INSERT INTO euterpe.album_artists (album_id, position, artist_id)
SELECT a.album_id, a.position, a.artist_id
FROM (SELECT unnest(@album_ids::bigint[]) AS album_id,
             unnest(@positions::smallint[]) AS position,
             unnest(@artist_ids::bigint[]) AS artist_id) AS a
ON CONFLICT (album_id, position) DO UPDATE
SET artist_id = EXCLUDED.artist_id
WHERE euterpe.album_artists.artist_id <> EXCLUDED.artist_id;

-- name: DeleteAlbumArtistsFrom :exec
-- Drops credits past each album's current count of artists.
DELETE FROM euterpe.album_artists aa
USING (SELECT unnest(@album_ids::bigint[]) AS album_id,
              unnest(@counts::smallint[]) AS n) AS c
WHERE aa.album_id = c.album_id AND aa.position >= c.n;

-- name: ListAlbumDetails :many
SELECT al.id, al.spotify_id, al.name, al.image_url, al.release_date,
       COALESCE((SELECT string_agg(a.name, ', ' ORDER BY aa.position)
                 FROM euterpe.album_artists aa JOIN euterpe.artists a ON a.id = aa.artist_id
                 WHERE aa.album_id = al.id), '')::text AS artist_names
FROM euterpe.albums al
WHERE al.id = ANY(@ids::bigint[]);
