package drill

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/bench/stack"
)

// TestSIGTERMUnderLoad: SIGTERM arrives while panels wait two seconds on
// Spotify and other clients keep coming. Every request in flight finishes
// with its real answer, no request gets a 5xx, and the process exits 0
// within Heroku's 30 s.
func TestSIGTERMUnderLoad(t *testing.T) {
	e := newEnv(t, envOptions{})
	browsers := e.login(stack.Listeners...)
	ctx := t.Context()
	if err := e.sim.AddFault(ctx, stack.Fault{DelayMS: 2000, Count: -1, PathPrefix: "/v1/"}); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.Reset(ctx); err != nil {
		t.Fatal(err)
	}

	// Cold caches: each of these waits on the slow Spotify.
	type call struct {
		path string
		htmx bool
	}
	calls := []call{{"/panels/top-songs?range=short_term", true}, {"/panels/recently-played", true}, {"/top_artists", false}}
	inFlight := make([]stack.Response, len(browsers)*len(calls))
	var wg sync.WaitGroup
	for i, b := range browsers {
		for j, c := range calls {
			wg.Go(func() { inFlight[i*len(calls)+j] = b.Get(context.Background(), c.path, c.htmx) })
		}
	}
	background := make(chan stack.Result, 1)
	go func() {
		background <- stack.Load{BaseURL: e.app.URL, Clients: 8, Duration: 4 * time.Second,
			Requests: append(sessionRequests(browsers, "/", false), stack.Request{Path: "/health", Operator: true}, stack.Request{Path: "/static/favicon.svg"}),
		}.Run(context.Background())
	}()

	// Wait until every request is inside the app: each makes one distinct
	// Spotify call, counted when it reaches the simulator.
	for deadline := time.Now().Add(5 * time.Second); ; {
		st, err := e.sim.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.WebAPICalls() >= int64(len(inFlight)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the panels' calls never reached the simulator: %v", st.Requests)
		}
		time.Sleep(10 * time.Millisecond)
	}
	sigAt := time.Now()
	if err := e.app.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	code, err := e.app.Wait(30 * time.Second)
	if err != nil {
		t.Fatalf("no exit within 30 s of SIGTERM: %v", err)
	}
	exitedIn := time.Since(sigAt)
	wg.Wait()
	bg := <-background
	t.Logf("exit code %d %s after SIGTERM; background load: %v", code, exitedIn.Round(time.Millisecond), bg.Statuses())
	if code != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0", code)
	}
	for i, r := range inFlight {
		c := calls[i%len(calls)]
		switch {
		case r.Err != nil:
			t.Errorf("%s in flight at SIGTERM: %v", c.path, r.Err)
		case r.Status != http.StatusOK:
			t.Errorf("%s in flight at SIGTERM: %d %.200s", c.path, r.Status, r.Body)
		case c.htmx && bytes.Contains(r.Body, []byte("panel--error")):
			t.Errorf("%s in flight at SIGTERM shows its error state: %.300s", c.path, r.Body)
		}
	}
	for _, s := range bg.Samples {
		if s.Status >= 500 {
			t.Errorf("a request during shutdown got %d", s.Status)
			break
		}
	}
	if !strings.Contains(e.app.Logs(), "msg=stopped") {
		t.Errorf("no clean stop in the log:\n%s", tail(withoutAccessLog(e.app.Logs()), 20))
	}
}
