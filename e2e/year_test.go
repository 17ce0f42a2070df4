package e2e

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"github.com/euterpe-dev/euterpe/internal/testclock"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// trendPanels are the Trends page's panels, in page order.
var trendPanels = []string{"panel-rank-over-time", "panel-monthly", "panel-artist-share", "panel-discovery", "panel-standing"}

// A listener's year in review and their data, as a person meets them: the
// dashboard's top lists show how each song and artist moved (the demo
// starts with two months of daily snapshots); History leads to the year,
// whose figures are the year's JSON's and which fits a phone; Trends draws
// the rank of the top artists over the snapshots; "Download my data" saves
// a zip whose history holds every play History counts.
func TestYearInReviewAndADownload(t *testing.T) {
	t.Parallel()
	app := startDemo(t)
	p := newPerson(t, "walt")
	p.do(t, setTimezone("UTC"), logIn(app, "walt"), panelsLoaded)

	moves := eval[[]string](t, p, `[...document.querySelectorAll("#panel-top-songs .move, #panel-top-artists .move")].map((m) => m.getAttribute("title"))`)
	if len(moves) == 0 {
		t.Error("the dashboard's top lists show no movement, with two months of snapshots")
	}
	for _, m := range moves {
		if !strings.HasPrefix(m, "Week: ") && !strings.HasPrefix(m, "Month: ") || !strings.Contains(m, " since ") {
			t.Errorf("a move says %q", m)
		}
	}

	year := strconv.Itoa(testclock.Now().UTC().Year())
	p.do(t,
		chromedp.Click(chromedp.CSS(`.user-nav a[href="/history"]`)),
		waitFor("the History page", `location.pathname === "/history" && !!document.querySelector(".history-actions")`),
		chromedp.Click(chromedp.CSS(`.history-actions a[href="/year/`+year+`"]`)),
		loaded("the year in review", `location.pathname === "/year/`+year+`" && !!document.querySelector(".year-hero h1")`),
	)
	type page struct {
		Title   string   `json:"title"`
		Big     []string `json:"big"`
		TopSong string   `json:"topSong"`
		Tops    int      `json:"tops"`
		Clock   int      `json:"clock"`
	}
	got := eval[page](t, p, `(() => ({
		title: document.querySelector(".year-hero h1").textContent.trim(),
		big: [...document.querySelectorAll(".year-big-value")].map((e) => e.textContent.trim().replaceAll(",", "")),
		topSong: (document.querySelector("#year-songs-title + ol .year-top-name") || {textContent: ""}).textContent.trim(),
		tops: document.querySelectorAll(".year-top-item").length,
		clock: document.querySelectorAll(".chart--clock rect").length,
	}))()`)
	type yearJSON struct {
		Minutes    int64 `json:"minutes"`
		Plays      int64 `json:"plays"`
		DaysPlayed int64 `json:"days_with_plays"`
		Artists    int64 `json:"distinct_artists"`
		TopTracks  []struct {
			Name string `json:"name"`
		} `json:"top_tracks"`
	}
	want := eval[yearJSON](t, p, `fetch("/year/`+year+`?format=json").then((r) => r.ok ? r.json() : Promise.reject(new Error("the year as JSON answered " + r.status)))`)
	if !strings.Contains(got.Title, year) || want.Plays == 0 {
		t.Fatalf("the year page is titled %q, its JSON counts %d plays", got.Title, want.Plays)
	}
	if wantBig := []string{strconv.FormatInt(want.Minutes, 10), strconv.FormatInt(want.Plays, 10), strconv.FormatInt(want.DaysPlayed, 10),
		strconv.FormatInt(want.Artists, 10)}; !slices.Equal(got.Big, wantBig) {
		t.Errorf("the year's big figures read %q, its JSON says %q", got.Big, wantBig)
	}
	if len(want.TopTracks) == 0 || got.TopSong != want.TopTracks[0].Name || got.Tops < 10 || got.Clock != 7*24 {
		t.Errorf("top song %q (JSON %+v), %d top items, %d clock cells", got.TopSong, want.TopTracks, got.Tops, got.Clock)
	}
	for _, scheme := range []string{"light", "dark"} {
		p.do(t, setColorScheme(scheme))
		p.screenshotPage(t, "year-desktop-"+scheme)
	}
	p.do(t, setColorScheme("light"),
		chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait),
		chromedp.Reload(),
		waitFor("the year in review on a phone", `!!document.querySelector(".year-hero h1") && document.documentElement.clientWidth === 375`))
	noSidewaysScroll(t, p, "the year in review", 375)
	p.screenshotPage(t, "year-phone")
	p.do(t, chromedp.EmulateViewport(desktopWidth, desktopHeight))

	// Trends: every panel, and the bump chart of the top 10 artists.
	p.do(t,
		chromedp.Navigate(app.URL+"/trends"),
		waitFor("every Trends panel", `document.querySelectorAll("section.panel").length === `+strconv.Itoa(len(trendPanels))+` &&
			!document.querySelector('section.panel[aria-busy="true"], section.panel.panel--loading, section.panel.htmx-request')`),
	)
	if ids := eval[[]string](t, p, `[...document.querySelectorAll("section.panel")].map((s) => s.id)`); !slices.Equal(ids, trendPanels) {
		t.Errorf("Trends panels %q, want %q", ids, trendPanels)
	}
	if errored := eval[[]string](t, p, `[...document.querySelectorAll("section.panel--error")].map((s) => s.id)`); len(errored) > 0 {
		t.Errorf("Trends panels in their error state: %q", errored)
	}
	if lines := eval[int](t, p, `document.querySelectorAll("#panel-rank-over-time svg.bump g.bump-line").length`); lines != 10 {
		t.Errorf("the bump chart draws %d artists, want 10", lines)
	}
	p.do(t,
		chromedp.Click(chromedp.CSS(`#panel-rank-over-time .panel-switch a[href*="range=long_term"]`)),
		waitFor("the bump chart of the long term", `!!document.querySelector('#panel-rank-over-time .panel-switch a[aria-current="true"][href*="range=long_term"]') &&
			document.querySelectorAll("#panel-rank-over-time svg.bump g.bump-line").length === 10`),
	)
	p.screenshotPage(t, "trends-desktop")

	// Download my data: the browser saves the zip.
	dir := t.TempDir()
	done := make(chan string, 1)
	if err := chromedp.ListenBrowser(p.ctx, func(ev any) {
		if e, ok := ev.(*browser.EventDownloadProgress); ok && e.State == browser.DownloadProgressStateCompleted {
			select {
			case done <- e.GUID:
			default:
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	events := true
	if _, err := chromedp.CallBrowser(p.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, BrowserContextID: chromedp.FromContext(p.ctx).BrowserContextID,
		DownloadPath: dir, EventsEnabled: &events}); err != nil {
		t.Fatal(err)
	}
	plays := eval[int](t, p, historyJSONField("period=all_time", "j.totals.plays"))
	p.do(t, chromedp.Click(chromedp.CSS(`.trends-nav a[href="/export/all.zip"]`)))
	var guid string
	select {
	case guid = <-done:
	case <-time.After(time.Minute):
		t.Fatal("the download did not complete within a minute")
	}
	b, err := os.ReadFile(filepath.Join(dir, guid))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("the download is not a zip: %v", err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Name != "history.csv" {
			continue
		}
		rc, _ := f.Open()
		rows, err := csv.NewReader(rc).ReadAll()
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range rows[1:] {
			if r[0] == "play" {
				n++
			}
		}
		if n != plays {
			t.Errorf("the downloaded history.csv holds %d plays, History counts %d", n, plays)
		}
	}
	if !slices.Equal(names, []string{"README.txt", "history.csv", "history.json", "account.json", "snapshots.json", "snapshots.csv"}) {
		t.Errorf("the zip holds %q", names)
	}
}
