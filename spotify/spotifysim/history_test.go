package spotifysim

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// historyItem is a recently-played item, as both recently-played and
// /_sim/history send it.
type historyItem struct {
	Track struct {
		ID         string `json:"id"`
		DurationMS int64  `json:"duration_ms"`
	} `json:"track"`
	PlayedAt string `json:"played_at"`
	Context  *struct {
		URI string `json:"uri"`
	} `json:"context"`
}

func (h historyItem) at(t testing.TB) int64 {
	t.Helper()
	at, err := time.Parse("2006-01-02T15:04:05.000Z", h.PlayedAt)
	if err != nil {
		t.Fatalf("played_at %q: %v", h.PlayedAt, err)
	}
	return at.UnixMilli()
}

// key identifies a play for set comparisons.
func (h historyItem) key() string {
	ctx := "null"
	if h.Context != nil {
		ctx = h.Context.URI
	}
	return h.PlayedAt + " " + h.Track.ID + " " + ctx
}

func playKeys(items []historyItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.key()
	}
	return out
}

// history is GET /_sim/history, which must succeed.
func (e *testEnv) history(t testing.TB, listener string, after, before int64) []historyItem {
	t.Helper()
	r := e.call(t, "GET", fmt.Sprintf("/_sim/history?listener=%s&after=%d&before=%d", listener, after, before), "", nil)
	if r.status != 200 {
		t.Fatalf("/_sim/history %s %d..%d: %d %s", listener, after, before, r.status, r.body)
	}
	var out struct {
		Items []historyItem `json:"items"`
	}
	r.decode(t, &out)
	if out.Items == nil {
		t.Fatalf("/_sim/history: items is not an array: %s", r.body)
	}
	for i := 1; i < len(out.Items); i++ {
		if out.Items[i].at(t) <= out.Items[i-1].at(t) {
			t.Fatalf("/_sim/history %s: not strictly oldest first at %d", listener, i)
		}
	}
	return out.Items
}

// advance is POST /_sim/clock/advance, which must succeed.
func (e *testEnv) advance(t testing.TB, d time.Duration) time.Time {
	t.Helper()
	r := e.call(t, "POST", "/_sim/clock/advance", "", strings.NewReader(`{"by":"`+d.String()+`"}`))
	if r.status != 200 {
		t.Fatalf("advance %s: %d %s", d, r.status, r.body)
	}
	var c clockJSON
	r.decode(t, &c)
	now, err := time.Parse(time.RFC3339Nano, c.Now)
	if err != nil {
		t.Fatalf("advance answered %s: %v", r.body, err)
	}
	return now
}

// recent is one page of recently-played, which must succeed.
func (e *testEnv) recent(t testing.TB, token, target string) (items []historyItem, next *string) {
	t.Helper()
	r := e.call(t, "GET", target, token, nil)
	if r.status != 200 {
		t.Fatalf("GET %s: %d %s", target, r.status, r.body)
	}
	var p struct {
		Items []historyItem `json:"items"`
		Next  *string       `json:"next"`
	}
	r.decode(t, &p)
	return p.Items, p.Next
}

func reversed[T any](xs []T) []T {
	out := slices.Clone(xs)
	slices.Reverse(out)
	return out
}

func TestHistoryIsTheSameWhenTheServerStartsLater(t *testing.T) {
	early := newEnv(t, nil)
	start := early.clock.Now()
	laterClock := newFakeClock()
	laterClock.Advance(40*24*time.Hour + 7*time.Hour + 13*time.Minute)
	later := newEnvWithClock(t, laterClock, nil)
	otherSeed := newEnv(t, func(c *Config) { c.Seed = 8 })

	host := func(e *testEnv, path string) string {
		r := e.call(t, "GET", path, "", nil)
		if r.status != 200 {
			t.Fatalf("GET %s: %d %s", path, r.status, r.body)
		}
		return strings.ReplaceAll(string(r.body), e.ts.URL, "")
	}
	// A span before both starts, and one in 2001: every date has plays.
	for _, span := range [][2]time.Time{
		{start.Add(-3 * 24 * time.Hour), start},
		{time.Date(2001, 2, 3, 0, 0, 0, 0, time.UTC), time.Date(2001, 2, 5, 0, 0, 0, 0, time.UTC)},
	} {
		for _, l := range []string{"ines", "dex", "amara"} {
			path := fmt.Sprintf("/_sim/history?listener=%s&after=%d&before=%d", l, span[0].UnixMilli(), span[1].UnixMilli())
			a, b := host(early, path), host(later, path)
			if a != b {
				t.Errorf("%s %s..%s: the server started 40 days later reports other plays", l, span[0], span[1])
			}
			if len(early.history(t, l, span[0].UnixMilli(), span[1].UnixMilli())) == 0 {
				t.Errorf("%s has no plays in %s..%s", l, span[0], span[1])
			}
			if host(otherSeed, path) == a {
				t.Errorf("%s %s..%s: another seed gives the same plays", l, span[0], span[1])
			}
		}
	}
	// Brought to the same moment, both answer recently-played byte for byte.
	if now := early.advance(t, laterClock.Now().Sub(start)); !now.Equal(later.sim.Now()) {
		t.Fatalf("advanced to %s, the later server says %s", now, later.sim.Now())
	}
	for _, l := range early.sim.Listeners() {
		a := early.call(t, "GET", "/v1/me/player/recently-played?limit=50", early.login(t, l.ID, allScopes...).AccessToken, nil)
		b := later.call(t, "GET", "/v1/me/player/recently-played?limit=50", later.login(t, l.ID, allScopes...).AccessToken, nil)
		if strings.ReplaceAll(string(a.body), early.ts.URL, "") != strings.ReplaceAll(string(b.body), later.ts.URL, "") {
			t.Errorf("%s: recently-played differs between servers started 40 days apart", l.ID)
		}
	}
}

// TestPlaysAcrossDays checks the generator itself over six weeks: plays stay
// in their day, strictly increasing and never overlapping across midnight,
// every play heard for at least 30 s and at most the track, and a day is the
// same whatever was generated (or cached) before it.
func TestPlaysAcrossDays(t *testing.T) {
	e := newEnv(t, nil)
	cold := newEnv(t, nil)
	first := dayOf(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC).UnixMilli())
	const days = 42
	for _, l := range e.sim.cat.listeners {
		var prev *play
		crossings := 0
		for day := first; day < first+days; day++ {
			ps := e.sim.dayPlays(l, day)
			if len(ps) > 0 && !l.nonstop && l.sessionStarts(day-1) != nil && ps[0].playedAt-ps[0].heardMS < day*msPerDay {
				crossings++ // the play started the day before
			}
			for i := range ps {
				p := &ps[i]
				switch {
				case dayOf(p.playedAt) != day:
					t.Fatalf("%s: a play at %s is filed under day %d", l.id, time.UnixMilli(p.playedAt).UTC(), day)
				case p.heardMS < minHeardMS || p.heardMS > int64(p.track.durationMS):
					t.Fatalf("%s: a play heard %d ms of a %d ms track", l.id, p.heardMS, p.track.durationMS)
				case prev != nil && p.playedAt-p.heardMS < prev.playedAt:
					t.Fatalf("%s: the play ending %s starts before the one ending %s", l.id,
						time.UnixMilli(p.playedAt).UTC(), time.UnixMilli(prev.playedAt).UTC())
				}
				prev = p
			}
		}
		if l.id == "ines" && crossings == 0 {
			t.Errorf("ines's late sessions never ran past midnight in %d days; the boundary is untested", days)
		}
		// Backwards, on a server that has generated nothing yet.
		for day := first + days - 1; day >= first; day-- {
			a, b := e.sim.dayPlays(l, day), cold.sim.dayPlays(cold.sim.cat.listenerByID[l.id], day)
			if len(a) != len(b) {
				t.Fatalf("%s day %d: %d plays, %d when generated in another order", l.id, day, len(a), len(b))
			}
			for i := range a {
				if a[i].track.id != b[i].track.id || a[i].playedAt != b[i].playedAt || a[i].heardMS != b[i].heardMS {
					t.Fatalf("%s day %d: play %d differs when generated in another order", l.id, day, i)
				}
			}
		}
	}
	// The cache is bounded.
	if n := e.sim.days.order.Len(); n > cachedDays {
		t.Errorf("%d days cached, bound is %d", n, cachedDays)
	}
}

func TestDexNeverStops(t *testing.T) {
	e := newEnv(t, nil)
	day := e.clock.Now().UTC().Truncate(24 * time.Hour).Add(-24 * time.Hour)
	from, to := day.UnixMilli(), day.Add(24*time.Hour).UnixMilli()
	items := e.history(t, "dex", from-1, to-1) // from <= played_at < to
	if len(items) < 17*24 {
		t.Fatalf("dex played %d tracks in a day, want at least %d (17 an hour)", len(items), 17*24)
	}
	var perHour [24]int
	changes := 0
	for i, it := range items {
		at := it.at(t)
		perHour[(at-from)/3_600_000]++
		if i == 0 {
			continue
		}
		if ctx := func(h historyItem) any {
			if h.Context == nil {
				return nil
			}
			return h.Context.URI
		}; ctx(it) != ctx(items[i-1]) {
			changes++
		}
		// A play lasts at most its track, so a longer distance between two
		// ends is silence. At midnight UTC a track cut under 30 s by the
		// next day's first is not a play (as on Spotify), so up to 35 s.
		if silence := at - items[i-1].at(t) - it.Track.DurationMS; silence > 35_000 {
			t.Errorf("dex fell silent for %s before %s", time.Duration(silence)*time.Millisecond, it.PlayedAt)
		}
	}
	for h, n := range perHour {
		if n < 8 {
			t.Errorf("dex played %d tracks in hour %02d", n, h)
		}
	}
	if changes < 24 {
		t.Errorf("dex changed context %d times in a day; want every so often", changes)
	}
	// The true silences, which only the generator knows, are seconds, but
	// for that track dropped at midnight.
	l := e.sim.cat.listenerByID["dex"]
	var ps []play
	for d := dayOf(from) - 7; d <= dayOf(from)+7; d++ {
		ps = append(ps, e.sim.dayPlays(l, d)...)
	}
	for i := 1; i < len(ps); i++ {
		gap := ps[i].playedAt - ps[i].heardMS - ps[i-1].playedAt
		limit := int64(6000)
		if dayOf(ps[i].playedAt) != dayOf(ps[i-1].playedAt) {
			limit = minHeardMS + cutGapMS + 4000
		}
		if gap < 0 || gap > limit {
			t.Fatalf("dex: %d ms between the plays ending %s and %s", gap,
				time.UnixMilli(ps[i-1].playedAt).UTC(), time.UnixMilli(ps[i].playedAt).UTC())
		}
	}
	t.Logf("dex: %d plays in a day, %.1f an hour", len(items), float64(len(items))/24)
}

// TestRecentlyPlayedFollowsTheClock: the window is exactly the last 50 true
// plays, before and after the clock moves, and item for item what
// /_sim/history sends.
func TestRecentlyPlayedFollowsTheClock(t *testing.T) {
	for _, mode := range []Mode{ModeExtended, ModeDevelopment} {
		e := newEnv(t, func(c *Config) { c.Mode, c.TokenTTL = mode, 1000*time.Hour })
		for _, l := range e.sim.Listeners() {
			tok := e.login(t, l.ID, allScopes...).AccessToken
			var newest string
			for step, by := range []time.Duration{0, 5 * time.Hour, 3 * 24 * time.Hour} {
				if by > 0 {
					e.advance(t, by)
				}
				now := e.sim.Now().UnixMilli()
				r := e.call(t, "GET", "/v1/me/player/recently-played?limit=50", tok, nil)
				var page struct {
					Items []json.RawMessage `json:"items"`
				}
				r.decode(t, &page)
				span := int64(7 * msPerDay) // several sessions of 50 plays
				if l.ID == "dex" {
					span = msPerDay / 4
				}
				h := e.call(t, "GET", fmt.Sprintf("/_sim/history?listener=%s&after=%d&before=%d", l.ID, now-span, now), "", nil)
				var hist struct {
					Items []json.RawMessage `json:"items"`
				}
				h.decode(t, &hist)
				if len(hist.Items) < recentWindow {
					t.Fatalf("%s: only %d plays in %s", l.ID, len(hist.Items), time.Duration(span)*time.Millisecond)
				}
				want := reversed(hist.Items[len(hist.Items)-recentWindow:])
				if len(page.Items) != recentWindow {
					t.Fatalf("%s %s step %d: %d items, want %d", mode, l.ID, step, len(page.Items), recentWindow)
				}
				for i := range want {
					if string(page.Items[i]) != string(want[i]) {
						t.Fatalf("%s %s step %d: item %d differs from /_sim/history:\n%s\n%s", mode, l.ID, step, i, page.Items[i], want[i])
					}
				}
				var first historyItem
				if err := json.Unmarshal(page.Items[0], &first); err != nil {
					t.Fatal(err)
				}
				// Sessions are hours apart, but dex never stops.
				if (step == 2 || step == 1 && l.ID == "dex") && first.PlayedAt == newest {
					t.Errorf("%s: no new plays after advancing the clock %s", l.ID, by)
				}
				if first.at(t) > now {
					t.Errorf("%s: a play at %s is after now", l.ID, first.PlayedAt)
				}
				newest = first.PlayedAt
			}
		}
	}
}

// TestPollingWithAfterLosesNothing is what the app's history poller does:
// every hour (more often than 50 plays pass, even for dex) it asks for the
// plays after the newest it has, following next links. A whole day of polls
// must collect exactly the true plays of that day, none twice.
func TestPollingWithAfterLosesNothing(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.TokenTTL = 1000 * time.Hour })
	start := e.sim.Now().UnixMilli()
	tokens := map[string]string{}
	cursors := map[string]int64{}
	got := map[string][]historyItem{}
	for _, l := range e.sim.Listeners() {
		tokens[l.ID] = e.login(t, l.ID, allScopes...).AccessToken
		cursors[l.ID] = start
	}
	// Odd intervals, so polls fall at every minute of the hour and across
	// midnight.
	for i := range 24 {
		e.advance(t, time.Hour-time.Duration(i)*time.Minute)
		for _, l := range e.sim.Listeners() {
			target := "/v1/me/player/recently-played?limit=20&after=" + strconv.FormatInt(cursors[l.ID], 10)
			for pages := 0; ; pages++ {
				if pages > 5 {
					t.Fatalf("%s: after walk does not end", l.ID)
				}
				items, next := e.recent(t, tokens[l.ID], target)
				// Newest first within a page; each page is newer than the last.
				for _, it := range reversed(items) {
					if at := it.at(t); at <= cursors[l.ID] {
						t.Fatalf("%s: %s is not after the cursor", l.ID, it.PlayedAt)
					} else {
						cursors[l.ID] = at
					}
					got[l.ID] = append(got[l.ID], it)
				}
				if next == nil {
					break
				}
				target = *next
			}
		}
	}
	end := e.sim.Now().UnixMilli()
	for _, l := range e.sim.Listeners() {
		want := e.history(t, l.ID, start, end)
		if !slices.Equal(playKeys(got[l.ID]), playKeys(want)) {
			t.Errorf("%s: polling collected %d plays, /_sim/history has %d", l.ID, len(got[l.ID]), len(want))
		}
	}

	// Polled too rarely, dex's window has moved on: exactly the last 50.
	tok := tokens["dex"]
	cursor := cursors["dex"]
	e.advance(t, 6*time.Hour)
	now := e.sim.Now().UnixMilli()
	items, next := e.recent(t, tok, "/v1/me/player/recently-played?limit=50&after="+strconv.FormatInt(cursor, 10))
	want := e.history(t, "dex", cursor, now)
	if len(want) <= recentWindow || next != nil {
		t.Fatalf("dex played %d tracks in 6 hours (next %v); want more than the window", len(want), next)
	}
	if !slices.Equal(playKeys(reversed(items)), playKeys(want[len(want)-recentWindow:])) {
		t.Errorf("after a 6-hour gap: got %d items, not the last %d plays", len(items), recentWindow)
	}
	// And before= walks the same window back, one play at a time.
	var back []historyItem
	target := "/v1/me/player/recently-played?limit=1&before=" + strconv.FormatInt(now+1, 10)
	for target != "" && len(back) <= recentWindow {
		page, next := e.recent(t, tok, target)
		back = append(back, page...)
		target = ""
		if next != nil {
			target = *next
		}
	}
	if !slices.Equal(playKeys(reversed(back)), playKeys(want[len(want)-recentWindow:])) {
		t.Errorf("before walk: %d items, not the window", len(back))
	}
}

func TestHistoryValidation(t *testing.T) {
	e := newEnv(t, nil)
	now := e.sim.Now().UnixMilli()
	q := func(listener string, after, before any) string {
		return fmt.Sprintf("/_sim/history?listener=%s&after=%v&before=%v", listener, after, before)
	}
	for _, tc := range []struct {
		name, target string
		status       int
	}{
		{"valid", q("walt", now-msPerDay, now), 200},
		{"empty span", q("walt", now, now), 200},
		{"400 days", q("dex", now-400*msPerDay, now-399*msPerDay), 200},
		{"no listener", fmt.Sprintf("/_sim/history?after=%d&before=%d", now-1000, now), 400},
		{"unknown listener", q("nobody", now-1000, now), 404},
		{"no after", fmt.Sprintf("/_sim/history?listener=walt&before=%d", now), 400},
		{"no before", fmt.Sprintf("/_sim/history?listener=walt&after=%d", now-1000), 400},
		{"after not a number", q("walt", "yesterday", now), 400},
		{"before not a number", q("walt", now-1000, "1.5e12"), 400},
		{"negative", q("walt", -5, now), 400},
		{"after later than before", q("walt", now, now-1000), 400},
		{"before in the future", q("walt", now-1000, now+1), 400},
		{"over 400 days", q("walt", now-400*msPerDay-1, now), 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.call(t, "GET", tc.target, "", nil)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			var body struct {
				Error string            `json:"error"`
				Items []json.RawMessage `json:"items"`
			}
			r.decode(t, &body)
			if tc.status != 200 && body.Error == "" || tc.status == 200 && body.Items == nil {
				t.Fatalf("body %s", r.body)
			}
		})
	}
}

func TestClockControl(t *testing.T) {
	e := newEnv(t, nil)
	start := e.sim.Now()
	var c clockJSON
	e.call(t, "GET", "/_sim/clock", "", nil).decode(t, &c)
	if c.Now != start.UTC().Format(time.RFC3339Nano) {
		t.Fatalf("GET /_sim/clock = %s, want %s", c.Now, start)
	}
	if now := e.advance(t, 2*time.Hour+30*time.Minute); !now.Equal(start.Add(150 * time.Minute)) {
		t.Fatalf("advanced to %s", now)
	}
	// The configured clock still runs under the offset.
	e.clock.Advance(time.Minute)
	if got := e.sim.Now(); !got.Equal(start.Add(151 * time.Minute)) {
		t.Fatalf("Now = %s after the fake clock moved a minute", got)
	}
	for _, body := range []string{`{"by":"-1h"}`, `{"by":"0s"}`, `{"by":"9601h"}`, `{"by":"soon"}`, `{"by":"1h","extra":1}`, `{}`, `nonsense`} {
		r := e.call(t, "POST", "/_sim/clock/advance", "", strings.NewReader(body))
		var eb struct{ Error string }
		r.decode(t, &eb)
		if r.status != 400 || eb.Error == "" {
			t.Errorf("advance %s: %d %s", body, r.status, r.body)
		}
	}
	if now := e.advance(t, 400*24*time.Hour); !now.Equal(start.Add(151*time.Minute + 400*24*time.Hour)) {
		t.Fatalf("advanced 400 days to %s", now)
	}
}

// TestTokensLiveInSimulatedTime: the control API's clock expires access
// tokens, refresh tokens and codes as the configured clock would.
func TestTokensLiveInSimulatedTime(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.login(t, "amara", allScopes...)
	if r := e.call(t, "GET", "/v1/me", tok.AccessToken, nil); r.status != 200 {
		t.Fatalf("fresh token: %d", r.status)
	}
	e.advance(t, e.cfg.TokenTTL-time.Minute)
	if r := e.call(t, "GET", "/v1/me", tok.AccessToken, nil); r.status != 200 {
		t.Fatalf("token a minute before expiry: %d", r.status)
	}
	e.advance(t, time.Minute)
	wantAPIError(t, e.call(t, "GET", "/v1/me", tok.AccessToken, nil), 401, msgExpiredToken)

	refresh := func() error {
		_, err := e.oauthConfig().TokenSource(e.ctx(), &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
		return err
	}
	if err := refresh(); err != nil {
		t.Fatalf("refresh inside the refresh-token lifetime: %v", err)
	}
	e.advance(t, e.cfg.RefreshTTL)
	wantRetrieveError(t, refresh(), 400, "invalid_grant", "Refresh token expired")

	// Codes too: one redeemed after ten simulated minutes is refused.
	conf := e.oauthConfig("user-top-read")
	verifier := oauth2.GenerateVerifier()
	code := e.authorize(t, conf, "amara", verifier)
	e.advance(t, codeTTL)
	_, err := conf.Exchange(e.ctx(), code, oauth2.VerifierOption(verifier))
	wantRetrieveError(t, err, 400, "invalid_grant", "Authorization code expired")
}
