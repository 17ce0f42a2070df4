-- name: UpsertTracks :exec
-- Like UpsertArtists; album_id 0 means none.
INSERT INTO euterpe.tracks (spotify_id, name, album_id, duration_ms, explicit)
SELECT t.spotify_id, t.name, NULLIF(t.album_id, 0), t.duration_ms, t.explicit
FROM (SELECT unnest(@spotify_ids::text[]) AS spotify_id,
             unnest(@names::text[]) AS name,
             unnest(@album_ids::bigint[]) AS album_id,
             unnest(@duration_ms::int[]) AS duration_ms,
             unnest(@explicit::bool[]) AS explicit) AS t
ON CONFLICT (spotify_id) DO UPDATE
SET name        = EXCLUDED.name,
    album_id    = COALESCE(EXCLUDED.album_id, euterpe.tracks.album_id),
    duration_ms = EXCLUDED.duration_ms,
    explicit    = EXCLUDED.explicit,
    updated_at  = now()
WHERE (euterpe.tracks.name, euterpe.tracks.album_id, euterpe.tracks.duration_ms, euterpe.tracks.explicit)
      IS DISTINCT FROM
      (EXCLUDED.name, COALESCE(EXCLUDED.album_id, euterpe.tracks.album_id), EXCLUDED.duration_ms, EXCLUDED.explicit);

-- name: ListTrackIDs :many
SELECT id, spotify_id FROM euterpe.tracks
WHERE spotify_id = ANY(@spotify_ids::text[]);

-- name: UpsertTrackArtists :exec
INSERT INTO euterpe.track_artists (track_id, position, artist_id)
SELECT t.track_id, t.position, t.artist_id
FROM (SELECT unnest(@track_ids::bigint[]) AS track_id,
             unnest(@positions::smallint[]) AS position,
             unnest(@artist_ids::bigint[]) AS artist_id) AS t
ON CONFLICT (track_id, position) DO UPDATE
SET artist_id = EXCLUDED.artist_id
WHERE euterpe.track_artists.artist_id <> EXCLUDED.artist_id;

-- name: DeleteTrackArtistsFrom :exec
DELETE FROM euterpe.track_artists ta
USING (SELECT unnest(@track_ids::bigint[]) AS track_id,
              unnest(@counts::smallint[]) AS n) AS c
WHERE ta.track_id = c.track_id AND ta.position >= c.n;

-- name: ListTrackDetails :many
SELECT t.id, t.spotify_id, t.name, t.duration_ms, t.explicit,
       t.album_id, al.name AS album_name, al.image_url AS album_image_url,
       COALESCE((SELECT string_agg(a.name, ', ' ORDER BY ta.position)
                 FROM euterpe.track_artists ta JOIN euterpe.artists a ON a.id = ta.artist_id
                 WHERE ta.track_id = t.id), '')::text AS artist_names
FROM euterpe.tracks t
LEFT JOIN euterpe.albums al ON al.id = t.album_id
WHERE t.id = ANY(@ids::bigint[]);

-- name: ListTrackArtists :many
SELECT ta.track_id, a.id, a.name
FROM euterpe.track_artists ta
JOIN euterpe.artists a ON a.id = ta.artist_id
WHERE ta.track_id = ANY(@track_ids::bigint[])
ORDER BY ta.track_id, ta.position;
