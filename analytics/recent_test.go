package analytics

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/spotify"
)

func TestRecentlyPlayed(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	play := func(id string, ago time.Duration) spotify.PlayHistory {
		return spotify.PlayHistory{Track: newTrack(id), PlayedAt: now.Add(-ago)}
	}
	var sixty []spotify.PlayHistory
	for i := range 60 {
		sixty = append(sixty, play(fmt.Sprint(i), time.Duration(i)*time.Minute))
	}
	tests := []struct {
		name  string
		items []spotify.PlayHistory
		want  string // id@when, newest first
		count int
	}{
		{"nil", nil, "", 0},
		{"newest first, even when given out of order", []spotify.PlayHistory{
			play("old", 50*time.Hour), play("new", 30*time.Second), play("mid", 3*time.Hour),
		}, "new@just now mid@3 hours ago old@2 days ago", 3},
		{"a replay is a new play", []spotify.PlayHistory{play("a", time.Minute), play("a", 5*time.Minute)},
			"a@1 minute ago a@5 minutes ago", 2},
		{"the same play from two pages shows once", []spotify.PlayHistory{play("a", time.Minute), play("b", time.Minute), play("a", time.Minute)},
			"a@1 minute ago b@1 minute ago", 2},
		{"last 50 only", sixty, "", 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RecentlyPlayed(tt.items, now)
			if got == nil || len(got) != tt.count {
				t.Fatalf("got %d plays (%v), want %d", len(got), got == nil, tt.count)
			}
			if tt.want == "" {
				return
			}
			parts := make([]string, len(got))
			for i, p := range got {
				parts[i] = p.ID + "@" + p.When
			}
			if s := strings.Join(parts, " "); s != tt.want {
				t.Errorf("got  %s\nwant %s", s, tt.want)
			}
		})
	}
}

func TestRecentlyPlayedFields(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	items := []spotify.PlayHistory{
		{Track: newTrack("a", by("x", "y"), lasting(181_000)), PlayedAt: now.Add(-10 * time.Minute), Context: &spotify.Context{Type: "playlist"}},
		{Track: newTrack("b"), PlayedAt: now.Add(-20 * time.Minute)},
	}
	got := RecentlyPlayed(items, now)
	want := RecentPlay{PlayedAt: items[0].PlayedAt, When: "10 minutes ago", ID: "a", Name: "Song a", Artists: "Artist x, Artist y",
		Album: "Album a", AlbumImage: "300/a", Duration: "3:01", ContextType: "playlist", SpotifyURL: "https://open.spotify.com/track/a"}
	if got[0] != want {
		t.Errorf("got  %+v\nwant %+v", got[0], want)
	}
	if got[1].ContextType != "" {
		t.Errorf("play without context has ContextType %q", got[1].ContextType)
	}
	if items[0].Track.ID != "a" || items[1].Track.ID != "b" {
		t.Error("RecentlyPlayed reordered the caller's slice")
	}
}
