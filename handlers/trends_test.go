package handlers

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/uuid"

	"github.com/euterpe-dev/euterpe/analytics"
	"github.com/euterpe-dev/euterpe/internal/testclock"
	"github.com/euterpe-dev/euterpe/panels"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/trends"
)

// seedSnapshots stores the listener's snapshots of the days back days
// before today (UTC), each day's lists as the simulator says Spotify had
// them (GET /_sim/top).
func (e *env) seedSnapshots(t testing.TB, listener string, userID uuid.UUID, back ...int) {
	t.Helper()
	today := testclock.Now().UTC().Truncate(24 * time.Hour)
	var days []trends.DaySnapshot
	for _, b := range back {
		day := today.AddDate(0, 0, -b)
		res, err := http.Get(e.simURL + "/_sim/top?" + url.Values{"listener": {listener}, "date": {day.Format(time.DateOnly)}}.Encode())
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Tracks  map[spotify.TimeRange][]spotify.Track  `json:"tracks"`
			Artists map[spotify.TimeRange][]spotify.Artist `json:"artists"`
		}
		err = json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		days = append(days, trends.DaySnapshot{Day: day, TakenAt: day.Add(9 * time.Hour), Fetched: trends.Fetched{Tracks: body.Tracks, Artists: body.Artists}})
	}
	if err := trends.NewService(e.pool, e.history, testclock.Now).SaveSnapshots(context.Background(), userID, days); err != nil {
		t.Fatal(err)
	}
}

// fileGet fetches a download and checks it is one: 200, the format's type,
// an attachment named after what it is, whose and when.
func fileGet(t *testing.T, c *http.Client, rawURL, format, nameHas string) []byte {
	t.Helper()
	status, body, res := get(t, c, rawURL)
	ct := map[string]string{"csv": "text/csv", "json": "application/json", "zip": "application/zip"}[format]
	if status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), ct) {
		t.Fatalf("%s: %d %s %.300s", rawURL, status, res.Header.Get("Content-Type"), body)
	}
	cd := res.Header.Get("Content-Disposition")
	today := testclock.Now().UTC().Format(time.DateOnly)
	if !strings.HasPrefix(cd, "attachment; filename=") || !strings.Contains(cd, nameHas) || !strings.HasSuffix(cd, today+"."+format) {
		t.Errorf("%s: Content-Disposition %q, want an attachment naming %q and %s", rawURL, cd, nameHas, today)
	}
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("%s: Cache-Control %q", rawURL, res.Header.Get("Cache-Control"))
	}
	switch format {
	case "json":
		if !json.Valid(body) {
			t.Errorf("%s: not JSON: %.200s", rawURL, body)
		}
	case "csv":
		rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil || len(rows) == 0 {
			t.Errorf("%s: not CSV (%v): %.200s", rawURL, err, body)
		}
	}
	return body
}

func csvRows(t *testing.T, b []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestEveryViewAsAFile: every dashboard panel, History panel and view,
// Trends panel, item page and year answers ?format=csv and ?format=json
// with its data as a download; a format that is not one is a 400.
func TestEveryViewAsAFile(t *testing.T) {
	e := newEnv(t, envOptions{})
	u := e.historyUser(t, "walt", 20)
	e.seedSnapshots(t, "walt", u.id, 40, 31, 10, 8, 1)
	c := u.c

	for _, p := range panels.Dashboard().All() {
		path := "/panels/" + p.ID
		if p.Ranged {
			path += "?range=short_term&"
		} else {
			path += "?"
		}
		for _, f := range []string{"csv", "json"} {
			fileGet(t, c, e.appURL+path+"format="+f, f, p.ID)
		}
	}
	// The top songs carry their moves: the JSON as the earlier /top_songs
	// with "movement" added, the CSV with a column per comparison.
	var songs []struct {
		analytics.Song
		Movement trends.Movement `json:"movement"`
	}
	if err := json.Unmarshal(fileGet(t, c, e.appURL+"/panels/top-songs?range=short_term&format=json", "json", "top-songs-short_term"), &songs); err != nil || len(songs) == 0 {
		t.Fatalf("top songs JSON: %v", err)
	}
	moved := 0
	for _, s := range songs {
		if s.Movement.Week != nil && s.Movement.Month != nil {
			moved++
			if s.Movement.Week.Since.String() != testclock.Now().UTC().AddDate(0, 0, -8).Format(time.DateOnly) ||
				s.Movement.Month.Since.String() != testclock.Now().UTC().AddDate(0, 0, -31).Format(time.DateOnly) {
				t.Errorf("%s moved since %s and %s, want the snapshots of 8 and 31 days back", s.Name, s.Movement.Week.Since, s.Movement.Month.Since)
			}
		}
	}
	if moved != len(songs) {
		t.Errorf("%d of %d top songs have a move against a week and a month before", moved, len(songs))
	}
	rows := csvRows(t, fileGet(t, c, e.appURL+"/panels/top-songs?range=short_term&format=csv", "csv", "top-songs"))
	if i := slices.Index(rows[0], "vs_7_days"); i < 0 || rows[1][i] == "" {
		t.Errorf("top songs CSV: %q / %q", rows[0], rows[1])
	}

	// History: its panels, and the view itself as the listens of its range.
	for _, p := range panels.History().All() {
		for _, f := range []string{"csv", "json"} {
			fileGet(t, c, e.appURL+"/history/panels/"+p.ID+"?period=all_time&format="+f, f, "history-"+p.ID+"-all_time")
		}
	}
	plays := e.count(t, `SELECT count(*) FROM euterpe.plays WHERE user_id = $1`, u.id)
	if rows := csvRows(t, fileGet(t, c, e.appURL+"/history?period=all_time&format=csv", "csv", "history-all_time")); len(rows) != plays+1 || rows[0][0] != "kind" {
		t.Errorf("the History view as CSV: %d rows for %d plays", len(rows), plays)
	}
	var listens []map[string]any
	if err := json.Unmarshal(fileGet(t, c, e.appURL+"/history?period=all_time&format=json", "json", "history-all_time"), &listens); err != nil || len(listens) != plays {
		t.Errorf("the History view as JSON: %d listens for %d plays (%v)", len(listens), plays, err)
	}
	from := testclock.Now().UTC().AddDate(0, 0, -3).Format(time.DateOnly)
	to := testclock.Now().UTC().Format(time.DateOnly)
	recent := e.count(t, `SELECT count(*) FROM euterpe.plays WHERE user_id = $1 AND played_at >= $2::date`, u.id, from)
	if rows := csvRows(t, fileGet(t, c, e.appURL+"/history?from="+from+"&to="+to+"&format=csv", "csv", "history-"+from+"_"+to)); len(rows) != recent+1 {
		t.Errorf("a range of the History view: %d rows for %d plays", len(rows), recent)
	}
	var trackID int64
	if err := e.pool.QueryRow(context.Background(), `SELECT track_id FROM euterpe.plays WHERE user_id = $1 LIMIT 1`, u.id).Scan(&trackID); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"csv", "json"} {
		fileGet(t, c, e.appURL+"/history/tracks/"+strconv.FormatInt(trackID, 10)+"?format="+f, f, "history-tracks")
	}

	// Trends and the year.
	for _, p := range panels.Trends().All() {
		for _, f := range []string{"csv", "json"} {
			fileGet(t, c, e.appURL+p.URL(panels.TrendInput{Range: spotify.LongTerm})+map[bool]string{true: "&", false: "?"}[p.Ranged]+"format="+f, f, "trends-"+p.ID)
		}
	}
	year := strconv.Itoa(testclock.Now().UTC().Year())
	var y trends.Year
	if err := json.Unmarshal(fileGet(t, c, e.appURL+"/year/"+year+"?format=json", "json", "year-"+year), &y); err != nil || y.Year == 0 || len(y.Months) == 0 {
		t.Errorf("the year as JSON: %+v, %v", y, err)
	}
	fileGet(t, c, e.appURL+"/year/"+year+"?format=csv", "csv", "year-"+year)

	// Not a format: 400, naming the parameter.
	for _, path := range []string{"/panels/top-songs?format=xml", "/history?format=pdf", "/history/panels/clock?format=CSV",
		"/trends/panels/monthly?format=", "/year/" + year + "?format=html", "/history/tracks/" + strconv.FormatInt(trackID, 10) + "?format=xls"} {
		status, body, _ := get(t, c, e.appURL+path)
		if status != http.StatusBadRequest || !strings.Contains(string(body), "format: must be csv or json") {
			t.Errorf("%s: %d %.200s", path, status, body)
		}
	}
}

// TestTrendsAndYearPages: the Trends page and its panels, the year in
// review, and the 400s of bad panel names, ranges and years.
func TestTrendsAndYearPages(t *testing.T) {
	e := newEnv(t, envOptions{})
	u := e.historyUser(t, "ines", 15)
	e.seedSnapshots(t, "ines", u.id, 12, 9, 5, 3)
	c := u.c
	status, body, _ := get(t, c, e.appURL+"/trends")
	if status != http.StatusOK {
		t.Fatalf("/trends: %d", status)
	}
	d := doc(t, body)
	var urls []string
	d.Find("section.panel[hx-get]").Each(func(_ int, s *goquery.Selection) { urls = append(urls, s.AttrOr("hx-get", "")) })
	if len(urls) != len(panels.Trends().All()) {
		t.Fatalf("the Trends page loads %d panels: %q", len(urls), urls)
	}
	year := strconv.Itoa(testclock.Now().UTC().Year())
	if d.Find(`a[href="/year/`+year+`"]`).Length() == 0 || d.Find(`a[href="/export/all.zip"]`).Length() == 0 {
		t.Error("the Trends page links neither the year nor the download")
	}
	for _, u := range urls {
		status, body, _ := get(t, c, e.appURL+u, "HX-Request", "true")
		pd := doc(t, body)
		if status != http.StatusOK || pd.Find("section.panel--error").Length() > 0 || strings.TrimSpace(pd.Find(".panel-body").Text()) == "" {
			t.Errorf("%s: %d %.300s", u, status, pd.Text())
		}
		if strings.Contains(u, "rank-over-time") {
			if pd.Find("svg.bump polyline").Length() == 0 || pd.Find("table.data-table tbody tr").Length() != 10 || pd.Find("figcaption").Text() == "" {
				t.Errorf("the bump chart: %d lines, %d table rows", pd.Find("svg.bump polyline").Length(), pd.Find("table.data-table tbody tr").Length())
			}
		}
		if pd.Find(`.panel-exports a[href$="format=csv"]`).Length() != 1 {
			t.Errorf("%s offers no CSV", u)
		}
	}
	// The History page and the dashboard lead here.
	_, body, _ = get(t, c, e.appURL+"/history")
	if doc(t, body).Find(`.history-actions a[href="/trends"]`).Length() != 1 {
		t.Error("History does not link the trends")
	}
	_, body, _ = get(t, c, e.appURL+"/")
	if doc(t, body).Find(`.dash-links a[href="/year/`+year+`"]`).Length() != 1 {
		t.Error("the dashboard does not link the year in review")
	}

	// The year in review.
	res, err := noRedirects(c).Get(e.appURL + "/year")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/year/"+year {
		t.Errorf("/year: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	status, body, _ = get(t, c, e.appURL+"/year/"+year)
	yd := doc(t, body)
	if status != http.StatusOK || !strings.Contains(yd.Find("h1").Text(), year) || yd.Find(".year-top-item").Length() == 0 ||
		yd.Find(".year-big-value").Length() != 4 {
		t.Fatalf("/year/%s: %d, %q", year, status, yd.Find("h1").Text())
	}
	minutes := e.count(t, `SELECT round(sum(ms_played)::numeric / 60000)::int FROM euterpe.play_hours WHERE user_id = $1 AND extract(year FROM day) = $2`, u.id, testclock.Now().UTC().Year())
	if got := strings.ReplaceAll(yd.Find(".year-big-item--lead .year-big-value").Text(), ",", ""); got != strconv.Itoa(minutes) {
		t.Errorf("the year's minutes read %s, the summaries hold %d", got, minutes)
	}

	for _, c2 := range []struct{ path, want string }{
		{"/trends/panels/nope", "monthly"},
		{"/panels/nope", "top-songs"},
		{"/history/panels/nope", "calendar"},
		{"/trends/panels/rank-over-time?range=forever", "short_term, medium_term, long_term"},
		{"/year/1999", "your history covers"},
		{"/year/26", "four digits"},
		{"/year/abcd", "four digits"},
		{"/year/" + strconv.Itoa(testclock.Now().UTC().Year()+1), "your history covers"},
	} {
		status, body, _ := get(t, c, e.appURL+c2.path)
		if status != http.StatusBadRequest || !strings.Contains(string(body), c2.want) {
			t.Errorf("%s: %d, want 400 saying %q", c2.path, status, c2.want)
		}
	}
}

// TestExportsAreTheirUsersOnly: two users on one Euterpe; each one's
// downloads hold exactly their own listens.
func TestExportsAreTheirUsersOnly(t *testing.T) {
	e := newEnv(t, envOptions{})
	users := []*historyUser{e.historyUser(t, "kiko", 6), e.historyUser(t, "dex", 2)}
	for i, u := range users {
		other := users[1-i]
		csvBody := fileGet(t, u.c, e.appURL+"/export/history.csv", "csv", "history-"+u.listener)
		rows := csvRows(t, csvBody)
		var own, theirs []string
		for _, l := range u.listens {
			own = append(own, l.at.UTC().Format(time.RFC3339Nano))
		}
		for _, l := range other.listens {
			theirs = append(theirs, l.at.UTC().Format(time.RFC3339Nano))
		}
		var got []string
		for _, r := range rows[1:] {
			got = append(got, r[1])
		}
		slices.Sort(own)
		if !slices.Equal(got, own) {
			t.Errorf("%s's history.csv holds %d listens, want their %d", u.listener, len(got), len(own))
		}
		zipBody := fileGet(t, u.c, e.appURL+"/export/all.zip", "zip", "data-"+u.listener)
		zr, err := zip.NewReader(bytes.NewReader(zipBody), int64(len(zipBody)))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			if f.Name == "history.csv" && !bytes.Equal(b, csvBody) {
				t.Errorf("%s: the zip's history.csv differs from /export/history.csv", u.listener)
			}
			for _, ts := range theirs {
				if bytes.Contains(b, []byte(ts)) && !slices.Contains(own, ts) {
					t.Errorf("%s's %s holds %s's listen of %s", u.listener, f.Name, other.listener, ts)
					break
				}
			}
			if f.Name == "account.json" && !bytes.Contains(b, []byte(`"spotify_user_id": "`+u.listener+`"`)) {
				t.Errorf("%s's account.json is not theirs: %.300s", u.listener, b)
			}
		}
		if !slices.Equal(names, []string{"README.txt", "history.csv", "history.json", "account.json", "snapshots.json", "snapshots.csv"}) {
			t.Errorf("the zip holds %q", names)
		}
	}
	// Signed out, nothing.
	anon := e.browser(t)
	for _, path := range []string{"/export/all.zip", "/export/history.csv", "/year/2026", "/trends"} {
		res, err := noRedirects(anon).Get(e.appURL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode == http.StatusOK {
			t.Errorf("%s answered a signed-out browser", path)
		}
	}
}

// slowReader reads a response a little at a time, as a slow connection.
type slowReader struct {
	r     io.Reader
	pause time.Duration
}

func (s slowReader) Read(p []byte) (int, error) {
	time.Sleep(s.pause)
	return s.r.Read(p[:min(len(p), 16<<10)])
}

// TestLongExportOutlivesTheWriteTimeout: a server whose write timeout is a
// fraction of the time a slow client takes to read a large export still
// sends all of it, because the export moves the deadline on as it writes.
func TestLongExportOutlivesTheWriteTimeout(t *testing.T) {
	e := newEnv(t, envOptions{})
	u := e.historyUser(t, "dex", 1)
	// Some 40,000 more plays of the tracks already stored, a minute apart.
	if _, err := e.pool.Exec(context.Background(), `INSERT INTO euterpe.plays (user_id, played_at, track_id, ms_played, source_id)
		SELECT $1, $2::timestamptz - interval '60 days' + g * interval '1 minute',
		       (SELECT array_agg(id) FROM euterpe.tracks)[1 + g % (SELECT count(*) FROM euterpe.tracks)], 60000, 1
		FROM generate_series(1, 40000) g`, u.id, testclock.Now()); err != nil {
		t.Fatal(err)
	}
	plays := e.count(t, `SELECT count(*) FROM euterpe.plays WHERE user_id = $1`, u.id)
	const timeout = 300 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: e.router, WriteTimeout: timeout, ReadHeaderTimeout: time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	// Cookies are per host, not per port: the browser is signed in here too.
	res, err := u.c.Get("http://" + ln.Addr().String() + "/export/history.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	started := time.Now()
	body, err := io.ReadAll(slowReader{res.Body, 10 * time.Millisecond})
	took := time.Since(started)
	if err != nil {
		t.Fatalf("after %s and %d bytes: %v", took, len(body), err)
	}
	if took < 3*timeout {
		t.Fatalf("the client read %d bytes in %s: too fast to outlast the %s timeout", len(body), took, timeout)
	}
	rows := csvRows(t, body)
	if len(rows) != plays+1 {
		t.Errorf("%d rows in %s, want all %d plays", len(rows)-1, took, plays)
	}
	t.Logf("%d plays, %.1f MB read in %s past a %s write timeout", plays, float64(len(body))/(1<<20), took.Round(time.Millisecond), timeout)
}
