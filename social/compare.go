package social

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/google/uuid"
	"golang.org/x/sync/errgroup"

	"github.com/euterpe-dev/euterpe/history"
)

// How many items the compare page lists.
const (
	CommonShown = 10
	OnlyShown   = 8
)

// Side is one friend's listening over the compared range, read from their
// stored history in their own time zone (so "this year" is each one's
// year, and the clock is each one's local hours).
type Side struct {
	UserID  uuid.UUID
	Name    string
	Span    history.Span
	Artists history.TopList // the top AffinityItems, by plays
	Tracks  history.TopList
	Clock   history.Clock
}

func weighted(l history.TopList) []Weighted {
	out := make([]Weighted, len(l.Items))
	for i, it := range l.Items {
		out[i] = Weighted{ID: it.ID, Plays: it.Plays}
	}
	return out
}

// Common is an item both friends have in their top list.
type Common struct {
	history.TopItem       // as the viewer's list has it
	Mine, Theirs    int64 // plays
}

// Comparison is the compare page: the viewer ("mine") and their friend
// ("theirs").
type Comparison struct {
	Me, Friend    Side
	Affinity      Affinity
	CommonArtists []Common
	CommonTracks  []Common
	// What each loves that the other doesn't: items of one's top list
	// that are not in the other's, in rank order.
	MineOnlyArtists, TheirsOnlyArtists []history.TopItem
	MineOnlyTracks, TheirsOnlyTracks   []history.TopItem
}

// Compare builds the comparison of two sides, a pure function of them: the
// same two sides compared the other way round give the same score and
// the same common items.
func Compare(me, friend Side) Comparison {
	c := Comparison{Me: me, Friend: friend,
		Affinity: AffinityOf(weighted(me.Artists), weighted(friend.Artists), weighted(me.Tracks), weighted(friend.Tracks))}
	c.CommonArtists, c.MineOnlyArtists, c.TheirsOnlyArtists = common(me.Artists, friend.Artists)
	c.CommonTracks, c.MineOnlyTracks, c.TheirsOnlyTracks = common(me.Tracks, friend.Tracks)
	return c
}

// common splits two top lists into what they share, best shared first (by
// the smaller of the two shares: what the item adds to the overlap, then by
// plays together, then id), and what only each has.
func common(mine, theirs history.TopList) (both []Common, onlyMine, onlyTheirs []history.TopItem) {
	shareMine, shareTheirs := shares(weighted(mine)), shares(weighted(theirs))
	theirPlays := map[int64]int64{}
	for _, it := range theirs.Items {
		theirPlays[it.ID] = it.Plays
	}
	myPlays := map[int64]bool{}
	for _, it := range mine.Items {
		myPlays[it.ID] = true
		if p, ok := theirPlays[it.ID]; ok {
			both = append(both, Common{TopItem: it, Mine: it.Plays, Theirs: p})
		} else if len(onlyMine) < OnlyShown {
			onlyMine = append(onlyMine, it)
		}
	}
	for _, it := range theirs.Items {
		if !myPlays[it.ID] && len(onlyTheirs) < OnlyShown {
			onlyTheirs = append(onlyTheirs, it)
		}
	}
	slices.SortStableFunc(both, func(a, b Common) int {
		wa := min(shareMine[a.ID], shareTheirs[a.ID])
		wb := min(shareMine[b.ID], shareTheirs[b.ID])
		return cmp.Or(cmp.Compare(wb, wa), cmp.Compare(b.Mine+b.Theirs, a.Mine+a.Theirs), cmp.Compare(a.ID, b.ID))
	})
	return both[:min(len(both), CommonShown)], onlyMine, onlyTheirs
}

// Comparer reads both sides of a comparison from the history. It is safe
// for concurrent use.
type Comparer struct {
	history *history.Service
	now     func() time.Time
}

// NewComparer reads through h; now is the app's clock.
func NewComparer(h *history.Service, now func() time.Time) *Comparer {
	return &Comparer{history: h, now: now}
}

// Person is who a side is.
type Person struct {
	UserID uuid.UUID
	Name   string
}

// Load reads both sides over the range q asks for (?period= or
// ?from=&to=, as History's), each in their own zone, and compares them.
// A bad parameter is a *history.ParamError.
func (c *Comparer) Load(ctx context.Context, me, friend Person, q url.Values) (Comparison, error) {
	var sides [2]Side
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for i, p := range []Person{me, friend} {
		zone, err := c.history.ZoneFor(ctx, p.UserID)
		if err != nil {
			return Comparison{}, err
		}
		b, err := c.history.BoundsFor(ctx, p.UserID)
		if err != nil {
			return Comparison{}, err
		}
		span, err := history.ParseSpan(q, zone.Loc, c.now(), b.First)
		if err != nil {
			return Comparison{}, err
		}
		v := history.View{UserID: p.UserID, Span: span, Bounds: b}
		sides[i] = Side{UserID: p.UserID, Name: p.Name, Span: span}
		s := &sides[i]
		g.Go(func() (err error) {
			s.Artists, err = c.history.Top(gctx, v, history.Artists, history.ByPlays, AffinityItems)
			return err
		})
		g.Go(func() (err error) {
			s.Tracks, err = c.history.Top(gctx, v, history.Tracks, history.ByPlays, AffinityItems)
			return err
		})
		g.Go(func() (err error) {
			s.Clock, err = c.history.ClockFor(gctx, v)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return Comparison{}, fmt.Errorf("social: compare: %w", err)
	}
	for _, s := range sides {
		for _, l := range []history.TopList{s.Artists, s.Tracks} {
			for i := range l.Items {
				l.Items[i].URL = "" // item pages show the viewer's own plays
			}
		}
	}
	return Compare(sides[0], sides[1]), nil
}
