package spotifysim

import (
	"context"
	"encoding/json"
	"errors"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// wantRetrieveError checks an oauth2 error's RFC 6749 code, description and
// status.
func wantRetrieveError(t *testing.T, err error, status int, code, desc string) {
	t.Helper()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want *oauth2.RetrieveError", err)
	}
	if re.Response.StatusCode != status || re.ErrorCode != code || re.ErrorDescription != desc {
		t.Fatalf("got %d %s %q, want %d %s %q", re.Response.StatusCode, re.ErrorCode, re.ErrorDescription, status, code, desc)
	}
}

func TestCodeFlowWithPKCE(t *testing.T) {
	e := newEnv(t, nil)
	conf := e.oauthConfig("user-top-read", "user-read-email")
	verifier := oauth2.GenerateVerifier()
	code := e.authorize(t, conf, "walt", verifier)
	tok, err := conf.Exchange(e.ctx(), code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	if tok.AccessToken == "" || tok.RefreshToken == "" || tok.TokenType != "Bearer" {
		t.Fatalf("token = %+v, want access, refresh and Bearer", tok)
	}
	if got := tok.Extra("scope"); got != "user-top-read user-read-email" {
		t.Errorf("scope = %q", got)
	}
	if got := tok.ExpiresIn; got != 3600 {
		t.Errorf("expires_in = %d, want 3600", got)
	}
	var me struct{ ID, Email string }
	r := e.call(t, "GET", "/v1/me", tok.AccessToken, nil)
	r.decode(t, &me)
	if r.status != 200 || me.ID != "walt" || me.Email != "walt@example.com" {
		t.Fatalf("/v1/me = %d %s", r.status, r.body)
	}
	if got := e.sim.Stats().TokenGrants["authorization_code"]; got != 1 {
		t.Errorf("authorization_code grants = %d, want 1", got)
	}
}

func TestPublicClientPKCE(t *testing.T) {
	e := newEnv(t, nil)
	conf := e.oauthConfig("user-top-read")
	conf.ClientSecret = ""
	conf.Endpoint.AuthStyle = oauth2.AuthStyleInParams
	verifier := oauth2.GenerateVerifier()
	code := e.authorize(t, conf, "kiko", verifier)
	tok, err := conf.Exchange(e.ctx(), code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("Exchange without secret but with PKCE: %v", err)
	}
	// Spotify lets a PKCE client refresh with client_id alone.
	e.clock.Advance(2 * time.Hour)
	stale := *tok
	stale.Expiry = time.Now().Add(-time.Second) // x/oauth2 judges expiry by the real clock
	fresh, err := conf.TokenSource(e.ctx(), &stale).Token()
	if err != nil {
		t.Fatalf("refresh as public PKCE client: %v", err)
	}
	if fresh.AccessToken == tok.AccessToken {
		t.Fatal("refresh returned the old access token")
	}

	// Without PKCE a public client proves nothing.
	code = e.authorize(t, conf, "kiko", "")
	_, err = conf.Exchange(e.ctx(), code)
	wantRetrieveError(t, err, 401, "invalid_client", "Invalid client secret")
}

// postToken calls /api/token directly, to see the raw JSON.
func postToken(t *testing.T, e *testEnv, form url.Values) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", e.ts.URL+"/api/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(e.cfg.ClientID, e.cfg.ClientSecret)
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		t.Fatalf("POST /api/token: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("token response %s: %v", b, err)
	}
	return resp.StatusCode, m
}

func TestRefresh(t *testing.T) {
	tests := []struct {
		name   string
		rotate bool
	}{
		{"without rotation", false},
		{"with rotation", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(c *Config) { c.RotateRefresh = tt.rotate })
			tok := e.login(t, "amara", "user-top-read")
			status, first := postToken(t, e, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}})
			if status != 200 {
				t.Fatalf("refresh: %d %v", status, first)
			}
			newRT, has := first["refresh_token"].(string)
			if has != tt.rotate {
				t.Fatalf("refresh response has refresh_token = %v, want %v (%v)", has, tt.rotate, first)
			}
			if first["scope"] != "user-top-read" || first["token_type"] != "Bearer" || first["expires_in"] != 3600.0 {
				t.Fatalf("refresh response shape: %v", first)
			}
			if r := e.call(t, "GET", "/v1/me/top/artists", first["access_token"].(string), nil); r.status != 200 {
				t.Fatalf("refreshed token rejected: %d %s", r.status, r.body)
			}
			// Reusing the original refresh token: fine without rotation,
			// revoked at once with it.
			status, again := postToken(t, e, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}})
			if tt.rotate {
				if status != 400 || again["error"] != "invalid_grant" || again["error_description"] != "Refresh token revoked" {
					t.Fatalf("reused rotated refresh token: %d %v", status, again)
				}
				if newRT == tok.RefreshToken {
					t.Fatal("rotation returned the same refresh token")
				}
				status, again = postToken(t, e, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {newRT}})
			}
			if status != 200 {
				t.Fatalf("second refresh: %d %v", status, again)
			}
			if got := e.sim.Stats().TokenGrants["refresh_token"]; got < 2 {
				t.Errorf("refresh_token grants = %d, want >= 2", got)
			}
		})
	}
}

func TestTokenErrors(t *testing.T) {
	tests := []struct {
		name   string
		run    func(t *testing.T, e *testEnv) error
		status int
		code   string
		desc   string
	}{
		{
			name: "reused code",
			run: func(t *testing.T, e *testEnv) error {
				conf := e.oauthConfig("user-top-read")
				v := oauth2.GenerateVerifier()
				code := e.authorize(t, conf, "dex", v)
				first, err := conf.Exchange(e.ctx(), code, oauth2.VerifierOption(v))
				if err != nil {
					t.Fatalf("first exchange: %v", err)
				}
				_, err = conf.Exchange(e.ctx(), code, oauth2.VerifierOption(v))
				// RFC 6749 §4.1.2: the tokens from the first exchange are
				// revoked too.
				wantAPIError(t, e.call(t, "GET", "/v1/me", first.AccessToken, nil), 401, msgInvalidToken)
				return err
			},
			status: 400, code: "invalid_grant", desc: "Invalid authorization code",
		},
		{
			name: "wrong verifier",
			run: func(t *testing.T, e *testEnv) error {
				conf := e.oauthConfig()
				code := e.authorize(t, conf, "dex", oauth2.GenerateVerifier())
				_, err := conf.Exchange(e.ctx(), code, oauth2.VerifierOption(oauth2.GenerateVerifier()))
				return err
			},
			status: 400, code: "invalid_grant", desc: "code_verifier was incorrect",
		},
		{
			name: "missing verifier",
			run: func(t *testing.T, e *testEnv) error {
				conf := e.oauthConfig()
				code := e.authorize(t, conf, "dex", oauth2.GenerateVerifier())
				_, err := conf.Exchange(e.ctx(), code)
				return err
			},
			status: 400, code: "invalid_grant", desc: "code_verifier was incorrect",
		},
		{
			name: "expired code",
			run: func(t *testing.T, e *testEnv) error {
				conf := e.oauthConfig()
				v := oauth2.GenerateVerifier()
				code := e.authorize(t, conf, "dex", v)
				e.clock.Advance(codeTTL + time.Second)
				_, err := conf.Exchange(e.ctx(), code, oauth2.VerifierOption(v))
				return err
			},
			status: 400, code: "invalid_grant", desc: "Authorization code expired",
		},
		{
			name: "redirect URI differs from the one at /authorize",
			run: func(t *testing.T, e *testEnv) error {
				conf := e.oauthConfig()
				v := oauth2.GenerateVerifier()
				code := e.authorize(t, conf, "dex", v)
				conf.RedirectURL = "http://127.0.0.1:8080/elsewhere"
				_, err := conf.Exchange(e.ctx(), code, oauth2.VerifierOption(v))
				return err
			},
			status: 400, code: "invalid_grant", desc: "Invalid redirect URI",
		},
		{
			name: "unknown code",
			run: func(t *testing.T, e *testEnv) error {
				_, err := e.oauthConfig().Exchange(e.ctx(), "AQnot-a-code")
				return err
			},
			status: 400, code: "invalid_grant", desc: "Invalid authorization code",
		},
		{
			name: "wrong secret",
			run: func(t *testing.T, e *testEnv) error {
				conf := e.oauthConfig()
				v := oauth2.GenerateVerifier()
				code := e.authorize(t, conf, "dex", v)
				conf.ClientSecret = "not-the-secret"
				_, err := conf.Exchange(e.ctx(), code, oauth2.VerifierOption(v))
				return err
			},
			status: 401, code: "invalid_client", desc: "Invalid client secret",
		},
		{
			name: "wrong secret in form fields",
			run: func(t *testing.T, e *testEnv) error {
				conf := e.oauthConfig()
				conf.Endpoint.AuthStyle = oauth2.AuthStyleInParams
				tok := e.login(t, "dex")
				conf.ClientSecret = "nope"
				_, err := conf.TokenSource(e.ctx(), &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
				return err
			},
			status: 401, code: "invalid_client", desc: "Invalid client secret",
		},
		{
			name: "unknown client",
			run: func(t *testing.T, e *testEnv) error {
				conf := e.oauthConfig()
				conf.ClientID = "someone-else"
				_, err := conf.Exchange(e.ctx(), "x")
				return err
			},
			status: 401, code: "invalid_client", desc: "Invalid client",
		},
		{
			name: "revoked grant",
			run: func(t *testing.T, e *testEnv) error {
				tok := e.login(t, "ines", "user-top-read")
				r := e.call(t, "POST", "/_sim/revoke?listener=ines", "", nil)
				if r.status != 200 {
					t.Fatalf("revoke: %d %s", r.status, r.body)
				}
				wantAPIError(t, e.call(t, "GET", "/v1/me/top/tracks", tok.AccessToken, nil), 401, msgInvalidToken)
				_, err := e.oauthConfig().TokenSource(e.ctx(), &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
				return err
			},
			status: 400, code: "invalid_grant", desc: "Refresh token revoked",
		},
		{
			name: "unknown refresh token",
			run: func(t *testing.T, e *testEnv) error {
				_, err := e.oauthConfig().TokenSource(e.ctx(), &oauth2.Token{RefreshToken: "AQmade-up"}).Token()
				return err
			},
			status: 400, code: "invalid_grant", desc: "Invalid refresh token",
		},
		{
			name: "refresh token past its absolute lifetime",
			run: func(t *testing.T, e *testEnv) error {
				tok := e.login(t, "ines")
				src := func(rt string) (*oauth2.Token, error) {
					return e.oauthConfig().TokenSource(e.ctx(), &oauth2.Token{RefreshToken: rt}).Token()
				}
				// Refreshing inside the lifetime works but does not extend it.
				e.clock.Advance(e.cfg.RefreshTTL - time.Minute)
				if _, err := src(tok.RefreshToken); err != nil {
					t.Fatalf("refresh inside the lifetime: %v", err)
				}
				e.clock.Advance(2 * time.Minute)
				_, err := src(tok.RefreshToken)
				return err
			},
			status: 400, code: "invalid_grant", desc: "Refresh token expired",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(c *Config) { c.RefreshTTL = 24 * time.Hour })
			wantRetrieveError(t, tt.run(t, e), tt.status, tt.code, tt.desc)
		})
	}
}

func TestTokenRequestErrors(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name string
		form url.Values
		code string
	}{
		{"no grant type", url.Values{}, "invalid_request"},
		{"unsupported grant type", url.Values{"grant_type": {"password"}}, "unsupported_grant_type"},
		{"no code", url.Values{"grant_type": {"authorization_code"}, "redirect_uri": {e.cfg.RedirectURI}}, "invalid_request"},
		{"no refresh token", url.Values{"grant_type": {"refresh_token"}}, "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := postToken(t, e, tt.form)
			if status != 400 || body["error"] != tt.code || body["error_description"] == "" {
				t.Fatalf("got %d %v, want 400 %s with a description", status, body, tt.code)
			}
		})
	}
}

func TestAuthorizeErrors(t *testing.T) {
	e := newEnv(t, nil)
	good := url.Values{
		"client_id": {e.cfg.ClientID}, "response_type": {"code"}, "redirect_uri": {e.cfg.RedirectURI},
		"state": {"xyz"}, "scope": {"user-top-read"},
	}
	with := func(k, v string) url.Values {
		q := url.Values{}
		for kk, vv := range good {
			q[kk] = vv
		}
		q.Set(k, v)
		return q
	}
	tests := []struct {
		name      string
		query     url.Values
		status    int
		wantError string // error= in the redirect; "" means an error page with no redirect
	}{
		{"unknown client", with("client_id", "nobody"), 400, ""},
		{"redirect URI differs", with("redirect_uri", e.cfg.RedirectURI+"/"), 400, ""},
		{"redirect URI elsewhere", with("redirect_uri", "https://evil.example/callback"), 400, ""},
		{"response type token", with("response_type", "token"), 302, "unsupported_response_type"},
		{"unknown scope", with("scope", "user-top-read launch-missiles"), 302, "invalid_scope"},
		{"plain PKCE", with("code_challenge_method", "plain"), 302, "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := e.noRedirect().Get(e.ts.URL + "/authorize?" + tt.query.Encode())
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d", resp.StatusCode, tt.status)
			}
			loc := resp.Header.Get("Location")
			if tt.wantError == "" {
				if loc != "" {
					t.Fatalf("error page redirected to %s", loc)
				}
				if !strings.Contains(string(body), "INVALID_CLIENT") || !strings.Contains(string(body), "Simulated Spotify") {
					t.Fatalf("error page does not explain itself:\n%s", body)
				}
				return
			}
			u, _ := url.Parse(loc)
			if !strings.HasPrefix(loc, e.cfg.RedirectURI) || u.Query().Get("error") != tt.wantError || u.Query().Get("state") != "xyz" {
				t.Fatalf("Location = %s, want error=%s&state=xyz", loc, tt.wantError)
			}
		})
	}

	t.Run("cancel", func(t *testing.T) {
		loc := e.consent(t, e.ts.URL+"/authorize?"+good.Encode(), "walt", "cancel")
		if loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "xyz" || loc.Query().Get("code") != "" {
			t.Fatalf("cancel redirected to %s", loc)
		}
	})
	t.Run("consent page lists every listener and escapes", func(t *testing.T) {
		q := with("state", `"><script>alert(1)</script>`)
		resp, err := e.ts.Client().Get(e.ts.URL + "/authorize?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		page := string(body)
		if strings.Contains(page, "<script>") {
			t.Fatal("state was not escaped on the consent page")
		}
		for _, l := range e.sim.Listeners() {
			if !strings.Contains(page, `name="listener" value="`+l.ID+`"`) {
				t.Errorf("consent page lacks listener %s", l.ID)
			}
		}
		for _, want := range []string{`name="action" value="accept"`, `name="action" value="cancel"`, "Simulated Spotify"} {
			if !strings.Contains(page, want) {
				t.Errorf("consent page lacks %s", want)
			}
		}
	})
	t.Run("accept without a listener", func(t *testing.T) {
		form := with("action", "accept")
		resp, err := e.noRedirect().PostForm(e.ts.URL+"/authorize", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 || resp.Header.Get("Location") != "" {
			t.Fatalf("status %d, Location %q; want the page again with 400", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

func TestAccessTokenErrors(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.TokenTTL = time.Minute })
	tok := e.login(t, "walt", allScopes...)
	if r := e.call(t, "GET", "/v1/me", tok.AccessToken, nil); r.status != 200 {
		t.Fatalf("fresh token: %d %s", r.status, r.body)
	}
	wantAPIError(t, e.call(t, "GET", "/v1/me", "", nil), 401, msgNoToken)
	wantAPIError(t, e.call(t, "GET", "/v1/me", "BQforged", nil), 401, msgInvalidToken)
	e.clock.Advance(time.Minute)
	r := e.call(t, "GET", "/v1/me", tok.AccessToken, nil)
	wantAPIError(t, r, 401, msgExpiredToken)
	if !strings.Contains(r.header.Get("WWW-Authenticate"), "invalid_token") {
		t.Errorf("WWW-Authenticate = %q", r.header.Get("WWW-Authenticate"))
	}
	// x/oauth2 refreshes an expired token transparently; it judges expiry by
	// the real clock, so tell it the token is stale.
	stale := *tok
	stale.Expiry = time.Now().Add(-time.Second)
	client := e.oauthConfig().Client(e.ctx(), &stale)
	resp, err := client.Get(e.ts.URL + "/v1/me")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("after transparent refresh: %d", resp.StatusCode)
	}
}

// TestConsentSendsWhatTheFormSends: Consent, which tests and benchmarks use
// instead of a browser, posts the same fields as the consent page's form.
func TestConsentSendsWhatTheFormSends(t *testing.T) {
	e := newEnv(t, nil)
	conf := e.oauthConfig("user-read-private", "user-top-read")
	verifier := oauth2.GenerateVerifier()
	authURL := conf.AuthCodeURL("st4te", oauth2.S256ChallengeOption(verifier))
	res, err := e.noRedirect().Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	form := url.Values{}
	for _, m := range hiddenRE.FindAllStringSubmatch(string(page), -1) {
		form.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	sent := res.Request.URL.Query()
	for k := range form {
		if k == "scope" {
			continue // the form carries the scopes in canonical order
		}
		if sent.Get(k) != form.Get(k) {
			t.Errorf("%s: Consent sends %q, the form %q", k, sent.Get(k), form.Get(k))
		}
	}
	for k := range sent {
		if form.Get(k) == "" {
			t.Errorf("Consent sends %s, which the form does not carry", k)
		}
	}

	out, err := Consent(context.Background(), e.noRedirect(), res.Request.URL, "ines", "accept")
	if err != nil {
		t.Fatal(err)
	}
	out.Body.Close()
	loc, _ := url.Parse(out.Header.Get("Location"))
	if out.StatusCode != http.StatusFound || loc.Query().Get("code") == "" || loc.Query().Get("state") != "st4te" {
		t.Fatalf("Consent: %d %s", out.StatusCode, loc)
	}
}
