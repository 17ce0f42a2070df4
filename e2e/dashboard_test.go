package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// topSongsShown are the song names the top-songs panel lists, in order
// (those behind "Show all" included), without the explicit badge.
const topSongsShown = `[...document.querySelectorAll("#panel-top-songs .track-title")].map((el) => {
	const c = el.cloneNode(true);
	c.querySelectorAll(".explicit").forEach((x) => x.remove());
	return c.textContent.trim();
})`

// topSongsJSON fetches the same list from the JSON API, with the page's own
// session cookie.
func topSongsJSON(timeRange string) string {
	return `fetch("/top_songs?time_range=` + timeRange + `", {headers: {Accept: "application/json"}})
		.then((r) => r.ok ? r.json() : Promise.reject(new Error("/top_songs answered " + r.status)))
		.then((songs) => songs.map((s) => s.song_name))`
}

// userName is the navbar's "Signed in as …" text.
const userName = `document.querySelector(".user-name").textContent.trim()`

// listener is a demo account as GET /_sim/listeners lists it.
type listener struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
}

func listeners(t *testing.T, app *demo) map[string]string {
	t.Helper()
	var ls []listener
	if err := json.Unmarshal(app.sim(t, "GET", "/_sim/listeners", nil), &ls); err != nil {
		t.Fatalf("decode /_sim/listeners: %v", err)
	}
	names := map[string]string{}
	for _, l := range ls {
		names[l.ID] = l.DisplayName
	}
	return names
}

// Two people log in at the same time, each in a private browser context:
// each sees their own name and their own top songs, also after the other
// has logged in.
func TestTwoListenersAtOnce(t *testing.T) {
	t.Parallel()
	app := startDemo(t)
	names := listeners(t, app)
	ids := []string{"ines", "walt"}
	people := map[string]*person{}
	for _, id := range ids {
		people[id] = newPerson(t, id)
	}

	var wg sync.WaitGroup
	errs := make([]error, len(ids))
	for i, id := range ids {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(people[id].ctx, time.Minute)
			defer cancel()
			errs[i] = chromedp.Do(ctx, logIn(app, id), panelsLoaded)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("%s logging in: %v%s", ids[i], err, people[ids[i]].failureContext(t))
		}
	}

	songs := map[string][]string{}
	check := func(when string) {
		for _, id := range ids {
			p := people[id]
			if got, want := eval[string](t, p, userName), "Signed in as "+names[id]; got != want {
				t.Errorf("%s: %s's navbar says %q, want %q", when, id, got, want)
			}
			shown := eval[[]string](t, p, topSongsShown)
			fromAPI := eval[[]string](t, p, topSongsJSON("short_term"))
			if len(shown) == 0 || !slices.Equal(shown, fromAPI) {
				t.Errorf("%s: %s's top songs panel shows %q,\nbut /top_songs in the same browser says %q", when, id, shown, fromAPI)
			}
			songs[id] = shown
		}
		if slices.Equal(songs["ines"], songs["walt"]) {
			t.Errorf("%s: ines and walt see the same top songs: %q", when, songs["ines"])
		}
	}
	check("after both logged in")

	// Both sessions live on side by side: a fresh page load still shows
	// each person their own dashboard.
	for _, id := range ids {
		people[id].do(t, chromedp.Navigate(app.URL+"/"), panelsLoaded)
	}
	check("after both reloaded")
}

// Every panel replaces its loading placeholder with content, the charts are
// drawn, and screenshots of the desktop dashboard are kept, light and dark.
// The development mode (no popularity, no genres) has its own notices in
// place of some charts.
func TestEveryPanelLoads(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"extended", "development"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			app := startDemo(t, "--mode", mode)
			p := newPerson(t, "kiko")
			p.do(t, logIn(app, "kiko"), panelsLoaded)

			errored := eval[[]string](t, p, `[...document.querySelectorAll("section.panel.panel--error")].map((s) => s.id + ": " + s.textContent.trim().replace(/\s+/g, " "))`)
			if len(errored) > 0 {
				t.Errorf("panels in their error state:\n%s", strings.Join(errored, "\n"))
			}
			ids := eval[[]string](t, p, `[...document.querySelectorAll("section.panel")].map((s) => s.id)`)
			want := []string{"panel-overview", "panel-top-songs", "panel-top-artists", "panel-top-albums",
				"panel-release-years", "panel-genres", "panel-seasons", "panel-hidden-gems",
				"panel-recently-played", "panel-timeless-artists", "panel-falling-off", "panel-top-playlists"}
			if !slices.Equal(ids, want) {
				t.Errorf("panels on the page:\n%q\nwant\n%q", ids, want)
			}
			for _, id := range want {
				// A loaded panel has a body with something in it: a list, a
				// chart, a notice or an empty state, never a spinner.
				if !eval[bool](t, p, fmt.Sprintf(`(() => { const b = document.querySelector("#%s .panel-body");
					return !!b && b.textContent.trim() !== "" && !b.querySelector(".spinner, .skeleton"); })()`, id)) {
					t.Errorf("#%s has no content", id)
				}
			}

			genres := "svg.hbar"
			if mode == "development" {
				genres = ".notice" // Spotify gives such an app no genres, and the panel says so
			}
			charts := map[string]string{"release-years": "svg.hist", "seasons": "svg.season-chart", "genres": genres}
			for panel, chart := range charts {
				sel := "#panel-" + panel + " " + chart
				// Present and laid out: a chart hidden by CSS has no size.
				if !eval[bool](t, p, `(() => { const c = document.querySelector(`+jsString(sel)+`);
					return !!c && c.getBoundingClientRect().width > 0 && c.getBoundingClientRect().height > 0; })()`) {
					t.Errorf("%s is missing or has no size", sel)
				}
			}

			for _, scheme := range []string{"light", "dark"} {
				p.do(t, setColorScheme(scheme))
				p.screenshotPage(t, "dashboard-desktop-"+mode+"-"+scheme)
			}
		})
	}
}

// On a 375×812 phone the dashboard fits the width: nothing scrolls
// sideways, in the light or the dark scheme.
func TestPhoneHasNoHorizontalScroll(t *testing.T) {
	t.Parallel()
	app := startDemo(t)
	p := newPerson(t, "amara")
	p.do(t,
		chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait),
		logIn(app, "amara"),
		panelsLoaded,
	)
	type widths struct {
		Scroll int      `json:"scroll"`
		Client int      `json:"client"`
		Inner  int      `json:"inner"`
		Wide   []string `json:"wide"`
	}
	for _, scheme := range []string{"light", "dark"} {
		p.do(t, setColorScheme(scheme))
		p.screenshotPage(t, "dashboard-phone-"+scheme)
		w := eval[widths](t, p, `(() => {
			const de = document.documentElement;
			const wide = [...document.querySelectorAll("body *")]
				.filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
				.slice(0, 8)
				.map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && el.className.baseVal === undefined ? "." + el.className.trim().split(/\s+/).join(".") : "")
					+ " right=" + Math.round(el.getBoundingClientRect().right));
			return {scroll: de.scrollWidth, client: de.clientWidth, inner: window.innerWidth, wide};
		})()`)
		if w.Inner != 375 {
			t.Errorf("%s: the viewport is %d px wide, want 375 (the phone emulation did not apply)", scheme, w.Inner)
		}
		if w.Scroll > w.Client || w.Scroll > w.Inner {
			t.Errorf("%s: the page scrolls sideways: scrollWidth %d > width %d (clientWidth %d); elements past the right edge:\n%s",
				scheme, w.Scroll, w.Inner, w.Client, strings.Join(w.Wide, "\n"))
		}
	}
}

// Switching the range reloads the panels for it; the choice is the
// favourite, so the dashboard opens in it next time.
func TestRangeSwitchIsRemembered(t *testing.T) {
	t.Parallel()
	app := startDemo(t)
	p := newPerson(t, "dex")
	p.do(t, logIn(app, "dex"), panelsLoaded)

	const current = `document.querySelector('.range-switch a[aria-current="page"]').getAttribute("href")`
	if got := eval[string](t, p, current); got != "/?range=short_term" {
		t.Errorf("a new user's dashboard opens in %q, want the last 4 weeks", got)
	}
	overview := `document.querySelector("#panel-overview .panel-body").textContent.replace(/\s+/g, " ").trim()`
	shortSongs, shortOverview := eval[[]string](t, p, topSongsShown), eval[string](t, p, overview)

	p.do(t,
		chromedp.Click(`//nav[@aria-label="Time range"]//a[normalize-space()="Last 6 months"]`),
		waitFor("the 6-month dashboard", `location.search === "?range=medium_term"`),
		panelsLoaded,
	)
	if got := eval[string](t, p, current); got != "/?range=medium_term" {
		t.Errorf("after choosing the last 6 months the current range is %q", got)
	}
	mediumSongs, mediumOverview := eval[[]string](t, p, topSongsShown), eval[string](t, p, overview)
	if slices.Equal(shortSongs, mediumSongs) {
		t.Errorf("the top songs are the same for 4 weeks and 6 months: %q", shortSongs)
	}
	if shortOverview == mediumOverview {
		t.Errorf("the overview did not change with the range: %q", shortOverview)
	}
	if got := eval[string](t, p, `document.querySelector("#panel-top-songs .panel-sub").textContent.trim()`); got != "Last 6 months" {
		t.Errorf("the top songs panel is labelled %q, want Last 6 months", got)
	}
	if want := eval[[]string](t, p, topSongsJSON("medium_term")); !slices.Equal(mediumSongs, want) {
		t.Errorf("the 6-month top songs panel shows %q, /top_songs?time_range=medium_term %q", mediumSongs, want)
	}

	// A fresh visit without ?range= opens the favourite.
	p.do(t, chromedp.Navigate(app.URL+"/"), panelsLoaded)
	if got := eval[string](t, p, current); got != "/?range=medium_term" {
		t.Errorf("after a reload the dashboard opens in %q, want the favourite /?range=medium_term", got)
	}
	if got := eval[[]string](t, p, topSongsShown); !slices.Equal(got, mediumSongs) {
		t.Errorf("after a reload the top songs are %q, want the 6-month ones %q", got, mediumSongs)
	}
}
