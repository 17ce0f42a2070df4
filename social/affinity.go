package social

import (
	"math"
	"slices"
)

// The affinity score says how alike two people's listening is, from 0
// (nothing in common) to 100 (the same artists and songs, in the same
// proportions), over a range of days both are looked at in.
//
// Each person's top artists (and, apart, top tracks) in the range are a
// distribution: an item's share is its plays over the plays of all the
// items in the list. The overlap of two lists is the histogram
// intersection of their distributions,
//
//	overlap(A, B) = Σ over items i of min(shareA(i), shareB(i))
//
// which is 1 − the total variation distance between them: the part of
// each one's listening that the other matches. It is 0 when they share
// nothing and 1 only when the lists are the same with the same shares, and
// it is symmetric because min is. Then
//
//	affinity = round(100 × (0.7 × overlap(artists) + 0.3 × overlap(tracks)))
//
// Why this and not another measure:
//   - Shares, not plays: someone who listens ten hours a day and someone
//     who listens one hour can have the same taste; raw counts would make
//     the heavy listener's volume the answer.
//   - Intersection, not cosine similarity: it reads as a fraction of
//     listening ("half of what each of you plays, the other plays as much")
//     and is not dominated by the single most played item; a Jaccard index
//     of the lists would ignore how much each item is played.
//   - Artists weigh more than tracks: two people who love the same artists
//     through different songs share taste; the same songs is the stronger,
//     rarer agreement, so it counts, less.
//   - The top AffinityItems of each kind: the core of each one's taste in
//     the range, read from the history's summaries in constant time; the
//     long tail of one-off plays is noise.
//
// A person without plays in the range has no distribution: the score is
// then unknown (Known false), not 0.

// AffinityItems is how many top artists and tracks of each person the
// score compares.
const AffinityItems = 50

// Weights of the two overlaps in the score.
const (
	ArtistWeight = 0.7
	TrackWeight  = 0.3
)

// Weighted is an item of a top list and how much it was played.
type Weighted struct {
	ID    int64
	Plays int64
}

// Affinity is the score and what it is made of.
type Affinity struct {
	Score   int     // 0–100
	Artists float64 // overlap of the top artists, 0–1
	Tracks  float64 // overlap of the top tracks, 0–1
	// Known is false when either person has no plays in the range.
	Known bool
}

// shares are a list's items' shares of its plays. Items are merged by id
// and non-positive plays ignored; nil when the list has no plays.
func shares(list []Weighted) map[int64]float64 {
	var total int64
	plays := map[int64]int64{}
	for _, it := range list {
		if it.Plays > 0 {
			plays[it.ID] += it.Plays
			total += it.Plays
		}
	}
	if total == 0 {
		return nil
	}
	out := make(map[int64]float64, len(plays))
	for id, p := range plays {
		out[id] = float64(p) / float64(total)
	}
	return out
}

// Overlap is the histogram intersection of the two lists' shares: Σ
// min(shareA, shareB), between 0 and 1, the same whichever list comes
// first (the sum runs over ids in order, so even its rounding is).
func Overlap(a, b []Weighted) float64 {
	sa, sb := shares(a), shares(b)
	if sa == nil || sb == nil {
		return 0
	}
	ids := make([]int64, 0, len(sa))
	for id := range sa {
		if _, ok := sb[id]; ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	var sum float64
	for _, id := range ids {
		sum += min(sa[id], sb[id])
	}
	return min(sum, 1)
}

// AffinityOf scores two people from their top artists and top tracks in
// the same range (see the formula above).
func AffinityOf(artistsA, artistsB, tracksA, tracksB []Weighted) Affinity {
	known := shares(artistsA) != nil && shares(artistsB) != nil
	if !known {
		return Affinity{}
	}
	a := Affinity{Artists: Overlap(artistsA, artistsB), Tracks: Overlap(tracksA, tracksB), Known: true}
	a.Score = int(math.Round(100 * (ArtistWeight*a.Artists + TrackWeight*a.Tracks)))
	a.Score = max(0, min(100, a.Score))
	return a
}

// Words say what a score means, for the page.
func (a Affinity) Words() string {
	switch {
	case !a.Known:
		return "Not enough listening in this range to compare"
	case a.Score >= 70:
		return "Very much alike"
	case a.Score >= 45:
		return "A lot in common"
	case a.Score >= 20:
		return "Some common ground"
	case a.Score > 0:
		return "A little in common"
	}
	return "Nothing in common, yet"
}
