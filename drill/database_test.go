package drill

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/bench/stack"
)

// recoveryBudget is how soon after the database is back the app must serve
// again.
const recoveryBudget = 2 * time.Second

// dbLoad is the traffic kept on the app while the database misbehaves: the
// JSON API, a panel, and the health check, for every listener.
func dbLoad(browsers []*stack.Browser) []stack.Request {
	reqs := sessionRequests(browsers, "/top_songs", false)
	reqs = append(reqs, sessionRequests(browsers, "/panels/top-songs", true)...)
	return append(reqs, stack.Request{Path: "/health", Operator: true})
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// waitServing polls until /health and an authenticated endpoint both answer
// 200, and returns when that happened.
func (e *env) waitServing(b *stack.Browser, within time.Duration) (time.Time, error) {
	deadline := time.Now().Add(within)
	for {
		_, status, err := e.app.Health(e.t.Context())
		if err == nil && status == http.StatusOK {
			if r := b.Get(e.t.Context(), "/top_songs", false); r.Err == nil && r.Status == http.StatusOK {
				return time.Now(), nil
			}
		}
		if time.Now().After(deadline) {
			return time.Time{}, fmt.Errorf("not serving %s after the database came back (health %d %v)", within, status, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// window is a stretch of wall time in which errors are expected.
type window struct{ from, to time.Time }

// overlaps reports whether request s (from sent to answered) ran during w.
func (w window) overlaps(res stack.Result, s stack.Sample) bool {
	sent := res.Started.Add(s.At)
	return !sent.After(w.to) && !sent.Add(s.Latency).Before(w.from)
}

// failuresOutside returns the failed requests that ran outside every window.
func failuresOutside(res stack.Result, windows ...window) []stack.Sample {
	var out []stack.Sample
	for _, s := range res.Samples {
		if s.OK {
			continue
		}
		inside := false
		for _, w := range windows {
			inside = inside || w.overlaps(res, s)
		}
		if !inside {
			out = append(out, s)
		}
	}
	return out
}

func describe(res stack.Result, samples []stack.Sample) string {
	s := fmt.Sprintf("%d failures", len(samples))
	for i, x := range samples {
		if i == 5 {
			break
		}
		s += fmt.Sprintf("; status %d sent at +%s", x.Status, x.At.Round(time.Millisecond))
	}
	return s + "; first failure: " + res.FirstErr
}

// TestPostgresBackendsKilledUnderLoad: pg_terminate_backend on every
// connection the app holds, twice, under load. The database never goes
// down, so the app may fail only the requests caught on a killed connection
// right then, and serves again at once.
func TestPostgresBackendsKilledUnderLoad(t *testing.T) {
	e := newEnv(t, envOptions{})
	browsers := e.login(stack.Listeners...)
	e.warm(browsers)
	admin := connect(t, cluster.AdminURL)

	results := make(chan stack.Result, 1)
	start := time.Now()
	go func() {
		results <- stack.Load{BaseURL: e.app.URL, Clients: 12, Duration: 5 * time.Second, Requests: dbLoad(browsers)}.Run(context.Background())
	}()
	var windows []window
	for _, at := range []time.Duration{1500 * time.Millisecond, 3200 * time.Millisecond} {
		time.Sleep(time.Until(start.Add(at)))
		killedAt := time.Now()
		n, err := stack.TerminateAppConnections(t.Context(), admin, e.dbName)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Error("the app held no connections to kill under load")
		}
		back, err := e.waitServing(browsers[0], recoveryBudget)
		if err != nil {
			t.Error(err)
		}
		t.Logf("killed %d backends; serving again %s later", n, back.Sub(killedAt).Round(time.Millisecond))
		windows = append(windows, window{killedAt, killedAt.Add(recoveryBudget)})
	}
	res := <-results
	e.alive()
	failed := 0
	for _, s := range res.Samples {
		if !s.OK {
			failed++
		}
	}
	t.Logf("%d requests under load, %d failed (statuses %v)", res.Count(), failed, res.Statuses())
	if bad := failuresOutside(res, windows...); len(bad) > 0 {
		t.Errorf("requests failed away from the kills: %s", describe(res, bad))
	}
	if res.Count() == 0 {
		t.Error("no load ran")
	}
}

// TestPostgresRestartUnderLoad: PostgreSQL stops (pg_ctl stop -m fast) and
// starts again 1.5 s later, under load. The app does not crash, fails
// requests only while the database is down, and serves again within 2 s of
// it accepting connections.
func TestPostgresRestartUnderLoad(t *testing.T) {
	e := newEnv(t, envOptions{})
	browsers := e.login(stack.Listeners...)
	e.warm(browsers)

	results := make(chan stack.Result, 1)
	start := time.Now()
	go func() {
		results <- stack.Load{BaseURL: e.app.URL, Clients: 12, Duration: 7 * time.Second, Requests: dbLoad(browsers)}.Run(context.Background())
	}()
	time.Sleep(time.Until(start.Add(1500 * time.Millisecond)))
	stoppedAt := time.Now()
	if err := cluster.Stop(t.Context(), "fast"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	if _, status, err := e.app.Health(t.Context()); err != nil || status != http.StatusServiceUnavailable {
		t.Errorf("/health with the database down: %d %v, want 503", status, err)
	}
	if err := cluster.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	backAt := time.Now()
	servingAt, err := e.waitServing(browsers[0], recoveryBudget)
	if err != nil {
		t.Error(err)
	} else {
		t.Logf("database down %s; the app served again %s after it was back", backAt.Sub(stoppedAt).Round(time.Millisecond),
			servingAt.Sub(backAt).Round(time.Millisecond))
	}
	res := <-results
	e.alive()

	down := window{stoppedAt, backAt.Add(recoveryBudget)}
	var during int
	notUnavailable := map[int]int{}
	for _, s := range res.Samples {
		if !s.OK && down.overlaps(res, s) {
			during++
			if s.Status != http.StatusServiceUnavailable {
				notUnavailable[s.Status]++
			}
		}
	}
	if len(notUnavailable) > 0 {
		// A database that is down is an outage, not a fault: 503 with
		// Retry-After, never a 500.
		t.Errorf("while the database was down, failures answered other than 503: %v", notUnavailable)
	}
	t.Logf("%d requests under load, %d failed while the database was down (statuses %v)", res.Count(), during, res.Statuses())
	if bad := failuresOutside(res, down); len(bad) > 0 {
		t.Errorf("requests failed while the database was up: %s", describe(res, bad))
	}
	if during == 0 {
		t.Error("no request failed while the database was down: the drill did not reach it")
	}
}

// TestFiveHundredClientsOnFifteenConnections: with DB_MAX_CONNS=15, 500
// concurrent clients queue for the pool; none fails and the app never holds
// more than 15 connections.
func TestFiveHundredClientsOnFifteenConnections(t *testing.T) {
	e := newEnv(t, envOptions{appEnv: map[string]string{"DB_MAX_CONNS": "15"}})
	browsers := e.login(stack.Listeners...)
	e.warm(browsers)
	watch, err := stack.WatchConnections(t.Context(), cluster.AdminURL, e.dbName, 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	reqs := append(sessionRequests(browsers, "/top_songs", false), sessionRequests(browsers, "/panels/top-artists?range=long_term", true)...)
	res := stack.Load{BaseURL: e.app.URL, Clients: 500, Duration: 4 * time.Second, Requests: append(reqs, sessionRequests(browsers, "/", false)...)}.Run(t.Context())
	peak, samples := watch.Stop()
	e.alive()
	t.Logf("%d requests, %.0f/s, p50 %s, p99 %s; peak %d connections over %d samples",
		res.Count(), res.PerSecond(), res.Percentile(50), res.Percentile(99), peak, samples)
	if res.Count() < 500 {
		t.Errorf("only %d requests finished", res.Count())
	}
	if n := res.Errors(); n > 0 {
		t.Errorf("%d of %d requests failed (statuses %v); first: %s", n, res.Count(), res.Statuses(), res.FirstErr)
	}
	if samples == 0 {
		t.Error("pg_stat_activity was never sampled")
	}
	if peak > 15 {
		t.Errorf("the app held %d connections, more than DB_MAX_CONNS=15", peak)
	}
}
