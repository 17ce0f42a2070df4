-- name: UpsertTracks :exec
-- Like UpsertArtists; album_id 0 means none (the album known is kept,
-- unless a user's upload set it: named_by_user).
INSERT INTO euterpe.tracks (spotify_id, name, album_id, duration_ms, explicit, name_key)
SELECT t.spotify_id, t.name, NULLIF(t.album_id, 0), t.duration_ms, t.explicit, t.name_key
FROM (SELECT unnest(@spotify_ids::text[]) AS spotify_id,
             unnest(@names::text[]) AS name,
             unnest(@album_ids::bigint[]) AS album_id,
             unnest(@duration_ms::int[]) AS duration_ms,
             unnest(@explicit::bool[]) AS explicit,
             unnest(@name_keys::text[]) AS name_key) AS t
ON CONFLICT (spotify_id) DO UPDATE
SET name        = EXCLUDED.name,
    name_key    = EXCLUDED.name_key,
    album_id    = CASE WHEN euterpe.tracks.named_by_user THEN EXCLUDED.album_id
                       ELSE COALESCE(EXCLUDED.album_id, euterpe.tracks.album_id) END,
    duration_ms = EXCLUDED.duration_ms,
    explicit    = EXCLUDED.explicit,
    named_by_user = false,
    updated_at  = now()
WHERE euterpe.tracks.named_by_user
   OR (euterpe.tracks.name, euterpe.tracks.name_key, euterpe.tracks.album_id, euterpe.tracks.duration_ms, euterpe.tracks.explicit)
      IS DISTINCT FROM
      (EXCLUDED.name, EXCLUDED.name_key, COALESCE(EXCLUDED.album_id, euterpe.tracks.album_id), EXCLUDED.duration_ms, EXCLUDED.explicit);

-- name: ClaimTracksByName :exec
-- Like ClaimArtistsByName: a track known only by title and artist.
UPDATE euterpe.tracks t
SET spotify_id = c.spotify_id, updated_at = now()
FROM (SELECT unnest(@spotify_ids::text[]) AS spotify_id,
             unnest(@name_keys::text[]) AS name_key) AS c
WHERE t.spotify_id IS NULL AND t.name_key = c.name_key
  AND NOT EXISTS (SELECT 1 FROM euterpe.tracks x WHERE x.spotify_id = c.spotify_id);

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

-- name: ListUnresolvedTracks :many
-- A user's tracks known only by name (an account-data import's) that are
-- due a search — never searched, or not found a month ago — or that were
-- found to be another track, most played first. artist is the first
-- credited artist's name.
SELECT t.id, t.name, t.name_key::text AS name_key, t.resolved_to,
       COALESCE(a.name, '')::text AS artist
FROM euterpe.tracks t
LEFT JOIN euterpe.track_artists ta ON ta.track_id = t.id AND ta.position = 0
LEFT JOIN euterpe.artists a ON a.id = ta.artist_id
LEFT JOIN euterpe.play_totals pt
       ON pt.user_id = @user_id AND pt.kind = 't' AND pt.period = 'a' AND pt.period_start = '-infinity'
      AND pt.item_id = t.id
WHERE t.spotify_id IS NULL
  AND (t.resolved_to IS NOT NULL OR t.searched_at IS NULL OR t.searched_at < @searched_before::timestamptz)
  AND EXISTS (SELECT 1 FROM euterpe.plays p WHERE p.user_id = @user_id AND p.track_id = t.id)
ORDER BY pt.plays DESC NULLS LAST, t.id
LIMIT @max_tracks;

-- name: ListUsersWithUnresolvedTracks :many
-- The users ListUnresolvedTracks has something for.
SELECT DISTINCT p.user_id
FROM euterpe.tracks t
JOIN euterpe.plays p ON p.track_id = t.id
WHERE t.spotify_id IS NULL
  AND (t.resolved_to IS NOT NULL OR t.searched_at IS NULL OR t.searched_at < @searched_before::timestamptz);

-- name: MarkTracksSearched :exec
UPDATE euterpe.tracks SET searched_at = @searched_at::timestamptz
WHERE id = ANY(@ids::bigint[]);

-- name: SetTracksResolvedTo :exec
-- Name-only tracks that a search found to be tracks already in the
-- catalogue.
UPDATE euterpe.tracks t
SET resolved_to = r.target, updated_at = now()
FROM (SELECT unnest(@ids::bigint[]) AS id, unnest(@targets::bigint[]) AS target) AS r
WHERE t.id = r.id AND t.spotify_id IS NULL AND r.target <> r.id;
