package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A panel whose Spotify call fails shows why, with a Retry button; once
// Spotify answers again, Retry loads the panel. The other panels load
// meanwhile.
func TestFailedPanelRetries(t *testing.T) {
	t.Parallel()
	app := startDemo(t) // its own simulator: faults apply to everyone using it
	// Before the first dashboard load, so that no cached answer hides the
	// fault (the app caches each user's Spotify answers for 5 minutes).
	// 500, not 429: a 429 pauses all of the user's Spotify calls.
	app.sim(t, "POST", "/_sim/faults", fault{Status: 500, Count: -1, PathPrefix: "/v1/me/top/artists"})

	p := newPerson(t, "walt")
	p.do(t, logIn(app, "walt"), panelsLoaded)

	const state = `(() => { const s = document.querySelector("#panel-top-artists");
		return s.classList.contains("panel--error") ? "error: " + s.querySelector(".panel-error").textContent.trim() : "loaded"; })()`
	got := eval[string](t, p, state)
	if !strings.HasPrefix(got, "error: ") || !strings.Contains(got, "Spotify") {
		t.Fatalf("with Spotify failing, the top artists panel is %q, want its error state", got)
	}
	if !eval[bool](t, p, `!!document.querySelector("#panel-top-artists button.retry")`) {
		t.Fatal("the top artists panel's error state has no Retry button")
	}
	if eval[bool](t, p, `document.querySelector("#panel-top-songs").classList.contains("panel--error")`) {
		t.Error("the top songs panel failed too, though only top artists are faulted")
	}

	app.sim(t, "DELETE", "/_sim/faults", nil)
	p.do(t,
		chromedp.Click(chromedp.CSS("#panel-top-artists button.retry")),
		waitFor("the top artists panel to load after Retry",
			`(() => { const s = document.querySelector("#panel-top-artists");
				return !!s && !s.classList.contains("panel--error") && !!s.querySelector(".artist-grid"); })()`),
	)

	// Every other panel that needed top artists recovers the same way.
	for _, id := range eval[[]string](t, p, `[...document.querySelectorAll("section.panel--error")].map((s) => s.id)`) {
		p.do(t,
			chromedp.Click(chromedp.CSS("#"+id+" button.retry")),
			waitFor("#"+id+" to load after Retry",
				`(() => { const s = document.getElementById("`+id+`"); return !!s && !s.classList.contains("panel--error") && !s.getAttribute("aria-busy"); })()`),
		)
	}
	p.do(t, panelsLoaded)
}

// The grant is revoked on Spotify's side while the dashboard is open: the
// next panel that needs Spotify lands the person on "Please log in again",
// and they are logged out.
func TestRevokedGrantAsksToLogInAgain(t *testing.T) {
	t.Parallel()
	app := startDemo(t)
	p := newPerson(t, "amara")
	p.do(t, logIn(app, "amara"), panelsLoaded)

	app.sim(t, "POST", "/_sim/revoke?listener=amara", nil)
	// The 6-month range is not cached yet, so its panels must ask Spotify.
	p.do(t,
		chromedp.Click(`//nav[@aria-label="Time range"]//a[normalize-space()="Last 6 months"]`),
		waitFor(`the "Please log in again" page`,
			`location.pathname === "/login" && !!document.querySelector('[role="status"]') &&
				document.querySelector('[role="status"]').textContent.includes("Please log in again")`),
	)
	if got := eval[string](t, p, `location.search`); got != "?reason=expired" {
		t.Errorf("landed on /login%s, want /login?reason=expired", got)
	}
	if eval[bool](t, p, `!!document.querySelector(".user-name")`) {
		t.Error(`the "Please log in again" page still shows a signed-in user`)
	}
	// The session is over, not just this page: the dashboard is gone.
	p.do(t, chromedp.Navigate(app.URL+"/"))
	if eval[bool](t, p, `!!document.querySelector(".user-name, section.panel")`) {
		t.Error("after the grant was revoked, / still shows the dashboard")
	}
}

// Logging out lands on the login page, and Back does not bring the
// dashboard's data back.
func TestLogoutAndBack(t *testing.T) {
	t.Parallel()
	app := startDemo(t)
	p := newPerson(t, "ines")
	p.do(t, logIn(app, "ines"), panelsLoaded)
	name := eval[string](t, p, userName)
	songs := eval[[]string](t, p, topSongsShown)
	if len(songs) == 0 {
		t.Fatal("the dashboard shows no top songs")
	}

	p.do(t,
		chromedp.Click(chromedp.CSS(`.logout-form button[type="submit"]`)),
		waitFor("the page after logging out",
			`location.pathname === "/login" && !!document.querySelector('.user-nav a[href="/login"]')`),
	)
	if got := eval[string](t, p, `(document.querySelector('[role="status"]') || {textContent: ""}).textContent.trim()`); got != "You have logged out." {
		t.Errorf("after logging out the notice says %q", got)
	}

	p.do(t, chromedp.NavigateBack())
	p.do(t, waitFor("the page Back shows to be ready", `document.readyState === "complete"`))
	body := eval[string](t, p, `document.documentElement.outerHTML`)
	for _, leak := range append([]string{name, strings.TrimPrefix(name, "Signed in as ")}, songs[0]) {
		if strings.Contains(body, leak) {
			t.Errorf("after logout, Back shows the dashboard's data (%q) at %s", leak, eval[string](t, p, `location.href`))
		}
	}
	if !eval[bool](t, p, `!!document.querySelector('.user-nav a[href="/login"]')`) {
		t.Errorf("after logout, Back does not show the logged-out page: %s", eval[string](t, p, `document.body.innerText.slice(0, 300)`))
	}
}
