package history

import (
	"errors"
	"fmt"
	"net/url"
	"time"
)

// MaxSpanYears bounds a custom range: longer than any listening history.
const MaxSpanYears = 20

// dateLayout is how dates appear in URLs and JSON.
const dateLayout = "2006-01-02"

// Period names a preset range.
type Period string

// The presets of the History page, in the order it offers them.
const (
	Today      Period = "today"
	ThisWeek   Period = "this_week" // Monday to today
	ThisMonth  Period = "this_month"
	ThisYear   Period = "this_year"
	Last365    Period = "last_365_days"
	AllTime    Period = "all_time"
	CustomSpan Period = "" // ?from=&to=
)

// Periods lists the presets in page order.
func Periods() []Period { return []Period{Today, ThisWeek, ThisMonth, ThisYear, Last365, AllTime} }

// DefaultPeriod is what /history shows without parameters.
const DefaultPeriod = AllTime

// Label is how the page names a preset.
func (p Period) Label() string {
	switch p {
	case Today:
		return "Today"
	case ThisWeek:
		return "This week"
	case ThisMonth:
		return "This month"
	case ThisYear:
		return "This year"
	case Last365:
		return "Last 365 days"
	case AllTime:
		return "All time"
	}
	return "Custom"
}

// Span is a range of whole days, From to To inclusive, in a time zone. Dates
// are midnights in UTC standing for calendar days; Loc says whose days.
type Span struct {
	From, To time.Time
	Loc      *time.Location
	Period   Period // the preset it came from, or CustomSpan
}

// ParamError is a bad query parameter; Param names it and the message says
// what is wrong, fit to show.
type ParamError struct {
	Param, Message string
}

func (e *ParamError) Error() string { return e.Param + ": " + e.Message }

// ErrNoSuchItem means an item page names a track, artist or album that does
// not exist.
var ErrNoSuchItem = errors.New("history: no such item")

// day is the calendar date of t in its location, as a UTC midnight.
func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ParseSpan reads ?period= or ?from=&to= (YYYY-MM-DD, inclusive) for a user
// in loc. now is the present; firstDay is the first day of their history
// (zero when they have none), which all_time starts on.
func ParseSpan(q url.Values, loc *time.Location, now time.Time, firstDay time.Time) (Span, error) {
	today := day(now.In(loc))
	from, to := q.Get("from"), q.Get("to")
	if from != "" || to != "" {
		if q.Has("period") {
			return Span{}, &ParamError{"period", "give either a period or from and to, not both"}
		}
		f, err := parseDate("from", from)
		if err != nil {
			return Span{}, err
		}
		t, err := parseDate("to", to)
		if err != nil {
			return Span{}, err
		}
		if t.Before(f) {
			return Span{}, &ParamError{"to", fmt.Sprintf("%s is before from (%s)", to, from)}
		}
		if !t.Before(f.AddDate(MaxSpanYears, 0, 0)) {
			return Span{}, &ParamError{"to", fmt.Sprintf("a range may span at most %d years", MaxSpanYears)}
		}
		return Span{From: f, To: t, Loc: loc, Period: CustomSpan}, nil
	}
	p := Period(q.Get("period"))
	if !q.Has("period") {
		p = DefaultPeriod
	}
	s := Span{To: today, Loc: loc, Period: p}
	switch p {
	case Today:
		s.From = today
	case ThisWeek:
		s.From = today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
	case ThisMonth:
		s.From = today.AddDate(0, 0, 1-today.Day())
	case ThisYear:
		s.From = time.Date(today.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	case Last365:
		s.From = today.AddDate(0, 0, -364)
	case AllTime:
		s.From = today
		if !firstDay.IsZero() && firstDay.Before(today) {
			s.From = day(firstDay)
		}
	default:
		return Span{}, &ParamError{"period", "must be one of today, this_week, this_month, this_year, last_365_days, all_time"}
	}
	return s, nil
}

func parseDate(param, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, &ParamError{param, "is missing: give both from and to as YYYY-MM-DD"}
	}
	t, err := time.Parse(dateLayout, v)
	if err != nil {
		return time.Time{}, &ParamError{param, "must be a date written YYYY-MM-DD"}
	}
	if t.Year() < 1900 {
		return time.Time{}, &ParamError{param, "must be in 1900 or later"}
	}
	return t, nil
}

// Query is the span as URL parameters: the preset when it is one, else from
// and to.
func (s Span) Query() url.Values {
	if s.Period != CustomSpan {
		return url.Values{"period": {string(s.Period)}}
	}
	return url.Values{"from": {s.From.Format(dateLayout)}, "to": {s.To.Format(dateLayout)}}
}

// Start and End are the instants the span covers: [Start, End).
func (s Span) Start() time.Time { return midnight(s.From, s.Loc) }

// End is the midnight after the span's last day.
func (s Span) End() time.Time { return midnight(s.To.AddDate(0, 0, 1), s.Loc) }

// Days is how many days the span has.
func (s Span) Days() int { return int(s.To.Sub(s.From)/(24*time.Hour)) + 1 }

// midnight is the instant day d begins in loc. Where the clocks jump over
// midnight (America/Santiago in September), the day begins when they land;
// time.Date would give an hour of the day before.
func midnight(d time.Time, loc *time.Location) time.Time {
	t := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	if t.Day() != d.Day() {
		_, t = t.ZoneBounds()
	}
	return t
}

// Parts is how a span is read: whole years and whole months from the
// summaries, and the days left over from the plays themselves. An empty
// date piece has From after To; an empty instant piece has From not before
// To.
type Parts struct {
	WholeHistory       bool // the span covers every play: read the all-time totals
	YearsFrom, YearsTo time.Time
	Months             [2][2]time.Time
	Raw                [2][2]time.Time // instants, [from, to)
}

// Split cuts the span into Parts. first and last are the first and last
// days with plays (zero when there are none): a span covering both is the
// whole history.
func (s Span) Split(first, last time.Time) Parts {
	var p Parts
	none := [2]time.Time{time.Unix(1, 0).UTC(), time.Unix(0, 0).UTC()} // from after to
	p.YearsFrom, p.YearsTo = none[0], none[1]
	p.Months = [2][2]time.Time{none, none}
	p.Raw = [2][2]time.Time{none, none}
	if !first.IsZero() && !s.From.After(first) && !s.To.Before(last) {
		p.WholeHistory = true
		return p
	}

	f, t := s.From, s.To
	firstYear, lastYear := f.Year(), t.Year()
	if f.YearDay() != 1 {
		firstYear++
	}
	if t.Month() != 12 || t.Day() != 31 {
		lastYear--
	}
	var segments [][2]time.Time
	if firstYear <= lastYear {
		p.YearsFrom = time.Date(firstYear, 1, 1, 0, 0, 0, 0, time.UTC)
		p.YearsTo = time.Date(lastYear, 1, 1, 0, 0, 0, 0, time.UTC)
		if left := p.YearsFrom.AddDate(0, 0, -1); !left.Before(f) {
			segments = append(segments, [2]time.Time{f, left})
		}
		if right := p.YearsTo.AddDate(1, 0, 0); !right.After(t) {
			segments = append(segments, [2]time.Time{right, t})
		}
	} else {
		segments = append(segments, [2]time.Time{f, t})
	}

	raw := 0
	addRaw := func(a, b time.Time) {
		if b.Before(a) {
			return
		}
		p.Raw[raw] = [2]time.Time{midnight(a, s.Loc), midnight(b.AddDate(0, 0, 1), s.Loc)}
		raw++
	}
	for i, seg := range segments {
		a, b := seg[0], seg[1]
		firstMonth := time.Date(a.Year(), a.Month(), 1, 0, 0, 0, 0, time.UTC)
		if a.Day() != 1 {
			firstMonth = firstMonth.AddDate(0, 1, 0)
		}
		lastMonth := time.Date(b.Year(), b.Month(), 1, 0, 0, 0, 0, time.UTC)
		if b.AddDate(0, 0, 1).Month() == b.Month() { // b is not the month's last day
			lastMonth = lastMonth.AddDate(0, -1, 0)
		}
		if lastMonth.Before(firstMonth) {
			addRaw(a, b)
			continue
		}
		p.Months[i] = [2]time.Time{firstMonth, lastMonth}
		addRaw(a, firstMonth.AddDate(0, 0, -1))
		addRaw(lastMonth.AddDate(0, 1, 0), b)
	}
	return p
}
