// Command trendbench measures the goals of issue 13 on this machine, each
// figure against a reference from the same run:
//
//   - the export of a history of 1,000,000 plays (history.csv and
//     history.json, through package export, as /export/history.csv and
//     "Download my data" write them) against PostgreSQL's own COPY … TO
//     STDOUT of the same rows, and the process's peak RSS while exporting
//     (goal ≤ 64 MB);
//   - the year in review of a year of over 200,000 plays: the server time
//     of the page (the queries and the rendering), p50 / p95 / p99 over many
//     requests (goal p95 ≤ 100 ms).
//
// The history is generated in SQL into a database of its own
// (euterpe_trendbench_v2 on the test server: TEST_DATABASE_URL, else the
// local one) and kept between runs; -fresh makes it again. Everything is
// written to stdout as one table; the exit status is 3 when a goal is
// missed. `go run ./internal/cmd/trendbench`.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/export"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/internal/testdb"
	"github.com/euterpe-dev/euterpe/trends"
	"github.com/euterpe-dev/euterpe/views"
)

const (
	dbName     = "euterpe_trendbench_v2"
	totalPlays = 1_000_000
	perDay     = 600 // one every 90 s from 07:00 to 22:00: 219,000 plays in a year
	zone       = "Europe/Berlin"
	yearOf     = 2025
)

func main() {
	fresh := flag.Bool("fresh", false, "generate the history again")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the exports to this file")
	requests := flag.Int("requests", 200, "year-in-review requests to time")
	flag.Parse()
	code, err := run(context.Background(), *fresh, *requests, *cpuProfile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "trendbench:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

type row struct{ metric, measured, goal, result string }

func run(ctx context.Context, fresh bool, requests int, cpuProfile string) (int, error) {
	started := time.Now()
	pool, userID, err := prepare(ctx, fresh)
	if err != nil {
		return 0, err
	}
	defer pool.Close()
	var rows []row
	code := 0
	pass := func(ok bool) string {
		if ok {
			return "PASS"
		}
		code = 3
		return "FAIL"
	}

	// COPY of the same rows, twice over: the plays as stored, and with
	// the names an export writes.
	copyPlain, plainBytes, err := copyOut(ctx, pool, `COPY (SELECT p.played_at, p.track_id, p.ms_played, p.source_id, p.context_uri
		FROM euterpe.plays p WHERE p.user_id = '`+userID.String()+`' ORDER BY p.played_at, p.track_id) TO STDOUT WITH CSV HEADER`)
	if err != nil {
		return 0, err
	}
	copyNamed, namedBytes, err := copyOut(ctx, pool, `COPY (SELECT 'play', p.played_at, p.ms_played, t.name,
		(SELECT string_agg(a.name, ', ' ORDER BY ta.position) FROM euterpe.track_artists ta JOIN euterpe.artists a ON a.id = ta.artist_id WHERE ta.track_id = t.id),
		al.name, 'spotify:track:' || t.spotify_id, p.context_uri, p.source_id
		FROM euterpe.plays p JOIN euterpe.tracks t ON t.id = p.track_id LEFT JOIN euterpe.albums al ON al.id = t.album_id
		WHERE p.user_id = '`+userID.String()+`' ORDER BY p.played_at, p.track_id) TO STDOUT WITH CSV HEADER`)
	if err != nil {
		return 0, err
	}
	loc, _ := time.LoadLocation(zone)
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return 0, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return 0, err
		}
		defer pprof.StopCPUProfile()
	}
	var csvRSS, jsonRSS, csvHeap, jsonHeap float64
	var csvTook, jsonTook time.Duration
	var csvBytes, jsonBytes int64
	for _, f := range []string{"csv", "json"} {
		runtime.GC()
		resetPeakRSS()
		stop := watchHeap()
		w := &counter{}
		t0 := time.Now()
		h := export.NewHistory(pool)
		if f == "csv" {
			c, err := export.NewHistoryCSV(w, loc)
			if err != nil {
				return 0, err
			}
			if err := h.Each(ctx, userID, export.Span{}, c.Write); err != nil {
				return 0, err
			}
			if err := c.Flush(); err != nil {
				return 0, err
			}
			csvTook, csvBytes, csvRSS, csvHeap = time.Since(t0), w.n, peakRSS(), stop()
		} else {
			j := export.NewHistoryJSON(w)
			if err := h.Each(ctx, userID, export.Span{}, j.Write); err != nil {
				return 0, err
			}
			if err := j.Close(); err != nil {
				return 0, err
			}
			jsonTook, jsonBytes, jsonRSS, jsonHeap = time.Since(t0), w.n, peakRSS(), stop()
		}
	}
	mb := func(b int64) string { return fmt.Sprintf("%.0f MB", float64(b)/(1<<20)) }
	rows = append(rows,
		row{"export of 1,000,000 plays as history.csv", fmt.Sprintf("%s (%s)", csvTook.Round(time.Millisecond), mb(csvBytes)), "—", ""},
		row{"  COPY … TO STDOUT of the same rows, with the same names", fmt.Sprintf("%s (%s); the export takes %.1f×", copyNamed.Round(time.Millisecond), mb(namedBytes),
			csvTook.Seconds()/copyNamed.Seconds()), "—", ""},
		row{"  COPY … TO STDOUT of the plays as stored (ids only)", fmt.Sprintf("%s (%s); the export takes %.1f×", copyPlain.Round(time.Millisecond), mb(plainBytes),
			csvTook.Seconds()/copyPlain.Seconds()), "—", ""},
		row{"export of 1,000,000 plays as history.json", fmt.Sprintf("%s (%s)", jsonTook.Round(time.Millisecond), mb(jsonBytes)), "—", ""},
		row{"peak RSS (VmHWM) while exporting history.csv", fmt.Sprintf("%.1f MB (Go heap at most %.1f MB)", csvRSS, csvHeap), "≤ 64 MB", pass(csvRSS <= 64)},
		row{"peak RSS (VmHWM) while exporting history.json", fmt.Sprintf("%.1f MB (Go heap at most %.1f MB)", jsonRSS, jsonHeap), "≤ 64 MB", pass(jsonRSS <= 64)},
	)

	// The year in review.
	now := time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	hist := history.NewService(history.Options{Log: slog.New(slog.DiscardHandler), Pool: pool, Now: clock})
	svc := trends.NewService(pool, hist, clock)
	var took []time.Duration
	var plays int64
	for i := range requests + 10 {
		t0 := time.Now()
		years, z, b, err := svc.Years(ctx, userID)
		if err != nil {
			return 0, err
		}
		y, err := svc.YearInReview(ctx, userID, z, b, yearOf)
		if err != nil {
			return 0, err
		}
		var links []views.Link
		for _, yy := range years {
			links = append(links, views.Link{Label: strconv.Itoa(yy), URL: "/year/" + strconv.Itoa(yy), Current: yy == yearOf})
		}
		var buf bytes.Buffer
		if err := views.YearPage(views.Page{Title: "Your 2025"}, views.YearData{Year: y, Years: links}).Render(ctx, &buf); err != nil {
			return 0, err
		}
		if i >= 10 { // the first ones warm the caches
			took = append(took, time.Since(t0))
		}
		plays = y.Plays
	}
	slices.Sort(took)
	pct := func(p float64) time.Duration { return took[min(len(took)-1, int(p*float64(len(took))))] }
	rows = append(rows,
		row{fmt.Sprintf("year in review of %d plays (%d requests), server time p95", plays, len(took)), pct(0.95).Round(100 * time.Microsecond).String(),
			"≤ 100 ms", pass(pct(0.95) <= 100*time.Millisecond && plays >= 200_000)},
		row{"  p50 / p99", fmt.Sprintf("%s / %s", pct(0.5).Round(100*time.Microsecond), pct(0.99).Round(100*time.Microsecond)), "—", ""},
	)

	// The Trends page's panels over the same history (no goal: for the
	// record), the median of a few loads each.
	for _, p := range []struct {
		name string
		load func() error
	}{
		{"Trends: listening per month", func() error { _, err := svc.MonthlyListening(ctx, userID); return err }},
		{"Trends: top artists' share", func() error { _, err := svc.ArtistShares(ctx, userID); return err }},
		{"Trends: discovery", func() error { _, err := svc.Discoveries(ctx, userID); return err }},
		{"Trends: timeless and falling off (the history's side)", func() error { _, err := svc.StandingFromHistory(ctx, userID); return err }},
	} {
		var ts []time.Duration
		for range 7 {
			t0 := time.Now()
			if err := p.load(); err != nil {
				return 0, err
			}
			ts = append(ts, time.Since(t0))
		}
		slices.Sort(ts)
		rows = append(rows, row{"  " + p.name + ", 1,000,000 plays (median of 7)", ts[3].Round(100 * time.Microsecond).String(), "—", ""})
	}

	fmt.Printf("Euterpe trends and exports — %d cores, %s %s/%s; whole run %s\n", runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH,
		time.Since(started).Round(100*time.Millisecond))
	w := [3]int{6, 8, 4}
	for _, r := range rows {
		w[0], w[1], w[2] = max(w[0], len([]rune(r.metric))), max(w[1], len([]rune(r.measured))), max(w[2], len([]rune(r.goal)))
	}
	line := func(a, b, c, d string) {
		fmt.Printf("%s  %s  %s  %s\n", pad(a, w[0]), pad(b, w[1]), pad(c, w[2]), d)
	}
	line("metric", "measured", "goal", "result")
	line(strings.Repeat("-", 6), strings.Repeat("-", 8), strings.Repeat("-", 4), "------")
	for _, r := range rows {
		line(r.metric, r.measured, r.goal, r.result)
	}
	return code, nil
}

// firstDay is the history's first day: its last is 31 December of yearOf,
// so that year is whole.
func firstDay() string {
	days := (totalPlays + perDay - 1) / perDay
	return time.Date(yearOf+1, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -days).Format(time.DateOnly)
}

func pad(s string, n int) string { return s + strings.Repeat(" ", max(0, n-len([]rune(s)))) }

type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func copyOut(ctx context.Context, pool *database.Pool, sql string) (time.Duration, int64, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer conn.Release()
	w := &counter{}
	t0 := time.Now()
	if _, err := conn.Conn().PgConn().CopyTo(ctx, w, sql); err != nil {
		return 0, 0, fmt.Errorf("copy: %w", err)
	}
	return time.Since(t0), w.n, nil
}

// resetPeakRSS starts the kernel's count of the process's peak RSS afresh
// (Linux 4.0 and later).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS is VmHWM in MB.
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// watchHeap samples the Go heap until the returned func is called, which
// reports the most seen, in MB.
func watchHeap() func() float64 {
	done := make(chan struct{})
	most := make(chan float64, 1)
	go func() {
		var top uint64
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			top = max(top, m.HeapInuse)
			select {
			case <-done:
				most <- float64(top) / (1 << 20)
				return
			case <-t.C:
			}
		}
	}()
	return func() float64 { close(done); return <-most }
}

// prepare makes (or finds) the database and its listener.
func prepare(ctx context.Context, fresh bool) (*database.Pool, uuid.UUID, error) {
	admin, err := pgx.Connect(ctx, testdb.AdminURL())
	if err != nil {
		return nil, uuid.Nil, fmt.Errorf("connect to %s: %w", testdb.AdminURL(), err)
	}
	defer admin.Close(ctx)
	var exists bool
	if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, dbName).Scan(&exists); err != nil {
		return nil, uuid.Nil, err
	}
	if exists && fresh {
		if _, err := admin.Exec(ctx, "DROP DATABASE "+dbName+" WITH (FORCE)"); err != nil {
			return nil, uuid.Nil, err
		}
		exists = false
	}
	if !exists {
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+dbName); err != nil {
			return nil, uuid.Nil, err
		}
	}
	u, _ := url.Parse(testdb.AdminURL())
	u.Path = "/" + dbName
	m, err := database.NewMigrator(ctx, u.String(), nil)
	if err != nil {
		return nil, uuid.Nil, err
	}
	if _, err := m.Up(ctx); err != nil {
		m.Close()
		return nil, uuid.Nil, err
	}
	m.Close()
	pool, err := database.Open(ctx, u.String(), database.PoolOptions{MaxConns: 8})
	if err != nil {
		return nil, uuid.Nil, err
	}
	userID := uuid.MustParse("7b1f0c1e-13e1-4d00-a000-000000000013")
	var have int64
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM euterpe.plays WHERE user_id = $1`, userID).Scan(&have); err != nil {
		pool.Close()
		return nil, uuid.Nil, err
	}
	if have == totalPlays {
		return pool, userID, dayTops(ctx, pool, userID)
	}
	fmt.Fprintf(os.Stderr, "trendbench: generating %d plays into %s (kept for later runs)…\n", totalPlays, dbName)
	if err := generate(ctx, pool, userID); err != nil {
		pool.Close()
		return nil, uuid.Nil, err
	}
	return pool, userID, dayTops(ctx, pool, userID)
}

// dayTops counts the song of each day, which the triggers off during the
// generation did not.
func dayTops(ctx context.Context, pool *database.Pool, userID uuid.UUID) error {
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM euterpe.day_top_tracks WHERE user_id = $1`, userID).Scan(&n); err != nil || n > 0 {
		return err
	}
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `SELECT euterpe.recount_day_tops($1, ARRAY(SELECT DISTINCT (played_at AT TIME ZONE '`+zone+`')::date
			FROM euterpe.plays WHERE user_id = $1))`, userID)
		return err
	})
}

// generate writes the catalogue and the plays in SQL, with the triggers
// off (this session only), then builds the summaries as a change of zone
// does (history.Store.RebuildSummaries).
func generate(ctx context.Context, pool *database.Pool, userID uuid.UUID) error {
	t0 := time.Now()
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		for _, stmt := range []string{
			`SET LOCAL statement_timeout = 0`,
			`SET LOCAL session_replication_role = replica`,
			`DELETE FROM euterpe.users WHERE id = '` + userID.String() + `'`,
			`INSERT INTO euterpe.users (id, spotify_user_id, display_name) VALUES ('` + userID.String() + `', 'trendbench', 'Trend Bench')`,
			`INSERT INTO euterpe.user_preferences (user_id, time_zone, summary_time_zone) VALUES ('` + userID.String() + `', '` + zone + `', '` + zone + `')`,
			`INSERT INTO euterpe.artists (spotify_id, name, image_url)
			 SELECT 'ta' || lpad(a::text, 20, '0'), 'Artist ' || a, 'https://i.scdn.co/image/artist' || a
			 FROM generate_series(1, 3000) a ON CONFLICT DO NOTHING`,
			`INSERT INTO euterpe.albums (spotify_id, name, album_type, release_date, release_date_precision, image_url)
			 SELECT 'tl' || lpad(l::text, 20, '0'), 'Album ' || l, 'album', date '1970-01-01' + l * 5, 'day', 'https://i.scdn.co/image/album' || l
			 FROM generate_series(1, 6000) l ON CONFLICT DO NOTHING`,
			`INSERT INTO euterpe.album_artists (album_id, position, artist_id)
			 SELECT al.id, 0, ar.id FROM euterpe.albums al
			 JOIN euterpe.artists ar ON ar.spotify_id = 'ta' || lpad((1 + (substr(al.spotify_id, 3)::int - 1) % 3000)::text, 20, '0')
			 WHERE al.spotify_id LIKE 'tl%' ON CONFLICT DO NOTHING`,
			`INSERT INTO euterpe.tracks (spotify_id, name, album_id, duration_ms, explicit)
			 SELECT 'tt' || lpad(t::text, 20, '0'), 'Track ' || t,
			        (SELECT id FROM euterpe.albums WHERE spotify_id = 'tl' || lpad((1 + (t - 1) / 5)::text, 20, '0')),
			        150000 + (t::bigint * 7919) % 150000, t % 10 = 0
			 FROM generate_series(1, 30000) t ON CONFLICT DO NOTHING`,
			`INSERT INTO euterpe.track_artists (track_id, position, artist_id)
			 SELECT t.id, 0, aa.artist_id FROM euterpe.tracks t JOIN euterpe.album_artists aa ON aa.album_id = t.album_id AND aa.position = 0
			 WHERE t.spotify_id LIKE 'tt%' ON CONFLICT DO NOTHING`,
			`INSERT INTO euterpe.track_artists (track_id, position, artist_id)
			 SELECT t.id, 1, ar.id FROM euterpe.tracks t
			 JOIN euterpe.artists ar ON ar.spotify_id = 'ta' || lpad((1 + (t.id * 31) % 3000)::text, 20, '0')
			 WHERE t.spotify_id LIKE 'tt%' AND t.id % 9 = 0 ON CONFLICT DO NOTHING`,
			// A listener who favours some tracks: the index cubed.
			`INSERT INTO euterpe.plays (user_id, played_at, track_id, ms_played, source_id, context_uri)
			 SELECT '` + userID.String() + `',
			        timestamptz '` + firstDay() + ` 07:00:00+01' + (g / ` + strconv.Itoa(perDay) + `) * interval '1 day' + (g % ` + strconv.Itoa(perDay) + `) * interval '90 seconds',
			        (SELECT min(id) FROM euterpe.tracks) + floor(30000 * power(((g::bigint * 2654435761) % 1000003) / 1000003.0, 3))::int,
			        60000 + (g::bigint * 7919) % 40000, 1,
			        CASE WHEN g % 7 = 0 THEN 'spotify:playlist:37i9dQZF1DXcBWIGoYBM5M' END
			 FROM generate_series(0, ` + strconv.Itoa(totalPlays-1) + `) g`,
		} {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return fmt.Errorf("%.80s: %w", stmt, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "trendbench: plays written in %s; building the summaries…\n", time.Since(t0).Round(time.Second))
	t1 := time.Now()
	if err := history.NewStore(pool).RebuildSummaries(ctx, userID); err != nil {
		return err
	}
	if _, err := pool.Exec(ctx, `ANALYZE`); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "trendbench: summaries built in %s\n", time.Since(t1).Round(time.Second))
	return nil
}
