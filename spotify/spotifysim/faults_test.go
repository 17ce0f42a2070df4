package spotifysim

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func (e *testEnv) addFault(t *testing.T, spec string) {
	t.Helper()
	if r := e.call(t, "POST", "/_sim/faults", "", strings.NewReader(spec)); r.status != 201 {
		t.Fatalf("POST /_sim/faults %s: %d %s", spec, r.status, r.body)
	}
}

func TestFaults(t *testing.T) {
	t.Run("rate limit on a prefix, for count requests", func(t *testing.T) {
		e := newEnv(t, nil)
		tok := e.login(t, "walt", allScopes...).AccessToken
		e.addFault(t, `{"status":429,"retry_after":30,"count":2,"path_prefix":"/v1/me/top/"}`)
		if r := e.call(t, "GET", "/v1/me", tok, nil); r.status != 200 {
			t.Fatalf("/v1/me is outside the prefix but got %d", r.status)
		}
		for i := range 2 {
			r := e.call(t, "GET", "/v1/me/top/artists", tok, nil)
			wantAPIError(t, r, 429, msgRateLimited)
			if got := r.header.Get("Retry-After"); got != "30" {
				t.Fatalf("request %d: Retry-After %q", i, got)
			}
		}
		if r := e.call(t, "GET", "/v1/me/top/artists", tok, nil); r.status != 200 {
			t.Fatalf("third request still faulted: %d", r.status)
		}
		var left []fault
		e.call(t, "GET", "/_sim/faults", "", nil).decode(t, &left)
		if len(left) != 0 {
			t.Fatalf("spent fault still listed: %+v", left)
		}
	})

	t.Run("a success with a body of nulls", func(t *testing.T) {
		e := newEnv(t, nil)
		tok := e.login(t, "walt", allScopes...).AccessToken
		e.addFault(t, `{"status":200,"count":-1,"path_prefix":"/v1/me/top/tracks","body":{"items":null,"next":null}}`)
		for range 2 {
			r := e.call(t, "GET", "/v1/me/top/tracks", tok, nil)
			if r.status != 200 || string(r.body) != `{"items":null,"next":null}` || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
				t.Fatalf("got %d %q", r.status, r.body)
			}
		}
		for _, bad := range []string{`{"status":200}`, `{"status":302,"body":"x"}`, `{"status":204,"body":"x"}`} {
			if r := e.call(t, "POST", "/_sim/faults", "", strings.NewReader(bad)); r.status != 400 {
				t.Errorf("fault %s: %d", bad, r.status)
			}
		}
	})

	t.Run("until cleared, with a method filter and a custom body", func(t *testing.T) {
		e := newEnv(t, nil)
		tok := e.login(t, "walt", allScopes...).AccessToken
		e.addFault(t, `{"status":503,"count":-1,"method":"post","body":"upstream sad"}`)
		for range 3 {
			r := e.call(t, "POST", "/v1/me/playlists", tok, strings.NewReader(`{"name":"x"}`))
			if r.status != 503 || string(r.body) != "upstream sad" {
				t.Fatalf("got %d %q", r.status, r.body)
			}
		}
		if r := e.call(t, "GET", "/v1/me", tok, nil); r.status != 200 {
			t.Fatalf("GET matched a POST-only fault: %d", r.status)
		}
		e.call(t, "DELETE", "/_sim/faults", "", nil)
		if r := e.call(t, "POST", "/v1/me/playlists", tok, strings.NewReader(`{"name":"x"}`)); r.status != 201 {
			t.Fatalf("after DELETE /_sim/faults: %d %s", r.status, r.body)
		}
	})

	t.Run("malformed JSON", func(t *testing.T) {
		e := newEnv(t, nil)
		tok := e.login(t, "walt", allScopes...).AccessToken
		e.addFault(t, `{"malformed":true,"path_prefix":"/v1/me/player/"}`)
		r := e.call(t, "GET", "/v1/me/player/recently-played", tok, nil)
		if r.status != 200 || json.Valid(r.body) || len(r.body) == 0 {
			t.Fatalf("want a 200 with a truncated body, got %d valid=%v (%d bytes)", r.status, json.Valid(r.body), len(r.body))
		}
		e.addFault(t, `{"status":500,"malformed":true}`)
		r = e.call(t, "GET", "/v1/me", tok, nil)
		if r.status != 500 || json.Valid(r.body) {
			t.Fatalf("want a 500 with a truncated body, got %d %q", r.status, r.body)
		}
		if r := e.call(t, "GET", "/v1/me/player/recently-played", tok, nil); r.status != 200 || !json.Valid(r.body) {
			t.Fatalf("fault outlived its count: %d", r.status)
		}
	})

	t.Run("delay, and cancellation while delayed", func(t *testing.T) {
		e := newEnv(t, nil)
		tok := e.login(t, "walt", allScopes...).AccessToken
		e.addFault(t, `{"delay_ms":150}`)
		start := time.Now()
		if r := e.call(t, "GET", "/v1/me", tok, nil); r.status != 200 {
			t.Fatalf("delayed request: %d", r.status)
		}
		if d := time.Since(start); d < 150*time.Millisecond {
			t.Fatalf("delay fault took only %s", d)
		}
		e.addFault(t, `{"delay_ms":10000,"status":500}`)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", e.ts.URL+"/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		start = time.Now()
		_, err := e.ts.Client().Do(req)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want deadline exceeded", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("cancelled request took %s", d)
		}
	})

	t.Run("token endpoint", func(t *testing.T) {
		e := newEnv(t, nil)
		tok := e.login(t, "walt")
		e.addFault(t, `{"status":503,"path_prefix":"/api/token"}`)
		_, err := e.oauthConfig().TokenSource(e.ctx(), &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
		var re *oauth2.RetrieveError
		if !errors.As(err, &re) || re.Response.StatusCode != 503 || re.ErrorCode != "server_error" {
			t.Fatalf("err = %v, want a 503 server_error", err)
		}
		if _, err := e.oauthConfig().TokenSource(e.ctx(), &oauth2.Token{RefreshToken: tok.RefreshToken}).Token(); err != nil {
			t.Fatalf("refresh after the fault: %v", err)
		}
	})

	t.Run("only one listener's requests", func(t *testing.T) {
		e := newEnv(t, nil)
		dex := e.login(t, "dex", allScopes...)
		walt := e.login(t, "walt", allScopes...).AccessToken
		e.addFault(t, `{"status":503,"count":-1,"listener":"dex"}`)
		for range 2 {
			if r := e.call(t, "GET", "/v1/me/player/recently-played", walt, nil); r.status != 200 {
				t.Fatalf("walt's request matched dex's fault: %d", r.status)
			}
			wantAPIError(t, e.call(t, "GET", "/v1/me/player/recently-played", dex.AccessToken, nil), 503, "Service Unavailable")
		}
		// The accounts service is called without an access token: a
		// listener's fault never matches it.
		if _, err := e.oauthConfig().TokenSource(e.ctx(), &oauth2.Token{RefreshToken: dex.RefreshToken}).Token(); err != nil {
			t.Fatalf("refresh matched a listener's fault: %v", err)
		}
		var listed []fault
		e.call(t, "GET", "/_sim/faults", "", nil).decode(t, &listed)
		if len(listed) != 1 || listed[0].Listener != "dex" {
			t.Fatalf("listed faults: %+v", listed)
		}
	})

	t.Run("invalid faults are refused", func(t *testing.T) {
		e := newEnv(t, nil)
		for _, spec := range []string{`{}`, `{"status":200}`, `{"status":429,"count":-2}`, `{"status":500,"colour":"red"}`, `not json`, `{"status":500,"listener":"nobody"}`} {
			if r := e.call(t, "POST", "/_sim/faults", "", strings.NewReader(spec)); r.status != 400 {
				t.Errorf("fault %s accepted: %d", spec, r.status)
			}
		}
	})
}

func TestLatency(t *testing.T) {
	const latency = 120 * time.Millisecond
	e := newEnv(t, func(c *Config) { c.Latency = latency })
	tok := e.login(t, "ines", allScopes...).AccessToken
	for _, target := range []string{"/v1/me", "/v1/me/top/tracks", "/image/user/ines/64"} {
		start := time.Now()
		if r := e.call(t, "GET", target, tok, nil); r.status != 200 {
			t.Fatalf("%s: %d", target, r.status)
		}
		if d := time.Since(start); d < latency {
			t.Errorf("%s answered in %s, under the configured latency", target, d)
		}
	}

	// A client that gives up during the latency is not served or counted.
	e.call(t, "POST", "/_sim/reset", "", nil)
	ctx, cancel := context.WithTimeout(context.Background(), latency/4)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.ts.URL+"/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	if _, err := e.ts.Client().Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	time.Sleep(latency) // let the handler notice
	if n := e.sim.Stats().Requests["GET /v1/me"]; n != 0 {
		t.Errorf("abandoned request counted: %d", n)
	}
}

func TestStats(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.login(t, "amara", allScopes...).AccessToken
	var pl struct{ ID string }
	for _, l := range e.sim.cat.listenerByID["amara"].library {
		if l.owner.id == "amara" {
			pl.ID = l.id
		}
	}
	e.call(t, "POST", "/_sim/reset", "", nil)
	e.call(t, "GET", "/v1/me/top/tracks", tok, nil)
	e.call(t, "GET", "/v1/me/top/tracks?time_range=short_term", tok, nil)
	e.call(t, "GET", "/v1/playlists/"+pl.ID+"/items", tok, nil)
	e.call(t, "GET", "/image/user/amara/64", "", nil)
	e.call(t, "GET", "/_sim/listeners", "", nil)
	e.addFault(t, `{"status":500,"path_prefix":"/v1/me/top/artists"}`)
	e.call(t, "GET", "/v1/me/top/artists", tok, nil)
	_, _ = e.oauthConfig().TokenSource(e.ctx(), &oauth2.Token{RefreshToken: "AQbogus"}).Token()

	var st Stats
	e.call(t, "GET", "/_sim/stats", "", nil).decode(t, &st)
	want := map[string]int64{
		"GET /v1/me/top/tracks":        2,
		"GET /v1/playlists/{id}/items": 1,
		"GET /v1/me/top/artists":       1, // faulted requests still reached "Spotify"
		"POST /api/token":              1,
	}
	if len(st.Requests) != len(want) {
		t.Errorf("requests = %v, want %v (images and control calls are not counted)", st.Requests, want)
	}
	for k, n := range want {
		if st.Requests[k] != n {
			t.Errorf("requests[%q] = %d, want %d", k, st.Requests[k], n)
		}
	}
	if st.TokenGrants["refresh_token"] != 1 || st.TokenGrants["authorization_code"] != 0 {
		t.Errorf("token_grants = %v, want one refresh_token since the reset", st.TokenGrants)
	}
	e.call(t, "POST", "/_sim/reset", "", nil)
	var zeroed Stats
	e.call(t, "GET", "/_sim/stats", "", nil).decode(t, &zeroed)
	if len(zeroed.Requests) != 0 || zeroed.TokenGrants["refresh_token"] != 0 {
		t.Errorf("after reset: %+v", zeroed)
	}

	var ls []Listener
	e.call(t, "GET", "/_sim/listeners", "", nil).decode(t, &ls)
	if len(ls) < 5 || ls[0].ID == "" || ls[0].DisplayName == "" {
		t.Errorf("/_sim/listeners = %+v", ls)
	}
	if r := e.call(t, "POST", "/_sim/revoke?listener=nobody", "", nil); r.status != 404 {
		t.Errorf("revoking an unknown listener: %d", r.status)
	}
}
