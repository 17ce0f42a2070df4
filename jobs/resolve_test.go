package jobs

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/euterpe-dev/euterpe/imports"
)

// importAccountData imports a year of the listener's account data, as the
// simulator writes Spotify's export: tracks named by title and artist only.
func (e *pollEnv) importAccountData(t *testing.T, userID uuid.UUID, listener string) imports.Import {
	t.Helper()
	ctx := context.Background()
	res, err := http.Get(e.SimURL + "/_sim/export?format=account&years=1&listener=" + listener)
	if err != nil {
		t.Fatal(err)
	}
	zip, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("export: %d %v", res.StatusCode, err)
	}
	im := imports.NewImporter(imports.ImporterOptions{Log: e.Log, Pool: e.Pool, Now: e.clock.Now,
		Enqueue: func(context.Context, pgx.Tx, uuid.UUID) error { return nil }})
	sent := false
	id, err := im.Create(ctx, userID, func() (imports.UploadFile, error) {
		if sent {
			return imports.UploadFile{}, io.EOF
		}
		sent = true
		return imports.UploadFile{Name: "my_spotify_data.zip", Body: bytes.NewReader(zip)}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := im.Run(ctx, id); err != nil {
		t.Fatal(err)
	}
	got, err := im.Get(ctx, userID, id)
	if err != nil || got.State != imports.Done {
		t.Fatalf("import: %+v %v", got, err)
	}
	return got
}

func (e *pollEnv) searches() int64 { return e.Sim.Stats().Requests["GET /v1/search"] }

// resolve runs the resolver for userID as River would, snoozes included,
// until it has nothing left; it returns how many runs it took.
func (e *pollEnv) resolve(t *testing.T, w *resolveWorker, userID uuid.UUID, maxRuns int) int {
	t.Helper()
	for run := 1; run <= maxRuns; run++ {
		err := w.Work(context.Background(), &river.Job[resolveArgs]{JobRow: &rivertype.JobRow{}, Args: resolveArgs{UserID: userID}})
		var snooze *rivertype.JobSnoozeError
		switch {
		case err == nil:
			return run
		case errors.As(err, &snooze):
			continue
		default:
			t.Fatalf("resolve: %v", err)
		}
	}
	t.Fatalf("still snoozing after %d runs", maxRuns)
	return 0
}

// TestResolverFindsAccountDataTracks imports a year of account data (names
// only) and lets the resolver search the simulator for every track: each
// is found, each search is one call paid from the budget, and a second run
// calls nobody.
func TestResolverFindsAccountDataTracks(t *testing.T) {
	e := newPollEnv(t, 10_000)
	in := e.Login(t, e.auth, "amara")
	imp := e.importAccountData(t, in.UserID, "amara")
	nameOnly := countRows(t, e, "SELECT count(*) FROM euterpe.tracks WHERE spotify_id IS NULL")
	if imp.Unmatched == 0 || imp.Unmatched != imp.PlaysAdded || nameOnly == 0 {
		t.Fatalf("import: %d plays, %d unmatched, %d name-only tracks", imp.PlaysAdded, imp.Unmatched, nameOnly)
	}
	plays := countRows(t, e, "SELECT count(*) FROM euterpe.plays")

	w := &resolveWorker{deps: e.worker.deps}
	runs := e.resolve(t, w, in.UserID, 10)
	t.Logf("%d plays on %d name-only tracks resolved in %d runs", imp.Unmatched, nameOnly, runs)
	if got := e.searches(); got != nameOnly {
		t.Errorf("%d searches for %d name-only tracks", got, nameOnly)
	}
	// The simulator's export names its own catalogue: everything is found.
	if n := countRows(t, e, `SELECT count(*) FROM euterpe.plays p JOIN euterpe.tracks t ON t.id = p.track_id
		WHERE t.spotify_id IS NULL`); n != 0 {
		t.Errorf("%d plays still on name-only tracks", n)
	}
	if n := countRows(t, e, "SELECT count(*) FROM euterpe.plays"); n != plays {
		t.Errorf("%d plays after resolving, %d before", n, plays)
	}
	if n := countRows(t, e, `SELECT COALESCE(sum(plays), 0) FROM euterpe.play_totals
		WHERE kind = 't' AND period = 'a'`); n != plays {
		t.Errorf("the all-time totals count %d plays, the history %d", n, plays)
	}
	before := e.searches()
	e.resolve(t, w, in.UserID, 1)
	if e.searches() != before {
		t.Error("a second run searched again")
	}
}

// TestResolverWaitsForTheBudget gives the background a budget of a few
// calls: the resolver spends them, snoozes, and calls no more.
func TestResolverWaitsForTheBudget(t *testing.T) {
	e := newPollEnv(t, 10) // background may spend down to 5: 5 calls now
	in := e.Login(t, e.auth, "amara")
	e.importAccountData(t, in.UserID, "amara")
	w := &resolveWorker{deps: e.worker.deps}
	err := w.Work(context.Background(), &river.Job[resolveArgs]{JobRow: &rivertype.JobRow{}, Args: resolveArgs{UserID: in.UserID}})
	var snooze *rivertype.JobSnoozeError
	if !errors.As(err, &snooze) || snooze.Duration <= 0 {
		t.Fatalf("a run out of budget returned %v, want a snooze", err)
	}
	if got := e.searches(); got == 0 || got > 5 {
		t.Errorf("%d searches on a budget of 5", got)
	}
	if n := countRows(t, e, "SELECT count(*) FROM euterpe.tracks WHERE searched_at IS NOT NULL"); int64(n) != e.searches() {
		t.Errorf("%d tracks marked searched after %d searches", n, e.searches())
	}
}

func countRows(t *testing.T, e *pollEnv, query string) int64 {
	t.Helper()
	var n int64
	if err := e.Pool.QueryRow(context.Background(), query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
