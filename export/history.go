package export

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/db"
)

// pageRows is how many rows of each kind one query reads.
const pageRows = 5000

// catalogueCache bounds the tracks kept described between pages: a heavy
// listener plays the same few thousand tracks again and again, so most
// pages need no catalogue query at all.
const catalogueCache = 20000

// Listen is one row of a history export: a play, a skip (a listen under
// 30 s an export reported), a podcast episode or an audiobook chapter.
type Listen struct {
	Kind     string    // "play", "skip", "episode", "chapter"
	PlayedAt time.Time // when playback ended
	// MSPlayed is how long it was heard; Known is false when nobody said
	// (a poll of a play stored before Euterpe estimated it).
	MSPlayed int64
	Known    bool
	// Music.
	Track      *db.ListTrackCatalogRow
	Source     string // where a play came from: poll, account_export, extended_export, euterpe_export
	ContextURI string
	// Spoken.
	Show, Title, URI string
}

// sourceNames are euterpe.play_sources, by id.
var sourceNames = map[int16]string{1: "poll", 2: "account_export", 3: "extended_export", 4: "euterpe_export"}

// History reads a user's listens for an export.
type History struct {
	q     *db.Queries
	cache map[int64]*db.ListTrackCatalogRow
}

// NewHistory reads from pool.
func NewHistory(pool *database.Pool) *History {
	return &History{q: db.New(pool), cache: map[int64]*db.ListTrackCatalogRow{}}
}

// Span limits an export to listens that ended in [From, To); the zero Span
// is the whole history.
type Span struct{ From, To time.Time }

var (
	beginning = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	end       = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
)

func (s Span) bounds() (time.Time, time.Time) {
	from, to := s.From, s.To
	if from.IsZero() {
		from = beginning
	}
	if to.IsZero() {
		to = end
	}
	return from, to
}

// Each calls fn with every listen of the user in the span, in time order,
// reading a page at a time. The Listen is reused between calls.
func (h *History) Each(ctx context.Context, userID uuid.UUID, span Span, fn func(*Listen) error) error {
	from, to := span.bounds()
	plays := &playCursor{}
	plays.read = func(ctx context.Context, last *db.ListPlaysPageRow) ([]db.ListPlaysPageRow, error) {
		arg := db.ListPlaysPageParams{UserID: userID, FromTime: from, ToTime: to, AfterPlayedAt: beginning, MaxRows: pageRows}
		if last != nil {
			arg.AfterPlayedAt, arg.AfterTrackID = last.PlayedAt, last.TrackID
		}
		rows, err := h.q.ListPlaysPage(ctx, arg)
		if err != nil {
			return nil, fmt.Errorf("export: read plays: %w", err)
		}
		plays.tracks, err = h.describe(ctx, trackIDs(rows, func(r db.ListPlaysPageRow) int64 { return r.TrackID }))
		return rows, err
	}
	plays.at = func(r db.ListPlaysPageRow) time.Time { return r.PlayedAt }
	skips := &skipCursor{}
	skips.read = func(ctx context.Context, last *db.ListSkipsPageRow) ([]db.ListSkipsPageRow, error) {
		arg := db.ListSkipsPageParams{UserID: userID, FromTime: from, ToTime: to, AfterPlayedAt: beginning, MaxRows: pageRows}
		if last != nil {
			arg.AfterPlayedAt, arg.AfterTrackID = last.PlayedAt, last.TrackID
		}
		rows, err := h.q.ListSkipsPage(ctx, arg)
		if err != nil {
			return nil, fmt.Errorf("export: read skips: %w", err)
		}
		skips.tracks, err = h.describe(ctx, trackIDs(rows, func(r db.ListSkipsPageRow) int64 { return r.TrackID }))
		return rows, err
	}
	skips.at = func(r db.ListSkipsPageRow) time.Time { return r.PlayedAt }
	spoken := &spokenCursor{}
	spoken.read = func(ctx context.Context, last *db.ListSpokenPageRow) ([]db.ListSpokenPageRow, error) {
		arg := db.ListSpokenPageParams{UserID: userID, FromTime: from, ToTime: to, AfterPlayedAt: beginning, MaxRows: pageRows}
		if last != nil {
			arg.AfterPlayedAt, arg.AfterKind, arg.AfterTitle = last.PlayedAt, last.Kind, last.Title
		}
		rows, err := h.q.ListSpokenPage(ctx, arg)
		if err != nil {
			return nil, fmt.Errorf("export: read episodes: %w", err)
		}
		return rows, nil
	}
	spoken.at = func(r db.ListSpokenPageRow) time.Time { return r.PlayedAt }
	var l Listen
	for {
		var next cursor
		for _, c := range []cursor{plays, spoken, skips} {
			if err := c.fill(ctx); err != nil {
				return err
			}
			if c.empty() {
				continue
			}
			if next == nil || c.head().Before(next.head()) {
				next = c
			}
		}
		if next == nil {
			return nil
		}
		next.take(&l)
		if err := fn(&l); err != nil {
			return err
		}
	}
}

// cursor is one kind of listen, read a page at a time.
type cursor interface {
	fill(ctx context.Context) error
	empty() bool
	head() time.Time
	take(*Listen)
}

// pages reads rows of one kind a page at a time, each page after the last
// row of the one before (the queries' keyset order).
type pages[R any] struct {
	read func(ctx context.Context, last *R) ([]R, error) // last is nil for the first page
	at   func(R) time.Time
	rows []R
	i    int
	done bool
}

func (p *pages[R]) fill(ctx context.Context) error {
	if p.i < len(p.rows) || p.done {
		return nil
	}
	var last *R
	if len(p.rows) > 0 {
		last = &p.rows[len(p.rows)-1]
	}
	rows, err := p.read(ctx, last)
	if err != nil {
		return err
	}
	p.rows, p.i, p.done = rows, 0, len(rows) < pageRows
	return nil
}

func (p *pages[R]) empty() bool     { return p.i >= len(p.rows) }
func (p *pages[R]) head() time.Time { return p.at(p.rows[p.i]) }

// next returns the row at the head, and its index in the page.
func (p *pages[R]) next() (R, int) {
	p.i++
	return p.rows[p.i-1], p.i - 1
}

// trackIDs are the rows' tracks, in order.
func trackIDs[R any](rows []R, id func(R) int64) []int64 {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = id(r)
	}
	return ids
}

type playCursor struct {
	pages[db.ListPlaysPageRow]
	tracks []*db.ListTrackCatalogRow // the page's tracks, described when it was read
}

func (c *playCursor) take(l *Listen) {
	r, i := c.next()
	*l = Listen{Kind: "play", PlayedAt: r.PlayedAt, Track: c.tracks[i], Source: sourceNames[r.SourceID]}
	if r.MsPlayed != nil {
		l.MSPlayed, l.Known = int64(*r.MsPlayed), true
	}
	if r.ContextUri != nil {
		l.ContextURI = *r.ContextUri
	}
}

type skipCursor struct {
	pages[db.ListSkipsPageRow]
	tracks []*db.ListTrackCatalogRow
}

func (c *skipCursor) take(l *Listen) {
	r, i := c.next()
	*l = Listen{Kind: "skip", PlayedAt: r.PlayedAt, Track: c.tracks[i], MSPlayed: int64(r.MsPlayed), Known: true}
}

type spokenCursor struct {
	pages[db.ListSpokenPageRow]
}

func (c *spokenCursor) take(l *Listen) {
	r, _ := c.next()
	*l = Listen{Kind: r.Kind, PlayedAt: r.PlayedAt, MSPlayed: int64(r.MsPlayed), Known: true, Show: r.Show, Title: r.Title}
	if r.SpotifyID != nil && *r.SpotifyID != "" {
		kind := "episode"
		if r.Kind == "chapter" {
			kind = "audiobook"
		}
		l.URI = "spotify:" + kind + ":" + *r.SpotifyID
	}
}

// describe returns the tracks ids name, in order, from the cache, reading
// those it lacks. The cache is emptied when it would grow past its bound;
// the pointers returned stay valid.
func (h *History) describe(ctx context.Context, ids []int64) ([]*db.ListTrackCatalogRow, error) {
	var missing []int64
	seen := map[int64]bool{}
	for _, id := range ids {
		if _, ok := h.cache[id]; !ok && !seen[id] {
			seen[id] = true
			missing = append(missing, id)
		}
	}
	if len(h.cache)+len(missing) > catalogueCache {
		clear(h.cache)
		return h.describe(ctx, ids) // every id of the page is missing now
	}
	if len(missing) > 0 {
		rows, err := h.q.ListTrackCatalog(ctx, missing)
		if err != nil {
			return nil, fmt.Errorf("export: read tracks: %w", err)
		}
		for i := range rows {
			h.cache[rows[i].ID] = &rows[i]
		}
	}
	out := make([]*db.ListTrackCatalogRow, len(ids))
	for i, id := range ids {
		out[i] = h.cache[id]
	}
	return out, nil
}
