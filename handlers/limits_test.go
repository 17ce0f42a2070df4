package handlers

import (
	"net/http"
	"strings"
	"testing"

	"github.com/euterpe-dev/euterpe/config"
)

func TestPerUserRateLimit(t *testing.T) {
	e := newEnv(t, envOptions{config: func(c *config.Config) { c.RateLimitPerMinute = 5 }})
	ls := e.listeners(t)
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
