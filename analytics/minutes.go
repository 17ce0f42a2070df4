package analytics

import "time"

// Euterpe has one rule for turning listening time into minutes and hours,
// used by every page, panel, export and JSON answer: round to the nearest
// (half up), as a person reading "36 h 56 min" expects, and never truncate.
// Sums are made in milliseconds first and rounded once, so a total is the
// rounded sum, not the sum of rounded parts.

// Minutes is ms milliseconds in whole minutes, rounded to the nearest.
func Minutes(ms int64) int64 {
	if ms < 0 {
		return -Minutes(-ms)
	}
	return (ms + 30_000) / 60_000
}

// DurationMinutes is d in whole minutes, rounded to the nearest.
func DurationMinutes(d time.Duration) int64 { return Minutes(d.Milliseconds()) }

// Hours is minutes in whole hours, rounded to the nearest.
func Hours(minutes int64) int64 {
	if minutes < 0 {
		return -Hours(-minutes)
	}
	return (minutes + 30) / 60
}
