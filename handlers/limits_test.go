package handlers

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/config"
)

func TestPerUserRateLimit(t *testing.T) {
	e := newEnv(t, envOptions{config: func(c *config.Config) { c.RateLimitPerMinute = 6 }})
	ls := e.listeners(t)
	// Each login lands on the dashboard: one request of the six.
	a, b := e.login(t, ls[0].ID), e.login(t, ls[1].ID)
	for i := range 5 {
		if status, body, _ := get(t, a, e.appURL+"/top_songs"); status != http.StatusOK {
			t.Fatalf("request %d: %d %s", i+1, status, body)
		}
	}
	status, body, res := get(t, a, e.appURL+"/top_songs")
	if status != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || !strings.Contains(string(body), "retry_after") {
		t.Fatalf("6th request in a minute: %d %s", status, body)
	}
	// The limit is per user: the other listener is unaffected.
	if status, _, _ := get(t, b, e.appURL+"/top_songs"); status != http.StatusOK {
		t.Fatalf("another user was limited too: %d", status)
	}
	// One budget across JSON, pages and the dashboard itself.
	for _, path := range []string{"/", "/history", "/panels/top-songs"} {
		if status, _, _ := get(t, a, e.appURL+path); status != http.StatusTooManyRequests {
			t.Errorf("%s after the JSON spent the budget: %d", path, status)
		}
	}
	// A panel htmx asks for shows its own error state, with its retry
	// button, not a page.
	for _, path := range []string{"/panels/top-songs?range=short_term", "/history/panels/totals", "/trends/panels/monthly"} {
		status, body, _ := get(t, a, e.appURL+path, "HX-Request", "true")
		if status != http.StatusOK || !strings.Contains(string(body), "a lot of requests") || strings.Contains(string(body), "<html") ||
			!strings.Contains(string(body), "hx-get") {
			t.Errorf("htmx %s over the limit: %d %.300s", path, status, body)
		}
	}
	// The landing page is nobody's budget.
	for range 10 {
		if status, _, _ := get(t, e.browser(t), e.appURL+"/"); status != http.StatusOK {
			t.Fatalf("the landing page: %d", status)
		}
	}
}

// TestLoginsPerAddress: /login and /callback are limited per client
// address (the address a trusted proxy vouches for, never a header the
// client wrote itself), and logins in progress are bounded whatever the
// traffic.
func TestLoginsPerAddress(t *testing.T) {
	e := newEnv(t, envOptions{config: func(c *config.Config) { c.LoginRatePerMinute = 3; c.ProxyHops = 1 }})
	c := noRedirects(e.browser(t))
	login := func(forwardedFor string) int {
		status, _, _ := get(t, c, e.appURL+"/login", "X-Forwarded-For", forwardedFor)
		return status
	}
	for i := range 3 {
		if status := login("203.0.113.7"); status != http.StatusFound {
			t.Fatalf("login %d: %d", i+1, status)
		}
	}
	if status := login("203.0.113.7"); status != http.StatusTooManyRequests {
		t.Errorf("4th login in a minute from one address: %d", status)
	}
	// A forged first hop does not make a new client: the proxy appended
	// the real address last.
	if status := login("198.51.100.1, 203.0.113.7"); status != http.StatusTooManyRequests {
		t.Errorf("a forged X-Forwarded-For escaped the limit: %d", status)
	}
	if status := login("203.0.113.8"); status != http.StatusFound {
		t.Errorf("another address: %d", status)
	}
	if status, _, _ := get(t, c, e.appURL+"/callback?code=x&state=y", "X-Forwarded-For", "203.0.113.7"); status != http.StatusTooManyRequests {
		t.Errorf("/callback from a limited address: %d", status)
	}

	// Logins in progress are bounded: at the bound, /login says to wait.
	if _, err := e.pool.Exec(t.Context(), `INSERT INTO euterpe.login_states (state_hash, code_verifier_encrypted)
		SELECT sha256(g::text::bytea), 'x' FROM generate_series(1, $1 - (SELECT count(*) FROM euterpe.login_states)) g`,
		auth.MaxPendingLogins); err != nil {
		t.Fatal(err)
	}
	status, body, res := get(t, c, e.appURL+"/login", "X-Forwarded-For", "203.0.113.9")
	if status != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" || pageTitle(t, body) != "Too many logins at once" {
		t.Errorf("login with the table full: %d %q", status, pageTitle(t, body))
	}
	if n := e.count(t, "SELECT count(*) FROM euterpe.login_states"); n > auth.MaxPendingLogins {
		t.Errorf("%d logins in progress, more than %d", n, auth.MaxPendingLogins)
	}
}

func TestForwardedFor(t *testing.T) {
	for _, c := range []struct {
		headers []string
		hops    int
		want    string
	}{
		{nil, 1, ""},
		{[]string{"203.0.113.7"}, 0, ""},
		{[]string{"203.0.113.7"}, 1, "203.0.113.7"},
		{[]string{"10.0.0.1, 203.0.113.7"}, 1, "203.0.113.7"},
		{[]string{"10.0.0.1", "203.0.113.7, 198.51.100.2"}, 2, "203.0.113.7"},
		{[]string{"203.0.113.7"}, 2, ""},
		{[]string{"not-an-address"}, 1, ""},
		{[]string{"2001:db8::1"}, 1, "2001:db8::1"},
	} {
		if got := forwardedFor(c.headers, c.hops); got != c.want {
			t.Errorf("forwardedFor(%q, %d) = %q, want %q", c.headers, c.hops, got, c.want)
		}
	}
}

func TestSecureDeploymentHeadersAndCookies(t *testing.T) {
	e := newEnv(t, envOptions{config: func(c *config.Config) { c.OnHeroku = true }})
	c := noRedirects(e.browser(t))
	_, _, res := get(t, c, e.appURL+"/login")
	if hsts := res.Header.Get("Strict-Transport-Security"); !strings.Contains(hsts, "max-age=") {
		t.Errorf("no HSTS when secure: %q", hsts)
	}
	var login *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == "__Host-euterpe_login" {
			login = ck
		}
	}
	if login == nil || !login.Secure || !login.HttpOnly || login.Path != "/" || login.Domain != "" {
		t.Fatalf("login cookie on a secure deployment = %+v", login)
	}
	if got := res.Header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("Referrer-Policy = %q", got)
	}
}

// TestLoginsPerIPv6Network: an IPv6 client is limited by its /64, the
// smallest network a provider hands out, so the 2^64 addresses one client
// can pick from are one budget; another /64 has its own.
func TestLoginsPerIPv6Network(t *testing.T) {
	e := newEnv(t, envOptions{config: func(c *config.Config) { c.LoginRatePerMinute = 2; c.ProxyHops = 1 }})
	c := noRedirects(e.browser(t))
	login := func(forwardedFor string) int {
		status, _, _ := get(t, c, e.appURL+"/login", "X-Forwarded-For", forwardedFor)
		return status
	}
	for _, addr := range []string{"2001:db8:1:2::1", "2001:db8:1:2:ffff:1234:5678:9abc"} {
		if status := login(addr); status != http.StatusFound {
			t.Fatalf("login from %s: %d", addr, status)
		}
	}
	if status := login("2001:db8:1:2::99"); status != http.StatusTooManyRequests {
		t.Errorf("a third address of the same /64: %d", status)
	}
	if status := login("2001:db8:1:3::1"); status != http.StatusFound {
		t.Errorf("the next /64: %d", status)
	}
}

func TestAddressKey(t *testing.T) {
	for _, c := range []struct{ addr, want string }{
		{"203.0.113.7", "203.0.113.7"},
		{"::ffff:203.0.113.7", "203.0.113.7"},
		{"2001:db8:1:2::1", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff:1234:5678:9abc", "2001:db8:1:2::/64"},
		{"2001:DB8:1:2::1", "2001:db8:1:2::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"not-an-address", "not-an-address"},
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = c.addr
		if got := addressKey(r); got != c.want {
			t.Errorf("addressKey(%q) = %q, want %q", c.addr, got, c.want)
		}
	}
}

// TestEveryLoginPerAddress: the forms that start a login for a scope (a
// playlist of top songs, a friend's blend) spend the same per-address
// budget as /login: a few accounts cannot fill the logins in progress
// through them.
func TestEveryLoginPerAddress(t *testing.T) {
	// Two logins through /login and /callback, from the tests' own address.
	e := newEnv(t, envOptions{config: func(c *config.Config) { c.LoginRatePerMinute = 4; c.ProxyHops = 1 }})
	walt, ines := e.login(t, "walt"), e.login(t, "ines")
	page := e.friends(t, walt, ines)
	const from = "203.0.113.50"
	top := url.Values{"key": {formKey(t, walt, e.appURL+"/playlists", "/playlists/top")}, "range": {"short_term"}}
	blend := url.Values{"key": {formKey(t, walt, e.appURL+page+"?period=all_time", page+"/blend")}, "period": {"all_time"}}
	c := noRedirects(walt)
	post := func(path string, form url.Values) (int, *http.Response) {
		status, _, res := postForm(t, c, e.appURL+path, form, "X-Forwarded-For", from)
		return status, res
	}
	for i, p := range []struct {
		path string
		form url.Values
	}{{"/playlists/top", top}, {page + "/blend", blend}, {"/playlists/top", top}, {page + "/blend", blend}} {
		if status, res := post(p.path, p.form); status != http.StatusFound || !strings.HasPrefix(res.Header.Get("Location"), e.simURL+"/authorize") {
			t.Fatalf("login %d through %s: %d %s", i+1, p.path, status, res.Header.Get("Location"))
		}
	}
	before := e.count(t, "SELECT count(*) FROM euterpe.login_states")
	for _, path := range []string{"/playlists/top", page + "/blend"} {
		form := map[bool]url.Values{true: top, false: blend}[path == "/playlists/top"]
		if status, res := post(path, form); status != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
			t.Errorf("a 5th login in a minute through %s: %d", path, status)
		}
	}
	if status, _, _ := get(t, c, e.appURL+"/login", "X-Forwarded-For", from); status != http.StatusTooManyRequests {
		t.Errorf("/login after the forms spent the budget: %d", status)
	}
	if n := e.count(t, "SELECT count(*) FROM euterpe.login_states"); n != before {
		t.Errorf("%d logins in progress after the refusals, %d before", n, before)
	}
	// Another address has its own budget.
	if status, _, _ := postForm(t, c, e.appURL+"/playlists/top", top, "X-Forwarded-For", "203.0.113.51"); status != http.StatusFound {
		t.Errorf("another address: %d", status)
	}
}

// TestPendingLoginsPerUser: one user has at most auth.MaxPendingLoginsPerUser
// logins in progress, however many they start: each new one replaces their
// oldest, and the newest works; someone else's are left alone.
func TestPendingLoginsPerUser(t *testing.T) {
	e := newEnv(t, envOptions{})
	walt, ines := e.login(t, "walt"), e.login(t, "ines")
	// Someone else's login in progress is left alone.
	if status, _, _ := get(t, noRedirects(ines), e.appURL+"/login"); status != http.StatusFound {
		t.Fatalf("ines's login: %d", status)
	}
	form := url.Values{"key": {formKey(t, walt, e.appURL+"/playlists", "/playlists/top")}, "range": {"short_term"}}
	for i := range 60 {
		if status, _, _ := postForm(t, noRedirects(walt), e.appURL+"/playlists/top", form); status != http.StatusFound {
			t.Fatalf("post %d: %d", i+1, status)
		}
	}
	pending := func() (mine, all int) {
		return e.count(t, `SELECT count(*) FROM euterpe.login_states s JOIN euterpe.users u ON u.id = s.user_id
			WHERE u.spotify_user_id = 'walt'`), e.count(t, "SELECT count(*) FROM euterpe.login_states")
	}
	if mine, all := pending(); mine != auth.MaxPendingLoginsPerUser || all != mine+1 {
		t.Errorf("60 posts of one user: %d logins of theirs in progress, %d in all", mine, all)
	}
	if _, _, res := get(t, noRedirects(walt), e.appURL+"/login"); res.StatusCode != http.StatusFound {
		t.Errorf("walt's /login: %d", res.StatusCode)
	}
	if mine, all := pending(); mine != auth.MaxPendingLoginsPerUser || all != mine+1 {
		t.Errorf("a login after the posts: %d logins of theirs in progress, %d in all", mine, all)
	}
	back := e.grantThroughForm(t, walt, "walt", "/playlists/top", form, "accept")
	if back.Path != "/playlists" || back.Query().Get("permission") != "granted" {
		t.Errorf("the newest login, followed: %s", back)
	}
}
