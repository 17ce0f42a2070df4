package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/google/uuid"

	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/trends"
)

// demoSnapshotDays is how many past days of top-list snapshots the demo
// starts with, as if the daily snapshot job had run all along: enough to
// compare with a month before, and to draw two months of ranks.
const demoSnapshotDays = 60

// seedDemoSnapshots stores a listener's snapshots of the demoSnapshotDays
// days before today (UTC, the zone of a listener who never sent one): the
// lists Spotify would have answered on each day, which the simulator
// computes for any date (GET /_sim/top). Today's is the job's to take. It
// is safe to run at every start: a list already stored is kept.
func seedDemoSnapshots(ctx context.Context, pool *database.Pool, simURL, listener string, userID uuid.UUID, now time.Time) error {
	svc := trends.NewService(pool, history.NewService(history.Options{Log: slog.New(slog.DiscardHandler), Pool: pool}), func() time.Time { return now })
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	var days []trends.DaySnapshot
	for back := demoSnapshotDays; back >= 1; back-- {
		day := today.AddDate(0, 0, -back)
		f, err := simTop(ctx, simURL, listener, day)
		if err != nil {
			return err
		}
		days = append(days, trends.DaySnapshot{Day: day, TakenAt: day.Add(12 * time.Hour), Fetched: f})
	}
	return svc.SaveSnapshots(ctx, userID, days)
}

// simTop reads GET /_sim/top: the listener's six lists on day.
func simTop(ctx context.Context, simURL, listener string, day time.Time) (trends.Fetched, error) {
	q := url.Values{"listener": {listener}, "date": {day.Format(time.DateOnly)}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, simURL+"/_sim/top?"+q.Encode(), nil)
	if err != nil {
		return trends.Fetched{}, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return trends.Fetched{}, fmt.Errorf("demo snapshots: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return trends.Fetched{}, fmt.Errorf("demo snapshots: the simulator answered %d for %s on %s", res.StatusCode, listener, day.Format(time.DateOnly))
	}
	var body struct {
		Tracks  map[spotify.TimeRange][]spotify.Track  `json:"tracks"`
		Artists map[spotify.TimeRange][]spotify.Artist `json:"artists"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		return trends.Fetched{}, fmt.Errorf("demo snapshots: %w", err)
	}
	return trends.Fetched{Tracks: body.Tracks, Artists: body.Artists}, nil
}
