package analytics

import (
	"fmt"
	"strings"
	"testing"

	"github.com/euterpe-dev/euterpe/spotify"
)

func playlist(id, owner string, trackIDs ...string) spotify.PlaylistWithItems {
	return spotify.PlaylistWithItems{
		Playlist: spotify.SimplifiedPlaylist{ID: id, Name: "List " + id, Owner: spotify.PlaylistOwner{ID: owner}},
		TrackIDs: trackIDs,
	}
}

func playlistSummary(rows []PlaylistRow) string {
	parts := make([]string, len(rows))
	for i, r := range rows {
		ranks := make([]string, len(r.TopSongs))
		for j, s := range r.TopSongs {
			ranks[j] = fmt.Sprint(s.Rank)
		}
		parts[i] = fmt.Sprintf("%d.%s:%d[%s]", r.Rank, r.ID, r.TopSongsCount, strings.Join(ranks, ","))
	}
	return strings.Join(parts, " ")
}

func TestTopPlaylists(t *testing.T) {
	top := []spotify.Track{newTrack("t1"), newTrack("t2"), newTrack("t3"), newTrack("t4")}
	var twelve []spotify.PlaylistWithItems
	for i := range 12 {
		twelve = append(twelve, playlist(fmt.Sprintf("p%02d", i), "me", "t1"))
	}
	tests := []struct {
		name      string
		userID    string
		top       []spotify.Track
		playlists []spotify.PlaylistWithItems
		want      string
	}{
		{"nothing", "me", nil, nil, ""},
		{"no top tracks", "me", nil, []spotify.PlaylistWithItems{playlist("p", "me", "t1")}, ""},
		{"most top tracks first, tracks by rank", "me", top, []spotify.PlaylistWithItems{
			playlist("a", "me", "t4", "x", "t2"),
			playlist("b", "me", "t3", "t1", "t2", "y"),
		}, "1.b:3[1,2,3] 2.a:2[2,4]"},
		{"someone else's playlists left out", "me", top, []spotify.PlaylistWithItems{
			playlist("theirs", "you", "t1", "t2", "t3"),
			playlist("mine", "me", "t4"),
		}, "1.mine:1[4]"},
		{"no match left out", "me", top, []spotify.PlaylistWithItems{playlist("a", "me", "x", "y"), playlist("b", "me")}, ""},
		{"a track twice in a playlist counts once", "me", top, []spotify.PlaylistWithItems{
			playlist("a", "me", "t2", "t2", "t2"),
			playlist("b", "me", "t3", "t4"),
		}, "1.b:2[3,4] 2.a:1[2]"},
		{"equal counts: better-ranked top track first", "me", top, []spotify.PlaylistWithItems{
			playlist("a", "me", "t3"),
			playlist("b", "me", "t1"),
		}, "1.b:1[1] 2.a:1[3]"},
		{"equal everything: by name", "me", top, []spotify.PlaylistWithItems{
			playlist("z", "me", "t1"),
			playlist("m", "me", "t1"),
		}, "1.m:1[1] 2.z:1[1]"},
		{"same playlist listed twice counts once", "me", top, []spotify.PlaylistWithItems{
			playlist("a", "me", "t1"),
			playlist("a", "me", "t1"),
		}, "1.a:1[1]"},
		{"empty user id matches nothing", "", top, []spotify.PlaylistWithItems{playlist("a", "", "t1")}, ""},
		{"empty ids in the playlist never match", "me", []spotify.Track{newTrack("")}, []spotify.PlaylistWithItems{playlist("a", "me", "")}, ""},
		{"top 10", "me", top, twelve, "1.p00:1[1] 2.p01:1[1] 3.p02:1[1] 4.p03:1[1] 5.p04:1[1] 6.p05:1[1] 7.p06:1[1] 8.p07:1[1] 9.p08:1[1] 10.p09:1[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := TopPlaylists(tt.userID, tt.top, tt.playlists)
			if got == nil {
				t.Fatal("nil result")
			}
			if s := playlistSummary(got); s != tt.want {
				t.Errorf("got  %s\nwant %s", s, tt.want)
			}
		})
	}
}

func TestTopPlaylistsFields(t *testing.T) {
	p := playlist("p", "me", "t2")
	p.Playlist.Items = &spotify.PlaylistItemsRef{Total: 240}
	p.Playlist.Images = []spotify.Image{{URL: "cover"}}
	bare := playlist("q", "me", "t1", "t2", "x")
	got := TopPlaylists("me", []spotify.Track{newTrack("t1"), newTrack("t2", by("p", "q"))}, []spotify.PlaylistWithItems{p, bare})
	if len(got) != 2 {
		t.Fatalf("got %+v", got)
	}
	if got[1].TotalItems != 240 || got[1].PlaylistImage != "cover" || got[1].Name != "List p" {
		t.Errorf("row = %+v", got[1])
	}
	if s := got[1].TopSongs[0]; s != (PlaylistTopSong{Rank: 2, ID: "t2", Name: "Song t2", Artists: "Artist p, Artist q"}) {
		t.Errorf("top song = %+v", s)
	}
	if got[0].TotalItems != 3 {
		t.Errorf("without a total from Spotify, TotalItems = %d, want the 3 tracks counted", got[0].TotalItems)
	}
}
