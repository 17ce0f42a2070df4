package analytics

import (
	"slices"
	"strconv"

	"github.com/euterpe-dev/euterpe/spotify"
)

// YearCount is a bar of the release-year histogram.
type YearCount struct {
	Year  int `json:"year"`
	Count int `json:"count"`
}

// DecadeCount is a bar of the per-decade chart.
type DecadeCount struct {
	Decade int    `json:"decade"` // first year: 1980
	Label  string `json:"label"`  // "1980s"
	Count  int    `json:"count"`
}

// YearRange is the span of release years.
type YearRange struct {
	Min int `json:"min"`
	Max int `json:"max"`
}

// ReleaseYearsReport is the release-year-trends panel.
type ReleaseYearsReport struct {
	// Years is sparse: only years with at least one track, oldest first. A
	// top-50 list can span a century, and a contiguous histogram of mostly
	// zero bars says less than Decades, which is contiguous.
	Years []YearCount `json:"data"`
	// Decades runs from the oldest track's decade to the newest's with no
	// gaps, zeros included, so the chart's axis is even.
	Decades []DecadeCount `json:"decades"`
	// TotalTracks counts tracks with a known year; UnknownDate those without
	// one (a "0000" or malformed release date), which are in no bar.
	TotalTracks int `json:"total_tracks"`
	UnknownDate int `json:"unknown_date"`
	// Range and Peak are nil when no track has a known year. The peak is the
	// year with most tracks; on a tie, the most recent such year.
	Range *YearRange `json:"year_range"`
	Peak  *YearCount `json:"peak_year"`
}

// ReleaseYearTrends counts the top tracks by their album's release year. Every
// precision has a year, so year-, month- and day-precision dates all count.
func ReleaseYearTrends(tracks []spotify.Track) ReleaseYearsReport {
	years, unknown := releaseYears(tracks)
	report := ReleaseYearsReport{
		Years:       []YearCount{},
		Decades:     []DecadeCount{},
		TotalTracks: len(years),
		UnknownDate: unknown,
	}
	if len(years) == 0 {
		return report
	}
	for _, y := range years {
		if n := len(report.Years); n > 0 && report.Years[n-1].Year == y {
			report.Years[n-1].Count++
		} else {
			report.Years = append(report.Years, YearCount{Year: y, Count: 1})
		}
	}
	peak := report.Years[0]
	for _, yc := range report.Years[1:] {
		if yc.Count >= peak.Count { // >=: ties go to the later year
			peak = yc
		}
	}
	report.Peak = &peak
	report.Range = &YearRange{Min: years[0], Max: years[len(years)-1]}
	report.Decades = decadeCounts(years)
	return report
}

// releaseYears returns the known release years of the distinct tracks,
// sorted, and how many tracks had none.
func releaseYears(tracks []spotify.Track) (years []int, unknown int) {
	years = make([]int, 0, len(tracks))
	r := newRanker(len(tracks))
	for i := range tracks {
		if r.rank(tracks[i].ID) == 0 {
			continue
		}
		d, err := tracks[i].Album.Released()
		if err != nil {
			unknown++
			continue
		}
		years = append(years, d.Year)
	}
	slices.Sort(years)
	return years, unknown
}

// decadeCounts buckets sorted years into contiguous decades.
func decadeCounts(sortedYears []int) []DecadeCount {
	if len(sortedYears) == 0 {
		return []DecadeCount{}
	}
	first := decadeOf(sortedYears[0])
	last := decadeOf(sortedYears[len(sortedYears)-1])
	decades := make([]DecadeCount, 0, (last-first)/10+1)
	for d := first; d <= last; d += 10 {
		decades = append(decades, DecadeCount{Decade: d, Label: strconv.Itoa(d) + "s"})
	}
	for _, y := range sortedYears {
		decades[(decadeOf(y)-first)/10].Count++
	}
	return decades
}

func decadeOf(year int) int { return year - year%10 }

// topDecade is the decade with most tracks, the most recent on a tie; nil
// when there are none.
func topDecade(decades []DecadeCount) *DecadeCount {
	var best *DecadeCount
	for i := range decades {
		if decades[i].Count > 0 && (best == nil || decades[i].Count >= best.Count) {
			best = &decades[i]
		}
	}
	return best
}
