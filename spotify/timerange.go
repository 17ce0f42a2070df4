package spotify

import (
	"errors"
	"fmt"
)

// TimeRange is the time_range parameter of the top-items endpoints.
type TimeRange string

// The three ranges Spotify computes top items over. Spotify's own default is
// MediumTerm; Euterpe's handlers choose theirs explicitly.
const (
	ShortTerm  TimeRange = "short_term"  // about the last 4 weeks
	MediumTerm TimeRange = "medium_term" // about the last 6 months
	LongTerm   TimeRange = "long_term"   // about the last year
)

// ErrUnknownTimeRange is wrapped by ParseTimeRange, so that handlers can answer
// 400 with errors.Is; the message names the allowed values.
var ErrUnknownTimeRange = errors.New("spotify: unknown time range")

// TimeRanges returns the ranges from shortest to longest, the order of a range
// switcher. It is a new slice on every call, so callers may keep or change it.
func TimeRanges() []TimeRange {
	return []TimeRange{ShortTerm, MediumTerm, LongTerm}
}

// ParseTimeRange accepts exactly the values Spotify accepts. The empty string
// is refused too: which range a missing parameter means is the caller's
// choice, not this parser's. The error does not echo s, so a handler can show
// it to the client as it is.
func ParseTimeRange(s string) (TimeRange, error) {
	if r := TimeRange(s); r.Valid() {
		return r, nil
	}
	return "", fmt.Errorf("%w: allowed values are short_term, medium_term and long_term", ErrUnknownTimeRange)
}

// Label is the range as the dashboard names it.
func (r TimeRange) Label() string {
	switch r {
	case ShortTerm:
		return "Last 4 weeks"
	case MediumTerm:
		return "Last 6 months"
	case LongTerm:
		return "Last year"
	}
	return string(r)
}

// Valid reports whether r is one of the three ranges Spotify knows.
func (r TimeRange) Valid() bool {
	return r == ShortTerm || r == MediumTerm || r == LongTerm
}
