package social

import (
	"cmp"
	"slices"
)

// A blend is one playlist made of two friends' top tracks in a range, the
// same whichever of them makes it and whenever (for the same data):
//
//  1. Only tracks Spotify knows (with a Spotify id) can be in a playlist;
//     the others are left out before anything else.
//  2. Shared are the tracks in both top lists, the best first: by the sum
//     of their two ranks, then by the worse of the two, then by catalogue
//     id.
//  3. The two people are put in a fixed order (by their user ids), so
//     that the blend does not depend on who asks. Each one's own tracks
//     are the rest of their list, in their rank order.
//  4. The blend is dealt in turns — a shared track, one of the first
//     person's, one of the second's, again — each turn taking the next
//     track of its queue not in the blend yet, as long as the track's
//     (first credited) artist has fewer than BlendPerArtist tracks in it;
//     a queue that has run out is passed over. So what they share leads,
//     each contributes as much as the other, and no artist fills it.
//  5. Dealing stops at BlendSize tracks. When the queues run out first,
//     the tracks passed over for their artist are dealt in the same turns,
//     without the limit.

// BlendSize is how many tracks a blend has at most (one request to add
// them; Spotify takes 100).
const BlendSize = 50

// BlendPerArtist is how many of one artist's tracks a blend takes before
// the others' have had their turn.
const BlendPerArtist = 3

// BlendTrack is a track that can go in a playlist.
type BlendTrack struct {
	ID        int64  // catalogue id
	SpotifyID string // empty: not on Spotify, left out
	ArtistID  int64  // the first credited artist (0: unknown)
}

// Taste is one person's ranked top tracks, and whose they are.
type Taste struct {
	Owner  string // orders the pair: the user id
	Tracks []BlendTrack
}

// BlendSource says where a track of a blend came from.
type BlendSource int

// The sources.
const (
	FromBoth BlendSource = iota
	FromFirst
	FromSecond
)

// Blended is a track of a blend and where it came from.
type Blended struct {
	BlendTrack
	From BlendSource
}

// Blend mixes x and y as documented above, size tracks at most (size ≤ 0:
// BlendSize). Blend(x, y, n) equals Blend(y, x, n).
func Blend(x, y Taste, size int) []Blended {
	if size <= 0 {
		size = BlendSize
	}
	if cmp.Compare(x.Owner, y.Owner) > 0 {
		x, y = y, x
	}
	first, second := playable(x.Tracks), playable(y.Tracks)
	rankFirst, rankSecond := ranks(first), ranks(second)

	var shared []BlendTrack
	for _, t := range first {
		if _, ok := rankSecond[t.ID]; ok {
			shared = append(shared, t)
		}
	}
	slices.SortStableFunc(shared, func(a, b BlendTrack) int {
		ra1, ra2 := rankFirst[a.ID], rankSecond[a.ID]
		rb1, rb2 := rankFirst[b.ID], rankSecond[b.ID]
		return cmp.Or(cmp.Compare(ra1+ra2, rb1+rb2), cmp.Compare(max(ra1, ra2), max(rb1, rb2)), cmp.Compare(a.ID, b.ID))
	})
	only := func(list []BlendTrack, other map[int64]int) []BlendTrack {
		var out []BlendTrack
		for _, t := range list {
			if _, ok := other[t.ID]; !ok {
				out = append(out, t)
			}
		}
		return out
	}
	queues := [3][]BlendTrack{shared, only(first, rankSecond), only(second, rankFirst)}
	sources := [3]BlendSource{FromBoth, FromFirst, FromSecond}

	var out []Blended
	in := map[int64]bool{}
	perArtist := map[int64]int{}
	var passed [3][]BlendTrack
	take := func(t BlendTrack, from BlendSource) {
		out = append(out, Blended{BlendTrack: t, From: from})
		in[t.ID] = true
		if t.ArtistID != 0 {
			perArtist[t.ArtistID]++
		}
	}
	// deal runs turns over qs until size or every queue is empty; capped
	// turns pass over (and keep aside) tracks of a full artist.
	deal := func(qs [3][]BlendTrack, capped bool) {
		var next [3]int
		for len(out) < size {
			dealt := false
			for q := range qs {
				for next[q] < len(qs[q]) && len(out) < size {
					t := qs[q][next[q]]
					next[q]++
					if in[t.ID] {
						continue
					}
					if capped && t.ArtistID != 0 && perArtist[t.ArtistID] >= BlendPerArtist {
						passed[q] = append(passed[q], t)
						continue
					}
					take(t, sources[q])
					dealt = true
					break
				}
			}
			if !dealt {
				return
			}
		}
	}
	deal(queues, true)
	deal(passed, false)
	return out
}

// playable keeps the tracks with a Spotify id, each once, in order.
func playable(ts []BlendTrack) []BlendTrack {
	var out []BlendTrack
	seen := map[int64]bool{}
	for _, t := range ts {
		if t.SpotifyID != "" && !seen[t.ID] {
			seen[t.ID] = true
			out = append(out, t)
		}
	}
	return out
}

// ranks are 1-based positions by catalogue id.
func ranks(ts []BlendTrack) map[int64]int {
	out := make(map[int64]int, len(ts))
	for i, t := range ts {
		out[t.ID] = i + 1
	}
	return out
}
