package trends

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/history"
)

// yearFixture is a listener in Paris with nineteen plays in 2025, one the
// day before and one the day after, every play three minutes long:
//
//	2024-12-30 12:00        Track 1
//	2025-01-01 00:30        Track 3        (23:30 UTC the day before: still 2025 in Paris)
//	2025-01-10 18:00-18:08  Track 1 ×2, Track 3
//	2025-01-11 09:00        Track 1
//	2025-01-12 09:00        Track 2        (Artists 1 and 2)
//	2025-01-13 09:00        Track 2
//	2025-03-01 10:00-10:16  Track 4 ×5
//	2025-03-02 10:00        Track 4
//	2025-03-03 10:00-10:04  Track 5 ×2
//	2025-06-15 20:00-20:08  Track 6 ×2, Track 1   (summer time)
//	2025-12-31 23:30        Track 7        (22:30 UTC)
//	2026-01-01 00:30        Track 1        (23:30 UTC on 31 December: 2026 in Paris)
//
// Track n is on Album n and by Artist n, except Track 2 (Album 1, Artists
// 1 and 2), Track 3 (Artist 2), Track 4 (Artist 3), Track 5 (Artist 4),
// Track 6 (Artist 5), Track 7 (Artist 6).
func yearFixture(t *testing.T) *fixture {
	f := newFixture(t, "Europe/Paris", time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC))
	t1, t2, t3 := track(1, 1, 1), track(2, 1, 1, 2), track(3, 2, 2)
	t4, t5, t6, t7 := track(4, 3, 3), track(5, 4, 4), track(6, 5, 5), track(7, 6, 6)
	// Recorded in the order of their numbers, so that catalogue ids (which
	// break ties) follow them.
	f.play(t, t1, "2024-12-30 12:00")
	f.play(t, t2, "2025-01-12 09:00", "2025-01-13 09:00")
	f.play(t, t3, "2025-01-01 00:30", "2025-01-10 18:08")
	f.play(t, t1, "2025-01-10 18:00", "2025-01-10 18:04", "2025-01-11 09:00", "2025-06-15 20:08", "2026-01-01 00:30")
	f.play(t, t4, "2025-03-01 10:00", "2025-03-01 10:04", "2025-03-01 10:08", "2025-03-01 10:12", "2025-03-01 10:16", "2025-03-02 10:00")
	f.play(t, t5, "2025-03-03 10:00", "2025-03-03 10:04")
	f.play(t, t6, "2025-06-15 20:00", "2025-06-15 20:04")
	f.play(t, t7, "2025-12-31 23:30")
	return f
}

type ranked struct {
	name  string
	plays int64
}

func names(items []history.TopItem) []ranked {
	var out []ranked
	for _, it := range items {
		out = append(out, ranked{it.Name, it.Plays})
	}
	return out
}

func (f *fixture) review(t *testing.T, year int) Year {
	t.Helper()
	ctx := context.Background()
	years, zone, b, err := f.svc.Years(ctx, f.user)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseYear(itoa(year), years); err != nil {
		t.Fatal(err)
	}
	y, err := f.svc.YearInReview(ctx, f.user, zone, b, year)
	if err != nil {
		t.Fatal(err)
	}
	return y
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestYearInReview checks 2025 of the fixture against numbers worked out
// by hand from the plays above.
func TestYearInReview(t *testing.T) {
	f := yearFixture(t)
	y := f.review(t, 2025)

	if y.Plays != 19 || y.Minutes != 57 || y.DaysPlayed != 10 || y.Days != 365 || y.Tracks != 7 || y.Artists != 6 || y.SoFar {
		t.Errorf("totals: %d plays, %d min, %d of %d days, %d tracks, %d artists, so far %v; want 19, 57, 10 of 365, 7, 6, false",
			y.Plays, y.Minutes, y.DaysPlayed, y.Days, y.Tracks, y.Artists, y.SoFar)
	}
	if y.Zone != "Europe/Paris" || y.From.String() != "2025-01-01" || y.To.String() != "2025-12-31" {
		t.Errorf("span: %s to %s in %s", y.From, y.To, y.Zone)
	}
	// Ties go to the lower catalogue id, which follows the numbering.
	if got, want := names(y.TopTracks), []ranked{{"Track 4", 6}, {"Track 1", 4}, {"Track 2", 2}, {"Track 3", 2}, {"Track 5", 2}}; !slices.Equal(got, want) {
		t.Errorf("top songs %v, want %v", got, want)
	}
	if got, want := names(y.TopArtists), []ranked{{"Artist 1", 6}, {"Artist 3", 6}, {"Artist 2", 4}, {"Artist 4", 2}, {"Artist 5", 2}}; !slices.Equal(got, want) {
		t.Errorf("top artists %v, want %v", got, want)
	}
	if got, want := names(y.TopAlbums), []ranked{{"Album 1", 6}, {"Album 3", 6}, {"Album 2", 2}, {"Album 4", 2}, {"Album 5", 2}}; !slices.Equal(got, want) {
		t.Errorf("top albums %v, want %v", got, want)
	}
	if y.TopTracks[0].Detail != "Artist 3" || y.TopTracks[0].URL == "" || y.TopTracks[0].Minutes != 18 {
		t.Errorf("the top song's detail %q, page %q, minutes %d", y.TopTracks[0].Detail, y.TopTracks[0].URL, y.TopTracks[0].Minutes)
	}

	want := map[string][2]int64{"2025-01": {7, 21}, "2025-03": {8, 24}, "2025-06": {3, 9}, "2025-12": {1, 3}}
	if len(y.Months) != 12 {
		t.Fatalf("%d months", len(y.Months))
	}
	for _, m := range y.Months {
		if w := want[m.Month.String()]; m.Plays != w[0] || m.Minutes != w[1] {
			t.Errorf("%s: %d plays, %d min; want %v", m.Month, m.Plays, m.Minutes, w)
		}
	}
	if m := y.TopMonth; m == nil || m.Month.String() != "2025-03" || m.Plays != 8 || m.Minutes != 24 {
		t.Errorf("top month %+v, want March with 8 plays, 24 min", m)
	}
	if d := y.TopDay; d == nil || d.Date.String() != "2025-03-01" || d.Plays != 5 || d.Minutes != 15 {
		t.Errorf("most-played day %+v, want 1 March with 5 plays", d)
	}
	if s := y.Streak; s.Days != 4 || s.From.String() != "2025-01-10" || s.To.String() != "2025-01-13" {
		t.Errorf("longest streak %+v, want 10 to 13 January", s)
	}
	if s := y.SongOfADay; s == nil || s.Track.Name != "Track 4" || s.Date.String() != "2025-03-01" || s.Plays != 5 {
		t.Errorf("song of a day %+v, want Track 4, 5 times on 1 March", s)
	}
	d := y.Discovered
	if got, want := names(d.Artists), []ranked{{"Artist 3", 6}, {"Artist 2", 4}, {"Artist 4", 2}, {"Artist 5", 2}, {"Artist 6", 1}}; d.Count != 5 || !slices.Equal(got, want) {
		t.Errorf("discovered %d: %v, want 5: %v (Artist 1 was first heard in 2024)", d.Count, got, want)
	}
	if !d.HistoryStarts.IsZero() {
		t.Errorf("the history starts in 2024, yet 2025 says it starts on %s", d.HistoryStarts)
	}
	// The clock: Monday is row 0.
	var total int64
	for w := range 7 {
		for h := range 24 {
			total += y.Clock.Plays[w][h]
		}
	}
	for _, c := range []struct{ weekday, hour, plays int }{
		{5, 10, 5}, // Saturday 1 March, 10h
		{2, 0, 1},  // Wednesday 1 January, 00:30
		{4, 18, 3}, // Friday 10 January, 18h
		{6, 20, 3}, // Sunday 15 June, 20h (summer time)
		{2, 23, 1}, // Wednesday 31 December, 23:30
		{0, 10, 2}, // Monday 3 March
		{6, 10, 1}, // Sunday 2 March
	} {
		if got := y.Clock.Plays[c.weekday][c.hour]; got != int64(c.plays) {
			t.Errorf("clock[%d][%d] = %d, want %d", c.weekday, c.hour, got, c.plays)
		}
	}
	if total != 19 {
		t.Errorf("the clock holds %d plays, want 19", total)
	}
}

// The current year is read so far; the first year says where the history
// starts; years outside the history are refused.
func TestYearsAndTheirEdges(t *testing.T) {
	f := yearFixture(t)
	years, _, _, err := f.svc.Years(context.Background(), f.user)
	if err != nil || !slices.Equal(years, []int{2024, 2025, 2026}) {
		t.Fatalf("years %v, %v", years, err)
	}
	y := f.review(t, 2026)
	if !y.SoFar || y.To.String() != "2026-02-01" || y.Days != 32 || y.Plays != 1 || y.Discovered.Count != 0 {
		t.Errorf("2026 so far: %+v", y)
	}
	if len(y.Months) != 2 || y.Months[0].Plays != 1 || y.Months[1].Plays != 0 {
		t.Errorf("2026's months: %+v", y.Months)
	}
	first := f.review(t, 2024)
	if first.Plays != 1 || first.Discovered.Count != 1 || first.Discovered.HistoryStarts.String() != "2024-12-30" {
		t.Errorf("2024: %d plays, %d discovered, history starts %s", first.Plays, first.Discovered.Count, first.Discovered.HistoryStarts)
	}
	for _, bad := range []string{"2023", "2027", "20x5", "225", "02025", ""} {
		_, err := ParseYear(bad, years)
		var pe *history.ParamError
		if !errors.As(err, &pe) || pe.Param != "year" {
			t.Errorf("year %q: %v, want a bad year", bad, err)
		}
	}
	if _, err := ParseYear("2023", years); err == nil || !strings.Contains(err.Error(), "2024 to 2026") {
		t.Errorf("the message does not say which years there are: %v", err)
	}
}

// A year with no plays at all is an empty review, not an error.
func TestYearWithoutPlays(t *testing.T) {
	f := newFixture(t, "UTC", time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
	y := f.review(t, 2026)
	if y.Plays != 0 || y.TopMonth != nil || y.TopDay != nil || y.SongOfADay != nil || y.Streak.Days != 0 || len(y.TopTracks) != 0 {
		t.Errorf("an empty year: %+v", y)
	}
}

// dayTopsAgree fails t unless day_top_tracks holds, for every local day of
// the user's plays, the track played most that day (the lowest id among
// equals), counted by brute force from the plays.
func (f *fixture) dayTopsAgree(t *testing.T, when string) {
	t.Helper()
	rows, err := f.pool.Query(context.Background(), `
		SELECT coalesce(string_agg(x, ' ' ORDER BY x), '') FROM (
		  SELECT DISTINCT ON (day) day || ':' || track_id || 'x' || n AS x
		  FROM (SELECT (p.played_at AT TIME ZONE COALESCE(pr.summary_time_zone, 'UTC'))::date AS day, p.track_id, count(*) AS n
		        FROM euterpe.plays p LEFT JOIN euterpe.user_preferences pr ON pr.user_id = p.user_id
		        WHERE p.user_id = $1 GROUP BY 1, 2) c
		  ORDER BY day, n DESC, track_id) b
		UNION ALL
		SELECT coalesce(string_agg(day || ':' || track_id || 'x' || plays, ' ' ORDER BY day || ':' || track_id || 'x' || plays), '')
		FROM euterpe.day_top_tracks WHERE user_id = $1`, f.user)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	if len(got) != 2 || got[0] != got[1] || got[0] == "" {
		t.Errorf("%s: the song of each day\nby brute force: %q\n   as kept:     %q", when, got[0], got[1])
	}
}

// TestSongOfTheDayFollowsEveryChange: the per-day top tracks stay what
// the plays say after inserts, a delete (an import undone), an update (a
// track resolved to another) and a change of the summaries' zone.
func TestSongOfTheDayFollowsEveryChange(t *testing.T) {
	f := yearFixture(t)
	ctx := context.Background()
	f.dayTopsAgree(t, "after the inserts")
	// Track 5 takes 1 March from Track 4 with six plays more.
	f.play(t, track(5, 4, 4), "2025-03-01 11:00", "2025-03-01 11:04", "2025-03-01 11:08", "2025-03-01 11:12", "2025-03-01 11:16", "2025-03-01 11:20")
	f.dayTopsAgree(t, "after more plays")
	if y := f.review(t, 2025); y.SongOfADay == nil || y.SongOfADay.Track.Name != "Track 5" || y.SongOfADay.Plays != 6 {
		t.Errorf("song of a day after six plays of Track 5: %+v", y.SongOfADay)
	}
	// Days years apart in one statement: recounted a day at a time, not by
	// reading the years between.
	f.play(t, track(5, 4, 4), "2021-07-04 09:00", "2025-03-01 12:00")
	f.dayTopsAgree(t, "after plays years apart")
	if _, err := f.pool.Exec(ctx, `DELETE FROM euterpe.plays WHERE user_id = $1 AND played_at >= '2025-03-01 10:05Z' AND played_at < '2025-03-01 10:30Z'`, f.user); err != nil {
		t.Fatal(err)
	}
	f.dayTopsAgree(t, "after a delete")
	var t5, t6 int64
	if err := f.pool.QueryRow(ctx, `SELECT (SELECT id FROM euterpe.tracks WHERE spotify_id = $1), (SELECT id FROM euterpe.tracks WHERE spotify_id = $2)`,
		sid('T', 5), sid('T', 6)).Scan(&t5, &t6); err != nil {
		t.Fatal(err)
	}
	if _, err := f.pool.Exec(ctx, `UPDATE euterpe.plays SET track_id = $2 WHERE user_id = $1 AND track_id = $3`, f.user, t6, t5); err != nil {
		t.Fatal(err)
	}
	f.dayTopsAgree(t, "after plays moved to another track")
	// Tokyo: the evening plays of 15 June move to the 16th, 31 December's
	// to 2026; the summaries are rebuilt in the new zone.
	if _, err := f.hist.SetTimeZone(ctx, f.user, "Asia/Tokyo"); err != nil {
		t.Fatal(err)
	}
	if err := f.store.RebuildSummaries(ctx, f.user); err != nil {
		t.Fatal(err)
	}
	f.dayTopsAgree(t, "after the zone changed")
	var n int
	if err := f.pool.QueryRow(ctx, `SELECT count(*) FROM euterpe.day_top_tracks WHERE user_id = $1 AND day = '2025-06-16'`, f.user).Scan(&n); err != nil || n != 1 {
		t.Errorf("15 June 20:00 in Paris is the 16th in Tokyo: %d rows, %v", n, err)
	}
}
