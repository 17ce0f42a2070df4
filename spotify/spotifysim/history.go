package spotifysim

import (
	"container/list"
	"hash/fnv"
	"math/rand/v2"
	"sort"
	"sync"
)

// The listening history is generated, not stored. The plays of one listener
// on one UTC day are a pure function of the seed, the listener and the day,
// so that any date, past or future, has plays; a restarted simulator (or the
// demo run on another day) reports the same plays for the same dates; and
// memory stays bounded however far the simulated clock runs.
//
// A day's sessions are drawn from two generators seeded by (seed, listener,
// day): one for when the sessions start, one for what they play. A session
// plays until its tracks run out or the next session starts, whichever is
// first; the track playing when the next one starts is recorded as a skip if
// at least 30 s of it were heard, and dropped otherwise. So a session that
// crosses midnight is cut only by the first session of the next day, whose
// start needs just that day's first generator, and the plays of day D depend
// on the sessions of days D-1 and D and the first start of D+1: nothing is
// duplicated or dropped at midnight, and every listener's plays are strictly
// increasing and never overlap.

const msPerDay = 24 * 60 * 60 * 1000

// Generator streams of a listener-day.
const (
	streamSchedule = 1 // when the sessions start
	streamMusic    = 2 // what they play, skips and pauses
)

// minHeardMS is the least of a track that counts as a play, as on Spotify.
const minHeardMS = 30_000

// cutGapMS is the pause between a track cut short by the next session and
// that session's first track.
const cutGapMS = 1000

// maxLookbackDays bounds how far back recently-played looks for its 50
// plays. Every persona listens most days, so this is never reached in
// practice; it only guarantees that a request terminates.
const maxLookbackDays = 60

// cachedDays is how many listener-days the server keeps generated: a few
// weeks of every listener. A day is at most a few hundred plays.
const cachedDays = 512

// listenPlaylist is a playlist as it was when the catalog was built.
type listenPlaylist struct {
	id     string
	tracks []*track
}

// dayOf is the UTC day of a Unix-millisecond instant, in days since the
// epoch.
func dayOf(ms int64) int64 {
	d := ms / msPerDay
	if ms%msPerDay < 0 {
		d--
	}
	return d
}

// mix is SplitMix64's finalizer: neighbouring inputs (consecutive days, a
// seed and the next) give unrelated outputs, which PCG's raw seeding does
// not promise.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// listenSeed derives a listener's history seed from the catalog seed and the
// listener's fixed id, so that a listener's plays do not depend on the order
// in which the catalog was built.
func listenSeed(seed int64, id string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(id))
	return mix(uint64(seed) ^ mix(h.Sum64()))
}

func (l *listenerState) dayRand(day int64, stream uint64) *rand.Rand {
	h := mix(l.listenSeed ^ mix(uint64(day)^stream<<56))
	return rand.New(rand.NewPCG(h, mix(h)))
}

// sessionStarts is when the listener's sessions of day start (Unix ms,
// ascending). A nonstop listener has one: the start of his first context,
// each next one following the last.
func (l *listenerState) sessionStarts(day int64) []int64 {
	r := l.dayRand(day, streamSchedule)
	base := day * msPerDay
	if l.nonstop {
		return []int64{base + int64(r.IntN(5000))}
	}
	var out []int64
	for _, h := range l.sessionHours {
		skipped := r.IntN(5) == 0 // not every day
		at := base + int64(h)*3_600_000 + int64(r.IntN(3600))*1000
		if !skipped {
			out = append(out, at)
		}
	}
	return out
}

// rawPlay is a track as its session would play it if nothing came after.
type rawPlay struct {
	track      *track
	start, end int64 // Unix ms
}

type session struct {
	context *playContext
	plays   []rawPlay // at least one
}

// sessions generates the listener's sessions that start on day, uncut.
func (l *listenerState) sessions(day int64) []session {
	starts := l.sessionStarts(day)
	r := l.dayRand(day, streamMusic)
	var out []session
	if !l.nonstop {
		for _, at := range starts {
			out = append(out, l.session(r, at))
		}
		return out
	}
	// One context after another until the day is over; the last one runs
	// past midnight until the next day's first starts.
	end := (day + 1) * msPerDay
	for at := starts[0]; at < end; {
		s := l.session(r, at)
		out = append(out, s)
		at = s.plays[len(s.plays)-1].end + int64(between(r, 1000, 6000))
	}
	return out
}

// session plays from an album, a playlist, an artist or nothing in
// particular, so that contexts look like a real account's.
func (l *listenerState) session(r *rand.Rand, at int64) session {
	shortArtists := l.topArtists[shortTerm]
	n := between(r, l.tracksPerSession[0], l.tracksPerSession[1])
	var seq []*track
	var ctx *playContext
	switch roll := r.IntN(20); {
	case roll < 7:
		al := pick(r, pick(r, shortArtists).albums)
		ctx = &playContext{kind: "album", id: al.id}
		seq = al.tracks
	case roll < 12:
		p := pick(r, l.listenPlaylists)
		if len(p.tracks) == 0 {
			break
		}
		ctx = &playContext{kind: "playlist", id: p.id}
		off := r.IntN(len(p.tracks))
		for i := range n {
			seq = append(seq, p.tracks[(off+i)%len(p.tracks)])
		}
	case roll < 15:
		a := pick(r, shortArtists)
		ctx = &playContext{kind: "artist", id: a.id}
		seq = shuffledTracks(r, a.tracks)
	}
	if seq == nil {
		ctx = nil
		for range n {
			if r.IntN(3) > 0 {
				seq = append(seq, pick(r, l.topTracks[shortTerm]))
			} else {
				seq = append(seq, pick(r, pick(r, shortArtists).tracks))
			}
		}
	}
	s := session{context: ctx}
	for i := 0; i < n && i < len(seq); i++ {
		t := seq[i]
		heard := int64(t.durationMS)
		if r.IntN(l.skipOneIn) == 0 {
			within := t.durationMS
			if l.skipWithinMS > 0 {
				within = min(within, l.skipWithinMS)
			}
			heard = int64(minHeardMS + r.IntN(max(1, within-minHeardMS)))
		}
		s.plays = append(s.plays, rawPlay{track: t, start: at, end: at + heard})
		at += heard + int64(r.IntN(4000))
	}
	return s
}

// cutAt is the instant that cuts the last session of day: the start of the
// next day's first session. A day without sessions cuts nothing, but no
// session may reach into the day after next, which keeps a day's plays a
// function of three days' generators however long a session is.
func (l *listenerState) cutAt(day int64) int64 {
	if next := l.sessionStarts(day + 1); len(next) > 0 {
		return next[0]
	}
	return (day + 2) * msPerDay
}

// realize turns sessions into plays: each session ends when the next starts
// (the last one at cut), the track then playing recorded as a skip when at
// least minHeardMS of it were heard.
func realize(ss []session, cut int64) []play {
	var out []play
	for i, s := range ss {
		next := cut
		if i+1 < len(ss) {
			next = ss[i+1].plays[0].start
		}
		for _, p := range s.plays {
			if p.end < next {
				out = append(out, play{track: p.track, playedAt: p.end, heardMS: p.end - p.start, context: s.context})
				continue
			}
			if end := next - cutGapMS; end-p.start >= minHeardMS {
				out = append(out, play{track: p.track, playedAt: end, heardMS: end - p.start, context: s.context})
			}
			break
		}
	}
	return out
}

// generateDay is the listener's plays that ended on day, ascending.
func (l *listenerState) generateDay(day int64) []play {
	from, to := day*msPerDay, (day+1)*msPerDay
	var out []play
	for _, p := range realize(l.sessions(day-1), l.cutAt(day-1)) {
		if p.playedAt >= from {
			out = append(out, p)
		}
	}
	for _, p := range realize(l.sessions(day), l.cutAt(day)) {
		if p.playedAt < to {
			out = append(out, p)
		}
	}
	return out
}

// dayPlays is the listener's plays that ended on day, ascending. The slice
// is shared: callers must not modify it.
func (s *Server) dayPlays(l *listenerState, day int64) []play {
	k := dayKey{l.id, day}
	if ps, ok := s.days.get(k); ok {
		return ps
	}
	// Generated outside the lock: two requests racing for the same day do
	// the work twice and agree on the result, which is cheaper than making
	// every request wait for one generation.
	ps := l.generateDay(day)
	s.days.put(k, ps)
	return ps
}

// recentPlays is the listener's last n plays at or before nowMS, ascending:
// the window Spotify's recently-played exposes.
func (s *Server) recentPlays(l *listenerState, nowMS int64, n int) []play {
	day := dayOf(nowMS)
	today := s.dayPlays(l, day)
	end := sort.Search(len(today), func(i int) bool { return today[i].playedAt > nowMS })
	if end >= n {
		return today[end-n : end]
	}
	chunks := [][]play{today[:end]}
	have := end
	for back := int64(1); have < n && back <= maxLookbackDays; back++ {
		ps := s.dayPlays(l, day-back)
		chunks = append(chunks, ps)
		have += len(ps)
	}
	out := make([]play, 0, have)
	for i := len(chunks) - 1; i >= 0; i-- {
		out = append(out, chunks[i]...)
	}
	return out[max(0, len(out)-n):]
}

type dayKey struct {
	listener string
	day      int64
}

type dayEntry struct {
	key   dayKey
	plays []play
}

// dayCache keeps the most recently used listener-days. Generating a day
// takes well under a millisecond, but recently-played asks for the same one
// or two days on every call.
type dayCache struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *dayEntry, most recently used first
	byKey map[dayKey]*list.Element
}

func newDayCache(max int) *dayCache {
	return &dayCache{max: max, order: list.New(), byKey: map[dayKey]*list.Element{}}
}

func (c *dayCache) get(k dayKey) ([]play, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[k]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*dayEntry).plays, true
}

func (c *dayCache) put(k dayKey, ps []play) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[k]; ok {
		c.order.MoveToFront(e)
		return
	}
	c.byKey[k] = c.order.PushFront(&dayEntry{key: k, plays: ps})
	for c.order.Len() > c.max {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.byKey, oldest.Value.(*dayEntry).key)
	}
}
