package analytics

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/euterpe-dev/euterpe/spotify"
)

func TestTopArtists(t *testing.T) {
	noImage := newArtist("c", "jazz")
	noImage.Images = nil
	got := TopArtists([]spotify.Artist{newArtist("a", "rock", "grunge"), devArtist("b"), newArtist("a"), noImage, newArtist("e")})
	tests := []struct {
		id          string
		rank        int
		image       string
		genresKnown bool
		genres      string
		popularity  bool
	}{
		{"a", 1, "640/a", true, "[rock grunge]", true},
		{"b", 2, "640/b", false, "[]", false},
		{"c", 3, "", true, "[jazz]", true},
		{"e", 4, "640/e", true, "[]", true},
	}
	if len(got) != len(tests) {
		t.Fatalf("got %d rows, want %d: %+v", len(got), len(tests), got)
	}
	for i, tt := range tests {
		g := got[i]
		if g.ID != tt.id || g.Rank != tt.rank || g.ArtistImage != tt.image || g.GenresKnown != tt.genresKnown ||
			fmt.Sprint(g.Genres) != tt.genres || (g.Popularity != nil) != tt.popularity || (g.Followers != nil) != tt.popularity {
			t.Errorf("row %d = %+v", i, g)
		}
	}
	out, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	// Not sent is null, sent-but-unclassified is [].
	if !strings.Contains(string(out), `"id":"b","artist_name":"Artist b","artist_image":"640/b","genres":null`) ||
		!strings.Contains(string(out), `"id":"e","artist_name":"Artist e","artist_image":"640/e","genres":[]`) {
		t.Errorf("JSON does not keep absent and empty genres apart: %s", out)
	}
	if rows := TopArtists(nil); rows == nil || len(rows) != 0 {
		t.Errorf("TopArtists(nil) = %#v, want empty non-nil", rows)
	}
}

func standingSummary(rows []ArtistStanding) string {
	parts := make([]string, len(rows))
	for i, r := range rows {
		parts[i] = fmt.Sprintf("%d.%s(%d/%d/%d)", r.Rank, r.ID, r.ShortTermRank, r.MediumTermRank, r.LongTermRank)
	}
	return strings.Join(parts, " ")
}

func TestTimelessArtists(t *testing.T) {
	tests := []struct {
		name                string
		short, medium, long []spotify.Artist
		want                string
	}{
		{"all nil", nil, nil, nil, ""},
		{"one range empty", artistList("a"), artistList("a"), nil, ""},
		{"ordered by average rank",
			artistList("x", "a", "b", "c"), artistList("b", "a", "c"), artistList("c", "b", "a", "z"),
			// a: 2,2,3 → 2.33; b: 3,1,2 → 2; c: 4,3,1 → 2.67
			"1.b(3/1/2) 2.a(2/2/3) 3.c(4/3/1)"},
		{"equal averages: better short-term rank first",
			artistList("a", "b"), artistList("b", "a"), artistList("a", "b"),
			// a: 1,2,1 → 1.33; b: 2,1,2 → 1.67
			"1.a(1/2/1) 2.b(2/1/2)"},
		{"tie broken by short term",
			artistList("a", "b", "c"), artistList("c", "b", "a"), artistList("b", "c", "a"),
			// a: 1,3,3 → 2.33; b: 2,2,1 → 1.67; c: 3,1,2 → 2
			"1.b(2/2/1) 2.c(3/1/2) 3.a(1/3/3)"},
		{"duplicates and missing ids ignored",
			artistList("a", "a", "", "b"), artistList("", "b", "a"), artistList("a", "b", ""),
			"1.a(1/3/1) 2.b(3/2/2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := TimelessArtists(tt.short, tt.medium, tt.long)
			if got == nil {
				t.Fatal("nil result")
			}
			if s := standingSummary(got); s != tt.want {
				t.Errorf("got  %s\nwant %s", s, tt.want)
			}
		})
	}
	got := TimelessArtists(artistList("a"), artistList("a"), artistList("a"))
	if got[0].AverageRank != 1 || got[0].Name != "Artist a" || got[0].ArtistImage != "640/a" {
		t.Errorf("row = %+v", got[0])
	}
}

func TestFallingOffArtists(t *testing.T) {
	tests := []struct {
		name                string
		short, medium, long []spotify.Artist
		want                string
	}{
		{"all nil", nil, nil, nil, ""},
		{"no long term", artistList("a"), artistList("b"), nil, ""},
		{"only long term, in long-term order",
			artistList("s"), artistList("m"), artistList("m", "x", "s", "y"),
			"1.x(0/0/2) 2.y(0/0/4)"},
		{"everyone still played", artistList("a"), artistList("b"), artistList("b", "a"), ""},
		{"duplicates and missing ids ignored",
			nil, nil, artistList("x", "", "x", "y"),
			"1.x(0/0/1) 2.y(0/0/3)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FallingOffArtists(tt.short, tt.medium, tt.long)
			if got == nil {
				t.Fatal("nil result")
			}
			if s := standingSummary(got); s != tt.want {
				t.Errorf("got  %s\nwant %s", s, tt.want)
			}
		})
	}
}
