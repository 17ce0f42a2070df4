package handlers

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// Behind a reverse proxy at a sub-path (BASE_URL https://…/euterpe): the
// login, pages, panels, redirects, cookies, share links, the manifest and
// the service worker all live under it, and nothing answers outside it.
func TestServedUnderABasePath(t *testing.T) {
	t.Parallel()
	const base = "/euterpe"
	e := newEnv(t, envOptions{base: base})
	origin := strings.TrimSuffix(e.appURL, base)
	c := e.login(t, "ines") // ends on e.appURL + "/", or fails

	status, body, _ := get(t, c, e.appURL+"/")
	d := doc(t, body)
	if status != http.StatusOK || d.Find(".user-name").Length() != 1 {
		t.Fatalf("the dashboard under %s: %d", base, status)
	}
	d.Find("a[href], form[action], link[href], script[src], [hx-get]").Each(func(_ int, s *goquery.Selection) {
		for _, attr := range []string{"href", "action", "src", "hx-get"} {
			if v := s.AttrOr(attr, ""); strings.HasPrefix(v, "/") && !strings.HasPrefix(v, base+"/") {
				t.Errorf("the dashboard has %s=%q, outside %s", attr, v, base)
			}
		}
	})
	if got := d.Find("html").AttrOr("data-base", "?"); got != base {
		t.Errorf("the page's data-base is %q", got)
	}
	var cookiePath string
	u, _ := url.Parse(e.appURL)
	for _, ck := range c.Jar.Cookies(u) {
		if strings.HasSuffix(ck.Name, "euterpe_session") {
			cookiePath = "found"
		}
	}
	if cookiePath == "" {
		t.Error("no session cookie is sent under the base path")
	}
	if root, _ := url.Parse(origin + "/"); len(c.Jar.Cookies(root)) != 0 {
		t.Errorf("cookies are sent outside the base path: %v", c.Jar.Cookies(root))
	}

	// Nothing outside the base path is Euterpe's; the bare base path goes
	// to its root.
	nr := noRedirects(c)
	if status, _, _ := get(t, nr, origin+"/history"); status != http.StatusNotFound {
		t.Errorf("%s/history outside the base path: %d, want 404", origin, status)
	}
	if status, _, res := get(t, nr, origin+base+"?range=long_term"); status != http.StatusPermanentRedirect || res.Header.Get("Location") != base+"/?range=long_term" {
		t.Errorf("the bare base path: %d → %q", status, res.Header.Get("Location"))
	}
	// Redirects stay under it: a page's, and HTMX's.
	if status, _, res := get(t, nr, e.appURL+"/year"); status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), base+"/year/") {
		t.Errorf("/year redirects to %q (%d)", res.Header.Get("Location"), status)
	}
	anon := e.anonymous(t)
	if _, _, res := get(t, anon, e.appURL+"/panels/top-songs", "HX-Request", "true"); res.Header.Get("HX-Redirect") != base+"/login?reason=expired" {
		t.Errorf("an anonymous panel's HX-Redirect is %q", res.Header.Get("HX-Redirect"))
	}

	// A share link is the site's address under the base path.
	_, shareBody, _ := postForm(t, c, e.appURL+"/shares", shareForm("dashboard", []string{"top-songs"}, "range", "short_term"))
	link := doc(t, shareBody).Find(".social-url").AttrOr("value", "")
	if !strings.HasPrefix(link, e.appURL+"/s/") {
		t.Fatalf("the share link is %q, want it under %s", link, e.appURL)
	}
	if status, _, _ := get(t, anon, link); status != http.StatusOK {
		t.Errorf("the share link answers %d", status)
	}

	// The installable app is the base path's.
	_, mbody, _ := get(t, anon, e.appURL+"/manifest.webmanifest")
	var m struct {
		StartURL string `json:"start_url"`
		Scope    string `json:"scope"`
	}
	if err := json.Unmarshal(mbody, &m); err != nil || m.StartURL != base+"/" || m.Scope != base+"/" {
		t.Errorf("the manifest: %+v %v", m, err)
	}
	if _, sw, _ := get(t, anon, e.appURL+"/sw.js"); !strings.Contains(string(sw), `"base":"`+base+`"`) || !strings.Contains(string(sw), `"offline":"`+base+`/offline"`) {
		t.Errorf("the service worker's build: %.300s", sw)
	}

	// Logging out ends under it too.
	if status, _, res := postForm(t, nr, e.appURL+"/logout", nil); status != http.StatusSeeOther || res.Header.Get("Location") != base+"/login?reason=logout" {
		t.Errorf("logout: %d → %q", status, res.Header.Get("Location"))
	}
}
