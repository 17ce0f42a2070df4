// Package analytics turns decoded Spotify objects into the view models of the
// dashboard panels and of the JSON endpoints. Every function is pure: no HTTP,
// no database, no clock (RecentlyPlayed takes "now"), so each is tested with
// tables and benchmarked on its own.
//
// Conventions shared by every function here:
//
//   - Input order is rank: the first item of a top-items page is rank 1.
//   - An id seen again in the same list is ignored, so overlapping pages never
//     count a track twice; ranks stay contiguous over what is kept. Items
//     without an id are kept where they can be shown (TopSongs, TopArtists)
//     and skipped where identity matters (matching across lists or against
//     playlists).
//   - What Spotify withheld (popularity, genres: Development Mode) is nil or
//     flagged unavailable, never a zero dressed up as data.
//   - Result slices are never nil, so the JSON shows [] rather than null; the
//     one exception is ArtistRow.Genres, where null means "not sent".
//   - Results share strings and genre slices with the input instead of
//     copying them: treat both as read-only.
//
// JSON keys reuse those of the earlier Python version where one existed
// (song_name, album_image, track_count, top_songs_count, data, year_range,
// peak_year, ...), so scripts written against it keep working.
package analytics

// albumArtWidth is the image width the panels lay out; Spotify serves album
// covers at 640, 300 and 64 pixels.
const albumArtWidth = 300

// ranker hands out contiguous 1-based ranks in input order and refuses an id it
// has already ranked. Items without an id always get a rank: they cannot be
// told apart, so they cannot be duplicates either.
type ranker struct {
	seen map[string]struct{}
	last int
}

func newRanker(n int) ranker {
	return ranker{seen: make(map[string]struct{}, n)}
}

// rank returns the rank of the next item, or 0 when its id was seen before.
func (r *ranker) rank(id string) int {
	if id != "" {
		if _, dup := r.seen[id]; dup {
			return 0
		}
		r.seen[id] = struct{}{}
	}
	r.last++
	return r.last
}
