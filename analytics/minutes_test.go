package analytics

import (
	"testing"
	"time"
)

func TestMinutesRoundToTheNearest(t *testing.T) {
	for _, c := range []struct {
		ms   int64
		want int64
	}{
		{0, 0}, {29_999, 0}, {30_000, 1}, {59_999, 1}, {60_000, 1}, {89_999, 1}, {90_000, 2},
		{5_800_000, 97}, // 96 min 40 s: truncating would say 96
		{-90_000, -2},
	} {
		if got := Minutes(c.ms); got != c.want {
			t.Errorf("Minutes(%d) = %d, want %d", c.ms, got, c.want)
		}
	}
	if got := DurationMinutes(2*time.Minute + 31*time.Second); got != 3 {
		t.Errorf("DurationMinutes(2m31s) = %d, want 3", got)
	}
	for _, c := range []struct{ minutes, want int64 }{{29, 0}, {30, 1}, {89, 1}, {90, 2}, {179, 3}} {
		if got := Hours(c.minutes); got != c.want {
			t.Errorf("Hours(%d) = %d, want %d", c.minutes, got, c.want)
		}
	}
}
