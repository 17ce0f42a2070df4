package clock

import (
	"testing"
	"time"
)

func TestScaled(t *testing.T) {
	anchor := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	wall := anchor
	c := Scaled{Speed: 1440, Start: start, Anchor: anchor, wall: func() time.Time { return wall }}
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("at the anchor: %s", got)
	}
	wall = anchor.Add(time.Minute)
	if got := c.Now(); !got.Equal(start.Add(24 * time.Hour)) {
		t.Fatalf("a wall minute later: %s, want a day later", got)
	}
	if got := c.Real(24 * time.Hour); got != time.Minute {
		t.Fatalf("Real(24h) = %s", got)
	}
	parsed, err := Parse(c.String())
	if err != nil {
		t.Fatal(err)
	}
	p := parsed.(Scaled)
	if p.Speed != 1440 || !p.Start.Equal(start) || !p.Anchor.Equal(anchor) {
		t.Fatalf("round trip: %+v", p)
	}
}

func TestParse(t *testing.T) {
	if c, err := Parse(""); err != nil || c != (System{}) {
		t.Fatalf("empty spec: %v %v", c, err)
	}
	for _, bad := range []string{"1440", "x,2026-11-01T00:00:00Z,2026-11-01T00:00:00Z", "0.5x,2026-11-01T00:00:00Z,2026-11-01T00:00:00Z",
		"10x,yesterday,2026-11-01T00:00:00Z", "10x,2026-11-01T00:00:00Z", "10x,2026-11-01T00:00:00Z,soon", "1e9x,2026-11-01T00:00:00Z,2026-11-01T00:00:00Z"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}
