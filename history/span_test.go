package history

import (
	"errors"
	"math/rand/v2"
	"net/url"
	"testing"
	"time"
	_ "time/tzdata" // the tests' zones, on machines without a zone database
)

func date(s string) time.Time {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseSpanPresets(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	// 23:30 UTC on Sunday 2026-11-29 is already Monday the 30th in Paris.
	now := time.Date(2026, 11, 29, 23, 30, 0, 0, time.UTC)
	first := date("2024-03-05")
	for _, c := range []struct {
		query, from, to string
		period          Period
	}{
		{"", "2024-03-05", "2026-11-30", AllTime},
		{"period=today", "2026-11-30", "2026-11-30", Today},
		{"period=this_week", "2026-11-30", "2026-11-30", ThisWeek}, // a Monday
		{"period=this_month", "2026-11-01", "2026-11-30", ThisMonth},
		{"period=this_year", "2026-01-01", "2026-11-30", ThisYear},
		{"period=last_365_days", "2025-12-01", "2026-11-30", Last365},
		{"from=2025-02-01&to=2025-02-28", "2025-02-01", "2025-02-28", CustomSpan},
	} {
		q, _ := url.ParseQuery(c.query)
		s, err := ParseSpan(q, paris, now, first)
		if err != nil {
			t.Errorf("%q: %v", c.query, err)
			continue
		}
		if got := s.From.Format(dateLayout) + ".." + s.To.Format(dateLayout); got != c.from+".."+c.to || s.Period != c.period {
			t.Errorf("%q: %s %q, want %s..%s %q", c.query, got, s.Period, c.from, c.to, c.period)
		}
	}
	// A Wednesday's week starts on Monday.
	s, _ := ParseSpan(url.Values{"period": {"this_week"}}, time.UTC, date("2026-11-25"), time.Time{})
	if s.From != date("2026-11-23") {
		t.Errorf("this week from a Wednesday starts %s", s.From)
	}
	// No history: all time is today.
	s, _ = ParseSpan(url.Values{}, time.UTC, date("2026-11-25"), time.Time{})
	if s.From != s.To {
		t.Errorf("all time without history: %s..%s", s.From, s.To)
	}
	// The span's instants are the user's midnights.
	s, _ = ParseSpan(url.Values{"period": {"today"}}, paris, now, first)
	if !s.Start().Equal(time.Date(2026, 11, 29, 23, 0, 0, 0, time.UTC)) || !s.End().Equal(time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC)) {
		t.Errorf("today in Paris: %s – %s", s.Start(), s.End())
	}
}

func TestParseSpanRefusals(t *testing.T) {
	for _, c := range []struct{ query, param string }{
		{"from=2026-01-01", "to"},
		{"to=2026-01-01", "from"},
		{"from=2026-13-01&to=2026-12-01", "from"},
		{"from=yesterday&to=2026-12-01", "from"},
		{"from=2026-02-01&to=2026-01-31", "to"},
		{"from=2000-01-01&to=2020-01-01", "to"},
		{"from=1850-01-01&to=1851-01-01", "from"},
		{"period=forever", "period"},
		{"period=", "period"},
		{"period=today&from=2026-01-01&to=2026-01-02", "period"},
	} {
		q, _ := url.ParseQuery(c.query)
		_, err := ParseSpan(q, time.UTC, date("2026-11-25"), time.Time{})
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Param != c.param || pe.Message == "" {
			t.Errorf("%q: %v, want an error about %s", c.query, err, c.param)
		}
	}
	// 20 years less a day is allowed.
	q, _ := url.ParseQuery("from=2000-01-02&to=2020-01-01")
	if _, err := ParseSpan(q, time.UTC, date("2026-11-25"), time.Time{}); err != nil {
		t.Errorf("a span just under 20 years: %v", err)
	}
}

// TestSplitCoversEveryDayOnce checks Split against counting: for many spans,
// every day of the span is read exactly once — in a whole year, a whole
// month, or a stretch of raw days — and no day outside it is read.
func TestSplitCoversEveryDayOnce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	base := date("2015-01-01")
	for i := range 3000 {
		f := base.AddDate(0, 0, r.IntN(4000))
		to := f.AddDate(0, 0, r.IntN(1500))
		if i%10 == 0 {
			to = f // single days
		}
		s := Span{From: f, To: to, Loc: tokyo}
		p := s.Split(time.Time{}, time.Time{})
		if p.WholeHistory {
			t.Fatal("whole history without history")
		}
		count := map[time.Time]int{}
		for y := p.YearsFrom; !y.After(p.YearsTo); y = y.AddDate(1, 0, 0) {
			for d := y; d.Year() == y.Year(); d = d.AddDate(0, 0, 1) {
				count[d]++
			}
		}
		for _, m := range p.Months {
			for mo := m[0]; !mo.After(m[1]); mo = mo.AddDate(0, 1, 0) {
				for d := mo; d.Month() == mo.Month(); d = d.AddDate(0, 0, 1) {
					count[d]++
				}
			}
		}
		for _, rw := range p.Raw {
			for inst := rw[0]; inst.Before(rw[1]); inst = inst.Add(time.Hour) {
				count[day(inst.In(tokyo))]++
			}
		}
		for d := f; !d.After(to); d = d.AddDate(0, 0, 1) {
			n := count[d]
			// Raw days are counted once per hour.
			if n != 1 && n != 24 {
				t.Fatalf("%s..%s: day %s read %d times (parts %+v)", f.Format(dateLayout), to.Format(dateLayout), d.Format(dateLayout), n, p)
			}
			delete(count, d)
		}
		if len(count) > 0 {
			t.Fatalf("%s..%s: %d days outside the span read (parts %+v)", f.Format(dateLayout), to.Format(dateLayout), len(count), p)
		}
	}
}

func TestSplitWholeHistory(t *testing.T) {
	s := Span{From: date("2020-01-01"), To: date("2026-11-25"), Loc: time.UTC}
	if !s.Split(date("2021-03-04"), date("2026-11-20")).WholeHistory {
		t.Error("a span around every play is not the whole history")
	}
	if s.Split(date("2019-12-31"), date("2026-11-20")).WholeHistory {
		t.Error("a span missing the first day is the whole history")
	}
}
