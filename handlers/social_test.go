package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/internal/testclock"
	"github.com/euterpe-dev/euterpe/social"
)

// ---- helpers of the sharing and friends tests ----

// readyLink is the link a page shows once, just made (a share or an
// invite), and its token.
func readyLink(t testing.TB, body []byte, prefix string) (string, string) {
	t.Helper()
	u, ok := doc(t, body).Find(".social-ready input.social-url").Attr("value")
	if !ok {
		t.Fatalf("no link shown on the page: %.400s", body)
	}
	i := strings.Index(u, prefix)
	if i < 0 {
		t.Fatalf("the link %q has no %s", u, prefix)
	}
	return u, u[i+len(prefix):]
}

// makeShare posts the share form as c and returns the link and its token.
func (e *env) makeShare(t testing.TB, c *http.Client, form url.Values) (string, string) {
	t.Helper()
	status, body, _ := postForm(t, c, e.appURL+"/shares", form)
	if status != http.StatusCreated {
		t.Fatalf("POST /shares %v: %d %.500s", form, status, body)
	}
	return readyLink(t, body, "/s/")
}

// shareForm is the form for a link of kind with the given panels, name
// shown, expiring in 7 days, plus extra fields.
func shareForm(kind string, panels []string, extra ...string) url.Values {
	f := url.Values{"kind": {kind}, "panel": panels, "show_name": {"yes"}, "expires": {"7"}}
	for i := 0; i+1 < len(extra); i += 2 {
		f.Set(extra[i], extra[i+1])
	}
	return f
}

// anonymous is a browser without a session.
func (e *env) anonymous(t testing.TB) *http.Client { return noRedirects(e.browser(t)) }

// spotifyCalls is how many Web API requests the simulator has answered.
func (e *env) spotifyCalls() map[string]int64 { return maps.Clone(e.sim.Stats().Requests) }

func sameCalls(a, b map[string]int64) bool { return maps.Equal(a, b) }

func thisYear() string { return strconv.Itoa(testclock.Now().UTC().Year()) }

// ---- share links ----

// A link made by its owner opens for anyone without a session: the chosen
// view, read-only, "shared by" the display name, and nothing else about the
// owner; no Spotify call is made for it; views are counted; revoking it
// makes it a 404 at once, like an expired link and a link never made.
func TestShareLinkLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	owner := e.historyUser(t, "ines", 20)
	year := thisYear()
	link, token := e.makeShare(t, owner.c, shareForm("year", []string{"summary", "top-songs", "top-artists", "clock"}, "year", year))
	if !strings.HasPrefix(link, e.appURL+"/s/") || !social.ValidToken(token) {
		t.Fatalf("link %q", link)
	}

	// What the owner's own year page says, to compare with.
	var y struct {
		Plays     int64 `json:"plays"`
		TopTracks []struct {
			Name string `json:"name"`
		} `json:"top_tracks"`
		TopAlbums []struct {
			Name string `json:"name"`
		} `json:"top_albums"`
	}
	_, yb, _ := get(t, owner.c, e.appURL+"/year/"+year+"?format=json")
	if err := json.Unmarshal(yb, &y); err != nil || y.Plays == 0 || len(y.TopTracks) == 0 {
		t.Fatalf("the owner's year: %v %.200s", err, yb)
	}

	anon := e.anonymous(t)
	before := e.spotifyCalls()
	var page []byte
	for range 3 {
		status, body, res := get(t, anon, link)
		if status != http.StatusOK {
			t.Fatalf("the link answers %d: %.300s", status, body)
		}
		for h, want := range map[string]string{"X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer",
			"Cache-Control": "no-store", "Content-Security-Policy": "script-src 'self'"} {
			if !strings.Contains(res.Header.Get(h), want) {
				t.Errorf("%s: %q, want it to hold %q", h, res.Header.Get(h), want)
			}
		}
		if len(res.Cookies()) != 0 {
			t.Errorf("the share page set cookies: %v", res.Cookies())
		}
		page = body
	}
	if after := e.spotifyCalls(); !sameCalls(before, after) {
		t.Errorf("viewing a link called Spotify: before %v, after %v", before, after)
	}
	d := doc(t, page)
	if got := d.Find(`meta[name="robots"]`).AttrOr("content", ""); !strings.Contains(got, "noindex") {
		t.Errorf("meta robots %q", got)
	}
	if got := d.Find(`meta[name="referrer"]`).AttrOr("content", ""); got != "no-referrer" {
		t.Errorf("meta referrer %q", got)
	}
	if got := strings.TrimSpace(d.Find(".shared-by-name").Text()); got != "Shared by Inès Moreau" {
		t.Errorf("byline %q", got)
	}
	if got := strings.TrimSpace(d.Find("#year-songs-title + ol .year-top-name").First().Text()); got != y.TopTracks[0].Name {
		t.Errorf("top song %q, the year says %q", got, y.TopTracks[0].Name)
	}
	if d.Find("#year-albums-title").Length() != 0 || d.Find("#year-highlights-title").Length() != 0 {
		t.Error("the page shows parts that were not chosen")
	}
	if n := d.Find(".chart--clock rect").Length(); n != 7*24 {
		t.Errorf("clock cells %d", n)
	}
	text := string(page)
	mustContainNone(t, "the share page", text, "ines", owner.id.String(), "Europe/", "ines@", "/history/", token[:10]+"x")
	for _, sel := range []string{"script", "form", `a[href^="/history"]`, `a[href^="/year"]`, `a[href^="/export"]`, ".user-nav .user-chip"} {
		if n := d.Find(sel).Length(); n != 0 {
			t.Errorf("the share page has %d %s", n, sel)
		}
	}

	// The owner's list counts the views.
	_, lb, _ := get(t, owner.c, e.appURL+"/shares")
	row := doc(t, lb).Find(".social-table tbody tr").First()
	if got := strings.TrimSpace(row.Find(".social-num").Text()); got != "3" {
		t.Errorf("views %q, want 3", got)
	}
	if got := row.Find("td").Eq(5).Text(); got == "never" || got == "" {
		t.Errorf("last view %q", got)
	}

	// Only the token's SHA-256 is stored.
	sum := sha256.Sum256([]byte(token))
	if n := e.count(t, `SELECT count(*) FROM euterpe.shares WHERE token_hash = $1`, sum[:]); n != 1 {
		t.Errorf("%d shares with the token's hash", n)
	}
	if n := e.count(t, `SELECT count(*) FROM euterpe.shares s WHERE position($1 in s::text) > 0`, token); n != 0 {
		t.Error("the token itself is stored")
	}

	// A link never made answers exactly like one revoked or expired.
	_, unknown, _ := get(t, anon, e.appURL+"/s/"+social.NewToken())
	var id string
	if err := e.pool.QueryRow(context.Background(), `SELECT id FROM euterpe.shares`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	status, _, res := postForm(t, noRedirects(owner.c), e.appURL+"/shares/"+id+"/revoke", nil)
	if status != http.StatusSeeOther || res.Header.Get("Location") != "/shares" {
		t.Fatalf("revoke: %d %s", status, res.Header.Get("Location"))
	}
	status, body, res := get(t, anon, link)
	if status != http.StatusNotFound || string(body) != string(unknown) || res.Header.Get("X-Robots-Tag") == "" {
		t.Errorf("revoked link: %d (same page as an unknown one: %v)", status, string(body) == string(unknown))
	}

	// An expired link: 404 at its expiry, whatever the cache holds.
	link2, _ := e.makeShare(t, owner.c, shareForm("history", []string{"totals"}, "period", "this_month"))
	if status, _, _ := get(t, anon, link2); status != http.StatusOK {
		t.Fatalf("second link: %d", status)
	}
	if _, err := e.pool.Exec(context.Background(), `UPDATE euterpe.shares SET expires_at = $1`, testclock.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if status, body, _ := get(t, anon, link2); status != http.StatusNotFound || string(body) != string(unknown) {
		t.Errorf("expired link: %d", status)
	}
	_, lb, _ = get(t, owner.c, e.appURL+"/shares")
	if !strings.Contains(doc(t, lb).Find(".social-table").Text(), "Expired") {
		t.Error("the list does not say the link expired")
	}
	for _, bad := range []string{"short", "%00", strings.Repeat("A", 43), token + "A"} {
		if status, _, _ := get(t, anon, e.appURL+"/s/"+bad); status != http.StatusNotFound {
			t.Errorf("/s/%s: %d", bad, status)
		}
	}
}

// A link shows the parts chosen and not the others; the name and picture
// only when chosen. History and top-list links read the stored history and
// the daily snapshots.
func TestShareShowsOnlyWhatWasChosen(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	owner := e.historyUser(t, "walt", 20)
	e.seedSnapshots(t, "walt", owner.id, 3, 1)
	anon := e.anonymous(t)

	// History: the clock alone, the name hidden.
	form := shareForm("history", []string{"clock"}, "period", "all_time")
	form.Del("show_name")
	link, _ := e.makeShare(t, owner.c, form)
	_, body, _ := get(t, anon, link)
	d := doc(t, body)
	if got := strings.TrimSpace(d.Find(".shared-by-name").Text()); got != "Shared from Euterpe" {
		t.Errorf("byline %q", got)
	}
	if d.Find("#panel-shared-clock").Length() != 1 || d.Find("#panel-shared-tracks, #panel-shared-totals, #panel-shared-calendar").Length() != 0 {
		t.Error("the clock alone was chosen")
	}
	mustContainNone(t, "the history link", string(body), "Walt", "walt")
	var top historyJSONAnswer
	top = historyJSON(t, e, owner.c, "period=all_time")
	if tt := top.top("tracks"); len(tt.Items) > 0 && strings.Contains(string(body), tt.Items[0].Name) {
		t.Error("the clock-only link names the top track")
	}

	// History: the top tracks, whose names are the owner's History's.
	link, _ = e.makeShare(t, owner.c, shareForm("history", []string{"top-tracks", "totals"}, "period", "all_time"))
	_, body, _ = get(t, anon, link)
	d = doc(t, body)
	names := texts(d.Find("#panel-shared-tracks .track-title"))
	want := top.top("tracks").Items
	if len(names) == 0 || names[0] != want[0].Name || len(names) != min(len(want), social.SharedTopItems) {
		t.Errorf("shared top tracks %q, History's first %q", names, want[0].Name)
	}
	if got := statValue(d.Find("#panel-shared-totals"), "Plays"); got != strconv.FormatInt(top.Totals.Plays, 10) {
		t.Errorf("plays %q, History says %d", got, top.Totals.Plays)
	}

	// Top lists from the latest snapshot: songs only.
	link, _ = e.makeShare(t, owner.c, shareForm("dashboard", []string{"top-songs"}, "range", "medium_term"))
	before := e.spotifyCalls()
	_, body, _ = get(t, anon, link)
	if !sameCalls(before, e.spotifyCalls()) {
		t.Error("the top lists link called Spotify")
	}
	d = doc(t, body)
	var snap []int64
	if err := e.pool.QueryRow(context.Background(), `SELECT tracks_medium FROM euterpe.top_snapshots
		WHERE user_id = $1 ORDER BY day DESC LIMIT 1`, owner.id).Scan(&snap); err != nil {
		t.Fatal(err)
	}
	var first string
	if err := e.pool.QueryRow(context.Background(), `SELECT name FROM euterpe.tracks WHERE id = $1`, snap[0]).Scan(&first); err != nil {
		t.Fatal(err)
	}
	if got := texts(d.Find("#panel-shared-songs .track-title")); len(got) != social.SharedTopItems || got[0] != first {
		t.Errorf("shared songs %d, first %q, want %q", len(got), got, first)
	}
	if d.Find("#panel-shared-artists, #panel-shared-albums").Length() != 0 {
		t.Error("artists or albums shown, not chosen")
	}
}

// Each link may be opened so often a minute (RATE_LIMIT_PER_MINUTE), the
// others are not affected; an address asking for links that do not exist
// is stopped.
func TestShareRateLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{config: func(c *config.Config) { c.RateLimitPerMinute = 4 }})
	owner := e.historyUser(t, "dex", 5)
	one, _ := e.makeShare(t, owner.c, shareForm("history", []string{"totals"}, "period", "all_time"))
	two, _ := e.makeShare(t, owner.c, shareForm("history", []string{"clock"}, "period", "all_time"))
	anon := e.anonymous(t)
	for i := range 4 {
		if status, _, _ := get(t, anon, one); status != http.StatusOK {
			t.Fatalf("view %d: %d", i+1, status)
		}
	}
	status, body, res := get(t, anon, one)
	if status != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || !strings.Contains(string(body), "Slow down") {
		t.Errorf("fifth view in a minute: %d, Retry-After %q", status, res.Header.Get("Retry-After"))
	}
	if status, _, _ := get(t, anon, two); status != http.StatusOK {
		t.Errorf("another link: %d", status)
	}
	if n := e.count(t, `SELECT views::int FROM euterpe.shares WHERE 'totals' = ANY(panels)`); n != 4 {
		t.Errorf("%d views counted, want the 4 served", n)
	}
	// An address asking for unknown links is stopped after 30 in a minute;
	// a link that works still opens for it: only misses are counted, and
	// a hit is never refused for them.
	for i := range 30 {
		if status, _, _ := get(t, anon, e.appURL+"/s/"+social.NewToken()); status != http.StatusNotFound {
			t.Fatalf("unknown link %d: %d", i+1, status)
		}
	}
	status, _, res = get(t, anon, e.appURL+"/s/"+social.NewToken())
	if status != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("the 31st unknown link in a minute: %d, Retry-After %q", status, res.Header.Get("Retry-After"))
	}
	for i := range 3 {
		if status, _, _ := get(t, anon, two); status != http.StatusOK {
			t.Errorf("a working link after 31 unknown ones, view %d: %d", i+1, status)
		}
	}
}

// The share form refuses what it cannot make, saying why, and a user's
// links are bounded.
func TestShareFormErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	c := e.login(t, "ines")
	for _, f := range []url.Values{
		shareForm("year", nil, "year", thisYear()),
		shareForm("year", []string{"summary"}, "year", "1999"),
		shareForm("history", []string{"calendar"}, "from", "2026-03-01", "to", "2026-01-01"),
		shareForm("dashboard", []string{"top-songs"}, "range", "all"),
		shareForm("dashboard", []string{"sessions"}, "range", "short_term"),
		shareForm("profile", []string{"email"}),
	} {
		status, body, _ := postForm(t, c, e.appURL+"/shares", f)
		if status != http.StatusBadRequest || !strings.Contains(doc(t, body).Find(`.notice[role="alert"]`).Text(), "The link was not made") {
			t.Errorf("%v: %d", f, status)
		}
	}
	if n := e.count(t, `SELECT count(*) FROM euterpe.shares`); n != 0 {
		t.Fatalf("%d links made from bad forms", n)
	}
	for range social.MaxShares {
		e.makeShare(t, c, shareForm("dashboard", []string{"top-songs"}, "range", "short_term"))
	}
	status, body, _ := postForm(t, c, e.appURL+"/shares", shareForm("dashboard", []string{"top-songs"}, "range", "short_term"))
	if status != http.StatusConflict || !strings.Contains(string(body), "revoke some") {
		t.Errorf("one link too many: %d", status)
	}
	// ?kind= opens a form filled in, for pages that link "share this".
	_, body, _ = get(t, c, e.appURL+"/shares?kind=year&year="+thisYear())
	d := doc(t, body)
	if d.Find("#share-year.social-form--open").Length() != 1 || d.Find(`#share-year-year option[selected]`).AttrOr("value", "") != thisYear() {
		t.Error("?kind=year does not open the year's form")
	}
}

// 120 links asked for at once, each to show the owner's picture, cost
// Spotify one profile call: the profile is cached, and the links past the
// cap are refused before Spotify is asked for anything.
func TestManySharesCostOneProfileCall(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	c := e.login(t, "ines")
	before := e.spotifyCalls()["GET /v1/me"]
	made, refused := 0, 0
	for range 120 {
		switch status, _, _ := postForm(t, c, e.appURL+"/shares", shareForm("dashboard", []string{"top-songs"}, "range", "short_term", "show_picture", "yes")); status {
		case http.StatusCreated:
			made++
		case http.StatusConflict:
			refused++
		default:
			t.Fatalf("a link answered %d", status)
		}
	}
	if made != social.MaxShares || refused != 120-social.MaxShares {
		t.Errorf("%d links made, %d refused; want %d and the rest", made, refused, social.MaxShares)
	}
	if n := e.spotifyCalls()["GET /v1/me"] - before; n != 1 {
		t.Errorf("120 links with the picture made %d profile calls, want 1", n)
	}
	if n := e.count(t, `SELECT count(*) FROM euterpe.shares WHERE picture_url IS NOT NULL`); n != social.MaxShares {
		t.Errorf("%d of the links show the picture", n)
	}
}

// One person's requests spend at most their share of the app's Spotify
// budget: past it their calls are answered "try again in a moment" without
// reaching Spotify, and another person is served as usual.
func TestOneUsersRequestsLeaveTheBudgetToOthers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{budget: 4}) // half the window, 2 calls, is each user's share
	greedy, other := e.login(t, "ines"), e.login(t, "walt")
	before := e.spotifyCalls()
	var statuses []int
	for _, r := range []string{"short_term", "medium_term", "long_term"} {
		status, body, res := get(t, greedy, e.appURL+"/top_songs?time_range="+r)
		statuses = append(statuses, status)
		if status == http.StatusTooManyRequests && (res.Header.Get("Retry-After") == "" || !strings.Contains(string(body), "You have asked Spotify for a lot")) {
			t.Errorf("a refused call says %s, Retry-After %q", body, res.Header.Get("Retry-After"))
		}
	}
	if !slices.Equal(statuses, []int{200, 200, 429}) {
		t.Errorf("three uncached lists of one user answered %v, want 200 200 429", statuses)
	}
	if n := e.spotifyCalls()["GET /v1/me/top/tracks"] - before["GET /v1/me/top/tracks"]; n != 2 {
		t.Errorf("%d calls reached Spotify, want the share's 2", n)
	}
	if status, body, _ := get(t, other, e.appURL+"/top_songs?time_range=long_term"); status != http.StatusOK {
		t.Errorf("another user, meanwhile: %d %s", status, body)
	}
}

// The tokens of share links and invites are secrets: the access log (and
// every line naming a request) has their paths with the token redacted,
// for a link that works, one that does not, and a path under one that
// matches no route.
func TestLinkTokensStayOutOfTheLogs(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	owner := e.historyUser(t, "dex", 5)
	link, share := e.makeShare(t, owner.c, shareForm("history", []string{"totals"}, "period", "all_time"))
	ines := e.login(t, "ines")
	inviteLink, invite := e.invite(t, ines)
	anon := e.anonymous(t)
	if status, _, _ := get(t, anon, link); status != http.StatusOK {
		t.Fatalf("the share link: %d", status)
	}
	if status, _, _ := get(t, anon, inviteLink); status != http.StatusOK {
		t.Fatalf("the invite: %d", status)
	}
	// The signed-out visitor logs in from the invite, comes back, accepts.
	b := e.browser(t)
	page, err := b.Get(inviteLink + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res := consent(t, b, page, "walt", "accept")
	res.Body.Close()
	if res.Request.URL.Path != "/friends/join/"+invite {
		t.Fatalf("after the login: %s", res.Request.URL)
	}
	e.accept(t, b, invite)
	unknown := social.NewToken()
	for _, path := range []string{"/s/" + unknown, "/s/" + unknown + "/more", "/friends/join/" + unknown, "/friends/join/" + unknown + "/login/more"} {
		get(t, anon, e.appURL+path)
	}

	logs := e.logs.String()
	for _, want := range []string{"path=/s/{redacted}", "path=/friends/join/{redacted}/login", "path=/friends/join/{redacted} "} {
		if !strings.Contains(logs, want) {
			t.Errorf("no access log line with %s", want)
		}
	}
	for _, line := range strings.Split(logs, "\n") {
		for _, token := range []string{share, invite, unknown} {
			if strings.Contains(line, token) {
				t.Errorf("a log line holds a link's token: %s", line)
			}
		}
	}
}

// A History link's calendar shows the days of the link's range and no
// other (issue 21, item 7): the owner's plays on the rest of the year stay
// theirs. A range longer than a year shows its last year.
func TestShareCalendarShowsOnlyTheRange(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	ls := e.listeners(t)
	c := e.login(t, ls[1].ID)
	id := e.userID(t, ls[1].ID)
	var plays []history.Play
	for d := time.Date(2025, 2, 20, 12, 0, 0, 0, time.UTC); !d.After(time.Date(2025, 3, 25, 12, 0, 0, 0, time.UTC)); d = d.AddDate(0, 0, 1) {
		plays = append(plays, history.Play{Track: handmadeTrack(1), PlayedAt: d, MSPlayed: 180_000})
	}
	plays = append(plays, history.Play{Track: handmadeTrack(2), PlayedAt: time.Date(2025, 12, 31, 12, 0, 0, 0, time.UTC), MSPlayed: 180_000})
	e.record(t, id, history.SourceExtendedExport, plays)
	anon := e.anonymous(t)

	cells := func(from, to string) (titles []string, caption string) {
		t.Helper()
		link, _ := e.makeShare(t, c, shareForm("history", []string{"calendar"}, "from", from, "to", to))
		status, body, _ := get(t, anon, link)
		if status != http.StatusOK {
			t.Fatalf("the link of %s to %s answers %d", from, to, status)
		}
		d := doc(t, body)
		p := d.Find("#panel-shared-calendar")
		return texts(p.Find("svg rect title")), strings.TrimSpace(p.Find("figcaption").Text())
	}
	var want []string
	for d := time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC); d.Day() <= 16; d = d.AddDate(0, 0, 1) {
		want = append(want, d.Format("Mon 2 Jan 2006")+": 1 play")
	}
	got, caption := cells("2025-03-10", "2025-03-16")
	if !slices.Equal(got, want) {
		t.Errorf("the calendar of 10 to 16 March 2025 shows %d days, want the 7 of the range; first differences: %v", len(got), firstDiff(got, want))
	}
	if strings.Contains(caption, "31 December") || !strings.Contains(caption, "7 plays on 7 days") {
		t.Errorf("the calendar's summary %q", caption)
	}

	got, caption = cells("2024-01-01", "2025-03-16")
	if len(got) != 365 || got[0] != "Sun 17 Mar 2024: 0 plays" || got[len(got)-1] != "Sun 16 Mar 2025: 1 play" {
		t.Errorf("a range of more than a year shows %d days, %q to %q; want the 365 up to 16 March 2025", len(got), got[0], got[len(got)-1])
	}
	if !strings.Contains(caption, "25 plays on 25 days") {
		t.Errorf("the long range's summary %q", caption)
	}
}
