package spotifysim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

type logAnswer struct {
	Requests []LoggedRequest `json:"requests"`
}

func TestRequestLog(t *testing.T) {
	const latency = 40 * time.Millisecond
	e := newEnv(t, func(c *Config) { c.Latency = latency })
	dex := e.login(t, "dex", allScopes...)
	walt := e.login(t, "walt", allScopes...).AccessToken
	e.call(t, "POST", "/_sim/reset", "", nil)

	get := func(token, target, agent string) {
		req, _ := http.NewRequest("GET", e.ts.URL+target, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("User-Agent", agent)
		resp, err := e.ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		// Read to the end, as a poller does: the request is over when
		// the whole answer has arrived.
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	before := time.Now()
	get(dex.AccessToken, "/v1/me/player/recently-played?limit=5", "poller/1")
	get(walt, "/v1/me/player/recently-played", "poller/2")
	get(walt, "/v1/me", "dashboard")
	get("BQmade-up", "/v1/me/player/recently-played", "intruder")
	e.call(t, "GET", "/_sim/stats", "", nil) // control calls are not logged
	e.call(t, "GET", "/image/user/dex/64", "", nil)
	if _, err := e.oauthConfig().TokenSource(e.ctx(), &oauth2.Token{RefreshToken: dex.RefreshToken}).Token(); err != nil {
		t.Fatal(err)
	}
	e.advance(t, 2*time.Hour)
	get(dex.AccessToken, "/v1/me/player/recently-played", "poller/1")

	var all logAnswer
	e.call(t, "GET", "/_sim/log", "", nil).decode(t, &all)
	if len(all.Requests) != 6 {
		t.Fatalf("logged %d requests, want 6 (Spotify routes only): %+v", len(all.Requests), all.Requests)
	}
	var rp logAnswer
	e.call(t, "GET", "/_sim/log?path_prefix=/v1/me/player/recently-played", "", nil).decode(t, &rp)
	want := []struct {
		listener string
		status   int
		agent    string
	}{{"dex", 200, "poller/1"}, {"walt", 200, "poller/2"}, {"", 401, "intruder"}, {"dex", 401, "poller/1"}}
	if len(rp.Requests) != len(want) {
		t.Fatalf("recently-played log: %+v", rp.Requests)
	}
	for i, w := range want {
		got := rp.Requests[i]
		if got.Method != "GET" || got.Path != "/v1/me/player/recently-played" || got.Listener != w.listener ||
			got.Status != w.status || got.UserAgent != w.agent {
			t.Errorf("entry %d = %+v, want %+v", i, got, w)
		}
		// Wall-clock times: the latency is inside them, the simulated
		// clock's two hours are not.
		if got.Started.Before(before) || got.Ended.Sub(got.Started) < latency || time.Since(got.Ended) > time.Minute {
			t.Errorf("entry %d: started %s, ended %s", i, got.Started, got.Ended)
		}
		if i > 0 && got.Started.Before(rp.Requests[i-1].Ended) {
			t.Errorf("entry %d started before entry %d ended, but they were sequential", i, i-1)
		}
	}
	var token logAnswer
	e.call(t, "GET", "/_sim/log?path_prefix=/api/token", "", nil).decode(t, &token)
	if len(token.Requests) != 1 || token.Requests[0].Listener != "" || token.Requests[0].Method != "POST" || token.Requests[0].Status != 200 {
		t.Errorf("token endpoint log: %+v", token.Requests)
	}
	var byWalt logAnswer
	e.call(t, "GET", "/_sim/log?listener=walt", "", nil).decode(t, &byWalt)
	if len(byWalt.Requests) != 2 {
		t.Errorf("walt's requests: %+v", byWalt.Requests)
	}
	if got := e.sim.RequestLog("/v1/me/player/"); len(got) != len(want) {
		t.Errorf("RequestLog: %d entries", len(got))
	}

	// A client gone during the latency is logged with status 0.
	ctx, cancel := context.WithTimeout(context.Background(), latency/4)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.ts.URL+"/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+walt)
	if _, err := e.ts.Client().Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		var l logAnswer
		e.call(t, "GET", "/_sim/log?path_prefix=/v1/me&listener=walt", "", nil).decode(t, &l)
		if n := len(l.Requests); n == 3 && l.Requests[2].Status == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("abandoned request not logged with status 0: %+v", l.Requests)
		}
		time.Sleep(10 * time.Millisecond)
	}

	e.call(t, "POST", "/_sim/reset", "", nil)
	if r := e.call(t, "GET", "/_sim/log", "", nil); r.status != 200 || string(r.body) != `{"requests":[]}` {
		t.Errorf("after reset: %d %s", r.status, r.body)
	}
}

// TestRequestLogIsBounded: the ring keeps the newest maxLogged entries, in
// order.
func TestRequestLogIsBounded(t *testing.T) {
	var l requestLog
	for i := range maxLogged + 5 {
		l.add(LoggedRequest{Path: fmt.Sprint(i)})
	}
	got := l.matching(func(*LoggedRequest) bool { return true })
	if len(got) != maxLogged || got[0].Path != "5" || got[len(got)-1].Path != fmt.Sprint(maxLogged+4) {
		t.Fatalf("%d entries from %s to %s", len(got), got[0].Path, got[len(got)-1].Path)
	}
	for i := 1; i < len(got); i++ {
		if got[i].Path != fmt.Sprint(i+5) {
			t.Fatalf("entry %d is %s", i, got[i].Path)
		}
	}
}
