package e2e

import (
	"context"
	"fmt"
	"github.com/euterpe-dev/euterpe/internal/testclock"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// importYears is how much of dex's listening the export holds: he plays
// around the clock, so two years are some 400,000 rows (18 MB zipped), which
// take several seconds to import: long enough to watch the progress bar
// move, short enough for a 2-core machine.
const importYears = 2

// importTimeout bounds the wait for the import to end, upload to result.
const importTimeout = 90 * time.Second

// exportFile fetches the simulator's privacy export of listener into a
// temporary file named as Spotify names it, and returns its path.
func exportFile(t *testing.T, app *demo, listener, format string, years int) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	q := url.Values{"listener": {listener}, "format": {format}, "years": {strconv.Itoa(years)}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, app.SimURL+"/_sim/export?"+q.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("simulator GET /_sim/export: %v", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(res.Body)
		t.Fatalf("simulator GET /_sim/export: %s: %s", res.Status, body)
	}
	path := filepath.Join(t.TempDir(), "my_spotify_data.zip")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(f, res.Body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("save the export: %v", err)
	}
	t.Logf("%s's %s export, %d years: %.1f MB", listener, format, years, float64(n)/(1<<20))
	return path
}

// importSample is what the import's page shows at one moment.
type importSample struct {
	State    string `json:"state"` // the status line: "Waiting for a worker…", "Reading your export…", "Done. …"
	HasBar   bool   `json:"hasBar"`
	Value    int    `json:"value"` // the <progress> bar's value, 0–100
	Rows     int64  `json:"rows"`  // "… rows read", -1 when not shown
	Parts    int    `json:"parts"` // how many #import-progress there are (an outerHTML swap keeps one)
	Reloaded bool   `json:"reloaded"`
	Failed   string `json:"failed"`
}

// readImportPage reads the import's page. The test marks the page's window
// when it arrives, so a full reload (instead of htmx swapping the progress
// part) shows as Reloaded.
const readImportPage = `(() => {
	const part = document.querySelector("#import-progress");
	const bar = part && part.querySelector("progress");
	const line = part && part.querySelector(".import-state");
	const fail = part && part.querySelector('[role="alert"]');
	const rows = part ? /([0-9]+) rows read/.exec(part.textContent) : null;
	return {
		state: line ? line.textContent.trim().replace(/\s+/g, " ") : "",
		hasBar: !!bar,
		value: bar ? Math.round(bar.value) : -1,
		rows: rows ? Number(rows[1]) : -1,
		parts: document.querySelectorAll("#import-progress").length,
		reloaded: window.e2eImportPage !== "kept",
		failed: fail ? fail.textContent.trim() : "",
	};
})()`

// importStat is the value of one of the result's stats, by its label.
func importStat(label string) string {
	return `(() => { const s = [...document.querySelectorAll("#import-progress .stat")].find((s) => s.querySelector("dt").textContent.trim() === ` + jsString(label) + `);
		return s ? s.querySelector(".stat-value").textContent.trim() : ""; })()`
}

// spanPattern is the result's status line: "Done. Your listening from 28 Nov
// 2024 to 28 Nov 2026."
var spanPattern = regexp.MustCompile(`^Done\. Your listening from (\d{1,2} [A-Z][a-z]{2} \d{4}) to (\d{1,2} [A-Z][a-z]{2} \d{4})\.$`)

// A listener imports two years of Spotify's extended streaming history: from
// History to the import page, the zip chosen in the file input and sent; on
// the import's page the progress bar and the rows read grow while htmx
// replaces the progress part, then the result counts the plays added and
// the span they cover; the import is in the list of imports, and History's
// all-time totals grew by exactly the plays added.
func TestImportAnExport(t *testing.T) {
	t.Parallel()
	started := time.Now()
	app := startDemo(t)
	export := exportFile(t, app, "dex", "extended", importYears)

	p := newPerson(t, "dex")
	const zone = "UTC"
	p.do(t,
		setTimezone(zone),
		logIn(app, "dex"),
		panelsLoaded,
		chromedp.Click(chromedp.CSS(`.user-nav a[href="/history"]`)),
		waitFor("the History page", `location.pathname === "/history" && !!document.querySelector("h1")`),
	)
	p.do(t, historySettledIn(zone), historyPanelsLoaded)
	playsBefore := eval[int](t, p, historyJSONField("period=all_time", "j.totals.plays"))
	if playsBefore == 0 {
		t.Fatal("dex has no plays before the import: the demo's seeded month is missing")
	}

	p.do(t,
		chromedp.Click(chromedp.CSS(`.history-actions a[href="/history/import"]`)),
		waitFor("the import page", `location.pathname === "/history/import" && !!document.querySelector('form.upload-form input[type="file"][name="files"]')`),
	)
	if got := eval[string](t, p, `document.querySelector("h1").textContent.trim()`); got != "Import your Spotify history" {
		t.Errorf("the import page is titled %q", got)
	}
	if eval[bool](t, p, `!!document.querySelector(".imports-list")`) {
		t.Error("the import page lists imports before there was any")
	}
	p.do(t,
		chromedp.SetUploadFiles(chromedp.CSS(`form.upload-form input[name="files"]`), []string{export}),
	)
	if got := eval[[]string](t, p, `[...document.querySelector('form.upload-form input[name="files"]').files].map((f) => f.name)`); len(got) != 1 || got[0] != "my_spotify_data.zip" {
		t.Fatalf("the file input holds %q after choosing the export", got)
	}
	submitted := time.Now()
	p.do(t,
		chromedp.Click(chromedp.CSS(`form.upload-form button[type="submit"]`)),
		waitFor("the import's page", `location.pathname.startsWith("/history/imports/") && !!document.querySelector("#import-progress")`),
		chromedp.Evaluate[chromedp.Void](`window.e2eImportPage = "kept"`),
	)
	importURL := eval[string](t, p, `location.pathname`)
	if got := eval[string](t, p, `document.querySelector("h1").textContent.trim()`); got != "my_spotify_data.zip" {
		t.Errorf("the import's page is titled %q, want the upload's name", got)
	}
	t.Logf("uploaded in %s", time.Since(submitted).Round(time.Millisecond))

	// Watch the page until the result replaces the progress: the samples
	// while the import runs must show the bar and the rows read growing.
	var running []importSample
	var last importSample
	deadline := time.Now().Add(importTimeout)
	for {
		last = eval[importSample](t, p, readImportPage)
		if last.Reloaded {
			t.Fatalf("the import's page reloaded while it ran: htmx should replace only its progress part")
		}
		if last.Parts != 1 {
			t.Fatalf("the page has %d progress parts: the swap nested or lost it", last.Parts)
		}
		if last.Failed != "" {
			t.Fatalf("the import failed: %s", last.Failed)
		}
		if strings.HasPrefix(last.State, "Done.") {
			break
		}
		if last.HasBar {
			if n := len(running); n == 0 || running[n-1].Value != last.Value || running[n-1].Rows != last.Rows {
				running = append(running, last)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the import did not end within %s; last seen %+v%s", importTimeout, last, p.failureContext(t))
		}
		time.Sleep(100 * time.Millisecond) // the next look at the page, not a timing assertion
	}
	t.Logf("imported in %s; progress seen: %+v", time.Since(submitted).Round(time.Millisecond), running)
	pieces := 0
	for line := range strings.Lines(app.log.String()) {
		if strings.Contains(line, "import done") {
			t.Logf("the app: %s", strings.TrimSpace(line))
		}
		if strings.Contains(line, "method=PUT") && strings.Contains(line, "/pieces/") && strings.Contains(line, "status=204") {
			pieces++
		}
	}
	// The page's script sent the export in pieces (17 MB: five of 4 MB),
	// each a short request, not in one long form post.
	if pieces < 2 {
		t.Errorf("the upload went in %d pieces, want the page's script to send it in pieces", pieces)
	}

	// At least two readings while it ran, the bar and the rows read growing
	// between them and never going back.
	var grew bool
	for i := 1; i < len(running); i++ {
		a, b := running[i-1], running[i]
		if b.Value < a.Value || b.Rows < a.Rows {
			t.Errorf("the progress went back from %d%% (%d rows) to %d%% (%d rows)", a.Value, a.Rows, b.Value, b.Rows)
		}
		if b.Value > a.Value && b.Rows > a.Rows {
			grew = true
		}
	}
	if !grew {
		t.Errorf("the progress bar and the rows read were never seen to grow together while the import ran; seen: %+v", running)
	}
	for _, s := range running {
		if s.Value < 0 || s.Value > 100 || s.Rows < 0 {
			t.Errorf("a progress reading is out of range: %+v", s)
		}
	}

	// The result.
	m := spanPattern.FindStringSubmatch(last.State)
	if m == nil {
		t.Fatalf("the result says %q, want the span of the plays", last.State)
	}
	first, err := time.Parse("2 Jan 2006", m[1])
	if err != nil {
		t.Fatal(err)
	}
	lastPlayed, err := time.Parse("2 Jan 2006", m[2])
	if err != nil {
		t.Fatal(err)
	}
	now := testclock.Now()
	// The export holds (now - years, now]: the first and last plays fall
	// within a couple of days of its ends, whatever the server's zone.
	if want := now.AddDate(-importYears, 0, 0); first.Before(want.AddDate(0, 0, -2)) || first.After(want.AddDate(0, 0, 2)) {
		t.Errorf("the import starts on %s, want about %s", m[1], want.Format("2 Jan 2006"))
	}
	if lastPlayed.Before(now.AddDate(0, 0, -2)) || lastPlayed.After(now.AddDate(0, 0, 2)) {
		t.Errorf("the import ends on %s, want about today, %s", m[2], now.Format("2 Jan 2006"))
	}
	added, err := strconv.Atoi(eval[string](t, p, importStat("Plays added")))
	if err != nil || added <= 0 {
		t.Fatalf("the result counts %q plays added", eval[string](t, p, importStat("Plays added")))
	}
	// The demo stored dex's last month already: those plays are found, not
	// added again.
	if present, err := strconv.Atoi(eval[string](t, p, importStat("Already there"))); err != nil || present <= 0 {
		t.Errorf("the result counts %q plays already there, want the demo's seeded month", eval[string](t, p, importStat("Already there")))
	}
	if eval[bool](t, p, `!!document.querySelector("#import-progress [hx-get], #import-progress[hx-get]")`) {
		t.Error("the finished import's page still polls for progress")
	}
	if got := eval[string](t, p, `(() => { const a = document.querySelector('#import-progress a[href="/history"]'); return a ? a.textContent.trim() : ""; })()`); got != "See your history" {
		t.Errorf("the result's link to History says %q", got)
	}
	p.screenshotPage(t, "import-done")

	// The list of imports.
	p.do(t,
		chromedp.Navigate(app.URL+"/history/imports"),
		waitFor("the list of imports", `location.pathname === "/history/imports" && !!document.querySelector("h1")`),
	)
	type listed struct {
		Name  string `json:"name"`
		Href  string `json:"href"`
		Extra string `json:"extra"`
	}
	items := eval[[]listed](t, p, `[...document.querySelectorAll(".compact-list li")].map((li) => {
		const a = li.querySelector(".compact-name a");
		return {name: a ? a.textContent.trim() : "", href: a ? a.getAttribute("href") : "",
			extra: li.querySelector(".compact-extra").textContent.trim().replace(/\s+/g, " ")};
	})`)
	if len(items) != 1 || items[0].Href != importURL || items[0].Name != "my_spotify_data.zip" ||
		!strings.HasPrefix(items[0].Extra, fmt.Sprintf("%d plays added · ", added)) {
		t.Errorf("/history/imports lists %+v, want my_spotify_data.zip at %s with %d plays added", items, importURL, added)
	}

	// History: the all-time totals grew by the plays added, and reach back
	// to the export's first day.
	p.do(t,
		chromedp.Navigate(app.URL+"/history?period=all_time"),
		historySettledIn(zone),
		historyPanelsLoaded,
	)
	checkHistoryPanels(t, p, "period=all_time")
	if got := eval[int](t, p, historyJSONField("period=all_time", "j.totals.plays")); got != playsBefore+added {
		t.Errorf("History counts %d plays after the import, want %d before + %d added", got, playsBefore, added)
	}
	if blurb := eval[string](t, p, `document.querySelector(".dash-title .muted").textContent.trim()`); !strings.Contains(blurb, m[1]) {
		t.Errorf("History's all time is %q, want it to start on the import's first day, %s", blurb, m[1])
	}
	t.Logf("whole test: %s", time.Since(started).Round(time.Millisecond))
}
