package handlers

import (
	"io"
	"math/rand/v2"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
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
	// The second /top_songs is a kept answer (kept.go); the panel opened as
	// a page reads Spotify's top tracks again, from the cache.
	if status, _, _ := get(t, c, e.appURL+"/panels/top-songs?range=short_term"); status != http.StatusOK {
		t.Fatalf("/panels/top-songs: %d", status)
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
	// The panel's top tracks were served from the cache.
	if strings.Contains(text, "euterpe_cache_hits_total 0\n") {
		t.Error("no cache hit counted")
	}
	mustContainNone(t, "/metrics", text, e.secrets...)
}

// TestUnknownMethodsAreRefusedAndLeaveNoTrace: Go's server takes any token
// as a method. A method HTTP does not define is answered 501 before
// routing, logging or anything that keeps state, and is counted under the
// one label "OTHER": 10,000 random methods (some of them 64 KB long) leave
// the request series, the size of a scrape and the heap as they were.
func TestUnknownMethodsAreRefusedAndLeaveNoTrace(t *testing.T) {
	e := newEnv(t, envOptions{metrics: true})
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}, Timeout: 30 * time.Second}
	t.Cleanup(c.CloseIdleConnections)
	rnd := rand.New(rand.NewPCG(21, 1))
	method := func(i int) string {
		n := 1 + rnd.IntN(16)
		if i%500 == 0 {
			n = 64 << 10
		}
		// Lower case: never one of HTTP's methods, which are upper case.
		const chars = "abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~"
		b := make([]byte, n)
		for i := range b {
			b[i] = chars[rnd.IntN(len(chars))]
		}
		return string(b)
	}
	statuses := map[int]int{}
	send := func(i int) {
		req, err := http.NewRequest(method(i), e.appURL+"/history", nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		statuses[res.StatusCode]++
	}
	scrape := func() (series, size int) {
		status, body, _ := get(t, c, e.appURL+"/metrics", "Authorization", "Bearer "+operatorToken)
		if status != http.StatusOK {
			t.Fatalf("/metrics: %d", status)
		}
		for _, line := range strings.Split(string(body), "\n") {
			if line != "" && !strings.HasPrefix(line, "#") {
				series++
			}
		}
		return series, len(body)
	}
	heap := func() uint64 {
		var ms runtime.MemStats
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapInuse
	}

	for i := range 100 {
		send(i)
	}
	scrape()
	series, size := scrape()
	heapBefore := heap()
	for i := range 10_000 {
		send(i)
	}
	heapAfter := heap()
	seriesAfter, sizeAfter := scrape()

	if statuses[http.StatusNotImplemented] != 10_100 {
		t.Errorf("answers to unknown methods: %v, want 501 to all", statuses)
	}
	if seriesAfter != series {
		t.Errorf("10,000 unknown methods: %d series, %d before them", seriesAfter, series)
	}
	if sizeAfter > size+1024 {
		t.Errorf("10,000 unknown methods: a scrape of %d bytes, %d before them", sizeAfter, size)
	}
	if heapAfter > heapBefore+4<<20 {
		t.Errorf("10,000 unknown methods: %d MB of heap in use, %d MB before them", heapAfter>>20, heapBefore>>20)
	}
	if _, _, res := get(t, c, e.appURL+"/metrics", "Authorization", "Bearer "+operatorToken); res.StatusCode == http.StatusOK {
		if _, body, _ := get(t, c, e.appURL+"/metrics", "Authorization", "Bearer "+operatorToken); !strings.Contains(string(body),
			`euterpe_http_requests_total{method="OTHER",route="unmatched",status="501"} 10100`) {
			t.Error("the unknown methods are not counted as OTHER")
		}
	}
	if n := strings.Count(e.logs.String(), "status=501"); n != 0 {
		t.Errorf("%d log lines about unknown methods", n)
	}
}
