package analytics

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/euterpe-dev/euterpe/spotify"
)

func songIDs(songs []Song) []string {
	ids := make([]string, len(songs))
	for i, s := range songs {
		ids[i] = s.ID
	}
	return ids
}

func songRanks(songs []Song) []int {
	ranks := make([]int, len(songs))
	for i, s := range songs {
		ranks[i] = s.Rank
	}
	return ranks
}

func TestTopSongs(t *testing.T) {
	noArt := newTrack("c")
	noArt.Album.Images = nil
	tests := []struct {
		name      string
		tracks    []spotify.Track
		wantIDs   []string
		wantRanks []int
	}{
		{"nil", nil, []string{}, []int{}},
		{"in Spotify's order", []spotify.Track{newTrack("a"), newTrack("b"), noArt}, []string{"a", "b", "c"}, []int{1, 2, 3}},
		{"repeated id dropped, ranks contiguous", []spotify.Track{newTrack("a"), newTrack("b"), newTrack("a"), newTrack("c")}, []string{"a", "b", "c"}, []int{1, 2, 3}},
		{"tracks without id kept", []spotify.Track{newTrack(""), newTrack(""), newTrack("a")}, []string{"", "", "a"}, []int{1, 2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := TopSongs(tt.tracks)
			if got == nil {
				t.Fatal("TopSongs returned nil; the JSON would say null")
			}
			if !slices.Equal(songIDs(got), tt.wantIDs) || !slices.Equal(songRanks(got), tt.wantRanks) {
				t.Errorf("ids %v ranks %v, want %v %v", songIDs(got), songRanks(got), tt.wantIDs, tt.wantRanks)
			}
		})
	}
}

func TestTopSongsFields(t *testing.T) {
	noArt := newTrack("n", lasting(59_999))
	noArt.Album.Images = []spotify.Image{}
	tracks := []spotify.Track{
		newTrack("x", by("p", "q", "r"), popular(0), lasting(225_999)),
		newTrack("y", lasting(3_723_000)),
		noArt,
	}
	got := TopSongs(tracks)
	want := []Song{
		{Rank: 1, ID: "x", Name: "Song x", Artists: "Artist p, Artist q, Artist r", Album: "Album x", AlbumImage: "300/x",
			Popularity: intp(0), DurationMS: 225_999, Duration: "3:45", SpotifyURL: "https://open.spotify.com/track/x"},
		{Rank: 2, ID: "y", Name: "Song y", Artists: "Artist a-y", Album: "Album y", AlbumImage: "300/y",
			DurationMS: 3_723_000, Duration: "1:02:03", SpotifyURL: "https://open.spotify.com/track/y"},
		{Rank: 3, ID: "n", Name: "Song n", Artists: "Artist a-n", Album: "Album n", AlbumImage: "",
			DurationMS: 59_999, Duration: "0:59", SpotifyURL: "https://open.spotify.com/track/n"},
	}
	for i := range want {
		g, w := got[i], want[i]
		if (g.Popularity == nil) != (w.Popularity == nil) || (g.Popularity != nil && *g.Popularity != *w.Popularity) {
			t.Errorf("song %d popularity = %v, want %v", i, g.Popularity, w.Popularity)
		}
		g.Popularity, w.Popularity = nil, nil
		if g != w {
			t.Errorf("song %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
	// A known 0 and an absent popularity must differ on the wire.
	out, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"popularity":0`) || !strings.Contains(string(out), `"popularity":null`) {
		t.Errorf("JSON does not keep 0 and absent apart: %s", out)
	}
}

func TestHiddenGems(t *testing.T) {
	tests := []struct {
		name        string
		tracks      []spotify.Track
		wantOK      bool
		wantIDs     []string
		wantRanks   []int
		wantWithout int
	}{
		{"nil", nil, false, []string{}, []int{}, 0},
		{"Development Mode: no popularity anywhere", []spotify.Track{newTrack("a"), newTrack("b")}, false, []string{}, []int{}, 2},
		{"rarest first", []spotify.Track{newTrack("a", popular(80)), newTrack("b", popular(3)), newTrack("c", popular(41))},
			true, []string{"b", "c", "a"}, []int{2, 3, 1}, 0},
		{"zero is a real popularity", []spotify.Track{newTrack("a", popular(10)), newTrack("b", popular(0))},
			true, []string{"b", "a"}, []int{2, 1}, 0},
		{"ties keep the user's order", []spotify.Track{newTrack("a", popular(5)), newTrack("b", popular(5)), newTrack("c", popular(1))},
			true, []string{"c", "a", "b"}, []int{3, 1, 2}, 0},
		{"tracks without popularity left out, not ranked as 0", []spotify.Track{newTrack("a", popular(60)), newTrack("b"), newTrack("c", popular(20))},
			true, []string{"c", "a"}, []int{3, 1}, 1},
		{"duplicates once", []spotify.Track{newTrack("a", popular(60)), newTrack("a", popular(60))}, true, []string{"a"}, []int{1}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := HiddenGems(tt.tracks)
			if got.Available != tt.wantOK || got.WithoutPopularity != tt.wantWithout || got.Songs == nil {
				t.Fatalf("Available=%v WithoutPopularity=%d Songs=%v", got.Available, got.WithoutPopularity, got.Songs)
			}
			if !slices.Equal(songIDs(got.Songs), tt.wantIDs) || !slices.Equal(songRanks(got.Songs), tt.wantRanks) {
				t.Errorf("ids %v ranks %v, want %v %v", songIDs(got.Songs), songRanks(got.Songs), tt.wantIDs, tt.wantRanks)
			}
		})
	}
}
