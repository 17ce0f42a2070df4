package analytics

import (
	"testing"
	"time"
	// The zone database built into the test binary, so that the tests
	// below run (and can fail) on a machine without one; tests only, so
	// the server binary does not carry it.
	_ "time/tzdata"

	"github.com/euterpe-dev/euterpe/spotify"
)

// loadLocation fails the test, never skips it, when the zone is unknown.
func loadLocation(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("time zone %s: %v", name, err)
	}
	return loc
}

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		ms   int
		want string
	}{
		{0, "0:00"},
		{-5, "0:00"},
		{999, "0:00"},
		{1_000, "0:01"},
		{225_000, "3:45"},
		{239_999, "3:59"},
		{600_000, "10:00"},
		{3_599_999, "59:59"},
		{3_600_000, "1:00:00"},
		{3_723_000, "1:02:03"},
		{36_000_000 * 3, "30:00:00"},
	}
	for _, tt := range tests {
		if got := formatDuration(tt.ms); got != tt.want {
			t.Errorf("formatDuration(%d) = %q, want %q", tt.ms, got, tt.want)
		}
	}
}

func TestFormatListeningTime(t *testing.T) {
	tests := []struct {
		minutes int
		want    string
	}{
		{0, "0 min"}, {45, "45 min"}, {60, "1 h"}, {205, "3 h 25 min"},
	}
	for _, tt := range tests {
		if got := formatListeningTime(tt.minutes); got != tt.want {
			t.Errorf("formatListeningTime(%d) = %q, want %q", tt.minutes, got, tt.want)
		}
	}
}

func TestArtistNames(t *testing.T) {
	tests := []struct {
		artists []spotify.SimplifiedArtist
		want    string
	}{
		{nil, ""},
		{credit("a"), "Artist a"},
		{credit("a", "b", "c"), "Artist a, Artist b, Artist c"},
	}
	for _, tt := range tests {
		if got := artistNames(tt.artists); got != tt.want {
			t.Errorf("artistNames = %q, want %q", got, tt.want)
		}
	}
}

func TestRelativeTime(t *testing.T) {
	paris := loadLocation(t, "Europe/Paris")
	now := time.Date(2026, 3, 10, 14, 30, 0, 0, paris) // a Tuesday
	tests := []struct {
		name string
		t    time.Time
		want string
	}{
		{"zero time", time.Time{}, ""},
		{"future (clock skew)", now.Add(2 * time.Minute), "just now"},
		{"seconds ago", now.Add(-59 * time.Second), "just now"},
		{"one minute", now.Add(-time.Minute), "1 minute ago"},
		{"minutes", now.Add(-5*time.Minute - 10*time.Second), "5 minutes ago"},
		{"one hour", now.Add(-61 * time.Minute), "1 hour ago"},
		{"hours, even across midnight", now.Add(-23 * time.Hour), "23 hours ago"},
		{"24 hours: yesterday", now.Add(-24 * time.Hour), "yesterday"},
		{"two calendar days back", time.Date(2026, 3, 8, 23, 0, 0, 0, paris), "2 days ago"},
		{"in UTC, read in now's zone", time.Date(2026, 3, 8, 23, 30, 0, 0, time.UTC), "yesterday"},
		{"six days", now.AddDate(0, 0, -6), "6 days ago"},
		{"a week: the date", now.AddDate(0, 0, -7), "Mar 3"},
		{"last year: with the year", time.Date(2025, 12, 24, 20, 0, 0, 0, paris), "Dec 24, 2025"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := relativeTime(tt.t, now); got != tt.want {
				t.Errorf("relativeTime = %q, want %q", got, tt.want)
			}
		})
	}
}

// A day with a daylight-saving change is 23 or 25 hours long; calendar days
// are counted on the wall calendar all the same. Each case spans a real
// transition (the UTC offsets at its two ends differ) and is one where
// dividing the elapsed time by 24 hours gives another answer, so an
// implementation doing that fails here.
func TestCalendarDaysAcrossDaylightSaving(t *testing.T) {
	ny := loadLocation(t, "America/New_York")
	tests := []struct {
		name string
		a, b time.Time
		want int
	}{
		// Clocks go forward at 2:00 on Sunday 8 March 2026: that day has 23 hours.
		{"spring forward", time.Date(2026, 3, 7, 0, 30, 0, 0, ny), time.Date(2026, 3, 9, 0, 10, 0, 0, ny), 2},
		// Clocks go back at 2:00 on Sunday 1 November 2026: that day has 25 hours.
		{"fall back, same day", time.Date(2026, 11, 1, 0, 10, 0, 0, ny), time.Date(2026, 11, 1, 23, 50, 0, 0, ny), 0},
		{"fall back, next day", time.Date(2026, 10, 31, 23, 50, 0, 0, ny), time.Date(2026, 11, 2, 1, 20, 0, 0, ny), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, offA := tt.a.Zone()
			_, offB := tt.b.Zone()
			if offA == offB {
				t.Fatalf("%v and %v have the same UTC offset: no transition between them", tt.a, tt.b)
			}
			if naive := int(tt.b.Sub(tt.a) / (24 * time.Hour)); naive == tt.want {
				t.Fatalf("elapsed time alone gives %d too: the case does not tell the methods apart", naive)
			}
			if got := calendarDaysBetween(tt.a, tt.b); got != tt.want {
				t.Errorf("calendarDaysBetween(%v, %v) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
		})
	}

	// What the recently-played panel shows: Friday 23:50 seen early on
	// Monday, 47 hours 40 minutes later across the short Sunday, is three
	// calendar days ago, not "yesterday".
	now := time.Date(2026, 3, 9, 0, 30, 0, 0, ny)
	played := time.Date(2026, 3, 6, 23, 50, 0, 0, ny)
	if elapsed := now.Sub(played); elapsed >= 48*time.Hour {
		t.Fatalf("elapsed %v: the case does not cross the short day", elapsed)
	}
	if got := relativeTime(played, now); got != "3 days ago" {
		t.Errorf("relativeTime across the change = %q, want %q", got, "3 days ago")
	}
}
