package spotifysim

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// fakeClock is a settable clock for expiring codes and tokens.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 6, 15, 18, 30, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type testEnv struct {
	sim   *Server
	ts    *httptest.Server
	clock *fakeClock
	cfg   Config
}

// newEnv starts a simulator on a real listener, with a fake clock.
func newEnv(t testing.TB, mutate func(*Config)) *testEnv {
	t.Helper()
	return newEnvWithClock(t, newFakeClock(), mutate)
}

// newEnvWithClock is newEnv with a fake clock set to any time, for a server
// that starts at another moment than the others.
func newEnvWithClock(t testing.TB, clock *fakeClock, mutate func(*Config)) *testEnv {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Now = clock.Now
	if mutate != nil {
		mutate(&cfg)
	}
	sim, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)
	return &testEnv{sim: sim, ts: ts, clock: clock, cfg: cfg}
}

// noRedirect is a client that shows redirects instead of following them,
// so tests can read the Location the accounts service sends.
func (e *testEnv) noRedirect() *http.Client {
	c := *e.ts.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

func (e *testEnv) oauthConfig(scopes ...string) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     e.cfg.ClientID,
		ClientSecret: e.cfg.ClientSecret,
		RedirectURL:  e.cfg.RedirectURI,
		Scopes:       scopes,
		Endpoint: oauth2.Endpoint{
			AuthURL:   e.ts.URL + "/authorize",
			TokenURL:  e.ts.URL + "/api/token",
			AuthStyle: oauth2.AuthStyleInHeader,
		},
	}
}

func (e *testEnv) ctx() context.Context {
	return context.WithValue(context.Background(), oauth2.HTTPClient, e.ts.Client())
}

var hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// consent loads the consent page for authURL and submits it as the given
// listener with the given action; it returns the redirect the simulator
// answers with.
func (e *testEnv) consent(t testing.TB, authURL, listener, action string) *url.URL {
	t.Helper()
	c := e.noRedirect()
	resp, err := c.Get(authURL)
	if err != nil {
		t.Fatalf("GET consent page: %v", err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET consent page: status %d, body %s", resp.StatusCode, page)
	}
	form := url.Values{}
	for _, m := range hiddenRE.FindAllStringSubmatch(string(page), -1) {
		form.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	if form.Get("client_id") == "" {
		t.Fatalf("consent page carries no hidden client_id:\n%s", page)
	}
	form.Set("listener", listener)
	form.Set("action", action)
	resp, err = c.PostForm(e.ts.URL+"/authorize", form)
	if err != nil {
		t.Fatalf("POST consent: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("POST consent: status %d, want 302; body %s", resp.StatusCode, body)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatalf("POST consent: bad Location: %v", err)
	}
	return loc
}

// authorize runs the browser half of the code flow with PKCE and returns
// the code.
func (e *testEnv) authorize(t testing.TB, conf *oauth2.Config, listener, verifier string) string {
	t.Helper()
	opts := []oauth2.AuthCodeOption{}
	if verifier != "" {
		opts = append(opts, oauth2.S256ChallengeOption(verifier))
	}
	loc := e.consent(t, conf.AuthCodeURL("st4te", opts...), listener, "accept")
	if got := loc.Query().Get("state"); got != "st4te" {
		t.Fatalf("redirect state = %q, want st4te", got)
	}
	code := loc.Query().Get("code")
	if code == "" {
		t.Fatalf("redirect %s has no code", loc)
	}
	return code
}

// allScopes is everything Euterpe asks for.
var allScopes = []string{
	"user-read-private", "user-read-email", "user-top-read", "user-read-recently-played",
	"playlist-read-private", "playlist-read-collaborative", "playlist-modify-public", "playlist-modify-private",
}

// login returns an access token for the listener after the full dance.
func (e *testEnv) login(t testing.TB, listener string, scopes ...string) *oauth2.Token {
	t.Helper()
	conf := e.oauthConfig(scopes...)
	verifier := oauth2.GenerateVerifier()
	code := e.authorize(t, conf, listener, verifier)
	tok, err := conf.Exchange(e.ctx(), code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	return tok
}

type apiResponse struct {
	status int
	header http.Header
	body   []byte
}

func (r apiResponse) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// call sends a request with an optional bearer token; target is a path or
// an absolute URL (as found in next links).
func (e *testEnv) call(t testing.TB, method, target, token string, body io.Reader) apiResponse {
	t.Helper()
	if strings.HasPrefix(target, "/") {
		target = e.ts.URL + target
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s %s: %v", method, target, err)
	}
	return apiResponse{status: resp.StatusCode, header: resp.Header, body: b}
}

func wantAPIError(t testing.TB, r apiResponse, status int, msg string) {
	t.Helper()
	var e struct {
		Error struct {
			Status  int    `json:"status"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
	r.decode(t, &e)
	if e.Error.Status != status || e.Error.Message != msg {
		t.Fatalf("error = %+v, want {%d %q}", e.Error, status, msg)
	}
}
