package e2e

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/internal/testclock"
	"github.com/euterpe-dev/euterpe/internal/testdb"
	"github.com/euterpe-dev/euterpe/social"
)

// ---- helpers of the sharing and friends tests ----

// readyLink is the link a page shows once, just made (a share or an
// invite), and its token: what follows prefix.
func readyLink(t *testing.T, p *person, prefix string) (string, string) {
	t.Helper()
	p.do(t, loaded("the link made just now", `!!document.querySelector(".social-ready input.social-url")`))
	link := eval[string](t, p, `document.querySelector(".social-ready input.social-url").value`)
	_, token, ok := strings.Cut(link, prefix)
	if !ok || !social.ValidToken(token) {
		t.Fatalf("%s: the page shows the link %q, want …%s followed by a token", p.name, link, prefix)
	}
	return link, token
}

// shareOptions is a share form as a person fills it in.
type shareOptions struct {
	kind     string            // year, history or dashboard
	selects  map[string]string // select name → value (year, range, period, expires)
	panels   []string          // the panels to keep ticked; the others are unticked
	hideName bool
}

// makeShare fills in the form of kind on /shares as a person would (selects,
// clicks on the checkboxes) and returns the link the page shows once.
func makeShare(t *testing.T, app *demo, p *person, o shareOptions) (string, string) {
	t.Helper()
	form := "#share-" + o.kind + " form"
	p.do(t,
		chromedp.Navigate(app.URL+"/shares"),
		loaded("the share forms", `!!document.querySelector(`+jsString(form)+`)`),
	)
	for name, value := range o.selects {
		p.do(t, chromedp.SetValue(chromedp.CSS(form+` select[name="`+name+`"]`), value))
	}
	for _, v := range eval[[]string](t, p, `[...document.querySelectorAll(`+jsString(form+` input[name="panel"]`)+`)].map((c) => c.value)`) {
		box := form + ` input[name="panel"][value="` + v + `"]`
		if eval[bool](t, p, `document.querySelector(`+jsString(box)+`).checked`) != slices.Contains(o.panels, v) {
			p.do(t, chromedp.Click(chromedp.CSS(box)))
		}
	}
	if o.hideName {
		p.do(t, chromedp.Click(chromedp.CSS(form+` input[name="show_name"]`)))
	}
	p.do(t, chromedp.Click(chromedp.CSS(form+` button[type="submit"]`)))
	return readyLink(t, p, "/s/")
}

// shareRow is a row of the owner's list of links.
type shareRow struct {
	What    string `json:"what"`
	Shows   string `json:"shows"`
	Name    string `json:"name"`
	Expires string `json:"expires"`
	Views   string `json:"views"`
}

const shareRows = `[...document.querySelectorAll(".social-table tbody tr")].map((tr) => {
	const td = [...tr.querySelectorAll("td")].map((c) => c.innerText.trim().replace(/\s+/g, " "));
	return {what: td[0], shows: td[1], name: td[2], expires: td[3], views: td[4]};
})`

// visit opens rawURL in p's tab and returns the HTTP status it answered
// with and its headers.
func visit(t *testing.T, p *person, rawURL string) (int64, map[string]string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, time.Minute)
	defer cancel()
	res, err := chromedp.Run(ctx, chromedp.NavigateResponse(rawURL))
	if err != nil || res == nil {
		t.Fatalf("%s: open %s: %v%s", p.name, rawURL, err, p.failureContext(t))
	}
	p.do(t, loaded("the page at "+rawURL, "true"))
	h := map[string]string{}
	for k, v := range res.Headers {
		h[strings.ToLower(k)], _ = v.(string)
	}
	return res.Status, h
}

// spotifyLog is the simulator's log of Spotify requests.
type spotifyLog struct {
	Requests []struct {
		Method   string    `json:"method"`
		Path     string    `json:"path"`
		Listener string    `json:"listener"`
		Status   int       `json:"status"`
		Started  time.Time `json:"started"`
	} `json:"requests"`
}

func (d *demo) spotifyLog(t *testing.T, listener string) spotifyLog {
	t.Helper()
	var l spotifyLog
	if err := json.Unmarshal(d.sim(t, "GET", "/_sim/log?listener="+url.QueryEscape(listener), nil), &l); err != nil {
		t.Fatal(err)
	}
	return l
}

// befriend makes a and b friends through the pages: a makes an invite on
// /friends, b opens its link and accepts. It returns the invite's link and
// the path of b's compare page.
func befriend(t *testing.T, app *demo, a, b *person, inviterName string) (string, string) {
	t.Helper()
	a.do(t,
		chromedp.Navigate(app.URL+"/friends"),
		loaded("the friends page", `!!document.querySelector('form[action="/friends/invites"] button')`),
		chromedp.Click(chromedp.CSS(`form[action="/friends/invites"] button`)),
	)
	link, token := readyLink(t, a, "/friends/join/")
	if link != app.URL+"/friends/join/"+token {
		t.Errorf("the invite link is %q, want it on the site's own address", link)
	}
	b.do(t,
		chromedp.Navigate(link),
		loaded("the invite", `!!document.querySelector("#invite-title")`),
	)
	if got := eval[string](t, b, `document.querySelector("#invite-title").textContent.trim()`); got != inviterName+" invites you to be friends on Euterpe" {
		t.Errorf("the invite says %q", got)
	}
	b.do(t,
		chromedp.Click(chromedp.CSS(`form[action="/friends/join/`+token+`"] button[type="submit"]`)),
		loaded("the compare page after accepting", `/^\/friends\/[0-9a-f-]{36}$/.test(location.pathname) && !!document.querySelector(".social-score-value")`),
	)
	return link, eval[string](t, b, `location.pathname`)
}

// friendNames are the friends /friends lists.
func friendNames(t *testing.T, app *demo, p *person) []string {
	t.Helper()
	p.do(t,
		chromedp.Navigate(app.URL+"/friends"),
		loaded("the friends page", `!!document.querySelector("#friends-title")`),
	)
	return eval[[]string](t, p, `[...document.querySelectorAll(".social-friends a")].map((a) => a.textContent.trim())`)
}

// topOf is p's top list of kind ("artists" or "tracks") over all time as
// History's JSON has it, as the affinity's input.
func topOf(t *testing.T, p *person, kind string) []social.Weighted {
	t.Helper()
	type item struct {
		ID    int64 `json:"id"`
		Plays int64 `json:"plays"`
	}
	var out []social.Weighted
	for _, it := range eval[[]item](t, p, historyJSONField("period=all_time", "j.top."+kind+".items")) {
		out = append(out, social.Weighted{ID: it.ID, Plays: it.Plays})
	}
	if len(out) == 0 {
		t.Fatalf("%s has no top %s in History", p.name, kind)
	}
	return out
}

// waitForQuietSnapshots waits until the background snapshots of the top
// lists are done: the dispatcher has run once (as River's leader starts)
// and no snapshot is due or running. The next dispatch is 15 minutes
// later, so until then every Spotify call is somebody's doing (or a poll).
func waitForQuietSnapshots(t *testing.T, dbURL string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for {
		var quiet bool
		err := conn.QueryRow(ctx, `SELECT count(*) FILTER (WHERE state NOT IN ('completed', 'discarded', 'cancelled')) = 0
				AND count(*) FILTER (WHERE kind = 'dispatch_snapshots' AND state = 'completed') > 0
			FROM euterpe.river_job WHERE queue = 'snapshots'`).Scan(&quiet)
		switch {
		case err != nil:
			t.Fatalf("wait for the snapshots: %v", err)
		case quiet:
			return
		}
		select {
		case <-ctx.Done():
			t.Fatal("the background snapshots of the top lists did not finish within two minutes")
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// ---- the tests ----

// A listener shares a year in review (name shown) and a top list of 6
// months (artists only, name hidden); someone with no session opens both:
// read-only pages that ask not to be indexed nor sent as a referrer, show
// the chosen parts with the owner's own figures and nothing else, and cost
// no Spotify call. The owner's list counts the views; a revoked link is a
// 404 at once, while the other still works.
func TestShareLinkInABrowser(t *testing.T) {
	t.Parallel()
	skipIfRequested(t)
	dbURL := testdb.Create(t)
	app, _ := launchDemo(t, binary(t), dbURL, freeAddr(t), freeAddr(t))
	owner := newPerson(t, "walt")
	owner.do(t, setTimezone("UTC"), logIn(app, "walt"), panelsLoaded)
	year := strconv.Itoa(testclock.Now().UTC().Year())
	// Snapshots of the top lists are taken in the background as the demo
	// starts: wait for them, so that what Spotify is asked for walt from
	// here on is somebody's doing.
	waitForQuietSnapshots(t, dbURL)

	type yearJSON struct {
		Minutes    int64 `json:"minutes"`
		Plays      int64 `json:"plays"`
		DaysPlayed int64 `json:"days_with_plays"`
		Artists    int64 `json:"distinct_artists"`
		TopTracks  []struct {
			Name string `json:"name"`
		} `json:"top_tracks"`
	}
	want := eval[yearJSON](t, owner, `fetch("/year/`+year+`?format=json").then((r) => r.ok ? r.json() : Promise.reject(new Error("the year as JSON answered " + r.status)))`)
	if want.Plays == 0 || len(want.TopTracks) == 0 {
		t.Fatalf("walt's year %s has no plays: %+v", year, want)
	}

	yearLink, yearToken := makeShare(t, app, owner, shareOptions{kind: "year",
		selects: map[string]string{"year": year, "expires": "never"}, panels: []string{"summary", "top-songs", "clock"}})
	if !strings.HasPrefix(yearLink, app.URL+"/s/") {
		t.Errorf("the link is %q, want it on the site's own address", yearLink)
	}
	topLink, _ := makeShare(t, app, owner, shareOptions{kind: "dashboard",
		selects: map[string]string{"range": "medium_term"}, panels: []string{"top-artists"}, hideName: true})
	rows := eval[[]shareRow](t, owner, shareRows)
	if len(rows) != 2 || !strings.HasPrefix(rows[0].What, "Top lists · Last 6 months made ") || rows[0].Shows != "Top artists" ||
		rows[0].Name != "hidden / hidden" || !inDays(rows[0].Expires, 7) ||
		!strings.HasPrefix(rows[1].What, year+" in review made ") || rows[1].Shows != "The year in numbers, Top songs, When they listened" ||
		rows[1].Name != "shown / hidden" || rows[1].Expires != "Never" || rows[0].Views != "0" || rows[1].Views != "0" {
		t.Errorf("the owner's links read %+v", rows)
	}

	// Someone with no session opens the year.
	anon := newPerson(t, "anonymous")
	before := time.Now()
	status, headers := visit(t, anon, yearLink)
	if status != 200 {
		t.Fatalf("the year's link answered %d", status)
	}
	for h, v := range map[string]string{"x-robots-tag": "noindex", "referrer-policy": "no-referrer", "cache-control": "no-store"} {
		if !strings.Contains(headers[h], v) {
			t.Errorf("the share page's %s is %q, want it to hold %q", h, headers[h], v)
		}
	}
	anon.do(t, loaded("the shared year", `!!document.querySelector(".shared-head h1")`))
	type sharedYear struct {
		Robots, Referrer, By, Title, TopSong string
		Big                                  []string
		Sections                             []string
		Clock, Forms, Scripts, Private       int
		Cookie                               string
	}
	got := eval[sharedYear](t, anon, `(() => ({
		Robots: (document.querySelector('meta[name="robots"]') || {}).content || "",
		Referrer: (document.querySelector('meta[name="referrer"]') || {}).content || "",
		By: document.querySelector(".shared-by-name").textContent.trim(),
		Title: document.querySelector(".shared-head h1").textContent.trim(),
		TopSong: (document.querySelector("#year-songs-title + ol .year-top-name") || {textContent: ""}).textContent.trim(),
		Big: [...document.querySelectorAll(".year-big-value")].map((e) => e.textContent.trim().replaceAll(",", "")),
		Sections: [...document.querySelectorAll(".year-card h2")].map((h) => h.id),
		Clock: document.querySelectorAll(".chart--clock rect").length,
		Forms: document.querySelectorAll("form").length,
		Scripts: document.querySelectorAll("script").length,
		Private: document.querySelectorAll('.user-name, .logout-form, a[href^="/history"], a[href^="/year"], a[href^="/export"], a[href^="/shares"], a[href^="/friends"]').length,
		Cookie: document.cookie,
	}))()`)
	if !strings.Contains(got.Robots, "noindex") || got.Referrer != "no-referrer" {
		t.Errorf("meta robots %q, meta referrer %q", got.Robots, got.Referrer)
	}
	if got.By != "Shared by Walt Brennan" || !strings.Contains(got.Title, year) {
		t.Errorf("the shared year says %q, titled %q", got.By, got.Title)
	}
	if wantBig := []string{strconv.FormatInt(want.Minutes, 10), strconv.FormatInt(want.Plays, 10), strconv.FormatInt(want.DaysPlayed, 10),
		strconv.FormatInt(want.Artists, 10)}; !slices.Equal(got.Big, wantBig) {
		t.Errorf("the shared year's figures read %q, the owner's year says %q", got.Big, wantBig)
	}
	if got.TopSong != want.TopTracks[0].Name {
		t.Errorf("the shared top song is %q, the owner's year says %q", got.TopSong, want.TopTracks[0].Name)
	}
	if !slices.Equal(got.Sections, []string{"year-songs-title", "year-clock-title"}) || got.Clock != 7*24 {
		t.Errorf("the shared year shows %q and %d clock cells, want the top songs and the clock only", got.Sections, got.Clock)
	}
	if got.Forms != 0 || got.Scripts != 0 || got.Private != 0 || got.Cookie != "" {
		t.Errorf("the share page has %d forms, %d scripts, %d links to the owner's pages, cookies %q: it must be read-only",
			got.Forms, got.Scripts, got.Private, got.Cookie)
	}
	html := eval[string](t, anon, `document.documentElement.outerHTML`)
	mustNotHold(t, "the shared year", html, `"walt"`, "/walt", "walt@", yearToken[:12]+"x", "/image/user/")

	// The top list: artists only, as Spotify ranked them on the snapshot's
	// day, and not a word of who shared it.
	if status, _ := visit(t, anon, topLink); status != 200 {
		t.Fatalf("the top list's link answered %d", status)
	}
	anon.do(t, loaded("the shared top list", `!!document.querySelector(".shared-head h1")`))
	type sharedTop struct {
		By, Sub string
		Panels  []string
		Artists []string
	}
	top := eval[sharedTop](t, anon, `(() => ({
		By: document.querySelector(".shared-by-name").textContent.trim(),
		Sub: (document.querySelector(".shared-sub") || {textContent: ""}).textContent.trim(),
		Panels: [...document.querySelectorAll("section.panel")].map((s) => s.id),
		Artists: [...document.querySelectorAll("#panel-shared-artists .track-title")].map((e) => e.textContent.trim()),
	}))()`)
	after := time.Now()
	if top.By != "Shared from Euterpe" || !slices.Equal(top.Panels, []string{"panel-shared-artists"}) {
		t.Errorf("the top list says %q and shows %q, want no name and the artists only", top.By, top.Panels)
	}
	mustNotHold(t, "the shared top list", eval[string](t, anon, `document.documentElement.outerHTML`), "Walt Brennan", `"walt"`, "/walt", "walt@")
	asOf, ok := strings.CutPrefix(top.Sub, "As Spotify ranked them on ")
	day, err := time.Parse("2 Jan 2006", strings.SplitN(asOf, ",", 2)[0])
	if !ok || err != nil {
		t.Fatalf("the top list's date line reads %q", top.Sub)
	}
	var sim struct {
		Artists map[string][]struct {
			Name string `json:"name"`
		} `json:"artists"`
	}
	if err := json.Unmarshal(app.sim(t, "GET", "/_sim/top?listener=walt&date="+day.Format(time.DateOnly), nil), &sim); err != nil {
		t.Fatal(err)
	}
	var wantArtists []string
	for _, a := range sim.Artists["medium_term"][:min(len(sim.Artists["medium_term"]), social.SharedTopItems)] {
		wantArtists = append(wantArtists, a.Name)
	}
	if len(top.Artists) == 0 || !slices.Equal(top.Artists, wantArtists) {
		t.Errorf("the shared top artists are %q, Spotify ranked %q on %s", top.Artists, wantArtists, day.Format(time.DateOnly))
	}

	// Nothing the anonymous visitor did reached Spotify (the poller's
	// recently played aside, which runs on its own).
	for _, r := range app.spotifyLog(t, "walt").Requests {
		if !r.Started.Before(before) && !r.Started.After(after) && r.Path != "/v1/me/player/recently-played" {
			t.Errorf("while the links were viewed, Spotify was asked %s %s for walt", r.Method, r.Path)
		}
	}

	// The owner sees the views, revokes the year: its page is a 404 at once,
	// the other link still works.
	owner.do(t, chromedp.Navigate(app.URL+"/shares"), loaded("the list of links", `!!document.querySelector(".social-table")`))
	if rows := eval[[]shareRow](t, owner, shareRows); len(rows) != 2 || rows[0].Views != "1" || rows[1].Views != "1" {
		t.Errorf("after one view of each the list reads %+v", rows)
	}
	owner.do(t,
		chromedp.Click(chromedp.CSS(`button[aria-label="Revoke the link to `+year+` in review"]`)),
		loaded("the list without the year", `location.pathname === "/shares" && document.querySelectorAll(".social-table tbody tr").length === 1`),
	)
	status, headers = visit(t, anon, yearLink)
	if status != 404 || !strings.Contains(headers["x-robots-tag"], "noindex") {
		t.Errorf("the revoked link answered %d (X-Robots-Tag %q), want 404", status, headers["x-robots-tag"])
	}
	anon.do(t, loaded("the 404 page", `document.readyState === "complete"`))
	if h1 := eval[string](t, anon, `document.querySelector("h1").textContent.trim()`); h1 != "This link does not work" {
		t.Errorf("the revoked link's page says %q", h1)
	}
	// The browser reports the 404 as a failed load: expected here.
	anon.takeProblems()
	anon.do(t, chromedp.Reload(), loaded("the 404 page again", `document.readyState === "complete" && document.querySelector("h1").textContent.includes("does not work")`))
	anon.takeProblems()
	if status, _ := visit(t, anon, topLink); status != 200 {
		t.Errorf("the other link answered %d after the year's was revoked", status)
	}
}

// inDays reports whether date ("2 Jan 2006") is days from today, give or
// take the day's turn.
func inDays(date string, days int) bool {
	d, err := time.Parse("2 Jan 2006", date)
	if err != nil {
		return false
	}
	want := testclock.Now().UTC().AddDate(0, 0, days)
	return d.Sub(want).Abs() < 36*time.Hour
}

// mustNotHold fails t for each of words that s holds.
func mustNotHold(t *testing.T, what, s string, words ...string) {
	t.Helper()
	for _, w := range words {
		if strings.Contains(s, w) {
			t.Errorf("%s holds %q", what, w)
		}
	}
}

// Inès makes an invite on /friends; Walt, in a browser of his own, opens
// it and accepts. Each then lists the other as a friend, and both compare
// pages show the same affinity score: the documented formula over their
// History. The spent invite works for nobody, Walt included.
func TestFriendsInviteAcceptCompare(t *testing.T) {
	t.Parallel()
	app := startDemo(t)
	ines, walt, dex := newPerson(t, "ines"), newPerson(t, "walt"), newPerson(t, "dex")
	ines.do(t, logIn(app, "ines"))
	walt.do(t, logIn(app, "walt"))
	dex.do(t, logIn(app, "dex"))

	link, comparePath := befriend(t, app, ines, walt, "Inès Moreau")
	if h1 := eval[string](t, walt, `document.querySelector("h1").textContent.trim()`); h1 != "You and Inès Moreau" {
		t.Errorf("Walt's compare page is titled %q", h1)
	}
	if got := friendNames(t, app, ines); !slices.Equal(got, []string{"Walt Brennan"}) {
		t.Errorf("Inès's friends are %q", got)
	}
	if n := eval[int](t, ines, `document.querySelectorAll('form[action^="/friends/invites/"]').length`); n != 0 {
		t.Errorf("Inès still has %d open invites after hers was accepted", n)
	}
	if got := friendNames(t, app, walt); !slices.Equal(got, []string{"Inès Moreau"}) {
		t.Errorf("Walt's friends are %q", got)
	}

	// The score over all time, from both sides, is the formula's over
	// each one's top 50 in History.
	wantScore := social.AffinityOf(topOf(t, ines, "artists"), topOf(t, walt, "artists"), topOf(t, ines, "tracks"), topOf(t, walt, "tracks"))
	if !wantScore.Known {
		t.Fatal("the formula finds no listening to compare")
	}
	ines.do(t, chromedp.Click(chromedp.CSS(".social-friends a")),
		loaded("Inès's compare page", `!!document.querySelector(".social-score-value")`))
	if h1 := eval[string](t, ines, `document.querySelector("h1").textContent.trim()`); h1 != "You and Walt Brennan" {
		t.Errorf("Inès's compare page is titled %q", h1)
	}
	if p := eval[string](t, ines, `location.pathname`); p != comparePath {
		t.Errorf("Inès's compare page is %s, Walt's %s: one friendship, one address", p, comparePath)
	}
	walt.do(t, chromedp.Navigate(app.URL+comparePath), loaded("Walt's compare page", `!!document.querySelector(".social-score-value")`))
	type scoreView struct {
		Score, Words, Title string
		Clocks              int
	}
	for _, p := range []*person{ines, walt} {
		p.do(t,
			chromedp.Click(chromedp.CSS(`nav[aria-label="Period"] a[href$="?period=all_time"]`)),
			loaded("the compare page over all time", `location.search === "?period=all_time" && !!document.querySelector(".social-score-value")`),
		)
		got := eval[scoreView](t, p, `({
			Score: document.querySelector(".social-score-value strong").textContent.trim(),
			Words: document.querySelector(".social-score-words").textContent.trim(),
			Clocks: document.querySelectorAll(".social-clock svg").length,
		})`)
		if got.Score != strconv.Itoa(wantScore.Score) || got.Words != wantScore.Words() {
			t.Errorf("%s's compare page scores %q (%q); the formula says %d (%+v)", p.name, got.Score, got.Words, wantScore.Score, wantScore)
		}
		if got.Clocks != 2 {
			t.Errorf("%s's compare page draws %d listening clocks, want both", p.name, got.Clocks)
		}
	}

	// Spent: Dex, and Walt himself, find it gone; accepting again is a 404.
	for _, p := range []*person{dex, walt} {
		if status, _ := visit(t, p, link); status != 404 {
			t.Errorf("the spent invite answered %s with %d", p.name, status)
		}
		if h1 := eval[string](t, p, `document.querySelector("h1").textContent.trim()`); h1 != "This invite does not work" {
			t.Errorf("the spent invite tells %s %q", p.name, h1)
		}
		if status := eval[int](t, p, `fetch(`+jsString(link)+`, {method: "POST", redirect: "manual"}).then((r) => r.status)`); status != 404 {
			t.Errorf("%s accepting the spent invite: %d, want 404", p.name, status)
		}
		p.takeProblems() // the 404s, as the browser logs them
	}
	if got := friendNames(t, app, dex); len(got) != 0 {
		t.Errorf("Dex has friends %q", got)
	}
	// Dex is nobody's friend: the compare page is a 404 for him too.
	if status, _ := visit(t, dex, app.URL+comparePath); status != 404 {
		t.Errorf("the compare page answered a non-friend with %d", status)
	}
	dex.takeProblems()
}

// consent follows Spotify's second authorization in the browser: the
// consent page asks for what the grant has plus playlist-modify-private,
// and the listener agrees, back to Euterpe.
func consent(t *testing.T, app *demo, p *person, listener string) {
	t.Helper()
	p.do(t, loaded("the simulator's consent page", `location.href.startsWith(`+jsString(app.SimURL+"/authorize")+`) &&
		!!document.querySelector('button[name="action"][value="accept"]')`))
	scopes := eval[[]string](t, p, `[...document.querySelectorAll("main ul li")].map((li) => (li.textContent.match(/\(([a-z-]+)\)$/) || ["", ""])[1])`)
	if !slices.Contains(scopes, "playlist-modify-private") || !slices.Contains(scopes, "user-top-read") || !slices.Contains(scopes, "user-read-recently-played") ||
		slices.Contains(scopes, "playlist-modify-public") {
		t.Errorf("the second authorization asks for %q: want the grant's scopes and playlist-modify-private only", scopes)
	}
	p.do(t,
		chromedp.Click(chromedp.CSS(`input[name="listener"][value=`+jsString(listener)+`]`)),
		chromedp.Click(chromedp.CSS(`button[name="action"][value="accept"]`)),
		loaded("Euterpe after the consent", `location.href.startsWith(`+jsString(app.URL+"/")+`) && location.search.includes("permission=granted")`),
	)
	if n := eval[string](t, p, `(document.querySelector(".flash") || {textContent: ""}).textContent.trim()`); !strings.HasPrefix(n, "Spotify now lets Euterpe make playlists") {
		t.Errorf("after the consent the page says %q", n)
	}
}

// madePlaylist is the playlist /playlists shows just made.
type madePlaylist struct {
	Name   string   `json:"name"`
	Text   string   `json:"text"`
	Listed []string `json:"listed"`
}

const madeNow = `({
	name: (document.querySelector(".social-ready h2") || {textContent: ""}).textContent.trim(),
	text: (document.querySelector(".social-ready p") || {textContent: ""}).textContent.trim().replace(/\s+/g, " "),
	listed: [...document.querySelectorAll("#made-playlists .compact-name")].map((e) => e.textContent.trim()),
})`

// songsIn reads "In your Spotify account now, 50 songs, private."
func songsIn(t *testing.T, text string) int {
	t.Helper()
	_, rest, _ := strings.Cut(text, "now, ")
	n, err := strconv.Atoi(strings.Fields(rest + " x")[0])
	if err != nil {
		t.Fatalf("the playlist's line reads %q", text)
	}
	return n
}

// A blend and a playlist of top songs, written to the simulated Spotify:
// the first click of each listener goes through Spotify's consent page,
// asking only for playlist-modify-private on top of the grant; the second
// click makes the playlist, private, with the 2026 endpoints; it is listed
// on /playlists and, read back from the simulated account, in the
// dashboard's playlist panel.
func TestPlaylistsWrittenToSpotify(t *testing.T) {
	t.Parallel()
	app := startDemo(t)
	ines, walt := newPerson(t, "ines"), newPerson(t, "walt")
	ines.do(t, logIn(app, "ines"))
	walt.do(t, logIn(app, "walt"))
	_, comparePath := befriend(t, app, walt, ines, "Walt Brennan")

	// Inès's blend, from her compare page.
	blendButton := `form[action="` + comparePath + `/blend"] button[type="submit"]`
	ines.do(t,
		chromedp.Navigate(app.URL+comparePath+"?period=all_time"),
		loaded("the blend's button", `!!document.querySelector(`+jsString(blendButton)+`)`),
		chromedp.Click(chromedp.CSS(blendButton)),
	)
	consent(t, app, ines, "ines")
	if p := eval[string](t, ines, `location.pathname`); p != comparePath {
		t.Errorf("after the consent Inès is on %s, want her compare page %s", p, comparePath)
	}
	ines.do(t,
		loaded("the blend's button", `!!document.querySelector(`+jsString(blendButton)+`)`),
		chromedp.Click(chromedp.CSS(blendButton)),
		loaded("the blend made", `location.pathname === "/playlists" && !!document.querySelector(".social-ready h2")`),
	)
	blend := eval[madePlaylist](t, ines, madeNow)
	const blendName = "Inès Moreau + Walt Brennan · a blend"
	n := songsIn(t, blend.Text)
	if blend.Name != blendName || n < 1 || n > social.BlendSize || !slices.Contains(blend.Listed, blendName) {
		t.Errorf("the blend made: %+v", blend)
	}
	checkWritten(t, app, "ines", 1)

	// Walt's top songs of the last 4 weeks, from /playlists.
	walt.do(t,
		chromedp.Navigate(app.URL+"/playlists"),
		loaded("the playlists page", `!!document.querySelector('form[action="/playlists/top"] button')`),
	)
	if got := eval[string](t, walt, `document.querySelector("#made-list-title + p").textContent.trim()`); got != "None yet." {
		t.Errorf("Walt's made playlists before any: %q", got)
	}
	walt.do(t,
		chromedp.SetValue(chromedp.CSS(`form[action="/playlists/top"] select[name="range"]`), "short_term"),
		chromedp.Click(chromedp.CSS(`form[action="/playlists/top"] button`)),
	)
	consent(t, app, walt, "walt")
	walt.do(t,
		loaded("the playlists page", `location.pathname === "/playlists" && !!document.querySelector('form[action="/playlists/top"] button')`),
		chromedp.Click(chromedp.CSS(`form[action="/playlists/top"] button`)),
		loaded("the playlist made", `location.pathname === "/playlists" && !!document.querySelector(".social-ready h2")`),
	)
	topMade := eval[madePlaylist](t, walt, madeNow)
	const topName = "Top songs · last 4 weeks"
	songs := songsIn(t, topMade.Text)
	if topMade.Name != topName || songs < 1 || !slices.Equal(topMade.Listed, []string{topName}) {
		t.Errorf("the top songs playlist made: %+v", topMade)
	}
	checkWritten(t, app, "walt", 1)

	// The dashboard's panel reads Walt's playlists from the simulated
	// account: the new one holds every one of its songs, all top songs.
	walt.do(t, chromedp.Navigate(app.URL+"/"), panelsLoaded)
	type row struct {
		Name  string `json:"name"`
		Count string `json:"count"`
	}
	rows := eval[[]row](t, walt, `[...document.querySelectorAll("#panel-top-playlists .playlist")].map((li) => ({
		name: li.querySelector(".track-title").textContent.trim(),
		count: li.querySelector(".playlist-count").textContent.trim(),
	}))`)
	found := false
	for _, r := range rows {
		if r.Name == topName {
			found = true
			if r.Count != strconv.Itoa(songs) {
				t.Errorf("the dashboard says %q holds %s top songs, want all its %d", topName, r.Count, songs)
			}
		}
	}
	if !found {
		t.Errorf("the dashboard's playlist panel lists %+v, not %q", rows, topName)
	}
}

// checkWritten fails t unless the simulated Spotify made want playlists
// for listener, each with its songs, through the 2026 endpoints.
func checkWritten(t *testing.T, app *demo, listener string, want int) {
	t.Helper()
	created, added := 0, 0
	for _, r := range app.spotifyLog(t, listener).Requests {
		switch {
		case r.Method == "POST" && r.Path == "/v1/me/playlists" && r.Status == 201:
			created++
		case r.Method == "POST" && strings.HasPrefix(r.Path, "/v1/playlists/") && strings.HasSuffix(r.Path, "/items") && r.Status == 201:
			added++
		case r.Method == "POST" && strings.HasSuffix(r.Path, "/tracks"):
			t.Errorf("%s: Euterpe used the retired endpoint %s", listener, r.Path)
		}
	}
	if created != want || added != want {
		t.Errorf("%s: the simulated Spotify made %d playlists and filled %d, want %d", listener, created, added, want)
	}
}
