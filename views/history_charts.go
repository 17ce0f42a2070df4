package views

import (
	"fmt"
	"strconv"
	"time"

	"github.com/euterpe-dev/euterpe/analytics"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/imports"
)

// itoa64 writes an int64.
func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// dateValue is a date for an <input type="date">.
func dateValue(t time.Time) string { return t.Format("2006-01-02") }

func rfc3339(t time.Time) string { return t.Format(time.RFC3339) }

// longDate is "28 Nov 2026".
func longDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format("2 Jan 2006")
}

// clockTime is the time of day of t in zone, with the date when it is not
// today there.
func clockTime(t time.Time, zone string) string {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2 Jan, 15:04")
}

// spanBlurb is the line under the History heading: "All time · 3 Mar 2024 –
// 28 Nov 2026".
func spanBlurb(s history.Span) string {
	days := longDate(s.From)
	if !s.To.Equal(s.From) {
		days += " – " + longDate(s.To)
	}
	return s.Period.Label() + " · " + days
}

// minutesLabel is "47 min" or "12 h 5 min".
func minutesLabel(m int64) string {
	if m < 60 {
		return itoa64(m) + " min"
	}
	if m%60 == 0 {
		return itoa64(m/60) + " h"
	}
	return itoa64(m/60) + " h " + itoa64(m%60) + " min"
}

// durationLabel is a session's length.
func durationLabel(d time.Duration) string { return minutesLabel(analytics.DurationMinutes(d)) }

// perDay is "34 plays a day", averaged over the span's days.
func perDay(n int64, days int, one, many string) string {
	if days <= 1 {
		return ""
	}
	avg := float64(n) / float64(days)
	if avg >= 10 {
		return analytics.Count(int(avg+0.5), one, many) + " a day"
	}
	return strconv.FormatFloat(avg, 'f', 1, 64) + " " + many + " a day"
}

func topSubtitle(l history.TopList) string {
	if l.InRange == 0 {
		return ""
	}
	what := map[history.Kind][2]string{
		history.Tracks: {"track", "tracks"}, history.Artists: {"artist", "artists"}, history.Albums: {"album", "albums"},
	}[l.Kind]
	return analytics.Count(int(l.InRange), what[0], what[1]) + " played"
}

func kindLabel(k history.Kind) string {
	switch k {
	case history.Artists:
		return "Artist"
	case history.Albums:
		return "Album"
	}
	return "Track"
}

// sessionWhen is "Sat 28 Nov, 21:04".
func sessionWhen(s history.Session) string { return s.Start.Format("Mon 2 Jan 2006, 15:04") }

// heatClass buckets a count into the five shades of the heatmaps.
func heatClass(n, maxN int64) string {
	if n == 0 || maxN == 0 {
		return "heat-0"
	}
	level := 1 + int(3*float64(n)/float64(maxN)+0.5)
	return "heat-" + strconv.Itoa(min(level, 4))
}

// grid is a heatmap: cells in viewBox units and a sentence saying what it
// shows, its text alternative.
type grid struct {
	Width, Height string
	Cells         []chartBar
	Summary       string
}

// The calendar: one column per week (Monday first), one row per weekday.
const (
	calCell = 11
	calGap  = 2
)

// calendarGrid lays out a year of days, GitHub-style.
func calendarGrid(c history.Calendar) grid {
	var g grid
	if len(c.Days) == 0 {
		return g
	}
	first := c.Days[0].Date
	offset := (int(first.Weekday()) + 6) % 7 // Monday = 0
	var busiest history.Day
	var played, total int64
	for i, d := range c.Days {
		slot := i + offset
		col, row := slot/7, slot%7
		g.Cells = append(g.Cells, chartBar{
			X: itoa(col * (calCell + calGap)), Y: itoa(row * (calCell + calGap)),
			W: itoa(calCell), H: itoa(calCell),
			Title: d.Date.Format("Mon 2 Jan 2006") + ": " + analytics.Count(int(d.Plays), "play", "plays"),
			Class: heatClass(d.Plays, c.Max),
		})
		if d.Plays > busiest.Plays {
			busiest = d
		}
		if d.Plays > 0 {
			played++
		}
		total += d.Plays
	}
	weeks := (len(c.Days)+offset+6)/7 + 0
	g.Width, g.Height = itoa(weeks*(calCell+calGap)-calGap), itoa(7*(calCell+calGap)-calGap)
	if total == 0 {
		g.Summary = "No plays " + calendarWhen(c) + "."
		return g
	}
	g.Summary = fmt.Sprintf("%s on %s %s; the busiest was %s with %s.",
		analytics.Count(int(total), "play", "plays"), analytics.Count(int(played), "day", "days"), calendarWhen(c),
		busiest.Date.Format("Monday 2 January"), analytics.Count(int(busiest.Plays), "play", "plays"))
	return g
}

// calendarWhen is what a calendar covers: "in 2026", or a span's days.
func calendarWhen(c history.Calendar) string {
	switch {
	case c.From.IsZero():
		return "in " + itoa(c.Year)
	case c.From.Equal(c.To):
		return "on " + longDate(c.From)
	}
	return "from " + longDate(c.From) + " to " + longDate(c.To)
}

// The clock: 24 columns of hours, 7 rows of weekdays.
const clockCell = 20

var weekdays = [7]string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}

func clockGrid(c history.Clock) grid {
	g := grid{Width: itoa(24*clockCell - 2), Height: itoa(7*clockCell - 2)}
	for w := range 7 {
		for h := range 24 {
			n := c.Plays[w][h]
			g.Cells = append(g.Cells, chartBar{
				X: itoa(h * clockCell), Y: itoa(w * clockCell), W: itoa(clockCell - 2), H: itoa(clockCell - 2),
				Title: fmt.Sprintf("%s %02d:00–%02d:59: %s", weekdays[w], h, h, analytics.Count(int(n), "play", "plays")),
				Class: heatClass(n, c.Max),
			})
		}
	}
	g.Summary = "You listen most " + clockPeaks(c, "")
	return g
}

// clockPeaks says when c is busiest: "on Fridays and around 21:00<zone>;
// the busiest hour of the week is Friday 22:00 with 9 plays." The first of
// equals wins (Monday, midnight).
func clockPeaks(c history.Clock, zone string) string {
	var days [7]int64
	var hours [24]int64
	bestDay, bestHour := 0, 0
	for w := range 7 {
		for h := range 24 {
			days[w] += c.Plays[w][h]
			hours[h] += c.Plays[w][h]
			if c.Plays[w][h] > c.Plays[bestDay][bestHour] {
				bestDay, bestHour = w, h
			}
		}
	}
	topDay, topHour := 0, 0
	for w := range 7 {
		if days[w] > days[topDay] {
			topDay = w
		}
	}
	for h := range 24 {
		if hours[h] > hours[topHour] {
			topHour = h
		}
	}
	return fmt.Sprintf("on %ss and around %02d:00%s; the busiest hour of the week is %s %02d:00 with %s.",
		weekdays[topDay], topHour, zone, weekdays[bestDay], bestHour, analytics.Count(int(c.Plays[bestDay][bestHour]), "play", "plays"))
}

// monthChart is an item's plays per month as bars.
type monthChart struct {
	Bars     []chartBar
	From, To string
	Summary  string
}

func monthBars(months []history.Month) monthChart {
	c, best, _ := barsByMonth(months, func(m history.Month) (time.Time, int64) { return m.Month, int64(m.Plays) },
		func(m history.Month) (string, string) {
			return m.Month.Format("January 2006") + ": " + analytics.Count(int(m.Plays), "play", "plays"), "bar"
		})
	if len(months) > 0 {
		c.Summary = fmt.Sprintf("Plays per month from %s to %s; the most, %s, in %s.", c.From, c.To,
			analytics.Count(int(best.Plays), "play", "plays"), best.Month.Format("January 2006"))
	}
	return c
}

// barsByMonth lays out a bar a month, sized by each month's value (months
// without any have no bar), each titled and classed by label; it returns
// the month with the most too, and that value.
func barsByMonth[T any](months []T, value func(T) (time.Time, int64), label func(T) (title, class string)) (c monthChart, best T, most int64) {
	if len(months) == 0 {
		return c, best, 0
	}
	first, _ := value(months[0])
	last, _ := value(months[len(months)-1])
	c.From, c.To = first.Format("Jan 2006"), last.Format("Jan 2006")
	best = months[0]
	for _, m := range months {
		if _, v := value(m); v > most {
			most, best = v, m
		}
	}
	slot := float64(histWidth) / float64(len(months))
	for i, m := range months {
		if _, v := value(m); v != 0 {
			title, class := label(m)
			c.Bars = append(c.Bars, vbar(float64(i)*slot, slot, int(v), int(most), title, class))
		}
	}
	return c, best, most
}

// importStateLabel says where an import is: its state, with how far a
// running one got and what a finished one added.
func importStateLabel(im imports.Import) string {
	switch im.State {
	case imports.Running:
		return im.State.Label() + ", " + itoa(im.Percent()) + "%"
	case imports.Done:
		return analytics.Count(int(im.PlaysAdded), "play", "plays") + " added"
	}
	return im.State.Label()
}

// importSpan is "Your plays from 3 Mar 2015 to 28 Nov 2026."
func importSpan(im imports.Import) string {
	if im.FirstPlayed == nil || im.LastPlayed == nil {
		return "There were no plays in it."
	}
	return "Your listening from " + longDate(*im.FirstPlayed) + " to " + longDate(*im.LastPlayed) + "."
}

// durationWords is "3 minutes", "40 seconds".
func durationWords(d time.Duration) string {
	if d < time.Minute {
		return analytics.Count(int(d/time.Second), "second", "seconds")
	}
	return analytics.Count(int(analytics.DurationMinutes(d)), "minute", "minutes")
}
