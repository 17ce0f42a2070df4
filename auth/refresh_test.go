package auth

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/internal/testclock"
	"github.com/euterpe-dev/euterpe/internal/testdb"
	"github.com/euterpe-dev/euterpe/spotify/spotifysim"
	"github.com/euterpe-dev/euterpe/tokencrypt"
)

// refreshEnv is the token refresh's real surroundings: the simulated
// Spotify over HTTP on loopback and a freshly migrated PostgreSQL database.
// Tokens are obtained through the real login (BeginLogin, the simulator's
// consent form, CompleteLogin), so every token in these tests is one the
// simulator issued and will check.
type refreshEnv struct {
	sim    *spotifysim.Server
	simURL string
	simCfg spotifysim.Config
	pool   *database.Pool
	dbURL  string
	cfg    config.Config
	keys   *tokencrypt.Keyring
}

func newRefreshEnv(t *testing.T, rotate bool) *refreshEnv {
	t.Helper()
	simCfg := spotifysim.DefaultConfig()
	simCfg.Clock = testclock.Clock()
	simCfg.RotateRefresh = rotate
	sim, err := spotifysim.New(simCfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)

	pool, dbURL := testdb.Migrated(t)
	key, err := tokencrypt.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	keys, err := tokencrypt.ParseKeys(key)
	if err != nil {
		t.Fatal(err)
	}
	return &refreshEnv{
		sim: sim, simURL: srv.URL, simCfg: simCfg, pool: pool, dbURL: dbURL, keys: keys,
		cfg: config.Config{
			SecretKeys: []string{strings.Repeat("k", 40)},
			Keys:       keys,
			Spotify: config.Spotify{
				ClientID:     simCfg.ClientID,
				ClientSecret: simCfg.ClientSecret,
				// Registered with the simulator; never followed here, the
				// test reads the code off the redirect.
				RedirectURI: simCfg.RedirectURI,
				Scope:       config.DefaultScope,
				AccountsURL: srv.URL,
				APIURL:      srv.URL + "/v1",
			},
		},
	}
}

// service is one app process on pool.
func (e *refreshEnv) service(pool *database.Pool) *Service {
	return New(Options{
		Log:    slog.New(slog.DiscardHandler),
		Pool:   pool,
		Config: e.cfg,
		HTTP:   &http.Client{Timeout: 10 * time.Second},
		Now:    testclock.Now,
	})
}

// otherDyno is a second app process: its own Service and its own pool on
// the same database, so the two meet only in PostgreSQL.
func (e *refreshEnv) otherDyno(t *testing.T) *Service {
	t.Helper()
	pool, err := database.Open(context.Background(), e.dbURL, database.PoolOptions{MaxConns: 5})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return e.service(pool)
}

// listener is the id of the simulator's n-th demo listener.
func (e *refreshEnv) listener(t *testing.T, n int) string {
	t.Helper()
	ls := e.sim.Listeners()
	if len(ls) <= n {
		t.Fatalf("simulator has %d listeners, want more than %d", len(ls), n)
	}
	return ls[n].ID
}

// login signs listener in through s as a browser would: BeginLogin, the
// simulator's consent form accepted, CompleteLogin with the code and state
// from the redirect to the callback.
func (e *refreshEnv) login(t *testing.T, s *Service, listener string) LoggedIn {
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
	if res.StatusCode != http.StatusFound {
		t.Fatalf("consent as %s: status %d, want a redirect to the callback", listener, res.StatusCode)
	}
	callback, err := res.Location()
	if err != nil {
		t.Fatal(err)
	}
	q := callback.Query()
	if q.Get("state") != state || q.Get("code") == "" {
		t.Fatalf("callback %s lacks the code or the state", callback.Redacted())
	}
	in, err := s.CompleteLogin(ctx, Callback{State: state, CookieState: state, Code: q.Get("code")})
	if err != nil {
		t.Fatalf("login as %s: %v", listener, err)
	}
	return in
}

// stored is a user's token row, decrypted.
type stored struct {
	accessEnc, refreshEnc string
	access, refresh       string
	expiresAt             time.Time
	scope                 string
}

func (e *refreshEnv) stored(t *testing.T, userID uuid.UUID) stored {
	t.Helper()
	var st stored
	err := e.pool.QueryRow(context.Background(), `SELECT access_token_encrypted, refresh_token_encrypted, expires_at, scope
		FROM euterpe.user_tokens WHERE user_id = $1`, userID).Scan(&st.accessEnc, &st.refreshEnc, &st.expiresAt, &st.scope)
	if err != nil {
		t.Fatalf("token row of %s: %v", userID, err)
	}
	if st.access, err = e.keys.Decrypt(st.accessEnc); err != nil {
		t.Fatalf("decrypt stored access token: %v", err)
	}
	if st.refresh, err = e.keys.Decrypt(st.refreshEnc); err != nil {
		t.Fatalf("decrypt stored refresh token: %v", err)
	}
	return st
}

// count runs a count(*) query with one argument.
func (e *refreshEnv) count(t *testing.T, query string, arg any) int {
	t.Helper()
	var n int
	if err := e.pool.QueryRow(context.Background(), query, arg).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// expireSoon makes the stored access token expire within RefreshMargin, as
// most of an hour passing would; Spotify still takes it.
func (e *refreshEnv) expireSoon(t *testing.T, userID uuid.UUID) {
	t.Helper()
	tag, err := e.pool.Exec(context.Background(),
		`UPDATE euterpe.user_tokens SET expires_at = $2 WHERE user_id = $1`, userID, testclock.Now().Add(time.Minute))
	if err != nil || tag.RowsAffected() != 1 {
		t.Fatalf("expire token of %s: %v (%d rows)", userID, err, tag.RowsAffected())
	}
}

// stats reads the simulator's counters through its control API.
func (e *refreshEnv) stats(t *testing.T) spotifysim.Stats {
	t.Helper()
	res, err := http.Get(e.simURL + "/_sim/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var st spotifysim.Stats
	if err := json.NewDecoder(res.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	return st
}

// refreshGrants is how many refresh_token grants have reached the
// simulator's token endpoint.
func (e *refreshEnv) refreshGrants(t *testing.T) int64 {
	t.Helper()
	return e.stats(t).TokenGrants["refresh_token"]
}

// control calls the simulator's control API and expects success.
func (e *refreshEnv) control(t *testing.T, method, path, body string) {
	t.Helper()
	req, err := http.NewRequest(method, e.simURL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode >= 300 {
		t.Fatalf("%s %s: status %d", method, path, res.StatusCode)
	}
}

// refreshDirectly redeems refreshToken at the simulator as the registered
// client, bypassing the app, and returns the HTTP status and the OAuth
// error code ("" on success).
func (e *refreshEnv) refreshDirectly(t *testing.T, refreshToken string) (int, string) {
	t.Helper()
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshToken}}
	req, err := http.NewRequest(http.MethodPost, e.simURL+"/api/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(e.simCfg.ClientID, e.simCfg.ClientSecret)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		Error string `json:"error"`
	}
	_ = json.NewDecoder(res.Body).Decode(&body)
	return res.StatusCode, body.Error
}

// spotifyUser asks the simulator's Web API who accessToken belongs to.
func (e *refreshEnv) spotifyUser(t *testing.T, accessToken string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.simURL+"/v1/me", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /v1/me with the token: status %d", res.StatusCode)
	}
	var me struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(res.Body).Decode(&me); err != nil {
		t.Fatal(err)
	}
	return me.ID
}

func principal(t *testing.T, s *Service, sessionID string) *Principal {
	t.Helper()
	p, err := s.Principal(context.Background(), sessionID)
	if err != nil {
		t.Fatalf("session of a signed-in user: %v", err)
	}
	return p
}

// Fifty requests of one user, spread over two app processes, find the
// access token about to expire at once: one refresh reaches Spotify, and
// every request gets the token it issued, which is what is stored.
func TestConcurrentRefreshCallsSpotifyOnce(t *testing.T) {
	ctx := context.Background()
	e := newRefreshEnv(t, false)
	dynoA := e.service(e.pool)
	dynoB := e.otherDyno(t)
	listener := e.listener(t, 0)
	in := e.login(t, dynoA, listener)
	before := e.stored(t, in.UserID)
	e.expireSoon(t, in.UserID)

	// Each request resolves its own principal, as each HTTP request does,
	// all before any of them refreshes.
	const callers = 50
	principals := make([]*Principal, callers)
	services := make([]*Service, callers)
	for i := range principals {
		services[i] = dynoA
		if i%2 == 1 {
			services[i] = dynoB
		}
		principals[i] = principal(t, services[i], in.SessionID)
	}

	grantsBefore := e.refreshGrants(t)
	tokens := make([]string, callers)
	errs := make([]error, callers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			<-start
			tokens[i], errs[i] = services[i].AccessToken(ctx, principals[i], false)
		})
	}
	close(start)
	wg.Wait()

	if n := e.refreshGrants(t) - grantsBefore; n != 1 {
		t.Errorf("%d refresh_token grants reached Spotify, want exactly 1", n)
	}
	after := e.stored(t, in.UserID)
	if after.access == before.access {
		t.Fatal("the stored access token was not replaced")
	}
	for i := range callers {
		if errs[i] != nil {
			t.Errorf("caller %d: %v", i, errs[i])
		} else if tokens[i] != after.access {
			t.Errorf("caller %d got an access token other than the stored one", i)
		}
	}
	if min := testclock.Now().Add(RefreshMargin); !after.expiresAt.After(min) {
		t.Errorf("stored expiry %v is still within the refresh margin", after.expiresAt)
	}
	if got := e.spotifyUser(t, after.access); got != listener {
		t.Errorf("the new token belongs to %q at Spotify, want %q", got, listener)
	}
	// The next request of either process uses the stored token as it is.
	for _, s := range []*Service{dynoA, dynoB} {
		if tok, err := s.AccessToken(ctx, principal(t, s, in.SessionID), false); err != nil || tok != after.access {
			t.Errorf("a later request: %v, same token %v", err, tok == after.access)
		}
	}
	if n := e.refreshGrants(t) - grantsBefore; n != 1 {
		t.Errorf("%d refresh_token grants after later requests, want still 1", n)
	}
}

// When Spotify rotates refresh tokens, the one it returns replaces the
// stored one (the old one is dead at once); when its answer has none, the
// stored one is kept and still works.
func TestRefreshStoresRotatedRefreshToken(t *testing.T) {
	ctx := context.Background()

	t.Run("rotated", func(t *testing.T) {
		e := newRefreshEnv(t, true)
		s := e.service(e.pool)
		in := e.login(t, s, e.listener(t, 0))
		first := e.stored(t, in.UserID)

		e.expireSoon(t, in.UserID)
		if _, err := s.AccessToken(ctx, principal(t, s, in.SessionID), false); err != nil {
			t.Fatal(err)
		}
		second := e.stored(t, in.UserID)
		if second.refresh == first.refresh {
			t.Fatal("the stored refresh token was not replaced by the rotated one")
		}
		if status, code := e.refreshDirectly(t, first.refresh); status != http.StatusBadRequest || code != "invalid_grant" {
			t.Errorf("the replaced refresh token: %d %q, want 400 invalid_grant", status, code)
		}

		// The stored one is the one Spotify issued: the app refreshes with
		// it, and it is rotated in turn.
		grants := e.refreshGrants(t)
		e.expireSoon(t, in.UserID)
		tok, err := s.AccessToken(ctx, principal(t, s, in.SessionID), false)
		if err != nil {
			t.Fatalf("refreshing with the stored rotated token: %v", err)
		}
		third := e.stored(t, in.UserID)
		if n := e.refreshGrants(t) - grants; n != 1 {
			t.Errorf("%d refresh grants, want 1", n)
		}
		if tok != third.access || tok == second.access {
			t.Error("the second refresh did not store and return a new access token")
		}
		if third.refresh == second.refresh {
			t.Error("the second refresh did not store the rotated refresh token")
		}
		if status, code := e.refreshDirectly(t, second.refresh); status != http.StatusBadRequest || code != "invalid_grant" {
			t.Errorf("the replaced refresh token: %d %q, want 400 invalid_grant", status, code)
		}
	})

	t.Run("kept", func(t *testing.T) {
		e := newRefreshEnv(t, false)
		s := e.service(e.pool)
		in := e.login(t, s, e.listener(t, 0))
		first := e.stored(t, in.UserID)

		e.expireSoon(t, in.UserID)
		tok, err := s.AccessToken(ctx, principal(t, s, in.SessionID), false)
		if err != nil {
			t.Fatal(err)
		}
		second := e.stored(t, in.UserID)
		if tok == first.access || tok != second.access {
			t.Fatal("the refresh did not store and return a new access token")
		}
		if second.refreshEnc != first.refreshEnc {
			t.Error("the refresh token was rewritten although Spotify sent none")
		}
		if status, code := e.refreshDirectly(t, second.refresh); status != http.StatusOK {
			t.Errorf("the kept refresh token: %d %q, want 200", status, code)
		}
	})
}

// When Spotify refuses the refresh token (the user revoked the app), the
// user must log in again: their tokens and every session of theirs are
// gone, the user's row and other users are left alone.
func TestRevokedGrantRequiresLogin(t *testing.T) {
	ctx := context.Background()
	e := newRefreshEnv(t, false)
	s := e.service(e.pool)
	revoked := e.listener(t, 0)
	in := e.login(t, s, revoked)
	otherTab, err := s.CreateSession(ctx, in.UserID)
	if err != nil {
		t.Fatal(err)
	}
	bystander := e.login(t, s, e.listener(t, 1))

	e.control(t, http.MethodPost, "/_sim/revoke?listener="+url.QueryEscape(revoked), "")
	e.expireSoon(t, in.UserID)
	grants := e.refreshGrants(t)

	tok, err := s.AccessToken(ctx, principal(t, s, in.SessionID), false)
	if !errors.Is(err, ErrLoginRequired) || tok != "" {
		t.Fatalf("AccessToken after revocation = %q, %v; want ErrLoginRequired", tok, err)
	}
	if n := e.refreshGrants(t) - grants; n != 1 {
		t.Errorf("%d refresh grants, want 1", n)
	}
	if n := e.count(t, "SELECT count(*) FROM euterpe.user_tokens WHERE user_id = $1", in.UserID); n != 0 {
		t.Errorf("%d token rows left for the user", n)
	}
	// The next use of each of the user's sessions says why it ended, and
	// ends it.
	for _, id := range []string{in.SessionID, otherTab} {
		if _, err := s.Principal(ctx, id); !errors.Is(err, ErrGrantGone) {
			t.Errorf("a session of the user after revocation: %v, want ErrGrantGone", err)
		}
	}
	if n := e.count(t, "SELECT count(*) FROM euterpe.sessions WHERE user_id = $1", in.UserID); n != 0 {
		t.Errorf("%d sessions left for the user", n)
	}
	for _, id := range []string{in.SessionID, otherTab} {
		if _, err := s.Principal(ctx, id); !errors.Is(err, ErrNoSession) {
			t.Errorf("a session of the user: %v, want ErrNoSession", err)
		}
	}
	if n := e.count(t, "SELECT count(*) FROM euterpe.users WHERE id = $1", in.UserID); n != 1 {
		t.Errorf("the user's row is gone (%d): only the grant should be", n)
	}
	// Another user is untouched.
	p := principal(t, s, bystander.SessionID)
	if tok, err := s.AccessToken(ctx, p, false); err != nil || tok != e.stored(t, bystander.UserID).access {
		t.Errorf("another user's token: %v", err)
	}
}

// When Spotify's accounts service fails, the request learns it is
// temporary, and nothing is lost: the stored tokens and the sessions stay,
// and the next attempt refreshes.
func TestRefreshWhenSpotifyUnavailableKeepsTokens(t *testing.T) {
	ctx := context.Background()
	e := newRefreshEnv(t, false)
	s := e.service(e.pool)
	in := e.login(t, s, e.listener(t, 0))
	e.expireSoon(t, in.UserID)
	before := e.stored(t, in.UserID)
	calls := e.stats(t).Requests["POST /api/token"]

	e.control(t, http.MethodPost, "/_sim/faults", `{"status": 503, "path_prefix": "/api/token"}`)
	tok, err := s.AccessToken(ctx, principal(t, s, in.SessionID), false)
	if !errors.Is(err, ErrSpotifyUnavailable) || tok != "" {
		t.Fatalf("AccessToken with the token endpoint down = %q, %v; want ErrSpotifyUnavailable", tok, err)
	}
	if n := e.stats(t).Requests["POST /api/token"] - calls; n != 1 {
		t.Errorf("%d calls to the token endpoint, want 1", n)
	}
	if after := e.stored(t, in.UserID); after != before {
		t.Errorf("stored tokens changed by a failed refresh:\n%+v\nwant\n%+v", after, before)
	}
	if n := e.count(t, "SELECT count(*) FROM euterpe.sessions WHERE user_id = $1", in.UserID); n != 1 {
		t.Errorf("%d sessions after a failed refresh, want 1", n)
	}

	// The fault was for one request: the next one refreshes.
	tok, err = s.AccessToken(ctx, principal(t, s, in.SessionID), false)
	if err != nil {
		t.Fatalf("once Spotify is back: %v", err)
	}
	if tok == before.access || tok != e.stored(t, in.UserID).access {
		t.Error("once Spotify is back the token was not refreshed and stored")
	}
}

// A 401 from Spotify makes the client force a refresh with the token it
// was refused. That refreshes even a token that is not near expiry; but a
// request refused an older token, which another request has already
// replaced, gets the replacement without asking Spotify again.
func TestForcedRefreshAfterRefusal(t *testing.T) {
	ctx := context.Background()
	e := newRefreshEnv(t, false)
	s := e.service(e.pool)
	in := e.login(t, s, e.listener(t, 0))
	first := e.stored(t, in.UserID)
	if !first.expiresAt.After(testclock.Now().Add(RefreshMargin)) {
		t.Fatalf("a new token expires at %v, within the refresh margin", first.expiresAt)
	}
	// Two requests in flight, both holding the first token.
	refused := principal(t, s, in.SessionID)
	late := principal(t, s, in.SessionID)
	grants := e.refreshGrants(t)

	tok, err := s.AccessToken(ctx, refused, false)
	if err != nil || tok != first.access {
		t.Fatalf("unforced AccessToken of a valid token = %v, same token %v", err, tok == first.access)
	}
	if n := e.refreshGrants(t) - grants; n != 0 {
		t.Fatalf("%d refresh grants for a valid token, want 0", n)
	}

	tok, err = s.AccessToken(ctx, refused, true)
	if err != nil {
		t.Fatal(err)
	}
	second := e.stored(t, in.UserID)
	if n := e.refreshGrants(t) - grants; n != 1 {
		t.Errorf("%d refresh grants after a forced refresh, want 1", n)
	}
	if tok == first.access || tok != second.access {
		t.Error("the forced refresh did not store and return a new access token")
	}

	// The late request was refused the first token too; the row already
	// holds another one.
	tok, err = s.AccessToken(ctx, late, true)
	if err != nil {
		t.Fatal(err)
	}
	if n := e.refreshGrants(t) - grants; n != 1 {
		t.Errorf("%d refresh grants after a forced refresh with a replaced token, want still 1", n)
	}
	if tok != second.access {
		t.Error("a forced refresh with a replaced token did not return the replacement")
	}
	if after := e.stored(t, in.UserID); after != second {
		t.Error("a forced refresh with a replaced token changed the stored tokens")
	}
}

// Tokens stored under a key the app no longer has (ENCRYPTION_KEY changed
// without keeping the old one) cannot be used or refreshed: the user must
// log in again, and Spotify is not asked.
func TestUnreadableTokenRequiresLogin(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name     string
		expiring bool // the refresh token must be read, not the access token
	}{{"valid access token", false}, {"expiring access token", true}} {
		t.Run(tt.name, func(t *testing.T) {
			e := newRefreshEnv(t, false)
			in := e.login(t, e.service(e.pool), e.listener(t, 0))
			if tt.expiring {
				e.expireSoon(t, in.UserID)
			}
			key, err := tokencrypt.GenerateKey()
			if err != nil {
				t.Fatal(err)
			}
			if e.cfg.Keys, err = tokencrypt.ParseKeys(key); err != nil {
				t.Fatal(err)
			}
			s := e.service(e.pool)
			grants := e.refreshGrants(t)

			tok, err := s.AccessToken(ctx, principal(t, s, in.SessionID), false)
			if !errors.Is(err, ErrLoginRequired) || tok != "" {
				t.Fatalf("AccessToken = %q, %v; want ErrLoginRequired", tok, err)
			}
			if n := e.refreshGrants(t) - grants; n != 0 {
				t.Errorf("%d refresh grants, want 0", n)
			}
			if n := e.count(t, "SELECT count(*) FROM euterpe.user_tokens WHERE user_id = $1", in.UserID); n != 0 {
				t.Errorf("%d token rows left for the user", n)
			}
			if _, err := s.Principal(ctx, in.SessionID); !errors.Is(err, ErrGrantGone) {
				t.Errorf("the user's session: %v, want ErrGrantGone", err)
			}
			if _, err := s.Principal(ctx, in.SessionID); !errors.Is(err, ErrNoSession) {
				t.Errorf("the user's session, used again: %v, want ErrNoSession", err)
			}
		})
	}
}
