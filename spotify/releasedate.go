package spotify

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// DatePrecision says how much of a release date Spotify knows.
type DatePrecision string

// The values of release_date_precision.
const (
	PrecisionYear  DatePrecision = "year"
	PrecisionMonth DatePrecision = "month"
	PrecisionDay   DatePrecision = "day"
)

// ErrNoReleaseYear means a release date carries no usable year: it is empty,
// malformed, or Spotify's "0000" placeholder for an unknown date.
var ErrNoReleaseYear = errors.New("spotify: release date has no year")

// ReleaseDate is an album's release date with the parts Spotify knows; a part
// it does not know is 0.
type ReleaseDate struct {
	Year      int           `json:"year"`
	Month     int           `json:"month"` // 1–12, or 0 when unknown
	Day       int           `json:"day"`   // 1–31, or 0 when unknown
	Precision DatePrecision `json:"precision"`
}

// ParseReleaseDate reads an album's release_date and release_date_precision.
//
// Catalogue data is messy and one bad album must not cost a whole chart, so the
// parser keeps what it can: the date is read as far as it is well formed
// ("1999-13-40" gives the year 1999, "2001-02-29" gives February 2001), and the
// declared precision only ever removes parts ("1981-12-15" declared "year" is
// 1981). A missing or unknown precision is taken from the shape of the date.
// Only a date without a year between 1 and 9999 is an error (ErrNoReleaseYear).
func ParseReleaseDate(date, precision string) (ReleaseDate, error) {
	year, ok := fourDigits(date)
	if !ok || year == 0 || (len(date) > 4 && date[4] != '-') {
		return ReleaseDate{}, fmt.Errorf("%w: %q", ErrNoReleaseYear, truncate(date, 20))
	}
	d := ReleaseDate{Year: year, Precision: PrecisionYear}
	if maxPrecision(precision) != PrecisionYear && len(date) > 4 {
		rest := date[5:]
		if month, ok := twoDigits(rest); ok && month >= 1 && month <= 12 && (len(rest) == 2 || rest[2] == '-') {
			d.Month, d.Precision = month, PrecisionMonth
			if maxPrecision(precision) == PrecisionDay && len(rest) > 2 {
				day, ok := twoDigits(rest[3:])
				if ok && len(rest) == 5 && day >= 1 && day <= daysIn(year, month) {
					d.Day, d.Precision = day, PrecisionDay
				}
			}
		}
	}
	return d, nil
}

// String formats the date back in Spotify's form for its precision.
func (d ReleaseDate) String() string {
	switch d.Precision {
	case PrecisionDay:
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
	case PrecisionMonth:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	}
	return fmt.Sprintf("%04d", d.Year)
}

// Decade is the first year of the date's decade: 1987 → 1980.
func (d ReleaseDate) Decade() int { return d.Year - d.Year%10 }

// maxPrecision turns the declared precision into the finest precision to read;
// an unknown or missing value means "as much as the date has". Recordings
// from older API versions use upper case, hence EqualFold.
func maxPrecision(declared string) DatePrecision {
	switch {
	case strings.EqualFold(declared, string(PrecisionYear)):
		return PrecisionYear
	case strings.EqualFold(declared, string(PrecisionMonth)):
		return PrecisionMonth
	}
	return PrecisionDay
}

func fourDigits(s string) (int, bool) {
	if len(s) < 4 {
		return 0, false
	}
	n := 0
	for i := range 4 {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func twoDigits(s string) (int, bool) {
	if len(s) < 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return 0, false
	}
	return int(s[0]-'0')*10 + int(s[1]-'0'), true
}

// daysIn uses time.Date's normalisation: day 0 of the next month is the last
// day of this one, leap years included.
func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// truncate keeps error messages short when the input is garbage.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
