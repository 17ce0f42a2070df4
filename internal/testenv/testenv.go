// Package testenv is the real thing for a test, in-process: the simulated
// Spotify over HTTP, a freshly migrated PostgreSQL database, the app's
// configuration pointing at both, and the token service, with a way to sign
// a demo listener in through Spotify's own consent flow.
package testenv

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/internal/testclock"
	"github.com/euterpe-dev/euterpe/internal/testdb"
	"github.com/euterpe-dev/euterpe/spotify/spotifysim"
	"github.com/euterpe-dev/euterpe/tokencrypt"
)

// Env is one test's world.
type Env struct {
	Sim    *spotifysim.Server
	SimURL string
	Pool   *database.Pool
	DBURL  string
	Config config.Config
	Log    *slog.Logger
}

// New starts the simulator (adjusted by sim, when not nil) and migrates a
// database; both go away with the test.
func New(t testing.TB, sim func(*spotifysim.Config)) *Env {
	t.Helper()
	simCfg := spotifysim.DefaultConfig()
	simCfg.Clock = testclock.Clock()                   // the suite's one clock
	simCfg.RedirectURI = "http://127.0.0.1:1/callback" // never followed: tests stop at the redirect
	if sim != nil {
		sim(&simCfg)
	}
	s, err := spotifysim.New(simCfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	pool, dbURL := testdb.Migrated(t)
	key, _ := tokencrypt.GenerateKey()
	vars := map[string]string{
		"DATABASE_URL":          dbURL,
		"SECRET_KEY":            strings.Repeat("test-secret-", 4),
		"ENCRYPTION_KEY":        key,
		"SPOTIFY_CLIENT_ID":     simCfg.ClientID,
		"SPOTIFY_CLIENT_SECRET": simCfg.ClientSecret,
		"SPOTIFY_REDIRECT_URI":  simCfg.RedirectURI,
		"SPOTIFY_ACCOUNTS_URL":  srv.URL,
		"SPOTIFY_API_URL":       srv.URL + "/v1",
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	return &Env{Sim: s, SimURL: srv.URL, Pool: pool, DBURL: dbURL, Config: cfg, Log: slog.New(slog.DiscardHandler)}
}

// Login signs listener in through the simulator's consent page, as a
// browser would, and completes the login with s.
func (e *Env) Login(t testing.TB, s *auth.Service, listener string) auth.LoggedIn {
	t.Helper()
	ctx := context.Background()
	authURL, state, err := s.BeginLogin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	page, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	stopAtRedirect := &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	res, err := spotifysim.Consent(ctx, stopAtRedirect, page, listener, "accept")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	callback, err := res.Location()
	if err != nil || res.StatusCode != http.StatusFound {
		t.Fatalf("consent as %s: status %d, no callback (%v)", listener, res.StatusCode, err)
	}
	q := callback.Query()
	in, err := s.CompleteLogin(ctx, auth.Callback{State: state, CookieState: state, Code: q.Get("code")})
	if err != nil {
		t.Fatalf("login as %s: %v", listener, err)
	}
	return in
}
