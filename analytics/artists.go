package analytics

import (
	"cmp"
	"slices"

	"github.com/euterpe-dev/euterpe/spotify"
)

// ArtistRow is one row of the top-artists panel.
type ArtistRow struct {
	Rank        int    `json:"rank"`
	ID          string `json:"id"`
	Name        string `json:"artist_name"`
	ArtistImage string `json:"artist_image"`
	// Genres is null when Spotify did not send them (Development Mode) and
	// [] when it did but has not classified the artist; GenresKnown says the
	// same for templates, where nil and empty look alike.
	Genres      []string `json:"genres"`
	GenresKnown bool     `json:"genres_known"`
	Popularity  *int     `json:"popularity"` // nil when not sent
	Followers   *int     `json:"followers"`  // nil when not sent
	SpotifyURL  string   `json:"spotify_url"`
}

// TopArtists lists the user's top artists in Spotify's order.
func TopArtists(artists []spotify.Artist) []ArtistRow {
	rows := make([]ArtistRow, 0, len(artists))
	r := newRanker(len(artists))
	for i := range artists {
		if rank := r.rank(artists[i].ID); rank > 0 {
			rows = append(rows, artistRowFrom(&artists[i], rank))
		}
	}
	return rows
}

func artistRowFrom(a *spotify.Artist, rank int) ArtistRow {
	row := ArtistRow{
		Rank:        rank,
		ID:          a.ID,
		Name:        a.Name,
		ArtistImage: spotify.ImageURL(a.Images, albumArtWidth),
		Genres:      a.Genres,
		GenresKnown: a.GenresKnown(),
		Popularity:  a.Popularity,
		SpotifyURL:  a.ExternalURLs.Spotify,
	}
	if a.Followers != nil {
		row.Followers = &a.Followers.Total
	}
	return row
}

// ArtistStanding is one row of the timeless and falling-off panels: the
// artist and their rank in each range, 0 where they are not in it.
type ArtistStanding struct {
	ArtistRow          // Rank is the place in this panel's list
	ShortTermRank  int `json:"short_term_rank"`
	MediumTermRank int `json:"medium_term_rank"`
	LongTermRank   int `json:"long_term_rank"`
	// AverageRank is the mean of the three ranks for timeless artists, 0
	// for falling-off ones (who have only a long-term rank).
	AverageRank float64 `json:"average_rank"`
}

// TimelessArtists finds the artists in the top artists of all three ranges,
// matched by id, and orders them by their average rank, best first; equal
// averages go to the better short-term rank, what the user plays now. The
// artist's details come from the short-term list, the freshest copy.
func TimelessArtists(short, medium, long []spotify.Artist) []ArtistStanding {
	mediumRanks, longRanks := ranksByID(medium), ranksByID(long)
	out := make([]ArtistStanding, 0, min(len(short), len(mediumRanks), len(longRanks)))
	r := newRanker(len(short))
	for i := range short {
		a := &short[i]
		s := r.rank(a.ID)
		if s == 0 || a.ID == "" {
			continue
		}
		m, l := mediumRanks[a.ID], longRanks[a.ID]
		if m == 0 || l == 0 {
			continue
		}
		out = append(out, ArtistStanding{
			ArtistRow:      artistRowFrom(a, 0),
			ShortTermRank:  s,
			MediumTermRank: m,
			LongTermRank:   l,
			AverageRank:    float64(s+m+l) / 3,
		})
	}
	slices.SortFunc(out, func(a, b ArtistStanding) int {
		return cmp.Or(cmp.Compare(a.AverageRank, b.AverageRank), cmp.Compare(a.ShortTermRank, b.ShortTermRank))
	})
	for i := range out {
		out[i].Rank = i + 1
	}
	return out
}

// FallingOffArtists finds the artists in the long-term top artists who are in
// neither the medium- nor the short-term ones, in long-term order: the
// higher they were, the harder they fell.
func FallingOffArtists(short, medium, long []spotify.Artist) []ArtistStanding {
	shortRanks, mediumRanks := ranksByID(short), ranksByID(medium)
	out := make([]ArtistStanding, 0, len(long))
	r := newRanker(len(long))
	for i := range long {
		a := &long[i]
		l := r.rank(a.ID)
		if l == 0 || a.ID == "" || shortRanks[a.ID] != 0 || mediumRanks[a.ID] != 0 {
			continue
		}
		out = append(out, ArtistStanding{
			ArtistRow:    artistRowFrom(a, len(out)+1),
			LongTermRank: l,
		})
	}
	return out
}

// ranksByID maps each artist id to its rank, with the ranks TopArtists shows.
func ranksByID(artists []spotify.Artist) map[string]int {
	ranks := make(map[string]int, len(artists))
	rank := 0
	for i := range artists {
		id := artists[i].ID
		if _, dup := ranks[id]; dup && id != "" {
			continue
		}
		rank++
		if id != "" {
			ranks[id] = rank
		}
	}
	return ranks
}
