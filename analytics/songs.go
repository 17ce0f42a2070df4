package analytics

import (
	"cmp"
	"slices"

	"github.com/euterpe-dev/euterpe/spotify"
)

// Song is one row of the top-songs and hidden-gems panels.
type Song struct {
	Rank       int    `json:"rank"`
	ID         string `json:"id"`
	Name       string `json:"song_name"`
	Artists    string `json:"artists"`
	Album      string `json:"album_name"`
	AlbumImage string `json:"album_image"` // "" when the album has no image
	// Popularity is 0–100, nil when Spotify did not send it.
	Popularity *int   `json:"popularity"`
	DurationMS int    `json:"duration_ms"`
	Duration   string `json:"duration"` // "3:45"
	Explicit   bool   `json:"explicit"`
	SpotifyURL string `json:"spotify_url"`
}

// TopSongs lists the user's top tracks in Spotify's order.
func TopSongs(tracks []spotify.Track) []Song {
	songs := make([]Song, 0, len(tracks))
	r := newRanker(len(tracks))
	for i := range tracks {
		if rank := r.rank(tracks[i].ID); rank > 0 {
			songs = append(songs, songFrom(&tracks[i], rank))
		}
	}
	return songs
}

func songFrom(t *spotify.Track, rank int) Song {
	return Song{
		Rank:       rank,
		ID:         t.ID,
		Name:       t.Name,
		Artists:    artistNames(t.Artists),
		Album:      t.Album.Name,
		AlbumImage: spotify.ImageURL(t.Album.Images, albumArtWidth),
		Popularity: t.Popularity,
		DurationMS: t.DurationMS,
		Duration:   formatDuration(t.DurationMS),
		Explicit:   t.Explicit,
		SpotifyURL: t.ExternalURLs.Spotify,
	}
}

// HiddenGemsReport is the hidden-gems panel.
type HiddenGemsReport struct {
	// Available is false when Spotify sent no popularity for any track, as
	// for Development-Mode apps: the panel must say so instead of ranking.
	Available bool `json:"available"`
	// Songs are the top tracks that have a popularity, least popular first;
	// Rank stays the track's place among the top tracks.
	Songs []Song `json:"songs"`
	// WithoutPopularity counts top tracks left out for want of a popularity.
	WithoutPopularity int `json:"without_popularity"`
}

// HiddenGems orders the top tracks by popularity, rarest first; equal
// popularity keeps the user's own order. Tracks without a popularity are left
// out rather than ranked as 0, which would put them first as fake gems.
func HiddenGems(tracks []spotify.Track) HiddenGemsReport {
	all := TopSongs(tracks)
	gems := all[:0]
	for _, s := range all {
		if s.Popularity != nil {
			gems = append(gems, s)
		}
	}
	slices.SortStableFunc(gems, func(a, b Song) int {
		return cmp.Compare(*a.Popularity, *b.Popularity)
	})
	return HiddenGemsReport{
		Available:         len(gems) > 0,
		Songs:             gems,
		WithoutPopularity: len(all) - len(gems),
	}
}
