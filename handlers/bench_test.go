package handlers

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"
)

// BenchmarkWarmTopSongs is the server time of an authenticated /top_songs
// with the Spotify responses cached: session, user and token in one query,
// the analytic, and the JSON encoding — through the real router and a real
// PostgreSQL, without the network. It reports p50 and p99.
func BenchmarkWarmTopSongs(b *testing.B) {
	e := newEnv(b, envOptions{})
	c := e.login(b, "walt")
	cookie := cookieValue(b, c, e, "euterpe_session")
	req := httptest.NewRequest(http.MethodGet, "/top_songs?time_range=short_term", nil)
	req.Header.Set("Cookie", "euterpe_session="+cookie)
	rec := httptest.NewRecorder()
	e.router.ServeHTTP(rec, req) // warm the cache
	if rec.Code != http.StatusOK {
		b.Fatalf("warm-up: %d %s", rec.Code, rec.Body)
	}
	var durations []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		start := time.Now()
		e.router.ServeHTTP(rec, req)
		durations = append(durations, time.Since(start))
		if rec.Code != http.StatusOK {
			b.Fatalf("%d", rec.Code)
		}
	}
	slices.Sort(durations)
	b.ReportMetric(float64(durations[len(durations)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(durations[len(durations)*99/100].Microseconds()), "p99-µs")
}
