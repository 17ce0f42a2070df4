package trends

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/spotify"
)

func TestCompare(t *testing.T) {
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	ref := Reference{Day: day, Items: []int64{10, 20, 30, 40}, SeenBefore: map[int64]bool{50: true, 60: true}}
	got := Compare([]int64{20, 10, 50, 70, 30, 0, 40}, ref)
	since := Date{day}
	want := []Move{
		{MoveUp, 1, since},   // 20: 2nd → 1st
		{MoveDown, 1, since}, // 10: 1st → 2nd
		{MoveBack, 0, since}, // 50: not in the reference, in an earlier snapshot
		{MoveNew, 0, since},  // 70: in no snapshot
		{MoveDown, 2, since}, // 30: 3rd → 5th
		{MoveNew, 0, since},  // an item the catalogue has never seen
		{MoveDown, 3, since}, // 40: 4th → 7th
	}
	if !slices.Equal(got, want) {
		t.Errorf("moves\n got %v\nwant %v", got, want)
	}
	if got := Compare([]int64{10, 20}, Reference{Day: day, Items: []int64{10, 20}}); got[0].Kind != MoveSame || got[1].Kind != MoveSame {
		t.Errorf("unchanged list: %v", got)
	}
	labels := map[Move]string{{Kind: MoveUp, Places: 3}: "up 3", {Kind: MoveDown, Places: 2}: "down 2", {Kind: MoveNew}: "new", {Kind: MoveBack}: "back", {Kind: MoveSame}: "same"}
	for m, want := range labels {
		if m.Label() != want {
			t.Errorf("%+v reads %q, want %q", m, m.Label(), want)
		}
	}
}

// The snapshot compared with is the latest from 2n to n days back; a list
// that was not fetched that day does not count; across a gap the nearest
// older snapshot serves, until it is older than 2n days.
func TestPickReferenceAcrossGaps(t *testing.T) {
	today := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	short := List{TopArtists, spotify.ShortTerm}
	snap := func(back int, withList bool) Snapshot {
		s := Snapshot{Day: today.AddDate(0, 0, -back)}
		if withList {
			s.lists[listIndex(short)] = []int64{1}
		}
		return s
	}
	for _, c := range []struct {
		name       string
		snaps      []Snapshot
		week, mnth int // days back of the snapshot picked; -1 for none
	}{
		{"every day", []Snapshot{snap(3, true), snap(6, true), snap(7, true), snap(8, true), snap(30, true), snap(31, true)}, 7, 30},
		{"a gap before a week ago", []Snapshot{snap(3, true), snap(10, true), snap(35, true), snap(70, true)}, 10, 35},
		{"a list not fetched that day", []Snapshot{snap(8, false), snap(9, true), snap(40, true)}, 9, 40},
		{"nothing old enough", []Snapshot{snap(1, true), snap(6, true)}, -1, -1},
		{"only too old", []Snapshot{snap(15, true), snap(61, true)}, -1, -1},
		{"a month but no week", []Snapshot{snap(2, true), snap(33, true)}, -1, 33},
		{"out of order", []Snapshot{snap(35, true), snap(12, true), snap(45, true), snap(9, true)}, 9, 35},
	} {
		for _, b := range []struct {
			n, want int
		}{{7, c.week}, {30, c.mnth}} {
			got, ok := PickReference(c.snaps, short, today, b.n)
			switch {
			case b.want < 0 && ok:
				t.Errorf("%s, %d days back: picked %s, want none", c.name, b.n, got.Day.Format(time.DateOnly))
			case b.want >= 0 && (!ok || !got.Day.Equal(today.AddDate(0, 0, -b.want))):
				t.Errorf("%s, %d days back: picked %v (%v), want %d days back", c.name, b.n, got.Day.Format(time.DateOnly), ok, b.want)
			}
		}
	}
}

// moveFixture keeps snapshots with gaps of a user in UTC whose today is
// 31 March 2026: the artists' short-term lists were
//
//	40 days back  Artist 1, 2, 3, 4
//	35 days back  Artist 1, 2, 3        (the month's reference: the latest 60 to 30 days back)
//	              (nothing for 24 days)
//	10 days back  Artist 2, 1, 3        (the week's reference: the latest 14 to 7 days back)
//	 3 days back  Artist 3, 1           (too recent to compare with)
//
// and no track list was fetched on any of those days.
func moveFixture(t *testing.T) *fixture {
	f := newFixture(t, "UTC", time.Date(2026, 3, 31, 9, 0, 0, 0, time.UTC))
	// Artist 5 is in the catalogue (a play) but in no snapshot.
	f.play(t, track(5, 5, 5), "2026-03-01 10:00")
	today := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	list := func(ns ...int) []spotify.Artist {
		var out []spotify.Artist
		for _, n := range ns {
			out = append(out, spotify.Artist{ID: sid('A', n), Name: fmt.Sprintf("Artist %d", n)})
		}
		return out
	}
	var days []DaySnapshot
	for _, s := range []struct {
		back    int
		artists []spotify.Artist
	}{{40, list(1, 2, 3, 4)}, {35, list(1, 2, 3)}, {10, list(2, 1, 3)}, {3, list(3, 1)}} {
		d := today.AddDate(0, 0, -s.back)
		days = append(days, DaySnapshot{Day: d, TakenAt: d.Add(8 * time.Hour),
			Fetched: Fetched{Artists: map[spotify.TimeRange][]spotify.Artist{spotify.ShortTerm: s.artists}}})
	}
	if err := f.svc.SaveSnapshots(context.Background(), f.user, days); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestMovementAcrossGaps: today's live list against the snapshots of a
// week and a month before, across the gaps in them; "back" for an artist
// in a snapshot older than the one compared with, "new" for one in none.
func TestMovementAcrossGaps(t *testing.T) {
	f := moveFixture(t)
	live := []string{sid('A', 3), sid('A', 4), sid('A', 1), sid('A', 5), sid('A', 2), sid('A', 9)}
	moves, err := f.svc.Movement(context.Background(), f.user, List{TopArtists, spotify.ShortTerm}, live)
	if err != nil {
		t.Fatal(err)
	}
	week, month := Date{time.Date(2026, 3, 21, 0, 0, 0, 0, time.UTC)}, Date{time.Date(2026, 2, 24, 0, 0, 0, 0, time.UTC)}
	want := []Movement{
		{Week: &Move{MoveUp, 2, week}, Month: &Move{MoveUp, 2, month}},     // Artist 3: 3rd → 1st
		{Week: &Move{MoveBack, 0, week}, Month: &Move{MoveBack, 0, month}}, // Artist 4: in the list 40 days back
		{Week: &Move{MoveDown, 1, week}, Month: &Move{MoveDown, 2, month}}, // Artist 1: 2nd / 1st → 3rd
		{Week: &Move{MoveNew, 0, week}, Month: &Move{MoveNew, 0, month}},   // Artist 5: known, never listed
		{Week: &Move{MoveDown, 4, week}, Month: &Move{MoveDown, 3, month}}, // Artist 2: 1st / 2nd → 5th
		{Week: &Move{MoveNew, 0, week}, Month: &Move{MoveNew, 0, month}},   // Artist 9: unknown to the catalogue
	}
	for i := range want {
		if fmt.Sprint(*moves[i].Week, *moves[i].Month) != fmt.Sprint(*want[i].Week, *want[i].Month) {
			t.Errorf("%s: %v / %v, want %v / %v", live[i], *moves[i].Week, *moves[i].Month, *want[i].Week, *want[i].Month)
		}
	}
	// No track list was ever fetched: no move to show.
	tm, err := f.svc.Movement(context.Background(), f.user, List{TopTracks, spotify.ShortTerm}, []string{sid('T', 5)})
	if err != nil || tm[0].Week != nil || tm[0].Month != nil {
		t.Errorf("tracks: %+v, %v; want no movement", tm, err)
	}
	// Another user's snapshots are not this user's.
	other := newFixtureOn(t, f.pool, "someone-else", "UTC", f.now)
	om, err := other.svc.Movement(context.Background(), other.user, List{TopArtists, spotify.ShortTerm}, live)
	if err != nil || om[0].Week != nil || om[0].Month != nil {
		t.Errorf("another user's movement: %+v, %v", om[0], err)
	}
}

func TestBumpChart(t *testing.T) {
	f := moveFixture(t)
	c, err := f.svc.Bump(context.Background(), f.user, List{TopArtists, spotify.ShortTerm})
	if err != nil {
		t.Fatal(err)
	}
	var days []string
	for _, d := range c.Days {
		days = append(days, d.String())
	}
	if !slices.Equal(days, []string{"2026-02-19", "2026-02-24", "2026-03-21", "2026-03-28"}) {
		t.Fatalf("days %v", days)
	}
	if len(c.Lines) != 2 || c.Lines[0].Name != "Artist 3" || c.Lines[1].Name != "Artist 1" {
		t.Fatalf("lines %+v: want the latest snapshot's Artist 3 and Artist 1", c.Lines)
	}
	a3, a1 := c.Lines[0], c.Lines[1]
	if !slices.Equal(a3.Ranks, []int{3, 3, 3, 1}) || a3.Best != 1 || a3.BestOn.String() != "2026-03-28" || a3.InList != 4 {
		t.Errorf("Artist 3: %+v", a3)
	}
	if !slices.Equal(a1.Ranks, []int{1, 1, 2, 2}) || a1.Best != 1 || a1.BestOn.String() != "2026-02-19" || a1.URL == "" {
		t.Errorf("Artist 1: %+v", a1)
	}
	if r, on, ok := c.RankDaysBefore(a3, 7); !ok || r != 3 || on.String() != "2026-03-21" {
		t.Errorf("Artist 3 a week before the last day: #%d on %s (%v)", r, on, ok)
	}
	empty, err := f.svc.Bump(context.Background(), f.user, List{TopTracks, spotify.LongTerm})
	if err != nil || len(empty.Lines) != 0 || len(empty.Days) != 0 {
		t.Errorf("a list never fetched: %+v, %v", empty, err)
	}
}

// TestMonthlyShareAndDiscovery reads the year fixture's trends, worked out
// by hand (every play three minutes).
func TestMonthlyShareAndDiscovery(t *testing.T) {
	f := yearFixture(t)
	ctx := context.Background()
	m, err := f.svc.MonthlyListening(ctx, f.user)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Months) != 14 || m.Months[0].Month.String() != "2024-12" || m.Months[13].Month.String() != "2026-01" {
		t.Fatalf("%d months from %s", len(m.Months), m.Months[0].Month)
	}
	want := map[string][2]int64{"2024-12": {1, 3}, "2025-01": {7, 21}, "2025-03": {8, 24}, "2025-06": {3, 9}, "2025-12": {1, 3}, "2026-01": {1, 3}}
	for _, mo := range m.Months {
		if w := want[mo.Month.String()]; mo.Plays != w[0] || mo.Minutes != w[1] {
			t.Errorf("%s: %d plays, %d min; want %v", mo.Month, mo.Plays, mo.Minutes, w)
		}
	}

	s, err := f.svc.ArtistShares(ctx, f.user)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(s.Artists); !slices.Equal(got, []ranked{{"Artist 1", 8}, {"Artist 3", 6}, {"Artist 2", 4}, {"Artist 4", 2}, {"Artist 5", 2}, {"Artist 6", 1}}) {
		t.Errorf("share artists %v", got)
	}
	byMonth := map[string]ShareMonth{}
	for _, sm := range s.Months {
		byMonth[sm.Month.String()] = sm
	}
	near := func(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }
	// January: 21 minutes; Artist 1 has 15 and Artist 2 12 (Track 2 is
	// both's), 27 in all: scaled to add up to 1.
	jan := byMonth["2025-01"]
	if !near(jan.Shares[0], 15.0/27) || !near(jan.Shares[2], 12.0/27) || jan.Other != 0 || jan.Minutes != 21 {
		t.Errorf("January's shares %v, other %v", jan.Shares, jan.Other)
	}
	mar := byMonth["2025-03"]
	if !near(mar.Shares[1], 0.75) || !near(mar.Shares[3], 0.25) || mar.Other != 0 {
		t.Errorf("March's shares %v", mar.Shares)
	}
	jun := byMonth["2025-06"]
	if !near(jun.Shares[0], 1.0/3) || !near(jun.Shares[4], 2.0/3) {
		t.Errorf("June's shares %v", jun.Shares)
	}
	if feb := byMonth["2025-02"]; feb.Minutes != 0 || feb.Other != 0 || feb.Shares[0] != 0 {
		t.Errorf("February had no plays: %+v", feb)
	}

	d, err := f.svc.Discoveries(ctx, f.user)
	if err != nil {
		t.Fatal(err)
	}
	wantD := map[string][2]int64{"2024-12": {1, 1}, "2025-01": {2, 1}, "2025-03": {2, 2}, "2025-06": {2, 1}, "2025-12": {1, 1}, "2026-01": {1, 0}}
	if d.Starts.String() != "2024-12" || len(d.Months) != 14 {
		t.Fatalf("discovery starts %s over %d months", d.Starts, len(d.Months))
	}
	for _, dm := range d.Months {
		if w := wantD[dm.Month.String()]; dm.Artists != w[0] || dm.Discovered != w[1] {
			t.Errorf("%s: %d artists, %d new; want %v", dm.Month, dm.Artists, dm.Discovered, w)
		}
	}
}

// TestStandingFromHistory: timeless and falling off from the plays, with
// the dashboard's rules, over the 28, 182 and 365 days before today.
func TestStandingFromHistory(t *testing.T) {
	f := yearFixture(t)
	ctx := context.Background()
	// On 1 February 2026 the last 4 weeks are silent; the last 6 months
	// hold Artist 1 and Artist 6; the year Artist 3 (6 plays), 1, 4, 5 (2
	// each) and 6 (1). Falling off: in the year, in neither of the others.
	st, err := f.svc.StandingFromHistory(ctx, f.user)
	if err != nil {
		t.Fatal(err)
	}
	var falling []string
	for _, a := range st.Falling {
		falling = append(falling, fmt.Sprintf("%s #%d", a.Name, a.LongRank))
	}
	if len(st.Timeless) != 0 || !slices.Equal(falling, []string{"Artist 3 #1", "Artist 4 #3", "Artist 5 #4"}) || !st.Enough {
		t.Errorf("timeless %v, falling off %v, enough %v", st.Timeless, falling, st.Enough)
	}
	if st.Windows[0].From.String() != "2026-01-05" || st.Windows[2].From.String() != "2025-02-02" {
		t.Errorf("windows %+v", st.Windows)
	}
	// On 5 March 2025 the last 4 weeks hold Artist 3 and 4, the 6 months
	// and the year Artist 1, 3 (6 each), 2 (4), 4 (2): both timeless.
	early := time.Date(2025, 3, 5, 12, 0, 0, 0, time.UTC)
	hist := history.NewService(history.Options{Log: slog.New(slog.DiscardHandler), Pool: f.pool, Now: func() time.Time { return early }})
	st, err = NewService(f.pool, hist, func() time.Time { return early }).StandingFromHistory(ctx, f.user)
	if err != nil {
		t.Fatal(err)
	}
	var timeless []string
	for _, a := range st.Timeless {
		timeless = append(timeless, fmt.Sprintf("%s %d/%d/%d", a.Name, a.ShortRank, a.MediumRank, a.LongRank))
	}
	if !slices.Equal(timeless, []string{"Artist 3 1/2/2", "Artist 4 2/4/4"}) || len(st.Falling) != 0 || st.Enough {
		t.Errorf("timeless %v, falling %v, enough %v", timeless, st.Falling, st.Enough)
	}
}
