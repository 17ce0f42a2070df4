package analytics

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/spotify"
)

func TestOverview(t *testing.T) {
	tracks := []spotify.Track{
		newTrack("1", onAlbum("A", "a"), by("x", "y"), released("1994-05", "month"), lasting(240_000), popular(60)),
		newTrack("2", onAlbum("A", "a"), by("x"), released("1997", "year"), lasting(180_000), popular(31)),
		newTrack("3", onAlbum("B", "b"), by("z"), released("2012-01-01", "day"), lasting(200_000)),
		newTrack("3", onAlbum("B", "b"), by("z"), released("2012-01-01", "day"), lasting(200_000)), // a repeat
		newTrack("4", onAlbum("", "loose"), by(""), released("0000", "year"), lasting(0)),
	}
	tracks[0].Explicit = true
	artists := []spotify.Artist{newArtist("x", "rock"), newArtist("z", "rock", "pop")}
	recent := []spotify.PlayHistory{{Track: newTrack("1", lasting(240_000))}, {Track: newTrack("2", lasting(90_000))}}

	got := Overview(tracks, artists, recent)
	if got.TrackCount != 4 || got.ArtistCount != 3 || got.AlbumCount != 2 || got.TopArtistCount != 2 {
		t.Errorf("counts: %+v", got)
	}
	if got.TotalMinutes != 10 || got.TotalDuration != "10 min" || got.ExplicitCount != 1 {
		t.Errorf("totals: %+v", got)
	}
	if got.TopDecade == nil || got.TopDecade.Decade != 1990 || got.TopDecade.Count != 2 {
		t.Errorf("TopDecade = %+v", got.TopDecade)
	}
	if got.AveragePopularity == nil || *got.AveragePopularity != 46 { // (60+31)/2 = 45.5
		t.Errorf("AveragePopularity = %v", got.AveragePopularity)
	}
	if !got.GenresAvailable || got.TopGenre == nil || *got.TopGenre != (GenreCount{"rock", 2}) {
		t.Errorf("TopGenre = %+v", got.TopGenre)
	}
	if got.TopSong != "Song 1" || got.TopArtist != "Artist x" || got.RecentPlays != 2 || got.RecentMinutes != 6 {
		t.Errorf("headline: %+v", got)
	}
}

func TestOverviewWithoutData(t *testing.T) {
	tests := []struct {
		name    string
		tracks  []spotify.Track
		artists []spotify.Artist
	}{
		{"nothing", nil, nil},
		{"Development Mode", []spotify.Track{newTrack("1", released("0000", "year"))}, artistList("a")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Overview(tt.tracks, tt.artists, nil)
			if got.AveragePopularity != nil || got.TopGenre != nil || got.GenresAvailable || got.TopDecade != nil {
				t.Errorf("withheld data shown as data: %+v", got)
			}
			out, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			for _, key := range []string{`"average_popularity":null`, `"top_genre":null`, `"top_decade":null`} {
				if !strings.Contains(string(out), key) {
					t.Errorf("JSON %s lacks %s", out, key)
				}
			}
		})
	}
}

// Every analytic must survive nil and degenerate input without panicking.
func TestDegenerateInputs(t *testing.T) {
	weird := []spotify.Track{
		{},
		{Album: spotify.SimplifiedAlbum{Images: []spotify.Image{{}}, ReleaseDate: "x"}, Artists: []spotify.SimplifiedArtist{{}}},
		{ID: "t", DurationMS: -1, Popularity: intp(-3)},
	}
	weirdArtists := []spotify.Artist{{}, {Genres: []string{""}}, {ID: "a", Genres: []string{}}}
	now := time.Now()
	for _, tracks := range [][]spotify.Track{nil, {}, weird} {
		for _, artists := range [][]spotify.Artist{nil, {}, weirdArtists} {
			TopSongs(tracks)
			TopArtists(artists)
			TopAlbums(tracks)
			HiddenGems(tracks)
			TopPlaylists("me", tracks, []PlaylistWithItems{{}, {TrackIDs: []string{""}}})
			TimelessArtists(artists, artists, artists)
			FallingOffArtists(artists, nil, artists)
			ReleaseYearTrends(tracks)
			SeasonalVariety(tracks, artists)
			GenreBreakdown(artists)
			RecentlyPlayed([]spotify.PlayHistory{{}, {}}, now)
			Overview(tracks, artists, []spotify.PlayHistory{{}})
		}
	}
}
