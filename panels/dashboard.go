package panels

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/trends"
	"github.com/euterpe-dev/euterpe/upstream"
	"github.com/euterpe-dev/euterpe/views"
)

// DefaultRange is the range of a user who never chose one: the last four
// weeks, the freshest picture.
const DefaultRange = spotify.ShortTerm

// encodedTTL bounds how long an encoded JSON answer outlives the Spotify
// responses it was computed from.
const encodedTTL = 30 * time.Second

// Service is the dashboard's: what its panels fetch with (Input), their
// JSON, its page, and each user's favourite range. It is safe for
// concurrent use.
type Service struct {
	log       *slog.Logger
	source    *upstream.Source
	queries   *db.Queries
	snapshots *trends.Snapshots
	now       func() time.Time
}

// New builds the service. now is the clock (nil: time.Now).
func New(log *slog.Logger, source *upstream.Source, q *db.Queries, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{log: log, source: source, queries: q, snapshots: trends.NewSnapshots(q, now), now: now}
}

// Input is what a dashboard panel is asked for by l over r, with what to
// fetch it with.
func (s *Service) Input(l upstream.Listener, r spotify.TimeRange) DashboardInput {
	return DashboardInput{Listener: l, Range: r, env: loadEnv{log: s.log, source: s.source, snapshots: s.snapshots, now: s.now}}
}

// JSON is p's data encoded as the earlier version's endpoint answered it
// (newline included). The encoding is kept for a short while per user, so a
// script polling an endpoint costs one lookup, not an analytic and an
// encoding.
func (s *Service) JSON(ctx context.Context, p Panel[DashboardInput], l upstream.Listener, r spotify.TimeRange) ([]byte, error) {
	return upstream.FetchFor(ctx, s.source.Cache(), l.UserID, "json"+p.JSONPath+"?"+string(r), encodedTTL,
		func(ctx context.Context) ([]byte, error) {
			data, err := p.Load(ctx, s.Input(l, r))
			if err != nil {
				return nil, err
			}
			b, err := json.Marshal(data)
			if err != nil {
				return nil, fmt.Errorf("dashboard: encode %s: %w", p.ID, err)
			}
			return append(b, '\n'), nil
		})
}

// Page is the dashboard page for range r: the range switch and every panel;
// its year in review is the current year in loc, the user's zone.
func (s *Service) Page(r spotify.TimeRange, loc *time.Location) views.DashboardData {
	d := views.DashboardData{Range: r, Year: s.now().In(loc).Year()}
	for _, tr := range spotify.TimeRanges() {
		d.Ranges = append(d.Ranges, views.Link{Label: tr.Label(), URL: "/?range=" + string(tr), Current: tr == r})
	}
	d.Panels = dashboardPanels.Refs(DashboardInput{Range: r})
	return d
}

// RangeFor is the range a user's dashboard shows: requested when given (and
// then remembered as the favourite), else the favourite, else DefaultRange;
// and the user's zone (UTC when none is known). A requested value that is
// not a range is an error wrapping spotify.ErrUnknownTimeRange. Failing to
// read or save the preferences never fails the page; it is logged.
func (s *Service) RangeFor(ctx context.Context, userID uuid.UUID, requested string) (spotify.TimeRange, *time.Location, error) {
	var requestedRange spotify.TimeRange
	if requested != "" {
		tr, err := spotify.ParseTimeRange(requested)
		if err != nil {
			return "", nil, err
		}
		requestedRange = tr
	}
	tr, loc := DefaultRange, time.UTC
	prefs, err := s.queries.GetFavoriteRange(ctx, userID)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		s.log.WarnContext(ctx, "could not read dashboard preferences", "user_id", userID, "err", err)
	default:
		if fav, err := spotify.ParseTimeRange(prefs.FavoriteRange); err == nil {
			tr = fav
		}
		if l, err := time.LoadLocation(prefs.SummaryTimeZone); err == nil {
			loc = l
		}
	}
	if requestedRange == "" {
		return tr, loc, nil
	}
	if requestedRange != tr {
		if err := s.queries.SetFavoriteRange(ctx, db.SetFavoriteRangeParams{UserID: userID, FavoriteRange: string(requestedRange)}); err != nil {
			s.log.WarnContext(ctx, "could not save favourite range", "user_id", userID, "err", err)
		}
	}
	return requestedRange, loc, nil
}
