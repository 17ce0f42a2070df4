// Package testcatalog makes up Spotify-shaped catalogues for tests: tracks
// on albums by artists, with ids in Spotify's base-62 form.
package testcatalog

import (
	"fmt"
	"math/rand/v2"

	"github.com/euterpe-dev/euterpe/spotify"
)

// Catalogue is a made-up set of tracks.
type Catalogue struct {
	Tracks []spotify.Track
}

// ID is a random Spotify-shaped id (22 base-62 characters).
func ID(r *rand.Rand) string {
	const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	b := make([]byte, 22)
	for i := range b {
		b[i] = base62[r.IntN(len(base62))]
	}
	return string(b)
}

// New makes a catalogue of artists, each with albumsPerArtist albums of
// tracksPerAlbum tracks; one track in five features a second artist.
func New(r *rand.Rand, artists, albumsPerArtist, tracksPerAlbum int) Catalogue {
	var c Catalogue
	var all []spotify.SimplifiedArtist
	for i := range artists {
		all = append(all, spotify.SimplifiedArtist{ID: ID(r), Name: fmt.Sprintf("Artist %d", i)})
	}
	for i, a := range all {
		for j := range albumsPerArtist {
			al := spotify.SimplifiedAlbum{ID: ID(r), Name: fmt.Sprintf("Album %d-%d", i, j), AlbumType: "album",
				ReleaseDate: fmt.Sprintf("%d-%02d", 1970+r.IntN(55), 1+r.IntN(12)), ReleaseDatePrecision: "month",
				Artists: []spotify.SimplifiedArtist{a}, Images: []spotify.Image{{URL: "https://i.scdn.co/image/" + ID(r)}}}
			for k := range tracksPerAlbum {
				credits := []spotify.SimplifiedArtist{a}
				if r.IntN(5) == 0 { // a feature: two artists
					credits = append(credits, all[r.IntN(len(all))])
				}
				c.Tracks = append(c.Tracks, spotify.Track{ID: ID(r), Name: fmt.Sprintf("Song %d-%d-%d", i, j, k),
					DurationMS: 90_000 + r.IntN(300_000), Album: al, Artists: credits})
			}
		}
	}
	return c
}
