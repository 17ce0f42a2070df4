package analytics

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/euterpe-dev/euterpe/spotify"
)

func TestGenreBreakdown(t *testing.T) {
	many := make([]spotify.Artist, 12)
	for i := range many {
		many[i] = newArtist(fmt.Sprint(i), fmt.Sprintf("g%02d", i))
	}
	many[11].Genres = append(many[11].Genres, "g00")
	tests := []struct {
		name      string
		artists   []spotify.Artist
		wantAvail bool
		want      string
		wantWith  int
		wantCount int
	}{
		{"nil", nil, false, "[]", 0, 0},
		{"Development Mode: no genres field", artistList("a", "b"), false, "[]", 0, 2},
		{"field sent but empty: available, no genres", []spotify.Artist{newArtist("a"), newArtist("b")}, true, "[]", 0, 2},
		{"counted per artist, most first then by name", []spotify.Artist{
			newArtist("a", "rock", "pop"), newArtist("b", "pop", "jazz"), newArtist("c", "pop", "rock"), devArtist("d"),
		}, true, "[{pop 3} {rock 2} {jazz 1}]", 3, 4},
		{"a genre repeated on one artist, and a repeated artist, count once", []spotify.Artist{
			newArtist("a", "rock", "rock", ""), newArtist("a", "rock"),
		}, true, "[{rock 1}]", 1, 1},
		{"top 10", many, true, "[{g00 2} {g01 1} {g02 1} {g03 1} {g04 1} {g05 1} {g06 1} {g07 1} {g08 1} {g09 1}]", 12, 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := GenreBreakdown(tt.artists)
			if got.Genres == nil {
				t.Fatal("nil Genres")
			}
			if got.GenresAvailable != tt.wantAvail || fmt.Sprint(got.Genres) != tt.want ||
				got.ArtistsWithGenres != tt.wantWith || got.ArtistCount != tt.wantCount {
				t.Errorf("got %+v", got)
			}
		})
	}
}

func seasonSummary(r SeasonsReport) string {
	parts := make([]string, len(r.Seasons))
	for i, s := range r.Seasons {
		parts[i] = fmt.Sprintf("%s:%d/%d%v", s.Season, s.TrackCount, s.TracksWithGenres, s.Genres)
	}
	return strings.Join(parts, " ")
}

func TestSeasonalVariety(t *testing.T) {
	in := func(id, date, precision string, artists ...string) spotify.Track {
		return newTrack(id, released(date, precision), by(artists...))
	}
	artists := []spotify.Artist{newArtist("r", "rock", "indie"), newArtist("j", "jazz", "indie"), newArtist("n"), devArtist("d")}
	tests := []struct {
		name      string
		tracks    []spotify.Track
		artists   []spotify.Artist
		wantAvail bool
		want      string
	}{
		{"nil", nil, nil, false,
			"Winter:0/0[] Spring:0/0[] Summer:0/0[] Autumn:0/0[] Unknown season:0/0[]"},
		{"season boundaries", []spotify.Track{
			in("dec", "1999-12-31", "day", "r"), in("jan", "2000-01", "month", "r"), in("feb", "2000-02-29", "day", "r"),
			in("mar", "2000-03-01", "day", "j"), in("may", "2000-05", "month", "j"),
			in("jun", "2000-06", "month", "j"), in("aug", "2000-08", "month", "j"),
			in("sep", "2000-09", "month", "r"), in("nov", "2000-11", "month", "r"),
		}, artists, true,
			"Winter:3/3[{indie 3} {rock 3}] Spring:2/2[{indie 2} {jazz 2}] Summer:2/2[{indie 2} {jazz 2}] Autumn:2/2[{indie 2} {rock 2}] Unknown season:0/0[]"},
		{"year precision and bad dates go to the unknown season", []spotify.Track{
			in("a", "1999", "year", "r"), in("b", "1999-07-04", "year", "r"), in("c", "0000", "year", "j"), in("d", "", "", "x"),
		}, artists, true,
			"Winter:0/0[] Spring:0/0[] Summer:0/0[] Autumn:0/0[] Unknown season:4/3[{indie 3} {rock 2} {jazz 1}]"},
		{"a track's genres are the union over its artists", []spotify.Track{
			in("a", "2000-04", "month", "r", "j", "n", "d", "unknown"),
		}, artists, true,
			"Winter:0/0[] Spring:1/1[{indie 1} {jazz 1} {rock 1}] Summer:0/0[] Autumn:0/0[] Unknown season:0/0[]"},
		{"Development Mode: seasons counted, no genres", []spotify.Track{
			in("a", "2000-04", "month", "a1"), in("b", "2000-10", "month", "a2"),
		}, artistList("a1", "a2"), false,
			"Winter:0/0[] Spring:1/0[] Summer:0/0[] Autumn:1/0[] Unknown season:0/0[]"},
		{"repeated track counted once", []spotify.Track{
			in("a", "2000-04", "month", "r"), in("a", "2000-04", "month", "r"),
		}, artists, true,
			"Winter:0/0[] Spring:1/1[{indie 1} {rock 1}] Summer:0/0[] Autumn:0/0[] Unknown season:0/0[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SeasonalVariety(tt.tracks, tt.artists)
			if got.GenresAvailable != tt.wantAvail {
				t.Errorf("GenresAvailable = %v, want %v", got.GenresAvailable, tt.wantAvail)
			}
			if s := seasonSummary(got); s != tt.want {
				t.Errorf("got  %s\nwant %s", s, tt.want)
			}
			total := 0
			for _, s := range got.Seasons {
				total += s.TrackCount
				if s.Genres == nil {
					t.Errorf("%s: nil Genres", s.Season)
				}
			}
			if total != got.TotalTracks {
				t.Errorf("seasons hold %d tracks, TotalTracks = %d: a track was dropped", total, got.TotalTracks)
			}
		})
	}
}

func TestSeasonalVarietyTopGenresOnly(t *testing.T) {
	genres := make([]string, 15)
	for i := range genres {
		genres[i] = fmt.Sprintf("g%02d", i)
	}
	got := SeasonalVariety([]spotify.Track{newTrack("a", released("2000-07", "month"), by("x"))}, []spotify.Artist{newArtist("x", genres...)})
	if n := len(got.Seasons[2].Genres); n != TopGenresLimit {
		t.Errorf("summer has %d genres, want %d", n, TopGenresLimit)
	}
	out, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `{"season":"Winter","months":"Dec–Feb","track_count":0,"tracks_with_genres":0,"genres":[]}`) {
		t.Errorf("JSON = %s", out)
	}
}
