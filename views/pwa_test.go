package views

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The browser's bars take the page's background colour in each scheme.
func TestThemeColorsAreThePageBackground(t *testing.T) {
	css, err := Static.ReadFile("static/app.css")
	if err != nil {
		t.Fatal(err)
	}
	bg := regexp.MustCompile(`--bg:\s*(#[0-9a-fA-F]{6});`).FindAllSubmatch(css, -1)
	if len(bg) != 2 {
		t.Fatalf("app.css sets --bg %d times, want twice (light, then dark)", len(bg))
	}
	if got := string(bg[0][1]); !strings.EqualFold(got, ThemeColorLight) {
		t.Errorf("light --bg is %s, ThemeColorLight %s", got, ThemeColorLight)
	}
	if got := string(bg[1][1]); !strings.EqualFold(got, ThemeColorDark) {
		t.Errorf("dark --bg is %s, ThemeColorDark %s", got, ThemeColorDark)
	}
	dark := css[bytes.Index(css, []byte("prefers-color-scheme: dark")):]
	if !bytes.Contains(dark[:bytes.IndexByte(dark, '}')], bg[1][0]) {
		t.Error("the second --bg is not in the dark scheme's block")
	}
}

func TestOfflinePage(t *testing.T) {
	doc := render(t, OfflinePage(Page{Title: "Offline", Offline: true, Demo: true}))
	if doc.Find("nav.user-nav, .user-name, a[href=\"/login\"], form[action=\"/logout\"]").Length() != 0 {
		t.Error("the offline page has account links, which need the network and a session")
	}
	if doc.Find("a.brand[href=\"/\"]").Length() != 1 {
		t.Error("the offline page lost the link home")
	}
	sec := doc.Find("main [data-offline]")
	if text(sec.Find("h1")) != "You are offline" || sec.Find(`button[type="button"][data-reload]`).Length() != 1 {
		t.Errorf("offline page: %s", outer(sec))
	}
	if doc.Find(`link[rel="manifest"]`).Length() != 1 || doc.Find(".demo-banner").Length() != 1 {
		t.Error("the offline page is not in the usual layout")
	}
	// Everywhere else the navigation is there.
	if render(t, Layout(Page{})).Find("nav.user-nav").Length() != 1 {
		t.Error("a page that is not offline has no navigation")
	}
}

func TestWebAppManifest(t *testing.T) {
	var m map[string]any
	if err := json.Unmarshal(WebAppManifest(""), &m); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{"name": "Euterpe", "short_name": "Euterpe", "start_url": "/",
		"scope": "/", "id": "/", "display": "standalone", "theme_color": ThemeColorLight} {
		if m[k] != want {
			t.Errorf("manifest %s = %v, want %v", k, m[k], want)
		}
	}
	icons, _ := m["icons"].([]any)
	if len(icons) != len(AppIcons()) {
		t.Fatalf("manifest icons: %v", m["icons"])
	}
	for i, ic := range AppIcons() {
		got := icons[i].(map[string]any)
		if got["src"] != AssetURL(ic.Name) || !strings.Contains(got["src"].(string), "?v=") {
			t.Errorf("icon %d: src %v, want the fingerprinted %s", i, got["src"], AssetURL(ic.Name))
		}
		if _, err := Static.ReadFile("static/" + ic.Name); err != nil {
			t.Errorf("icon %s: %v (go run ./internal/cmd/icons)", ic.Name, err)
		}
	}
}

// The worker keeps the files pages load, at their fingerprinted URLs, and
// not the icons or the README.
func TestShellAssets(t *testing.T) {
	got := ShellAssets()
	for _, name := range []string{"app.css", "app.js", "htmx.min.js", "favicon.svg"} {
		if !slices.Contains(got, AssetURL(name)) {
			t.Errorf("the shell has no %s: %q", name, got)
		}
	}
	for _, u := range got {
		if !strings.Contains(u, "?v=") || strings.Contains(u, ".png") || strings.Contains(u, ".md") {
			t.Errorf("the shell has %s", u)
		}
	}
	if !slices.IsSorted(got) {
		t.Errorf("the shell is not sorted, so the worker's bytes could change from run to run: %q", got)
	}
}

func TestServiceWorkerNamesItsCacheByContent(t *testing.T) {
	sw1, name1 := ServiceWorker([]byte("<p>offline</p>"), "")
	sw2, name2 := ServiceWorker([]byte("<p>offline</p>"), "")
	_, name3 := ServiceWorker([]byte("<p>offline, reworded</p>"), "")
	if name1 != name2 || !bytes.Equal(sw1, sw2) {
		t.Error("the same build gives two service workers")
	}
	if name1 == name3 {
		t.Error("another offline page kept the cache's name: browsers would keep the old page")
	}
	if !bytes.HasPrefix(sw1, []byte("// This build")) || !bytes.Contains(sw1, []byte(`const BUILD = {"base":"","cache":"`+name1+`"`)) {
		t.Errorf("service worker starts %.200s", sw1)
	}
	if !bytes.HasSuffix(sw1, serviceWorkerSource) {
		t.Error("the service worker's source is not served whole")
	}
}

// Under a base path, everything the worker keeps and its offline page are
// the base path's, and so is the manifest.
func TestWebAppUnderABasePath(t *testing.T) {
	sw, _ := ServiceWorker([]byte("<p>offline</p>"), "/euterpe")
	line := strings.SplitN(string(sw), "\n", 3)[1]
	var build serviceWorkerBuild
	if err := json.Unmarshal([]byte(strings.TrimSuffix(strings.TrimPrefix(line, "const BUILD = "), ";")), &build); err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	if build.Base != "/euterpe" || build.Offline != "/euterpe/offline" || len(build.Precache) < 2 {
		t.Fatalf("the worker's build: %+v", build)
	}
	for _, u := range build.Precache {
		if !strings.HasPrefix(u, "/euterpe/") {
			t.Errorf("the worker keeps %q, outside the base path", u)
		}
	}
	var m webAppManifest
	if err := json.Unmarshal(WebAppManifest("/euterpe"), &m); err != nil {
		t.Fatal(err)
	}
	if m.ID != "/euterpe/" || m.StartURL != "/euterpe/" || m.Scope != "/euterpe/" || !strings.HasPrefix(m.Icons[0].Src, "/euterpe/static/") {
		t.Errorf("the manifest under /euterpe: %+v", m)
	}
}
