package panels

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/analytics"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/trends"
)

// Every panel of every page, the item page and the year have a CSV: a
// table with columns, even when empty.
func TestEveryViewHasATable(t *testing.T) {
	var zeros []any
	for _, p := range Dashboard().All() {
		zeros = append(zeros, p.zero())
	}
	for _, p := range History().All() {
		zeros = append(zeros, p.zero())
	}
	for _, p := range Trends().All() {
		zeros = append(zeros, p.zero())
	}
	zeros = append(zeros, history.Item{}, trends.Year{})
	for _, z := range zeros {
		tb, err := Table(z)
		if err != nil {
			t.Errorf("%T: %v", z, err)
			continue
		}
		if len(tb.Columns) == 0 {
			t.Errorf("%T: a table without columns", z)
		}
		var buf bytes.Buffer
		if err := tb.WriteCSV(&buf); err != nil {
			t.Errorf("%T: %v", z, err)
		}
	}
	if _, err := Table(struct{}{}); err == nil {
		t.Error("a type with no table got one")
	}
}

// A table's rows have its columns, and what a spreadsheet would run is
// made text.
func TestTablesHaveTheirColumns(t *testing.T) {
	pop := 42
	week := trends.Move{Kind: trends.MoveUp, Places: 3, Since: trends.DateOf(time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC))}
	data := []any{
		[]MovingSong{{Song: analytics.Song{Rank: 1, ID: "x", Name: "=cmd|' /C calc'!A0", Artists: "@evil", Popularity: &pop},
			Movement: trends.Movement{Week: &week}}},
		trends.Year{Year: 2025, Months: []trends.MonthTotal{{Plays: 3}}, TopTracks: []history.TopItem{{Rank: 1, Name: "+1", Plays: 9}}},
		history.Clock{Zone: "UTC"},
		trends.ArtistShare{Artists: []history.TopItem{{Name: "A"}, {Name: "B"}}, Months: []trends.ShareMonth{{Shares: []float64{0.5, 0.25}, Other: 0.25}}},
	}
	for _, d := range data {
		tb, err := Table(d)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := tb.WriteCSV(&buf); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			if len(r) != len(tb.Columns) {
				t.Errorf("%T row %d has %d cells for %d columns", d, i, len(r), len(tb.Columns))
			}
			for _, c := range r {
				if c != "" && (c[0] == '=' || c[0] == '@' || c[0] == '+' && c != "+1") {
					t.Errorf("%T: the cell %q would run in a spreadsheet", d, c)
				}
			}
		}
	}
	tb, _ := Table(data[0])
	if tb.Rows[0][len(tb.Rows[0])-4] != "up 3" || tb.Rows[0][len(tb.Rows[0])-3] != "2026-11-21" {
		t.Errorf("movement cells %q", tb.Rows[0])
	}
	if clock, _ := Table(history.Clock{}); len(clock.Rows) != 7*24 || clock.Rows[0][0] != "Monday" || clock.Rows[24*6][0] != "Sunday" {
		t.Errorf("the clock's table starts %q and has %d rows", clock.Rows[0], len(clock.Rows))
	}
}
