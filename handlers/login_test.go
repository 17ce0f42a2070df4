package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/euterpe-dev/euterpe/config"
)

// startLogin follows /login to the simulator's consent page and returns the
// browser's state and the consent page response.
func (e *env) startLogin(t *testing.T, c *http.Client) (state string, consentPage *http.Response) {
	t.Helper()
	res, err := c.Get(e.appURL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	return res.Request.URL.Query().Get("state"), res
}

// approve answers the consent page but stops before the app's callback,
// returning the callback URL Spotify sent the browser to.
func approve(t *testing.T, c *http.Client, page *http.Response, listener, action string) *url.URL {
	t.Helper()
	res := consent(t, noRedirects(c), page, listener, action)
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		t.Fatalf("consent answered %d, want a redirect", res.StatusCode)
	}
	u, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func pageTitle(t *testing.T, body []byte) string {
	t.Helper()
	return strings.TrimSpace(doc(t, body).Find("h1").First().Text())
}

func TestLoginStartsWithStateAndPKCE(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := noRedirects(e.browser(t))
	_, _, res := get(t, c, e.appURL+"/login")
	if res.StatusCode != http.StatusFound {
		t.Fatalf("/login: %d", res.StatusCode)
	}
	loc, _ := url.Parse(res.Header.Get("Location"))
	q := loc.Query()
	if !strings.HasPrefix(loc.String(), e.simURL+"/authorize") || q.Get("code_challenge_method") != "S256" ||
		len(q.Get("code_challenge")) != 43 || len(q.Get("state")) < 22 || q.Get("response_type") != "code" ||
		!strings.Contains(q.Get("scope"), "user-top-read") {
		t.Fatalf("authorize URL lacks state/PKCE/scope: %s", loc)
	}
	var cookie *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == "euterpe_login" {
			cookie = ck
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Value != q.Get("state") || cookie.MaxAge <= 0 || cookie.MaxAge > 600 {
		t.Fatalf("login cookie = %+v", cookie)
	}
	if n := e.count(t, "SELECT count(*) FROM euterpe.login_states"); n != 1 {
		t.Fatalf("%d login states stored, want 1", n)
	}
	// Two logins never share a state.
	_, _, res2 := get(t, c, e.appURL+"/login")
	loc2, _ := url.Parse(res2.Header.Get("Location"))
	if loc2.Query().Get("state") == q.Get("state") {
		t.Fatal("state reused across logins")
	}
}

func TestCallbackRefusals(t *testing.T) {
	e := newEnv(t, envOptions{})
	l := e.listeners(t)[0]

	t.Run("missing state", func(t *testing.T) {
		c := e.browser(t)
		status, body, _ := get(t, c, e.appURL+"/callback?code=abc")
		if status != http.StatusBadRequest || pageTitle(t, body) != "This login link has expired" {
			t.Fatalf("%d %q", status, pageTitle(t, body))
		}
	})
	t.Run("state from another browser", func(t *testing.T) {
		victim, attacker := e.browser(t), e.browser(t)
		_, page := e.startLogin(t, attacker)
		cb := approve(t, attacker, page, l.ID, "accept")
		// The attacker's callback URL, opened in the victim's browser
		// (login CSRF), is refused: the state is not bound to it.
		status, body, _ := get(t, victim, cb.String())
		if status != http.StatusBadRequest || pageTitle(t, body) != "This login link has expired" {
			t.Fatalf("%d %q", status, pageTitle(t, body))
		}
		if n := e.count(t, "SELECT count(*) FROM euterpe.sessions"); n != 0 {
			t.Fatalf("%d sessions created", n)
		}
	})
	t.Run("mismatched state", func(t *testing.T) {
		c := e.browser(t)
		_, page := e.startLogin(t, c)
		cb := approve(t, c, page, l.ID, "accept")
		q := cb.Query()
		q.Set("state", strings.Repeat("A", 43))
		cb.RawQuery = q.Encode()
		status, body, _ := get(t, c, cb.String())
		if status != http.StatusBadRequest || strings.Contains(string(body), "panic") {
			t.Fatalf("%d", status)
		}
	})
	t.Run("reused state and code", func(t *testing.T) {
		c := e.browser(t)
		_, page := e.startLogin(t, c)
		cb := approve(t, c, page, l.ID, "accept")
		state := cb.Query().Get("state")
		status, _, res := get(t, c, cb.String())
		if status != http.StatusOK || res.Request.URL.Path != "/" {
			t.Fatalf("first callback: %d at %s", status, res.Request.URL)
		}
		// Replay with the state cookie put back: the state is spent.
		u, _ := url.Parse(e.appURL)
		c.Jar.SetCookies(u, []*http.Cookie{{Name: "euterpe_login", Value: state, Path: "/"}})
		status, body, _ := get(t, c, cb.String())
		if status != http.StatusBadRequest || pageTitle(t, body) != "This login link has expired" {
			t.Fatalf("replayed callback: %d %q", status, pageTitle(t, body))
		}
		// The code with a fresh, valid state: Spotify refuses the reused code.
		newState, _ := e.startLogin(t, c)
		q := cb.Query()
		q.Set("state", newState)
		cb.RawQuery = q.Encode()
		status, body, _ = get(t, c, cb.String())
		if status != http.StatusBadRequest || pageTitle(t, body) != "This login link has expired" {
			t.Fatalf("reused code: %d %q", status, pageTitle(t, body))
		}
	})
	t.Run("access denied", func(t *testing.T) {
		c := e.browser(t)
		_, page := e.startLogin(t, c)
		cb := approve(t, c, page, l.ID, "cancel")
		if cb.Query().Get("error") != "access_denied" {
			t.Fatalf("cancel redirected to %s", cb)
		}
		status, body, _ := get(t, c, cb.String())
		if status != http.StatusForbidden || pageTitle(t, body) != "Login cancelled" {
			t.Fatalf("%d %q", status, pageTitle(t, body))
		}
	})
	t.Run("Spotify's own error", func(t *testing.T) {
		c := e.browser(t)
		state, _ := e.startLogin(t, c)
		status, body, _ := get(t, c, e.appURL+"/callback?error=server_error&state="+state)
		if status != http.StatusBadGateway || pageTitle(t, body) != "Spotify refused the login" {
			t.Fatalf("%d %q", status, pageTitle(t, body))
		}
		if strings.Contains(e.logs.String(), "level=ERROR") {
			t.Errorf("Spotify's error was logged as ours: %s", e.logs.String())
		}
	})
	t.Run("hostile parameters", func(t *testing.T) {
		c := e.browser(t)
		for _, q := range []string{"error=%3Cscript%3Ealert(1)%3C%2Fscript%3E&state=x", "state=" + strings.Repeat("x", 5000), "code=&state=&error=", "code=%00%ff"} {
			status, body, _ := get(t, c, e.appURL+"/callback?"+q)
			if status >= 500 || strings.Contains(string(body), "<script>alert") {
				t.Errorf("callback?%s: %d", q, status)
			}
		}
	})
}

func TestSessionCookies(t *testing.T) {
	e := newEnv(t, envOptions{})
	l := e.listeners(t)[0]
	c := e.login(t, l.ID)
	first := cookieValue(t, c, e, "euterpe_session")
	u, _ := url.Parse(e.appURL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "euterpe_session" && (strings.Contains(ck.Value, l.ID) || len(ck.Value) != 43) {
			t.Fatalf("session cookie is not an opaque id: %q", ck.Value)
		}
	}
	// The raw Set-Cookie: HttpOnly, Lax, no Max-Age (ends with the browser).
	c2 := e.browser(t)
	_, page := e.startLogin(t, c2)
	cb := approve(t, c2, page, l.ID, "accept")
	_, _, res := get(t, noRedirects(c2), cb.String())
	var sc *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == "euterpe_session" {
			sc = ck
		}
	}
	if sc == nil || !sc.HttpOnly || sc.SameSite != http.SameSiteLaxMode || sc.MaxAge != 0 || !sc.Expires.IsZero() || sc.Path != "/" {
		t.Fatalf("session Set-Cookie = %+v", sc)
	}
	if n := e.count(t, "SELECT count(*) FROM euterpe.sessions WHERE octet_length(id_hash) = 32"); n != 2 {
		t.Fatalf("%d hashed session rows, want 2", n)
	}

	// A new id at every login, even in a browser that already has one,
	// and the browser's previous session ends.
	e.loginWith(t, c, l.ID)
	if second := cookieValue(t, c, e, "euterpe_session"); second == first {
		t.Fatal("login kept the old session id (fixation)")
	}

	signedIn := func(value string) bool {
		b := e.browser(t)
		b.Jar.SetCookies(u, []*http.Cookie{{Name: "euterpe_session", Value: value, Path: "/"}})
		status, _, _ := get(t, b, e.appURL+"/top_songs")
		return status == http.StatusOK
	}
	good := cookieValue(t, c, e, "euterpe_session")
	if !signedIn(good) {
		t.Fatal("a copy of a live cookie should work")
	}
	if signedIn(first) {
		t.Fatal("the session the browser had before logging in again still works")
	}
	tampered := []byte(good)
	tampered[10] ^= 1
	for name, v := range map[string]string{
		"tampered": string(tampered), "forged": strings.Repeat("Q", 43), "truncated": good[:42],
		"padded": good + "=", "user id": l.ID, "empty-ish": " ", "sql": "' OR 1=1 --",
	} {
		if signedIn(v) {
			t.Errorf("%s cookie accepted", name)
		}
	}

	// Logout deletes the session: the copied cookie is dead afterwards.
	res, err := c.Post(e.appURL+"/logout", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Request.URL.Path != "/login" {
		t.Fatalf("logout landed on %s", res.Request.URL)
	}
	if signedIn(good) {
		t.Fatal("cookie replayed after logout still signed in")
	}
}

func TestLogoutRefusesCrossSite(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := e.login(t, e.listeners(t)[0].ID)
	req, _ := http.NewRequest(http.MethodPost, e.appURL+"/logout", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site logout: %d", res.StatusCode)
	}
	if e.count(t, "SELECT count(*) FROM euterpe.sessions") != 1 {
		t.Fatal("a cross-site request ended the session")
	}
}

func TestDeleteAccount(t *testing.T) {
	e := newEnv(t, envOptions{})
	ls := e.listeners(t)
	c := e.login(t, ls[0].ID)
	other := e.login(t, ls[1].ID)
	get(t, c, e.appURL+"/?range=long_term") // stores a preference

	status, body, _ := get(t, c, e.appURL+"/account/delete")
	if status != http.StatusOK || doc(t, body).Find("form[action='/account/delete'] input[name=confirm]").Length() != 1 {
		t.Fatalf("confirmation page: %d", status)
	}
	res, err := c.PostForm(e.appURL+"/account/delete", url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || e.count(t, "SELECT count(*) FROM euterpe.users") != 2 {
		t.Fatalf("unconfirmed delete: %d", res.StatusCode)
	}
	res, err = c.PostForm(e.appURL+"/account/delete", url.Values{"confirm": {"yes"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Request.URL.Path != "/login" {
		t.Fatalf("after delete: %s", res.Request.URL)
	}
	if n := e.count(t, "SELECT count(*) FROM euterpe.users"); n != 1 {
		t.Fatalf("%d users left, want the other one", n)
	}
	if n := e.count(t, "SELECT count(*) FROM euterpe.user_tokens"); n != 1 {
		t.Fatalf("%d token rows left, want the other user's", n)
	}
	if n := e.count(t, "SELECT count(*) FROM euterpe.sessions s JOIN euterpe.users u ON u.id = s.user_id WHERE u.spotify_user_id = $1", ls[1].ID); n != 1 {
		t.Fatal("the other user's session was touched")
	}
	if n := e.count(t, "SELECT count(*) FROM euterpe.user_preferences"); n != 0 {
		t.Fatalf("%d preferences left", n)
	}
	topSongs(t, other, e)
}

// TestAllowlist: with ALLOWED_SPOTIFY_IDS set, anyone else sees a clear
// page after Spotify's consent, and nothing is stored for them.
func TestAllowlist(t *testing.T) {
	const allowed = "walt"
	e := newEnv(t, envOptions{config: func(c *config.Config) { c.AllowedSpotifyIDs = []string{allowed} }})
	c := e.browser(t)
	_, page := e.startLogin(t, c)
	cb := approve(t, c, page, "ines", "accept")
	status, body, _ := get(t, c, cb.String())
	if status != http.StatusForbidden || pageTitle(t, body) != "Not open to this account" {
		t.Fatalf("a listener not on the list: %d %q", status, pageTitle(t, body))
	}
	for _, table := range []string{"users", "user_tokens", "sessions", "poll_state"} {
		if n := e.count(t, "SELECT count(*) FROM euterpe."+table); n != 0 {
			t.Errorf("%d rows in %s for a refused account", n, table)
		}
	}
	e.login(t, allowed)
	if n := e.count(t, "SELECT count(*) FROM euterpe.users"); n != 1 {
		t.Errorf("%d users after the allowed listener's login", n)
	}
}
