-- Euterpe's own export imported back (imports.Importer, with the queries
-- of imports.sql). Its rows are staged with kind 4, and their track column
-- is the track as the exporting catalogue knew it:
--   {"id", "name", "duration_ms", "explicit",
--    "album": {"id", "name", "key", "type", "release_date", "precision", "image_url"} or null,
--    "artists": [{"id", "name", "key", "image_url"}, …], "album_artists": [{"id", "name", "key"}, …]}
-- where an id is Spotify's (empty for an item known only by name) and a key
-- is the normalised name the catalogue finds name-only items by. Every
-- item is found by its Spotify id, else by its key. The catalogue is every
-- user's, and this file is whatever its uploader wrote (issue 21, item 3):
-- an item the catalogue lacks is added, marked named_by_user so that what
-- Spotify says of it later replaces it all; an item it has is left exactly
-- as it is — no name, picture, credit or Spotify id of it changes (an item
-- known only by name is not claimed for a Spotify id, as ClaimArtistsByName
-- does for Spotify's API). Pictures come only from Spotify's image hosts
-- (history.euterpeStagedRow drops any other).

-- name: MergeEuterpeArtists :exec
INSERT INTO euterpe.artists (spotify_id, name, image_url, name_key, named_by_user)
SELECT DISTINCT ON (x.item->>'id') x.item->>'id', x.item->>'name', NULLIF(x.item->>'image_url', ''), x.item->>'key', true
FROM euterpe.import_rows r,
     jsonb_array_elements(r.track->'artists' || COALESCE(r.track->'album_artists', '[]'::jsonb)) AS x(item)
WHERE r.import_id = @import_id AND r.kind = 4 AND x.item->>'id' <> '' AND x.item->>'name' <> ''
ORDER BY x.item->>'id', r.row_no
ON CONFLICT (spotify_id) DO NOTHING;

-- name: MergeEuterpeNamedArtists :exec
-- Artists known only by name, when the catalogue has none of that name.
INSERT INTO euterpe.artists (name, name_key, named_by_user)
SELECT DISTINCT ON (x.item->>'key') x.item->>'name', x.item->>'key', true
FROM euterpe.import_rows r,
     jsonb_array_elements(r.track->'artists' || COALESCE(r.track->'album_artists', '[]'::jsonb)) AS x(item)
WHERE r.import_id = @import_id AND r.kind = 4 AND x.item->>'id' = '' AND x.item->>'name' <> '' AND x.item->>'key' <> ''
  AND NOT EXISTS (SELECT 1 FROM euterpe.artists a WHERE a.name_key = x.item->>'key')
ORDER BY x.item->>'key', r.row_no
ON CONFLICT (name_key) WHERE spotify_id IS NULL DO NOTHING;

-- name: MergeEuterpeAlbums :exec
INSERT INTO euterpe.albums (spotify_id, name, album_type, release_date, release_date_precision, image_url, name_key, named_by_user)
SELECT DISTINCT ON (r.track->'album'->>'id')
       r.track->'album'->>'id', r.track->'album'->>'name', NULLIF(r.track->'album'->>'type', ''),
       NULLIF(r.track->'album'->>'release_date', '')::date, NULLIF(r.track->'album'->>'precision', ''),
       NULLIF(r.track->'album'->>'image_url', ''), r.track->'album'->>'key', true
FROM euterpe.import_rows r
WHERE r.import_id = @import_id AND r.kind = 4 AND r.track->'album'->>'id' <> '' AND r.track->'album'->>'name' <> ''
ORDER BY r.track->'album'->>'id', r.row_no
ON CONFLICT (spotify_id) DO NOTHING;

-- name: MergeEuterpeNamedAlbums :exec
INSERT INTO euterpe.albums (name, name_key, named_by_user)
SELECT DISTINCT ON (r.track->'album'->>'key') r.track->'album'->>'name', r.track->'album'->>'key', true
FROM euterpe.import_rows r
WHERE r.import_id = @import_id AND r.kind = 4 AND r.track->'album'->>'id' = '' AND r.track->'album'->>'name' <> ''
  AND r.track->'album'->>'key' <> ''
  AND NOT EXISTS (SELECT 1 FROM euterpe.albums a WHERE a.name_key = r.track->'album'->>'key')
ORDER BY r.track->'album'->>'key', r.row_no
ON CONFLICT (name_key) WHERE spotify_id IS NULL DO NOTHING;

-- name: MergeEuterpeAlbumArtists :exec
-- The credits of each album this file (or another user's) added that has
-- none yet, in the export's order.
INSERT INTO euterpe.album_artists (album_id, position, artist_id)
SELECT c.album_id, (row_number() OVER (PARTITION BY c.album_id ORDER BY c.pos) - 1)::smallint, c.artist_id
FROM (SELECT DISTINCT ON (al.id, x.pos) al.id AS album_id, x.pos,
             (SELECT y.id FROM euterpe.artists y
              WHERE (x.item->>'id' <> '' AND y.spotify_id = x.item->>'id')
                 OR (x.item->>'id' = '' AND y.name_key = x.item->>'key')
              ORDER BY y.spotify_id IS NULL, y.id LIMIT 1) AS artist_id
      FROM (SELECT DISTINCT ON (COALESCE(NULLIF(r.track->'album'->>'id', ''), r.track->'album'->>'key'))
                   r.track->'album' AS album, r.track->'album_artists' AS credits
            FROM euterpe.import_rows r
            WHERE r.import_id = @import_id AND r.kind = 4 AND r.track->'album'->>'name' <> ''
              AND jsonb_array_length(COALESCE(r.track->'album_artists', '[]'::jsonb)) > 0
            ORDER BY COALESCE(NULLIF(r.track->'album'->>'id', ''), r.track->'album'->>'key'), r.row_no) AS d,
           jsonb_array_elements(d.credits) WITH ORDINALITY AS x(item, pos),
           euterpe.albums al
      WHERE ((d.album->>'id' <> '' AND al.spotify_id = d.album->>'id')
          OR (d.album->>'id' = '' AND al.spotify_id IS NULL AND al.name_key = d.album->>'key'))
        AND al.named_by_user
        AND NOT EXISTS (SELECT 1 FROM euterpe.album_artists z WHERE z.album_id = al.id)
      ORDER BY al.id, x.pos) AS c
WHERE c.artist_id IS NOT NULL
ON CONFLICT DO NOTHING;

-- name: MergeEuterpeTracks :exec
-- Tracks with a Spotify id, and tracks known only by name that match
-- nothing in the catalogue, with their album, length and explicitness.
INSERT INTO euterpe.tracks (spotify_id, name, album_id, duration_ms, explicit, name_key, named_by_user)
SELECT DISTINCT ON (COALESCE(NULLIF(r.spotify_id, ''), r.title_key))
       NULLIF(r.spotify_id, ''), r.title,
       (SELECT al.id FROM euterpe.albums al
        WHERE (r.track->'album'->>'id' <> '' AND al.spotify_id = r.track->'album'->>'id')
           OR (r.track->'album'->>'id' = '' AND r.track->'album'->>'name' <> '' AND al.name_key = r.track->'album'->>'key')
        ORDER BY al.spotify_id IS NULL, al.id LIMIT 1),
       (r.track->>'duration_ms')::int, COALESCE((r.track->>'explicit')::boolean, false), r.title_key, true
FROM euterpe.import_rows r
WHERE r.import_id = @import_id AND r.kind = 4
  AND ((r.spotify_id <> '' AND NOT EXISTS (SELECT 1 FROM euterpe.tracks t WHERE t.spotify_id = r.spotify_id))
    OR (r.spotify_id = '' AND NOT EXISTS (SELECT 1 FROM euterpe.tracks t WHERE t.name_key = r.title_key)))
ORDER BY COALESCE(NULLIF(r.spotify_id, ''), r.title_key), r.row_no
ON CONFLICT DO NOTHING;

-- name: MergeEuterpeTrackArtists :exec
-- Every credited artist of each track this file (or another user's) added
-- that has no credits yet.
INSERT INTO euterpe.track_artists (track_id, position, artist_id)
SELECT c.track_id, (row_number() OVER (PARTITION BY c.track_id ORDER BY c.pos) - 1)::smallint, c.artist_id
FROM (SELECT DISTINCT ON (t.id, x.pos) t.id AS track_id, x.pos,
             (SELECT y.id FROM euterpe.artists y
              WHERE (x.item->>'id' <> '' AND y.spotify_id = x.item->>'id')
                 OR (x.item->>'id' = '' AND y.name_key = x.item->>'key')
              ORDER BY y.spotify_id IS NULL, y.id LIMIT 1) AS artist_id
      FROM (SELECT DISTINCT ON (COALESCE(NULLIF(r.spotify_id, ''), r.title_key))
                   r.spotify_id, r.title_key, r.track->'artists' AS credits
            FROM euterpe.import_rows r
            WHERE r.import_id = @import_id AND r.kind = 4
              AND jsonb_array_length(COALESCE(r.track->'artists', '[]'::jsonb)) > 0
            ORDER BY COALESCE(NULLIF(r.spotify_id, ''), r.title_key), r.row_no) AS d,
           jsonb_array_elements(d.credits) WITH ORDINALITY AS x(item, pos),
           euterpe.tracks t
      WHERE ((d.spotify_id <> '' AND t.spotify_id = d.spotify_id)
          OR (d.spotify_id = '' AND t.spotify_id IS NULL AND t.name_key = d.title_key))
        AND t.named_by_user
        AND NOT EXISTS (SELECT 1 FROM euterpe.track_artists z WHERE z.track_id = t.id)
      ORDER BY t.id, x.pos) AS c
WHERE c.artist_id IS NOT NULL
ON CONFLICT DO NOTHING;

-- name: ImportEuterpeMonths :many
-- The months the export's plays span, for merging a month at a time.
SELECT DISTINCT (date_trunc('month', ended_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')::timestamptz AS month
FROM euterpe.import_rows
WHERE import_id = @import_id AND kind = 4 AND is_play
ORDER BY 1;

-- name: CountEuterpePlayRows :one
SELECT count(*) FROM euterpe.import_rows
WHERE import_id = @import_id AND kind = 4 AND is_play;

-- name: MergeEuterpePlays :execrows
-- One month of the export's plays, exactly as they were: the time to the
-- microsecond, the time heard (NULL when it was not known), where playback
-- started; one the export repeats is left out, and one the history has
-- already (the 30-second rule) is not stored again: this import becomes
-- one of its holders (play_holders), as in MergeImportPlays. The check
-- reads only the stored plays from check_from to check_to
-- (history.checkBounds).
WITH candidates AS (
    SELECT d.track_id, d.played_at, d.ms_played, d.context_uri, h.played_at AS held_at, h.import_id AS held_by
    FROM (
        SELECT c.track_id, c.played_at, c.ms_played, c.context_uri,
               lag(c.played_at) OVER (PARTITION BY c.track_id ORDER BY c.played_at) AS previous
        FROM (
            SELECT (SELECT COALESCE(x.resolved_to, x.id) FROM euterpe.tracks x
                    WHERE (r.spotify_id <> '' AND x.spotify_id = r.spotify_id)
                       OR (r.spotify_id = '' AND x.name_key = r.title_key)
                    ORDER BY x.spotify_id IS NULL, x.id
                    LIMIT 1) AS track_id,
                   r.ended_at AS played_at,
                   CASE WHEN r.ms_known THEN r.ms_played END AS ms_played,
                   NULLIF(r.context_uri, '') AS context_uri
            FROM euterpe.import_rows r
            WHERE r.import_id = @import_id::uuid AND r.kind = 4 AND r.is_play
              AND r.ended_at >= @month_start::timestamptz AND r.ended_at < @month_end::timestamptz
        ) AS c
        WHERE c.track_id IS NOT NULL
    ) AS d
    LEFT JOIN euterpe.plays h
      ON h.user_id = @user_id
     AND h.played_at > @check_from::timestamptz
     AND h.played_at < @check_to::timestamptz
     AND h.track_id = d.track_id
     AND euterpe.same_listen(h.played_at, d.played_at)
    WHERE d.previous IS NULL OR d.played_at - d.previous >= euterpe.same_listen_window()
), held AS (
    INSERT INTO euterpe.play_holders (user_id, track_id, played_at, import_id)
    SELECT @user_id, x.track_id, x.held_at, @import_id::uuid
    FROM (SELECT * FROM candidates) AS x
    WHERE x.held_at IS NOT NULL AND x.held_by IS DISTINCT FROM @import_id::uuid
    ON CONFLICT DO NOTHING
)
INSERT INTO euterpe.plays (user_id, played_at, track_id, ms_played, source_id, context_uri, import_id)
SELECT @user_id, x.played_at, x.track_id, x.ms_played, 4::smallint, x.context_uri, @import_id::uuid
FROM (SELECT * FROM candidates) AS x
WHERE x.held_at IS NULL;

-- name: MergeEuterpeSkips :execrows
INSERT INTO euterpe.skips (user_id, played_at, track_id, ms_played, import_id)
SELECT @user_id, s.played_at, s.track_id, s.ms_played, @import_id::uuid
FROM (
    SELECT r.ended_at AS played_at,
           (SELECT COALESCE(x.resolved_to, x.id) FROM euterpe.tracks x
            WHERE (r.spotify_id <> '' AND x.spotify_id = r.spotify_id)
               OR (r.spotify_id = '' AND x.name_key = r.title_key)
            ORDER BY x.spotify_id IS NULL, x.id
            LIMIT 1) AS track_id,
           r.ms_played
    FROM euterpe.import_rows r
    WHERE r.import_id = @import_id::uuid AND r.kind = 4 AND NOT r.is_play
) AS s
WHERE s.track_id IS NOT NULL
ON CONFLICT DO NOTHING;
