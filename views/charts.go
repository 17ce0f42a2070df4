package views

import (
	"strconv"
	"strings"

	"github.com/euterpe-dev/euterpe/analytics"
)

// The charts are SVG drawn on the server. Their geometry is computed here, in
// Go, so that the templates only place ready-made rectangles. The SVGs carry
// no text: text inside a viewBox scales with the chart and is unreadable on a
// phone, so labels and numbers live in HTML next to them.

// chartBar is one rectangle of a chart, in viewBox units.
type chartBar struct {
	X, Y, W, H string
	Title      string // the native tooltip: "1994: 3 songs"
	Class      string
}

// num writes a coordinate with at most two decimals.
func num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// The release-year histogram's viewBox.
const (
	histWidth  = 600
	histHeight = 160
	// histMaxYears is the widest span drawn year by year; a wider one is
	// drawn by decade, since bars under 4 units wide stop being readable.
	histMaxYears = 150
)

type yearChart struct {
	Bars     []chartBar
	Grid     []string // x of each decade boundary inside the span
	From, To string   // the axis ends, "1967" and "2025"
	ByDecade bool
}

// releaseYearChart draws one bar per year from the oldest to the newest
// release year (years without a song stay empty, so gaps show), or one bar
// per decade when the span is too wide.
func releaseYearChart(y analytics.ReleaseYearsReport) yearChart {
	var c yearChart
	if y.Range == nil || len(y.Years) == 0 {
		return c
	}
	c.From, c.To = itoa(y.Range.Min), itoa(y.Range.Max)
	peakYear := 0
	if y.Peak != nil {
		peakYear = y.Peak.Year
	}
	span := y.Range.Max - y.Range.Min + 1
	if span > histMaxYears && len(y.Decades) > 0 {
		c.ByDecade = true
		c.From, c.To = y.Decades[0].Label, y.Decades[len(y.Decades)-1].Label
		maxCount := 0
		for _, d := range y.Decades {
			maxCount = max(maxCount, d.Count)
		}
		slot := float64(histWidth) / float64(len(y.Decades))
		for i, d := range y.Decades {
			if d.Count == 0 {
				continue
			}
			class := "bar"
			if peakYear/10*10 == d.Decade {
				class = "bar bar--peak"
			}
			c.Bars = append(c.Bars, vbar(float64(i)*slot, slot, d.Count, maxCount, d.Label+": "+analytics.Count(d.Count, "song", "songs"), class))
		}
		return c
	}
	maxCount := 0
	for _, yc := range y.Years {
		maxCount = max(maxCount, yc.Count)
	}
	slot := float64(histWidth) / float64(span)
	for _, yc := range y.Years {
		class := "bar"
		if yc.Year == peakYear {
			class = "bar bar--peak"
		}
		c.Bars = append(c.Bars, vbar(float64(yc.Year-y.Range.Min)*slot, slot, yc.Count, maxCount, itoa(yc.Year)+": "+analytics.Count(yc.Count, "song", "songs"), class))
	}
	for d := (y.Range.Min/10 + 1) * 10; d <= y.Range.Max; d += 10 {
		c.Grid = append(c.Grid, num(float64(d-y.Range.Min)*slot))
	}
	return c
}

// vbar is a bar standing on the histogram's baseline in a slot starting at x.
func vbar(x, slot float64, n, maxCount int, title, class string) chartBar {
	w := min(slot*0.8, 48)
	if slot < 3 {
		w = slot // no room for a gap
	}
	h := float64(histHeight-4) * float64(n) / float64(max(maxCount, 1))
	h = max(h, 3)
	return chartBar{
		X: num(x + (slot-w)/2), Y: num(histHeight - h), W: num(w), H: num(h),
		Title: title, Class: class,
	}
}

// The seasons chart's viewBox: five equal slots, which the HTML legend
// under it repeats as five equal columns.
const (
	seasonsWidth  = 500
	seasonsHeight = 150
)

func seasonBars(s analytics.SeasonsReport) []chartBar {
	maxCount := 0
	for _, season := range s.Seasons {
		maxCount = max(maxCount, season.TrackCount)
	}
	slot := float64(seasonsWidth) / float64(max(len(s.Seasons), 1))
	bars := make([]chartBar, 0, len(s.Seasons))
	for i, season := range s.Seasons {
		if season.TrackCount == 0 {
			continue
		}
		w := slot * 0.56
		h := max(float64(seasonsHeight-4)*float64(season.TrackCount)/float64(max(maxCount, 1)), 3)
		bars = append(bars, chartBar{
			X: num(float64(i)*slot + (slot-w)/2), Y: num(seasonsHeight - h), W: num(w), H: num(h),
			Title: season.Season + ": " + analytics.Count(season.TrackCount, "song", "songs"),
			Class: "bar bar--" + seasonClass(season.Season),
		})
	}
	return bars
}

func seasonClass(season string) string {
	switch season {
	case analytics.Winter:
		return "winter"
	case analytics.Spring:
		return "spring"
	case analytics.Summer:
		return "summer"
	case analytics.Autumn:
		return "autumn"
	}
	return "unknown"
}

// share is n as a percentage of the largest value, for the horizontal bars.
func share(n, largest int) string {
	if largest <= 0 || n <= 0 {
		return "0"
	}
	return num(100 * float64(n) / float64(largest))
}

func largestGenreCount(gs []analytics.GenreCount) int {
	m := 0
	for _, g := range gs {
		m = max(m, g.Count)
	}
	return m
}

// yearsSummary is the chart's caption and the SVG's description.
func yearsSummary(y analytics.ReleaseYearsReport) string {
	var b strings.Builder
	if y.Range != nil {
		b.WriteString(analytics.Count(y.TotalTracks, "song", "songs"))
		if y.Range.Min == y.Range.Max {
			b.WriteString(" from " + itoa(y.Range.Min))
		} else {
			b.WriteString(" released " + itoa(y.Range.Min) + "–" + itoa(y.Range.Max))
		}
		if y.Peak != nil {
			b.WriteString("; peak year " + itoa(y.Peak.Year) + " with " + analytics.Count(y.Peak.Count, "song", "songs"))
		}
		b.WriteString(".")
	}
	if y.UnknownDate > 0 {
		if b.Len() > 0 {
			b.WriteString(" ")
		}
		b.WriteString(analytics.Count(y.UnknownDate, "song has", "songs have") + " no usable release date and " + isOrAre(y.UnknownDate) + " not in the chart.")
	}
	return b.String()
}

func isOrAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// seasonsSummary describes the seasons chart in words.
func seasonsSummary(s analytics.SeasonsReport) string {
	parts := make([]string, 0, len(s.Seasons))
	for _, season := range s.Seasons {
		parts = append(parts, season.Season+" "+itoa(season.TrackCount))
	}
	return "Songs by the season of their release: " + strings.Join(parts, ", ") + "."
}
