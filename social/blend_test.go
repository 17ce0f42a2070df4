package social

import (
	"slices"
	"testing"
)

func bt(id, artist int64) BlendTrack {
	return BlendTrack{ID: id, SpotifyID: "sp" + string(rune('a'+id)), ArtistID: artist}
}

// The fixture worked by hand from the rules in blend.go.
//
// a's tracks: 1 (artist 100), 2 (100), 3 (101), 4 (100), 5 (102), 6 (not on
// Spotify); b's: 3 (101), 7 (103), 1 (100), 8 (104), 9 (100).
// Track 6 goes first (rule 1). Shared: 1 (ranks 1 and 3: 4) and 3 (3 and
// 1: 4, the worse also 3): by id, 1 then 3. a's own: 2 4 5; b's: 7 8 9.
// Turns: 1 2 7 | 3 4 8 | (shared out) 5, and 9 passed over: artist 100
// has 1, 2 and 4 already. Then the passed-over: 9.
func TestBlendHandComputed(t *testing.T) {
	a := Taste{Owner: "a", Tracks: []BlendTrack{bt(1, 100), bt(2, 100), bt(3, 101), bt(4, 100), bt(5, 102), {ID: 6, ArtistID: 105}}}
	b := Taste{Owner: "b", Tracks: []BlendTrack{bt(3, 101), bt(7, 103), bt(1, 100), bt(8, 104), bt(9, 100)}}
	type want struct {
		id   int64
		from BlendSource
	}
	all := []want{{1, FromBoth}, {2, FromFirst}, {7, FromSecond}, {3, FromBoth}, {4, FromFirst}, {8, FromSecond}, {5, FromFirst}, {9, FromSecond}}
	for _, c := range []struct {
		name string
		x, y Taste
		size int
		want []want
	}{
		{"all of it", a, b, 50, all},
		{"the same asked the other way round", b, a, 50, all},
		{"cut at the size", a, b, 5, all[:5]},
		{"size 0 means the default", a, b, 0, all},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []want
			for _, bl := range Blend(c.x, c.y, c.size) {
				got = append(got, want{bl.ID, bl.From})
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

// A track listed twice is dealt once; a friend with no tracks leaves the
// blend to the other, still capped per artist until nothing else is left.
func TestBlendEdges(t *testing.T) {
	a := Taste{Owner: "1", Tracks: []BlendTrack{bt(1, 100), bt(1, 100), bt(2, 100), bt(3, 100), bt(4, 100), bt(5, 200)}}
	got := Blend(a, Taste{Owner: "2"}, 10)
	var ids []int64
	for _, b := range got {
		ids = append(ids, b.ID)
		if b.From != FromFirst {
			t.Errorf("track %d from %v", b.ID, b.From)
		}
	}
	// 1 2 3 (artist 100 full), 4 passed over, 5; then 4.
	if want := []int64{1, 2, 3, 5, 4}; !slices.Equal(ids, want) {
		t.Errorf("got %v, want %v", ids, want)
	}
	if n := len(Blend(Taste{Owner: "x"}, Taste{Owner: "y"}, 10)); n != 0 {
		t.Errorf("two empty tastes blend into %d tracks", n)
	}
}

// Whatever the lists, a blend has no track twice, only tracks on Spotify,
// at most the size, and is the same both ways round.
func TestBlendProperties(t *testing.T) {
	seed := uint64(3)
	next := func(n int64) int64 {
		seed = seed*6364136223846793005 + 1442695040888963407
		return int64(seed>>33) % n
	}
	taste := func(owner string) Taste {
		t := Taste{Owner: owner}
		for range next(70) {
			tr := BlendTrack{ID: next(90), ArtistID: next(12)}
			if next(10) > 0 {
				tr.SpotifyID = "x"
			}
			t.Tracks = append(t.Tracks, tr)
		}
		return t
	}
	for range 1000 {
		x, y := taste("u1"), taste("u2")
		size := int(next(60))
		one, other := Blend(x, y, size), Blend(y, x, size)
		if !slices.Equal(one, other) {
			t.Fatalf("not the same both ways:\n%v\n%v", one, other)
		}
		if size == 0 {
			size = BlendSize
		}
		if len(one) > size {
			t.Fatalf("%d tracks for size %d", len(one), size)
		}
		seen := map[int64]bool{}
		for _, b := range one {
			if seen[b.ID] || b.SpotifyID == "" {
				t.Fatalf("track %+v twice or not on Spotify", b)
			}
			seen[b.ID] = true
		}
	}
}
