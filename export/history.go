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
	plays := &playCursor{h: h, user: userID, from: from, to: to, after: beginning}
	skips := &skipCursor{h: h, user: userID, from: from, to: to, after: beginning}
	spoken := &spokenCursor{h: h, user: userID, from: from, to: to, after: beginning}
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

type playCursor struct {
	h          *History
	user       uuid.UUID
	from, to   time.Time
	after      time.Time
	afterTrack int64
	rows       []db.ListPlaysPageRow
	tracks     []*db.ListTrackCatalogRow // the rows' tracks, described when the page was read
	i          int
	done       bool
}

func (c *playCursor) fill(ctx context.Context) error {
	if c.i < len(c.rows) || c.done {
		return nil
	}
	rows, err := c.h.q.ListPlaysPage(ctx, db.ListPlaysPageParams{UserID: c.user, FromTime: c.from, ToTime: c.to,
		AfterPlayedAt: c.after, AfterTrackID: c.afterTrack, MaxRows: pageRows})
	if err != nil {
		return fmt.Errorf("export: read plays: %w", err)
	}
	c.rows, c.i, c.done = rows, 0, len(rows) < pageRows
	if len(rows) > 0 {
		last := rows[len(rows)-1]
		c.after, c.afterTrack = last.PlayedAt, last.TrackID
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.TrackID
		}
		c.tracks, err = c.h.describe(ctx, ids)
		return err
	}
	return nil
}

func (c *playCursor) empty() bool     { return c.i >= len(c.rows) }
func (c *playCursor) head() time.Time { return c.rows[c.i].PlayedAt }
func (c *playCursor) take(l *Listen) {
	r := c.rows[c.i]
	c.i++
	*l = Listen{Kind: "play", PlayedAt: r.PlayedAt, Track: c.tracks[c.i-1], Source: sourceNames[r.SourceID]}
	if r.MsPlayed != nil {
		l.MSPlayed, l.Known = int64(*r.MsPlayed), true
	}
	if r.ContextUri != nil {
		l.ContextURI = *r.ContextUri
	}
}

type skipCursor struct {
	h          *History
	user       uuid.UUID
	from, to   time.Time
	after      time.Time
	afterTrack int64
	rows       []db.ListSkipsPageRow
	tracks     []*db.ListTrackCatalogRow
	i          int
	done       bool
}

func (c *skipCursor) fill(ctx context.Context) error {
	if c.i < len(c.rows) || c.done {
		return nil
	}
	rows, err := c.h.q.ListSkipsPage(ctx, db.ListSkipsPageParams{UserID: c.user, FromTime: c.from, ToTime: c.to,
		AfterPlayedAt: c.after, AfterTrackID: c.afterTrack, MaxRows: pageRows})
	if err != nil {
		return fmt.Errorf("export: read skips: %w", err)
	}
	c.rows, c.i, c.done = rows, 0, len(rows) < pageRows
	if len(rows) > 0 {
		last := rows[len(rows)-1]
		c.after, c.afterTrack = last.PlayedAt, last.TrackID
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.TrackID
		}
		c.tracks, err = c.h.describe(ctx, ids)
		return err
	}
	return nil
}

func (c *skipCursor) empty() bool     { return c.i >= len(c.rows) }
func (c *skipCursor) head() time.Time { return c.rows[c.i].PlayedAt }
func (c *skipCursor) take(l *Listen) {
	r := c.rows[c.i]
	c.i++
	*l = Listen{Kind: "skip", PlayedAt: r.PlayedAt, Track: c.tracks[c.i-1], MSPlayed: int64(r.MsPlayed), Known: true}
}

type spokenCursor struct {
	h                     *History
	user                  uuid.UUID
	from, to              time.Time
	after                 time.Time
	afterKind, afterTitle string
	rows                  []db.ListSpokenPageRow
	i                     int
	done                  bool
}

func (c *spokenCursor) fill(ctx context.Context) error {
	if c.i < len(c.rows) || c.done {
		return nil
	}
	rows, err := c.h.q.ListSpokenPage(ctx, db.ListSpokenPageParams{UserID: c.user, FromTime: c.from, ToTime: c.to,
		AfterPlayedAt: c.after, AfterKind: c.afterKind, AfterTitle: c.afterTitle, MaxRows: pageRows})
	if err != nil {
		return fmt.Errorf("export: read episodes: %w", err)
	}
	c.rows, c.i, c.done = rows, 0, len(rows) < pageRows
	if len(rows) > 0 {
		last := rows[len(rows)-1]
		c.after, c.afterKind, c.afterTitle = last.PlayedAt, last.Kind, last.Title
	}
	return nil
}

func (c *spokenCursor) empty() bool     { return c.i >= len(c.rows) }
func (c *spokenCursor) head() time.Time { return c.rows[c.i].PlayedAt }
func (c *spokenCursor) take(l *Listen) {
	r := c.rows[c.i]
	c.i++
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
