package e2e

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/euterpe-dev/euterpe/internal/testdb"
)

// subPath is where the proxy of TestUnderASubPath serves Euterpe.
const subPath = "/euterpe"

// Euterpe behind a reverse proxy at a sub-path (BASE_URL
// http://proxy/euterpe), as self-hosters run it beside other apps: the
// proxy passes /euterpe/… on as it is and refuses everything else. A
// person logs in, switches the range, opens History, the year in review,
// Trends and the share links, installs the service worker and logs out —
// and no page, panel, script, redirect or cookie ever leaves the sub-path.
func TestUnderASubPath(t *testing.T) {
	t.Parallel()
	skipIfRequested(t)
	appAddr, simAddr := freeAddr(t), freeAddr(t)
	app, _ := url.Parse("http://" + appAddr)
	forward := httputil.NewSingleHostReverseProxy(app)
	var mu sync.Mutex
	var outside []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != subPath && !strings.HasPrefix(r.URL.Path, subPath+"/") {
			mu.Lock()
			outside = append(outside, r.Method+" "+r.URL.RequestURI())
			mu.Unlock()
			http.NotFound(w, r)
			return
		}
		forward.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)
	d, _ := launchDemo(t, binary(t), testdb.Create(t), appAddr, simAddr, "--base-url", proxy.URL+subPath)
	if d.Base != subPath {
		t.Fatalf("the demo's base path is %q", d.Base)
	}

	p := newPerson(t, "walt")
	p.do(t, setTimezone("UTC"), logIn(d, "walt"), panelsLoaded)
	p.do(t,
		chromedp.Click(`//nav[@aria-label="Time range"]//a[normalize-space()="Last 6 months"]`),
		loaded("the dashboard's 6 months", `location.pathname === "`+subPath+`/" && location.search.includes("range=")`),
		panelsLoaded,
		chromedp.Click(chromedp.CSS(`.user-nav a[href="`+subPath+`/history"]`)),
		loaded("the History page", `location.pathname === "`+subPath+`/history" && !!document.querySelector(".history-actions")`),
		chromedp.Click(chromedp.CSS(`.history-actions a[href^="`+subPath+`/year/"]`)),
		loaded("the year in review", `location.pathname.startsWith("`+subPath+`/year/") && !!document.querySelector(".year-hero h1")`),
		chromedp.Navigate(d.URL+"/trends"),
		loaded("the Trends page", `!!document.querySelector("#panel-monthly") && !document.querySelector('[aria-busy="true"], .htmx-request')`),
		chromedp.Navigate(d.URL+"/shares"),
		loaded("the share links", `!!document.querySelector('form[action="`+subPath+`/shares"]')`),
	)

	// Every link and form of the pages seen is under the sub-path.
	for _, page := range []string{"/", "/history", "/trends", "/shares", "/friends"} {
		p.do(t, chromedp.Navigate(d.URL+page), loaded("the page "+page, `!!document.querySelector("main")`))
		bad := eval[[]string](t, p, `[...document.querySelectorAll("a[href], form[action], link[href], script[src], img[src], [hx-get], [hx-post]")]
			.map((e) => e.getAttribute("href") || e.getAttribute("action") || e.getAttribute("src") || e.getAttribute("hx-get") || e.getAttribute("hx-post"))
			.filter((u) => u.startsWith("/") && !u.startsWith("`+subPath+`/"))`)
		if len(bad) != 0 {
			t.Errorf("%s links outside the sub-path: %q", page, bad)
		}
	}

	// The web app: its manifest and service worker are the sub-path's.
	type manifest struct {
		StartURL string `json:"start_url"`
		Scope    string `json:"scope"`
		Icons    []struct {
			Src string `json:"src"`
		} `json:"icons"`
	}
	m := eval[manifest](t, p, `fetch(document.querySelector('link[rel="manifest"]').href).then((r) => r.json())`)
	if m.StartURL != subPath+"/" || m.Scope != subPath+"/" || len(m.Icons) == 0 || !strings.HasPrefix(m.Icons[0].Src, subPath+"/static/") {
		t.Errorf("the manifest: %+v", m)
	}
	p.do(t, waitFor("the service worker to control the page", `"serviceWorker" in navigator && !!navigator.serviceWorker.controller`))
	if scope := eval[string](t, p, `navigator.serviceWorker.getRegistration().then((r) => r ? r.scope : "")`); scope != d.URL+"/" {
		t.Errorf("the service worker's scope is %q, want %q", scope, d.URL+"/")
	}

	// The session cookie is the sub-path's alone.
	cookies := eval[string](t, p, `fetch("`+subPath+`/").then(() => document.cookie)`)
	if strings.Contains(cookies, "euterpe_session") {
		t.Errorf("the session cookie is readable by scripts: %q", cookies)
	}

	p.do(t,
		chromedp.Navigate(d.URL+"/"),
		loaded("the dashboard", `!!document.querySelector(".logout-form button")`),
		chromedp.Click(chromedp.CSS(`.logout-form button[type="submit"]`)),
		loaded("the page after logging out", `location.pathname === "`+subPath+`/login" && !!document.querySelector('.user-nav a[href="`+subPath+`/login"]')`),
	)

	mu.Lock()
	defer mu.Unlock()
	if len(outside) != 0 {
		t.Errorf("requests outside the sub-path reached the proxy: %q", outside)
	}
}
