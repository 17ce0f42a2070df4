package spotifysim

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// scopeNames are the scopes Spotify's accounts service accepts. A request for
// anything else is refused with invalid_scope, as Spotify does.
var scopeNames = []string{
	"app-remote-control", "playlist-read-private", "playlist-read-collaborative", "playlist-modify-public",
	"playlist-modify-private", "user-library-read", "user-library-modify", "user-read-private", "user-read-email",
	"user-follow-read", "user-follow-modify", "user-top-read", "user-read-playback-position",
	"user-read-playback-state", "user-read-recently-played", "user-read-currently-playing",
	"user-modify-playback-state", "ugc-image-upload", "streaming", "user-personalized",
}

// scopeSet is a bit set over scopeNames so that the per-request scope check
// is one AND.
type scopeSet uint32

func scopeBit(name string) scopeSet {
	i := slices.Index(scopeNames, name)
	if i < 0 {
		return 0
	}
	return 1 << i
}

var (
	scopeTopRead        = scopeBit("user-top-read")
	scopeRecentlyPlayed = scopeBit("user-read-recently-played")
	scopePlaylistRead   = scopeBit("playlist-read-private")
	scopeModifyPublic   = scopeBit("playlist-modify-public")
	scopeModifyPrivate  = scopeBit("playlist-modify-private")
	scopeReadPrivate    = scopeBit("user-read-private")
	scopeReadEmail      = scopeBit("user-read-email")
)

func (s scopeSet) has(want scopeSet) bool { return s&want == want }

// parseScopes accepts the space-separated scope parameter; it returns the
// scopes in request order without duplicates, or ok=false on an unknown one.
func parseScopes(v string) (set scopeSet, canonical string, ok bool) {
	var names []string
	for _, n := range strings.Fields(v) {
		b := scopeBit(n)
		if b == 0 {
			return 0, "", false
		}
		if !set.has(b) {
			set |= b
			names = append(names, n)
		}
	}
	return set, strings.Join(names, " "), true
}

type authCode struct {
	clientID, redirectURI string
	listenerID            string
	scopes                scopeSet
	scopeStr              string
	challenge             string
	expires               time.Time
	used                  bool
	grantID               string // set once the code has been exchanged
}

// grant is one authorization: the consent a listener gave to the client.
// Every access and refresh token descends from one grant, so revoking the
// grant revokes them all.
type grant struct {
	id, listenerID string
	scopes         scopeSet
	scopeStr       string
	authorizedAt   time.Time
	pkce           bool // a public client may refresh with client_id alone
	revoked        bool
}

type accessToken struct {
	grant   *grant
	expires time.Time
}

type refreshToken struct {
	grant   *grant
	revoked bool
}

// codeTTL is how long an authorization code stays valid; Spotify's codes are
// short-lived, RFC 6749 recommends at most ten minutes.
const codeTTL = 10 * time.Minute

func randomToken(prefix string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// authRequest is a validated /authorize request.
type authRequest struct {
	clientID, redirectURI, state string
	scopes                       scopeSet
	scopeStr                     string
	challenge, challengeMethod   string
	showDialog                   string
}

// hidden carries the original parameters through the consent form.
func (a authRequest) hidden() []hiddenField {
	f := []hiddenField{
		{"client_id", a.clientID}, {"response_type", "code"}, {"redirect_uri", a.redirectURI},
		{"state", a.state}, {"scope", a.scopeStr},
	}
	if a.challenge != "" {
		f = append(f, hiddenField{"code_challenge", a.challenge}, hiddenField{"code_challenge_method", a.challengeMethod})
	}
	if a.showDialog != "" {
		f = append(f, hiddenField{"show_dialog", a.showDialog})
	}
	return f
}

// validateAuthorize checks an /authorize request. Problems with the client
// or the redirect URI yield an error page (errPage), because redirecting to
// an unverified URI would make the simulator an open redirector; every other
// problem is reported to the client by redirect (errCode), per RFC 6749
// §4.1.2.1.
func (s *Server) validateAuthorize(v url.Values) (req authRequest, errPage, errCode string) {
	req = authRequest{
		clientID:        v.Get("client_id"),
		redirectURI:     v.Get("redirect_uri"),
		state:           v.Get("state"),
		challenge:       v.Get("code_challenge"),
		challengeMethod: v.Get("code_challenge_method"),
		showDialog:      v.Get("show_dialog"),
	}
	if req.clientID != s.cfg.ClientID {
		return req, "INVALID_CLIENT: Invalid client", ""
	}
	if req.redirectURI != s.cfg.RedirectURI {
		return req, "INVALID_CLIENT: Invalid redirect URI", ""
	}
	if v.Get("response_type") != "code" {
		return req, "", "unsupported_response_type"
	}
	var ok bool
	if req.scopes, req.scopeStr, ok = parseScopes(v.Get("scope")); !ok {
		return req, "", "invalid_scope"
	}
	if req.challenge != "" || req.challengeMethod != "" {
		// Spotify supports only S256; a verifier is 43–128 characters, so its
		// SHA-256 in base64url is always 43.
		if req.challengeMethod != "S256" || len(req.challenge) != 43 {
			return req, "", "invalid_request"
		}
	}
	return req, "", ""
}

func redirectWith(w http.ResponseWriter, r *http.Request, redirectURI string, params url.Values) {
	u, err := url.Parse(redirectURI)
	if err != nil {
		// Validate() guarantees the registered URI parses.
		http.Error(w, "invalid redirect URI", http.StatusInternalServerError)
		return
	}
	q := u.Query()
	for k, vs := range params {
		for _, v := range vs {
			if v != "" {
				q.Set(k, v)
			}
		}
	}
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// authorizePage is GET /authorize: the consent page, or an error page.
func (s *Server) authorizePage(w http.ResponseWriter, r *http.Request) {
	req, errPage, errCode := s.validateAuthorize(r.URL.Query())
	switch {
	case errPage != "":
		s.renderPage(w, http.StatusBadRequest, "error", errorPageData{Message: errPage})
	case errCode != "":
		redirectWith(w, r, req.redirectURI, url.Values{"error": {errCode}, "state": {req.state}})
	default:
		s.renderConsent(w, http.StatusOK, req, "")
	}
}

// authorizeDecision is POST /authorize, the consent form's submission.
func (s *Server) authorizeDecision(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderPage(w, http.StatusBadRequest, "error", errorPageData{Message: "INVALID_REQUEST: Malformed form"})
		return
	}
	// Everything is checked again: the hidden fields came back from the
	// browser and may have been edited.
	req, errPage, errCode := s.validateAuthorize(r.PostForm)
	switch {
	case errPage != "":
		s.renderPage(w, http.StatusBadRequest, "error", errorPageData{Message: errPage})
		return
	case errCode != "":
		redirectWith(w, r, req.redirectURI, url.Values{"error": {errCode}, "state": {req.state}})
		return
	}
	switch r.PostForm.Get("action") {
	case "cancel":
		redirectWith(w, r, req.redirectURI, url.Values{"error": {"access_denied"}, "state": {req.state}})
		return
	case "accept":
	default:
		s.renderConsent(w, http.StatusBadRequest, req, "Choose Agree or Cancel.")
		return
	}
	l := s.cat.listenerByID[r.PostForm.Get("listener")]
	if l == nil {
		s.renderConsent(w, http.StatusBadRequest, req, "Choose a listener to sign in as.")
		return
	}
	code := randomToken("AQ", 96)
	s.authMu.Lock()
	s.codes[code] = &authCode{
		clientID: req.clientID, redirectURI: req.redirectURI, listenerID: l.id,
		scopes: req.scopes, scopeStr: req.scopeStr, challenge: req.challenge,
		expires: s.now().Add(codeTTL),
	}
	s.authMu.Unlock()
	redirectWith(w, r, req.redirectURI, url.Values{"code": {code}, "state": {req.state}})
}

// clientAuth authenticates the client at the token endpoint, by HTTP Basic
// (RFC 6749 §2.3.1, form-encoded then base64) or by form fields. A request
// that names the client without a secret is a public (PKCE) client; whether
// that is enough depends on the grant.
func (s *Server) clientAuth(r *http.Request) (clientID string, confidential bool, desc string) {
	id, secret, basic := r.BasicAuth()
	if basic {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != s.cfg.ClientID {
		return "", false, "Invalid client"
	}
	if secret == "" {
		return id, false, ""
	}
	if subtle.ConstantTimeCompare([]byte(secret), []byte(s.cfg.ClientSecret)) != 1 {
		return "", false, "Invalid client secret"
	}
	return id, true, ""
}

type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	Scope        string `json:"scope"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
}

// token is POST /api/token.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "Malformed request body")
		return
	}
	gt := r.PostForm.Get("grant_type")
	if c := s.tokenGrants[gt]; c != nil {
		// Attempts, successful or not: an app that refreshes too often
		// should show up here even when its refreshes fail.
		c.Add(1)
	}
	switch gt {
	case "":
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "grant_type parameter is missing")
		return
	case "authorization_code", "refresh_token":
	default:
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type parameter is invalid")
		return
	}
	_, confidential, desc := s.clientAuth(r)
	if desc != "" {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", desc)
		return
	}
	if gt == "authorization_code" {
		s.exchangeCode(w, r, confidential)
	} else {
		s.refreshGrant(w, r, confidential)
	}
}

func (s *Server) exchangeCode(w http.ResponseWriter, r *http.Request, confidential bool) {
	code, redirectURI, verifier := r.PostForm.Get("code"), r.PostForm.Get("redirect_uri"), r.PostForm.Get("code_verifier")
	if code == "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "code must be supplied")
		return
	}
	if redirectURI == "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "redirect_uri must be supplied")
		return
	}
	now := s.now()
	s.authMu.Lock()
	defer s.authMu.Unlock()
	ac := s.codes[code]
	switch {
	case ac == nil:
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "Invalid authorization code")
		return
	case ac.used:
		// RFC 6749 §4.1.2: a code used twice may have been stolen, so the
		// tokens issued from it are revoked as well.
		if g := s.grants[ac.grantID]; g != nil {
			g.revoked = true
		}
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "Invalid authorization code")
		return
	case !now.Before(ac.expires):
		delete(s.codes, code)
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "Authorization code expired")
		return
	case redirectURI != ac.redirectURI:
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "Invalid redirect URI")
		return
	}
	if ac.challenge != "" {
		sum := sha256.Sum256([]byte(verifier))
		if verifier == "" || base64.RawURLEncoding.EncodeToString(sum[:]) != ac.challenge {
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "code_verifier was incorrect")
			return
		}
	} else if !confidential {
		// Without PKCE only the client secret proves who is redeeming.
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "Invalid client secret")
		return
	}
	g := &grant{
		id: randomToken("", 12), listenerID: ac.listenerID, scopes: ac.scopes, scopeStr: ac.scopeStr,
		authorizedAt: now, pkce: ac.challenge != "",
	}
	ac.used, ac.grantID = true, g.id
	s.grants[g.id] = g
	resp := tokenResponse{
		AccessToken:  s.issueAccessLocked(g, now),
		TokenType:    "Bearer",
		Scope:        g.scopeStr,
		ExpiresIn:    int(s.cfg.TokenTTL / time.Second),
		RefreshToken: s.issueRefreshLocked(g),
	}
	s.pruneCodesLocked(now)
	writeTokenResponse(w, resp)
}

func (s *Server) refreshGrant(w http.ResponseWriter, r *http.Request, confidential bool) {
	rt := r.PostForm.Get("refresh_token")
	if rt == "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "refresh_token must be supplied")
		return
	}
	now := s.now()
	s.authMu.Lock()
	defer s.authMu.Unlock()
	tok := s.refresh[rt]
	switch {
	case tok == nil:
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "Invalid refresh token")
		return
	case tok.revoked || tok.grant.revoked:
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "Refresh token revoked")
		return
	case !confidential && !tok.grant.pkce:
		// Spotify lets only PKCE clients refresh without a secret.
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "Invalid client secret")
		return
	case now.Sub(tok.grant.authorizedAt) >= s.cfg.RefreshTTL:
		// The lifetime is absolute from the authorization: refreshing does
		// not extend it.
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "Refresh token expired")
		return
	}
	resp := tokenResponse{
		AccessToken: s.issueAccessLocked(tok.grant, now),
		TokenType:   "Bearer",
		Scope:       tok.grant.scopeStr,
		ExpiresIn:   int(s.cfg.TokenTTL / time.Second),
	}
	if s.cfg.RotateRefresh {
		tok.revoked = true
		resp.RefreshToken = s.issueRefreshLocked(tok.grant)
	}
	writeTokenResponse(w, resp)
}

func writeTokenResponse(w http.ResponseWriter, resp tokenResponse) {
	body, _ := json.Marshal(resp)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// maxExpiredTokens bounds memory in long benchmark runs: expired access
// tokens are kept (so they answer "expired", not "invalid") until there are
// this many, then the long-expired ones are dropped.
const maxExpiredTokens = 20000

func (s *Server) issueAccessLocked(g *grant, now time.Time) string {
	if len(s.access) >= maxExpiredTokens {
		for k, at := range s.access {
			if now.Sub(at.expires) > time.Hour || at.grant.revoked {
				delete(s.access, k)
			}
		}
	}
	t := randomToken("BQ", 96)
	s.access[t] = &accessToken{grant: g, expires: now.Add(s.cfg.TokenTTL)}
	return t
}

func (s *Server) issueRefreshLocked(g *grant) string {
	t := randomToken("AQ", 96)
	s.refresh[t] = &refreshToken{grant: g}
	return t
}

// pruneCodesLocked forgets codes that can no longer be redeemed or detected
// as reused, so the map does not grow without bound.
func (s *Server) pruneCodesLocked(now time.Time) {
	if len(s.codes) < 1000 {
		return
	}
	for k, c := range s.codes {
		if now.Sub(c.expires) > time.Hour {
			delete(s.codes, k)
		}
	}
}

// revokeListener revokes every grant of a listener: all its access and
// refresh tokens stop working at once.
func (s *Server) revokeListener(id string) int {
	s.authMu.Lock()
	defer s.authMu.Unlock()
	n := 0
	for _, g := range s.grants {
		if g.listenerID == id && !g.revoked {
			g.revoked = true
			n++
		}
	}
	return n
}

// caller is the authenticated subject of a Web API request.
type caller struct {
	l      *listenerState
	scopes scopeSet
}

type apiHandler func(w http.ResponseWriter, r *http.Request, c caller)

// api authenticates a Web API request with its bearer token, answering the
// way Spotify does for each failure.
func (s *Server) api(h apiHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		authz := r.Header.Get("Authorization")
		if authz == "" {
			writeAPIError(w, http.StatusUnauthorized, msgNoToken)
			return
		}
		scheme, tok, _ := strings.Cut(authz, " ")
		if !strings.EqualFold(scheme, "Bearer") || tok == "" {
			writeAPIError(w, http.StatusBadRequest, msgBearerOnly)
			return
		}
		now := s.now()
		s.authMu.RLock()
		at := s.access[strings.TrimSpace(tok)]
		var (
			revoked bool
			g       grant
		)
		if at != nil {
			revoked = at.grant.revoked
			g = *at.grant
		}
		s.authMu.RUnlock()
		switch {
		case at == nil || revoked:
			writeAPIError(w, http.StatusUnauthorized, msgInvalidToken)
			return
		case !now.Before(at.expires):
			writeAPIError(w, http.StatusUnauthorized, msgExpiredToken)
			return
		}
		h(w, r, caller{l: s.cat.listenerByID[g.listenerID], scopes: g.scopes})
	}
}
