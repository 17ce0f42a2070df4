package social

import (
	"crypto/sha256"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/spotify"
)

func TestTokens(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok := NewToken()
		if len(tok) != 43 || !ValidToken(tok) || seen[tok] {
			t.Fatalf("token %q: valid %v, seen %v", tok, ValidToken(tok), seen[tok])
		}
		seen[tok] = true
	}
	tok := NewToken()
	for _, bad := range []string{"", tok[:42], tok + "A", tok[:42] + "=", tok[:42] + "!", strings.Repeat("/", 43), " " + tok[1:]} {
		if ValidToken(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
	sum := sha256.Sum256([]byte(tok))
	if h := HashToken(tok); !slices.Equal(h, sum[:]) || len(h) != 32 {
		t.Errorf("HashToken is not the token's SHA-256")
	}
}

func top(kind history.Kind, items ...int64) history.TopList {
	l := history.TopList{Kind: kind}
	for i := 0; i+1 < len(items); i += 2 {
		l.Items = append(l.Items, history.TopItem{Rank: len(l.Items) + 1, ID: items[i], Plays: items[i+1]})
	}
	return l
}

// Common items come best first by what they add to the overlap; each
// side's own items keep their rank order; the score is the same both ways.
func TestCompare(t *testing.T) {
	me := Side{Name: "me",
		Artists: top(history.Artists, 1, 50, 2, 30, 3, 15, 4, 5),
		Tracks:  top(history.Tracks, 10, 8, 11, 2)}
	friend := Side{Name: "friend",
		Artists: top(history.Artists, 5, 60, 3, 30, 2, 10),
		Tracks:  top(history.Tracks, 12, 1)}
	c := Compare(me, friend)
	// Shares: me 1 .5, 2 .3, 3 .15, 4 .05; friend 5 .6, 3 .3, 2 .1.
	// Common 3 adds min(.15,.3) = .15, 2 adds min(.3,.1) = .1.
	var common []int64
	for _, x := range c.CommonArtists {
		common = append(common, x.ID)
	}
	if !slices.Equal(common, []int64{3, 2}) || c.CommonArtists[0].Mine != 15 || c.CommonArtists[0].Theirs != 30 {
		t.Errorf("common artists %+v", c.CommonArtists)
	}
	ids := func(items []history.TopItem) []int64 {
		var out []int64
		for _, it := range items {
			out = append(out, it.ID)
		}
		return out
	}
	if got := ids(c.MineOnlyArtists); !slices.Equal(got, []int64{1, 4}) {
		t.Errorf("mine only %v", got)
	}
	if got := ids(c.TheirsOnlyArtists); !slices.Equal(got, []int64{5}) {
		t.Errorf("theirs only %v", got)
	}
	if len(c.CommonTracks) != 0 || !slices.Equal(ids(c.MineOnlyTracks), []int64{10, 11}) {
		t.Errorf("tracks: common %v, mine only %v", c.CommonTracks, ids(c.MineOnlyTracks))
	}
	// Artists overlap .25, tracks 0: 100 × .7 × .25 = 17.5, rounded 18.
	if c.Affinity.Score != 18 {
		t.Errorf("score %d, want 18", c.Affinity.Score)
	}
	back := Compare(friend, me)
	if back.Affinity != c.Affinity || len(back.CommonArtists) != 2 || back.CommonArtists[0].ID != 3 {
		t.Errorf("the other way round: %+v, common %+v", back.Affinity, back.CommonArtists)
	}
}

func TestParseNewShare(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Paris")
	now := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
	years := []int{2025, 2026}
	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v
	}
	n, err := ParseNewShare(form("kind", "year", "year", "2025", "panel", "clock", "panel", "summary", "expires", "7", "show_name", "yes"), loc, now, years)
	if err != nil || n.Kind != ShareYear || n.Year != 2025 || !slices.Equal(n.Panels, []string{"summary", "clock"}) ||
		n.Expiry != 7*24*time.Hour || !n.ShowName || n.ShowPicture {
		t.Errorf("year: %+v %v", n, err)
	}
	n, err = ParseNewShare(form("kind", "history", "period", "this_month", "panel", "totals", "expires", "never"), loc, now, years)
	if err != nil || n.Period != history.ThisMonth || n.Expiry != 0 {
		t.Errorf("history preset: %+v %v", n, err)
	}
	n, err = ParseNewShare(form("kind", "history", "from", "2026-01-01", "to", "2026-02-01", "panel", "clock", "expires", "30"), loc, now, years)
	if err != nil || n.Period != history.CustomSpan || n.From.Format(time.DateOnly) != "2026-01-01" || n.To.Format(time.DateOnly) != "2026-02-01" {
		t.Errorf("history dates: %+v %v", n, err)
	}
	n, err = ParseNewShare(form("kind", "dashboard", "range", "long_term", "panel", "top-albums", "expires", "never"), loc, now, years)
	if err != nil || n.Range != spotify.LongTerm {
		t.Errorf("dashboard: %+v %v", n, err)
	}
	for _, c := range []struct {
		form  url.Values
		field string
	}{
		{form("kind", "everything", "panel", "x", "expires", "never"), "kind"},
		{form("kind", "year", "year", "2026", "expires", "never"), "panel"},
		{form("kind", "year", "year", "2026", "panel", "top-songs", "panel", "sessions", "expires", "never"), "panel"},
		{form("kind", "year", "year", "2019", "panel", "summary", "expires", "never"), "year"},
		{form("kind", "year", "year", "2026", "panel", "summary", "expires", "365"), "expires"},
		{form("kind", "dashboard", "range", "forever", "panel", "top-songs", "expires", "never"), "range"},
		{form("kind", "history", "period", "yesterday", "panel", "totals", "expires", "never"), "period"},
		{form("kind", "history", "from", "2026-02-01", "to", "2026-01-01", "panel", "totals", "expires", "never"), "to"},
	} {
		_, err := ParseNewShare(c.form, loc, now, years)
		var fe *FormError
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%v: %v, want an error about %s", c.form, err, c.field)
		}
	}
}
