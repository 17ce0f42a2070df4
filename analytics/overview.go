package analytics

import (
	"math"

	"github.com/euterpe-dev/euterpe/spotify"
)

// OverviewReport is the row of headline figures at the top of the dashboard.
type OverviewReport struct {
	// TrackCount, ArtistCount and AlbumCount count the distinct top tracks
	// and the distinct artists and albums credited on them.
	TrackCount  int `json:"track_count"`
	ArtistCount int `json:"artist_count"`
	AlbumCount  int `json:"album_count"`
	// TopArtistCount counts the distinct top artists (a separate list).
	TopArtistCount int `json:"top_artist_count"`
	// TotalMinutes is the length of the top tracks end to end, rounded.
	TotalMinutes  int    `json:"total_minutes"`
	TotalDuration string `json:"total_duration"` // "3 h 25 min"
	ExplicitCount int    `json:"explicit_count"`
	// TopDecade is the decade with most top tracks, the most recent on a
	// tie; nil when no track has a known release year.
	TopDecade *DecadeCount `json:"top_decade"`
	// AveragePopularity is the mean over the tracks that have one, rounded;
	// nil when Spotify sent none.
	AveragePopularity *int `json:"average_popularity"`
	// TopGenre is the genre carried by most top artists; nil when there is
	// none, and GenresAvailable says whether that is Spotify's doing.
	TopGenre        *GenreCount `json:"top_genre"`
	GenresAvailable bool        `json:"genres_available"`
	TopSong         string      `json:"top_song"`   // "" when there are no top tracks
	TopArtist       string      `json:"top_artist"` // "" when there are no top artists
	// RecentPlays and RecentMinutes sum up the recently-played list.
	RecentPlays   int `json:"recent_plays"`
	RecentMinutes int `json:"recent_minutes"`
}

// Overview sums up the top tracks and artists of one range and the recent
// plays.
func Overview(tracks []spotify.Track, artists []spotify.Artist, recent []spotify.PlayHistory) OverviewReport {
	var o OverviewReport
	artistIDs := make(map[string]struct{}, len(tracks))
	albumIDs := make(map[string]struct{}, len(tracks))
	totalMS, popularitySum, popularityCount := 0, 0, 0
	r := newRanker(len(tracks))
	for i := range tracks {
		t := &tracks[i]
		if r.rank(t.ID) == 0 {
			continue
		}
		if o.TrackCount == 0 {
			o.TopSong = t.Name
		}
		o.TrackCount++
		totalMS += max(t.DurationMS, 0)
		if t.Explicit {
			o.ExplicitCount++
		}
		if t.Popularity != nil {
			popularitySum += *t.Popularity
			popularityCount++
		}
		// Without an id an artist or album cannot be told apart from
		// another, so it is not counted rather than guessed at.
		for _, a := range t.Artists {
			if a.ID != "" {
				artistIDs[a.ID] = struct{}{}
			}
		}
		if t.Album.ID != "" {
			albumIDs[t.Album.ID] = struct{}{}
		}
	}
	o.ArtistCount, o.AlbumCount = len(artistIDs), len(albumIDs)
	o.TotalMinutes = int(Minutes(int64(totalMS)))
	o.TotalDuration = formatListeningTime(o.TotalMinutes)
	if popularityCount > 0 {
		avg := int(math.Round(float64(popularitySum) / float64(popularityCount)))
		o.AveragePopularity = &avg
	}

	years, _ := releaseYears(tracks)
	if d := topDecade(decadeCounts(years)); d != nil {
		top := *d
		o.TopDecade = &top
	}

	genres := GenreBreakdown(artists)
	o.TopArtistCount = genres.ArtistCount
	o.GenresAvailable = genres.GenresAvailable
	if len(genres.Genres) > 0 {
		o.TopGenre = &genres.Genres[0]
	}
	if len(artists) > 0 {
		o.TopArtist = artists[0].Name
	}

	recentMS := 0
	for _, p := range recent {
		recentMS += max(p.Track.DurationMS, 0)
	}
	o.RecentPlays = len(recent)
	o.RecentMinutes = int(Minutes(int64(recentMS)))
	return o
}
