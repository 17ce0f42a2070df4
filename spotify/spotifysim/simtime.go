package spotifysim

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"time"
)

// maxAdvance bounds one step of POST /_sim/clock/advance: a year and a bit
// is more than any test needs, and keeps a typo from throwing the clock
// centuries ahead.
const maxAdvance = 400 * 24 * time.Hour

// now is the simulator's time: the configured clock plus whatever the control
// API has advanced it by. Tokens, codes and listening all live in it.
func (s *Server) now() time.Time { return s.clockNow().Add(time.Duration(s.offset.Load())) }

// Now is the simulator's time: Config.Clock (or Config.Now) plus every
// AdvanceClock so far.
func (s *Server) Now() time.Time { return s.now() }

// AdvanceClock moves the simulator's time forward by d (positive, at most
// 400 days) and returns the new time. Tokens expire and listeners go on
// listening as if that time had passed.
func (s *Server) AdvanceClock(d time.Duration) (time.Time, error) {
	if d <= 0 || d > maxAdvance {
		return time.Time{}, fmt.Errorf("advance %s: must be positive and at most 400 days", d)
	}
	for {
		off := s.offset.Load()
		if off > math.MaxInt64-int64(d) {
			return time.Time{}, fmt.Errorf("advance %s: the clock cannot be advanced that far in total", d)
		}
		if s.offset.CompareAndSwap(off, off+int64(d)) {
			return s.now(), nil
		}
	}
}

type clockJSON struct {
	Now string `json:"now"`
}

func clockAnswer(t time.Time) clockJSON { return clockJSON{Now: t.UTC().Format(time.RFC3339Nano)} }

// controlClock is GET /_sim/clock.
func (s *Server) controlClock(w http.ResponseWriter, r *http.Request) {
	writeControlJSON(w, http.StatusOK, clockAnswer(s.now()))
}

// controlAdvanceClock is POST /_sim/clock/advance {"by":"2h30m"}.
func (s *Server) controlAdvanceClock(w http.ResponseWriter, r *http.Request) {
	var req struct {
		By string `json:"by"`
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		controlError(w, http.StatusBadRequest, `invalid request: want {"by":"DURATION"}: `+err.Error())
		return
	}
	d, err := time.ParseDuration(req.By)
	if err != nil {
		controlError(w, http.StatusBadRequest, fmt.Sprintf(`by %q is not a Go duration such as "2h30m"`, req.By))
		return
	}
	now, err := s.AdvanceClock(d)
	if err != nil {
		controlError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeControlJSON(w, http.StatusOK, clockAnswer(now))
}
