package handlers

import (
	"net/http"
	"strings"
	"testing"
)

// TestMetrics: /metrics is a 404 without the operator's token and
// Prometheus's text with it, counting what the requests before it did:
// requests by route pattern, Spotify calls by endpoint, the cache, the pool,
// the poller and imports.
func TestMetrics(t *testing.T) {
	e := newEnv(t, envOptions{metrics: true})
	c := e.login(t, "walt")
	for range 2 {
		if status, _, _ := get(t, c, e.appURL+"/top_songs?time_range=short_term"); status != http.StatusOK {
			t.Fatalf("/top_songs: %d", status)
		}
	}
	get(t, c, e.appURL+"/history/imports/not-an-id")

	for _, auth := range []string{"", "Bearer wrong-token-wrong-token-wrong-token"} {
		status, body, _ := get(t, e.browser(t), e.appURL+"/metrics", "Authorization", auth)
		if status != http.StatusNotFound || strings.Contains(string(body), "euterpe_") {
			t.Errorf("/metrics with %q: %d", auth, status)
		}
	}
	status, body, res := get(t, e.browser(t), e.appURL+"/metrics", "Authorization", "Bearer "+operatorToken)
	if status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("/metrics as the operator: %d %s", status, res.Header.Get("Content-Type"))
	}
	text := string(body)
	for _, want := range []string{
		`euterpe_http_requests_total{method="GET",route="/top_songs",status="200"} 2`,
		`euterpe_http_requests_total{method="GET",route="/history/imports/{id}",status="404"} 1`,
		`euterpe_http_request_duration_seconds_bucket{method="GET",route="/top_songs",le="+Inf"} 2`,
		`euterpe_spotify_requests_total{endpoint="GET /v1/me/top/tracks",status="200"} 1`,
		`euterpe_spotify_requests_total{endpoint="GET /v1/me",status="200"} 1`,
		`euterpe_cache_hits_total`,
		`euterpe_cache_misses_total`,
		`euterpe_db_pool_connections{state="idle"}`,
		`euterpe_db_pool_max_connections`,
		`euterpe_db_pool_limited 0`,
		`euterpe_db_connection_refusals_total 0`,
		`euterpe_poller_overdue_users`,
		`euterpe_poller_lag_seconds`,
		`euterpe_imports_in_progress{state="running"} 0`,
		`go_goroutines`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// The second /top_songs was served from the cache.
	if strings.Contains(text, "euterpe_cache_hits_total 0\n") {
		t.Error("no cache hit counted")
	}
	mustContainNone(t, "/metrics", text, e.secrets...)
}
