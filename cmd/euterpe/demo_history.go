package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/spotify/spotifysim"
)

// demoHistoryDays is how much listening the demo starts with, as if the
// poller had been collecting for that long: Spotify keeps only the last 50
// plays, so nothing older could be collected on the day a listener signs in.
const demoHistoryDays = 30

// seedDemoHistory stores the last demoHistoryDays of each demo listener's
// plays, read from the simulator's control API (its record of what each
// listener played), under the Spotify id they sign in with, and the daily
// snapshots of their top lists (seedDemoSnapshots). It is safe to run at
// every start: a play already stored is not stored again.
func seedDemoHistory(ctx context.Context, dbURL, simURL string, now time.Time, listeners []spotifysim.Listener) (int, error) {
	pool, err := database.Open(ctx, dbURL, database.PoolOptions{MaxConns: 2})
	if err != nil {
		return 0, err
	}
	defer pool.Close()
	store := history.NewStore(pool)
	q := db.New(pool)
	total := 0
	for _, l := range listeners {
		u, err := q.UpsertUser(ctx, db.UpsertUserParams{SpotifyUserID: l.ID, DisplayName: l.DisplayName})
		if err != nil {
			return total, fmt.Errorf("demo history: %w", err)
		}
		items, err := simHistory(ctx, simURL, l.ID, now.AddDate(0, 0, -demoHistoryDays), now)
		if err != nil {
			return total, err
		}
		for chunk := range slices.Chunk(history.PlaysFromRecent(items), 2000) {
			rec, err := store.Record(ctx, u.ID, history.SourcePoll, chunk)
			if err != nil {
				return total, fmt.Errorf("demo history: %w", err)
			}
			total += rec.New
		}
		if err := seedDemoSnapshots(ctx, pool, simURL, l.ID, u.ID, now); err != nil {
			return total, err
		}
	}
	return total, nil
}

// simHistory reads GET /_sim/history for one listener.
func simHistory(ctx context.Context, simURL, listener string, from, to time.Time) ([]spotify.PlayHistory, error) {
	q := url.Values{"listener": {listener}, "after": {strconv.FormatInt(from.UnixMilli(), 10)}, "before": {strconv.FormatInt(to.UnixMilli(), 10)}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, simURL+"/_sim/history?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("demo history: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("demo history: the simulator answered %d for %s", res.StatusCode, listener)
	}
	var body struct {
		Items []spotify.PlayHistory `json:"items"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("demo history: %w", err)
	}
	return body.Items, nil
}
