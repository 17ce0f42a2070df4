package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/trends"
	"github.com/euterpe-dev/euterpe/upstream"
)

// process is one more "process" on the test's database: a pool, a budget
// and a token service of its own, as a second dyno has.
type process struct {
	deps   Deps
	trends *trends.Service
}

func (e *pollEnv) process(t *testing.T, name string, concurrency, budgetPerWindow int) process {
	t.Helper()
	pool, err := database.Open(context.Background(), e.DBURL, database.PoolOptions{MaxConns: 6})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	budget := upstream.NewBudget(e.Log, pool, budgetPerWindow, e.clock.Now)
	httpClient := &http.Client{Timeout: 10 * time.Second, Transport: budget.Meter(http.DefaultTransport, e.Config.Spotify.APIURL)}
	a := auth.New(auth.Options{Log: e.Log, Pool: pool, Config: e.Config, HTTP: httpClient, Now: e.clock.Now})
	ts := trends.NewService(pool, history.NewService(history.Options{Log: e.Log, Pool: pool, Now: e.clock.Now}), e.clock.Now)
	d := Deps{Log: e.Log, Pool: pool, Auth: a, Store: history.NewStore(pool), Trends: ts, Budget: budget, Clock: e.clock,
		Concurrency: concurrency, ID: name}
	return process{deps: d, trends: ts}
}

// simTopIDs are the listener's lists on the simulator's today, as
// GET /_sim/top gives them: Spotify ids by list ("tracks/short_term").
func (e *pollEnv) simTopIDs(t *testing.T, listener string) map[string][]string {
	t.Helper()
	q := url.Values{"listener": {listener}, "date": {e.clock.Now().UTC().Format(time.DateOnly)}}
	res, err := http.Get(e.SimURL + "/_sim/top?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		Tracks, Artists map[string][]struct {
			ID string `json:"id"`
		}
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for kind, lists := range map[string]map[string][]struct {
		ID string `json:"id"`
	}{"tracks": body.Tracks, "artists": body.Artists} {
		for r, items := range lists {
			for _, it := range items {
				out[kind+"/"+r] = append(out[kind+"/"+r], it.ID)
			}
		}
	}
	return out
}

// storedSnapshot is the user's snapshot of day as Spotify ids by list.
func (e *pollEnv) storedSnapshot(t *testing.T, userID uuid.UUID, day time.Time) (map[string][]string, bool) {
	t.Helper()
	svc := trends.NewService(e.Pool, history.NewService(history.Options{Log: e.Log, Pool: e.Pool, Now: e.clock.Now}), e.clock.Now)
	snap, ok, err := svc.SnapshotFor(context.Background(), userID, day)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		return nil, false
	}
	out := map[string][]string{}
	for _, l := range trends.Lists() {
		table := "euterpe.tracks"
		if l.Kind == trends.TopArtists {
			table = "euterpe.artists"
		}
		var ids []string
		for _, id := range snap.Items(l) {
			var sid string
			if err := e.Pool.QueryRow(context.Background(), "SELECT spotify_id FROM "+table+" WHERE id = $1", id).Scan(&sid); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, sid)
		}
		out[l.String()] = ids
	}
	return out, snap.Complete()
}

func (e *pollEnv) topCalls() int64 {
	st := e.Sim.Stats().Requests
	return st["GET /v1/me/top/tracks"] + st["GET /v1/me/top/artists"]
}

func snapshotJob(userID uuid.UUID, day time.Time) *river.Job[snapshotArgs] {
	return &river.Job[snapshotArgs]{JobRow: &rivertype.JobRow{}, Args: snapshotArgs{UserID: userID, Day: day.Format(time.DateOnly)}}
}

// A snapshot holds Spotify's six lists of the day, in Spotify's order,
// for six calls; running the job again calls nobody and changes nothing.
func TestSnapshotStoresTheSixLists(t *testing.T) {
	e := newPollEnv(t, 100)
	in := e.Login(t, e.auth, "walt")
	p := e.process(t, "a", 0, 100)
	w := &snapshotWorker{deps: p.deps, trends: p.trends}
	today := e.clock.Now().UTC().Truncate(24 * time.Hour) // the user sent no zone: UTC
	if err := w.Work(context.Background(), snapshotJob(in.UserID, today)); err != nil {
		t.Fatal(err)
	}
	if n := e.topCalls(); n != 6 {
		t.Errorf("a snapshot made %d calls to the top endpoints, want 6", n)
	}
	got, complete := e.storedSnapshot(t, in.UserID, today)
	want := e.simTopIDs(t, "walt")
	if !complete {
		t.Fatal("the snapshot is incomplete")
	}
	for list, ids := range want {
		if !slices.Equal(got[list], ids) {
			t.Errorf("%s: stored %d ids, not Spotify's %d in its order", list, len(got[list]), len(ids))
		}
	}
	// The artists' pictures are kept in the catalogue.
	if n := e.count(t, `SELECT count(*) FROM euterpe.artists WHERE image_url IS NOT NULL`); n == 0 {
		t.Error("no top artist's picture was stored")
	}
	if err := w.Work(context.Background(), snapshotJob(in.UserID, today)); err != nil {
		t.Fatal(err)
	}
	if n := e.topCalls(); n != 6 {
		t.Errorf("running the job again made %d more calls", n-6)
	}
	// A job for a day that is over does nothing.
	if err := w.Work(context.Background(), snapshotJob(in.UserID, today.AddDate(0, 0, -1))); err != nil {
		t.Fatal(err)
	}
	if n := e.count(t, `SELECT count(*) FROM euterpe.top_snapshots`); n != 1 {
		t.Errorf("%d snapshots, want today's only", n)
	}
}

func (e *pollEnv) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := e.Pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// When the budget runs dry after two lists the job stores those two and
// snoozes; its next run fetches only the four that are missing.
func TestSnapshotResumesWhereTheBudgetStopped(t *testing.T) {
	e := newPollEnv(t, 6) // background work takes a call only above half: 2 now
	in := e.Login(t, e.auth, "kiko")
	p := e.process(t, "a", 0, 6)
	w := &snapshotWorker{deps: p.deps, trends: p.trends}
	today := e.clock.Now().UTC().Truncate(24 * time.Hour)
	err := w.Work(context.Background(), snapshotJob(in.UserID, today))
	var snooze *river.JobSnoozeError
	if !errors.As(err, &snooze) {
		t.Fatalf("with the budget dry the job answered %v, want a snooze", err)
	}
	first := e.topCalls()
	if first == 0 || first >= 6 {
		t.Fatalf("%d calls before the budget ran dry", first)
	}
	if _, complete := e.storedSnapshot(t, in.UserID, today); complete {
		t.Fatal("a complete snapshot from a dry budget")
	}
	e.clock.Set(e.clock.Now().Add(time.Minute)) // the bucket refills
	if err := w.Work(context.Background(), snapshotJob(in.UserID, today)); err != nil {
		t.Fatal(err)
	}
	if n := e.topCalls(); n != 6 {
		t.Errorf("%d calls in all, want 6: the second run fetched lists the first had stored", n)
	}
	got, complete := e.storedSnapshot(t, in.UserID, today)
	want := e.simTopIDs(t, "kiko")
	if !complete {
		t.Fatal("the snapshot is still incomplete")
	}
	for list, ids := range want {
		if !slices.Equal(got[list], ids) {
			t.Errorf("%s differs from Spotify's", list)
		}
	}
}

// Two processes taking the same snapshot at the same moment store one
// snapshot, complete, with Spotify's lists.
func TestSnapshotRaceStoresOne(t *testing.T) {
	e := newPollEnv(t, 100)
	in := e.Login(t, e.auth, "amara")
	today := e.clock.Now().UTC().Truncate(24 * time.Hour)
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, 2)
	for i, name := range []string{"a", "b"} {
		p := e.process(t, name, 0, 100)
		w := &snapshotWorker{deps: p.deps, trends: p.trends}
		wg.Go(func() {
			<-start
			errs[i] = w.Work(context.Background(), snapshotJob(in.UserID, today))
		})
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := e.count(t, `SELECT count(*) FROM euterpe.top_snapshots WHERE user_id = $1`, in.UserID); n != 1 {
		t.Fatalf("%d snapshots of one day", n)
	}
	got, complete := e.storedSnapshot(t, in.UserID, today)
	if !complete {
		t.Fatal("incomplete")
	}
	for list, ids := range e.simTopIDs(t, "amara") {
		if !slices.Equal(got[list], ids) {
			t.Errorf("%s differs from Spotify's", list)
		}
	}
	if n := e.topCalls(); n < 6 || n > 12 {
		t.Errorf("%d calls: each run fetches at most what is missing", n)
	}
}

// Two processes, each a River client working jobs, on one database: the
// elected leader dispatches, each due user gets one job for the day and
// one snapshot, six calls each; the dispatch run again by the other process
// adds no job.
func TestSnapshotOncePerDayUnderTwoProcesses(t *testing.T) {
	e := newPollEnv(t, 100)
	users := map[string]uuid.UUID{}
	for _, l := range []string{"ines", "dex"} {
		users[l] = e.Login(t, e.auth, l).UserID
	}
	// A third user whose grant ended is not due.
	gone := e.Login(t, e.auth, "walt").UserID
	if _, err := e.Pool.Exec(context.Background(), `UPDATE euterpe.poll_state SET stopped_at = now() WHERE user_id = $1`, gone); err != nil {
		t.Fatal(err)
	}
	var runners []*Runner
	for _, name := range []string{"web-1", "worker-1"} {
		p := e.process(t, name, 2, 100)
		r, err := New(p.deps)
		if err != nil {
			t.Fatal(err)
		}
		runners = append(runners, r)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, r := range runners {
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	today := e.clock.Now().UTC().Truncate(24 * time.Hour)
	deadline := time.Now().Add(90 * time.Second)
	for {
		done := 0
		for _, id := range users {
			if _, complete := e.storedSnapshot(t, id, today); complete {
				done++
			}
		}
		if done == len(users) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 90 s, %d of %d snapshots are complete", done, len(users))
		}
		time.Sleep(200 * time.Millisecond) // the next look, not a timing assertion
	}
	// Both processes dispatch once more, side by side: River adds no job.
	var wg sync.WaitGroup
	for _, r := range runners {
		wg.Go(func() {
			_, _ = r.client.Insert(ctx, snapshotDispatchArgs{}, nil)
		})
	}
	wg.Wait()
	time.Sleep(3 * time.Second) // let the dispatches run: what they would add is what is checked
	stopCtx, stopCancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer stopCancel()
	for _, r := range runners {
		if err := r.Stop(stopCtx); err != nil {
			t.Error(err)
		}
	}
	for l, id := range users {
		if n := e.count(t, `SELECT count(*) FROM euterpe.river_job WHERE kind = 'snapshot_top_lists' AND args->>'user_id' = $1`, id.String()); n != 1 {
			t.Errorf("%s: %d snapshot jobs, want 1", l, n)
		}
		if n := e.count(t, `SELECT count(*) FROM euterpe.top_snapshots WHERE user_id = $1`, id); n != 1 {
			t.Errorf("%s: %d snapshots, want 1", l, n)
		}
		got, _ := e.storedSnapshot(t, id, today)
		for list, ids := range e.simTopIDs(t, l) {
			if !slices.Equal(got[list], ids) {
				t.Errorf("%s %s differs from Spotify's", l, list)
			}
		}
	}
	if n := e.count(t, `SELECT count(*) FROM euterpe.top_snapshots WHERE user_id = $1`, gone); n != 0 {
		t.Error("a user whose grant ended got a snapshot")
	}
	if n := e.topCalls(); n != 12 {
		t.Errorf("%d calls to the top endpoints for two users, want 12", n)
	}
}
