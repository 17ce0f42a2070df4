package analytics

import (
	"fmt"
	"testing"

	"github.com/euterpe-dev/euterpe/spotify"
)

func TestTopAlbums(t *testing.T) {
	noID := func(name, artist string) trackOption {
		return func(tr *spotify.Track) {
			tr.Album.ID, tr.Album.Name, tr.Album.Artists = "", name, credit(artist)
		}
	}
	many := make([]spotify.Track, 12)
	for i := range many {
		many[i] = newTrack(fmt.Sprint(i))
	}
	tests := []struct {
		name   string
		tracks []spotify.Track
		want   []string // "id:count:bestRank" in order
	}{
		{"nil", nil, []string{}},
		{"grouped by id, most tracks first", []spotify.Track{
			newTrack("1", onAlbum("A", "One")),
			newTrack("2", onAlbum("B", "Two")),
			newTrack("3", onAlbum("B", "Two")),
			newTrack("4", onAlbum("C", "Three")),
		}, []string{"B:2:2", "A:1:1", "C:1:4"}},
		{"same name, different ids stay apart", []spotify.Track{
			newTrack("1", onAlbum("A", "Greatest Hits")),
			newTrack("2", onAlbum("B", "Greatest Hits")),
		}, []string{"A:1:1", "B:1:2"}},
		{"equal counts: better best rank first", []spotify.Track{
			newTrack("1", onAlbum("X", "x")),
			newTrack("2", onAlbum("Y", "y")),
			newTrack("3", onAlbum("Y", "y")),
			newTrack("4", onAlbum("X", "x")),
		}, []string{"X:2:1", "Y:2:2"}},
		{"repeated track counts once", []spotify.Track{
			newTrack("1", onAlbum("A", "a")),
			newTrack("1", onAlbum("A", "a")),
			newTrack("2", onAlbum("B", "b")),
		}, []string{"A:1:1", "B:1:2"}},
		{"no album id: grouped by name and album artists", []spotify.Track{
			newTrack("1", noID("Demo", "p")),
			newTrack("2", noID("Demo", "p")),
			newTrack("3", noID("Demo", "q")),
		}, []string{":2:1", ":1:3"}},
		{"no album id and no name: not counted", []spotify.Track{
			newTrack("1", noID("", "p")),
			newTrack("2", onAlbum("A", "a")),
		}, []string{"A:1:2"}},
		{"top 10 only", many, []string{"al-0:1:1", "al-1:1:2", "al-2:1:3", "al-3:1:4", "al-4:1:5", "al-5:1:6", "al-6:1:7", "al-7:1:8", "al-8:1:9", "al-9:1:10"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := TopAlbums(tt.tracks)
			if got == nil {
				t.Fatal("nil result")
			}
			summary := make([]string, len(got))
			for i, a := range got {
				summary[i] = fmt.Sprintf("%s:%d:%d", a.ID, a.TrackCount, a.BestRank)
				if a.Rank != i+1 {
					t.Errorf("row %d has rank %d", i, a.Rank)
				}
			}
			if fmt.Sprint(summary) != fmt.Sprint(tt.want) {
				t.Errorf("got %v, want %v", summary, tt.want)
			}
		})
	}
}

func TestTopAlbumsFields(t *testing.T) {
	tr := newTrack("1", onAlbum("A", "Discovery"))
	tr.Album.Artists = credit("dp", "guest")
	tr.Album.ExternalURLs.Spotify = "https://open.spotify.com/album/A"
	got := TopAlbums([]spotify.Track{tr})
	want := AlbumRow{Rank: 1, ID: "A", Name: "Discovery", Artists: "Artist dp, Artist guest", AlbumImage: "300/1",
		TrackCount: 1, BestRank: 1, SpotifyURL: "https://open.spotify.com/album/A"}
	if len(got) != 1 || got[0] != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
