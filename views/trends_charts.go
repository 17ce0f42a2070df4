package views

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/euterpe-dev/euterpe/analytics"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/trends"
)

// The charts of trends and the year in review, like charts.go's: geometry
// here, in viewBox units; text in HTML beside them, and each has a
// sentence and a table saying what it shows.

// ---- The bump chart ----

const (
	bumpWidth  = 600
	bumpHeight = 260
	bumpPad    = 12
	// bumpDepth is the deepest rank drawn at least (the top 10), and
	// bumpMaxDepth the deepest at all: a line below it breaks off.
	bumpDepth    = 10
	bumpMaxDepth = 20
)

// bumpLine is one item's line: a polyline per stretch in the chart, and a
// dot where it ends.
type bumpLine struct {
	Segments   []string
	Class      string
	Title      string
	EndX, EndY string
	Ended      bool // the line reaches the latest day
}

type bumpGeometry struct {
	Width, Height string
	Lines         []bumpLine
	Grid          []string // y of the ranks 1, 5, 10, … (guides)
	Depth         int
	From, To      string
	Summary       string
}

// bumpRows are the chart's table: a row an item.
type bumpRow struct {
	Now             int
	Name, URL       string
	Week, Month     string // the rank a week and a month before, "—" when out of the list
	Best            string // "#1 on 3 Nov"
	Days, Snapshots int
	Class           string
}

func rankOrDash(r int) string {
	if r == 0 {
		return "—"
	}
	return "#" + itoa(r)
}

func bumpChart(c trends.BumpChart) bumpGeometry {
	g := bumpGeometry{Width: itoa(bumpWidth), Height: itoa(bumpHeight), Depth: bumpDepth}
	n := len(c.Days)
	if n == 0 || len(c.Lines) == 0 {
		return g
	}
	for _, l := range c.Lines {
		for _, r := range l.Ranks {
			if r > g.Depth {
				g.Depth = min(r, bumpMaxDepth)
			}
		}
	}
	x := func(i int) float64 {
		if n == 1 {
			return bumpWidth / 2
		}
		return bumpPad + float64(i)*(bumpWidth-2*bumpPad)/float64(n-1)
	}
	y := func(rank int) float64 {
		return bumpPad + float64(rank-1)*(bumpHeight-2*bumpPad)/float64(g.Depth-1)
	}
	for r := 1; r <= g.Depth; r++ {
		if r == 1 || r%5 == 0 {
			g.Grid = append(g.Grid, num(y(r)))
		}
	}
	g.From, g.To = c.Days[0].Format("2 Jan 2006"), c.Days[n-1].Format("2 Jan 2006")
	for i, l := range c.Lines {
		bl := bumpLine{Class: "bump-line bump-" + itoa(i%10), Title: l.Name}
		var seg []string
		flush := func() {
			if len(seg) == 1 { // a single day: a dot's worth of line
				seg = append(seg, seg[0])
			}
			if len(seg) > 0 {
				bl.Segments = append(bl.Segments, strings.Join(seg, " "))
			}
			seg = nil
		}
		for d, r := range l.Ranks {
			if r == 0 || r > g.Depth {
				flush()
				continue
			}
			seg = append(seg, num(x(d))+","+num(y(r)))
		}
		flush()
		if last := l.Ranks[n-1]; last > 0 && last <= g.Depth {
			bl.EndX, bl.EndY, bl.Ended = num(x(n-1)), num(y(last)), true
		}
		g.Lines = append(g.Lines, bl)
	}
	g.Summary = bumpSummary(c)
	return g
}

func bumpSummary(c trends.BumpChart) string {
	n := len(c.Days)
	what := "artists"
	if c.Kind == trends.TopTracks {
		what = "tracks"
	}
	s := fmt.Sprintf("The rank of your top %d %s in %s snapshots from %s to %s.", len(c.Lines), what,
		itoa(n), c.Days[0].Format("2 January 2006"), c.Days[n-1].Format("2 January 2006"))
	if n < 2 {
		return s + " Come back tomorrow to see them move."
	}
	// The biggest climb: from the line's first rank in the chart (or from
	// outside it) to its rank now.
	best, climb := -1, 0
	for i, l := range c.Lines {
		first := 0
		for _, r := range l.Ranks {
			if r > 0 {
				first = r
				break
			}
		}
		if first == 0 {
			continue
		}
		if d := first - l.Now(); d > climb {
			best, climb = i, d
		}
	}
	s += " Now first: " + c.Lines[0].Name + "."
	if best >= 0 {
		l := c.Lines[best]
		s += fmt.Sprintf(" The biggest climb: %s, up %s to #%d.", l.Name, analytics.Count(climb, "place", "places"), l.Now())
	}
	return s
}

func bumpRows(c trends.BumpChart) []bumpRow {
	var out []bumpRow
	for i, l := range c.Lines {
		row := bumpRow{Now: l.Now(), Name: l.Name, URL: l.URL, Days: l.InList, Snapshots: len(c.Days), Class: "swatch bump-" + itoa(i%10),
			Week: "—", Month: "—", Best: "—"}
		if r, _, ok := c.RankDaysBefore(l, 7); ok {
			row.Week = rankOrDash(r)
		}
		if r, _, ok := c.RankDaysBefore(l, 30); ok {
			row.Month = rankOrDash(r)
		}
		if l.Best > 0 {
			row.Best = "#" + itoa(l.Best) + " on " + l.BestOn.Format("2 Jan 2006")
		}
		out = append(out, row)
	}
	return out
}

// ---- Bars by month ----

// monthTotalBars draws a bar a month of minutes; peak is the month marked.
func monthTotalBars(months []trends.MonthTotal, peak time.Time, what string) monthChart {
	c, best, most := barsByMonth(months, func(m trends.MonthTotal) (time.Time, int64) { return m.Month.Time, m.Minutes },
		func(m trends.MonthTotal) (string, string) {
			class := "bar"
			if m.Month.Equal(peak) {
				class = "bar bar--peak"
			}
			return m.Month.Format("January 2006") + ": " + minutesLabel(m.Minutes) + ", " + analytics.Count(int(m.Plays), "play", "plays"), class
		})
	switch {
	case len(months) == 0:
	case most == 0:
		c.Summary = "No " + what + " yet."
	default:
		c.Summary = fmt.Sprintf("Minutes listened per month from %s to %s; the most, %s, in %s.", c.From, c.To,
			minutesLabel(best.Minutes), best.Month.Format("January 2006"))
	}
	return c
}

// discoveryBars draws the artists discovered each month; the first month,
// when everything is new to Euterpe, is marked.
func discoveryBars(d trends.Discovery) monthChart {
	var c monthChart
	if len(d.Months) == 0 {
		return c
	}
	c.From, c.To = d.Months[0].Month.Format("Jan 2006"), d.Months[len(d.Months)-1].Month.Format("Jan 2006")
	var most int64
	var best trends.DiscoveryMonth
	for i, m := range d.Months {
		if i > 0 && m.Discovered > most {
			most, best = m.Discovered, m
		}
	}
	top := most
	if len(d.Months) > 0 {
		top = max(top, d.Months[0].Discovered)
	}
	slot := float64(histWidth) / float64(len(d.Months))
	for i, m := range d.Months {
		if m.Discovered == 0 {
			continue
		}
		class := "bar"
		title := m.Month.Format("January 2006") + ": " + analytics.Count(int(m.Discovered), "new artist", "new artists") +
			" of " + itoa(int(m.Artists))
		if i == 0 {
			class, title = "bar bar--start", title+" (your history starts)"
		}
		c.Bars = append(c.Bars, vbar(float64(i)*slot, slot, int(m.Discovered), int(top), title, class))
	}
	if most == 0 {
		c.Summary = fmt.Sprintf("Your history starts in %s: every artist was new to Euterpe then, and none has been since.", d.Starts.Format("January 2006"))
		return c
	}
	c.Summary = fmt.Sprintf("Artists heard for the first time, per month, from %s to %s (your history starts in %s, when every artist counts as new). The most since: %s, in %s.",
		c.From, c.To, d.Starts.Format("January 2006"), analytics.Count(int(best.Discovered), "new artist", "new artists"),
		best.Month.Format("January 2006"))
	return c
}

func percent(f float64) string { return strconv.Itoa(int(math.Round(f*100))) + "%" }

// ---- The stacked area of shares ----

const (
	shareWidth  = 600
	shareHeight = 200
)

type areaBand struct{ Path, Class, Title string }

type shareGeometry struct {
	Width, Height string
	Bands         []areaBand
	From, To      string
	Summary       string
}

func shareChart(s trends.ArtistShare) shareGeometry {
	g := shareGeometry{Width: itoa(shareWidth), Height: itoa(shareHeight)}
	n := len(s.Months)
	if n == 0 || len(s.Artists) == 0 {
		return g
	}
	g.From, g.To = s.Months[0].Month.Format("Jan 2006"), s.Months[n-1].Month.Format("Jan 2006")
	xs := make([]float64, n)
	for i := range xs {
		if n == 1 {
			xs[i] = 0
		} else {
			xs[i] = float64(i) * shareWidth / float64(n-1)
		}
	}
	if n == 1 {
		xs = []float64{0, shareWidth}
	}
	months := s.Months
	if n == 1 {
		months = []trends.ShareMonth{s.Months[0], s.Months[0]}
	}
	below := make([]float64, len(months))
	band := func(values func(m trends.ShareMonth) float64, class, title string) {
		above := make([]float64, len(months))
		var b strings.Builder
		for i, m := range months {
			above[i] = below[i] + values(m)
			fmt.Fprintf(&b, "%s%s,%s ", map[bool]string{true: "M", false: "L"}[i == 0], num(xs[i]), num(shareHeight*(1-above[i])))
		}
		for i := len(months) - 1; i >= 0; i-- {
			fmt.Fprintf(&b, "L%s,%s ", num(xs[i]), num(shareHeight*(1-below[i])))
		}
		b.WriteString("Z")
		g.Bands = append(g.Bands, areaBand{Path: b.String(), Class: class, Title: title})
		below = above
	}
	for j, a := range s.Artists {
		band(func(m trends.ShareMonth) float64 { return m.Shares[j] }, "share-band bump-"+itoa(j%10), a.Name)
	}
	band(func(m trends.ShareMonth) float64 { return m.Other }, "share-band share-other", "Everyone else")
	// The summary: whose share was largest, and when.
	bestArtist, bestMonth, bestShare := 0, 0, -1.0
	for i, m := range s.Months {
		for j, v := range m.Shares {
			if v > bestShare {
				bestArtist, bestMonth, bestShare = j, i, v
			}
		}
	}
	names := make([]string, len(s.Artists))
	for i, a := range s.Artists {
		names[i] = a.Name
	}
	g.Summary = fmt.Sprintf("The share of each month's listening time of your top %d artists of all time (%s), from %s to %s. The largest: %s, %s of %s.",
		len(s.Artists), strings.Join(names, ", "), g.From, g.To, s.Artists[bestArtist].Name, percent(bestShare),
		s.Months[bestMonth].Month.Format("January 2006"))
	return g
}

// ---- The year ----

// yearHeadline is the year's title: "2025 in music", "2026 so far".
func yearHeadline(y trends.Year) string {
	if y.SoFar {
		return itoa(y.Year) + " so far"
	}
	return itoa(y.Year) + " in music"
}

func yearSpan(y trends.Year) string {
	if y.SoFar {
		return "From 1 January to " + y.To.Format("2 January") + ", " + analytics.Count(y.Days, "day", "days") + " · times in " + y.Zone
	}
	return "1 January to 31 December " + itoa(y.Year) + " · times in " + y.Zone
}

func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 0 || len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteString(",")
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

func hoursLabel(minutes int64) string {
	h := analytics.Hours(minutes)
	if h < 2 {
		return minutesLabel(minutes)
	}
	return groupDigits(h) + " hours"
}

func streakWords(s trends.Streak) string {
	if s.Days == 0 {
		return "—"
	}
	if s.Days == 1 {
		return "1 day, " + s.From.Format("2 January")
	}
	return analytics.Count(s.Days, "day", "days") + ", " + s.From.Format("2 January") + " to " + s.To.Format("2 January")
}

func topItemsOrEmpty(items []history.TopItem) bool { return len(items) > 0 }

// yearMonthBars are the year's months as bars of minutes, the top month
// marked.
func yearMonthBars(y trends.Year) monthChart {
	var peak time.Time
	if y.TopMonth != nil {
		peak = y.TopMonth.Month.Time
	}
	c := monthTotalBars(y.Months, peak, "listening this year")
	if y.TopMonth != nil {
		c.Summary = fmt.Sprintf("Minutes per month in %d; the month with the most plays: %s, %s.", y.Year,
			y.TopMonth.Month.Format("January"), analytics.Count(int(y.TopMonth.Plays), "play", "plays"))
	}
	return c
}

// kindName is the column heading of a top list's items.
func kindName(k trends.ItemKind) string {
	if k == trends.TopTracks {
		return "Track"
	}
	return "Artist"
}

// peakMonth is the month with the most minutes.
func peakMonth(months []trends.MonthTotal) time.Time {
	var best trends.MonthTotal
	for _, m := range months {
		if m.Minutes > best.Minutes {
			best = m
		}
	}
	return best.Month.Time
}

// pluralWord is one or many, without the number.
func pluralWord(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// withFormat is a view's URL asking for a file: ?format=csv or json.
func withFormat(u, format string) string {
	if strings.Contains(u, "?") {
		return u + "&format=" + format
	}
	return u + "?format=" + format
}
