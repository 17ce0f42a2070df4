package spotifysim

import (
	"cmp"
	"hash/fnv"
	"slices"
	"sync"
)

// Top lists move as time passes. Spotify ranks a listener's top items by
// their listening over rolling windows, about four weeks (short_term), six
// months (medium_term) and a year (long_term), recomputed about once a day:
// from one day to the next a window gains a day and loses one, so the
// short-term list reshuffles a little every day and is another list a month
// later, while the long-term one barely moves.
//
// The simulator models exactly that. Each artist a listener ranks has a
// base score (the one its catalog position was drawn with, see
// addListener) and a daily affinity, a smooth random curve drawn from the
// seed, the listener and the artist alone (value noise with a knot a week,
// between -1 and 1). Its score in a range on day D is the base plus the
// mean of the affinity over the range's window ending on D. The artists in
// a range stay those addListener put there (so the catalog's promises hold
// on every day: artists in all three ranges, artists only in the long
// term); each listener also has a few fringe artists who enter the
// short-term list while four weeks of keen listening last, and leave
// again. The top tracks follow the artists as in addListener: three tracks
// of each of the first six artists, two of the next ten, one of the rest,
// each artist's in a fixed order of its own, at most 50.
//
// Lists are a pure function of the seed, the listener and the UTC day, so
// any date, past or future, has them and two simulators agree; the Web API
// answers the lists of the simulator's today, and GET /_sim/top any day's
// (to seed a demo's past snapshots, which no real Spotify can give).

// windowDays are the ranges' windows.
var windowDays = [numRanges]int64{28, 182, 365}

const (
	// affinityKnotDays is the distance between the affinity curve's knots:
	// a listener's keenness on an artist changes over about a week.
	affinityKnotDays = 7
	// affinityWeight scales the windowed affinity against the base scores
	// (which spread over about 3 points).
	affinityWeight = 1.7
	// fringeWeight scales a fringe artist's windowed affinity: a fringe
	// artist is a phase, weeks of keen listening and then none.
	fringeWeight = 3.5
	// fringeEntry is the score a fringe artist needs to be in a list.
	fringeEntry = 2.3
	// trackStep is how far each further track of an artist ranks below
	// its first.
	trackStep = 0.45
)

// fringeSize is how many fringe artists each range has: a phase of a few
// weeks shows in four weeks of listening, hardly in six months or a year.
var fringeSize = [numRanges]int{6, 0, 0}

// scoredArtist is an artist in a listener's range with its base score.
type scoredArtist struct {
	a      *artist
	base   float64
	fringe bool
}

// dayTops are a listener's six top lists of one day.
type dayTops struct {
	artists [numRanges][]*artist
	tracks  [numRanges][]*track
}

// unit is a number in [0, 1) from a key.
func unit(x uint64) float64 { return float64(mix(x)>>11) / (1 << 53) }

func idHash(id string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(id))
	return mix(h.Sum64())
}

// addFringe picks each listener's fringe artists: artists of the catalog in
// none of the listener's lists, in an order drawn from the listener's
// history seed (no draw from the catalog's generator, so the catalog stays
// what it was).
func (c *catalog) addFringe(l *listenerState) {
	in := map[*artist]bool{}
	for tr := range numRanges {
		for _, s := range l.topBase[tr] {
			in[s.a] = true
		}
	}
	var outside []*artist
	for _, a := range c.artists {
		if !in[a] {
			outside = append(outside, a)
		}
	}
	slices.SortFunc(outside, func(x, y *artist) int {
		return cmp.Compare(mix(l.listenSeed^idHash(x.id)), mix(l.listenSeed^idHash(y.id)))
	})
	for tr := range numRanges {
		for range fringeSize[tr] {
			if len(outside) == 0 {
				return
			}
			a := outside[0]
			outside = outside[1:]
			base := 0.6 + 0.8*unit(l.listenSeed^idHash(a.id)^0xf1)
			l.fringe[tr] = append(l.fringe[tr], scoredArtist{a: a, base: base, fringe: true})
		}
	}
}

// affinityKnot is the affinity curve's value at knot k, in [-1, 1].
func (l *listenerState) affinityKnot(aHash uint64, k int64) float64 {
	return 2*unit(l.listenSeed^aHash^mix(uint64(k)+0x5eed)) - 1
}

// windowMeans is the mean affinity of an artist over each range's window
// ending on day.
func (l *listenerState) windowMeans(a *artist, day int64) [numRanges]float64 {
	h := idHash(a.id)
	longest := windowDays[longTerm]
	var sums [numRanges]float64
	first := day - longest + 1
	k := floorDiv(first, affinityKnotDays)
	v0, v1 := l.affinityKnot(h, k), l.affinityKnot(h, k+1)
	for d := first; d <= day; d++ {
		if kd := floorDiv(d, affinityKnotDays); kd != k {
			k = kd
			v0, v1 = l.affinityKnot(h, k), l.affinityKnot(h, k+1)
		}
		t := float64(d-k*affinityKnotDays) / affinityKnotDays
		t = t * t * (3 - 2*t) // smoothstep: no kinks at the knots
		v := v0 + (v1-v0)*t
		for tr := range numRanges {
			if d > day-windowDays[tr] {
				sums[tr] += v
			}
		}
	}
	var out [numRanges]float64
	for tr := range numRanges {
		out[tr] = sums[tr] / float64(windowDays[tr])
	}
	return out
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// computeTops is the listener's six lists on day.
func (l *listenerState) computeTops(day int64) dayTops {
	var out dayTops
	means := map[*artist][numRanges]float64{}
	meanOf := func(a *artist) [numRanges]float64 {
		m, ok := means[a]
		if !ok {
			m = l.windowMeans(a, day)
			means[a] = m
		}
		return m
	}
	for tr := range numRanges {
		type entry struct {
			a     *artist
			score float64
			order int
		}
		var list []entry
		for i, s := range l.topBase[tr] {
			list = append(list, entry{s.a, s.base + affinityWeight*meanOf(s.a)[tr], i})
		}
		for i, s := range l.fringe[tr] {
			if score := s.base + fringeWeight*meanOf(s.a)[tr]; score >= fringeEntry {
				list = append(list, entry{s.a, score, len(l.topBase[tr]) + i})
			}
		}
		slices.SortStableFunc(list, func(x, y entry) int {
			return cmp.Or(cmp.Compare(y.score, x.score), cmp.Compare(x.order, y.order))
		})
		type scoredTrack struct {
			t     *track
			score float64
		}
		var tracks []scoredTrack
		seen := map[*track]bool{}
		for rank, e := range list {
			out.artists[tr] = append(out.artists[tr], e.a)
			n := 1
			switch {
			case rank < 6:
				n = 3
			case rank < 16:
				n = 2
			}
			for j, t := range l.trackOrder(tr, e.a)[:min(n, len(e.a.tracks))] {
				if !seen[t] {
					seen[t] = true
					tracks = append(tracks, scoredTrack{t, e.score - trackStep*float64(j)})
				}
			}
		}
		slices.SortStableFunc(tracks, func(x, y scoredTrack) int { return cmp.Compare(y.score, x.score) })
		for _, st := range tracks[:min(len(tracks), 50)] {
			out.tracks[tr] = append(out.tracks[tr], st.t)
		}
	}
	return out
}

// trackOrder is the order in which an artist's tracks enter the listener's
// top tracks of a range: fixed over time, so the same songs come and go.
func (l *listenerState) trackOrder(tr int, a *artist) []*track {
	ts := slices.Clone(a.tracks)
	key := func(t *track) uint64 { return mix(l.listenSeed ^ uint64(tr+1)<<58 ^ idHash(t.id)) }
	slices.SortFunc(ts, func(x, y *track) int { return cmp.Compare(key(x), key(y)) })
	return ts
}

// topCache keeps the lists of recent listener-days: the Web API asks for
// today's again and again.
type topCache struct {
	mu    sync.Mutex
	byKey map[dayKey]*dayTops
	order []dayKey
}

const cachedTopDays = 256

// tops is the listener's lists on day (UTC days since the epoch). The
// result is shared: callers must not modify it.
func (s *Server) tops(l *listenerState, day int64) *dayTops {
	k := dayKey{l.id, day}
	c := &s.topLists
	c.mu.Lock()
	if t, ok := c.byKey[k]; ok {
		c.mu.Unlock()
		return t
	}
	c.mu.Unlock()
	t := l.computeTops(day) // outside the lock: two racers agree
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byKey == nil {
		c.byKey = map[dayKey]*dayTops{}
	}
	if old, ok := c.byKey[k]; ok {
		return old
	}
	c.byKey[k] = &t
	c.order = append(c.order, k)
	if len(c.order) > cachedTopDays {
		delete(c.byKey, c.order[0])
		c.order = c.order[1:]
	}
	return &t
}

// todayTops is the listener's lists on the simulator's today.
func (s *Server) todayTops(l *listenerState) *dayTops {
	return s.tops(l, dayOf(s.now().UnixMilli()))
}
