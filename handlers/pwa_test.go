package handlers

import (
	"bytes"
	"encoding/json"
	"image/png"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/euterpe-dev/euterpe/views"
)

// manifestJSON is what the test reads of /manifest.webmanifest.
type manifestJSON struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	ShortName       string `json:"short_name"`
	StartURL        string `json:"start_url"`
	Scope           string `json:"scope"`
	Display         string `json:"display"`
	ThemeColor      string `json:"theme_color"`
	BackgroundColor string `json:"background_color"`
	ColorSchemeDark struct {
		ThemeColor      string `json:"theme_color"`
		BackgroundColor string `json:"background_color"`
	} `json:"color_scheme_dark"`
	Icons []struct {
		Src, Sizes, Type, Purpose string
	} `json:"icons"`
}

// Every page links the manifest; the manifest has what Chromium needs to
// install Euterpe (a name, start_url and scope /, display standalone, PNG
// icons of 192 and 512 px) plus a maskable icon and colours for light and
// dark, and each icon it lists is a PNG of the size it claims.
func TestManifestMakesEuterpeInstallable(t *testing.T) {
	e := newEnv(t, envOptions{})
	anon := e.browser(t)
	signedIn := e.login(t, "kiko")
	for _, c := range []struct {
		name string
		c    *http.Client
		path string
	}{{"landing", anon, "/"}, {"dashboard", signedIn, "/"}, {"history", signedIn, "/history"}, {"offline", anon, "/offline"}} {
		page := doc(t, mustGet(t, c.c, e.appURL+c.path))
		if got := page.Find(`link[rel="manifest"]`).AttrOr("href", ""); got != "/manifest.webmanifest" {
			t.Errorf("%s links the manifest at %q", c.name, got)
		}
		for scheme, want := range map[string]string{"light": views.ThemeColorLight, "dark": views.ThemeColorDark} {
			sel := `meta[name="theme-color"][media="(prefers-color-scheme: ` + scheme + `)"]`
			if got := page.Find(sel).AttrOr("content", ""); got != want {
				t.Errorf("%s: %s theme-color %q, want %q", c.name, scheme, got, want)
			}
		}
		if href := page.Find(`link[rel="apple-touch-icon"]`).AttrOr("href", ""); href != views.AssetURL("apple-touch-icon.png") {
			t.Errorf("%s: apple-touch-icon %q", c.name, href)
		}
	}

	status, body, res := get(t, anon, e.appURL+"/manifest.webmanifest")
	if status != http.StatusOK || res.Header.Get("Content-Type") != "application/manifest+json" {
		t.Fatalf("/manifest.webmanifest: %d %s", status, res.Header.Get("Content-Type"))
	}
	var m manifestJSON
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("the manifest is not JSON: %v\n%s", err, body)
	}
	if m.Name != "Euterpe" || m.ShortName != "Euterpe" || m.StartURL != "/" || m.Scope != "/" || m.ID != "/" || m.Display != "standalone" {
		t.Errorf("manifest: %+v", m)
	}
	if m.ThemeColor != views.ThemeColorLight || m.BackgroundColor != views.ThemeColorLight ||
		m.ColorSchemeDark.ThemeColor != views.ThemeColorDark || m.ColorSchemeDark.BackgroundColor != views.ThemeColorDark {
		t.Errorf("manifest colours: %+v", m)
	}
	var kinds []string
	for _, ic := range m.Icons {
		status, img, res := get(t, anon, e.appURL+ic.Src)
		if status != http.StatusOK || res.Header.Get("Content-Type") != "image/png" || ic.Type != "image/png" {
			t.Errorf("icon %s: %d %s (declared %s)", ic.Src, status, res.Header.Get("Content-Type"), ic.Type)
			continue
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(img))
		if err != nil {
			t.Errorf("icon %s: %v", ic.Src, err)
			continue
		}
		if got := itoaSize(cfg.Width, cfg.Height); got != ic.Sizes {
			t.Errorf("icon %s is %s, the manifest says %s", ic.Src, got, ic.Sizes)
		}
		if res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("icon %s: Cache-Control %q", ic.Src, res.Header.Get("Cache-Control"))
		}
		kinds = append(kinds, ic.Sizes+" "+ic.Purpose)
	}
	for _, want := range []string{"192x192 any", "512x512 any", "512x512 maskable"} {
		if !slices.Contains(kinds, want) {
			t.Errorf("the manifest has no %s icon: %q", want, kinds)
		}
	}
}

func itoaSize(w, h int) string { return strconv.Itoa(w) + "x" + strconv.Itoa(h) }

var buildLine = regexp.MustCompile(`(?m)^const BUILD = (\{.*\});$`)

// /sw.js is a script for the whole site that names its cache and what it
// keeps: the offline page and the shell (CSS, JS, the mark) at this build's
// URLs — nothing signed-in. Each of them answers without a session, and the
// offline page names no one even when a signed-in browser asks for it.
func TestServiceWorkerKeepsOnlyTheShell(t *testing.T) {
	e := newEnv(t, envOptions{})
	signedIn := e.login(t, "amara")
	status, body, res := get(t, signedIn, e.appURL+"/sw.js")
	if status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/javascript") {
		t.Fatalf("/sw.js: %d %s", status, res.Header.Get("Content-Type"))
	}
	if got := res.Header.Get("Cache-Control"); got != "no-cache" {
		t.Errorf("/sw.js: Cache-Control %q: browsers must see a new version at once", got)
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"worker-src 'self'", "manifest-src 'self'", "script-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("the CSP has no %s: %s", want, csp)
		}
	}
	mt := buildLine.FindSubmatch(body)
	if mt == nil {
		t.Fatalf("/sw.js does not start with its build:\n%.300s", body)
	}
	var build struct {
		Cache    string   `json:"cache"`
		Offline  string   `json:"offline"`
		Precache []string `json:"precache"`
	}
	if err := json.Unmarshal(mt[1], &build); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^euterpe-[0-9a-f]{16}$`).MatchString(build.Cache) || build.Offline != "/offline" {
		t.Errorf("build: %+v", build)
	}
	want := append([]string{"/offline"}, views.ShellAssets()...)
	if !slices.Equal(build.Precache, want) {
		t.Errorf("the worker keeps %q, want %q", build.Precache, want)
	}
	for _, name := range []string{"app.css", "app.js", "htmx.min.js", "favicon.svg"} {
		if !slices.Contains(build.Precache, views.AssetURL(name)) {
			t.Errorf("the worker does not keep %s", views.AssetURL(name))
		}
	}
	for _, u := range build.Precache {
		if u != "/offline" && !strings.HasPrefix(u, "/static/") {
			t.Errorf("the worker keeps %s, which is not part of the shell", u)
		}
		if strings.HasSuffix(strings.Split(u, "?")[0], ".png") || strings.Contains(u, "README") {
			t.Errorf("the worker keeps %s, which no page needs offline", u)
		}
		anon := e.browser(t)
		if status, _, _ := get(t, anon, e.appURL+u); status != http.StatusOK {
			t.Errorf("%s answers %d without a session: the worker cannot install", u, status)
		}
	}

	_, offline, res := get(t, signedIn, e.appURL+"/offline")
	page := doc(t, offline)
	if page.Find(".user-name, form[action=\"/logout\"], a[href=\"/login\"]").Length() != 0 || bytes.Contains(offline, []byte("Amara")) {
		t.Errorf("the offline page, asked for signed in, names or serves the user:\n%s", offline)
	}
	if page.Find("[data-offline] h1").Text() != "You are offline" || page.Find("button[data-reload]").Length() != 1 {
		t.Errorf("the offline page says %q", page.Find("main").Text())
	}
	if res.Header.Get("Set-Cookie") != "" {
		t.Error("the offline page sets a cookie")
	}
}

// The cache's name follows what the worker keeps: the same build gives the
// same name (no needless re-download after a restart), another offline page
// another name.
func TestServiceWorkerCacheNameFollowsItsContent(t *testing.T) {
	a, b := newPWA(false, ""), newPWA(false, "")
	if a.cacheName != b.cacheName || !bytes.Equal(a.serviceWorker.raw, b.serviceWorker.raw) {
		t.Errorf("two routers of one build name the cache %s and %s", a.cacheName, b.cacheName)
	}
	demo := newPWA(true, "") // its offline page has the demo banner
	if demo.cacheName == a.cacheName {
		t.Errorf("another offline page kept the cache name %s", a.cacheName)
	}
	if !bytes.Contains(a.serviceWorker.raw, []byte(`"cache":"`+a.cacheName+`"`)) {
		t.Error("/sw.js does not carry the cache name")
	}
}
