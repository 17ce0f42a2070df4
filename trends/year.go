package trends

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"

	"github.com/euterpe-dev/euterpe/analytics"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/history"
)

// YearTop is how many songs, artists and albums the year in review lists.
const YearTop = 5

// yearDiscoveries is how many of the year's new artists it names.
const yearDiscoveries = 10

// Year is a year in review: a calendar year of the user's history in their
// time zone, or the current year so far.
type Year struct {
	Year  int    `json:"year"`
	Zone  string `json:"time_zone"`
	From  Date   `json:"from"`
	To    Date   `json:"to"`
	SoFar bool   `json:"so_far"` // the current year, up to today

	Plays      int64 `json:"plays"`
	Minutes    int64 `json:"minutes"`
	DaysPlayed int64 `json:"days_with_plays"`
	Days       int   `json:"days"`
	Tracks     int64 `json:"distinct_tracks"`
	Artists    int64 `json:"distinct_artists"`

	TopTracks  []history.TopItem `json:"top_tracks"`
	TopArtists []history.TopItem `json:"top_artists"`
	TopAlbums  []history.TopItem `json:"top_albums"`

	Months   []MonthTotal `json:"months"`    // every month of the year (so far)
	TopMonth *MonthTotal  `json:"top_month"` // most plays; nil without plays
	TopDay   *DayTotal    `json:"top_day"`   // the most-played day
	Streak   Streak       `json:"longest_streak"`
	// SongOfADay is the song played most in one day.
	SongOfADay *SongDay      `json:"song_most_played_in_a_day"`
	Discovered Discovered    `json:"discovered"`
	Clock      history.Clock `json:"clock"`
}

// DayTotal is one day's listening.
type DayTotal struct {
	Date    Date  `json:"date"`
	Plays   int64 `json:"plays"`
	Minutes int64 `json:"minutes"`
}

// Streak is a run of consecutive days with plays (within the year).
type Streak struct {
	Days int  `json:"days"`
	From Date `json:"from"`
	To   Date `json:"to"`
}

// SongDay is a song and the day it was played most.
type SongDay struct {
	Track history.TopItem `json:"track"`
	Date  Date            `json:"date"`
	Plays int64           `json:"plays"`
}

// Discovered are the artists first heard in the year. When the history
// starts in the year (HistoryStarts), artists heard before Euterpe knew the
// user count too.
type Discovered struct {
	Count         int64             `json:"count"`
	Artists       []history.TopItem `json:"artists"` // the most played of them that year
	HistoryStarts Date              `json:"history_starts,omitzero"`
}

// Years are the years a review can be read for: every year the history
// covers and the current one, oldest first.
func (s *Service) Years(ctx context.Context, userID uuid.UUID) ([]int, history.Zone, history.Bounds, error) {
	zone, err := s.zoneFor(ctx, userID)
	if err != nil {
		return nil, zone, history.Bounds{}, err
	}
	b, err := s.history.BoundsFor(ctx, userID)
	if err != nil {
		return nil, zone, b, fmt.Errorf("trends: %w", err)
	}
	current := s.now().In(zone.Loc).Year()
	first, last := current, current
	if !b.Empty() {
		first, last = min(b.First.Year(), current), max(b.Last.Year(), current)
	}
	var out []int
	for y := first; y <= last; y++ {
		out = append(out, y)
	}
	return out, zone, b, nil
}

// ParseYear reads a year from a URL: four digits, a year in years.
func ParseYear(s string, years []int) (int, error) {
	y, err := strconv.Atoi(s)
	if err != nil || len(s) != 4 || y < 1000 {
		return 0, &history.ParamError{Param: "year", Message: "must be a year written with four digits, such as 2026"}
	}
	if len(years) > 0 && (y < years[0] || y > years[len(years)-1]) {
		msg := fmt.Sprintf("your history covers %d to %d", years[0], years[len(years)-1])
		if years[0] == years[len(years)-1] {
			msg = fmt.Sprintf("your history covers %d only", years[0])
		}
		return 0, &history.ParamError{Param: "year", Message: msg}
	}
	return y, nil
}

// YearInReview reads year's review for the user. The queries run side by
// side, each on the summaries (day_top_tracks for the song of a day).
func (s *Service) YearInReview(ctx context.Context, userID uuid.UUID, zone history.Zone, b history.Bounds, year int) (Year, error) {
	loc := zone.Loc
	today := DateOf(s.now().In(loc)).Time
	from := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
	y := Year{Year: year, Zone: loc.String(), TopTracks: []history.TopItem{}, TopArtists: []history.TopItem{},
		TopAlbums: []history.TopItem{}, Months: []MonthTotal{}, Discovered: Discovered{Artists: []history.TopItem{}}}
	if today.Year() == year {
		to, y.SoFar = today, true
	}
	y.From, y.To = Date{from}, Date{to}
	y.Days = int(to.Sub(from)/(24*time.Hour)) + 1
	span := history.Span{From: from, To: to, Loc: loc, Period: history.CustomSpan}
	v := history.View{UserID: userID, Span: span, Bounds: b}
	if !b.Empty() && b.First.Year() == year {
		y.Discovered.HistoryStarts = Date{day(b.First)}
	}

	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for _, t := range []struct {
		kind  history.Kind
		into  *[]history.TopItem
		count *int64
	}{{history.Tracks, &y.TopTracks, &y.Tracks}, {history.Artists, &y.TopArtists, &y.Artists}, {history.Albums, &y.TopAlbums, nil}} {
		g.Go(func() error {
			list, err := s.history.Top(gctx, v, t.kind, history.ByPlays, YearTop)
			if err != nil {
				return err
			}
			*t.into = list.Items
			if t.count != nil {
				*t.count = list.InRange
			}
			return nil
		})
	}
	var days []db.ListDaysRow
	g.Go(func() (err error) {
		days, err = s.queries.ListDays(gctx, db.ListDaysParams{UserID: userID, FromDay: from, ToDay: to})
		return err
	})
	g.Go(func() (err error) {
		y.Clock, err = s.history.ClockFor(gctx, v)
		return err
	})
	g.Go(func() error { return s.yearDiscoveries(gctx, userID, from, &y.Discovered) })
	g.Go(func() (err error) {
		y.SongOfADay, err = s.songOfADay(gctx, userID, span)
		return err
	})
	if err := g.Wait(); err != nil {
		return y, fmt.Errorf("trends: year in review: %w", err)
	}
	y.fromDays(days, from, to)
	return y, nil
}

// fromDays fills the year's totals, months, busiest day and longest streak
// from its days with plays.
func (y *Year) fromDays(days []db.ListDaysRow, from, to time.Time) {
	byMonth := map[time.Time]*MonthTotal{}
	for m := from; !m.After(to); m = m.AddDate(0, 1, 0) {
		y.Months = append(y.Months, MonthTotal{Month: Month{m}})
	}
	for i := range y.Months {
		byMonth[y.Months[i].Month.Time] = &y.Months[i]
	}
	var ms int64
	var run Streak
	var prev time.Time
	for _, r := range days {
		d := day(r.Day)
		y.Plays += r.Plays
		ms += r.MsPlayed
		y.DaysPlayed++
		if m := byMonth[firstOfMonth(d)]; m != nil {
			m.Plays += r.Plays
			m.Minutes += r.MsPlayed // minutes once summed, below
		}
		minutes := analytics.Minutes(r.MsPlayed)
		if y.TopDay == nil || r.Plays > y.TopDay.Plays || (r.Plays == y.TopDay.Plays && minutes > y.TopDay.Minutes) {
			y.TopDay = &DayTotal{Date: Date{d}, Plays: r.Plays, Minutes: minutes}
		}
		if !prev.IsZero() && d.Equal(prev.AddDate(0, 0, 1)) {
			run.Days++
			run.To = Date{d}
		} else {
			run = Streak{Days: 1, From: Date{d}, To: Date{d}}
		}
		if run.Days > y.Streak.Days {
			y.Streak = run
		}
		prev = d
	}
	y.Minutes = analytics.Minutes(ms)
	for i := range y.Months {
		m := &y.Months[i]
		m.Minutes = analytics.Minutes(m.Minutes)
		if m.Plays > 0 && (y.TopMonth == nil || m.Plays > y.TopMonth.Plays || (m.Plays == y.TopMonth.Plays && m.Minutes > y.TopMonth.Minutes)) {
			top := *m
			y.TopMonth = &top
		}
	}
}

// yearDiscoveries reads the artists first heard in the year.
func (s *Service) yearDiscoveries(ctx context.Context, userID uuid.UUID, yearStart time.Time, d *Discovered) error {
	rows, err := s.queries.ListYearDiscoveries(ctx, db.ListYearDiscoveriesParams{UserID: userID, YearStart: yearStart, MaxItems: yearDiscoveries})
	if err != nil || len(rows) == 0 {
		return err
	}
	d.Count = rows[0].Discovered
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ItemID
	}
	names, err := s.itemNames(ctx, TopArtists, ids)
	if err != nil {
		return err
	}
	for i, r := range rows {
		it := names[r.ItemID]
		it.Rank, it.Plays, it.Minutes = i+1, r.Plays, analytics.Minutes(r.MsPlayed)
		d.Artists = append(d.Artists, it)
	}
	return nil
}

// songOfADay reads the track played most in one local day of span.
func (s *Service) songOfADay(ctx context.Context, userID uuid.UUID, span history.Span) (*SongDay, error) {
	best, err := s.queries.GetSongOfADay(ctx, db.GetSongOfADayParams{UserID: userID, FromDay: span.From, ToDay: span.To})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	names, err := s.itemNames(ctx, TopTracks, []int64{best.TrackID})
	if err != nil {
		return nil, err
	}
	it := names[best.TrackID]
	it.Rank, it.Plays = 1, best.Plays
	return &SongDay{Track: it, Date: Date{day(best.Day)}, Plays: best.Plays}, nil
}
