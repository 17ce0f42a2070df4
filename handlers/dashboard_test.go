package handlers

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/euterpe-dev/euterpe/analytics"
	"github.com/euterpe-dev/euterpe/panels"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/spotify/spotifysim"
)

// panelURLs are the HTMX partials the dashboard page asks for.
func panelURLs(t *testing.T, c *http.Client, e *env, query string) []string {
	t.Helper()
	status, body, _ := get(t, c, e.appURL+"/"+query)
	if status != http.StatusOK {
		t.Fatalf("dashboard: %d", status)
	}
	var urls []string
	doc(t, body).Find("section.panel[hx-get]").Each(func(_ int, s *goquery.Selection) {
		u, _ := s.Attr("hx-get")
		urls = append(urls, u)
	})
	if len(urls) != len(panels.Dashboard().All()) {
		t.Fatalf("dashboard asks for %d panels, want %d", len(urls), len(panels.Dashboard().All()))
	}
	return urls
}

// loadPanels fetches every panel in parallel, as htmx does.
func loadPanels(t *testing.T, c *http.Client, e *env, urls []string) map[string]*goquery.Document {
	t.Helper()
	out := make(map[string]*goquery.Document)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Go(func() {
			status, body, res := get(t, c, e.appURL+u, "HX-Request", "true")
			if status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				t.Errorf("%s: %d", u, status)
				return
			}
			if !strings.Contains(res.Header.Get("Vary"), "HX-Request") {
				t.Errorf("%s: no Vary: HX-Request", u)
			}
			d := doc(t, body)
			if d.Find("nav.user-nav, .site-footer").Length() > 0 {
				t.Errorf("%s: HTMX got a whole page, want the fragment", u)
			}
			mu.Lock()
			out[u] = d
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

func panelID(u string) string {
	id := strings.TrimPrefix(u, "/panels/")
	if i := strings.IndexByte(id, '?'); i >= 0 {
		id = id[:i]
	}
	return id
}

func TestEveryPanelForEveryListenerAndRange(t *testing.T) {
	e := newEnv(t, envOptions{})
	for _, l := range e.listeners(t) {
		c := e.login(t, l.ID)
		for _, tr := range spotify.TimeRanges() {
			docs := loadPanels(t, c, e, panelURLs(t, c, e, "?range="+string(tr)))
			for u, d := range docs {
				id := panelID(u)
				sec := d.Find("section#panel-" + id)
				if sec.Length() != 1 {
					t.Fatalf("%s %s: no section#panel-%s", l.ID, u, id)
				}
				if sec.HasClass("panel--error") {
					t.Errorf("%s %s: error state: %s", l.ID, u, strings.TrimSpace(sec.Find(".panel-error").Text()))
				}
				if _, busy := sec.Attr("aria-busy"); busy {
					t.Errorf("%s %s: still marked busy", l.ID, u)
				}
				if strings.TrimSpace(sec.Find(".panel-body").Text()) == "" && sec.Find("svg, img").Length() == 0 {
					t.Errorf("%s %s: empty panel", l.ID, u)
				}
			}
			// Charts are there, with a text alternative.
			for _, id := range []string{"release-years", "seasons"} {
				for u, d := range docs {
					if panelID(u) == id && d.Find("svg").Length() == 0 {
						t.Errorf("%s %s: no chart", l.ID, u)
					}
				}
			}
			for _, p := range panels.Dashboard().All() {
				path := p.JSONPath
				if p.Ranged {
					path += "?time_range=" + string(tr)
				}
				status, body, _ := get(t, c, e.appURL+path)
				if status != http.StatusOK || !json.Valid(body) || len(body) < 3 {
					t.Errorf("%s %s: %d %.200s", l.ID, path, status, body)
				}
			}
		}
	}
}

// TestTopSongsMatchesSpotify compares the JSON endpoint and the panel with
// what the simulated Spotify itself answers for the user's token: the same
// songs, in Spotify's order.
func TestTopSongsMatchesSpotify(t *testing.T) {
	e := newEnv(t, envOptions{})
	l := e.listeners(t)[1]
	c := e.login(t, l.ID)

	var spotifyTop struct {
		Items []struct {
			Name string `json:"name"`
		} `json:"items"`
	}
	e.spotifyGet(t, l.ID, "/v1/me/top/tracks?time_range=medium_term&limit=50", &spotifyTop)
	var want []string
	for _, it := range spotifyTop.Items {
		want = append(want, it.Name)
	}
	if len(want) < 20 {
		t.Fatalf("Spotify lists %d top tracks: too few to compare", len(want))
	}

	status, body, _ := get(t, c, e.appURL+"/top_songs?time_range=medium_term")
	var songs []analytics.Song
	if status != http.StatusOK || json.Unmarshal(body, &songs) != nil {
		t.Fatalf("/top_songs: %d %.200s", status, body)
	}
	var gotJSON []string
	for i, s := range songs {
		if s.Rank != i+1 {
			t.Errorf("JSON song %d has rank %d", i, s.Rank)
		}
		gotJSON = append(gotJSON, s.Name)
	}
	if !slices.Equal(gotJSON, want) {
		t.Errorf("JSON songs differ from Spotify's order:\n got %q\nwant %q", gotJSON, want)
	}

	const u = "/panels/top-songs?range=medium_term"
	var gotPanel []string
	loadPanels(t, c, e, []string{u})[u].Find("#panel-top-songs .track-title").Each(func(_ int, s *goquery.Selection) {
		s.Find(".explicit").Remove()
		gotPanel = append(gotPanel, strings.TrimSpace(s.Text()))
	})
	if !slices.Equal(gotPanel, want) {
		t.Errorf("panel songs differ from Spotify's order:\n got %q\nwant %q", gotPanel, want)
	}
}

func TestJSONErrors(t *testing.T) {
	e := newEnv(t, envOptions{})
	anon := e.browser(t)
	for _, path := range []string{"/top_songs", "/recently_played", "/artists_falling_off"} {
		status, body, _ := get(t, anon, e.appURL+path)
		if status != http.StatusUnauthorized || strings.TrimSpace(string(body)) != `{"error":"Please log in"}` {
			t.Errorf("anonymous %s: %d %s", path, status, body)
		}
	}
	c := e.login(t, e.listeners(t)[0].ID)
	for _, bad := range []string{"forever", "SHORT_TERM", "%00", "short_term%20"} {
		status, body, _ := get(t, c, e.appURL+"/top_songs?time_range="+bad)
		if status != http.StatusBadRequest || !strings.Contains(string(body), "short_term, medium_term, long_term") {
			t.Errorf("time_range=%s: %d %s", bad, status, body)
		}
	}
	status, body, _ := get(t, c, e.appURL+"/panels/nope", "HX-Request", "true")
	if status != http.StatusBadRequest || !strings.Contains(string(body), "top-songs") {
		t.Errorf("unknown panel: %d, want 400 naming the panels there are", status)
	}
	status, body, _ = get(t, c, e.appURL+"/?range=forever")
	if status != http.StatusBadRequest || !strings.Contains(pageTitle(t, body), "Unknown time range") {
		t.Errorf("dashboard with a bad range: %d", status)
	}
}

// TestJSONErrorsWhenTheSessionLookupFails: the JSON API answers JSON even
// when the session cannot be looked up, and pages answer the error page.
func TestJSONErrorsWhenTheSessionLookupFails(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := e.login(t, e.listeners(t)[0].ID)
	if _, err := e.pool.Exec(context.Background(), "ALTER TABLE euterpe.sessions RENAME TO sessions_gone"); err != nil {
		t.Fatal(err)
	}
	status, body, res := get(t, c, e.appURL+"/top_songs")
	var got errorJSON
	if status != http.StatusInternalServerError || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") ||
		json.Unmarshal(body, &got) != nil || got.Error == "" {
		t.Errorf("/top_songs with a failing session lookup: %d %s %s", status, res.Header.Get("Content-Type"), body)
	}
	if strings.Contains(string(body), "sessions") {
		t.Errorf("the cause leaked to the client: %s", body)
	}
	status, body, res = get(t, c, e.appURL+"/")
	if status != http.StatusInternalServerError || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") ||
		pageTitle(t, body) != "Something went wrong" {
		t.Errorf("/ with a failing session lookup: %d %s", status, res.Header.Get("Content-Type"))
	}
	if !strings.Contains(e.logs.String(), "session lookup failed") {
		t.Error("the failure was not logged")
	}
}

// TestUpstreamEconomy: a cold dashboard fetches each Spotify resource once,
// a warm one fetches nothing.
func TestUpstreamEconomy(t *testing.T) {
	e := newEnv(t, envOptions{})
	l := e.listeners(t)[0]
	c := e.login(t, l.ID)
	e.simPost(t, "/_sim/reset", nil)

	urls := panelURLs(t, c, e, "?range=medium_term")
	loadPanels(t, c, e, urls)
	cold := e.sim.Stats().Requests

	// What the dashboard needs: top tracks for the range and for the last
	// 4 weeks (playlists panel), top artists for all three ranges, recent
	// plays, the playlist pages, and every page of each own playlist.
	limits := map[string]int64{
		"GET /v1/me/top/tracks":             2,
		"GET /v1/me/top/artists":            3,
		"GET /v1/me/player/recently-played": 1,
	}
	for k, max := range limits {
		if cold[k] == 0 || cold[k] > max {
			t.Errorf("cold view: %s called %d times, want 1..%d", k, cold[k], max)
		}
	}
	for k, n := range cold {
		switch {
		case limits[k] > 0, k == "GET /v1/me/playlists", k == "GET /v1/playlists/{id}/items":
		default:
			t.Errorf("cold view called %s %d times: not a resource the dashboard needs", k, n)
		}
	}
	if cold["GET /v1/artists/{id}"] != 0 {
		t.Error("one call per artist: the genres are on the top artists already")
	}
	e.assertPlaylistCalls(t, c, cold)

	e.simPost(t, "/_sim/reset", nil)
	loadPanels(t, c, e, panelURLs(t, c, e, "?range=medium_term"))
	for k, n := range e.sim.Stats().Requests {
		if n != 0 {
			t.Errorf("warm view called %s %d times, want none", k, n)
		}
	}
}

// assertPlaylistCalls: the playlist list and playlist items were read, and
// the playlists panel found top songs in them.
func (e *env) assertPlaylistCalls(t *testing.T, c *http.Client, calls map[string]int64) {
	t.Helper()
	status, body, _ := get(t, c, e.appURL+"/top_playlists")
	if status != http.StatusOK {
		t.Fatalf("/top_playlists: %d", status)
	}
	if calls["GET /v1/me/playlists"] < 1 || calls["GET /v1/playlists/{id}/items"] < 1 {
		t.Fatalf("playlists not walked: %v", calls)
	}
	var rows []map[string]any
	if err := json.Unmarshal(body, &rows); err != nil || len(rows) == 0 {
		t.Fatalf("no playlist contains a top song: %s", body)
	}
}

func TestDevelopmentModeIsHonest(t *testing.T) {
	e := newEnv(t, envOptions{sim: func(c *spotifysim.Config) { c.Mode = spotifysim.ModeDevelopment }})
	c := e.login(t, e.listeners(t)[2].ID)
	docs := loadPanels(t, c, e, panelURLs(t, c, e, "?range=long_term"))
	for u, d := range docs {
		sec := d.Find("section")
		if sec.HasClass("panel--error") {
			t.Errorf("%s broke in development mode: %s", u, sec.Text())
		}
		switch panelID(u) {
		case "hidden-gems", "genres", "seasons":
			if !strings.Contains(sec.Find(".notice").Text(), "Not available for this app") {
				t.Errorf("%s does not say why data is missing", u)
			}
		}
	}
	status, body, _ := get(t, c, e.appURL+"/hidden_gems?time_range=long_term")
	var gems struct {
		Available bool `json:"available"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &gems) != nil || gems.Available {
		t.Fatalf("hidden gems JSON in development mode: %d %s", status, body)
	}
}

func clearFaults(t *testing.T, e *env) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, e.simURL+"/_sim/faults", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
}

func TestOneFailingPanelLeavesTheOthers(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := e.login(t, e.listeners(t)[3].ID)

	// Spotify fails one endpoint with 500: the panels built on it say so
	// and offer a retry; every other panel loads.
	e.simPost(t, "/_sim/faults", map[string]any{"status": 500, "count": -1, "path_prefix": "/v1/me/top/artists"})
	docs := loadPanels(t, c, e, panelURLs(t, c, e, "?range=short_term"))
	for u, d := range docs {
		sec := d.Find("section")
		failed := sec.HasClass("panel--error")
		switch panelID(u) {
		case "top-artists", "genres", "timeless-artists", "falling-off", "seasons", "overview":
			if !failed || sec.Find("button.retry[hx-get]").Length() != 1 {
				t.Errorf("%s: its Spotify data fails, the panel should say so and offer a retry", u)
			}
		default:
			if failed {
				t.Errorf("%s failed although its data is fine: %s", u, sec.Text())
			}
		}
	}
	clearFaults(t, e)
	retry, _ := docs["/panels/top-artists?range=short_term"].Find("button.retry").Attr("hx-get")
	if d := loadPanels(t, c, e, []string{retry})[retry]; d.Find("section").HasClass("panel--error") {
		t.Fatal("retry after the fault cleared still fails")
	}

	// A 429: that panel shows when to retry, panels with data in hand keep
	// working, and Spotify is not called for this user until Retry-After.
	get(t, c, e.appURL+"/top_songs?time_range=medium_term")
	e.simPost(t, "/_sim/faults", map[string]any{"status": 429, "retry_after": 42, "count": -1, "path_prefix": "/v1/me/top/artists"})
	docs = loadPanels(t, c, e, panelURLs(t, c, e, "?range=medium_term"))
	for u, d := range docs {
		sec := d.Find("section")
		switch panelID(u) {
		case "top-artists":
			if msg := sec.Find(".panel-error").Text(); !strings.Contains(msg, "Try again in 4") {
				t.Errorf("rate-limited panel says %q", msg)
			}
		case "top-songs", "top-albums", "hidden-gems", "release-years", "recently-played":
			if sec.HasClass("panel--error") {
				t.Errorf("%s failed during another endpoint's 429: %s", u, sec.Text())
			}
		}
	}
	// Calls a panel began before the 429 arrived may still be landing
	// (cached fetches outlive the request that started them): wait for quiet.
	before := e.settledStats(t)
	status, body, res := get(t, c, e.appURL+"/top_artists?time_range=long_term")
	if status != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || !strings.Contains(string(body), "retry_after") {
		t.Fatalf("JSON while paused: %d %s", status, body)
	}
	if after := e.sim.Stats().Requests; fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("Spotify was called during its Retry-After: %v → %v", before, after)
	}
}

func TestFavouriteRangeIsRemembered(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := e.login(t, e.listeners(t)[0].ID)
	current := func(query string) string {
		_, body, _ := get(t, c, e.appURL+"/"+query)
		return fmt.Sprint(doc(t, body).Find("[aria-current=page]").AttrOr("href", ""))
	}
	if got := current(""); !strings.Contains(got, "short_term") {
		t.Fatalf("default range link %q", got)
	}
	if got := current("?range=long_term"); !strings.Contains(got, "long_term") {
		t.Fatalf("chosen range link %q", got)
	}
	if got := current(""); !strings.Contains(got, "long_term") {
		t.Fatalf("after reload the favourite range is %q, want long_term", got)
	}
	if n := e.count(t, "SELECT count(*) FROM euterpe.user_preferences WHERE favorite_range = 'long_term'"); n != 1 {
		t.Fatalf("%d preference rows", n)
	}
}

// settledStats returns the simulator's request counts once they have stopped
// changing for a moment.
func (e *env) settledStats(t *testing.T) map[string]int64 {
	t.Helper()
	last := fmt.Sprint(e.sim.Stats().Requests)
	for range 50 {
		time.Sleep(100 * time.Millisecond)
		now := e.sim.Stats().Requests
		if fmt.Sprint(now) == last {
			return now
		}
		last = fmt.Sprint(now)
	}
	t.Fatal("the simulator never went quiet")
	return nil
}

// TestWarmPanelsReadOnlyTheSession: once warm, a dashboard panel (and its
// JSON twin) takes one connection, the session's lookup: the Spotify data
// and the top lists' moves are kept, not read again.
func TestWarmPanelsReadOnlyTheSession(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := e.login(t, "walt")
	e.seedSnapshots(t, "walt", e.userID(t, "walt"), 31, 8)
	for _, p := range panels.Dashboard().All() {
		path := "/panels/" + p.ID
		if p.Ranged {
			path += "?range=short_term"
		}
		for _, u := range []string{path, p.JSONPath + "?time_range=short_term"} {
			if status, body, _ := get(t, c, e.appURL+u, "HX-Request", "true"); status != http.StatusOK {
				t.Fatalf("%s: %d %.200s", u, status, body)
			}
			before := e.pool.Stat().AcquireCount()
			if status, _, _ := get(t, c, e.appURL+u, "HX-Request", "true"); status != http.StatusOK {
				t.Fatalf("%s warm: %d", u, status)
			}
			if n := e.pool.Stat().AcquireCount() - before; n != 1 {
				t.Errorf("warm %s took %d connections, want 1 (the session)", u, n)
			}
		}
	}
}

// TestWarmAnswersAreKeptGzipped: a warm panel fragment and a JSON twin are
// kept made per user: gzipped once for a client that takes gzip (not twice:
// one decompression gives the page), the same answer a client without
// gzip gets, and never another user's.
func TestWarmAnswersAreKeptGzipped(t *testing.T) {
	e := newEnv(t, envOptions{})
	walt, ines := e.login(t, "walt"), e.login(t, "ines")
	raw := func(c *http.Client, path string, gz bool) (http.Header, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, e.appURL+path, nil)
		req.Header.Set("HX-Request", "true")
		if gz {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		// The transport asks for gzip itself and hides it unless told not to.
		cc := *c
		cc.Transport = &http.Transport{DisableCompression: true}
		res, err := cc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %.200s", path, res.StatusCode, b)
		}
		return res.Header, b
	}
	for _, path := range []string{"/panels/top-songs?range=short_term", "/panels/recently-played", "/top_songs?time_range=short_term"} {
		_, plain := raw(walt, path, false)
		for round := range 2 { // made, then kept
			h, zipped := raw(walt, path, true)
			if h.Get("Content-Encoding") != "gzip" || !slices.Contains(h.Values("Vary"), "Accept-Encoding") || h.Get("Cache-Control") != "no-store" {
				t.Fatalf("%s round %d: headers %v", path, round, h)
			}
			zr, err := gzip.NewReader(bytes.NewReader(zipped))
			if err != nil {
				t.Fatalf("%s: not gzip: %v", path, err)
			}
			got, err := io.ReadAll(zr)
			if err != nil || !bytes.Equal(got, plain) {
				t.Fatalf("%s round %d: the gzipped answer is not the plain one (%v): %.120q vs %.120q", path, round, err, got, plain)
			}
		}
		if _, theirs := raw(ines, path, false); bytes.Equal(theirs, plain) {
			t.Errorf("%s: ines got walt's answer", path)
		}
	}
}
