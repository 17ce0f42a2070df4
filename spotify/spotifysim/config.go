package spotifysim

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"time"

	"github.com/euterpe-dev/euterpe/clock"
)

// Mode selects which Spotify the simulator impersonates: an app with extended
// quota, or a Development-Mode app after the February 2026 restrictions.
type Mode string

const (
	// ModeExtended answers with every field and endpoint, as Spotify answers
	// apps in extended quota mode.
	ModeExtended Mode = "extended"
	// ModeDevelopment strips the fields and refuses the endpoints that
	// Spotify removed for Development-Mode apps in February–March 2026.
	ModeDevelopment Mode = "development"
)

// String implements flag.Value.
func (m *Mode) String() string { return string(*m) }

// Set implements flag.Value so that --mode is validated while flags are
// parsed, not later when the server starts.
func (m *Mode) Set(v string) error {
	switch Mode(v) {
	case ModeExtended, ModeDevelopment:
		*m = Mode(v)
		return nil
	}
	return fmt.Errorf("spotifysim: mode must be %q or %q, not %q", ModeExtended, ModeDevelopment, v)
}

// Config is the registered client and the behaviour knobs of one simulator.
type Config struct {
	ClientID     string
	ClientSecret string
	RedirectURI  string

	// TokenTTL is the access-token lifetime.
	TokenTTL time.Duration
	// RefreshTTL is the absolute lifetime of a refresh token, counted from
	// the original authorization (not from the last refresh), as Spotify
	// enforces since mid-2026.
	RefreshTTL time.Duration
	// RotateRefresh makes each refresh return a new refresh token and revoke
	// the old one at once; without it the refresh response omits
	// refresh_token. Spotify does both, depending on the client.
	RotateRefresh bool
	// Latency is added to every Spotify-facing response.
	Latency time.Duration
	Mode    Mode
	// Seed makes the generated catalog, listeners and history deterministic.
	Seed int64
	// Clock is the time the simulator lives in; nil is the system clock. A
	// simulation gives the app and the simulator the same accelerated clock
	// (clock.Parse), so that a day of listening passes in a minute. The
	// control API can advance the simulator past it (POST /_sim/clock/advance).
	Clock clock.Clock
	// Now, when set, is used instead of Clock: tests set the time directly.
	Now func() time.Time
}

const (
	defaultTokenTTL   = 3600 * time.Second
	defaultRefreshTTL = 6 * 30 * 24 * time.Hour
)

// DefaultConfig is the demo client that `euterpe demo` registers.
func DefaultConfig() Config {
	return Config{
		ClientID:     "euterpe-demo",
		ClientSecret: "euterpe-demo-secret",
		RedirectURI:  "http://127.0.0.1:8080/callback",
		TokenTTL:     defaultTokenTTL,
		RefreshTTL:   defaultRefreshTTL,
		Mode:         ModeExtended,
		Seed:         1,
	}
}

// BindFlags registers the simulator's flags on fs, with c's current values as
// defaults, so `euterpe spotify-sim` and `euterpe demo` share one definition.
func (c *Config) BindFlags(fs *flag.FlagSet) {
	if c.Mode == "" {
		c.Mode = ModeExtended
	}
	fs.StringVar(&c.ClientID, "client-id", c.ClientID, "client id registered with the simulated Spotify")
	fs.StringVar(&c.ClientSecret, "client-secret", c.ClientSecret, "client secret registered with the simulated Spotify")
	fs.StringVar(&c.RedirectURI, "redirect-uri", c.RedirectURI, "redirect URI registered with the simulated Spotify (matched exactly)")
	fs.DurationVar(&c.TokenTTL, "token-ttl", c.TokenTTL, "access-token lifetime")
	fs.DurationVar(&c.RefreshTTL, "refresh-ttl", c.RefreshTTL, "absolute refresh-token lifetime, counted from the authorization")
	fs.BoolVar(&c.RotateRefresh, "rotate-refresh", c.RotateRefresh, "return a new refresh token on each refresh and revoke the old one")
	fs.DurationVar(&c.Latency, "latency", c.Latency, "latency added to every response")
	fs.Var(&c.Mode, "mode", `"extended" or "development" (Spotify's Development-Mode restrictions of February 2026)`)
	fs.Int64Var(&c.Seed, "seed", c.Seed, "seed of the generated catalog")
	fs.Var(&clockFlag{&c.Clock}, "clock", "a simulated clock shared with the app, `SPEEDx,START,ANCHOR`: e.g. 1440x,2026-11-01T00:00:00Z,2026-11-28T10:00:00Z runs a day a minute, reading START at the wall-clock ANCHOR; empty is real time")
}

// clockFlag is --clock: a clock.Parse spec, parsed (and so validated) while
// flags are parsed.
type clockFlag struct{ dst *clock.Clock }

func (f *clockFlag) String() string {
	if f == nil || f.dst == nil {
		return ""
	}
	if s, ok := (*f.dst).(fmt.Stringer); ok {
		return s.String()
	}
	return "" // the system clock, or one set in code
}

func (f *clockFlag) Set(v string) error {
	c, err := clock.Parse(v)
	if err != nil {
		return fmt.Errorf("spotifysim: clock: %w", err)
	}
	*f.dst = c
	return nil
}

// Validate checks the rules that span settings; New calls it.
func (c Config) Validate() error {
	var errs []error
	if c.ClientID == "" {
		errs = append(errs, errors.New("client id is empty"))
	}
	if c.ClientSecret == "" {
		errs = append(errs, errors.New("client secret is empty"))
	}
	if u, err := url.Parse(c.RedirectURI); err != nil || u.Scheme == "" || u.Host == "" {
		errs = append(errs, fmt.Errorf("redirect URI %q is not an absolute URL", c.RedirectURI))
	}
	if c.TokenTTL <= 0 {
		errs = append(errs, fmt.Errorf("token TTL %s is not positive", c.TokenTTL))
	}
	if c.RefreshTTL <= 0 {
		errs = append(errs, fmt.Errorf("refresh TTL %s is not positive", c.RefreshTTL))
	}
	if c.Latency < 0 {
		errs = append(errs, fmt.Errorf("latency %s is negative", c.Latency))
	}
	if c.Mode != ModeExtended && c.Mode != ModeDevelopment {
		errs = append(errs, fmt.Errorf("mode %q is neither %q nor %q", c.Mode, ModeExtended, ModeDevelopment))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("spotifysim: invalid config: %w", err)
	}
	return nil
}
