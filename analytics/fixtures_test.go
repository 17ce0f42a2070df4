package analytics

import (
	"fmt"
	"time"

	"github.com/euterpe-dev/euterpe/spotify"
)

func intp(n int) *int { return &n }

func img(url string, width int) spotify.Image {
	return spotify.Image{URL: url, Width: intp(width), Height: intp(width)}
}

func credit(ids ...string) []spotify.SimplifiedArtist {
	out := make([]spotify.SimplifiedArtist, len(ids))
	for i, id := range ids {
		out[i] = spotify.SimplifiedArtist{ID: id, Name: "Artist " + id}
	}
	return out
}

type trackOption func(*spotify.Track)

// newTrack builds a plausible track: its own album with three cover sizes,
// released on a known day, one artist, no popularity (as in Development
// Mode) unless an option adds one.
func newTrack(id string, opts ...trackOption) spotify.Track {
	t := spotify.Track{
		ID:         id,
		Name:       "Song " + id,
		DurationMS: 200_000,
		Artists:    credit("a-" + id),
		URI:        "spotify:track:" + id,
		Album: spotify.SimplifiedAlbum{
			ID:                   "al-" + id,
			Name:                 "Album " + id,
			ReleaseDate:          "2020-01-15",
			ReleaseDatePrecision: "day",
			Images:               []spotify.Image{img("640/"+id, 640), img("300/"+id, 300), img("64/"+id, 64)},
			Artists:              credit("a-" + id),
		},
		ExternalURLs: spotify.ExternalURLs{Spotify: "https://open.spotify.com/track/" + id},
	}
	for _, o := range opts {
		o(&t)
	}
	return t
}

func onAlbum(id, name string) trackOption {
	return func(t *spotify.Track) { t.Album.ID, t.Album.Name = id, name }
}

func released(date, precision string) trackOption {
	return func(t *spotify.Track) { t.Album.ReleaseDate, t.Album.ReleaseDatePrecision = date, precision }
}

func popular(n int) trackOption {
	return func(t *spotify.Track) { t.Popularity = intp(n) }
}

func by(ids ...string) trackOption {
	return func(t *spotify.Track) { t.Artists = credit(ids...) }
}

func lasting(ms int) trackOption {
	return func(t *spotify.Track) { t.DurationMS = ms }
}

// Artist images come at 640 and 320, so ImageURL(…, 300) picks the 640 one.
// newArtist has genres known to Spotify (possibly none); devArtist is how a
// Development-Mode app sees an artist, without the field.
func newArtist(id string, genres ...string) spotify.Artist {
	if genres == nil {
		genres = []string{}
	}
	a := devArtist(id)
	a.Genres = genres
	a.Popularity = intp(50)
	a.Followers = &spotify.Followers{Total: 1000}
	return a
}

func devArtist(id string) spotify.Artist {
	return spotify.Artist{
		ID:           id,
		Name:         "Artist " + id,
		Images:       []spotify.Image{img("640/"+id, 640), img("320/"+id, 320)},
		ExternalURLs: spotify.ExternalURLs{Spotify: "https://open.spotify.com/artist/" + id},
	}
}

func artistList(ids ...string) []spotify.Artist {
	out := make([]spotify.Artist, len(ids))
	for i, id := range ids {
		out[i] = devArtist(id)
	}
	return out
}

// The benchmark inputs: one user's 50 top tracks and 50 top artists, shaped
// like real ones (albums shared by several tracks, features, every date
// precision, a few genres per artist from a common pool).
func realisticTracks() []spotify.Track {
	precisions := []string{"day", "day", "month", "year"}
	tracks := make([]spotify.Track, 50)
	for i := range tracks {
		year := 1965 + (i*7)%60
		date := fmt.Sprintf("%04d-%02d-%02d", year, i%12+1, i%28+1)
		p := precisions[i%4]
		switch p {
		case "month":
			date = date[:7]
		case "year":
			date = date[:4]
		}
		artists := []string{fmt.Sprintf("ar%02d", i%30)}
		if i%5 == 0 {
			artists = append(artists, fmt.Sprintf("ar%02d", (i+7)%30))
		}
		tracks[i] = newTrack(fmt.Sprintf("tr%02d", i),
			onAlbum(fmt.Sprintf("al%02d", i%20), fmt.Sprintf("Album %d", i%20)),
			released(date, p), popular(90-i), by(artists...), lasting(150_000+i*3_001))
	}
	return tracks
}

func realisticArtists(offset int) []spotify.Artist {
	pool := []string{"indie rock", "dream pop", "shoegaze", "art pop", "synthpop", "post-punk", "new wave",
		"chamber pop", "folk", "indie folk", "jazz", "soul", "neo soul", "hip hop", "trip hop", "electronica",
		"house", "techno", "ambient", "modern classical", "alt z", "bedroom pop", "grunge", "britpop", "k-pop"}
	artists := make([]spotify.Artist, 50)
	for i := range artists {
		id := fmt.Sprintf("ar%02d", (i+offset)%60)
		artists[i] = newArtist(id, pool[i%25], pool[(i*3+1)%25], pool[(i*7+2)%25])
	}
	return artists
}

func realisticPlays(now time.Time) []spotify.PlayHistory {
	tracks := realisticTracks()
	plays := make([]spotify.PlayHistory, 50)
	for i := range plays {
		plays[i] = spotify.PlayHistory{Track: tracks[(i*3)%50], PlayedAt: now.Add(-time.Duration(i*i) * 7 * time.Minute)}
	}
	return plays
}
