package drill

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/euterpe-dev/euterpe/bench/stack"
)

// Spotify resources, and which panels read which.
const (
	resTracks    = "top tracks"
	resArtists   = "top artists"
	resRecent    = "recently played"
	resPlaylists = "playlists"
)

var panelReads = map[string][]string{
	"overview":         {resTracks, resArtists, resRecent},
	"top-songs":        {resTracks},
	"top-artists":      {resArtists},
	"top-albums":       {resTracks},
	"hidden-gems":      {resTracks},
	"release-years":    {resTracks},
	"seasons":          {resTracks, resArtists},
	"genres":           {resArtists},
	"top-playlists":    {resTracks, resPlaylists},
	"timeless-artists": {resArtists},
	"falling-off":      {resArtists},
	"recently-played":  {resRecent},
}

// panels loads b's dashboard page and every panel on it, as HTMX does, and
// returns the panels by id.
func panels(t *testing.T, b *stack.Browser) map[string]stack.Response {
	t.Helper()
	d, _ := b.ViewDashboard(t.Context()) // failed panels are what we look at
	if d.Page.Status != http.StatusOK {
		t.Fatalf("dashboard page: %d %v", d.Page.Status, d.Page.Err)
	}
	out := map[string]stack.Response{}
	for _, p := range d.Panels {
		id := strings.TrimPrefix(p.URL, "/panels/")
		id, _, _ = strings.Cut(id, "?")
		out[id] = p
	}
	if len(out) != len(panelReads) {
		t.Fatalf("the dashboard loads %d panels, the drill knows %d", len(out), len(panelReads))
	}
	return out
}

// checkPanels asserts that every panel answered 200 with a fragment, and
// that exactly the panels reading a failing resource show their error state
// with a retry button and hint in the message. hint "" accepts either state
// (the panel may make sense of odd data).
func checkPanels(t *testing.T, got map[string]stack.Response, failing []string, hint string) {
	t.Helper()
	for id, r := range got {
		if r.Err != nil || r.Status != http.StatusOK {
			t.Errorf("panel %s: %d %v, want 200 (htmx swaps only 2xx)", id, r.Status, r.Err)
			continue
		}
		if bytes.Contains(bytes.ToLower(r.Body[:min(len(r.Body), 200)]), []byte("<!doctype")) {
			t.Errorf("panel %s answered a whole page to an HTMX request", id)
		}
		doc, err := goquery.NewDocumentFromReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		errPanel := doc.Find("section.panel--error")
		reads := false
		for _, res := range panelReads[id] {
			for _, f := range failing {
				reads = reads || res == f
			}
		}
		switch {
		case hint == "" && reads:
			if errPanel.Length() == 0 && doc.Find("section.panel").Length() == 0 {
				t.Errorf("panel %s: neither content nor error state: %.300s", id, r.Body)
			}
		case reads:
			if errPanel.Length() != 1 {
				t.Errorf("panel %s reads a failing resource but shows no error state: %.300s", id, r.Body)
				continue
			}
			if retry, _ := errPanel.Find("button[hx-get]").Attr("hx-get"); !strings.HasPrefix(retry, "/panels/"+id) {
				t.Errorf("panel %s: error state without a retry button (hx-get %q)", id, retry)
			}
			if msg := strings.Join(strings.Fields(errPanel.Find("[role=alert]").Text()), " "); !strings.Contains(msg, hint) {
				t.Errorf("panel %s says %q, want it to contain %q", id, msg, hint)
			}
		default:
			if errPanel.Length() != 0 {
				t.Errorf("panel %s reads nothing that fails, yet shows its error state: %s", id, errPanel.Text())
			}
		}
	}
}

// checkJSON asserts a JSON API answer: the status, a JSON body with an
// error message, and for 429 a Retry-After. want 0 accepts any status but
// 500 (the endpoint may make sense of odd data).
func checkJSON(t *testing.T, b *stack.Browser, path string, want int) {
	t.Helper()
	r := b.Get(t.Context(), path, false)
	if r.Err != nil {
		t.Errorf("%s: %v", path, r.Err)
		return
	}
	if want == 0 && r.Status == http.StatusInternalServerError || want != 0 && r.Status != want {
		t.Errorf("%s: status %d, want %d: %.300s", path, r.Status, want, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: Content-Type %q, want JSON: %.200s", path, ct, r.Body)
		return
	}
	var body struct {
		Error      string `json:"error"`
		RetryAfter int    `json:"retry_after"`
	}
	if r.Status == http.StatusOK {
		if !json.Valid(r.Body) {
			t.Errorf("%s: invalid JSON: %.200s", path, r.Body)
		}
		return
	}
	if err := json.Unmarshal(r.Body, &body); err != nil || body.Error == "" {
		t.Errorf("%s: %d with body %.200s, want {\"error\":…}", path, r.Status, r.Body)
	}
	if r.Status == http.StatusTooManyRequests && (body.RetryAfter < 1 || r.Header.Get("Retry-After") == "") {
		t.Errorf("%s: 429 without a retry hint: Retry-After %q, body %s", path, r.Header.Get("Retry-After"), r.Body)
	}
}

// TestSpotifyMisbehaving: Spotify rate-limits, fails, hangs and answers
// garbage. Panels show their error state with a retry button (status 200,
// so htmx swaps it in), panels that do not read the broken resource carry
// on, the JSON API answers JSON errors, nothing answers 500, the app stays
// up, and once it is over no goroutine is left behind.
func TestSpotifyMisbehaving(t *testing.T) {
	// The background jobs (polls, with their own River goroutines coming
	// and going) stay out of this test: it counts goroutines. One person
	// reloads a failing dashboard faster than anyone would: their share of
	// the Spotify budget (a test of its own, upstream's) must not be what
	// answers.
	e := newEnv(t, envOptions{appEnv: map[string]string{"WORKER_CONCURRENCY": "0", "SPOTIFY_CALLS_PER_30S": "100000"}})
	ctx := t.Context()
	// The baseline is the quietest of a few readings: just after start the
	// pool may still be opening its first connections.
	baseline := 1 << 30
	for range 10 {
		n, err := e.app.Goroutines(ctx)
		if err != nil {
			t.Fatal(err)
		}
		baseline = min(baseline, n)
		time.Sleep(50 * time.Millisecond)
	}
	browsers := e.login(stack.Listeners...)
	ines, walt, kiko, amara, dex := browsers[0], browsers[1], browsers[2], browsers[3], browsers[4]
	fault := func(f stack.Fault) {
		t.Helper()
		if err := e.sim.AddFault(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	clear := func() {
		t.Helper()
		if err := e.sim.ClearFaults(ctx); err != nil {
			t.Fatal(err)
		}
	}

	// Slower than the app's Spotify client allows (10 s): one call hangs for
	// 11 s, while the other scenarios run.
	fault(stack.Fault{DelayMS: 11_000, Count: 1, PathPrefix: "/v1/me/top/tracks"})
	type slowResult struct {
		panel, json stack.Response
	}
	slow := make(chan slowResult, 1)
	go func() {
		var r slowResult
		var wg sync.WaitGroup
		wg.Go(func() { r.panel = dex.Get(ctx, "/panels/top-songs?range=short_term", true) })
		wg.Go(func() { r.json = dex.Get(ctx, "/top_songs", false) })
		wg.Wait()
		slow <- r
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		st, err := e.sim.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Requests["GET /v1/me/top/tracks"] > 0 {
			break // the hanging call has taken the fault
		}
		if time.Now().After(deadline) {
			t.Fatal("the slow call never reached the simulator")
		}
		time.Sleep(10 * time.Millisecond)
	}

	t.Run("429 storm", func(t *testing.T) {
		// Recently played is cached before the storm: the pause that a 429
		// starts covers all of the user's calls, but not what is cached.
		checkJSON(t, ines, "/recently_played", http.StatusOK)
		if err := e.sim.Reset(ctx); err != nil {
			t.Fatal(err)
		}
		fault(stack.Fault{Status: 429, RetryAfter: 30, Count: -1, PathPrefix: "/v1/me/top"})
		defer clear()
		for range 3 { // the user keeps pressing Retry
			checkPanels(t, panels(t, ines), []string{resTracks, resArtists}, "Try again in")
			checkJSON(t, ines, "/top_songs", http.StatusTooManyRequests)
			checkJSON(t, ines, "/top_artists?time_range=long_term", http.StatusTooManyRequests)
			checkJSON(t, ines, "/recently_played", http.StatusOK)
		}
		st, _ := e.sim.Stats(ctx)
		calls := st.Requests["GET /v1/me/top/tracks"] + st.Requests["GET /v1/me/top/artists"]
		// One call per resource at most, before the first 429 pauses the user.
		if calls > 4 {
			t.Errorf("%d calls to Spotify's top endpoints during the storm; a 429 should pause the user's calls", calls)
		}
		t.Logf("three dashboards and six JSON calls made %d top-items calls to Spotify", calls)
	})

	t.Run("5xx", func(t *testing.T) {
		fault(stack.Fault{Status: 503, Count: -1, PathPrefix: "/v1/me/top"})
		fault(stack.Fault{Status: 500, Count: -1, PathPrefix: "/v1/me/player"})
		defer clear()
		checkPanels(t, panels(t, walt), []string{resTracks, resArtists, resRecent}, "Try again in a moment")
		checkJSON(t, walt, "/top_songs", http.StatusBadGateway)
		checkJSON(t, walt, "/recently_played", http.StatusBadGateway)
		// Opened directly (not HTMX), a failing panel is an error page, not 500.
		if r := walt.Get(ctx, "/panels/genres?range=medium_term", false); r.Status != http.StatusBadGateway ||
			!bytes.Contains(r.Body, []byte("<!doctype html>")) {
			t.Errorf("a failing panel opened as a page: %d %.200s", r.Status, r.Body)
		}
	})

	t.Run("malformed JSON", func(t *testing.T) {
		fault(stack.Fault{Malformed: true, Count: -1, PathPrefix: "/v1/me/top"})
		fault(stack.Fault{Status: 502, Malformed: true, Count: -1, PathPrefix: "/v1/me/player"})
		defer clear()
		checkPanels(t, panels(t, kiko), []string{resTracks, resArtists, resRecent}, "Try again in a moment")
		checkJSON(t, kiko, "/top_artists", http.StatusBadGateway)
		checkJSON(t, kiko, "/recently_played", http.StatusBadGateway)
	})

	t.Run("unexpected nulls", func(t *testing.T) {
		// Spotify answering 200 with what its documentation says cannot be
		// null: the simulator's faults send exactly these bodies.
		for prefix, body := range map[string]string{
			"/v1/me/top/tracks":  `{"items":null,"total":null,"limit":null,"offset":null,"next":null,"previous":null,"href":null}`,
			"/v1/me/top/artists": `{"items":[null,{"id":null,"name":null,"genres":null,"images":null,"popularity":null,"followers":null,"external_urls":null}],"next":null}`,
			"/v1/me/player/recently-played": `{"items":[{"track":null,"played_at":null,"context":null},null,` +
				`{"track":{"id":"t","name":null,"artists":[null],"album":{"images":null,"release_date":null}},"played_at":"2026-01-01T00:00:00Z"}],"cursors":null,"next":null}`,
			"/v1/me/playlists":          `{"items":[null,{"id":"nulls","name":null,"owner":{"id":"amara"},"snapshot_id":null,"images":null,"tracks":null}],"next":null}`,
			"/v1/playlists/nulls/items": `{"items":[null,{"item":null,"track":null},{"track":{"id":null,"type":null}}],"next":null}`,
		} {
			fault(stack.Fault{Status: http.StatusOK, Body: json.RawMessage(body), Count: -1, PathPrefix: prefix})
		}
		defer clear()
		checkPanels(t, panels(t, amara), []string{resTracks, resArtists, resRecent, resPlaylists}, "")
		for _, p := range []string{"/top_songs", "/top_artists", "/top_albums", "/hidden_gems", "/release_year_trends",
			"/music_variety_by_season", "/genres", "/overview", "/top_playlists", "/artists_standing_test_of_time",
			"/artists_falling_off", "/recently_played"} {
			checkJSON(t, amara, p, 0)
		}
	})

	t.Run("slower than the client timeout", func(t *testing.T) {
		r := <-slow
		if r.panel.Elapsed < 9*time.Second || r.panel.Elapsed > 16*time.Second {
			t.Errorf("the hanging panel answered after %s, want about the client's 10 s", r.panel.Elapsed)
		}
		checkPanels(t, map[string]stack.Response{"top-songs": r.panel}, []string{resTracks}, "Try again in a moment")
		if r.json.Status != http.StatusBadGateway {
			t.Errorf("/top_songs during the hang: %d %.200s, want 502", r.json.Status, r.json.Body)
		}
		// And it recovers: the next call is answered.
		if r := dex.Get(ctx, "/top_songs", false); r.Status != http.StatusOK {
			t.Errorf("/top_songs after the hang: %d", r.Status)
		}
	})

	e.alive()
	// No goroutine left behind: drop every idle connection into the app and
	// out of it (stopping the simulator closes the app's), then
	// compare with the count before any of this.
	for _, b := range browsers {
		b.Client.CloseIdleConnections()
	}
	if err := e.sim.Stop(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	const slack = 5
	var now int
	var err error
	for deadline := time.Now().Add(5 * time.Second); ; {
		if now, err = e.app.Goroutines(ctx); err != nil {
			t.Fatal(err)
		}
		if now <= baseline+slack || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("goroutines: %d before, %d after", baseline, now)
	if now > baseline+slack {
		t.Errorf("goroutine leak: %d goroutines before the faults, %d after they cleared", baseline, now)
	}
}
