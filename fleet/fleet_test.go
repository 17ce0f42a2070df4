// Package fleet runs Euterpe as an operator would run several dynos: the
// euterpe binary as separate OS processes (web processes with workers, a
// worker alone) on one database, against the simulated Spotify, all on one
// faster shared clock, so that a day of listening and polling passes in
// about a minute. It checks what only separate processes can show: no
// listener is polled by two processes at once, no play is stored twice or
// lost, and a worker killed in the middle of a poll loses nothing.
package fleet

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/bench/stack"
	"github.com/euterpe-dev/euterpe/clock"
	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/internal/testclock"
	"github.com/euterpe-dev/euterpe/internal/testdb"
)

// Shared by the tests: the binary, built once.
var (
	bin     string
	encKey  string
	workDir string
)

func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.list"); f != nil && f.Value.String() != "" {
		os.Exit(m.Run()) // listing tests (make fuzz does) needs no build
	}
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var err error
	if workDir, err = os.MkdirTemp("", "euterpe-fleet-"); err != nil {
		fmt.Fprintln(os.Stderr, "fleet:", err)
		return 1
	}
	defer os.RemoveAll(workDir)
	if bin, err = stack.Build(ctx, workDir, raceEnabled); err != nil {
		fmt.Fprintln(os.Stderr, "fleet:", err)
		return 1
	}
	if encKey, err = stack.Keygen(ctx, bin); err != nil {
		fmt.Fprintln(os.Stderr, "fleet:", err)
		return 1
	}
	return m.Run()
}

// fleet is one test's processes: the simulator, web processes, workers.
type fleet struct {
	t       *testing.T
	clock   clock.Scaled
	sim     *stack.Sim
	apps    []*stack.App
	workers []*stack.Worker
	pool    *database.Pool
	opts    stack.AppOptions
	logDir  string
}

// newFleet starts the simulator and migrates a database, on a clock speed
// times faster than the wall clock.
func newFleet(t *testing.T, speed float64) *fleet {
	t.Helper()
	ctx := context.Background()
	dbURL := testdb.Create(t)
	if err := stack.Migrate(ctx, bin, dbURL); err != nil {
		t.Fatal(err)
	}
	logDir := filepath.Join(workDir, strings.ReplaceAll(t.Name(), "/", "_"))
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		t.Fatal(err)
	}
	appPort, err := stack.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	// The shared clock reads the suite's "now" a moment from now, when
	// every process is up.
	clk := clock.Scaled{Speed: speed, Start: testclock.Now().Truncate(time.Second), Anchor: now.Add(2 * time.Second)}
	sim, err := stack.StartSim(bin, stack.SimOptions{RedirectURI: stack.Callback(appPort), LogDir: logDir,
		Args: []string{"--clock", clk.String()}})
	if err != nil {
		t.Fatal(err)
	}
	f := &fleet{t: t, clock: clk, sim: sim, logDir: logDir}
	t.Cleanup(f.stopAll)
	f.opts = stack.AppOptions{Port: appPort, DatabaseURL: dbURL, SimURL: sim.URL, EncryptionKey: encKey, LogDir: logDir,
		Env: map[string]string{"EUTERPE_CLOCK": clk.String(), "DB_MAX_CONNS": "6", "WORKER_CONCURRENCY": "2"}}
	f.pool, err = database.Open(ctx, dbURL, database.PoolOptions{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fleet) stopAll() {
	for _, w := range f.workers {
		_ = w.Stop(10 * time.Second)
	}
	for _, a := range f.apps {
		_ = a.Stop(10 * time.Second)
	}
	_ = f.sim.Stop(5 * time.Second)
	f.pool.Close()
	if f.t.Failed() {
		for _, a := range f.apps {
			f.t.Logf("serve :%d log tail:\n%s", a.Port, a.LogTail(30))
		}
		for i, w := range f.workers {
			f.t.Logf("worker %d log tail:\n%s", i, w.LogTail(30))
		}
	}
}

// serve starts a web process with workers; the first one gets the port the
// simulator knows as the app's callback.
func (f *fleet) serve() *stack.App {
	f.t.Helper()
	o := f.opts
	if len(f.apps) > 0 {
		o.Port = 0
	}
	a, err := stack.StartApp(bin, o)
	if err != nil {
		f.t.Fatal(err)
	}
	f.apps = append(f.apps, a)
	return a
}

func (f *fleet) worker() *stack.Worker {
	f.t.Helper()
	w, err := stack.StartWorker(bin, f.opts, fmt.Sprintf("worker-%d", len(f.workers)))
	if err != nil {
		f.t.Fatal(err)
	}
	f.workers = append(f.workers, w)
	return w
}

// simNow is the simulator's time.
func (f *fleet) simNow() time.Time {
	f.t.Helper()
	var c struct {
		Now time.Time `json:"now"`
	}
	f.getJSON(f.sim.URL+"/_sim/clock", &c)
	return c.Now
}

func (f *fleet) getJSON(u string, into any) {
	f.t.Helper()
	res, err := http.Get(u)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		f.t.Fatalf("GET %s: %d", u, res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(into); err != nil {
		f.t.Fatal(err)
	}
}

// waitUntil waits (in wall-clock time) for the shared clock to reach t.
func (f *fleet) waitUntil(t time.Time) {
	for {
		left := t.Sub(f.simNow())
		if left <= 0 {
			return
		}
		time.Sleep(min(f.clock.Real(left)+50*time.Millisecond, 2*time.Second))
	}
}

// truePlays are a listener's plays in (from, to] per the simulator, as
// "trackID@unixms", sorted.
func (f *fleet) truePlays(listener string, from, to time.Time) []string {
	f.t.Helper()
	q := url.Values{"listener": {listener}, "after": {strconv.FormatInt(from.UnixMilli(), 10)}, "before": {strconv.FormatInt(to.UnixMilli(), 10)}}
	var body struct {
		Items []struct {
			Track struct {
				ID string `json:"id"`
			} `json:"track"`
			PlayedAt time.Time `json:"played_at"`
		} `json:"items"`
	}
	f.getJSON(f.sim.URL+"/_sim/history?"+q.Encode(), &body)
	var out []string
	for _, it := range body.Items {
		out = append(out, fmt.Sprintf("%s@%d", it.Track.ID, it.PlayedAt.UnixMilli()))
	}
	slices.Sort(out)
	return out
}

// storedPlays are the plays stored for a listener in (from, to], in the
// same form.
func (f *fleet) storedPlays(listener string, from, to time.Time) []string {
	f.t.Helper()
	rows, err := f.pool.Query(context.Background(), `SELECT t.spotify_id || '@' || (extract(epoch FROM p.played_at) * 1000)::bigint
		FROM euterpe.plays p JOIN euterpe.tracks t ON t.id = p.track_id JOIN euterpe.users u ON u.id = p.user_id
		WHERE u.spotify_user_id = $1 AND p.played_at > $2 AND p.played_at <= $3`, listener, from, to)
	if err != nil {
		f.t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		f.t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// loggedRequest is an entry of GET /_sim/log.
type loggedRequest struct {
	Listener string    `json:"listener"`
	Status   int       `json:"status"`
	Started  time.Time `json:"started"`
	Ended    time.Time `json:"ended"`
}

func (f *fleet) recentlyPlayedLog() []loggedRequest {
	f.t.Helper()
	var body struct {
		Requests []loggedRequest `json:"requests"`
	}
	f.getJSON(f.sim.URL+"/_sim/log?path_prefix=/v1/me/player/recently-played", &body)
	return body.Requests
}

// overlapping finds two requests for one listener that were in flight at
// the same time.
func overlapping(reqs []loggedRequest) []string {
	by := map[string][]loggedRequest{}
	for _, r := range reqs {
		by[r.Listener] = append(by[r.Listener], r)
	}
	var out []string
	for l, rs := range by {
		sort.Slice(rs, func(i, j int) bool { return rs[i].Started.Before(rs[j].Started) })
		for i := 1; i < len(rs); i++ {
			if rs[i].Started.Before(rs[i-1].Ended) {
				out = append(out, fmt.Sprintf("%s: %s–%s and %s–%s", l, rs[i-1].Started.Format(time.StampMicro), rs[i-1].Ended.Format(time.StampMicro),
					rs[i].Started.Format(time.StampMicro), rs[i].Ended.Format(time.StampMicro)))
			}
		}
	}
	return out
}

// TestSimulatedDayAcrossProcesses: two web processes and a worker poll the
// five demo listeners through a simulated day. No listener is polled by two
// processes at once, every play of the day is stored exactly once, and each
// listener costs at most 30 recently-played calls.
func TestSimulatedDayAcrossProcesses(t *testing.T) {
	f := newFleet(t, 1440)
	web := f.serve()
	f.serve()
	f.worker()
	ctx := context.Background()
	listeners := stack.Listeners
	for _, l := range listeners {
		if _, err := stack.Login(ctx, web.URL, l); err != nil {
			t.Fatal(err)
		}
	}
	start := f.simNow()
	f.waitUntil(start.Add(24 * time.Hour))
	end := f.simNow()

	rows, err := f.pool.Query(ctx, `SELECT u.spotify_user_id, ps.polls, ps.last_polled_at, ps.gap_at IS NOT NULL
		FROM euterpe.poll_state ps JOIN euterpe.users u ON u.id = ps.user_id`)
	if err != nil {
		t.Fatal(err)
	}
	type state struct {
		polls int64
		last  time.Time
		gap   bool
	}
	states := map[string]state{}
	for rows.Next() {
		var id string
		var s state
		if err := rows.Scan(&id, &s.polls, &s.last, &s.gap); err != nil {
			t.Fatal(err)
		}
		states[id] = s
	}
	rows.Close()
	calls := map[string]int{}
	log := f.recentlyPlayedLog()
	for _, r := range log {
		calls[r.Listener]++
	}
	for _, l := range listeners {
		s := states[l]
		want := f.truePlays(l, start, s.last)
		got := f.storedPlays(l, start, s.last)
		lost := 0
		for _, p := range want {
			if _, found := slices.BinarySearch(got, p); !found {
				lost++
			}
		}
		days := end.Sub(start).Hours() / 24
		t.Logf("%s: %d plays, %d lost, %d polls, %.1f recently-played calls a day", l, len(want), lost, s.polls, float64(calls[l])/days)
		if lost > 0 || s.gap {
			t.Errorf("%s: %d of %d plays lost (gap recorded: %v)", l, lost, len(want), s.gap)
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d stored for %d played", l, len(got), len(want))
		}
		if float64(calls[l])/days > 30 {
			t.Errorf("%s: %.1f recently-played calls a day, want at most 30", l, float64(calls[l])/days)
		}
	}
	if o := overlapping(log); len(o) > 0 {
		t.Errorf("polls of one listener overlapped:\n%s", strings.Join(o, "\n"))
	}
	// The polls were shared by the processes: River recorded which ran each.
	rows, err = f.pool.Query(ctx, `SELECT attempted_by[array_length(attempted_by, 1)], count(*) FROM euterpe.river_job
		WHERE kind = 'poll_recently_played' AND attempted_by IS NOT NULL GROUP BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	byProcess := map[string]int{}
	for rows.Next() {
		var who string
		var n int
		if err := rows.Scan(&who, &n); err != nil {
			t.Fatal(err)
		}
		byProcess[who] = n
	}
	rows.Close()
	t.Logf("polls by process: %v", byProcess)
	if len(byProcess) < 2 {
		t.Errorf("only %d process worked polls: %v", len(byProcess), byProcess)
	}
	var dupes int
	if err := f.pool.QueryRow(ctx, `SELECT count(*) FROM euterpe.plays a JOIN euterpe.plays b
		ON a.user_id = b.user_id AND a.track_id = b.track_id AND a.played_at < b.played_at
		AND b.played_at < a.played_at + interval '30 seconds'`).Scan(&dupes); err != nil || dupes != 0 {
		t.Errorf("%d plays stored twice (%v)", dupes, err)
	}
}

// TestWorkerKilledMidPollLosesNothing: a worker is killed (SIGKILL) while
// its poll waits for Spotify; another process polls the listener soon after,
// from the same cursor, and every play is stored once.
func TestWorkerKilledMidPollLosesNothing(t *testing.T) {
	f := newFleet(t, 60)
	f.opts.Env["WORKER_CONCURRENCY"] = "0" // the web process only enqueues
	web := f.serve()
	f.opts.Env["WORKER_CONCURRENCY"] = "2"
	w1, w2 := f.worker(), f.worker()
	ctx := context.Background()
	start := f.simNow()
	// Dex's first poll hangs at Spotify for a long while.
	body := `{"delay_ms":60000,"count":1,"listener":"dex","path_prefix":"/v1/me/player/recently-played"}`
	res, err := http.Post(f.sim.URL+"/_sim/faults", "application/json", strings.NewReader(body))
	if err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("add fault: %v %v", err, res)
	}
	res.Body.Close()
	if _, err := stack.Login(ctx, web.URL, "dex"); err != nil {
		t.Fatal(err)
	}
	// Find the worker running the poll: River records the client, whose id
	// ends in the process id.
	var who string
	deadline := time.Now().Add(30 * time.Second)
	for who == "" && time.Now().Before(deadline) {
		_ = f.pool.QueryRow(ctx, `SELECT attempted_by[array_length(attempted_by, 1)] FROM euterpe.river_job
			WHERE kind = 'poll_recently_played' AND state = 'running'`).Scan(&who)
		if who == "" {
			time.Sleep(50 * time.Millisecond)
		}
	}
	victim := map[string]*stack.Worker{"-" + strconv.Itoa(w1.PID()): w1, "-" + strconv.Itoa(w2.PID()): w2}
	var killed *stack.Worker
	for suffix, w := range victim {
		if strings.HasSuffix(who, suffix) {
			killed = w
		}
	}
	if killed == nil {
		t.Fatalf("no worker is running the poll (running job attempted by %q)", who)
	}
	t.Logf("killing %s (pid %d) in the middle of the poll", who, killed.PID())
	killedAt := time.Now()
	if err := killed.Signal(os.Kill); err != nil {
		t.Fatal(err)
	}
	if _, err := killed.Wait(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	// The other worker takes the listener over and catches up.
	var polls int64
	var last time.Time
	deadline = time.Now().Add(60 * time.Second)
	for polls < 1 && time.Now().Before(deadline) {
		_ = f.pool.QueryRow(ctx, `SELECT ps.polls, COALESCE(ps.last_polled_at, 'epoch') FROM euterpe.poll_state ps
			JOIN euterpe.users u ON u.id = ps.user_id WHERE u.spotify_user_id = 'dex'`).Scan(&polls, &last)
		time.Sleep(100 * time.Millisecond)
	}
	if polls < 1 {
		t.Fatalf("after the kill the listener was never polled")
	}
	t.Logf("the other worker polled the listener %s after the kill", time.Since(killedAt).Round(100*time.Millisecond))
	want := f.truePlays("dex", start, last)
	got := f.storedPlays("dex", start, last)
	if !slices.Equal(got, want) {
		t.Fatalf("after the kill: %d plays stored, %d played since the start", len(got), len(want))
	}
}
