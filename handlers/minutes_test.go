package handlers

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/internal/testclock"
)

// One quantity, one figure: a year's listening time reads the same on
// History's page, in its JSON and CSV, in the year in review and its JSON
// and CSV, and as the sum of the listens' ms_played in the history export,
// all rounded to the nearest minute. The plays add up to 96 min 40 s, so a
// page that truncated would say 96 where the rest say 97.
func TestListeningTimeIsOneFigureEverywhere(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	c := e.login(t, "walt")
	id := e.userID(t, "walt")
	// Last year, whole: every page reads the same finished span.
	year := testclock.Now().UTC().Year() - 1
	at := time.Date(year, time.March, 10, 12, 0, 0, 0, time.UTC)
	plays := []history.Play{
		{Track: handmadeTrack(1), PlayedAt: at, MSPlayed: 2_000_000},
		{Track: handmadeTrack(2), PlayedAt: at.AddDate(0, 2, 0), MSPlayed: 1_900_000},
		{Track: handmadeTrack(1), PlayedAt: at.AddDate(0, 5, 0), MSPlayed: 1_900_000},
	}
	e.record(t, id, history.SourcePoll, plays)
	const want = 97 // 5,800,000 ms = 96.67 minutes
	y := strconv.Itoa(year)
	span := "from=" + y + "-01-01&to=" + y + "-12-31"

	figures := map[string]string{}
	figures["/history.json totals"] = strconv.FormatInt(historyJSON(t, e, c, span).Totals.Minutes, 10)
	_, body, _ := get(t, c, e.appURL+"/history/panels/totals?"+span, "HX-Request", "true")
	figures["History's totals panel"] = statValue(doc(t, body).Selection, "Listening time")
	rows := csvRows(t, fileGet(t, c, e.appURL+"/history/panels/totals?"+span+"&format=csv", "csv", "totals"))
	figures["History's totals CSV"] = column(t, rows, "minutes")

	_, body, _ = get(t, c, e.appURL+"/year/"+y)
	figures["the year in review"] = strings.ReplaceAll(doc(t, body).Find(".year-big-item--lead .year-big-value").Text(), ",", "")
	var yj struct {
		Minutes int64 `json:"minutes"`
	}
	if err := json.Unmarshal(fileGet(t, c, e.appURL+"/year/"+y+"?format=json", "json", "year-"+y), &yj); err != nil {
		t.Fatal(err)
	}
	figures["the year's JSON"] = strconv.FormatInt(yj.Minutes, 10)
	for _, r := range csvRows(t, fileGet(t, c, e.appURL+"/year/"+y+"?format=csv", "csv", "year-"+y)) {
		if r[0] == "year" {
			figures["the year's CSV"] = r[6]
		}
	}
	rows = csvRows(t, fileGet(t, c, e.appURL+"/history?"+span+"&format=csv", "csv", "history-"))
	var ms int64
	col := columnIndex(t, rows, "ms_played")
	for _, r := range rows[1:] {
		n, err := strconv.ParseInt(r[col], 10, 64)
		if err != nil {
			t.Fatalf("ms_played %q: %v", r[col], err)
		}
		ms += n
	}
	figures["the history export's ms_played, summed"] = strconv.FormatInt(roundedMinutes(ms), 10)

	for where, got := range figures {
		wantText := strconv.Itoa(want)
		if where == "History's totals panel" {
			wantText = minutesText(want)
		}
		if got != wantText {
			t.Errorf("%s reads %q, want %q", where, got, wantText)
		}
	}
	if len(figures) != 7 {
		t.Errorf("compared %d figures: %v", len(figures), figures)
	}
}

// columnIndex is the index of the named column of a CSV's header.
func columnIndex(t *testing.T, rows [][]string, name string) int {
	t.Helper()
	for i, h := range rows[0] {
		if h == name {
			return i
		}
	}
	t.Fatalf("no column %q in %q", name, rows[0])
	return -1
}

// column is the named column of a one-row CSV.
func column(t *testing.T, rows [][]string, name string) string {
	t.Helper()
	if len(rows) != 2 {
		t.Fatalf("want a header and one row, got %d rows", len(rows))
	}
	return rows[1][columnIndex(t, rows, name)]
}
