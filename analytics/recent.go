package analytics

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/euterpe-dev/euterpe/spotify"
)

// RecentlyPlayedLimit is how many plays the panel shows, the most Spotify
// returns in one call.
const RecentlyPlayedLimit = 50

// RecentPlay is one row of the recently-played panel.
type RecentPlay struct {
	PlayedAt   time.Time `json:"played_at"`
	When       string    `json:"when"` // "5 minutes ago", "yesterday", "Mar 3"
	ID         string    `json:"id"`
	Name       string    `json:"song_name"`
	Artists    string    `json:"artists"`
	Album      string    `json:"album_name"`
	AlbumImage string    `json:"album_image"`
	Duration   string    `json:"duration"`
	// ContextType is where the play started ("playlist", "album",
	// "artist"), "" when Spotify does not say.
	ContextType string `json:"context_type"`
	SpotifyURL  string `json:"spotify_url"`
}

// RecentlyPlayed lists the most recent RecentlyPlayedLimit plays, newest
// first, with how long ago each was relative to now (calendar days are read in
// now's location, so pass now in the user's zone when it is known).
//
// Playing a track again is a new play and shows again; only the same track at
// the same instant, which overlapping pages produce, is shown once.
func RecentlyPlayed(items []spotify.PlayHistory, now time.Time) []RecentPlay {
	// Spotify sends newest first, but sort anyway (an index, not the
	// caller's slice) so that merged pages cannot come out of order. The
	// track id breaks ties only to put a play seen twice next to itself.
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(items[b].PlayedAt.Compare(items[a].PlayedAt), strings.Compare(items[a].Track.ID, items[b].Track.ID))
	})
	plays := make([]RecentPlay, 0, min(len(items), RecentlyPlayedLimit))
	for n, i := range order {
		if len(plays) == RecentlyPlayedLimit {
			break
		}
		it := &items[i]
		if n > 0 {
			prev := &items[order[n-1]]
			if prev.Track.ID == it.Track.ID && prev.PlayedAt.Equal(it.PlayedAt) {
				continue
			}
		}
		t := &it.Track
		p := RecentPlay{
			PlayedAt:   it.PlayedAt,
			When:       relativeTime(it.PlayedAt, now),
			ID:         t.ID,
			Name:       t.Name,
			Artists:    artistNames(t.Artists),
			Album:      t.Album.Name,
			AlbumImage: spotify.ImageURL(t.Album.Images, albumArtWidth),
			Duration:   formatDuration(t.DurationMS),
			SpotifyURL: t.ExternalURLs.Spotify,
		}
		if it.Context != nil {
			p.ContextType = it.Context.Type
		}
		plays = append(plays, p)
	}
	return plays
}
