package handlers

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/internal/testclock"
	"github.com/euterpe-dev/euterpe/social"
	"github.com/euterpe-dev/euterpe/spotify"
)

// formKey is the request key of the playlist form on the page at path.
func formKey(t testing.TB, c *http.Client, rawURL, action string) string {
	t.Helper()
	_, body, _ := get(t, c, rawURL)
	key, ok := doc(t, body).Find(`form[action="` + action + `"] input[name="key"]`).Attr("value")
	if !ok || !social.ValidToken(key) {
		t.Fatalf("no request key in the form %s on %s", action, rawURL)
	}
	return key
}

// grantThroughForm posts a playlist form whose user has not granted the
// playlist scope yet: the app sends the browser to Spotify's consent page
// asking for it with every scope they have; the listener answers action,
// and the browser lands back where the app says. It returns where.
func (e *env) grantThroughForm(t testing.TB, c *http.Client, listener, path string, form url.Values, action string) *url.URL {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.appURL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	page, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(page.Request.URL.String(), e.simURL+"/authorize") {
		page.Body.Close()
		t.Fatalf("POST %s led to %s, not Spotify's consent page", path, page.Request.URL)
	}
	scopes := strings.Fields(page.Request.URL.Query().Get("scope"))
	want := append(strings.Fields(config.DefaultScope), auth.ScopePlaylistModifyPrivate)
	for _, s := range want {
		if !slices.Contains(scopes, s) {
			t.Errorf("the authorization asks for %q, without %s", scopes, s)
		}
	}
	res := consent(t, c, page, listener, action)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("after the consent: %d at %s", res.StatusCode, res.Request.URL)
	}
	return res.Request.URL
}

// storedScopes are the listener's grant as stored.
func (e *env) storedScopes(t testing.TB, listener string) []string {
	t.Helper()
	var s string
	if err := e.pool.QueryRow(context.Background(), `SELECT t.scope FROM euterpe.user_tokens t
		JOIN euterpe.users u ON u.id = t.user_id WHERE u.spotify_user_id = $1`, listener).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return strings.Fields(s)
}

// simPlaylist finds the listener's playlist named name in the simulated
// account and returns its id and track ids, in order; "" when none.
func (e *env) simPlaylist(t testing.TB, listener, name string) (string, []string, int) {
	t.Helper()
	var list spotify.Page[spotify.SimplifiedPlaylist]
	e.spotifyGet(t, listener, "/v1/me/playlists?limit=50", &list)
	id, n := "", 0
	for _, p := range list.Items {
		if p.Name == name {
			id, n = p.ID, n+1
		}
	}
	if id == "" {
		return "", nil, 0
	}
	var items spotify.Page[spotify.PlaylistItem]
	e.spotifyGet(t, listener, "/v1/playlists/"+id+"/items?limit=50", &items)
	return id, spotify.PlaylistTrackIDs(items.Items), n
}

// A playlist of the top songs: the first click asks Spotify for the
// playlist scope alone on top of the grant's (a declined consent leaves the
// user signed in and nothing made); then the playlist is written with the
// 2026 endpoints, private, in Spotify's order, once however often the same
// form is sent; it is listed in Euterpe's playlist panel at once; a later
// sign-in keeps the scope; another user's grant stays minimal.
func TestTopPlaylistAsksForTheScopeOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	walt, ines := e.login(t, "walt"), e.login(t, "ines")
	if slices.Contains(e.storedScopes(t, "walt"), auth.ScopePlaylistModifyPrivate) {
		t.Fatal("the scope was granted at sign-in")
	}

	// Inès declines: back on the page, told so, signed in, nothing made.
	form := url.Values{"key": {formKey(t, ines, e.appURL+"/playlists", "/playlists/top")}, "range": {"short_term"}}
	back := e.grantThroughForm(t, ines, "ines", "/playlists/top", form, "cancel")
	if back.Path != "/playlists" || back.Query().Get("permission") != "denied" {
		t.Errorf("after declining: %s", back)
	}
	_, body, _ := get(t, ines, back.String())
	if !strings.Contains(doc(t, body).Find(".flash").Text(), "did not give Euterpe permission") || doc(t, body).Find(".user-name").Length() != 1 {
		t.Errorf("the declined page: %.300s", body)
	}

	form = url.Values{"key": {formKey(t, walt, e.appURL+"/playlists", "/playlists/top")}, "range": {"short_term"}}
	back = e.grantThroughForm(t, walt, "walt", "/playlists/top", form, "accept")
	if back.Path != "/playlists" || back.Query().Get("permission") != "granted" {
		t.Errorf("after the consent: %s", back)
	}
	scopes := e.storedScopes(t, "walt")
	for _, s := range append(strings.Fields(config.DefaultScope), auth.ScopePlaylistModifyPrivate) {
		if !slices.Contains(scopes, s) {
			t.Errorf("stored scopes %q lack %s", scopes, s)
		}
	}
	if slices.Contains(e.storedScopes(t, "ines"), auth.ScopePlaylistModifyPrivate) {
		t.Error("ines has the playlist scope without granting it")
	}
	if n := e.count(t, `SELECT count(*) FROM euterpe.made_playlists`); n != 0 {
		t.Fatalf("%d playlists made before the second click", n)
	}

	// The panel is read (and cached) before the playlist exists.
	_, panel, _ := get(t, walt, e.appURL+"/panels/top-playlists", "HX-Request", "true")
	const name = "Top songs · last 4 weeks"
	if strings.Contains(string(panel), name) {
		t.Fatal("the panel lists the playlist before it is made")
	}
	nw := noRedirects(walt)
	var made string
	for i := range 2 { // the same form twice: one playlist
		status, _, res := postForm(t, nw, e.appURL+"/playlists/top", form)
		loc := res.Header.Get("Location")
		if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/playlists?made=") {
			t.Fatalf("make (%d): %d %s", i, status, loc)
		}
		if i == 1 && loc != made {
			t.Errorf("the second send led to %s, the first to %s", loc, made)
		}
		made = loc
	}
	var top spotify.Page[spotify.Track]
	e.spotifyGet(t, "walt", "/v1/me/top/tracks?time_range=short_term&limit=50", &top)
	want := spotifyIDs(top.Items)
	_, body, _ = get(t, walt, e.appURL+made)
	d := doc(t, body)
	if got := d.Find("#made-title").Text(); got != name || !strings.Contains(d.Find(".social-ready").Text(), strconv.Itoa(len(want))+" songs") {
		t.Errorf("the page after making: %q %q", got, d.Find(".social-ready").Text())
	}
	id, tracks, copies := e.simPlaylist(t, "walt", name)
	if id == "" || copies != 1 {
		t.Fatalf("the simulated account has %d playlists named %q", copies, name)
	}
	if len(want) == 0 || !slices.Equal(tracks, want) {
		t.Errorf("the playlist holds %d tracks, not the %d top songs in order", len(tracks), len(want))
	}
	var full struct {
		Public *bool  `json:"public"`
		Desc   string `json:"description"`
	}
	e.spotifyGet(t, "walt", "/v1/playlists/"+id, &full)
	if full.Public == nil || *full.Public || !strings.Contains(full.Desc, "Made by Euterpe") {
		t.Errorf("playlist public %v, description %q", full.Public, full.Desc)
	}
	// Written with the 2026 endpoints only.
	for _, r := range e.sim.RequestLog("/v1/") {
		if r.Method == http.MethodPost && r.Path != "/v1/me/playlists" && !(strings.HasPrefix(r.Path, "/v1/playlists/") && strings.HasSuffix(r.Path, "/items")) {
			t.Errorf("written with %s %s", r.Method, r.Path)
		}
	}
	_, panel, _ = get(t, walt, e.appURL+"/panels/top-playlists", "HX-Request", "true")
	if !strings.Contains(string(panel), name) {
		t.Error("the playlist panel does not list the new playlist")
	}

	// Signing in again keeps the scope.
	_, _, res := get(t, noRedirects(walt), e.appURL+"/login")
	u, _ := url.Parse(res.Header.Get("Location"))
	if got := strings.Fields(u.Query().Get("scope")); !slices.Contains(got, auth.ScopePlaylistModifyPrivate) {
		t.Errorf("a signed-in login asks for %q", got)
	}
	// An anonymous login asks for the configured scopes only.
	_, _, res = get(t, e.anonymous(t), e.appURL+"/login")
	u, _ = url.Parse(res.Header.Get("Location"))
	if got := u.Query().Get("scope"); got != config.DefaultScope {
		t.Errorf("an anonymous login asks for %q", got)
	}
}

// A blend is the documented mix of both friends' stored top tracks, written
// to the account of the friend who asks, with their token alone: the other
// friend's Spotify account is never touched. Either friend gets the same
// tracks.
func TestBlendPlaylist(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	ines := e.historyUser(t, "ines", 20)
	walt := e.historyUser(t, "walt", 20)
	page := e.friends(t, ines.c, walt.c)
	friendship, _ := uuid.Parse(strings.TrimPrefix(page, "/friends/"))
	// Their tastes have nothing in common: Inès takes to the track Walt
	// played most (the first of them to be played, on a tie), played every
	// day, so that it is in both top lists whatever the days hold.
	counts := map[string]int{}
	sharedTrack := walt.listens[0].track
	for _, l := range walt.listens {
		counts[l.track.ID]++
		if counts[l.track.ID] > counts[sharedTrack.ID] {
			sharedTrack = l.track
		}
	}
	var plays []history.Play
	for d := range 20 {
		plays = append(plays, history.Play{Track: sharedTrack, PlayedAt: testclock.Now().Add(-time.Duration(d)*24*time.Hour - 90*time.Minute), MSPlayed: -1})
	}
	e.record(t, ines.id, history.SourcePoll, plays)

	var tracks [2][]string
	for i, who := range []*historyUser{walt, ines} {
		other := map[string]string{"walt": "ines", "ines": "walt"}[who.listener]
		key := formKey(t, who.c, e.appURL+page+"?period=all_time", page+"/blend")
		form := url.Values{"key": {key}, "period": {"all_time"}}
		back := e.grantThroughForm(t, who.c, who.listener, page+"/blend", form, "accept")
		if back.Path != page || back.Query().Get("period") != "all_time" || back.Query().Get("permission") != "granted" {
			t.Errorf("after the consent: %s", back)
		}
		e.simPost(t, "/_sim/reset", nil)
		status, _, res := postForm(t, noRedirects(who.c), e.appURL+page+"/blend", form)
		if status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/playlists?made=") {
			t.Fatalf("%s's blend: %d %s", who.listener, status, res.Header.Get("Location"))
		}
		for _, r := range e.sim.RequestLog("") {
			if r.Listener == other {
				t.Errorf("%s's blend made a call with %s's token: %s %s", who.listener, other, r.Method, r.Path)
			}
		}
		names := map[string]string{"walt": "Walt Brennan", "ines": "Inès Moreau"}
		_, ids, _ := e.simPlaylist(t, who.listener, names[who.listener]+" + "+names[other]+" · a blend")
		if len(ids) == 0 {
			t.Fatalf("no blend in %s's account", who.listener)
		}
		tracks[i] = ids
		_, body, _ := get(t, who.c, e.appURL+res.Header.Get("Location"))
		if got := doc(t, body).Find("#made-playlists").Text(); !strings.Contains(got, "Blend with "+names[other]) {
			t.Errorf("%s's playlists page: %q", who.listener, got)
		}
	}
	if !slices.Equal(tracks[0], tracks[1]) {
		t.Error("the two friends' blends differ")
	}

	// The blend is social.Blend over both stored top 50s.
	now := testclock.Now
	f, err := social.NewFriends(e.pool, now).Friend(context.Background(), walt.id, friendship)
	if err != nil {
		t.Fatal(err)
	}
	c, err := social.NewComparer(e.history, now).Load(context.Background(), social.Person{UserID: walt.id, Name: "Walt Brennan"},
		social.Person{UserID: f.UserID, Name: f.Name}, url.Values{"period": {"all_time"}})
	if err != nil {
		t.Fatal(err)
	}
	blend, err := social.NewPlaylists(e.pool, now).BlendOf(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	shared := 0
	for _, b := range blend {
		want = append(want, b.SpotifyID)
		if b.From == social.FromBoth {
			shared++
		}
	}
	if !slices.Equal(tracks[0], want) || len(want) != social.BlendSize {
		t.Errorf("the blend holds %d tracks, not the %d of social.Blend", len(tracks[0]), len(want))
	}
	if blend[0].From != social.FromBoth || tracks[0][0] != sharedTrack.ID {
		t.Errorf("the blend does not open with the track both love: %+v", blend[0])
	}
	t.Logf("blend: %d tracks, %d of them in both top lists", len(want), shared)
}

// A friend who has no plays in the range leaves nothing to blend: the page
// says so and nothing is written.
func TestBlendOfNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	ines, walt := e.login(t, "ines"), e.login(t, "walt")
	page := e.friends(t, ines, walt)
	form := url.Values{"key": {social.RequestKey()}, "from": {"2020-01-01"}, "to": {"2020-01-31"}}
	e.grantThroughForm(t, walt, "walt", page+"/blend", form, "accept")
	status, _, res := postForm(t, noRedirects(walt), e.appURL+page+"/blend", form)
	loc := res.Header.Get("Location")
	if status != http.StatusSeeOther || !strings.Contains(loc, "playlist=empty") {
		t.Fatalf("an empty blend: %d %s", status, loc)
	}
	_, body, _ := get(t, walt, e.appURL+loc)
	if !strings.Contains(doc(t, body).Find(".flash").Text(), "nothing to put in the playlist") {
		t.Error("the page does not say there was nothing to blend")
	}
	if n := e.count(t, `SELECT count(*) FROM euterpe.made_playlists`); n != 0 {
		t.Errorf("%d playlists recorded", n)
	}
	if n := len(e.sim.RequestLog("/v1/me/playlists")); n != 0 {
		t.Errorf("%d playlist requests for an empty blend", n)
	}
}
