// Package trends is listening over time: daily snapshots of Spotify's top
// lists and how items move in them (the dashboard's arrows, the bump
// chart), trends read from the stored history (minutes per month, each top
// artist's share, the rate of discovery, timeless and falling-off artists
// from real plays), and the year in review. The aggregates are SQL
// (sql/queries/top_snapshots.sql, trends.sql) over the summaries the plays
// triggers keep; Go shapes the rows into view models, pure functions where
// it can (movement.go) so they are tested without a database.
package trends

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/history"
)

// Snapshots reads the snapshots of the top lists: what the dashboard needs
// (movement, the bump chart), from the queries alone. It is safe for
// concurrent use.
type Snapshots struct {
	queries *db.Queries
	now     func() time.Time
}

// NewSnapshots reads through q; now is the app's clock (nil: time.Now).
func NewSnapshots(q *db.Queries, now func() time.Time) *Snapshots {
	if now == nil {
		now = time.Now
	}
	return &Snapshots{queries: q, now: now}
}

// Service reads and writes trends: the snapshots, and what the stored
// history says over time. It is safe for concurrent use.
type Service struct {
	*Snapshots
	pool    *database.Pool
	history *history.Service
}

// NewService builds the service; hist reads the history it summarises, now
// is the app's clock (nil: time.Now).
func NewService(pool *database.Pool, hist *history.Service, now func() time.Time) *Service {
	return &Service{Snapshots: NewSnapshots(db.New(pool), now), pool: pool, history: hist}
}

// Date is a calendar day, written YYYY-MM-DD in JSON. Dates are UTC
// midnights standing for the user's local days, as history.Span's.
type Date struct{ time.Time }

// DateOf is the calendar date of t in its own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// MarshalJSON writes "2026-11-28", or null for the zero date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.Format(time.DateOnly))
}

// UnmarshalJSON reads "2026-11-28" (or null).
func (d *Date) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == nil {
		*d = Date{}
		return nil
	}
	t, err := time.Parse(time.DateOnly, *s)
	*d = Date{t}
	return err
}

// String is YYYY-MM-DD.
func (d Date) String() string { return d.Format(time.DateOnly) }

// Month is a calendar month, written YYYY-MM in JSON.
type Month struct{ time.Time }

// MarshalJSON writes "2026-11".
func (m Month) MarshalJSON() ([]byte, error) { return json.Marshal(m.Format("2006-01")) }

// UnmarshalJSON reads "2026-11".
func (m *Month) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	t, err := time.Parse("2006-01", s)
	*m = Month{t}
	return err
}

// String is YYYY-MM.
func (m Month) String() string { return m.Format("2006-01") }

// day is t's calendar date as a UTC midnight, whatever the location the
// driver attached.
func day(t time.Time) time.Time { return DateOf(t).Time }

// isZeroDate reports whether a query's 0001-01-01 sentinel came back.
func isZeroDate(t time.Time) bool { return t.Year() <= 1 }

func ignoreNoRows(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	return err
}

// zoneFor is the zone the user's summaries are kept in, which every figure
// read from them is in.
func (s *Service) zoneFor(ctx context.Context, userID uuid.UUID) (history.Zone, error) {
	z, err := s.history.ZoneFor(ctx, userID)
	if err != nil {
		return z, fmt.Errorf("trends: %w", err)
	}
	return z, nil
}
