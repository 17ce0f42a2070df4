package spotifysim

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/clock"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(*Config)
		wantErr string
	}{
		{"default", func(*Config) {}, ""},
		{"development", func(c *Config) { c.Mode = ModeDevelopment }, ""},
		{"no client id", func(c *Config) { c.ClientID = "" }, "client id"},
		{"no secret", func(c *Config) { c.ClientSecret = "" }, "client secret"},
		{"relative redirect", func(c *Config) { c.RedirectURI = "/callback" }, "redirect URI"},
		{"zero token TTL", func(c *Config) { c.TokenTTL = 0 }, "token TTL"},
		{"negative refresh TTL", func(c *Config) { c.RefreshTTL = -time.Second }, "refresh TTL"},
		{"negative latency", func(c *Config) { c.Latency = -time.Millisecond }, "latency"},
		{"bad mode", func(c *Config) { c.Mode = "production" }, "mode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.mutate(&c)
			err := c.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Validate = %v, want an error about %s", err, tt.wantErr)
			}
			if _, err := New(c); (err == nil) != (tt.wantErr == "") {
				t.Fatalf("New error = %v", err)
			}
		})
	}
}

func TestBindFlags(t *testing.T) {
	c := DefaultConfig()
	fs := flag.NewFlagSet("spotify-sim", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.BindFlags(fs)
	err := fs.Parse([]string{"--client-id=app", "--client-secret=s", "--redirect-uri=http://localhost:9/cb",
		"--token-ttl=90s", "--refresh-ttl=48h", "--rotate-refresh", "--latency=25ms", "--mode=development", "--seed=42"})
	if err != nil {
		t.Fatal(err)
	}
	want := Config{ClientID: "app", ClientSecret: "s", RedirectURI: "http://localhost:9/cb", TokenTTL: 90 * time.Second,
		RefreshTTL: 48 * time.Hour, RotateRefresh: true, Latency: 25 * time.Millisecond, Mode: ModeDevelopment, Seed: 42}
	if c.Now != nil {
		t.Fatal("BindFlags set a clock")
	}
	c.Now, want.Now = nil, nil
	if c.ClientID != want.ClientID || c.ClientSecret != want.ClientSecret || c.RedirectURI != want.RedirectURI ||
		c.TokenTTL != want.TokenTTL || c.RefreshTTL != want.RefreshTTL || c.RotateRefresh != want.RotateRefresh ||
		c.Latency != want.Latency || c.Mode != want.Mode || c.Seed != want.Seed {
		t.Fatalf("parsed %+v\nwant   %+v", c, want)
	}

	d := DefaultConfig()
	fs = flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	d.BindFlags(fs)
	if err := fs.Parse([]string{"--mode=production"}); err == nil {
		t.Fatal("--mode=production accepted")
	}
	if d.Mode != ModeExtended || d.TokenTTL != time.Hour || d.Seed != 1 {
		t.Fatalf("defaults changed: %+v", d)
	}
}

func TestClockFlag(t *testing.T) {
	const spec = "1440x,2026-11-01T00:00:00Z,2026-11-28T10:00:00.5Z"
	c := DefaultConfig()
	fs := flag.NewFlagSet("spotify-sim", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.BindFlags(fs)
	if c.Clock != nil || fs.Lookup("clock").Value.String() != "" {
		t.Fatal("without --clock the clock is not the system clock")
	}
	if err := fs.Parse([]string{"--clock=" + spec}); err != nil {
		t.Fatal(err)
	}
	sc, ok := c.Clock.(clock.Scaled)
	if !ok || sc.Speed != 1440 || fs.Lookup("clock").Value.String() != spec {
		t.Fatalf("--clock=%s gave %#v (%s)", spec, c.Clock, fs.Lookup("clock").Value)
	}

	for _, bad := range []string{"fast", "0x,2026-11-01T00:00:00Z,2026-11-28T10:00:00Z", "60x,yesterday,2026-11-28T10:00:00Z"} {
		d := DefaultConfig()
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		d.BindFlags(fs)
		if err := fs.Parse([]string{"--clock=" + bad}); err == nil {
			t.Errorf("--clock=%s accepted", bad)
		}
	}
}

// TestServerClock: the simulator reads Config.Clock, Config.Now overrides it,
// and neither leaves the system clock behind by accident.
func TestServerClock(t *testing.T) {
	start := time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)
	c := DefaultConfig()
	c.Clock = clock.Scaled{Speed: 1, Start: start, Anchor: time.Now()}
	s, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	if d := s.Now().Sub(start); d < 0 || d > time.Minute {
		t.Fatalf("Now = %s with a clock started at %s", s.Now(), start)
	}
	c.Now = func() time.Time { return start.Add(-time.Hour) }
	if s, _ := New(c); !s.Now().Equal(start.Add(-time.Hour)) {
		t.Fatalf("Config.Now did not override Config.Clock: %s", s.Now())
	}
	if s, _ := New(DefaultConfig()); time.Since(s.Now()).Abs() > time.Minute {
		t.Fatalf("default clock reads %s", s.Now())
	}
}
