-- Exports (package export) read a user's history a page at a time, in time
-- order, with a cursor after the last row sent: memory stays flat whatever
-- the history's length, and each page is a range of an index.

-- name: ListPlaysPage :many
-- Plays in [from_time, to_time) after the cursor (played_at, track_id).
SELECT p.played_at, p.track_id, p.ms_played, p.source_id, p.context_uri
FROM euterpe.plays p
WHERE p.user_id = @user_id
  AND p.played_at >= @from_time AND p.played_at < @to_time
  AND p.played_at >= @after_played_at::timestamptz
  AND (p.played_at, p.track_id) > (@after_played_at::timestamptz, @after_track_id::bigint)
ORDER BY p.played_at, p.track_id
LIMIT @max_rows;

-- name: ListSkipsPage :many
-- Skips (listens under 30 s an export reported) likewise.
SELECT s.played_at, s.track_id, s.ms_played
FROM euterpe.skips s
WHERE s.user_id = @user_id
  AND s.played_at >= @from_time AND s.played_at < @to_time
  AND s.played_at >= @after_played_at::timestamptz
  AND (s.played_at, s.track_id) > (@after_played_at::timestamptz, @after_track_id::bigint)
ORDER BY s.played_at, s.track_id
LIMIT @max_rows;

-- name: ListSpokenPage :many
-- Podcast episodes and audiobook chapters likewise, after the cursor
-- (played_at, kind, title).
SELECT s.played_at, s.kind, s.show, s.title, s.spotify_id, s.ms_played
FROM euterpe.spoken_plays s
WHERE s.user_id = @user_id
  AND s.played_at >= @from_time AND s.played_at < @to_time
  AND s.played_at >= @after_played_at::timestamptz
  AND (s.played_at, s.kind, s.title) > (@after_played_at::timestamptz, @after_kind::text, @after_title::text)
ORDER BY s.played_at, s.kind, s.title
LIMIT @max_rows;

-- name: ListTrackCatalog :many
-- What an export says of each track: its album and every artist, in
-- credit order, with Spotify's ids (empty when the catalogue knows an
-- item only by name). Set-based: a page of a heavy listener's plays names
-- thousands of tracks.
SELECT t.id, COALESCE(t.spotify_id, '')::text AS spotify_id, t.name, t.duration_ms, t.explicit,
       COALESCE(al.spotify_id, '')::text AS album_spotify_id, COALESCE(al.name, '')::text AS album_name,
       COALESCE(al.album_type, '')::text AS album_type,
       COALESCE(al.release_date, '0001-01-01')::date AS album_release_date,
       COALESCE(al.release_date_precision, '')::text AS album_release_date_precision,
       COALESCE(al.image_url, '')::text AS album_image_url,
       COALESCE(tc.spotify_ids, '{}')::text[] AS artist_spotify_ids,
       COALESCE(tc.names, '{}')::text[] AS artist_names,
       COALESCE(tc.image_urls, '{}')::text[] AS artist_image_urls,
       COALESCE(ac.spotify_ids, '{}')::text[] AS album_artist_spotify_ids,
       COALESCE(ac.names, '{}')::text[] AS album_artist_names
FROM euterpe.tracks t
LEFT JOIN euterpe.albums al ON al.id = t.album_id
LEFT JOIN (SELECT ta.track_id,
                  array_agg(COALESCE(a.spotify_id, '') ORDER BY ta.position) AS spotify_ids,
                  array_agg(a.name ORDER BY ta.position) AS names,
                  array_agg(COALESCE(a.image_url, '') ORDER BY ta.position) AS image_urls
           FROM euterpe.track_artists ta
           JOIN euterpe.artists a ON a.id = ta.artist_id
           WHERE ta.track_id = ANY(@ids::bigint[])
           GROUP BY ta.track_id) AS tc ON tc.track_id = t.id
LEFT JOIN (SELECT aa.album_id,
                  array_agg(COALESCE(a.spotify_id, '') ORDER BY aa.position) AS spotify_ids,
                  array_agg(a.name ORDER BY aa.position) AS names
           FROM euterpe.album_artists aa
           JOIN euterpe.artists a ON a.id = aa.artist_id
           WHERE aa.album_id IN (SELECT x.album_id FROM euterpe.tracks x WHERE x.id = ANY(@ids::bigint[]))
           GROUP BY aa.album_id) AS ac ON ac.album_id = t.album_id
WHERE t.id = ANY(@ids::bigint[]);

-- name: GetExportAccount :one
-- Everything Euterpe keeps about the user besides the history, for
-- "Download my data" (never the tokens themselves: they stay encrypted and
-- unexported).
SELECT u.id, u.spotify_user_id, u.display_name, u.email, u.created_at, u.updated_at,
       COALESCE(pr.favorite_range, '')::text AS favorite_range,
       COALESCE(pr.time_zone, '')::text AS time_zone,
       COALESCE(pr.summary_time_zone, '')::text AS summary_time_zone,
       tk.expires_at AS token_expires_at, tk.scope AS token_scope, tk.authorized_at AS token_authorized_at,
       tk.created_at AS token_created_at, tk.updated_at AS token_updated_at,
       ps.created_at AS collecting_since, ps.last_polled_at, ps.next_poll_at, ps.polls, ps.gap_at,
       ps.stopped_at, ps.stopped_reason, ps.interrupted_at, ps.resumed_at
FROM euterpe.users u
LEFT JOIN euterpe.user_preferences pr ON pr.user_id = u.id
LEFT JOIN euterpe.user_tokens tk ON tk.user_id = u.id
LEFT JOIN euterpe.poll_state ps ON ps.user_id = u.id
WHERE u.id = @user_id;

-- name: ListExportSessions :many
-- The user's sessions: when each began and ends (the cookie's id is kept
-- only as a keyed hash, which is not exported).
SELECT created_at, expires_at, idle_expires_at
FROM euterpe.sessions
WHERE user_id = @user_id
ORDER BY created_at;

-- name: GetExportCounts :one
-- How much of each kind the history holds, for the export's summary.
SELECT (SELECT count(*) FROM euterpe.plays p WHERE p.user_id = @user_id)::bigint AS plays,
       (SELECT count(*) FROM euterpe.skips s WHERE s.user_id = @user_id)::bigint AS skips,
       (SELECT count(*) FROM euterpe.spoken_plays s WHERE s.user_id = @user_id)::bigint AS spoken,
       (SELECT count(*) FROM euterpe.top_snapshots s WHERE s.user_id = @user_id)::bigint AS snapshots;

-- name: ListExportImports :many
-- Every import of the user's, oldest first.
SELECT id, state, upload_name, upload_bytes, created_at, started_at, finished_at, plays_added, already_present,
       skips, episodes, unmatched, unknown_rows, first_played, last_played, files, error
FROM euterpe.imports
WHERE user_id = @user_id
ORDER BY created_at, id;
