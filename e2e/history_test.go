package e2e

import (
	"context"
	"fmt"
	"github.com/euterpe-dev/euterpe/internal/testclock"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// historyPanels are the History page's panels, in page order.
var historyPanels = []string{"panel-totals", "panel-top-tracks", "panel-top-artists", "panel-top-albums",
	"panel-calendar", "panel-clock", "panel-sessions"}

// historyPanelsLoaded waits until every History panel has replaced its
// placeholder.
var historyPanelsLoaded = waitFor("every History panel to load",
	fmt.Sprintf(`document.querySelectorAll("section.panel").length === %d &&
		!document.querySelector('section.panel[aria-busy="true"], section.panel.panel--loading, section.panel.htmx-request')`, len(historyPanels)))

// setTimezone emulates the browser's time zone, as Intl reports it.
func setTimezone(zone string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: zone})
		return err
	})
}

// historySettledIn waits for the History page once its figures are in zone:
// the page's script has sent the browser's zone, the page has reloaded, the
// summaries have been rebuilt and the page has reloaded again by itself.
// The rebuild is a background job, so this waits three times as long as
// waitFor.
func historySettledIn(zone string) chromedp.Action[chromedp.Void] {
	settled := waitFor("the History page in "+zone,
		`document.readyState === "complete" && !!document.querySelector(".page-foot") &&
			document.querySelector(".page-foot").textContent.includes(`+jsString("Times are in "+zone+".")+`) &&
			!document.querySelector('[hx-get="/history/time-zone"]')`)
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		var err error
		for range 3 {
			if _, err = settled(ctx, t); err == nil || ctx.Err() != nil {
				return err
			}
		}
		return err
	})
}

// historyJSONField fetches /history.json?query with the page's cookie and
// evaluates expr on the answer (bound to j).
func historyJSONField(query, expr string) string {
	return `fetch("/history.json?` + query + `").then((r) => r.ok ? r.json() : Promise.reject(new Error("/history.json answered " + r.status))).then((j) => ` + expr + `)`
}

// trackTitles are the names a top list shows, in order.
func trackTitles(panel string) string {
	return `[...document.querySelectorAll("#` + panel + ` .track-title")].map((el) => el.textContent.trim())`
}

// noSidewaysScroll fails t when the page is wider than a phone of width
// px, naming the elements past its right edge. On a page wider than the
// screen a mobile browser zooms out (window.innerWidth grows past the
// layout width), so both are compared with the layout viewport.
func noSidewaysScroll(t *testing.T, p *person, what string, width int) {
	t.Helper()
	type widths struct {
		Scroll int      `json:"scroll"`
		Client int      `json:"client"`
		Inner  int      `json:"inner"`
		Wide   []string `json:"wide"`
	}
	w := eval[widths](t, p, `(() => {
		const de = document.documentElement;
		const wide = [...document.querySelectorAll("body *")]
			.filter((el) => el.getBoundingClientRect().right > de.clientWidth + 0.5)
			.slice(0, 8)
			.map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && el.className.baseVal === undefined ? "." + el.className.trim().split(/\s+/).join(".") : "")
				+ " right=" + Math.round(el.getBoundingClientRect().right));
		return {scroll: de.scrollWidth, client: de.clientWidth, inner: window.innerWidth, wide};
	})()`)
	if w.Client != width {
		t.Errorf("%s: the layout viewport is %d px wide, want %d (the phone emulation did not apply)", what, w.Client, width)
	}
	if w.Scroll > w.Client || w.Inner > w.Client {
		t.Errorf("%s: the page is wider than the %d px phone: scrollWidth %d, the browser zoomed out to %d px; elements past the right edge:\n%s",
			what, w.Client, w.Scroll, w.Inner, strings.Join(w.Wide, "\n"))
	}
}

// A listener opens History from the navbar in New York: the browser's zone
// reaches the server and, once the figures are rearranged, the page shows
// them in it. Every panel loads with the listener's 30 days, the calendar
// and the clock are drawn; a preset and the from/to form change the range
// in the URL and the panels; "By minutes" reloads only its panel; a track
// opens its page with the plays chart.
func TestHistoryPage(t *testing.T) {
	t.Parallel()
	app := startDemo(t)
	p := newPerson(t, "ines")
	const zone = "America/New_York"
	p.do(t,
		setTimezone(zone),
		logIn(app, "ines"),
		panelsLoaded,
		chromedp.Click(chromedp.CSS(`.user-nav a[href="/history"]`)),
		waitFor("the History page", `location.pathname === "/history" && !!document.querySelector("h1")`),
	)
	p.do(t, historySettledIn(zone), historyPanelsLoaded)
	if got := eval[string](t, p, `Intl.DateTimeFormat().resolvedOptions().timeZone`); got != zone {
		t.Fatalf("the browser's zone is %q, want the emulated %s", got, zone)
	}
	if got := eval[string](t, p, `document.querySelector("h1").textContent.trim()`); got != "Your history" {
		t.Errorf("the History page is titled %q", got)
	}
	if !eval[bool](t, p, `!!document.querySelector('.user-nav a[href="/history"][aria-current="page"]')`) {
		t.Error("the navbar does not mark History as the current page")
	}
	if got := eval[string](t, p, historyJSONField("period=all_time", "j.time_zone")); got != zone {
		t.Errorf("/history.json is in %q, want the browser's %s", got, zone)
	}
	if got := eval[string](t, p, `document.querySelector("#panel-clock .panel-sub").textContent.trim()`); got != "When you listen, in "+zone {
		t.Errorf("the clock panel says %q", got)
	}
	checkHistoryPanels(t, p, "period=all_time")

	// 30 days of history: the calendar has days with plays, the clock hours.
	year := eval[int](t, p, `new Date().getFullYear()`)
	days := time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC).YearDay()
	for _, c := range []struct {
		sel   string
		cells int
	}{{"#panel-calendar svg", days}, {"#panel-clock svg", 7 * 24}} {
		got := eval[[]int](t, p, `(() => { const s = document.querySelector(`+jsString(c.sel)+`); if (!s) return [0, 0, 0, 0];
			const r = s.getBoundingClientRect();
			return [s.querySelectorAll("rect").length, s.querySelectorAll('rect:not(.heat-0)').length, Math.round(r.width), Math.round(r.height)]; })()`)
		if got[0] != c.cells || got[1] == 0 || got[2] == 0 || got[3] == 0 {
			t.Errorf("%s: %d cells (want %d), %d with plays, %d×%d px", c.sel, got[0], c.cells, got[1], got[2], got[3])
		}
	}
	p.screenshotPage(t, "history-desktop-all-time")

	totalsSub := `document.querySelector("#panel-totals .panel-sub").textContent.trim()`
	allTimeSub := eval[string](t, p, totalsSub)

	// A preset.
	p.do(t,
		chromedp.Click(`//nav[@aria-label="Period"]//a[normalize-space()="Last 365 days"]`),
		waitFor("the last 365 days", `location.search === "?period=last_365_days"`),
		historyPanelsLoaded,
	)
	if got := eval[string](t, p, `document.querySelector('nav[aria-label="Period"] a[aria-current="page"]').textContent.trim()`); got != "Last 365 days" {
		t.Errorf("after choosing the last 365 days the current period is %q", got)
	}
	if got := eval[string](t, p, totalsSub); got != "365 days" || got == allTimeSub {
		t.Errorf("the totals panel says %q for the last 365 days (all time: %q)", got, allTimeSub)
	}
	checkHistoryPanels(t, p, "period=last_365_days")

	// The from/to form: the week before last, in the browser's zone.
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	now := testclock.Now().In(loc)
	from, to := now.AddDate(0, 0, -9).Format(time.DateOnly), now.AddDate(0, 0, -3).Format(time.DateOnly)
	p.do(t,
		chromedp.SetValue(chromedp.CSS(`form.range-form input[name="from"]`), from),
		chromedp.SetValue(chromedp.CSS(`form.range-form input[name="to"]`), to),
		chromedp.Click(chromedp.CSS(`form.range-form button[type="submit"]`)),
		waitFor("the custom range", `location.search === `+jsString("?from="+from+"&to="+to)),
		historyPanelsLoaded,
	)
	if got := eval[string](t, p, totalsSub); got != "7 days" {
		t.Errorf("the totals panel says %q for %s..%s", got, from, to)
	}
	if got := eval[string](t, p, `document.querySelector(".dash-title .muted").textContent.trim()`); !strings.HasPrefix(got, "Custom · ") {
		t.Errorf("the page describes the range as %q", got)
	}
	if !eval[bool](t, p, `!document.querySelector('nav[aria-label="Period"] a[aria-current]')`) {
		t.Error("a preset is marked current for a custom range")
	}
	checkHistoryPanels(t, p, "from="+from+"&to="+to)
	p.screenshotPage(t, "history-desktop-custom-range")

	// By minutes: only the top tracks panel is replaced.
	before := eval[string](t, p, `(() => { document.querySelectorAll("section.panel").forEach((s) => { s.dataset.e2eMark = "kept"; }); return location.href; })()`)
	p.do(t,
		chromedp.Click(`//section[@id="panel-top-tracks"]//nav[contains(@class, "panel-switch")]//a[normalize-space()="By minutes"]`),
		waitFor("the top tracks by minutes", `(() => { const s = document.querySelector("#panel-top-tracks");
			const cur = s && s.querySelector('.panel-switch a[aria-current="true"]');
			return !!cur && cur.textContent.trim() === "By minutes" && !s.dataset.e2eMark && !s.classList.contains("htmx-request"); })()`),
	)
	kept := eval[[]string](t, p, `[...document.querySelectorAll("section.panel")].filter((s) => s.dataset.e2eMark === "kept").map((s) => s.id)`)
	if want := slices.DeleteFunc(slices.Clone(historyPanels), func(id string) bool { return id == "panel-top-tracks" }); !slices.Equal(kept, want) {
		t.Errorf("switching the top tracks to minutes replaced other panels: kept %q, want %q", kept, want)
	}
	if after := eval[string](t, p, `location.href`); after != before {
		t.Errorf("switching the ranking navigated from %s to %s", before, after)
	}
	byMinutes := eval[[]string](t, p, trackTitles("panel-top-tracks"))
	if want := eval[[]string](t, p, historyJSONField("from="+from+"&to="+to+"&by=minutes", "j.top.tracks.items.map((it) => it.name)")); len(byMinutes) == 0 || !slices.Equal(byMinutes, want) {
		t.Errorf("the top tracks by minutes are %q, /history.json?by=minutes says %q", byMinutes, want)
	}
	if got := eval[string](t, p, `document.querySelector("#panel-top-tracks .track-meta strong").textContent.trim()`); !strings.HasSuffix(got, " min") && !strings.HasSuffix(got, " h") {
		t.Errorf("ranked by minutes, the first track leads with %q", got)
	}

	// A track's page.
	name := eval[string](t, p, `document.querySelector("#panel-top-tracks .track-title a").textContent.trim()`)
	p.do(t,
		chromedp.Click(chromedp.CSS(`#panel-top-tracks .track-title a`)),
		waitFor("the track's page", `location.pathname.startsWith("/history/tracks/") && !!document.querySelector(".item-head h1")`),
	)
	if got := eval[string](t, p, `document.querySelector(".item-head h1").textContent.trim()`); got != name {
		t.Errorf("clicking %q opened the page of %q", name, got)
	}
	plays := eval[string](t, p, `(() => { const s = [...document.querySelectorAll(".item-stats .stat")].find((s) => s.querySelector("dt").textContent.trim() === "Plays");
		return s ? s.querySelector(".stat-value").textContent.trim() : ""; })()`)
	if n, err := strconv.Atoi(plays); err != nil || n < 1 {
		t.Errorf("the track's page counts %q plays", plays)
	}
	chart := eval[[]int](t, p, `(() => { const s = document.querySelector("svg.hist"); if (!s) return [0, 0];
		return [s.querySelectorAll("rect").length, Math.round(s.getBoundingClientRect().width)]; })()`)
	if chart[0] == 0 || chart[1] == 0 {
		t.Errorf("the track's page has no plays chart: %d bars, %d px wide", chart[0], chart[1])
	}
	if got := eval[string](t, p, `document.querySelector("#item-months-summary").textContent.trim()`); !strings.HasPrefix(got, "Plays per month from") {
		t.Errorf("the plays chart's summary says %q", got)
	}
	p.screenshotPage(t, "history-item-desktop")
}

// checkHistoryPanels: no panel is in its error state, each has content,
// and the totals and top tracks agree with /history.json for query.
func checkHistoryPanels(t *testing.T, p *person, query string) {
	t.Helper()
	if ids := eval[[]string](t, p, `[...document.querySelectorAll("section.panel")].map((s) => s.id)`); !slices.Equal(ids, historyPanels) {
		t.Errorf("%s: the panels are %q, want %q", query, ids, historyPanels)
	}
	if errored := eval[[]string](t, p, `[...document.querySelectorAll("section.panel.panel--error")].map((s) => s.id + ": " + s.textContent.trim().replace(/\s+/g, " "))`); len(errored) > 0 {
		t.Errorf("%s: panels in their error state:\n%s", query, strings.Join(errored, "\n"))
	}
	for _, id := range historyPanels {
		if !eval[bool](t, p, fmt.Sprintf(`(() => { const b = document.querySelector("#%s .panel-body");
			return !!b && b.textContent.trim() !== "" && !b.querySelector(".spinner, .skeleton"); })()`, id)) {
			t.Errorf("%s: #%s has no content", query, id)
		}
	}
	plays := eval[string](t, p, `(() => { const s = [...document.querySelectorAll("#panel-totals .stat")].find((s) => s.querySelector("dt").textContent.trim() === "Plays");
		return s ? s.querySelector(".stat-value").textContent.trim() : ""; })()`)
	if want := eval[int](t, p, historyJSONField(query, "j.totals.plays")); plays != strconv.Itoa(want) || want == 0 {
		t.Errorf("%s: the totals panel counts %q plays, /history.json %d", query, plays, want)
	}
	shown := eval[[]string](t, p, trackTitles("panel-top-tracks"))
	if want := eval[[]string](t, p, historyJSONField(query, "j.top.tracks.items.map((it) => it.name)")); len(shown) == 0 || !slices.Equal(shown, want) {
		t.Errorf("%s: the top tracks panel lists %q, /history.json %q", query, shown, want)
	}
}

// On a 375 px phone, History and an item page fit the width, light and
// dark.
func TestHistoryOnAPhone(t *testing.T) {
	t.Parallel()
	app := startDemo(t)
	p := newPerson(t, "amara")
	const zone = "Asia/Tokyo"
	p.do(t,
		setTimezone(zone),
		chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait),
		logIn(app, "amara"),
		panelsLoaded,
		chromedp.Navigate(app.URL+"/history?period=last_365_days"),
	)
	p.do(t, historySettledIn(zone), historyPanelsLoaded)
	if errored := eval[[]string](t, p, `[...document.querySelectorAll("section.panel.panel--error")].map((s) => s.id)`); len(errored) > 0 {
		t.Errorf("panels in their error state on the phone: %q", errored)
	}
	for _, scheme := range []string{"light", "dark"} {
		p.do(t, setColorScheme(scheme))
		noSidewaysScroll(t, p, "/history "+scheme, 375)
		p.screenshotPage(t, "history-phone-"+scheme)
	}

	// The top album's page: a cover, stats, the chart and a list of tracks.
	p.do(t,
		setColorScheme("light"),
		chromedp.Click(chromedp.CSS(`#panel-top-albums .track-title a`)),
		waitFor("the album's page", `location.pathname.startsWith("/history/albums/") && !!document.querySelector("svg.hist rect")`),
	)
	for _, scheme := range []string{"light", "dark"} {
		p.do(t, setColorScheme(scheme))
		noSidewaysScroll(t, p, "the album's page "+scheme, 375)
		p.screenshotPage(t, "history-item-phone-"+scheme)
	}
}
