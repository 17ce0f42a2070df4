package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/bench/stack"
	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/sql/migrations"
)

// The history bench reads a listening history too big to make on every run:
// a million plays of one listener beside a hundred listeners of a hundred
// thousand plays each, in the same tables. It is generated once into a
// database of its own, named after the migrations and this generator, and
// kept: a later run whose migrations and generator are unchanged reuses it.
// A change to either makes a new one (the old one is dropped then).
//
// Everything is in SQL (INSERT … SELECT over generate_series), from a hash
// of the row's key, so two generations make the same data. The plays go in
// in the order of days, the users of a day interleaved, as a poller would
// write them; the summaries are then built by the production rebuild
// (history.Store.RebuildSummaries, that is euterpe.summarize_plays over each
// user's plays a year at a time).
const (
	historyDBPrefix = "euterpe_bench_history_"
	// historyGenVersion changes when the Go side of the generator changes
	// what it makes (the SQL is hashed into the name as it is).
	historyGenVersion = "3"

	heavyPlays    = 1_000_000
	otherUsers    = 100
	otherPlays    = 100_000
	catalogTracks = 50_000
	catalogAlbums = 8_000
	catalogArtist = 3_000
)

// historyNow is the present of the generated history: the last play ends
// just before it, and the History app's clock (EUTERPE_CLOCK) starts at it,
// so this_year and last_365_days cover the same plays on every run. A
// Wednesday in the middle of October: every preset has ragged ends.
var historyNow = time.Date(2026, 10, 14, 16, 0, 0, 0, time.UTC)

// heavyListener is the spotify_user_id of the listener with a million plays
// (Europe/Berlin); the others are bench-listener-1 … -100.
const heavyListener = "bench-listener-0"

// historyCatalogSQL is the catalogue: artists, albums of one artist, tracks
// in runs of about six per album, a tenth of them with a second artist. A
// track's, album's and artist's popularity follows its id (listeners favour
// low ranks, see historyPlaysSQL), so a popular track is on a popular album
// by a popular artist, as in life.
var historyCatalogSQL = fmt.Sprintf(`
INSERT INTO euterpe.artists (id, spotify_id, name, image_url, updated_at) OVERRIDING SYSTEM VALUE
SELECT a, 'ba' || lpad(a::text, 20, '0'), 'Artist ' || a,
       'https://i.scdn.co/image/ab6761610000e5eb' || md5('a' || a), '2026-10-01'
FROM generate_series(1, %[3]d) a;

INSERT INTO euterpe.albums (id, spotify_id, name, album_type, release_date, release_date_precision, image_url, updated_at) OVERRIDING SYSTEM VALUE
SELECT l, 'bl' || lpad(l::text, 20, '0'), 'Album ' || l,
       CASE WHEN pg_temp.u(l, 11) < 0.7 THEN 'album' WHEN pg_temp.u(l, 11) < 0.9 THEN 'single' ELSE 'compilation' END,
       date '1965-01-01' + (pg_temp.u(l, 12) * 22000)::int, 'day',
       'https://i.scdn.co/image/ab67616d0000b273' || md5('l' || l), '2026-10-01'
FROM generate_series(1, %[2]d) l;

INSERT INTO euterpe.album_artists (album_id, position, artist_id)
SELECT l, 0, 1 + (l - 1) * %[3]d / %[2]d FROM generate_series(1, %[2]d) l;

INSERT INTO euterpe.tracks (id, spotify_id, name, album_id, duration_ms, explicit, updated_at) OVERRIDING SYSTEM VALUE
SELECT t, 'bt' || lpad(t::text, 20, '0'), 'Track ' || t, 1 + (t - 1) * %[2]d / %[1]d, pg_temp.duration(t),
       pg_temp.u(t, 23) < 0.1, '2026-10-01'
FROM generate_series(1, %[1]d) t;

INSERT INTO euterpe.track_artists (track_id, position, artist_id)
SELECT t, 0, 1 + (1 + (t - 1) * %[2]d / %[1]d - 1) * %[3]d / %[2]d FROM generate_series(1, %[1]d) t
UNION ALL
SELECT t, 1, f FROM (SELECT t, 1 + (pg_temp.u(t, 24) * (%[3]d - 1))::int AS f FROM generate_series(1, %[1]d) t) x
WHERE pg_temp.u(t, 25) < 0.12 AND f <> 1 + (1 + (t - 1) * %[2]d / %[1]d - 1) * %[3]d / %[2]d;

SELECT setval(pg_get_serial_sequence('euterpe.artists', 'id'), %[3]d),
       setval(pg_get_serial_sequence('euterpe.albums', 'id'), %[2]d),
       setval(pg_get_serial_sequence('euterpe.tracks', 'id'), %[1]d);
`, catalogTracks, catalogAlbums, catalogArtist)

// historyFuncsSQL are the generator's helpers, for its session only: u is a
// uniform number in [0, 1) from a key and a stream, duration a track's
// length (100 s to 340 s, about 3 min 40 on average).
const historyFuncsSQL = `
CREATE FUNCTION pg_temp.u(k bigint, s bigint) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT (hashint8extended(k, s) & 4503599627370495)::float8 / 4503599627370496 $$;
CREATE FUNCTION pg_temp.duration(t bigint) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT 100000 + (pg_temp.u(t, 21) * 140000)::int + (pg_temp.u(t, 22) * 100000)::int $$;
CREATE FUNCTION pg_temp.day_start(n bigint, day bigint, d date, first_hour float8, zone text) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT (d + make_interval(secs => floor((first_hour + pg_temp.u(n * 100000 + day, 5)) * 3600))) AT TIME ZONE zone $$;
`

// historyUsersSQL makes the listeners and each one's listening days. User 0
// listens about 13 hours a day for 12 years (Europe/Berlin); the others
// about 5 hours a day for 3 years, in eight time zones. A day's plays vary:
// none on one day in 25, a fifth more at weekends, ±20 % otherwise. Each
// gets 2 % more plays than asked, which the load trims back from the oldest
// end (a long day that runs into the next loses its tail).
var historyUsersSQL = fmt.Sprintf(`
CREATE TEMP TABLE gen_users AS
SELECT n, md5('euterpe-bench-user-' || n)::uuid AS id,
       CASE WHEN n = 0 THEN %[1]d ELSE %[2]d END AS target,
       CASE WHEN n = 0 THEN 4383 ELSE 1096 END AS days,
       CASE WHEN n = 0 THEN 'Europe/Berlin'
            ELSE (ARRAY['UTC', 'Europe/London', 'Europe/Paris', 'America/New_York', 'America/Los_Angeles',
                        'Asia/Tokyo', 'Australia/Sydney', 'America/Sao_Paulo'])[1 + n %% 8] END AS zone,
       CASE WHEN n = 0 THEN 0 ELSE (pg_temp.u(n, 1) * %[4]d)::int END AS taste,
       CASE WHEN n = 0 THEN 6.0 ELSE 6 + pg_temp.u(n, 2) * 6 END AS first_hour,
       CASE WHEN n = 0 THEN 1.0 / 80 ELSE 1.0 / 12 END AS break_p,
       CASE WHEN n = 0 THEN 35 ELSE 40 END AS break_min
FROM generate_series(0, %[3]d) n;

INSERT INTO euterpe.users (id, spotify_user_id, display_name, created_at, updated_at)
SELECT id, 'bench-listener-' || n, CASE WHEN n = 0 THEN 'Heavy Listener' ELSE 'Listener ' || n END, '2014-10-01', '2026-10-01'
FROM gen_users;
INSERT INTO euterpe.user_preferences (user_id, time_zone, summary_time_zone) SELECT id, zone, zone FROM gen_users;

CREATE TEMP TABLE gen_days AS
SELECT u.n, d AS day, date '%[5]s' - u.days + 1 + d AS date,
       CASE WHEN pg_temp.u(u.n * 100000 + d, 3) < 0.04 THEN 0
            ELSE (1 + 0.2 * (extract(isodow FROM date '%[5]s' - u.days + 1 + d) >= 6)::int)
                 * (0.8 + 0.4 * pg_temp.u(u.n * 100000 + d, 4)) END AS w,
       0 AS plays
FROM gen_users u CROSS JOIN LATERAL generate_series(0, u.days - 1) d;
UPDATE gen_days g SET plays = round(g.w / s.total * u.target * 1.02)
FROM (SELECT n, sum(w) AS total FROM gen_days GROUP BY n) s, gen_users u WHERE s.n = g.n AND u.n = g.n;
ANALYZE gen_users;
ANALYZE gen_days;
`, heavyPlays, otherPlays, otherUsers, catalogTracks, historyNow.Format(time.DateOnly))

// historyPlaysSQL lays each listener's day out from their first hour (plus
// up to an hour): one track straight after another (0–3 s apart), a break
// of 21 minutes or more now and then, so the day falls into listening
// sessions. A play is heard in full, or skipped after 30 s or more (15 %).
// Tracks are drawn with a long-tailed (Pareto) rank over the listener's
// taste, which drifts a little every quarter: a few favourites take a large
// share, and thousands of tracks are heard once. Half the plays start from
// the track's album, a quarter from one of 512 playlists. Plays of the last
// two years came from the poller, older ones from Spotify's extended export.
// A play ends before the listener's next day begins and before historyNow;
// so no two plays of a listener overlap.
var historyPlaysSQL = fmt.Sprintf(`
INSERT INTO euterpe.plays (user_id, played_at, track_id, ms_played, source_id, context_uri)
SELECT d.id, p.played_at, p.track_id, p.ms,
       CASE WHEN p.played_at < timestamptz '%[4]s' THEN 3 ELSE 1 END, p.ctx
FROM (SELECT g.n, g.day, g.date, g.plays, u.id, u.zone, u.taste, u.first_hour, u.break_p, u.break_min
      FROM gen_days g JOIN gen_users u USING (n) WHERE g.plays > 0 ORDER BY g.date, g.n) d
CROSS JOIN LATERAL (
    SELECT x.track_id, x.ms, x.ctx,
           pg_temp.day_start(d.n, d.day, d.date, d.first_hour, d.zone)
             + (sum(x.ms + x.gap) OVER (ORDER BY x.seq) - x.gap) * interval '1 millisecond' AS played_at
    FROM (
        SELECT y.seq, y.track_id,
               CASE WHEN pg_temp.u(y.k, 7) < 0.15 THEN 30000 + (pg_temp.u(y.k, 8) * (pg_temp.duration(y.track_id) - 30000))::int
                    ELSE pg_temp.duration(y.track_id) END AS ms,
               CASE WHEN pg_temp.u(y.k, 9) < d.break_p THEN ((21 + pg_temp.u(y.k, 10) * 2 * (d.break_min - 21)) * 60000)::int
                    ELSE (pg_temp.u(y.k, 11) * 3000)::int END AS gap,
               CASE WHEN pg_temp.u(y.k, 12) < 0.5 THEN 'spotify:album:bl' || lpad((1 + (y.track_id - 1) * %[2]d / %[1]d)::text, 20, '0')
                    WHEN pg_temp.u(y.k, 12) < 0.75 THEN 'spotify:playlist:bp' || lpad((hashint8extended(y.k / 40, 13) & 511)::text, 20, '0')
               END AS ctx
        FROM (
            SELECT s AS seq, z.k,
                   1 + (least(floor(30 * (power(1 - pg_temp.u(z.k, 6), -1.25) - 1)), 1e9)::bigint
                        + d.taste + (d.day / 90) * 337) %% %[1]d AS track_id
            FROM generate_series(1, d.plays) s
            CROSS JOIN LATERAL (SELECT (d.n * 100000 + d.day)::bigint * 1000 + s AS k) z
        ) y
    ) x
) p
WHERE p.played_at <= least(timestamptz '%[3]s', pg_temp.day_start(d.n, d.day + 1, d.date + 1, d.first_hour, d.zone));

DELETE FROM euterpe.plays p
USING (SELECT u.id, (SELECT x.played_at FROM euterpe.plays x WHERE x.user_id = u.id
                     ORDER BY x.played_at DESC OFFSET u.target - 1 LIMIT 1) AS oldest
       FROM gen_users u) keep
WHERE p.user_id = keep.id AND p.played_at < keep.oldest;
`, catalogTracks, catalogAlbums, historyNow.Format(time.RFC3339), historyNow.AddDate(-2, 0, 0).Format(time.RFC3339))

// historyDBName is the cache's name: the migrations and the generator,
// hashed.
func historyDBName() (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "generator %s\n", historyGenVersion)
	for _, s := range []string{historyFuncsSQL, historyCatalogSQL, historyUsersSQL, historyPlaysSQL} {
		fmt.Fprintf(h, "%d\n%s", len(s), s)
	}
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		return "", err
	}
	slices.Sort(names)
	for _, n := range names {
		b, err := fs.ReadFile(migrations.FS, n)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", n, len(b))
		h.Write(b)
	}
	return historyDBPrefix + hex.EncodeToString(h.Sum(nil))[:12], nil
}

// dropHistoryDBs drops every cached history database (make bench-clean).
func dropHistoryDBs(ctx context.Context, adminURL string, out io.Writer) error {
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("history data: %w", err)
	}
	defer admin.Close(context.Background())
	rows, err := admin.Query(ctx, `SELECT datname FROM pg_database WHERE datname LIKE $1`, historyDBPrefix+"%")
	if err != nil {
		return fmt.Errorf("history data: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("history data: %w", err)
	}
	for _, n := range names {
		if _, err := admin.Exec(ctx, "DROP DATABASE "+pgx.Identifier{n}.Sanitize()+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("history data: %w", err)
		}
		fmt.Fprintln(out, "dropped", n)
	}
	if len(names) == 0 {
		fmt.Fprintln(out, "no cached history database")
	}
	return nil
}

// historyDB is the generated history, ready to read.
type historyDB struct {
	name, url string
	generated time.Duration // 0 when it was already there
}

// ensureHistoryDB returns the cached history database, generating it when
// it is missing. A generation in progress is built under another name and
// renamed when complete, so an interrupted one is never mistaken for the
// cache; an advisory lock keeps two benches from building it at once.
func (b *bench) ensureHistoryDB(ctx context.Context) (historyDB, error) {
	name, err := historyDBName()
	if err != nil {
		return historyDB{}, err
	}
	if b.opts.historyDB != "" {
		name = b.opts.historyDB
	}
	admin, err := pgx.Connect(ctx, b.opts.adminURL)
	if err != nil {
		return historyDB{}, fmt.Errorf("history data: %w", err)
	}
	defer admin.Close(context.Background())
	if _, err := admin.Exec(ctx, `SELECT pg_advisory_lock(1702131055, hashtext('euterpe-bench-history'))`); err != nil {
		return historyDB{}, fmt.Errorf("history data: %w", err)
	}
	defer admin.Exec(context.Background(), `SELECT pg_advisory_unlock(1702131055, hashtext('euterpe-bench-history'))`) //nolint:errcheck // the connection closes anyway
	u, _ := url.Parse(b.opts.adminURL)
	u.Path = "/" + name
	db := historyDB{name: name, url: u.String()}
	var exists bool
	if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return db, fmt.Errorf("history data: %w", err)
	}
	if exists {
		b.progress("history data: reusing %s", name)
		return db, nil
	}
	if b.opts.historyDB != "" {
		return db, fmt.Errorf("history data: there is no database %s", name)
	}

	// Older caches (other migrations or generator) and unfinished builds go.
	rows, err := admin.Query(ctx, `SELECT datname FROM pg_database WHERE datname LIKE $1`, historyDBPrefix+"%")
	if err != nil {
		return db, fmt.Errorf("history data: %w", err)
	}
	stale, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return db, fmt.Errorf("history data: %w", err)
	}
	for _, s := range stale {
		fmt.Fprintf(b.log, "bench: dropping the outdated history database %s\n", s)
		if _, err := admin.Exec(ctx, "DROP DATABASE "+pgx.Identifier{s}.Sanitize()+" WITH (FORCE)"); err != nil {
			return db, fmt.Errorf("history data: %w", err)
		}
	}

	building := name + "_building"
	fmt.Fprintf(b.log, "bench: generating the history database %s (%d plays of one listener, %d × %d of others); "+
		"this takes minutes once, later runs reuse it\n", name, heavyPlays, otherUsers, otherPlays)
	started := time.Now()
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+building); err != nil {
		return db, fmt.Errorf("history data: %w", err)
	}
	bu := *u
	bu.Path = "/" + building
	if err := b.generateHistory(ctx, bu.String()); err != nil {
		// Leave nothing half-made behind.
		dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = admin.Exec(dctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)")
		return db, err
	}
	if _, err := admin.Exec(ctx, "ALTER DATABASE "+building+" RENAME TO "+name); err != nil {
		return db, fmt.Errorf("history data: %w", err)
	}
	db.generated = time.Since(started)
	fmt.Fprintf(b.log, "bench: generated %s in %s\n", name, db.generated.Round(time.Second))
	return db, nil
}

// generateHistory fills a new database: migrations, catalogue, listeners,
// plays, then the summaries as production rebuilds them.
func (b *bench) generateHistory(ctx context.Context, dbURL string) error {
	step := func(what string, since time.Time) {
		fmt.Fprintf(b.log, "bench:   %-58s %s\n", what, time.Since(since).Round(100*time.Millisecond))
	}
	t := time.Now()
	if err := stack.Migrate(ctx, b.bin, dbURL); err != nil {
		return err
	}
	step("migrations (euterpe migrate up)", t)

	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return fmt.Errorf("history data: %w", err)
	}
	defer conn.Close(context.Background())
	// The generator's own session: room to sort, and no fsync wait per
	// statement (the database is thrown away if the machine dies).
	for _, set := range []string{"SET work_mem = '256MB'", "SET maintenance_work_mem = '512MB'",
		"SET synchronous_commit = off", "SET jit = off", historyFuncsSQL} {
		if _, err := conn.Exec(ctx, set); err != nil {
			return fmt.Errorf("history data: %w", err)
		}
	}
	t = time.Now()
	if _, err := conn.Exec(ctx, historyCatalogSQL); err != nil {
		return fmt.Errorf("history data: catalogue: %w", err)
	}
	if _, err := conn.Exec(ctx, historyUsersSQL); err != nil {
		return fmt.Errorf("history data: listeners: %w", err)
	}
	step(fmt.Sprintf("catalogue (%d tracks, %d albums, %d artists), %d listeners", catalogTracks, catalogAlbums, catalogArtist, otherUsers+1), t)

	// The bulk load skips what a row-by-row insert pays for: the plays
	// triggers (duplicate check and summaries, built afterwards as a
	// rebuild does) and the foreign keys, checked once, in bulk, when they
	// are put back. The indexes stay, so they grow as they do in service.
	t = time.Now()
	rows, err := conn.Query(ctx, `SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conrelid = 'euterpe.plays'::regclass AND contype = 'f' ORDER BY conname`)
	if err != nil {
		return fmt.Errorf("history data: %w", err)
	}
	type fk struct{ name, def string }
	fks, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (fk, error) {
		var f fk
		return f, r.Scan(&f.name, &f.def)
	})
	if err != nil {
		return fmt.Errorf("history data: %w", err)
	}
	load := []string{"ALTER TABLE euterpe.plays DISABLE TRIGGER USER"}
	for _, f := range fks {
		load = append(load, "ALTER TABLE euterpe.plays DROP CONSTRAINT "+pgx.Identifier{f.name}.Sanitize())
	}
	load = append(load, historyPlaysSQL, "ALTER TABLE euterpe.plays ENABLE TRIGGER USER")
	for _, f := range fks {
		load = append(load, "ALTER TABLE euterpe.plays ADD CONSTRAINT "+pgx.Identifier{f.name}.Sanitize()+" "+f.def)
	}
	if _, err := conn.Exec(ctx, strings.Join(load, ";\n")); err != nil { // one transaction
		return fmt.Errorf("history data: plays: %w", err)
	}
	var plays int64
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM euterpe.plays`).Scan(&plays); err != nil {
		return fmt.Errorf("history data: %w", err)
	}
	step(fmt.Sprintf("%d plays (INSERT … SELECT, triggers off, foreign keys after)", plays), t)
	// Autovacuum would get there: statistics and the visibility map
	// (index-only scans) as a table in service has them.
	t = time.Now()
	if _, err := conn.Exec(ctx, "VACUUM (ANALYZE)"); err != nil {
		return fmt.Errorf("history data: %w", err)
	}
	step("VACUUM (ANALYZE)", t)

	t = time.Now()
	if err := rebuildAllSummaries(ctx, dbURL, runtime.NumCPU()); err != nil {
		return err
	}
	step(fmt.Sprintf("summaries: history.Store.RebuildSummaries of each listener, %d at once", runtime.NumCPU()), t)
	t = time.Now()
	if _, err := conn.Exec(ctx, "VACUUM (ANALYZE)"); err != nil {
		return fmt.Errorf("history data: %w", err)
	}
	step("VACUUM (ANALYZE)", t)
	return nil
}

// rebuildAllSummaries runs the production rebuild for every listener,
// workers at a time, the heavy listener first (it takes longest).
func rebuildAllSummaries(ctx context.Context, dbURL string, workers int) error {
	pool, err := database.Open(ctx, dbURL, database.PoolOptions{MaxConns: int32(max(4, workers))})
	if err != nil {
		return fmt.Errorf("history data: %w", err)
	}
	defer pool.Close()
	rows, err := pool.Query(ctx, `SELECT id FROM euterpe.users ORDER BY spotify_user_id = $1 DESC, spotify_user_id`, heavyListener)
	if err != nil {
		return fmt.Errorf("history data: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return fmt.Errorf("history data: %w", err)
	}
	store := history.NewStore(pool)
	next := make(chan uuid.UUID)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Go(func() {
			for id := range next {
				if err := store.RebuildSummaries(ctx, id); err != nil {
					errs <- err
					return
				}
			}
		})
	}
feed:
	for _, id := range ids {
		select {
		case next <- id:
		case err := <-errs:
			close(next)
			wg.Wait()
			return fmt.Errorf("history data: %w", err)
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return fmt.Errorf("history data: %w", err)
	}
	return ctx.Err()
}
