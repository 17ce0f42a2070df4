package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/euterpe-dev/euterpe/analytics"
	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/internal/testclock"
	"github.com/euterpe-dev/euterpe/spotify/spotifysim"
	"github.com/google/uuid"
)

func topSongs(t *testing.T, c *http.Client, e *env) []analytics.Song {
	t.Helper()
	status, body, _ := get(t, c, e.appURL+"/top_songs?time_range=short_term")
	if status != http.StatusOK {
		t.Fatalf("/top_songs: %d %s", status, body)
	}
	var songs []analytics.Song
	if err := json.Unmarshal(body, &songs); err != nil {
		t.Fatal(err)
	}
	return songs
}

// navName is the user name the navbar shows.
func navName(t *testing.T, c *http.Client, e *env) string {
	t.Helper()
	status, body, _ := get(t, c, e.appURL+"/")
	if status != http.StatusOK {
		t.Fatalf("/: %d", status)
	}
	name := doc(t, body).Find(".user-name").First()
	name.Find(".visually-hidden").Remove() // "Signed in as", for screen readers
	return strings.TrimSpace(name.Text())
}

func TestTwoListenersSeeOnlyTheirOwnData(t *testing.T) {
	e := newEnv(t, envOptions{})
	ls := e.listeners(t)
	a, b := ls[0], ls[1]

	var ca, cb *http.Client
	var wg sync.WaitGroup
	wg.Go(func() { ca = e.login(t, a.ID) })
	wg.Go(func() { cb = e.login(t, b.ID) })
	wg.Wait()

	if got := navName(t, ca, e); got != a.DisplayName {
		t.Fatalf("A's navbar shows %q, want %q", got, a.DisplayName)
	}
	if got := navName(t, cb, e); got != b.DisplayName {
		t.Fatalf("B's navbar shows %q, want %q", got, b.DisplayName)
	}
	wantA, wantB := topSongs(t, ca, e), topSongs(t, cb, e)
	if len(wantA) == 0 || reflect.DeepEqual(wantA, wantB) {
		t.Fatal("the two listeners' top songs are empty or identical: the test could not tell them apart")
	}

	// 10,000 interleaved requests; not one may carry the other user's data.
	const total = 10000
	var wrong, failed atomic.Int64
	work := make(chan int)
	var workers sync.WaitGroup
	for range 16 {
		workers.Go(func() {
			for i := range work {
				c, want := ca, wantA
				if i%2 == 1 {
					c, want = cb, wantB
				}
				res, err := c.Get(e.appURL + "/top_songs?time_range=short_term")
				if err != nil {
					failed.Add(1)
					continue
				}
				var got []analytics.Song
				err = json.NewDecoder(res.Body).Decode(&got)
				res.Body.Close()
				if err != nil || res.StatusCode != http.StatusOK {
					failed.Add(1)
					continue
				}
				if !reflect.DeepEqual(got, want) {
					wrong.Add(1)
				}
			}
		})
	}
	for i := range total {
		work <- i
	}
	close(work)
	workers.Wait()
	if wrong.Load() != 0 || failed.Load() != 0 {
		t.Fatalf("%d answers carried the other user's data, %d failed", wrong.Load(), failed.Load())
	}
}

func TestLoginLogsAndStoresNoPlaintext(t *testing.T) {
	e := newEnv(t, envOptions{})
	l := e.listeners(t)[2]
	c := e.login(t, l.ID)
	topSongs(t, c, e)

	if !strings.Contains(e.logs.String(), fmt.Sprintf("User %s (%s) logged in successfully", l.DisplayName, l.ID)) {
		t.Fatalf("no login line in logs:\n%s", e.logs.String())
	}
	// The tokens as the app holds them, decrypted.
	var accessEnc, refreshEnc string
	if err := e.pool.QueryRow(context.Background(), "SELECT access_token_encrypted, refresh_token_encrypted FROM euterpe.user_tokens").Scan(&accessEnc, &refreshEnc); err != nil {
		t.Fatal(err)
	}
	access, err := e.cfg.Keys.Decrypt(accessEnc)
	if err != nil {
		t.Fatal(err)
	}
	refresh, err := e.cfg.Keys.Decrypt(refreshEnc)
	if err != nil {
		t.Fatal(err)
	}
	e.expireToken(t, l.ID) // a refresh too, so new tokens pass through
	topSongsFresh(t, c, e)
	assertNoPlaintext(t, e, access, refresh)
}

// topSongsFresh asks for a range not cached yet, so Spotify is called.
func topSongsFresh(t *testing.T, c *http.Client, e *env) {
	t.Helper()
	status, body, _ := get(t, c, e.appURL+"/top_songs?time_range=long_term")
	if status != http.StatusOK {
		t.Fatalf("/top_songs long_term: %d %s", status, body)
	}
}

// assertNoPlaintext scans every text and bytea column of every euterpe table,
// and the logs, for the given plaintext tokens and the current ones.
func assertNoPlaintext(t *testing.T, e *env, tokens ...string) {
	t.Helper()
	ctx := context.Background()
	rows, err := e.pool.Query(ctx, "SELECT access_token_encrypted, refresh_token_encrypted FROM euterpe.user_tokens")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var a, r string
		if err := rows.Scan(&a, &r); err != nil {
			t.Fatal(err)
		}
		pa, _ := e.cfg.Keys.Decrypt(a)
		pr, _ := e.cfg.Keys.Decrypt(r)
		tokens = append(tokens, pa, pr)
	}
	rows.Close()
	cols, err := e.pool.Query(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = 'euterpe' AND data_type IN ('text', 'character varying', 'bytea')`)
	if err != nil {
		t.Fatal(err)
	}
	type col struct{ table, column string }
	var all []col
	for cols.Next() {
		var c col
		if err := cols.Scan(&c.table, &c.column); err != nil {
			t.Fatal(err)
		}
		all = append(all, c)
	}
	cols.Close()
	if len(all) < 5 {
		t.Fatalf("found only %d text columns in euterpe: the scan is not looking", len(all))
	}
	for _, c := range all {
		for _, tok := range tokens {
			if tok == "" {
				t.Fatal("empty token: nothing to look for")
			}
			n := e.count(t, fmt.Sprintf(`SELECT count(*) FROM euterpe.%s WHERE position($1 in convert_from(convert_to(%s::text, 'UTF8'), 'UTF8')) > 0`, c.table, c.column), tok)
			if n != 0 {
				t.Errorf("plaintext token found in euterpe.%s.%s", c.table, c.column)
			}
		}
	}
	mustContainNone(t, "the logs", e.logs.String(), append(tokens, e.secrets...)...)
}

func TestRefreshRaceMakesOneTokenCall(t *testing.T) {
	e := newEnv(t, envOptions{sim: func(c *spotifysim.Config) { c.RotateRefresh = true }})
	l := e.listeners(t)[0]
	c := e.login(t, l.ID)
	e.expireToken(t, l.ID)
	e.simPost(t, "/_sim/reset", nil)

	// 50 requests at once, over panels and endpoints that need different
	// Spotify resources, so the cache does not hide the race.
	paths := []string{"/top_songs?time_range=short_term", "/top_artists?time_range=medium_term", "/recently_played",
		"/top_songs?time_range=long_term", "/artists_standing_test_of_time"}
	var wg sync.WaitGroup
	var bad atomic.Int64
	for i := range 50 {
		wg.Go(func() {
			status, body, _ := get(t, c, e.appURL+paths[i%len(paths)])
			if status != http.StatusOK {
				bad.Add(1)
				t.Logf("request %d: %d %s", i, status, body)
			}
		})
	}
	wg.Wait()
	if bad.Load() != 0 {
		t.Fatalf("%d of 50 requests failed", bad.Load())
	}
	if got := e.sim.Stats().TokenGrants["refresh_token"]; got != 1 {
		t.Fatalf("%d refresh_token grants, want exactly 1", got)
	}
	if !strings.Contains(e.logs.String(), "Refreshing token for user ") {
		t.Error("no 'Refreshing token for user' log line")
	}
	if e.count(t, "SELECT count(*) FROM euterpe.sessions") != 1 {
		t.Fatal("the session did not survive the refresh")
	}
}

// TestRefreshRaceAcrossProcesses: two app instances (two dynos) share the
// database but not memory; the row lock alone keeps it to one refresh.
func TestRefreshRaceAcrossProcesses(t *testing.T) {
	e := newEnv(t, envOptions{sim: func(c *spotifysim.Config) { c.RotateRefresh = true }})
	l := e.listeners(t)[1]
	c := e.login(t, l.ID)
	e.expireToken(t, l.ID)
	e.simPost(t, "/_sim/reset", nil)
	sessionCookie := cookieValue(t, c, e, "euterpe_session")

	other := auth.New(auth.Options{Log: discardLogger(), Pool: e.pool, Config: e.cfg, HTTP: http.DefaultClient, Now: testclock.Now})
	var wg sync.WaitGroup
	var failed atomic.Int64
	for i := range 40 {
		svc := e.auth
		if i%2 == 1 {
			svc = other
		}
		wg.Go(func() {
			p, err := svc.Principal(context.Background(), sessionCookie)
			if err == nil {
				_, err = svc.AccessToken(context.Background(), p, false)
			}
			if err != nil {
				failed.Add(1)
				t.Log(err)
			}
		})
	}
	wg.Wait()
	if failed.Load() != 0 {
		t.Fatalf("%d token requests failed", failed.Load())
	}
	if got := e.sim.Stats().TokenGrants["refresh_token"]; got != 1 {
		t.Fatalf("%d refresh_token grants across two processes, want exactly 1", got)
	}
}

func TestRefreshKeepsOrRotatesTheRefreshToken(t *testing.T) {
	for _, rotate := range []bool{false, true} {
		t.Run(fmt.Sprintf("rotate=%v", rotate), func(t *testing.T) {
			e := newEnv(t, envOptions{sim: func(c *spotifysim.Config) { c.RotateRefresh = rotate }})
			l := e.listeners(t)[3]
			c := e.login(t, l.ID)
			before := e.refreshToken(t)
			for range 3 { // several refreshes: each must work with what was stored
				e.expireToken(t, l.ID)
				e.auth2(t, c)
			}
			after := e.refreshToken(t)
			if rotate && after == before {
				t.Fatal("Spotify rotated the refresh token but the old one is still stored")
			}
			if !rotate && after != before {
				t.Fatal("the refresh response had no refresh token, yet the stored one changed")
			}
		})
	}
}

func (e *env) refreshToken(t *testing.T) string {
	t.Helper()
	var enc string
	if err := e.pool.QueryRow(context.Background(), "SELECT refresh_token_encrypted FROM euterpe.user_tokens").Scan(&enc); err != nil {
		t.Fatal(err)
	}
	plain, err := e.cfg.Keys.Decrypt(enc)
	if err != nil {
		t.Fatal(err)
	}
	return plain
}

// auth2 forces a Spotify call through the app (the cache is bypassed by
// asking for a fresh token directly).
func (e *env) auth2(t *testing.T, c *http.Client) {
	t.Helper()
	p, err := e.auth.Principal(context.Background(), cookieValue(t, c, e, "euterpe_session"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.auth.Client(p).Me(context.Background()); err != nil {
		t.Fatalf("a call after refresh failed: %v", err)
	}
}

func cookieValue(t testing.TB, c *http.Client, e *env, name string) string {
	t.Helper()
	u, _ := url.Parse(e.appURL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	t.Fatalf("no %s cookie", name)
	return ""
}

func TestRevokedGrantLogsOutCleanly(t *testing.T) {
	e := newEnv(t, envOptions{})
	l := e.listeners(t)[0]
	c := e.login(t, l.ID)
	htmx := e.login(t, l.ID) // a second tab, for the HTMX answer
	page := e.login(t, l.ID) // and a third, for a page
	e.simPost(t, "/_sim/revoke?listener="+l.ID, nil)

	// The access token still looks valid to the app: Spotify answers 401,
	// the app refreshes once, Spotify says invalid_grant.
	status, body, _ := get(t, c, e.appURL+"/top_songs?time_range=long_term")
	if status != http.StatusUnauthorized || strings.TrimSpace(string(body)) != `{"error":"Please log in again"}` {
		t.Fatalf("JSON after revoke: %d %s", status, body)
	}
	if n := e.count(t, "SELECT count(*) FROM euterpe.user_tokens"); n != 0 {
		t.Fatalf("%d token rows left after a revoked grant", n)
	}
	// Other tabs: HTMX is redirected, a page shows the notice.
	status, _, res := get(t, noRedirects(htmx), e.appURL+"/panels/top-songs?range=medium_term", "HX-Request", "true")
	if res.Header.Get("HX-Redirect") != "/login?reason=expired" || status != http.StatusOK {
		t.Fatalf("HTMX after revoke: %d HX-Redirect=%q", status, res.Header.Get("HX-Redirect"))
	}
	status, body, res = get(t, page, e.appURL+"/")
	if status != http.StatusOK || res.Request.URL.RequestURI() != "/login?reason=expired" ||
		!strings.Contains(doc(t, body).Find("[role=status]").Text(), "Please log in again") {
		t.Fatalf("page after revoke: %d at %s", status, res.Request.URL)
	}
	if n := e.count(t, "SELECT count(*) FROM euterpe.sessions"); n != 0 {
		t.Fatalf("%d sessions left after a revoked grant", n)
	}
	// Logging in again works.
	e.loginWith(t, c, l.ID)
	topSongs(t, c, e)
}

// The background poller is the first to find the grant revoked: the
// dashboard's next page, panel or JSON call says "Please log in again",
// never the landing page shown to a stranger.
func TestRevokedGrantFoundInTheBackground(t *testing.T) {
	e := newEnv(t, envOptions{})
	l := e.listeners(t)[3]
	page, panel, api := e.login(t, l.ID), e.login(t, l.ID), e.login(t, l.ID)
	var userID uuid.UUID
	if err := e.pool.QueryRow(context.Background(), "SELECT id FROM euterpe.users WHERE spotify_user_id = $1", l.ID).Scan(&userID); err != nil {
		t.Fatal(err)
	}
	e.simPost(t, "/_sim/revoke?listener="+l.ID, nil)
	e.expireToken(t, l.ID)
	client, err := e.auth.ClientForUser(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Me(context.Background()); !errors.Is(err, auth.ErrLoginRequired) {
		t.Fatalf("the poller's call after revocation: %v, want ErrLoginRequired", err)
	}

	status, body, res := get(t, page, e.appURL+"/?range=medium_term")
	if status != http.StatusOK || res.Request.URL.RequestURI() != "/login?reason=expired" ||
		!strings.Contains(doc(t, body).Find("[role=status]").Text(), "Please log in again") {
		t.Fatalf("the dashboard after the poller found the grant gone: %d at %s", status, res.Request.URL)
	}
	// Every other device of theirs is told too.
	status, _, res = get(t, noRedirects(panel), e.appURL+"/panels/top-songs?range=medium_term", "HX-Request", "true")
	if status != http.StatusOK || res.Header.Get("HX-Redirect") != "/login?reason=expired" {
		t.Fatalf("HTMX after the poller found the grant gone: %d HX-Redirect=%q", status, res.Header.Get("HX-Redirect"))
	}
	if status, body, _ := get(t, api, e.appURL+"/top_songs"); status != http.StatusUnauthorized || !strings.Contains(string(body), "Please log in again") {
		t.Fatalf("JSON after the poller found the grant gone: %d %s", status, body)
	}
	if n := e.count(t, "SELECT count(*) FROM euterpe.sessions"); n != 0 {
		t.Fatalf("%d sessions left", n)
	}
}

func TestRevokedGrantOnRefreshShowsPleaseLogInAgain(t *testing.T) {
	e := newEnv(t, envOptions{})
	l := e.listeners(t)[1]
	c := e.login(t, l.ID)
	e.simPost(t, "/_sim/revoke?listener="+l.ID, nil)
	e.expireToken(t, l.ID)

	status, _, res := get(t, noRedirects(c), e.appURL+"/panels/top-songs?range=long_term", "HX-Request", "true")
	if status != http.StatusOK || res.Header.Get("HX-Redirect") != "/login?reason=expired" {
		t.Fatalf("HTMX panel after revoke: %d HX-Redirect=%q", status, res.Header.Get("HX-Redirect"))
	}
	status, body, _ := get(t, c, e.appURL+"/login?reason=expired")
	if status != http.StatusOK || !strings.Contains(doc(t, body).Find("[role=status]").Text(), "Please log in again") {
		t.Fatalf("login page after revoke: %d %s", status, body)
	}
}

func TestTokenEndpointDownKeepsUserLoggedIn(t *testing.T) {
	e := newEnv(t, envOptions{})
	l := e.listeners(t)[2]
	c := e.login(t, l.ID)
	e.expireToken(t, l.ID)
	e.simPost(t, "/_sim/faults", map[string]any{"status": 503, "count": -1, "path_prefix": "/api/token"})

	status, body, _ := get(t, c, e.appURL+"/top_songs?time_range=long_term")
	if status != http.StatusServiceUnavailable || !strings.Contains(string(body), "not answering") {
		t.Fatalf("with the token endpoint down: %d %s", status, body)
	}
	if e.count(t, "SELECT count(*) FROM euterpe.user_tokens") != 1 || e.count(t, "SELECT count(*) FROM euterpe.sessions") != 1 {
		t.Fatal("a Spotify outage logged the user out")
	}
	// Spotify comes back: the same session works.
	req, _ := http.NewRequest(http.MethodDelete, e.simURL+"/_sim/faults", nil)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusNoContent {
		t.Fatalf("clear faults: %v", err)
	}
	topSongsFresh(t, c, e)
}

func TestUndecryptableTokenAsksToLogInAgain(t *testing.T) {
	e := newEnv(t, envOptions{})
	l := e.listeners(t)[4]
	c := e.login(t, l.ID)
	// Written under a key that is no longer configured.
	if _, err := e.pool.Exec(context.Background(), "UPDATE euterpe.user_tokens SET access_token_encrypted = 'gAAAAABforeign', refresh_token_encrypted = 'gAAAAABforeign'"); err != nil {
		t.Fatal(err)
	}
	status, body, _ := get(t, c, e.appURL+"/top_songs?time_range=medium_term")
	if status != http.StatusUnauthorized || !strings.Contains(string(body), "Please log in again") {
		t.Fatalf("undecryptable token: %d %s", status, body)
	}
	if !strings.Contains(e.logs.String(), "cannot be decrypted") || strings.Contains(e.logs.String(), "gAAAAABforeign") {
		t.Fatal("the log should name the problem and the user, never the value")
	}
}

func TestSpotify401RefreshesOnceAndRetries(t *testing.T) {
	e := newEnv(t, envOptions{})
	l := e.listeners(t)[0]
	c := e.login(t, l.ID)

	// One 401: the app refreshes and retries, and the user sees their data.
	e.simPost(t, "/_sim/reset", nil)
	e.simPost(t, "/_sim/faults", map[string]any{"status": 401, "count": 1, "path_prefix": "/v1/me/top/tracks"})
	topSongs(t, c, e)
	if st := e.sim.Stats(); st.TokenGrants["refresh_token"] != 1 || st.Requests["GET /v1/me/top/tracks"] != 2 {
		t.Fatalf("after one 401: %d refreshes, %d calls; want 1 and 2", st.TokenGrants["refresh_token"], st.Requests["GET /v1/me/top/tracks"])
	}

	// 401 again after the refresh: the grant is no good, log in again.
	e.simPost(t, "/_sim/faults", map[string]any{"status": 401, "count": 2, "path_prefix": "/v1/me/top/tracks"})
	status, body, _ := get(t, c, e.appURL+"/top_songs?time_range=long_term")
	if status != http.StatusUnauthorized || !strings.Contains(string(body), "Please log in again") {
		t.Fatalf("after a refused fresh token: %d %s", status, body)
	}
	if e.count(t, "SELECT count(*) FROM euterpe.sessions") != 0 || e.count(t, "SELECT count(*) FROM euterpe.user_tokens") != 0 {
		t.Fatal("sessions or tokens left after Spotify refused a fresh token")
	}
}
