package social

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/trends"
)

// What a link shows is read from what Euterpe has stored about its owner,
// nothing else: the daily snapshots of their top lists and their history.
// The reader has no Spotify client and no tokens to use.

// SharedTopItems is how many songs and artists a shared top list shows.
const SharedTopItems = 20

// sharedAlbums is how many albums a shared top list shows.
const sharedAlbums = 10

// snapshotReach is how far back a shared top list looks for a snapshot.
const snapshotReach = 30

// ShareReader reads what links show. It is safe for concurrent use.
type ShareReader struct {
	history *history.Service
	trends  *trends.Service
	queries *db.Queries
	now     func() time.Time
}

// NewShareReader reads through the history and trends services.
func NewShareReader(h *history.Service, t *trends.Service, q *db.Queries, now func() time.Time) *ShareReader {
	return &ShareReader{history: h, trends: t, queries: q, now: now}
}

// SharedView is a link's page.
type SharedView struct {
	Opened
	Dashboard *SharedTops
	History   *SharedHistory
	Year      *trends.Year
}

// SharedTops are a range's top lists as the owner's latest snapshot has
// them.
type SharedTops struct {
	Range spotify.TimeRange
	AsOf  time.Time // the snapshot's day; zero when there is none
	Songs []history.TopItem
	// Artists and Albums likewise; an album is ranked by how many of the
	// top songs are on it, then by its best song.
	Artists []history.TopItem
	Albums  []SharedAlbum
}

// SharedAlbum is an album of the top songs.
type SharedAlbum struct {
	history.TopItem
	Songs int // how many of the top songs it holds
}

// SharedHistory is a range of the history: the panels chosen, nil for the
// others.
type SharedHistory struct {
	Span     history.Span
	Empty    bool // no plays at all in the owner's history
	Totals   *history.Totals
	Tracks   *history.TopList
	Artists  *history.TopList
	Albums   *history.TopList
	Calendar *history.Calendar
	Clock    *history.Clock
	Sessions *history.Sessions
}

// Load reads what o shows.
func (s *ShareReader) Load(ctx context.Context, o Opened) (SharedView, error) {
	v := SharedView{Opened: o}
	var err error
	switch o.Kind {
	case ShareDashboard:
		v.Dashboard, err = s.tops(ctx, o)
	case ShareHistory:
		v.History, err = s.historyRange(ctx, o)
	case ShareYear:
		v.Year, err = s.year(ctx, o)
	default:
		err = fmt.Errorf("social: unknown share kind %q", o.Kind)
	}
	return v, err
}

func (s *ShareReader) tops(ctx context.Context, o Opened) (*SharedTops, error) {
	out := &SharedTops{Range: o.Range, Songs: []history.TopItem{}, Artists: []history.TopItem{}, Albums: []SharedAlbum{}}
	today, err := s.trends.LocalToday(ctx, o.OwnerID)
	if err != nil {
		return nil, err
	}
	snaps, err := s.trends.Between(ctx, o.OwnerID, today.AddDate(0, 0, -snapshotReach), today)
	if err != nil {
		return nil, err
	}
	tracksList := trends.List{Kind: trends.TopTracks, Range: o.Range}
	artistsList := trends.List{Kind: trends.TopArtists, Range: o.Range}
	var trackIDs, artistIDs []int64
	for i := len(snaps) - 1; i >= 0; i-- {
		if t, a := snaps[i].Items(tracksList), snaps[i].Items(artistsList); t != nil && a != nil {
			out.AsOf, trackIDs, artistIDs = snaps[i].Day, t, a
			break
		}
	}
	if out.AsOf.IsZero() {
		return out, nil
	}
	trackIDs = trackIDs[:min(len(trackIDs), SharedTopItems)]
	artistIDs = artistIDs[:min(len(artistIDs), SharedTopItems)]
	// A visitor has no History pages of the owner's: the items link nowhere.
	tracks, err := history.ItemDetails(ctx, s.queries, history.Tracks, trackIDs)
	if err != nil {
		return nil, fmt.Errorf("social: %w", err)
	}
	type albumRank struct {
		songs, best int
	}
	albums := map[int64]*albumRank{}
	var albumOrder []int64
	for _, id := range trackIDs {
		t, ok := tracks[id]
		if !ok {
			continue
		}
		t.Rank, t.URL = len(out.Songs)+1, ""
		out.Songs = append(out.Songs, t)
		if t.AlbumID != 0 {
			if a := albums[t.AlbumID]; a != nil {
				a.songs++
			} else {
				albums[t.AlbumID] = &albumRank{songs: 1, best: t.Rank}
				albumOrder = append(albumOrder, t.AlbumID)
			}
		}
	}
	artists, err := history.ItemDetails(ctx, s.queries, history.Artists, artistIDs)
	if err != nil {
		return nil, fmt.Errorf("social: %w", err)
	}
	for _, id := range artistIDs {
		if a, ok := artists[id]; ok {
			a.Rank, a.URL = len(out.Artists)+1, ""
			out.Artists = append(out.Artists, a)
		}
	}
	slices.SortStableFunc(albumOrder, func(a, b int64) int {
		return cmp.Or(cmp.Compare(albums[b].songs, albums[a].songs), cmp.Compare(albums[a].best, albums[b].best))
	})
	albumOrder = albumOrder[:min(len(albumOrder), sharedAlbums)]
	details, err := history.ItemDetails(ctx, s.queries, history.Albums, albumOrder)
	if err != nil {
		return nil, fmt.Errorf("social: %w", err)
	}
	for _, id := range albumOrder {
		if a, ok := details[id]; ok {
			a.Rank, a.URL = len(out.Albums)+1, ""
			out.Albums = append(out.Albums, SharedAlbum{Songs: albums[id].songs, TopItem: a})
		}
	}
	return out, nil
}

// historyRange reads the chosen History panels over the link's range, in
// the owner's time zone; a preset is resolved anew at every view.
func (s *ShareReader) historyRange(ctx context.Context, o Opened) (*SharedHistory, error) {
	zone, err := s.history.ZoneFor(ctx, o.OwnerID)
	if err != nil {
		return nil, err
	}
	b, err := s.history.BoundsFor(ctx, o.OwnerID)
	if err != nil {
		return nil, err
	}
	span := history.Span{From: o.From, To: o.To, Loc: zone.Loc, Period: history.CustomSpan}
	if o.Period != history.CustomSpan {
		if span, err = history.ParseSpan(url.Values{"period": {string(o.Period)}}, zone.Loc, s.now(), b.First); err != nil {
			return nil, err
		}
	}
	v := history.View{UserID: o.OwnerID, Span: span, Bounds: b}
	out := &SharedHistory{Span: span, Empty: b.Empty()}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(3)
	if o.Shows("totals") {
		g.Go(func() error {
			t, err := s.history.Totals(gctx, v)
			out.Totals = &t
			return err
		})
	}
	for _, t := range []struct {
		panel string
		kind  history.Kind
		into  **history.TopList
	}{{"top-tracks", history.Tracks, &out.Tracks}, {"top-artists", history.Artists, &out.Artists}, {"top-albums", history.Albums, &out.Albums}} {
		if !o.Shows(t.panel) {
			continue
		}
		g.Go(func() error {
			list, err := s.history.Top(gctx, v, t.kind, history.ByPlays, SharedTopItems)
			for i := range list.Items {
				list.Items[i].URL = "" // the owner's item pages are theirs alone
			}
			*t.into = &list
			return err
		})
	}
	if o.Shows("calendar") {
		g.Go(func() error {
			// The link's days only: the rest of the owner's year is
			// not what was shared.
			c, err := s.history.CalendarOfSpan(gctx, v)
			out.Calendar = &c
			return err
		})
	}
	if o.Shows("clock") {
		g.Go(func() error {
			c, err := s.history.ClockFor(gctx, v)
			out.Clock = &c
			return err
		})
	}
	if o.Shows("sessions") {
		g.Go(func() error {
			ss, err := s.history.SessionsFor(gctx, v, 5)
			out.Sessions = &ss
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("social: read shared history: %w", err)
	}
	return out, nil
}

func (s *ShareReader) year(ctx context.Context, o Opened) (*trends.Year, error) {
	_, zone, bounds, err := s.trends.Years(ctx, o.OwnerID)
	if err != nil {
		return nil, err
	}
	y, err := s.trends.YearInReview(ctx, o.OwnerID, zone, bounds, o.Year)
	if err != nil {
		return nil, err
	}
	for _, list := range [][]history.TopItem{y.TopTracks, y.TopArtists, y.TopAlbums, y.Discovered.Artists} {
		for i := range list {
			list[i].URL = ""
		}
	}
	if y.SongOfADay != nil {
		y.SongOfADay.Track.URL = ""
	}
	return &y, nil
}
