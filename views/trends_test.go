package views

import (
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/euterpe-dev/euterpe/analytics"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/trends"
)

// tref is a Trends panel's reference, as panels.Panel.Ref makes it.
func tref(id string) PanelRef {
	u := "/trends/panels/" + id
	if id == "rank-over-time" {
		u += "?range=short_term"
	}
	return PanelRef{ID: id, Title: id, URL: u, Wide: true}
}

func day(s string) trends.Date {
	t, _ := time.Parse(time.DateOnly, s)
	return trends.Date{Time: t}
}

func month(s string) trends.Month {
	t, _ := time.Parse("2006-01", s)
	return trends.Month{Time: t}
}

func sampleBump() trends.BumpChart {
	c := trends.BumpChart{Kind: trends.TopArtists, Range: "short_term"}
	for _, d := range []string{"2026-11-01", "2026-11-10", "2026-11-20", "2026-11-28"} {
		c.Days = append(c.Days, day(d))
	}
	c.Lines = []trends.BumpLine{
		{ID: 1, Name: "Up Top", URL: "/history/artists/1", Ranks: []int{4, 3, 2, 1}, Best: 1, BestOn: day("2026-11-28"), InList: 4},
		{ID: 2, Name: "Was First", URL: "/history/artists/2", Ranks: []int{1, 1, 0, 2}, Best: 1, BestOn: day("2026-11-01"), InList: 3},
		{ID: 3, Name: "Deep", URL: "/history/artists/3", Ranks: []int{30, 12, 5, 3}, Best: 3, BestOn: day("2026-11-28"), InList: 4},
	}
	return c
}

// The bump chart: a line per artist, broken where the artist was out of
// the list or below the chart, a sentence and a table saying the same.
func TestBumpPanel(t *testing.T) {
	links := []Link{{Label: "Last 4 weeks", URL: "/trends/panels/rank-over-time?range=short_term", Current: true}}
	doc := render(t, BumpPanel(tref("rank-over-time"), spotify.ShortTerm, sampleBump(), links))
	lines := doc.Find("svg.bump g.bump-line")
	if lines.Length() != 3 {
		t.Fatalf("%d lines", lines.Length())
	}
	// "Was First" is out of the list on the third day: two stretches.
	if n := lines.Eq(1).Find("polyline").Length(); n != 2 {
		t.Errorf("a line with a gap has %d stretches, want 2", n)
	}
	// "Deep" was 30th, below the chart's 20: its line starts on day 2.
	if pts := attr(lines.Eq(2).Find("polyline").First(), "points"); strings.Count(pts, ",") != 3 {
		t.Errorf("the line from below the chart: %q", pts)
	}
	if lines.Eq(0).Find("title").Text() != "Up Top" || lines.Find("circle").Length() != 3 {
		t.Error("lines lack their names or their end dots")
	}
	cap := text(doc.Find("figcaption"))
	if !strings.Contains(cap, "4 snapshots from 1 November 2026 to 28 November 2026") || !strings.Contains(cap, "The biggest climb: Deep, up 27 places to #3") {
		t.Errorf("summary: %q", cap)
	}
	svg := doc.Find("svg.bump")
	if attr(svg, "role") != "img" || doc.Find("#"+attr(svg, "aria-labelledby")).Length() != 1 {
		t.Error("the chart is not labelled by its summary")
	}
	rows := doc.Find("table.data-table tbody tr")
	// A week before the last day (28 Nov) is 20 Nov, when "Was First" was
	// out of the list; no snapshot is a month older than the last.
	if cells := texts(rows.Eq(1).Find("td, th")); rows.Length() != 3 || cells != "#2 | Was First | — | — | #1 on 1 Nov 2026 | 3 of 4" {
		t.Errorf("the second row: %s", cells)
	}
	if cells := texts(rows.Eq(2).Find("td, th")); cells != "#3 | Deep | #5 | — | #3 on 28 Nov 2026 | 4 of 4" {
		t.Errorf("the third row: %s", cells)
	}
	if doc.Find(`.panel-switch a[aria-current="true"]`).Length() != 1 || doc.Find(`.panel-exports a[href$="&format=csv"]`).Length() != 1 {
		t.Error("no range switch or no download")
	}
	empty := render(t, BumpPanel(tref("rank-over-time"), spotify.ShortTerm, trends.BumpChart{}, links))
	if empty.Find("svg").Length() > 1 || !strings.Contains(empty.Text(), "once a day") {
		t.Error("the empty chart does not say when it starts")
	}
}

// Movement chips appear on the rows of a top list rendered with moves, say
// what they mean to a screen reader, and are absent otherwise.
func TestMovementChips(t *testing.T) {
	songs := sampleSongs(3, true)
	since := day("2026-11-21")
	moves := Moves{
		songs[0].ID: {Week: &trends.Move{Kind: trends.MoveUp, Places: 3, Since: since}, Month: &trends.Move{Kind: trends.MoveNew, Since: day("2026-10-29")}},
		songs[1].ID: {Week: &trends.Move{Kind: trends.MoveDown, Places: 1, Since: since}},
		songs[2].ID: {},
	}
	doc := render(t, WithMoves(TopSongsPanel(ref("top-songs"), spotify.ShortTerm, songs), moves))
	rows := doc.Find(".track")
	if got := strings.TrimSpace(rows.Eq(0).Find(".moves .visually-hidden").Text()); got != "Week: up 3 places since Sat 21 Nov. Month: new since Thu 29 Oct." {
		t.Errorf("first row's moves read %q", got)
	}
	if got := text(rows.Eq(0).Find(".moves")); !strings.Contains(got, "7d ▲3") || !strings.Contains(got, "30d new") {
		t.Errorf("first row's chips show %q", got)
	}
	if rows.Eq(1).Find(".move--down").Length() != 1 || rows.Eq(2).Find(".moves").Length() != 0 {
		t.Error("the second row's move down, or the third row's absence of moves, is wrong")
	}
	plain := render(t, TopSongsPanel(ref("top-songs"), spotify.ShortTerm, songs))
	if plain.Find(".moves").Length() != 0 {
		t.Error("moves without WithMoves")
	}
	artists := sampleArtists(14, true)
	am := Moves{artists[0].ID: {Week: &trends.Move{Kind: trends.MoveBack, Since: since}}, artists[13].ID: {Week: &trends.Move{Kind: trends.MoveSame, Since: since}}}
	ad := render(t, WithMoves(TopArtistsPanel(ref("top-artists"), spotify.ShortTerm, artists), am))
	if ad.Find(".artist-card .move--back").Length() != 1 || ad.Find(".compact-list .move--same").Length() != 1 {
		t.Error("the artists' grid or list lacks its moves")
	}
}

func sampleYear() trends.Year {
	top := func(names ...string) []history.TopItem {
		var out []history.TopItem
		for i, n := range names {
			out = append(out, history.TopItem{Rank: i + 1, ID: int64(i + 1), Name: n, Detail: "Someone", Plays: int64(50 - i), URL: "/history/tracks/1"})
		}
		return out
	}
	y := trends.Year{Year: 2025, Zone: "Europe/Paris", From: day("2025-01-01"), To: day("2025-12-31"), Plays: 12345, Minutes: 45678,
		DaysPlayed: 300, Days: 365, Tracks: 2000, Artists: 400,
		TopTracks: top("One", "Two", "Three", "Four", "Five"), TopArtists: top("A", "B", "C", "D", "E"), TopAlbums: top("L1", "L2", "L3", "L4", "L5"),
		TopDay:     &trends.DayTotal{Date: day("2025-03-01"), Plays: 80, Minutes: 240},
		Streak:     trends.Streak{Days: 12, From: day("2025-02-01"), To: day("2025-02-12")},
		SongOfADay: &trends.SongDay{Track: history.TopItem{Name: "One", Detail: "Someone", URL: "/history/tracks/1"}, Date: day("2025-03-01"), Plays: 9},
		Discovered: trends.Discovered{Count: 2, Artists: top("New One", "New Two")},
	}
	for m := 1; m <= 12; m++ {
		y.Months = append(y.Months, trends.MonthTotal{Month: trends.Month{Time: time.Date(2025, time.Month(m), 1, 0, 0, 0, 0, time.UTC)}, Plays: int64(m * 10), Minutes: int64(m * 30)})
	}
	topMonth := y.Months[11]
	y.TopMonth = &topMonth
	y.Clock.Plays[5][10] = 7
	y.Clock.Max = 7
	return y
}

func TestYearPage(t *testing.T) {
	d := YearData{Year: sampleYear(), Years: []Link{{Label: "2025", URL: "/year/2025", Current: true}, {Label: "2024", URL: "/year/2024"}},
		JSONURL: "/year/2025?format=json", CSVURL: "/year/2025?format=csv"}
	doc := render(t, YearPage(loggedIn, d))
	if got := text(doc.Find(".year-hero h1")); got != "2025 in music" {
		t.Errorf("title %q", got)
	}
	if got := texts(doc.Find(".year-big-value")); got != "45,678 | 12,345 | 300 | 400" {
		t.Errorf("big figures %q", got)
	}
	if doc.Find(".year-top-list").Length() != 3 || doc.Find(".year-top-item--first").Length() != 3 {
		t.Error("the three top 5s, each with its first marked")
	}
	facts := text(doc.Find(".year-facts"))
	for _, want := range []string{"December · 120 plays", "Saturday 1 March · 80 plays", "12 days, 1 February to 12 February", "One by Someone · 9 times on 1 March"} {
		if !strings.Contains(facts, want) {
			t.Errorf("highlights lack %q: %s", want, facts)
		}
	}
	if doc.Find(".year-discoveries li").Length() != 2 || !strings.Contains(text(doc.Find(".year-count")), "2 artists you first heard in 2025") {
		t.Error("discovered artists")
	}
	if doc.Find(".chart--clock rect").Length() != 7*24 || doc.Find("#year-months-summary").Length() != 1 || doc.Find("svg.hist rect").Length() != 12 {
		t.Error("the clock or the months are missing")
	}
	if doc.Find(`a[href="/year/2025?format=json"][download]`).Length() != 1 || doc.Find(`nav.year-switch a[aria-current="page"]`).Length() != 1 {
		t.Error("downloads or year switch")
	}
	so := sampleYear()
	so.SoFar, so.Plays = true, 0
	empty := render(t, YearPage(loggedIn, YearData{Year: so, JSONURL: "x", CSVURL: "y"}))
	if !strings.Contains(text(empty.Find("h1")), "2025 so far") || !strings.Contains(empty.Text(), "No plays in 2025 yet.") || empty.Find(".year-grid").Length() != 0 {
		t.Error("an empty year so far")
	}
}

func TestTrendPanels(t *testing.T) {
	months := trends.Monthly{Zone: "UTC", Months: []trends.MonthTotal{{Month: month("2025-11"), Plays: 10, Minutes: 30}, {Month: month("2025-12")}, {Month: month("2026-01"), Plays: 20, Minutes: 90}}}
	share := trends.ArtistShare{Zone: "UTC", Artists: []history.TopItem{{Name: "A", URL: "/a"}, {Name: "B", URL: "/b"}},
		Months: []trends.ShareMonth{{Month: month("2025-11"), Minutes: 30, Shares: []float64{0.5, 0.3}, Other: 0.2}, {Month: month("2025-12"), Shares: []float64{0, 0}}}}
	disc := trends.Discovery{Zone: "UTC", Starts: month("2025-11"), Months: []trends.DiscoveryMonth{{Month: month("2025-11"), Artists: 10, Discovered: 10}, {Month: month("2025-12"), Artists: 8, Discovered: 2}}}
	stand := trends.Compared{History: trends.Standing{Timeless: []trends.StandRow{{Rank: 1, Name: hostile, URL: "/x", ShortRank: 1, MediumRank: 2, LongRank: 3}}},
		SpotifyError: "Spotify did not answer properly: its lists are not here this time."}
	for name, c := range map[string]templ.Component{
		"monthly":   MonthlyPanel(tref("monthly"), months),
		"share":     SharePanel(tref("artist-share"), share),
		"discovery": DiscoveryPanel(tref("discovery"), disc),
		"standing":  StandingPanel(tref("standing"), stand),
	} {
		t.Run(name, func(t *testing.T) {
			doc := render(t, c)
			if name != "standing" {
				if doc.Find("svg[role=img]").Length() != 1 || doc.Find("figcaption").Text() == "" || doc.Find("details table.data-table").Length() != 1 {
					t.Error("a chart without its summary or table")
				}
			}
		})
	}
	doc := render(t, SharePanel(tref("artist-share"), share))
	if n := doc.Find("path.share-band").Length(); n != 3 {
		t.Errorf("%d bands, want the two artists' and everyone else's", n)
	}
	if got := texts(doc.Find("tbody tr").First().Find("td")); got != "50% | 30% | 20%" {
		t.Errorf("the first month's shares read %q", got)
	}
	doc = render(t, DiscoveryPanel(tref("discovery"), disc))
	if doc.Find("rect.bar--start").Length() != 1 || !strings.Contains(doc.Find("figcaption").Text(), "your history starts in November 2025") {
		t.Error("the first month is not marked as the history's start")
	}
	doc = render(t, StandingPanel(tref("standing"), stand))
	if !strings.Contains(doc.Text(), "<script>alert(1)</script>") || doc.Find(".notice").Length() != 1 {
		t.Error("the hostile name is not text, or Spotify's failure is not said")
	}
	sp := stand
	sp.Spotify = &trends.SpotifyStanding{Timeless: sampleTimeless(), Falling: []analytics.ArtistStanding{}}
	doc = render(t, StandingPanel(tref("standing"), sp))
	if doc.Find(".standing-compare section").Eq(1).Find(".standing").Length() != len(sampleTimeless()) {
		t.Error("Spotify's timeless artists are not listed")
	}
}
