-- name: CreateImport :one
-- Fails on imports_one_active_idx when the user has an import queued or
-- running.
INSERT INTO euterpe.imports (user_id, upload_name, upload_bytes)
VALUES (@user_id, @upload_name, @upload_bytes)
RETURNING id;

-- name: BeginUpload :one
-- An upload the browser sends in pieces. Fails on imports_one_active_idx
-- when the user has an import uploading, queued or running.
INSERT INTO euterpe.imports (user_id, state, upload_name, upload_bytes)
VALUES (@user_id, 'uploading', 'upload', 0)
RETURNING id;

-- name: DeleteAbandonedUploads :execrows
-- Uploads browsers began and never finished (closed, offline), with their
-- chunks (ON DELETE CASCADE). Aged by the database's clock, which set
-- created_at, as sessions and login states are.
DELETE FROM euterpe.imports
WHERE state = 'uploading' AND created_at < now() - make_interval(secs => @abandoned_seconds::int);

-- name: DeleteUsersUnfinishedUploads :exec
-- A new upload replaces one the user's browser left unfinished.
DELETE FROM euterpe.imports
WHERE user_id = @user_id AND state = 'uploading';

-- name: LockUpload :one
SELECT upload_bytes FROM euterpe.imports
WHERE id = @id AND user_id = @user_id AND state = 'uploading'
FOR UPDATE;

-- name: DeleteUploadPiece :execrows
-- A piece sent again (a retry) replaces what it sent before.
DELETE FROM euterpe.import_uploads
WHERE import_id = @import_id AND file_no = @file_no
  AND chunk_no >= @first_chunk::int AND chunk_no < @end_chunk::int;

-- name: SumUploadBytes :one
SELECT COALESCE(sum(octet_length(data)), 0)::bigint FROM euterpe.import_uploads
WHERE import_id = @import_id;

-- name: CountMisshapenChunks :one
-- Every stored chunk but a file's last must be full, or the upload cannot
-- be read back by offset.
SELECT count(*) FROM euterpe.import_uploads u
WHERE u.import_id = @import_id
  AND octet_length(u.data) <> @chunk_bytes::int
  AND u.chunk_no <> (SELECT max(x.chunk_no) FROM euterpe.import_uploads x
                     WHERE x.import_id = u.import_id AND x.file_no = u.file_no);

-- name: FinishUpload :exec
UPDATE euterpe.imports SET state = 'queued', upload_name = @upload_name, upload_bytes = @upload_bytes
WHERE id = @id AND state = 'uploading';

-- name: AddImportChunk :exec
INSERT INTO euterpe.import_uploads (import_id, file_no, chunk_no, name, data)
VALUES (@import_id, @file_no, @chunk_no, @name, @data);

-- name: SetImportUploadBytes :exec
UPDATE euterpe.imports SET upload_bytes = @upload_bytes WHERE id = @id;

-- name: ListImportFiles :many
-- The uploaded files: their names and sizes, in upload order.
SELECT file_no, min(name)::text AS name, sum(octet_length(data))::bigint AS bytes, count(*)::int AS chunks,
       max(chunk_no)::int AS last_chunk
FROM euterpe.import_uploads
WHERE import_id = @import_id
GROUP BY file_no
ORDER BY file_no;

-- name: GetImportChunk :one
SELECT data FROM euterpe.import_uploads
WHERE import_id = @import_id AND file_no = @file_no AND chunk_no = @chunk_no;

-- name: GetImport :one
SELECT * FROM euterpe.imports
WHERE id = @id AND user_id = @user_id;

-- name: GetImportState :one
SELECT state FROM euterpe.imports WHERE id = @id;

-- name: ListImports :many
SELECT * FROM euterpe.imports
WHERE user_id = @user_id
ORDER BY created_at DESC
LIMIT 50;

-- name: StartImport :one
-- A queued (or, after a crash, running) import starts over: whatever an
-- earlier attempt staged is discarded by the caller.
UPDATE euterpe.imports
SET state = 'running', started_at = now(), bytes_done = 0, rows_read = 0, merge_steps = 0, merge_done = 0, error = NULL
WHERE id = @id AND state IN ('queued', 'running')
RETURNING user_id;

-- name: SetImportTotal :exec
UPDATE euterpe.imports SET bytes_total = @bytes_total, files = @files WHERE id = @id;

-- name: SetImportProgress :one
-- Also tells the importer whether the user cancelled meanwhile.
UPDATE euterpe.imports
SET bytes_done = @bytes_done, rows_read = @rows_read
WHERE id = @id
RETURNING state;

-- name: SetImportMergeProgress :exec
-- Written outside the merge's transaction, so the page sees it.
UPDATE euterpe.imports SET merge_steps = @merge_steps, merge_done = @merge_done
WHERE id = @id AND state = 'running';

-- name: FailImport :exec
UPDATE euterpe.imports
SET state = 'failed', error = @error, finished_at = now()
WHERE id = @id AND state IN ('queued', 'running');

-- name: CancelImport :execrows
UPDATE euterpe.imports
SET state = 'cancelled', finished_at = now()
WHERE id = @id AND user_id = @user_id AND state IN ('uploading', 'queued', 'running');

-- name: MarkImportDeleting :execrows
-- A finished import on its way out: its plays go in a background job.
UPDATE euterpe.imports
SET state = 'deleting'
WHERE id = @id AND user_id = @user_id AND state IN ('done', 'failed', 'cancelled');

-- name: DeleteImportRecord :one
DELETE FROM euterpe.imports
WHERE id = @id AND state = 'deleting'
RETURNING user_id;

-- name: DeleteImportUpload :exec
DELETE FROM euterpe.import_uploads WHERE import_id = @import_id;

-- name: DeleteImportRows :exec
-- The import's staging: its rows and their names.
WITH n AS (DELETE FROM euterpe.import_names WHERE import_names.import_id = @import_id)
DELETE FROM euterpe.import_rows WHERE import_rows.import_id = @import_id;

-- name: CopyImportRows :copyfrom
-- is_play, ms_known, context_uri and track are set for the rows of
-- Euterpe's own export only (kind 4); see imports_euterpe.sql.
INSERT INTO euterpe.import_rows (
    import_id, row_no, kind, ended_at, precise, ms_played, spotify_id, title, artist, album,
    title_key, artist_key, album_key, is_play, ms_known, context_uri, track
) VALUES (
    @import_id, @row_no, @kind, @ended_at, @precise, @ms_played, @spotify_id, @title, @artist, @album,
    @title_key, @artist_key, @album_key, @is_play, @ms_known, @context_uri, @track
);

-- The merge, in one transaction (imports.Importer.merge): the catalogue
-- first, then the plays a month at a time, then the rest.

-- name: StageImportNames :exec
-- The distinct names and ids of the music rows, for the catalogue steps
-- below (see import_names).
INSERT INTO euterpe.import_names (import_id, first_row, spotify_id, title, title_key, artist, artist_key, album, album_key)
SELECT @import_id, min(r.row_no), r.spotify_id, r.title, r.title_key, r.artist, r.artist_key, r.album, r.album_key
FROM euterpe.import_rows r
WHERE r.import_id = @import_id AND r.kind = 1
GROUP BY r.spotify_id, r.title, r.title_key, r.artist, r.artist_key, r.album, r.album_key;

-- name: MergeImportArtists :exec
-- Artists named by the rows that the catalogue does not know by name yet.
INSERT INTO euterpe.artists (name, name_key)
SELECT DISTINCT ON (r.artist_key) r.artist, r.artist_key
FROM euterpe.import_names r
WHERE r.import_id = @import_id AND r.artist_key <> ''
  AND NOT EXISTS (SELECT 1 FROM euterpe.artists a WHERE a.name_key = r.artist_key)
ORDER BY r.artist_key, r.first_row
ON CONFLICT (name_key) WHERE spotify_id IS NULL DO NOTHING;

-- name: MergeImportAlbums :exec
INSERT INTO euterpe.albums (name, name_key)
SELECT DISTINCT ON (r.album_key) r.album, r.album_key
FROM euterpe.import_names r
WHERE r.import_id = @import_id AND r.album <> ''
  AND NOT EXISTS (SELECT 1 FROM euterpe.albums al WHERE al.name_key = r.album_key)
ORDER BY r.album_key, r.first_row
ON CONFLICT (name_key) WHERE spotify_id IS NULL DO NOTHING;

-- name: ClaimImportTracks :exec
-- Tracks the catalogue knows only by name (an earlier account-data import)
-- that this export names by Spotify id become that track, keeping their id.
UPDATE euterpe.tracks t
SET spotify_id = r.spotify_id, updated_at = now()
FROM (SELECT DISTINCT ON (x.spotify_id) x.spotify_id, x.title_key
      FROM euterpe.import_names x
      WHERE x.import_id = @import_id AND x.spotify_id <> ''
      ORDER BY x.spotify_id, x.first_row) AS r
WHERE t.spotify_id IS NULL AND t.name_key = r.title_key
  AND NOT EXISTS (SELECT 1 FROM euterpe.tracks y WHERE y.spotify_id = r.spotify_id);

-- name: RenameUserNamedTracks :exec
-- Tracks a user's Euterpe export added (named_by_user) that this export of
-- Spotify's names by id take Spotify's word for it: the name, the album and
-- the artist of the first row naming them (their credits go, for
-- MergeImportTrackArtists to write). What Spotify's API said stays.
WITH renamed AS (
    UPDATE euterpe.tracks t
    SET name = r.title, name_key = r.title_key,
        album_id = (SELECT a.id FROM euterpe.albums a WHERE a.name_key = r.album_key AND r.album <> ''
                    ORDER BY a.spotify_id IS NULL, a.id LIMIT 1),
        named_by_user = false, updated_at = now()
    FROM (SELECT DISTINCT ON (x.spotify_id) x.spotify_id, x.title, x.title_key, x.album, x.album_key
          FROM euterpe.import_names x
          WHERE x.import_id = @import_id AND x.spotify_id <> ''
          ORDER BY x.spotify_id, x.first_row) AS r
    WHERE t.spotify_id = r.spotify_id AND t.named_by_user
    RETURNING t.id
)
DELETE FROM euterpe.track_artists ta
USING renamed
WHERE ta.track_id = renamed.id;

-- name: MergeImportTracks :exec
-- Tracks the rows name by Spotify id that the catalogue lacks (what
-- Spotify's API said of a track stays), and tracks named only by title and
-- artist that match nothing in the catalogue. Each is looked up once, from
-- the first row naming it.
INSERT INTO euterpe.tracks (spotify_id, name, album_id, name_key)
SELECT NULLIF(r.spotify_id, ''), r.title,
       (SELECT a.id FROM euterpe.albums a WHERE a.name_key = r.album_key AND r.album <> ''
        ORDER BY a.spotify_id IS NULL, a.id LIMIT 1),
       r.title_key
FROM (SELECT DISTINCT ON (COALESCE(NULLIF(x.spotify_id, ''), x.title_key)) x.spotify_id, x.title, x.title_key, x.album, x.album_key
      FROM euterpe.import_names x
      WHERE x.import_id = @import_id
      ORDER BY COALESCE(NULLIF(x.spotify_id, ''), x.title_key), x.first_row) AS r
WHERE (r.spotify_id <> '' AND NOT EXISTS (SELECT 1 FROM euterpe.tracks t WHERE t.spotify_id = r.spotify_id))
   OR (r.spotify_id = '' AND NOT EXISTS (SELECT 1 FROM euterpe.tracks t WHERE t.name_key = r.title_key))
ON CONFLICT DO NOTHING;

-- name: MergeImportTrackArtists :exec
-- The artist of each track this import added to the catalogue. The rows
-- are first cut to the distinct tracks and artists they name.
INSERT INTO euterpe.track_artists (track_id, position, artist_id)
SELECT c.track_id, 0, c.artist_id
FROM (
    SELECT DISTINCT ON (t.id) t.id AS track_id,
           (SELECT x.id FROM euterpe.artists x WHERE x.name_key = r.artist_key
            ORDER BY x.spotify_id IS NULL, x.id LIMIT 1) AS artist_id
    FROM (SELECT DISTINCT y.spotify_id, y.title_key, y.artist_key
          FROM euterpe.import_names y
          WHERE y.import_id = @import_id AND y.artist_key <> '') AS r
    JOIN euterpe.tracks t ON (r.spotify_id <> '' AND t.spotify_id = r.spotify_id)
                          OR (r.spotify_id = '' AND t.spotify_id IS NULL AND t.name_key = r.title_key)
    WHERE NOT EXISTS (SELECT 1 FROM euterpe.track_artists ta WHERE ta.track_id = t.id)
    ORDER BY t.id
) AS c
WHERE c.artist_id IS NOT NULL
ON CONFLICT DO NOTHING;

-- name: ImportMonths :many
-- The months the rows span, for merging a month at a time.
SELECT DISTINCT (date_trunc('month', ended_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')::timestamptz AS month
FROM euterpe.import_rows
WHERE import_id = @import_id AND kind = 1
ORDER BY 1;

-- name: GetImportCrowdedInstant :many
-- The moment most of the staged plays end at, when more than max_rows do
-- (none otherwise): Spotify's exports and Euterpe's never hold more than a
-- few plays of 30 s or more that end at the same second (or minute, for
-- account data), so a file that does was made up.
SELECT r.ended_at, count(*) AS plays
FROM euterpe.import_rows r
WHERE r.import_id = @import_id
  AND ((r.kind = 1 AND euterpe.counts_as_play(r.ms_played)) OR (r.kind = 4 AND r.is_play))
GROUP BY r.ended_at
HAVING count(*) > @max_rows::bigint
ORDER BY count(*) DESC, r.ended_at
LIMIT 1;

-- name: CountImportPlayRows :one
-- The rows that are plays (30 s or more heard): what MergeImportPlays
-- adds or finds already stored.
SELECT count(*) FROM euterpe.import_rows
WHERE import_id = @import_id AND kind = 1 AND euterpe.counts_as_play(ms_played);

-- name: MergeImportPlays :execrows
-- The plays (30 s or more heard) of the rows that ended in the span given
-- (whole months). Each track the span's rows name (by Spotify id, else by
-- name) is looked up once, not once a row (OFFSET 0 keeps the lookup in its
-- subquery, which the planner would otherwise pull up into the rows):
-- preferring a track Spotify knows, and the track a name-only one turned
-- out to be. A row to the
-- minute (account data) ended somewhere in that minute: it is placed in its
-- middle, so the 30-second rule matches a poll's exact time of the same
-- listen. A row that repeats another of the rows is left out; one that
-- repeats a stored play (that rule again) is not stored, and this import
-- becomes one of that play's holders (play_holders), so deleting another
-- import or the poll's plays cannot take it away. The check reads only the
-- stored plays from check_from to check_to (the span, widened by what the
-- rule and the minute's middle reach: history.checkBounds): reading all of
-- the user's plays made each step of a long import slower than the one
-- before. (Reads of a WITH query are written "(SELECT … FROM candidates)": sqlc
-- vet's rule against unqualified table names cannot tell one from a table.)
WITH candidates AS (
    SELECT d.track_id, d.played_at, d.ms_played, d.source_id, h.played_at AS held_at, h.import_id AS held_by
    FROM (
        SELECT c.track_id, c.played_at, c.ms_played, c.source_id,
               lag(c.played_at) OVER (PARTITION BY c.track_id ORDER BY c.played_at) AS previous
        FROM (
            SELECT m.track_id,
                   CASE WHEN r.precise THEN r.ended_at ELSE r.ended_at + interval '30 seconds' END AS played_at,
                   r.ms_played,
                   -- extended streaming history (to the second) or account data
                   CASE WHEN r.precise THEN 3 ELSE 2 END::smallint AS source_id
            FROM euterpe.import_rows r
            JOIN (
                SELECT k.spotify_id, k.title_key,
                       (SELECT COALESCE(x.resolved_to, x.id) FROM euterpe.tracks x
                        WHERE (k.spotify_id <> '' AND x.spotify_id = k.spotify_id)
                           OR (k.spotify_id = '' AND x.name_key = k.title_key)
                        ORDER BY x.spotify_id IS NULL, x.id
                        LIMIT 1) AS track_id
                FROM (SELECT DISTINCT y.spotify_id, CASE WHEN y.spotify_id = '' THEN y.title_key ELSE '' END AS title_key
                      FROM euterpe.import_rows y
                      WHERE y.import_id = @import_id::uuid AND y.kind = 1 AND euterpe.counts_as_play(y.ms_played)
                        AND y.ended_at >= @month_start::timestamptz AND y.ended_at < @month_end::timestamptz) AS k
                OFFSET 0
            ) AS m ON m.spotify_id = r.spotify_id AND m.title_key = CASE WHEN r.spotify_id = '' THEN r.title_key ELSE '' END
            WHERE r.import_id = @import_id::uuid AND r.kind = 1 AND euterpe.counts_as_play(r.ms_played)
              AND r.ended_at >= @month_start::timestamptz AND r.ended_at < @month_end::timestamptz
              AND m.track_id IS NOT NULL
        ) AS c
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
INSERT INTO euterpe.plays (user_id, played_at, track_id, ms_played, source_id, import_id)
SELECT @user_id, x.played_at, x.track_id, x.ms_played, x.source_id, @import_id::uuid
FROM (SELECT * FROM candidates) AS x
WHERE x.held_at IS NULL;

-- name: MergeImportSkips :execrows
-- The skips (under 30 s heard), each distinct track looked up once.
INSERT INTO euterpe.skips (user_id, played_at, track_id, ms_played, import_id)
SELECT @user_id,
       CASE WHEN r.precise THEN r.ended_at ELSE r.ended_at + interval '30 seconds' END,
       m.track_id, r.ms_played, @import_id::uuid
FROM euterpe.import_rows r
JOIN (
    SELECT k.spotify_id, k.title_key,
           (SELECT COALESCE(x.resolved_to, x.id) FROM euterpe.tracks x
            WHERE (k.spotify_id <> '' AND x.spotify_id = k.spotify_id)
               OR (k.spotify_id = '' AND x.name_key = k.title_key)
            ORDER BY x.spotify_id IS NULL, x.id
            LIMIT 1) AS track_id
    FROM (SELECT DISTINCT y.spotify_id, CASE WHEN y.spotify_id = '' THEN y.title_key ELSE '' END AS title_key
          FROM euterpe.import_rows y
          WHERE y.import_id = @import_id::uuid AND y.kind = 1 AND NOT euterpe.counts_as_play(y.ms_played)) AS k
) AS m ON m.spotify_id = r.spotify_id AND m.title_key = CASE WHEN r.spotify_id = '' THEN r.title_key ELSE '' END
WHERE r.import_id = @import_id::uuid AND r.kind = 1 AND NOT euterpe.counts_as_play(r.ms_played)
  AND m.track_id IS NOT NULL
ON CONFLICT DO NOTHING;

-- name: MergeImportSpoken :execrows
INSERT INTO euterpe.spoken_plays (user_id, played_at, kind, show, title, spotify_id, ms_played, import_id)
SELECT DISTINCT ON (r.ended_at, r.kind, r.title)
       @user_id, r.ended_at, CASE r.kind WHEN 2 THEN 'episode' ELSE 'chapter' END,
       r.artist, r.title, NULLIF(r.spotify_id, ''), r.ms_played, @import_id::uuid
FROM euterpe.import_rows r
WHERE r.import_id = @import_id::uuid AND r.kind IN (2, 3)
ORDER BY r.ended_at, r.kind, r.title, r.row_no
ON CONFLICT DO NOTHING;

-- name: GetImportSpan :one
-- The rows' dates, and how many plays went to tracks Spotify's id is not
-- known for (matched by name only, resolved later by a search).
SELECT COALESCE(min(r.ended_at), '0001-01-01 00:00:00Z')::timestamptz AS first_played,
       COALESCE(max(r.ended_at), '0001-01-01 00:00:00Z')::timestamptz AS last_played,
       (SELECT count(*) FROM euterpe.plays p JOIN euterpe.tracks t ON t.id = p.track_id
        WHERE p.import_id = @import_id::uuid AND t.spotify_id IS NULL)::bigint AS unmatched
FROM euterpe.import_rows r
WHERE r.import_id = @import_id::uuid;

-- name: FinishImport :execrows
UPDATE euterpe.imports
SET state = 'done', finished_at = now(),
    plays_added = @plays_added, already_present = @already_present, skips = @skips,
    episodes = @episodes, unmatched = @unmatched, unknown_rows = @unknown_rows,
    first_played = @first_played, last_played = @last_played, files = @files
WHERE id = @id AND state = 'running';

-- name: PassImportPlaysOn :exec
-- Before an import's plays go, each that another import or the poll also
-- holds (play_holders) passes to one of them, the poll first; that holder's
-- row goes, as the play is now its own. (Deleting the import's record has
-- already taken its own holder rows.)
WITH passed AS (
    UPDATE euterpe.plays p
    SET import_id = h.import_id
    FROM (SELECT DISTINCT ON (x.user_id, x.track_id, x.played_at) x.user_id, x.track_id, x.played_at, x.import_id
          FROM euterpe.play_holders x
          JOIN euterpe.plays y ON y.user_id = x.user_id AND y.track_id = x.track_id AND y.played_at = x.played_at
          WHERE y.import_id = @import_id::uuid AND x.import_id IS DISTINCT FROM @import_id::uuid
          ORDER BY x.user_id, x.track_id, x.played_at, x.import_id NULLS FIRST) AS h
    WHERE p.user_id = h.user_id AND p.track_id = h.track_id AND p.played_at = h.played_at
      AND p.import_id = @import_id::uuid
    RETURNING p.user_id, p.track_id, p.played_at, p.import_id
)
DELETE FROM euterpe.play_holders x
USING passed
WHERE x.user_id = passed.user_id AND x.track_id = passed.track_id AND x.played_at = passed.played_at
  AND x.import_id IS NOT DISTINCT FROM passed.import_id;

-- name: DeleteImportPlays :one
-- Deleting an import takes exactly its plays, skips and episodes with it:
-- those no other holder has (PassImportPlaysOn ran first).
WITH p AS (DELETE FROM euterpe.plays WHERE plays.import_id = @import_id::uuid RETURNING 1),
     s AS (DELETE FROM euterpe.skips WHERE skips.import_id = @import_id::uuid RETURNING 1),
     e AS (DELETE FROM euterpe.spoken_plays WHERE spoken_plays.import_id = @import_id::uuid RETURNING 1)
SELECT (SELECT count(*) FROM p)::bigint AS plays;

-- name: EnableCheckedPlays :exec
-- For the rest of this transaction (set_config's true: it ends with it),
-- the per-row duplicate check stands aside: the trigger
-- plays_skip_duplicate's WHEN reads euterpe.checked_plays, and the merge
-- (MergeImportPlays) does the same check itself for all its rows at once
-- and records their holders. Set only there, in imports.Importer's merge
-- (see the function's COMMENT in sql/schema.sql).
SELECT set_config('euterpe.checked_plays', 'on', true);

-- name: DisableCheckedPlays :exec
-- The duplicate check is back for the rest of the merge's transaction.
SELECT set_config('euterpe.checked_plays', 'off', true);

-- name: SetImportName :exec
UPDATE euterpe.imports SET upload_name = @upload_name WHERE id = @id;

-- name: GetImportOutcome :one
SELECT user_id, state, unmatched FROM euterpe.imports WHERE id = @id;

-- name: DeleteUnfinishedUpload :execrows
-- An upload that turned out to be no export leaves no trace; its chunks go
-- with it (ON DELETE CASCADE).
DELETE FROM euterpe.imports WHERE id = @id AND user_id = @user_id AND state = 'uploading';

-- name: CountActiveImports :many
-- Imports under way, by state, for /metrics.
SELECT state, count(*)::bigint AS imports
FROM euterpe.imports
WHERE state IN ('uploading', 'queued', 'running')
GROUP BY state
ORDER BY state;
