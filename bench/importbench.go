package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/bench/stack"
	"github.com/euterpe-dev/euterpe/imports"
	"github.com/euterpe-dev/euterpe/spotifyexport"
)

// Issue 12's measure: an extended streaming history of a million listens,
// uploaded as the import page's script sends it, against a raw COPY of the
// same rows into the same database; then the same export again for another
// listener, with the app killed in the middle of the merge.

const (
	secImport section = secSimulatedDay + 1

	importRows          = 1_000_000
	importListener      = "dex" // the simulator's heaviest listener: ~170,000 listens a year
	importYears         = 7     // of dex's history, cut to the newest importRows listens
	restartListener     = "walt"
	exportRowsPerFile   = 15_000 // as Spotify cuts a history into files
	goalImportVsCopy    = 0.5
	importPollEvery     = 50 * time.Millisecond
	importWait          = 10 * time.Minute
	riverRescueFastFwrd = "36 minutes" // past jobs.importTimeout + 5 min: River rescues the crashed job
)

// importPhase measures issue 12's figures on a database of its own.
func (b *bench) importPhase(ctx context.Context) error {
	dbURL, _, err := b.throwawayDatabase(ctx)
	if err != nil {
		return err
	}
	sim, app, appOpts, err := b.startStack(dbURL, 0, nil)
	if err != nil {
		return err
	}
	owner, err := stack.Login(ctx, app.URL, importListener)
	if err != nil {
		return err
	}
	other, err := stack.Login(ctx, app.URL, restartListener)
	if err != nil {
		return err
	}
	// The sign-ins' first polls (50 recent plays each, which the export
	// holds too) are done before anything is timed.
	if err := waitFirstPolls(ctx, dbURL, 2); err != nil {
		return err
	}
	if err := waitQuiet(ctx, sim, 500*time.Millisecond, 15*time.Second); err != nil {
		return err
	}

	t0 := time.Now()
	exp, err := writeExport(ctx, sim, importListener, importYears, importRows, b.tmp)
	if err != nil {
		return err
	}
	b.progress("import: export of %d listens (%d plays) in %d files, %.1f MB zipped, %s…%s, written in %s",
		exp.rows, exp.plays, exp.files, float64(exp.bytes)/1e6, exp.first.Format(time.DateOnly), exp.last.Format(time.DateOnly), time.Since(t0).Round(time.Millisecond))

	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	// The measured import: nothing else runs.
	run, err := importOnce(ctx, conn, owner, exp.path, nil)
	if err != nil {
		return err
	}
	rss, err := app.PeakRSS()
	if err != nil {
		return err
	}
	b.progress("import: uploaded in %s, first progress after %s, done after %s; peak RSS %s",
		run.upload.Round(time.Millisecond), ms(run.firstProgress), run.took.Round(time.Millisecond), megabytes(rss))

	// The floor: the same rows COPYed into a bare table of the same database.
	copyTook, copied, err := copyBaseline(ctx, dbURL, exp.csvPath)
	if err != nil {
		return err
	}
	b.progress("import: COPY of the same %d rows in %s", copied, copyTook.Round(time.Millisecond))
	ownerCheck, err := checkPlays(ctx, dbURL, run.userID)
	if err != nil {
		return err
	}
	b.progress("import: %s's plays: %+v", importListener, ownerCheck)

	// Killed mid-merge, started again.
	killed, err := b.importWithCrash(ctx, conn, other, exp.path, app, appOpts)
	if err != nil {
		return err
	}
	otherCheck, err := checkPlays(ctx, dbURL, killed.userID)
	if err != nil {
		return err
	}
	b.progress("import: %s's plays after the crash: %+v", restartListener, otherCheck)

	perSec := float64(exp.rows) / run.took.Seconds()
	copyPerSec := float64(copied) / copyTook.Seconds()
	ratio := perSec / copyPerSec
	b.table.info(secImport, fmt.Sprintf("Import of an extended streaming history: %s listens of %s in %d files (%.1f MB zip, %.0f MB of JSON), %s…%s",
		thousands(exp.rows), importListener, exp.files, float64(exp.bytes)/1e6, float64(exp.jsonBytes)/1e6,
		exp.first.Format(time.DateOnly), exp.last.Format(time.DateOnly)),
		fmt.Sprintf("%s plays + %s skips; uploaded in %d pieces of 4 MB in %s", thousands(exp.plays), thousands(exp.rows-exp.plays),
			run.pieces, run.upload.Round(100*time.Millisecond)))
	b.table.check(secImport, "  import throughput vs a raw COPY of the same rows into a bare table of the same database",
		fmt.Sprintf("%.0f %% (%s rows/s, %s from the upload's answer to done; COPY %s rows/s, %s)", 100*ratio,
			thousands(int(perSec)), run.took.Round(100*time.Millisecond), thousands(int(copyPerSec)), copyTook.Round(100*time.Millisecond)),
		fmt.Sprintf("≥ %.0f %%", 100*goalImportVsCopy), ratio >= goalImportVsCopy)
	b.table.info(secImport, "  reading (staging) | merging, as the progress showed them",
		fmt.Sprintf("%s | %s", run.reading.Round(100*time.Millisecond), (run.took-run.reading).Round(100*time.Millisecond)))
	b.table.check(secImport, "  peak RSS of the app (VmHWM) through sign-in, upload and import", megabytes(rss), "≤ 64 MB", rss <= goalPeakRSS)
	b.table.info(secImport, "  upload's answer → first progress with rows (polled every 50 ms)",
		fmt.Sprintf("%s (the page polls every 1 s)", ms(run.firstProgress)))
	b.table.check(secImport, fmt.Sprintf("  %s's plays after the import: duplicates / lost", importListener),
		fmt.Sprintf("%d / %d (%s stored, %s expected; the import added %s, %s already there from the poll)", ownerCheck.dups, ownerCheck.lost,
			thousands(int(ownerCheck.stored)), thousands(int(ownerCheck.expected)), thousands(int(run.added)), thousands(int(run.already))),
		"0 / 0", ownerCheck.dups == 0 && ownerCheck.lost == 0)
	b.table.check(secImport, fmt.Sprintf("  the same export for %s, app killed (SIGKILL) mid-merge and started again: duplicates / lost", restartListener),
		fmt.Sprintf("%d / %d (%s stored: %s expected + %d of %s's own polled plays; killed at merge step %d of %d, %s after the upload began; done %s after the restart)",
			otherCheck.dups, otherCheck.lost, thousands(int(otherCheck.stored)), thousands(int(otherCheck.expected)),
			otherCheck.stored-(otherCheck.expected-otherCheck.lost), restartListener,
			killed.killedAt, killed.steps, killed.killAfter.Round(100*time.Millisecond), killed.afterRestart.Round(100*time.Millisecond)),
		"0 / 0", otherCheck.dups == 0 && otherCheck.lost == 0 && killed.killedAt > 0)
	b.table.info(secImport, "    how the restart resumed",
		fmt.Sprintf("River rescues a crashed process's job after 35 min (jobs.importTimeout + 5 min): the bench moved the job's attempt back %s instead of waiting, and the import started over; the new process's peak RSS %s",
			riverRescueFastFwrd, megabytes(killed.restartedRSS)))
	return nil
}

// export is a generated extended streaming history, zipped as Spotify
// mails it, and the same rows as CSV for the COPY baseline.
type export struct {
	path, csvPath string
	rows, plays   int // listens; of them, 30 s or more
	files         int
	bytes         int64 // the zip
	jsonBytes     int64
	first, last   time.Time
}

// writeExport takes the simulator's export of listener's last years (its
// own writer: every field Spotify writes) and keeps the newest keep
// listens (keep ≤ 0: all), cut into files as Spotify cuts them and named
// by their years.
// The simulator writes one row a line; the rows are copied as written.
func writeExport(ctx context.Context, sim *stack.Sim, listener string, years, keep int, dir string) (export, error) {
	q := url.Values{"listener": {listener}, "format": {"extended"}, "years": {strconv.Itoa(years)}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, sim.URL+"/_sim/export?"+q.Encode(), nil)
	if err != nil {
		return export{}, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return export{}, fmt.Errorf("bench: simulator export: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(res.Body)
		return export{}, fmt.Errorf("bench: simulator export: %d %s", res.StatusCode, body)
	}
	simZip := filepath.Join(dir, "sim-export.zip")
	if err := writeFile(simZip, res.Body); err != nil {
		return export{}, err
	}
	zr, err := zip.OpenReader(simZip)
	if err != nil {
		return export{}, err
	}
	defer zr.Close()

	isHistory := func(f *zip.File) bool { return strings.Contains(f.Name, "/Streaming_History_Audio_") }
	total := 0
	for _, f := range zr.File {
		if isHistory(f) {
			err := eachRow(f, func([]byte) error { total++; return nil })
			if err != nil {
				return export{}, err
			}
		}
	}
	if keep <= 0 {
		keep = total
	}
	if total < keep {
		return export{}, fmt.Errorf("bench: the simulator's export of %s over %d years has %d listens, fewer than %d", listener, years, total, keep)
	}

	e := export{path: filepath.Join(dir, "my_spotify_data.zip"), csvPath: filepath.Join(dir, "listens.csv")}
	out, err := os.Create(e.path)
	if err != nil {
		return e, err
	}
	defer out.Close()
	csvFile, err := os.Create(e.csvPath)
	if err != nil {
		return e, err
	}
	defer csvFile.Close()
	bw := bufio.NewWriterSize(csvFile, 1<<20)
	cw := csv.NewWriter(bw)
	zw := zip.NewWriter(out)
	var buf bytes.Buffer
	inFile := 0
	flush := func() error {
		if inFile == 0 {
			return nil
		}
		buf.WriteString("\n]\n")
		first, last, err := e.addCSV(buf.Bytes(), cw)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("Spotify Extended Streaming History/Streaming_History_Audio_%d-%d_%d.json", first.Year(), last.Year(), e.files)
		w, err := zw.Create(name)
		if err != nil {
			return err
		}
		if _, err := w.Write(buf.Bytes()); err != nil {
			return err
		}
		e.jsonBytes += int64(buf.Len())
		e.files++
		buf.Reset()
		inFile = 0
		return nil
	}
	skip := total - keep
	seen := 0
	for _, f := range zr.File {
		if !isHistory(f) {
			continue
		}
		err := eachRow(f, func(row []byte) error {
			seen++
			if seen <= skip {
				return nil
			}
			if inFile == 0 {
				buf.WriteString("[\n")
			} else {
				buf.WriteString(",\n")
			}
			buf.Write(row)
			if inFile++; inFile == exportRowsPerFile {
				return flush()
			}
			return nil
		})
		if err != nil {
			return e, err
		}
		if ctx.Err() != nil {
			return e, ctx.Err()
		}
	}
	if err := flush(); err != nil {
		return e, err
	}
	// The rest of the zip (the read-me) as the simulator wrote it.
	for _, f := range zr.File {
		if isHistory(f) {
			continue
		}
		if err := zw.Copy(f); err != nil {
			return e, err
		}
	}
	if err := zw.Close(); err != nil {
		return e, err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return e, err
	}
	if err := bw.Flush(); err != nil {
		return e, err
	}
	st, err := out.Stat()
	if err != nil {
		return e, err
	}
	e.bytes = st.Size()
	_ = os.Remove(simZip)
	return e, nil
}

// eachRow calls fn with each row of one of the simulator's history files
// (a JSON array, one object a line), without the separating comma.
func eachRow(f *zip.File, fn func(row []byte) error) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	sc := bufio.NewScanner(rc)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := bytes.TrimSuffix(sc.Bytes(), []byte(","))
		switch {
		case bytes.HasPrefix(line, []byte(`{"ts":`)):
			if err := fn(line); err != nil {
				return err
			}
		case len(line) == 0, string(line) == "[", string(line) == "]":
		default:
			return fmt.Errorf("bench: %s: a line that is not one row: %.80s", f.Name, line)
		}
	}
	return sc.Err()
}

// addCSV reads one history file back with Euterpe's own parser and writes
// its rows as CSV for the baseline's COPY; it returns the file's span.
func (e *export) addCSV(data []byte, cw *csv.Writer) (first, last time.Time, err error) {
	f, err := spotifyexport.Open("history.json", bytes.NewReader(data), time.Now())
	if err != nil {
		return first, last, err
	}
	if f.Kind() != spotifyexport.Extended {
		return first, last, fmt.Errorf("bench: the generated file reads as %s", f.Kind())
	}
	for {
		r, err := f.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return first, last, err
		}
		if first.IsZero() {
			first = r.EndedAt
		}
		last = r.EndedAt
		if e.first.IsZero() || r.EndedAt.Before(e.first) {
			e.first = r.EndedAt
		}
		if r.EndedAt.After(e.last) {
			e.last = r.EndedAt
		}
		e.rows++
		if r.MSPlayed >= 30_000 {
			e.plays++
		}
		err = cw.Write([]string{r.EndedAt.Format(time.RFC3339), strconv.Itoa(r.MSPlayed), r.TrackID, r.TrackName, r.ArtistName, r.AlbumName,
			r.ReasonStart, r.ReasonEnd, r.Platform, r.Country, strconv.FormatBool(r.Shuffle), strconv.FormatBool(r.Skipped), strconv.FormatBool(r.Offline)})
		if err != nil {
			return first, last, err
		}
	}
	return first, last, nil
}

func writeFile(path string, r io.Reader) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// copyBaseline COPYs the export's rows into a bare table (no index, no
// constraint) in a scratch schema of the app's database, and returns the
// time it took and the rows copied. The table stays: the plays are checked
// against it.
func copyBaseline(ctx context.Context, dbURL, csvPath string) (time.Duration, int64, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return 0, 0, err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS bench_scratch;
		DROP TABLE IF EXISTS bench_scratch.listens;
		CREATE TABLE bench_scratch.listens (ts timestamptz NOT NULL, ms_played integer NOT NULL, track_id text NOT NULL,
			track_name text, artist_name text, album_name text, reason_start text, reason_end text, platform text,
			conn_country text, shuffle boolean, skipped boolean, offline boolean)`)
	if err != nil {
		return 0, 0, fmt.Errorf("bench: scratch table: %w", err)
	}
	f, err := os.Open(csvPath)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	t0 := time.Now()
	tag, err := conn.PgConn().CopyFrom(ctx, f, "COPY bench_scratch.listens FROM STDIN WITH (FORMAT csv)")
	took := time.Since(t0)
	if err != nil {
		return 0, 0, fmt.Errorf("bench: COPY baseline: %w", err)
	}
	return took, tag.RowsAffected(), nil
}

// playsCheck compares a listener's stored plays with the export's.
type playsCheck struct {
	stored   int64 // plays of the listener in euterpe.plays
	expected int64 // the export's plays (30 s or more)
	lost     int64 // of those, with no stored play of the track within 30 s
	dups     int64 // stored plays within 30 s of an earlier one of the same track
}

func checkPlays(ctx context.Context, dbURL, userID string) (playsCheck, error) {
	var c playsCheck
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return c, err
	}
	defer conn.Close(context.Background())
	// A probe of the plays' primary key per exported play; without fresh
	// statistics the planner hashes the plays by track and compares every
	// pair, which takes minutes.
	_, err = conn.Exec(ctx, `ANALYZE bench_scratch.listens; ANALYZE euterpe.plays; ANALYZE euterpe.tracks;
		SET enable_hashjoin = off; SET enable_mergejoin = off`)
	if err != nil {
		return c, fmt.Errorf("bench: check plays: %w", err)
	}
	err = conn.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM euterpe.plays WHERE user_id = $1),
		(SELECT count(*) FROM bench_scratch.listens WHERE ms_played >= 30000),
		(SELECT count(*) FROM bench_scratch.listens s
		 WHERE s.ms_played >= 30000 AND NOT EXISTS (
			SELECT 1 FROM euterpe.tracks t JOIN euterpe.plays p ON p.track_id = t.id
			WHERE t.spotify_id = s.track_id AND p.user_id = $1
			  AND p.played_at > s.ts - interval '30 seconds' AND p.played_at < s.ts + interval '30 seconds')),
		(SELECT count(*) FROM (
			SELECT played_at - lag(played_at) OVER (PARTITION BY track_id ORDER BY played_at) AS gap
			FROM euterpe.plays WHERE user_id = $1) AS g
		 WHERE g.gap < interval '30 seconds')`, userID).Scan(&c.stored, &c.expected, &c.lost, &c.dups)
	if err != nil {
		return c, fmt.Errorf("bench: check plays: %w", err)
	}
	return c, nil
}

// importRun is one import as the bench saw it.
type importRun struct {
	id, url, userID string
	pieces          int
	upload          time.Duration // the pieces and the done
	firstProgress   time.Duration // from done's answer to a progress with rows read
	reading         time.Duration // from done's answer to the merge's start
	took            time.Duration // from done's answer to done
	added, already  int64
}

// importOnce uploads the zip in pieces as br and waits for the import to
// end, following it on its page as the browser does (more often). during,
// when not nil, is called with the import's row after each look and may
// restart the app. conn is on the app's database.
func importOnce(ctx context.Context, conn *pgx.Conn, br *stack.Browser, zipPath string, during func(p importState) error) (importRun, error) {
	var run importRun
	t0 := time.Now()
	id, pieces, err := uploadInPieces(ctx, br, zipPath)
	if err != nil {
		return run, err
	}
	done := time.Now()
	run.id, run.url, run.pieces, run.upload = id, "/history/imports/"+id, pieces, done.Sub(t0)
	rowsRe := regexp.MustCompile(`(\d+) rows read`)
	deadline := time.Now().Add(importWait)
	for {
		if time.Now().After(deadline) {
			return run, fmt.Errorf("bench: the import %s did not end within %s", id, importWait)
		}
		if ctx.Err() != nil {
			return run, ctx.Err()
		}
		r := br.Get(ctx, run.url+"?progress=1", true)
		switch {
		case r.Err != nil || r.Status != http.StatusOK:
			// The app may be restarting: ask again.
		case bytes.Contains(r.Body, []byte("<strong>Done.</strong>")):
			run.took = time.Since(done)
			if run.reading == 0 {
				run.reading = run.took
			}
			err := conn.QueryRow(ctx, `SELECT user_id::text, plays_added, already_present FROM euterpe.imports WHERE id = $1`, run.id).
				Scan(&run.userID, &run.added, &run.already)
			return run, err
		case bytes.Contains(r.Body, []byte("The import failed")), bytes.Contains(r.Body, []byte("Cancelled.")):
			return run, fmt.Errorf("bench: the import ended: %.400s", r.Body)
		default:
			if m := rowsRe.FindSubmatch(r.Body); m != nil && run.firstProgress == 0 && string(m[1]) != "0" {
				run.firstProgress = time.Since(done)
			}
			if run.reading == 0 && bytes.Contains(r.Body, []byte("Adding the plays")) {
				run.reading = time.Since(done)
			}
		}
		if during != nil {
			var st importState
			err := conn.QueryRow(ctx, `SELECT state, merge_steps, merge_done FROM euterpe.imports WHERE id = $1`, id).
				Scan(&st.State, &st.MergeSteps, &st.MergeDone)
			if err == nil {
				if err := during(st); err != nil {
					return run, err
				}
			}
		}
		time.Sleep(importPollEvery)
	}
}

// importState is an import's row as the database has it.
type importState struct {
	State                 imports.State
	MergeSteps, MergeDone int32
}

// uploadInPieces sends the file as the import page's script does: begin,
// the pieces in order, done. It returns the import's id and the pieces sent.
func uploadInPieces(ctx context.Context, br *stack.Browser, path string) (string, int, error) {
	var up struct {
		ID         string `json:"id"`
		PieceBytes int    `json:"piece_bytes"`
		URL        string `json:"url"`
	}
	if err := sendJSON(ctx, br, http.MethodPost, "/history/import/uploads", nil, http.StatusCreated, &up); err != nil {
		return "", 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	buf := make([]byte, up.PieceBytes)
	name := url.QueryEscape(filepath.Base(path))
	pieces := 0
	for ; ; pieces++ {
		n, err := io.ReadFull(f, buf)
		if n > 0 {
			p := fmt.Sprintf("/history/import/uploads/%s/files/0/pieces/%d?name=%s", up.ID, pieces, name)
			if err := sendJSON(ctx, br, http.MethodPut, p, buf[:n], http.StatusNoContent, nil); err != nil {
				return "", 0, err
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			if n > 0 {
				pieces++
			}
			break
		}
		if err != nil {
			return "", 0, err
		}
	}
	if err := sendJSON(ctx, br, http.MethodPost, "/history/import/uploads/"+up.ID+"/done", nil, http.StatusOK, &up); err != nil {
		return "", 0, err
	}
	return up.ID, pieces, nil
}

// sendJSON sends body (raw bytes) and decodes a JSON answer into out.
func sendJSON(ctx context.Context, br *stack.Browser, method, path string, body []byte, want int, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, br.AppURL+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/octet-stream")
	}
	res, err := br.Client.Do(req)
	if err != nil {
		return fmt.Errorf("bench: %s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		return fmt.Errorf("bench: %s %s: %d %.300s", method, path, res.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// crashRun is the import that was killed.
type crashRun struct {
	userID            string
	killedAt, steps   int32
	killAfter         time.Duration // from the upload's answer
	afterRestart      time.Duration // from the new process's start to done
	restartedAppReady time.Duration
	restartedRSS      int64 // the new process's peak RSS through the import
}

// importWithCrash imports the export for br's listener, kills the app
// (SIGKILL: no chance to stop the job) a third of the way through the
// merge, starts it again on the same port and waits for the import to end.
func (b *bench) importWithCrash(ctx context.Context, conn *pgx.Conn, br *stack.Browser, zipPath string, app *stack.App, o stack.AppOptions) (crashRun, error) {
	var c crashRun
	var restarted time.Time
	var restartedApp *stack.App
	started := time.Now()
	during := func(st importState) error {
		if restarted.IsZero() && st.State == imports.Running && st.MergeSteps > 0 && st.MergeDone >= max(1, st.MergeSteps/3) {
			c.killedAt, c.steps, c.killAfter = st.MergeDone, st.MergeSteps, time.Since(started)
			if err := app.Signal(syscall.SIGKILL); err != nil {
				return err
			}
			if _, err := app.Wait(10 * time.Second); err != nil {
				return err
			}
			b.progress("import: killed the app at merge step %d of %d", st.MergeDone, st.MergeSteps)
			a, err := stack.StartApp(b.bin, o)
			if err != nil {
				return err
			}
			b.atCleanup(func() { _ = a.Stop(stopGrace) })
			restarted, restartedApp = time.Now(), a
			c.restartedAppReady = a.Ready
			// River rescues a job a dead process left running only after
			// RescueStuckJobsAfter; the bench does not wait for it.
			tag, err := conn.Exec(ctx, `UPDATE euterpe.river_job SET attempted_at = attempted_at - $1::interval
				WHERE kind = 'import_export' AND state = 'running'`, riverRescueFastFwrd)
			if err != nil {
				return fmt.Errorf("bench: move the crashed job back: %w", err)
			}
			b.progress("import: app started again in %s; %d running import job moved back %s for River's rescuer", a.Ready, tag.RowsAffected(), riverRescueFastFwrd)
		}
		return nil
	}
	run, err := importOnce(ctx, conn, br, zipPath, during)
	if err != nil {
		return c, err
	}
	if restarted.IsZero() {
		return c, errors.New("bench: the import ended before the merge could be interrupted")
	}
	c.userID, c.afterRestart = run.userID, time.Since(restarted)
	if c.restartedRSS, err = restartedApp.PeakRSS(); err != nil {
		return c, err
	}
	return c, nil
}
