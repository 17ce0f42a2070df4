package analytics

import (
	"cmp"
	"slices"

	"github.com/euterpe-dev/euterpe/spotify"
)

// TopPlaylistsLimit is how many playlists the top-playlists panel shows, as
// the earlier version did.
const TopPlaylistsLimit = 10

// PlaylistRow is one row of the top-playlists panel.
type PlaylistRow struct {
	Rank          int    `json:"rank"`
	ID            string `json:"id"`
	Name          string `json:"playlist_name"`
	PlaylistImage string `json:"playlist_image"`
	TopSongsCount int    `json:"top_songs_count"`
	// TotalItems is the playlist's size as Spotify reports it (episodes and
	// unavailable tracks included), or the tracks counted when it does not.
	TotalItems int               `json:"total_items"`
	TopSongs   []PlaylistTopSong `json:"top_songs"` // by rank
	SpotifyURL string            `json:"spotify_url"`
}

// PlaylistTopSong is a top track found in a playlist.
type PlaylistTopSong struct {
	Rank    int    `json:"rank"`
	ID      string `json:"id"`
	Name    string `json:"song_name"`
	Artists string `json:"artists"`
}

// TopPlaylists ranks the user's own playlists (owner id == userID; followed
// playlists say nothing about the user's taste) by how many distinct top
// tracks they contain, and keeps the first TopPlaylistsLimit. Playlists with
// none are left out. Among equals, the playlist holding the better-ranked top
// track comes first, then by name. A playlist listed twice counts once; an
// empty userID matches no playlist.
func TopPlaylists(userID string, topTracks []spotify.Track, playlists []spotify.PlaylistWithItems) []PlaylistRow {
	ranks := make(map[string]int, len(topTracks))
	ranked := make([]*spotify.Track, 0, len(topTracks)) // ranked[rank-1]
	r := newRanker(len(topTracks))
	for i := range topTracks {
		t := &topTracks[i]
		if rank := r.rank(t.ID); rank > 0 {
			ranked = append(ranked, t)
			if t.ID != "" {
				ranks[t.ID] = rank
			}
		}
	}
	rows := make([]PlaylistRow, 0, min(len(playlists), TopPlaylistsLimit))
	if userID == "" || len(ranks) == 0 {
		return rows
	}
	artists := make([]string, len(ranked)) // joined names, computed when first needed
	found := make([]bool, len(ranked))     // reused for every playlist
	seenPlaylists := make(map[string]struct{}, len(playlists))
	for i := range playlists {
		p := &playlists[i].Playlist
		if p.Owner.ID != userID {
			continue
		}
		if _, dup := seenPlaylists[p.ID]; dup && p.ID != "" {
			continue
		}
		seenPlaylists[p.ID] = struct{}{}
		clear(found)
		count := 0
		for _, id := range playlists[i].TrackIDs {
			if rank := ranks[id]; rank > 0 && !found[rank-1] {
				found[rank-1] = true
				count++
			}
		}
		if count == 0 {
			continue
		}
		songs := make([]PlaylistTopSong, 0, count)
		for at, ok := range found {
			if !ok {
				continue
			}
			t := ranked[at]
			if artists[at] == "" {
				artists[at] = artistNames(t.Artists)
			}
			songs = append(songs, PlaylistTopSong{Rank: at + 1, ID: t.ID, Name: t.Name, Artists: artists[at]})
		}
		total := p.ItemsRef().Total
		if total == 0 {
			total = len(playlists[i].TrackIDs)
		}
		rows = append(rows, PlaylistRow{
			ID:            p.ID,
			Name:          p.Name,
			PlaylistImage: spotify.ImageURL(p.Images, albumArtWidth),
			TopSongsCount: count,
			TotalItems:    total,
			TopSongs:      songs,
			SpotifyURL:    p.ExternalURLs.Spotify,
		})
	}
	slices.SortFunc(rows, func(a, b PlaylistRow) int {
		return cmp.Or(
			cmp.Compare(b.TopSongsCount, a.TopSongsCount),
			cmp.Compare(a.TopSongs[0].Rank, b.TopSongs[0].Rank),
			cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.ID, b.ID),
		)
	})
	rows = rows[:min(len(rows), TopPlaylistsLimit)]
	for i := range rows {
		rows[i].Rank = i + 1
	}
	return rows
}
