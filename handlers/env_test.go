package handlers

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/imports"
	"github.com/euterpe-dev/euterpe/internal/testclock"
	"github.com/euterpe-dev/euterpe/internal/testdb"
	"github.com/euterpe-dev/euterpe/services"
	"github.com/euterpe-dev/euterpe/spotify/spotifysim"
	"github.com/euterpe-dev/euterpe/tokencrypt"
)

// lockedBuffer collects log output from many goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// env is the real thing on loopback: the simulator over HTTP, the app's
// router over HTTP, and a freshly migrated PostgreSQL database.
type env struct {
	router   http.Handler
	sim      *spotifysim.Server
	simURL   string
	appURL   string
	pool     *database.Pool
	cfg      config.Config
	auth     *auth.Service
	store    *history.Store
	history  *history.Service
	importer *imports.Importer
	logs     *lockedBuffer
	secrets  []string // values that must never appear in logs or responses
}

type envOptions struct {
	sim    func(*spotifysim.Config)
	config func(*config.Config)
	// metrics instruments the app and opens /metrics to operatorToken.
	metrics bool
	// budget is the app's Spotify calls per window (default 1000, which no
	// test's requests come near).
	budget int
	// base serves the app under a sub-path (BASE_URL's path); e.appURL
	// then ends with it.
	base string
}

func newEnv(t testing.TB, o envOptions) *env {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	origin := "http://" + ln.Addr().String()
	appURL := origin + o.base

	// One clock for the simulator, the app and the test: the suite's.
	clk := testclock.Clock()
	simCfg := spotifysim.DefaultConfig()
	simCfg.RedirectURI = appURL + "/callback"
	simCfg.Clock = clk
	if o.sim != nil {
		o.sim(&simCfg)
	}
	sim, err := spotifysim.New(simCfg)
	if err != nil {
		t.Fatal(err)
	}
	simSrv := httptest.NewServer(sim)
	t.Cleanup(simSrv.Close)

	pool, dbURL := testdb.Migrated(t)
	key, _ := tokencrypt.GenerateKey()
	secret := strings.Repeat("s3cr3t-", 6)
	vars := map[string]string{
		"DATABASE_URL":          dbURL,
		"SECRET_KEY":            secret,
		"ENCRYPTION_KEY":        key,
		"SPOTIFY_CLIENT_ID":     simCfg.ClientID,
		"SPOTIFY_CLIENT_SECRET": simCfg.ClientSecret,
		"SPOTIFY_REDIRECT_URI":  simCfg.RedirectURI,
		"SPOTIFY_ACCOUNTS_URL":  simSrv.URL,
		"SPOTIFY_API_URL":       simSrv.URL + "/v1",
		"RATE_LIMIT_PER_MINUTE": "1000000",
		"LOGIN_RATE_PER_MINUTE": "1000000",
		"EUTERPE_CLOCK":         clk.String(),
	}
	if o.base != "" {
		vars["BASE_URL"] = appURL
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	if o.config != nil {
		o.config(&cfg)
	}
	logs := &lockedBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if o.metrics {
		cfg.MetricsToken = operatorToken
	}
	// The app as serve wires it, with the background jobs enqueued but not
	// worked: tests run what they need themselves (e.store, e.jobs).
	svc, err := services.New(services.Options{Log: log, Pool: pool, Config: cfg, Clock: clk,
		SpotifyCallsPer30s: cmp.Or(o.budget, 1000), Transport: http.DefaultTransport})
	if err != nil {
		t.Fatal(err)
	}
	router := NewRouter(Deps{
		Log: log, Pool: pool, Config: cfg, Auth: svc.Auth, Source: svc.Source,
		Dashboard: svc.Dashboard,
		History:   svc.History,
		Importer:  svc.Importer,
		Trends:    svc.Trends,
		Social:    svc.Social,
		Metrics:   svc.Metrics,
		Demo:      true, Version: "test", Started: time.Now(), Now: clk.Now,
	})
	app := &httptest.Server{Listener: ln, Config: &http.Server{Handler: router}}
	app.Start()
	t.Cleanup(app.Close)
	return &env{router: router, sim: sim, simURL: simSrv.URL, appURL: appURL, pool: pool, cfg: cfg, auth: svc.Auth,
		store: svc.Store, history: svc.History, importer: svc.Importer, logs: logs,
		secrets: []string{secret, key, simCfg.ClientSecret}}
}

// browser is a cookie jar that follows redirects, like a person's browser.
func (e *env) browser(t testing.TB) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second}
}

// noRedirects is the same browser, stopping at the first redirect.
func noRedirects(c *http.Client) *http.Client {
	cc := *c
	cc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cc
}

// consent answers the simulator's consent page with the chosen listener and
// action, as a person clicking would.
func consent(t testing.TB, c *http.Client, page *http.Response, listener, action string) *http.Response {
	t.Helper()
	defer page.Body.Close()
	if page.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(page.Body)
		t.Fatalf("consent page: %d %s", page.StatusCode, body)
	}
	res, err := spotifysim.Consent(context.Background(), c, page.Request.URL, listener, action)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// login runs the whole OAuth dance for listener in a new browser and
// returns it signed in, on the dashboard.
func (e *env) login(t testing.TB, listener string) *http.Client {
	t.Helper()
	c := e.browser(t)
	e.loginWith(t, c, listener)
	return c
}

func (e *env) loginWith(t testing.TB, c *http.Client, listener string) {
	t.Helper()
	page, err := c.Get(e.appURL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res := consent(t, c, page, listener, "accept")
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || res.Request.URL.String() != e.appURL+"/" {
		t.Fatalf("login as %s ended at %s with %d: %s", listener, res.Request.URL, res.StatusCode, body)
	}
}

func (e *env) listeners(t testing.TB) []spotifysim.Listener {
	t.Helper()
	ls := e.sim.Listeners()
	if len(ls) < 5 {
		t.Fatalf("simulator has %d listeners, want at least 5", len(ls))
	}
	return ls
}

// simPost calls the simulator's control API.
func (e *env) simPost(t testing.TB, path string, body any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	res, err := http.Post(e.simURL+path, "application/json", rd)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("POST %s: %d %s", path, res.StatusCode, b)
	}
}

// expireToken makes the stored access token look expired to the app, as an
// hour passing would.
func (e *env) expireToken(t testing.TB, spotifyUserID string) {
	t.Helper()
	tag, err := e.pool.Exec(context.Background(), `UPDATE euterpe.user_tokens SET expires_at = $2
		WHERE user_id = (SELECT id FROM euterpe.users WHERE spotify_user_id = $1)`, spotifyUserID, testclock.Now().Add(-time.Minute))
	if err != nil || tag.RowsAffected() != 1 {
		t.Fatalf("expire token of %s: %v (%d rows)", spotifyUserID, err, tag.RowsAffected())
	}
}

// get fetches path and returns status, body and the response.
func get(t testing.TB, c *http.Client, rawURL string, header ...string) (int, []byte, *http.Response) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, rawURL, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, body, res
}

// spotifyGet calls the simulated Spotify's Web API directly with the
// listener's stored access token, for an answer independent of the app.
func (e *env) spotifyGet(t testing.TB, spotifyUserID, path string, into any) {
	t.Helper()
	var enc string
	if err := e.pool.QueryRow(context.Background(), `SELECT t.access_token_encrypted FROM euterpe.user_tokens t
		JOIN euterpe.users u ON u.id = t.user_id WHERE u.spotify_user_id = $1`, spotifyUserID).Scan(&enc); err != nil {
		t.Fatalf("token of %s: %v", spotifyUserID, err)
	}
	tok, err := e.cfg.Keys.Decrypt(enc)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, e.simURL+path, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("Spotify %s: %d", path, res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(into); err != nil {
		t.Fatal(err)
	}
}

func (e *env) count(t testing.TB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := e.pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func doc(t testing.TB, body []byte) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mustContainNone(t testing.TB, where, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s contains a secret (%s…)", where, s[:min(6, len(s))])
		}
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
