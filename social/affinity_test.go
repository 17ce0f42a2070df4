package social

import (
	"math"
	"testing"
)

func w(pairs ...int64) []Weighted {
	var out []Weighted
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, Weighted{ID: pairs[i], Plays: pairs[i+1]})
	}
	return out
}

// The fixtures are worked by hand from the formula in affinity.go.
func TestAffinityHandComputed(t *testing.T) {
	for _, c := range []struct {
		name                    string
		artistsA, artistsB      []Weighted
		tracksA, tracksB        []Weighted
		wantArtists, wantTracks float64
		wantScore               int
		wantKnown               bool
	}{
		{
			name:     "the same lists in the same proportions",
			artistsA: w(1, 10, 2, 10), artistsB: w(2, 3, 1, 3),
			tracksA: w(10, 4), tracksB: w(10, 1),
			wantArtists: 1, wantTracks: 1, wantScore: 100, wantKnown: true,
		},
		{
			name:     "nothing in common",
			artistsA: w(1, 5), artistsB: w(2, 5), tracksA: w(10, 5), tracksB: w(11, 5),
			wantScore: 0, wantKnown: true,
		},
		{
			// artists: shares A .6 .3 .1 (1,2,3), B .2 .2 .6 (1,2,4):
			// min(.6,.2)+min(.3,.2) = .4; tracks: A .5 .5 (10,11),
			// B .75 .25 (10,12): min(.5,.75) = .5;
			// 100 × (.7 × .4 + .3 × .5) = 43.
			name:     "partly alike",
			artistsA: w(1, 6, 2, 3, 3, 1), artistsB: w(1, 2, 2, 2, 4, 6),
			tracksA: w(10, 1, 11, 1), tracksB: w(10, 3, 12, 1),
			wantArtists: 0.4, wantTracks: 0.5, wantScore: 43, wantKnown: true,
		},
		{
			// The heavy listener plays everything 100 times more: the
			// shares, and so the score, are the same as above.
			name:     "volume does not count",
			artistsA: w(1, 600, 2, 300, 3, 100), artistsB: w(1, 2, 2, 2, 4, 6),
			tracksA: w(10, 100, 11, 100), tracksB: w(10, 3, 12, 1),
			wantArtists: 0.4, wantTracks: 0.5, wantScore: 43, wantKnown: true,
		},
		{
			// artists: half each in common (1): .5; tracks disjoint:
			// 100 × .7 × .5 = 35.
			name:     "artists in common, songs not",
			artistsA: w(1, 1, 2, 1), artistsB: w(1, 1, 3, 1), tracksA: w(10, 1), tracksB: w(11, 1),
			wantArtists: 0.5, wantScore: 35, wantKnown: true,
		},
		{
			// A lists artist 1 twice (2 + 2): the same as 1 played 4 times
			// beside 2 played 4 times: shares .5 .5 against B's 1 alone:
			// .5; tracks the same: 1; 100 × (.35 + .3) = 65.
			name:     "an item listed twice counts once, with its plays added",
			artistsA: w(1, 2, 1, 2, 2, 4), artistsB: w(1, 9), tracksA: w(10, 1), tracksB: w(10, 7),
			wantArtists: 0.5, wantTracks: 1, wantScore: 65, wantKnown: true,
		},
		{
			name:     "one of them has no plays",
			artistsA: w(1, 5), artistsB: nil, tracksA: w(10, 5), tracksB: nil,
			wantScore: 0, wantKnown: false,
		},
		{
			name:     "items without plays are ignored",
			artistsA: w(1, 0, 2, 0), artistsB: w(1, 3),
			wantScore: 0, wantKnown: false,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, swapped := range []bool{false, true} {
				aA, aB, tA, tB := c.artistsA, c.artistsB, c.tracksA, c.tracksB
				if swapped {
					aA, aB, tA, tB = aB, aA, tB, tA
				}
				got := AffinityOf(aA, aB, tA, tB)
				if got.Score != c.wantScore || got.Known != c.wantKnown ||
					math.Abs(got.Artists-c.wantArtists) > 1e-12 || math.Abs(got.Tracks-c.wantTracks) > 1e-12 {
					t.Errorf("swapped=%v: got %+v, want score %d (artists %.3f, tracks %.3f, known %v)",
						swapped, got, c.wantScore, c.wantArtists, c.wantTracks, c.wantKnown)
				}
			}
		})
	}
}

// The score is symmetric to the last bit and stays within 0–100 for lists
// of any shape.
func TestAffinitySymmetricAndBounded(t *testing.T) {
	seed := uint64(7)
	next := func(n int64) int64 {
		seed = seed*6364136223846793005 + 1442695040888963407
		return int64(seed>>33) % n
	}
	list := func() []Weighted {
		var out []Weighted
		for range next(60) {
			out = append(out, Weighted{ID: next(80), Plays: next(500)})
		}
		return out
	}
	for range 2000 {
		aA, aB, tA, tB := list(), list(), list(), list()
		x, y := AffinityOf(aA, aB, tA, tB), AffinityOf(aB, aA, tB, tA)
		if x != y {
			t.Fatalf("not symmetric: %+v against %+v", x, y)
		}
		if x.Score < 0 || x.Score > 100 || x.Artists < 0 || x.Artists > 1 || x.Tracks < 0 || x.Tracks > 1 {
			t.Fatalf("out of bounds: %+v", x)
		}
		if self := AffinityOf(aA, aA, tA, tA); self.Known && self.Score != 100 && shares(tA) != nil {
			t.Fatalf("a list against itself scores %d", self.Score)
		}
	}
}
