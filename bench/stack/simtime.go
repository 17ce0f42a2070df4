package stack

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// The simulator's clock, its listeners' true plays and its request log:
// what a simulated day is checked against.

// Now is the simulator's time (GET /_sim/clock).
func (s *Sim) Now(ctx context.Context) (time.Time, error) {
	var c struct {
		Now time.Time `json:"now"`
	}
	err := s.control(ctx, http.MethodGet, "/_sim/clock", nil, &c)
	return c.Now, err
}

// SimPlay is one of a listener's true plays.
type SimPlay struct {
	TrackID  string
	PlayedAt time.Time
}

// History is the listener's plays with after < played_at <= before (GET
// /_sim/history; at most 400 days apart).
func (s *Sim) History(ctx context.Context, listener string, after, before time.Time) ([]SimPlay, error) {
	q := url.Values{"listener": {listener}, "after": {strconv.FormatInt(after.UnixMilli(), 10)},
		"before": {strconv.FormatInt(before.UnixMilli(), 10)}}
	var body struct {
		Items []struct {
			Track struct {
				ID string `json:"id"`
			} `json:"track"`
			PlayedAt time.Time `json:"played_at"`
		} `json:"items"`
	}
	if err := s.control(ctx, http.MethodGet, "/_sim/history?"+q.Encode(), nil, &body); err != nil {
		return nil, err
	}
	out := make([]SimPlay, len(body.Items))
	for i, it := range body.Items {
		out[i] = SimPlay{TrackID: it.Track.ID, PlayedAt: it.PlayedAt}
	}
	return out, nil
}

// LoggedRequest is an entry of the simulator's request log. Started and
// Ended are wall-clock times.
type LoggedRequest struct {
	Method   string    `json:"method"`
	Path     string    `json:"path"`
	Listener string    `json:"listener"` // whose access token made it; "" on the accounts service
	Status   int       `json:"status"`
	Started  time.Time `json:"started"`
	Ended    time.Time `json:"ended"`
}

// Log is the most recent Spotify requests (up to 10,000), those whose path
// starts with pathPrefix ("" = all) and, unless listener is "", of one
// listener (GET /_sim/log).
func (s *Sim) Log(ctx context.Context, pathPrefix, listener string) ([]LoggedRequest, error) {
	q := url.Values{}
	if pathPrefix != "" {
		q.Set("path_prefix", pathPrefix)
	}
	if listener != "" {
		q.Set("listener", listener)
	}
	var body struct {
		Requests []LoggedRequest `json:"requests"`
	}
	err := s.control(ctx, http.MethodGet, "/_sim/log?"+q.Encode(), nil, &body)
	return body.Requests, err
}
