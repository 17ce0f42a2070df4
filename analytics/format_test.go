package analytics

import (
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/spotify"
)

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
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
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

func TestCalendarDaysAcrossDaylightSaving(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	// The night of 7–8 March 2026 is 23 hours long in New York.
	a := time.Date(2026, 3, 7, 0, 30, 0, 0, ny)
	b := time.Date(2026, 3, 9, 0, 10, 0, 0, ny)
	if got := calendarDaysBetween(a, b); got != 2 {
		t.Errorf("calendarDaysBetween = %d, want 2", got)
	}
}
