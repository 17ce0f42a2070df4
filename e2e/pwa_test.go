package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/euterpe-dev/euterpe/internal/testdb"
)

// Chromium finds Euterpe installable: the page links a manifest that parses
// without errors, with Euterpe's name, start_url, display and icons, and
// Chromium's own installability check reports nothing missing once the
// service worker has registered.
func TestInstallable(t *testing.T) {
	t.Parallel()
	app := startDemo(t)
	// Chromium does not offer to install from a private window.
	p := newProfilePerson(t, "installer")
	p.do(t,
		chromedp.Navigate(app.URL+"/"),
		waitFor("the landing page", `!!document.querySelector('.user-nav a[href="/login"]')`),
	)
	if got := eval[string](t, p, `document.querySelector('link[rel="manifest"]').href`); got != app.URL+"/manifest.webmanifest" {
		t.Errorf("the manifest link is %q", got)
	}
	waitForServiceWorker(t, p)

	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	var manifest page.GetAppManifestResult
	var installability page.GetInstallabilityErrorsResult
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		var err error
		if manifest, err = cdp.Call(ctx, tg, page.GetAppManifest, page.GetAppManifestParams{}); err != nil {
			return fmt.Errorf("Page.getAppManifest: %w", err)
		}
		if installability, err = cdp.Call(ctx, tg, page.GetInstallabilityErrors, cdp.Empty{}); err != nil {
			return fmt.Errorf("Page.getInstallabilityErrors: %w", err)
		}
		return nil
	})); err != nil {
		t.Fatal(err)
	}
	if manifest.URL != app.URL+"/manifest.webmanifest" {
		t.Errorf("Chromium read the manifest at %q", manifest.URL)
	}
	for _, e := range manifest.Errors {
		t.Errorf("manifest error (line %d, column %d, critical %d): %s", e.Line, e.Column, e.Critical, e.Message)
	}
	if m := manifest.Manifest; m == nil {
		t.Errorf("Chromium parsed no manifest from %s", manifest.Data)
	} else {
		// Chromium names display modes as its enum does: kStandalone.
		if m.Name != "Euterpe" || !strings.EqualFold(strings.TrimPrefix(m.Display, "k"), "standalone") || m.StartURL != app.URL+"/" || m.Scope != app.URL+"/" {
			t.Errorf("Chromium read name %q, display %q, start_url %q, scope %q", m.Name, m.Display, m.StartURL, m.Scope)
		}
		var icons []string
		for _, ic := range m.Icons {
			name := ic.URL[strings.LastIndex(ic.URL, "/")+1:]
			icons = append(icons, ic.Sizes+" "+strings.Split(name, "?")[0])
		}
		for _, want := range []string{"192x192 icon-192.png", "512x512 icon-512.png", "512x512 icon-maskable-512.png"} {
			if !slices.Contains(icons, want) {
				t.Errorf("Chromium sees no %s icon among %q", want, icons)
			}
		}
	}
	for _, e := range installability.InstallabilityErrors {
		var args []string
		for _, a := range e.ErrorArguments {
			args = append(args, a.Name+"="+a.Value)
		}
		t.Errorf("Chromium says Euterpe is not installable: %s %v", e.ErrorID, args)
	}
}

// waitForServiceWorker waits until the service worker controls the page.
func waitForServiceWorker(t *testing.T, p *person) {
	t.Helper()
	p.do(t, waitFor("the service worker to control the page",
		`"serviceWorker" in navigator && !!navigator.serviceWorker.controller`))
	if got := eval[string](t, p, `navigator.serviceWorker.getRegistration().then((r) => r ? r.scope : "")`); !strings.HasSuffix(got, "/") || strings.Count(got, "/") != 3 {
		t.Errorf("the service worker's scope is %q, want the whole site", got)
	}
}

// cacheContents lists every cache on the page's origin and the URLs it
// holds, paths and queries only.
const cacheContents = `(async () => {
	const out = {};
	for (const name of await caches.keys()) {
		const reqs = await (await caches.open(name)).keys();
		out[name] = reqs.map((r) => { const u = new URL(r.url); return u.pathname + u.search; }).sort();
	}
	return out;
})()`

// The service worker at work, over a deploy:
//   - signed in and browsing (dashboard, panels, History, JSON), the cache
//     holds the shell and the offline page and nothing else, and the offline
//     page in it names no one;
//   - with the server stopped, a reload shows the offline page, styled from
//     the cache, at the address the person was on;
//   - a new build on the same address (another stylesheet, so other
//     fingerprints) replaces the worker, and the old cache is deleted.
func TestServiceWorkerOfflineAndUpdate(t *testing.T) {
	t.Parallel()
	skipIfRequested(t)
	dbURL := testdb.Create(t)
	appAddr, simAddr := freeAddr(t), freeAddr(t)
	// Built first: the build takes a while, the app is stopped only briefly.
	next := buildWithStylesheetChange(t)
	app, stop := launchDemo(t, binary(t), dbURL, appAddr, simAddr)

	p := newPerson(t, "dex")
	p.do(t, logIn(app, "dex"), panelsLoaded)
	waitForServiceWorker(t, p)
	name := eval[string](t, p, userName)
	oldCache := serviceWorkerCache(t, app.URL)

	// Browse what a signed-in person sees, and fetch JSON as a script would.
	p.do(t,
		chromedp.Navigate(app.URL+"/history"),
		waitFor("the History page", `!!document.querySelector("[data-time-zone]")`),
		chromedp.Navigate(app.URL+"/history/import"),
		waitFor("the import page", `!!document.querySelector("main h1")`),
		chromedp.Navigate(app.URL+"/?range=long_term"),
		panelsLoaded,
	)
	eval[int](t, p, `fetch("/top_songs?time_range=long_term").then((r) => r.status)`)
	want := map[string][]string{oldCache: precacheOf(t, app.URL)}
	slices.Sort(want[oldCache])
	if got := eval[map[string][]string](t, p, cacheContents); !mapsEqual(got, want) {
		t.Errorf("after browsing signed in, the caches hold\n%q\nwant only the shell\n%q", got, want)
	}
	if offline := eval[string](t, p, `caches.match("/offline").then((r) => r.text())`); strings.Contains(offline, strings.TrimPrefix(name, "Signed in as ")) || !strings.Contains(offline, "You are offline") {
		t.Errorf("the cached offline page is not the anonymous one:\n%.500s", offline)
	}

	// The server goes away; the person reloads.
	stop()
	p.do(t,
		chromedp.Reload(),
		waitFor("the offline page", `!!document.querySelector("[data-offline]")`),
	)
	if got := eval[string](t, p, `location.pathname + location.search`); got != "/?range=long_term" {
		t.Errorf("the offline page shows at %s, want the address the person was on", got)
	}
	if got := eval[string](t, p, `getComputedStyle(document.querySelector(".button--primary")).borderTopLeftRadius`); got == "0px" {
		t.Error("the offline page is unstyled: the stylesheet did not come from the cache")
	}
	if eval[bool](t, p, `!!document.querySelector(".user-name, section.panel")`) {
		t.Error("the offline page shows signed-in content")
	}
	p.screenshotPage(t, "offline")

	// A new build comes up on the same address; the person comes back.
	app2, _ := launchDemo(t, next, dbURL, appAddr, simAddr)
	newCache := serviceWorkerCache(t, app2.URL)
	if newCache == oldCache {
		t.Fatalf("the new build's cache has the old name %s", oldCache)
	}
	p.do(t,
		chromedp.Navigate(app2.URL+"/"),
		waitFor("the landing page of the new build", `!!document.querySelector('.user-nav a[href="/login"]')`),
	)
	p.do(t, waitForPromise("only the new build's cache "+newCache+" (the old one is "+oldCache+")",
		`caches.keys().then((k) => k.length === 1 && k[0] === `+jsString(newCache)+`)`))
	want = map[string][]string{newCache: precacheOf(t, app2.URL)}
	slices.Sort(want[newCache])
	if got := eval[map[string][]string](t, p, cacheContents); !mapsEqual(got, want) {
		t.Errorf("after the update the caches hold\n%q\nwant\n%q", got, want)
	}
	if got := eval[string](t, p, `document.querySelector('link[rel="stylesheet"]').getAttribute("href")`); !slices.Contains(want[newCache], got) {
		t.Errorf("the page links %s, which the new cache does not hold", got)
	}
}

// waitForPromise is waitFor for a condition that is a promise.
func waitForPromise(what, condition string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		deadline := time.Now().Add(waitTimeout)
		var last error
		for {
			ok, err := chromedp.Evaluate[bool](condition, chromedp.EvalAwaitPromise)(ctx, tg)
			switch {
			case err == nil && ok:
				return nil
			case err != nil:
				last = err
			}
			if time.Now().After(deadline) {
				if last != nil {
					return fmt.Errorf("timed out waiting for %s (last error: %w)", what, last)
				}
				return fmt.Errorf("timed out waiting for %s", what)
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("waiting for %s: %w", what, ctx.Err())
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
}

// buildWithStylesheetChange builds euterpe as the next release would be:
// the same code with one more line in app.css, so its assets' fingerprints
// and so its service worker's cache differ.
func buildWithStylesheetChange(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	css, err := os.ReadFile(filepath.Join(suite.repoRoot, "views", "static", "app.css"))
	if err != nil {
		t.Fatal(err)
	}
	changed := filepath.Join(dir, "app.css")
	if err := os.WriteFile(changed, append(css, "\n/* the next release */\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	overlay, _ := json.Marshal(map[string]map[string]string{
		"Replace": {filepath.Join(suite.repoRoot, "views", "static", "app.css"): changed},
	})
	overlayFile := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "euterpe-next")
	build := exec.Command("go", "build", "-overlay", overlayFile, "-o", bin, "./cmd/euterpe")
	build.Dir = suite.repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build the next release: %v\n%s", err, out)
	}
	return bin
}

var swBuild = regexp.MustCompile(`(?m)^const BUILD = (\{.*\});$`)

// serviceWorkerBuild reads the build line of the app's /sw.js.
func serviceWorkerBuild(t *testing.T, appURL string) (cache string, precache []string) {
	t.Helper()
	res, err := http.Get(appURL + "/sw.js")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	m := swBuild.FindSubmatch(body)
	if m == nil {
		t.Fatalf("/sw.js has no build line:\n%.300s", body)
	}
	var b struct {
		Cache    string   `json:"cache"`
		Precache []string `json:"precache"`
	}
	if err := json.Unmarshal(m[1], &b); err != nil {
		t.Fatal(err)
	}
	return b.Cache, b.Precache
}

func serviceWorkerCache(t *testing.T, appURL string) string {
	c, _ := serviceWorkerBuild(t, appURL)
	return c
}

func precacheOf(t *testing.T, appURL string) []string {
	_, p := serviceWorkerBuild(t, appURL)
	return p
}

func mapsEqual(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !slices.Equal(v, w) {
			return false
		}
	}
	return true
}
