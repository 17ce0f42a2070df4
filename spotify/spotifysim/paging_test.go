package spotifysim

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"
)

type pageOf[T any] struct {
	Href     string  `json:"href"`
	Items    []T     `json:"items"`
	Limit    int     `json:"limit"`
	Next     *string `json:"next"`
	Offset   int     `json:"offset"`
	Previous *string `json:"previous"`
	Total    int     `json:"total"`
}

type idOnly struct {
	ID string `json:"id"`
}

type playlistItemOnly struct {
	Item idOnly `json:"item"`
}

// walk follows next links from first to the end and returns every item.
func walk[T any](t *testing.T, e *testEnv, token, first string) []T {
	t.Helper()
	var all []T
	target := first
	for pages := 0; ; pages++ {
		if pages > 500 {
			t.Fatalf("walk from %s does not terminate", first)
		}
		r := e.call(t, "GET", target, token, nil)
		if r.status != 200 {
			t.Fatalf("GET %s: %d %s", target, r.status, r.body)
		}
		var p pageOf[T]
		r.decode(t, &p)
		if p.Offset != len(all) {
			t.Fatalf("%s: offset %d after %d items", target, p.Offset, len(all))
		}
		if pages == 0 && p.Previous != nil {
			t.Fatalf("%s: first page has previous %s", target, *p.Previous)
		}
		if pages > 0 && p.Previous == nil {
			t.Fatalf("%s: page %d has no previous link", target, pages)
		}
		all = append(all, p.Items...)
		if len(all) > p.Total {
			t.Fatalf("%s: %d items, total says %d", target, len(all), p.Total)
		}
		if p.Next == nil {
			if len(all) != p.Total {
				t.Fatalf("walk from %s ended with %d of %d items", first, len(all), p.Total)
			}
			return all
		}
		if len(p.Items) != p.Limit {
			t.Fatalf("%s: short page (%d of %d) with a next link", target, len(p.Items), p.Limit)
		}
		target = *p.Next
	}
}

func ids[T any](xs []T, id func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

func TestPagingWalksCoverEveryItem(t *testing.T) {
	e := newEnv(t, nil)
	for _, l := range e.sim.cat.listeners {
		tok := e.login(t, l.id, allScopes...).AccessToken
		for _, limit := range []int{1, 7, 20, 50} {
			for tr, name := range timeRangeNames {
				q := fmt.Sprintf("?time_range=%s&limit=%d", name, limit)
				gotT := ids(walk[idOnly](t, e, tok, "/v1/me/top/tracks"+q), func(x idOnly) string { return x.ID })
				// The lists of the simulator's today, which the Web API serves.
				wantT := ids(e.sim.todayTops(l).tracks[tr], func(x *track) string { return x.id })
				if !slices.Equal(gotT, wantT) {
					t.Errorf("%s top tracks %s limit %d: walk differs from the list", l.id, name, limit)
				}
				gotA := ids(walk[idOnly](t, e, tok, "/v1/me/top/artists"+q), func(x idOnly) string { return x.ID })
				wantA := ids(e.sim.todayTops(l).artists[tr], func(x *artist) string { return x.id })
				if !slices.Equal(gotA, wantA) {
					t.Errorf("%s top artists %s limit %d: walk differs from the list", l.id, name, limit)
				}
			}
		}
		lib := walk[idOnly](t, e, tok, "/v1/me/playlists?limit=3")
		if len(lib) != len(l.library) {
			t.Fatalf("%s: %d playlists walked, library has %d", l.id, len(lib), len(l.library))
		}
		for _, p := range l.library {
			want := ids(p.items, func(x playlistItem) string { return x.track.id })
			got := ids(walk[playlistItemOnly](t, e, tok, "/v1/playlists/"+p.id+"/tracks?limit=100"), func(x playlistItemOnly) string { return x.Item.ID })
			if !slices.Equal(got, want) {
				t.Errorf("%s: /tracks walk of %q differs", l.id, p.name)
			}
			if p.editableBy(l.id) {
				got := ids(walk[playlistItemOnly](t, e, tok, "/v1/playlists/"+p.id+"/items?limit=50"), func(x playlistItemOnly) string { return x.Item.ID })
				if !slices.Equal(got, want) {
					t.Errorf("%s: /items walk of %q differs", l.id, p.name)
				}
			}
		}
	}
}

type playHistory struct {
	Track    idOnly  `json:"track"`
	PlayedAt string  `json:"played_at"`
	Context  *idOnly `json:"context"`
}

type cursorPage struct {
	Items   []playHistory `json:"items"`
	Next    *string       `json:"next"`
	Cursors *struct {
		After  string `json:"after"`
		Before string `json:"before"`
	} `json:"cursors"`
	Limit int    `json:"limit"`
	Href  string `json:"href"`
}

func walkCursor(t *testing.T, e *testEnv, token, first string) []playHistory {
	t.Helper()
	var all []playHistory
	target := first
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatalf("cursor walk from %s does not terminate", first)
		}
		r := e.call(t, "GET", target, token, nil)
		if r.status != 200 {
			t.Fatalf("GET %s: %d %s", target, r.status, r.body)
		}
		var p cursorPage
		r.decode(t, &p)
		if len(p.Items) > p.Limit {
			t.Fatalf("%s: %d items over limit %d", target, len(p.Items), p.Limit)
		}
		if len(p.Items) > 0 {
			newest, _ := time.Parse(time.RFC3339Nano, p.Items[0].PlayedAt)
			oldest, _ := time.Parse(time.RFC3339Nano, p.Items[len(p.Items)-1].PlayedAt)
			if p.Cursors == nil || p.Cursors.After != strconv.FormatInt(newest.UnixMilli(), 10) || p.Cursors.Before != strconv.FormatInt(oldest.UnixMilli(), 10) {
				t.Fatalf("%s: cursors %+v do not bracket the page", target, p.Cursors)
			}
		}
		all = append(all, p.Items...)
		if p.Next == nil {
			return all
		}
		target = *p.Next
	}
}

func TestRecentlyPlayedCursorWalks(t *testing.T) {
	e := newEnv(t, nil)
	now := e.clock.Now()
	var contexts, nulls int
	for _, l := range e.sim.cat.listeners {
		tok := e.login(t, l.id, allScopes...).AccessToken
		back := walkCursor(t, e, tok, "/v1/me/player/recently-played?limit=7")
		if len(back) != recentWindow {
			t.Fatalf("%s: backward walk found %d plays, want the %d most recent", l.id, len(back), recentWindow)
		}
		var prev time.Time
		for i, p := range back {
			at, err := time.Parse("2006-01-02T15:04:05.000Z", p.PlayedAt)
			if err != nil {
				t.Fatalf("played_at %q: %v", p.PlayedAt, err)
			}
			if at.After(now) {
				t.Fatalf("%s: play at %s is in the future (now %s)", l.id, at, now)
			}
			if i > 0 && !at.Before(prev) {
				t.Fatalf("%s: plays not strictly newest first at %d", l.id, i)
			}
			prev = at
		}
		if newest, _ := time.Parse(time.RFC3339, back[0].PlayedAt); now.Sub(newest) > 48*time.Hour {
			t.Errorf("%s: newest play %s is more than two days old", l.id, newest)
		}
		fwd := walkCursor(t, e, tok, "/v1/me/player/recently-played?after=0&limit=9")
		// Forward pages are newest-first within a page, oldest page first.
		sortPlays := func(ps []playHistory) []string {
			out := ids(ps, func(p playHistory) string { return p.PlayedAt + " " + p.Track.ID })
			sort.Strings(out)
			return out
		}
		if !slices.Equal(sortPlays(fwd), sortPlays(back)) {
			t.Errorf("%s: forward walk (%d) and backward walk (%d) differ", l.id, len(fwd), len(back))
		}
		for _, p := range back {
			if p.Context == nil {
				nulls++
			} else {
				contexts++
			}
		}
	}
	if contexts == 0 || nulls == 0 {
		t.Errorf("plays with a context: %d, without: %d; want both, as on Spotify", contexts, nulls)
	}
	// Listening goes on: a day later there are new plays.
	tok := e.login(t, "dex", "user-read-recently-played").AccessToken
	before := walkCursor(t, e, tok, "/v1/me/player/recently-played?limit=50")
	e.clock.Advance(24 * time.Hour)
	tok = e.login(t, "dex", "user-read-recently-played").AccessToken
	after := walkCursor(t, e, tok, "/v1/me/player/recently-played?limit=50")
	if before[0].PlayedAt == after[0].PlayedAt {
		t.Error("no new plays a day later")
	}
	// An after cursor at the newest play returns nothing more, and says so.
	var p cursorPage
	newest, _ := time.Parse(time.RFC3339, after[0].PlayedAt)
	e.call(t, "GET", "/v1/me/player/recently-played?after="+strconv.FormatInt(newest.UnixMilli(), 10), tok, nil).decode(t, &p)
	if len(p.Items) != 0 || p.Next != nil || p.Cursors != nil {
		t.Errorf("after the newest play: %+v", p)
	}
}

func TestCatalogShape(t *testing.T) {
	e := newEnv(t, nil)
	c := e.sim.cat
	if len(c.tracks) < 300 || len(c.artists) < 80 || len(c.listeners) < 5 {
		t.Fatalf("catalog too small: %d tracks, %d artists, %d listeners", len(c.tracks), len(c.artists), len(c.listeners))
	}
	precision := map[string]*regexp.Regexp{
		"year": regexp.MustCompile(`^\d{4}$`), "month": regexp.MustCompile(`^\d{4}-\d{2}$`), "day": regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`),
	}
	seen := map[string]int{}
	for _, al := range c.albums {
		re := precision[al.precision]
		if re == nil || !re.MatchString(al.releaseDate) {
			t.Fatalf("album %s: release_date %q with precision %q", al.id, al.releaseDate, al.precision)
		}
		seen[al.precision]++
	}
	if len(seen) != 3 {
		t.Errorf("precisions present: %v, want year, month and day", seen)
	}
	bigOwned, bigFollowed := false, false
	for _, l := range c.listeners {
		in := func(tr int) map[*artist]bool {
			m := map[*artist]bool{}
			for _, a := range l.topArtists[tr] {
				m[a] = true
			}
			return m
		}
		short, medium, long := in(shortTerm), in(mediumTerm), in(longTerm)
		all, longOnly := 0, 0
		for a := range long {
			switch {
			case short[a] && medium[a]:
				all++
			case !short[a] && !medium[a]:
				longOnly++
			}
		}
		if all == 0 || longOnly == 0 {
			t.Errorf("%s: %d artists in all three ranges, %d only in long term; want both > 0", l.id, all, longOnly)
		}
		for _, p := range l.library {
			if len(p.items) > 100 {
				if p.owner.id == l.id {
					bigOwned = true
				} else {
					bigFollowed = true
				}
			}
		}
	}
	if !bigOwned || !bigFollowed {
		t.Errorf("playlists over 100 items: owned %v, followed %v; want both", bigOwned, bigFollowed)
	}
}

// TestListenersDiffer checks that the personas are distinguishable by what
// Euterpe measures: genres, popularity and era.
func TestListenersDiffer(t *testing.T) {
	e := newEnv(t, nil)
	type profile struct {
		popularity float64
		year       float64
		genre      string
	}
	profiles := map[string]profile{}
	for _, l := range e.sim.cat.listeners {
		var pop, year float64
		genres := map[string]int{}
		list := l.topTracks[longTerm]
		for _, tr := range list {
			pop += float64(tr.popularity)
			y, _ := strconv.Atoi(tr.album.releaseDate[:4])
			year += float64(y)
			for _, g := range tr.artists[0].genres {
				genres[g]++
			}
		}
		top := ""
		for g, n := range genres {
			if top == "" || n > genres[top] || n == genres[top] && g < top {
				top = g
			}
		}
		profiles[l.id] = profile{pop / float64(len(list)), year / float64(len(list)), top}
		t.Logf("%s: mean popularity %.0f, mean year %.0f, top genre %s", l.id, pop/float64(len(list)), year/float64(len(list)), top)
	}
	if p := profiles["ines"]; p.popularity > 30 {
		t.Errorf("ines (obscure indie) has mean popularity %.0f", p.popularity)
	}
	if p := profiles["kiko"]; p.popularity < 58 {
		t.Errorf("kiko (current pop) has mean popularity %.0f", p.popularity)
	}
	if p := profiles["walt"]; p.year > 1988 {
		t.Errorf("walt (70s rock) has mean release year %.0f", p.year)
	}
	if p := profiles["kiko"]; p.year < 2010 {
		t.Errorf("kiko (current pop) has mean release year %.0f", p.year)
	}
	if p := profiles["amara"]; p.year > 1985 {
		t.Errorf("amara (jazz, classical) has mean release year %.0f", p.year)
	}
	genres := map[string]bool{}
	for _, p := range profiles {
		genres[p.genre] = true
	}
	if len(genres) < len(profiles) {
		t.Errorf("listeners share top genres: %+v", profiles)
	}
}
