package analytics

import (
	"cmp"
	"slices"

	"github.com/euterpe-dev/euterpe/spotify"
)

// TopAlbumsLimit is how many albums the top-albums panel shows.
const TopAlbumsLimit = 10

// AlbumRow is one row of the top-albums panel.
type AlbumRow struct {
	Rank       int    `json:"rank"`
	ID         string `json:"id"` // "" for an album Spotify gave no id
	Name       string `json:"album_name"`
	Artists    string `json:"artists"`
	AlbumImage string `json:"album_image"`
	TrackCount int    `json:"track_count"`
	// BestRank is the rank of the album's highest-placed top track, the
	// same number as that track's Song.Rank.
	BestRank   int    `json:"best_rank"`
	SpotifyURL string `json:"spotify_url"`
}

// TopAlbums groups the top tracks by album and keeps the TopAlbumsLimit albums
// with the most tracks; among equals, the album whose best track ranks higher
// comes first.
//
// Albums are told apart by id, not by name, since many albums share a name
// ("Greatest Hits"). A track whose album has no id (seen in old recordings and
// local files) is grouped by album name and album artists instead, which keeps
// two same-named albums by different artists apart; a track whose album has
// neither id nor name is not counted.
func TopAlbums(tracks []spotify.Track) []AlbumRow {
	rows := make([]AlbumRow, 0, min(len(tracks), 16))
	byKey := make(map[string]int, len(tracks))
	r := newRanker(len(tracks))
	for i := range tracks {
		t := &tracks[i]
		rank := r.rank(t.ID)
		if rank == 0 {
			continue
		}
		albumArtists := ""
		key := t.Album.ID
		if key == "" {
			if t.Album.Name == "" {
				continue
			}
			albumArtists = artistNames(t.Album.Artists)
			// The prefix cannot start a Spotify id, so a fallback key never
			// meets a real one.
			key = "\x00" + t.Album.Name + "\x00" + albumArtists
		}
		if at, ok := byKey[key]; ok {
			rows[at].TrackCount++
			continue
		}
		if albumArtists == "" {
			albumArtists = artistNames(t.Album.Artists)
		}
		byKey[key] = len(rows)
		rows = append(rows, AlbumRow{
			ID:         t.Album.ID,
			Name:       t.Album.Name,
			Artists:    albumArtists,
			AlbumImage: spotify.ImageURL(t.Album.Images, albumArtWidth),
			TrackCount: 1,
			BestRank:   rank, // the first track seen is the best placed
			SpotifyURL: t.Album.ExternalURLs.Spotify,
		})
	}
	slices.SortFunc(rows, func(a, b AlbumRow) int {
		return cmp.Or(cmp.Compare(b.TrackCount, a.TrackCount), cmp.Compare(a.BestRank, b.BestRank))
	})
	rows = rows[:min(len(rows), TopAlbumsLimit)]
	for i := range rows {
		rows[i].Rank = i + 1
	}
	return rows
}
