// Package clock is the time the app lives in. In production it is the
// machine's clock. A simulation (the multi-process tests, make bench's
// simulated day) runs the app and the simulated Spotify on one shared,
// faster clock, so a day of listening and polling passes in a minute: every
// process is given the same Spec, and reads the same simulated time from it.
package clock

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Clock tells the time. Real turns a span of clock time into the wall-clock
// time it takes, for timers.
type Clock interface {
	Now() time.Time
	Real(d time.Duration) time.Duration
}

// System is the machine's clock.
type System struct{}

// Now is time.Now.
func (System) Now() time.Time { return time.Now() }

// Real is d: a system clock runs at wall-clock speed.
func (System) Real(d time.Duration) time.Duration { return d }

// Scaled runs Speed times faster than the wall clock: at the wall-clock
// instant Anchor it reads Start.
type Scaled struct {
	Speed  float64
	Start  time.Time
	Anchor time.Time
	// wall is the wall clock; nil is time.Now.
	wall func() time.Time
}

// Now is Start plus Speed times the wall-clock time since Anchor.
func (s Scaled) Now() time.Time {
	wall := time.Now
	if s.wall != nil {
		wall = s.wall
	}
	return s.Start.Add(time.Duration(float64(wall().Sub(s.Anchor)) * s.Speed))
}

// Real is d divided by Speed.
func (s Scaled) Real(d time.Duration) time.Duration {
	return time.Duration(float64(d) / s.Speed)
}

// String is the Spec that Parse reads back.
func (s Scaled) String() string {
	return fmt.Sprintf("%sx,%s,%s", strconv.FormatFloat(s.Speed, 'f', -1, 64),
		s.Start.UTC().Format(time.RFC3339Nano), s.Anchor.UTC().Format(time.RFC3339Nano))
}

// Parse reads a clock spec: "" is the system clock; "SPEEDx,START,ANCHOR"
// (e.g. "1440x,2026-11-01T00:00:00Z,2026-11-28T10:00:00.5Z") is a clock
// running SPEED times faster than the wall clock that reads START at the
// wall-clock instant ANCHOR (RFC 3339). Processes given the same spec agree
// on the time to within their machines' clock skew times SPEED.
func Parse(spec string) (Clock, error) {
	if strings.TrimSpace(spec) == "" {
		return System{}, nil
	}
	parts := strings.Split(spec, ",")
	if len(parts) != 3 || !strings.HasSuffix(parts[0], "x") {
		return nil, errors.New(`must be "SPEEDx,START,ANCHOR", e.g. "1440x,2026-11-01T00:00:00Z,2026-11-28T10:00:00Z"`)
	}
	speed, err := strconv.ParseFloat(strings.TrimSuffix(parts[0], "x"), 64)
	if err != nil || speed < 1 || speed > 100000 {
		return nil, fmt.Errorf("speed must be a number from 1 to 100000, got %q", parts[0])
	}
	start, err := time.Parse(time.RFC3339Nano, parts[1])
	if err != nil {
		return nil, fmt.Errorf("start is not an RFC 3339 time: %q", parts[1])
	}
	anchor, err := time.Parse(time.RFC3339Nano, parts[2])
	if err != nil {
		return nil, fmt.Errorf("anchor is not an RFC 3339 time: %q", parts[2])
	}
	return Scaled{Speed: speed, Start: start, Anchor: anchor}, nil
}
