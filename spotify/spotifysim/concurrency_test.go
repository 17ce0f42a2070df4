package spotifysim

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/oauth2"
)

// TestConcurrentRefreshes is what an app without single-flight refreshing
// does to the accounts service: with rotation exactly one of the racing
// refreshes may win; without, all of them.
func TestConcurrentRefreshes(t *testing.T) {
	for _, rotate := range []bool{false, true} {
		t.Run(fmt.Sprintf("rotate=%v", rotate), func(t *testing.T) {
			e := newEnv(t, func(c *Config) { c.RotateRefresh = rotate })
			tok := e.login(t, "dex", "user-top-read")
			const n = 60
			var ok, revoked atomic.Int64
			var wg sync.WaitGroup
			for range n {
				wg.Go(func() {
					_, err := e.oauthConfig().TokenSource(e.ctx(), &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
					var re *oauth2.RetrieveError
					switch {
					case err == nil:
						ok.Add(1)
					case errors.As(err, &re) && re.ErrorDescription == "Refresh token revoked":
						revoked.Add(1)
					default:
						t.Errorf("refresh: %v", err)
					}
				})
			}
			wg.Wait()
			want := int64(n)
			if rotate {
				want = 1
			}
			if ok.Load() != want || ok.Load()+revoked.Load() != n {
				t.Fatalf("%d succeeded, %d revoked; want %d successes", ok.Load(), revoked.Load(), want)
			}
			if got := e.sim.Stats().TokenGrants["refresh_token"]; got != n {
				t.Errorf("refresh_token grants = %d, want %d", got, n)
			}
		})
	}
}

// TestInterleavedRequests hammers reads and writes from every listener at
// once; run with -race it checks the locking, and the counters must add up.
func TestInterleavedRequests(t *testing.T) {
	e := newEnv(t, nil)
	type worker struct {
		token, own string
	}
	var workers []worker
	for _, l := range e.sim.cat.listeners {
		w := worker{token: e.login(t, l.id, allScopes...).AccessToken}
		for _, p := range l.library {
			if p.owner.id == l.id {
				w.own = p.id
			}
		}
		workers = append(workers, w)
	}
	track := e.sim.cat.tracks[0].id
	e.call(t, "POST", "/_sim/reset", "", nil)
	const perGoroutine = 60
	const goroutines = 20
	var wg sync.WaitGroup
	for g := range goroutines {
		w := workers[g%len(workers)]
		wg.Go(func() {
			for i := range perGoroutine {
				var r apiResponse
				switch i % 6 {
				case 0:
					r = e.call(t, "GET", "/v1/me/top/tracks?limit=50", w.token, nil)
				case 1:
					r = e.call(t, "GET", "/v1/me/player/recently-played", w.token, nil)
				case 2:
					r = e.call(t, "GET", "/v1/me/playlists", w.token, nil)
				case 3:
					r = e.call(t, "GET", "/v1/playlists/"+w.own+"/items?limit=50&offset=10", w.token, nil)
				case 4:
					r = e.call(t, "POST", "/v1/playlists/"+w.own+"/items", w.token, strings.NewReader(`{"uris":["spotify:track:`+track+`"],"position":0}`))
				case 5:
					r = e.call(t, "GET", "/_sim/stats", "", nil)
				}
				if r.status >= 300 {
					t.Errorf("request %d: %d %s", i, r.status, r.body)
					return
				}
			}
		})
	}
	wg.Wait()
	st := e.sim.Stats()
	per := int64(goroutines * perGoroutine / 6)
	for _, k := range []string{"GET /v1/me/top/tracks", "GET /v1/me/player/recently-played", "GET /v1/me/playlists", "GET /v1/playlists/{id}/items", "POST /v1/playlists/{id}/items"} {
		if st.Requests[k] != per {
			t.Errorf("requests[%q] = %d, want %d", k, st.Requests[k], per)
		}
	}
}

// BenchmarkTopTracks measures the hot path an app's dashboard hits, with
// many clients at once.
func BenchmarkTopTracks(b *testing.B) {
	e := newEnv(b, nil)
	tok := e.login(b, "kiko", allScopes...).AccessToken
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if r := e.call(b, "GET", "/v1/me/top/tracks?limit=50", tok, nil); r.status != 200 {
				b.Errorf("status %d", r.status)
				return
			}
		}
	})
}
