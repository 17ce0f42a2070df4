package spotifysim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"
)

// topAnswer is GET /_sim/top's body, ids only.
type topAnswer struct {
	Date    string              `json:"date"`
	Tracks  map[string][]idOnly `json:"tracks"`
	Artists map[string][]idOnly `json:"artists"`
}

func (e *testEnv) simTop(t *testing.T, listener, date string) (int, topAnswer, string) {
	t.Helper()
	res, err := http.Get(e.ts.URL + "/_sim/top?" + url.Values{"listener": {listener}, "date": {date}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var a topAnswer
	if res.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, &a); err != nil {
			t.Fatalf("/_sim/top: %v: %s", err, body)
		}
	}
	return res.StatusCode, a, string(body)
}

func idsOf(xs []idOnly) []string { return ids(xs, func(x idOnly) string { return x.ID }) }

// The Web API serves the lists of the simulator's today, which GET
// /_sim/top gives for that date too; a day later both answer the next
// day's lists.
func TestTopListsOfTodayAreTheWebAPIs(t *testing.T) {
	e := newEnv(t, nil)
	for _, l := range e.sim.cat.listeners {
		check := func(when string) {
			t.Helper()
			tok := e.login(t, l.id, allScopes...).AccessToken
			status, top, body := e.simTop(t, l.id, e.clock.Now().UTC().Format(time.DateOnly))
			if status != http.StatusOK {
				t.Fatalf("/_sim/top for %s: %d %s", l.id, status, body)
			}
			for _, name := range timeRangeNames {
				q := "?time_range=" + name + "&limit=50"
				if got := idsOf(walk[idOnly](t, e, tok, "/v1/me/top/tracks"+q)); !slices.Equal(got, idsOf(top.Tracks[name])) {
					t.Errorf("%s %s: top tracks %s differ from /_sim/top", when, l.id, name)
				}
				if got := idsOf(walk[idOnly](t, e, tok, "/v1/me/top/artists"+q)); !slices.Equal(got, idsOf(top.Artists[name])) {
					t.Errorf("%s %s: top artists %s differ from /_sim/top", when, l.id, name)
				}
			}
		}
		check("today")
		e.clock.Advance(24 * time.Hour)
		check("a day later")
	}
}

// Lists are a function of the seed, the listener and the day: two
// simulators started at different times agree on every date.
func TestTopListsAreDeterministic(t *testing.T) {
	a := newEnv(t, nil)
	later := newFakeClock()
	later.Advance(90 * 24 * time.Hour)
	b := newEnvWithClock(t, later, nil)
	for _, date := range []string{"2026-01-01", "2026-03-15", "2026-06-15"} {
		for _, l := range a.sim.cat.listeners {
			_, x, _ := a.simTop(t, l.id, date)
			_, y, _ := b.simTop(t, l.id, date)
			if fmt.Sprint(x) != fmt.Sprint(y) {
				t.Errorf("%s on %s: two simulators disagree", l.id, date)
			}
		}
	}
}

// rankShift is the mean move of the items two lists share, in places.
func rankShift[T comparable](a, b []T) float64 {
	pos := map[T]int{}
	for i, x := range b {
		pos[x] = i
	}
	var sum, n float64
	for i, x := range a {
		if j, ok := pos[x]; ok {
			sum += float64(max(i-j, j-i))
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / n
}

// The lists move as rolling windows do: a little from one day to the next,
// much more over a month; the short term much more than the long term. The
// catalog's shape holds on every day: artists in all three ranges and
// artists only in the long term, no item twice, at most 50 tracks, each by
// an artist of the list; the short-term list gains and loses artists over
// two months, and tracks come and go.
func TestTopListsMoveLikeRollingWindows(t *testing.T) {
	e := newEnv(t, nil)
	today := dayOf(e.clock.Now().UnixMilli())
	const days = 60
	for _, l := range e.sim.cat.listeners {
		var daily, monthly [numRanges]float64
		left, tracksIn := 0, 0
		for d := today - days; d <= today; d++ {
			cur, prev, monthAgo := e.sim.tops(l, d), e.sim.tops(l, d-1), e.sim.tops(l, d-30)
			for tr := range numRanges {
				daily[tr] += rankShift(cur.artists[tr], prev.artists[tr]) / days
				monthly[tr] += rankShift(cur.artists[tr], monthAgo.artists[tr]) / days
				in := map[*artist]bool{}
				for _, a := range cur.artists[tr] {
					if in[a] {
						t.Fatalf("%s day %d range %d: %s twice", l.id, d, tr, a.name)
					}
					in[a] = true
				}
				for _, s := range l.topBase[tr] {
					if !in[s.a] {
						t.Fatalf("%s day %d range %d: %s left a list it always belongs to", l.id, d, tr, s.a.name)
					}
				}
				if len(cur.tracks[tr]) == 0 || len(cur.tracks[tr]) > 50 {
					t.Fatalf("%s day %d range %d: %d top tracks", l.id, d, tr, len(cur.tracks[tr]))
				}
				seen := map[*track]bool{}
				for _, tk := range cur.tracks[tr] {
					if seen[tk] {
						t.Fatalf("%s day %d range %d: track %s twice", l.id, d, tr, tk.name)
					}
					seen[tk] = true
					if !slices.ContainsFunc(tk.artists, func(a *artist) bool { return in[a] }) {
						t.Fatalf("%s day %d range %d: top track %s by nobody in the top artists", l.id, d, tr, tk.name)
					}
				}
			}
			short := map[*artist]bool{}
			for _, a := range cur.artists[shortTerm] {
				short[a] = true
			}
			for _, a := range prev.artists[shortTerm] {
				if !short[a] {
					left++
				}
			}
			before := map[*track]bool{}
			for _, tk := range prev.tracks[shortTerm] {
				before[tk] = true
			}
			for _, tk := range cur.tracks[shortTerm] {
				if !before[tk] {
					tracksIn++
				}
			}
			medium, long := map[*artist]bool{}, 0
			for _, a := range cur.artists[mediumTerm] {
				medium[a] = true
			}
			all := 0
			for _, a := range cur.artists[longTerm] {
				switch {
				case short[a] && medium[a]:
					all++
				case !short[a] && !medium[a]:
					long++
				}
			}
			if all == 0 || long == 0 {
				t.Fatalf("%s day %d: %d artists in all ranges, %d only in the long term", l.id, d, all, long)
			}
		}
		t.Logf("%s: mean shift a day %.2f/%.2f/%.2f, over 30 days %.2f/%.2f/%.2f; short term: %d artists left, %d tracks entered",
			l.id, daily[0], daily[1], daily[2], monthly[0], monthly[1], monthly[2], left, tracksIn)
		for tr := range numRanges {
			if daily[tr] <= 0 || monthly[tr] < 2*daily[tr] {
				t.Errorf("%s range %d: a day moves %.2f places, a month %.2f: a rolling window moves more over a month", l.id, tr, daily[tr], monthly[tr])
			}
		}
		if !(monthly[shortTerm] > monthly[mediumTerm] && monthly[mediumTerm] > monthly[longTerm]) {
			t.Errorf("%s: over a month the short term moves %.2f, the medium %.2f, the long %.2f: the shorter window must move more",
				l.id, monthly[0], monthly[1], monthly[2])
		}
		if tracksIn == 0 {
			t.Errorf("%s: no track entered the short-term list in %d days", l.id, days)
		}
	}
}

// Some listener's short-term artists change over two months (a fringe
// artist's phase), as on Spotify.
func TestShortTermArtistsComeAndGo(t *testing.T) {
	e := newEnv(t, nil)
	today := dayOf(e.clock.Now().UnixMilli())
	changes := 0
	for _, l := range e.sim.cat.listeners {
		for d := today - 60; d <= today; d++ {
			cur, prev := e.sim.tops(l, d), e.sim.tops(l, d-1)
			in := map[*artist]bool{}
			for _, a := range prev.artists[shortTerm] {
				in[a] = true
			}
			for _, a := range cur.artists[shortTerm] {
				if !in[a] {
					changes++
				}
			}
		}
	}
	if changes == 0 {
		t.Fatal("no listener's short-term top artists gained anyone in 60 days")
	}
}

func TestSimTopErrors(t *testing.T) {
	e := newEnv(t, nil)
	tomorrow := e.clock.Now().Add(24 * time.Hour).UTC().Format(time.DateOnly)
	for _, c := range []struct {
		listener, date string
		status         int
	}{
		{"", "2026-01-01", http.StatusBadRequest},
		{"nobody", "2026-01-01", http.StatusNotFound},
		{"ines", "", http.StatusBadRequest},
		{"ines", "2026-13-01", http.StatusBadRequest},
		{"ines", tomorrow, http.StatusBadRequest},
	} {
		if status, _, body := e.simTop(t, c.listener, c.date); status != c.status {
			t.Errorf("listener %q date %q: %d %s, want %d", c.listener, c.date, status, body, c.status)
		}
	}
}
