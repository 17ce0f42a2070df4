package spotifysim

import (
	"crypto/sha256"
	"fmt"
	"hash"
	"slices"
	"strings"
	"testing"
	"time"
)

// historyProbe is a date whose listening the digest covers; any date would
// do, since the history exists for every date.
var historyProbe = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// digest hashes everything the seed decides: every rendered object, the top
// lists, the history and the playlists.
func digest(s *Server) [32]byte {
	h := sha256.New()
	w := func(h hash.Hash, format string, args ...any) { fmt.Fprintf(h, format, args...) }
	c := s.cat
	for _, a := range c.artists {
		w(h, "%s\n", a.full)
	}
	for _, al := range c.albums {
		w(h, "%s\n", al.simple)
	}
	for _, t := range c.tracks {
		w(h, "%s\n", t.full)
	}
	for _, l := range c.listeners {
		w(h, "%s %s %s\n", l.id, l.accountID, l.email)
		for tr := range numRanges {
			for _, a := range l.topArtists[tr] {
				w(h, "A%d %s\n", tr, a.id)
			}
			for _, t := range l.topTracks[tr] {
				w(h, "T%d %s\n", tr, t.id)
			}
		}
		for day := dayOf(historyProbe.UnixMilli()) - 3; day <= dayOf(historyProbe.UnixMilli())+3; day++ {
			for _, p := range s.dayPlays(l, day) {
				w(h, "P %s %d %d %v\n", p.track.id, p.playedAt, p.heardMS, p.context)
			}
		}
		for _, p := range l.library {
			w(h, "L %s\n", p.id)
		}
	}
	ids := slices.Sorted(func(yield func(string) bool) {
		for id := range c.playlists {
			if !yield(id) {
				return
			}
		}
	})
	for _, id := range ids {
		p := c.playlists[id]
		w(h, "%s %s %s %v %v %d\n", p.id, p.name, p.owner.id, p.public, p.collaborative, p.followers)
		for _, it := range p.items {
			w(h, " %s %s %s\n", it.track.id, it.addedAt.Format(time.RFC3339), it.addedBy)
		}
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

func TestDeterminism(t *testing.T) {
	build := func(seed int64) *testEnv {
		return newEnv(t, func(c *Config) { c.Seed = seed })
	}
	a, b, other := build(7), build(7), build(8)
	if digest(a.sim) != digest(b.sim) {
		t.Fatal("same seed, different catalogs")
	}
	if digest(a.sim) == digest(other.sim) {
		t.Fatal("different seeds, same catalog")
	}
	names := func(s *Server) []string {
		var out []string
		for _, a := range s.cat.artists {
			out = append(out, a.name)
		}
		return out
	}
	if slices.Equal(names(a.sim), names(other.sim)) {
		t.Error("different seeds give the same artist names")
	}
	// And over HTTP, byte for byte (up to the host each server runs on).
	for _, target := range []string{"/v1/me/top/tracks?limit=50&time_range=short_term", "/v1/me/player/recently-played?limit=50", "/v1/me/playlists"} {
		ra := a.call(t, "GET", target, a.login(t, "ines", allScopes...).AccessToken, nil)
		rb := b.call(t, "GET", target, b.login(t, "ines", allScopes...).AccessToken, nil)
		if strings.ReplaceAll(string(ra.body), a.ts.URL, "") != strings.ReplaceAll(string(rb.body), b.ts.URL, "") {
			t.Errorf("%s differs between two servers with the same seed", target)
		}
	}
}
