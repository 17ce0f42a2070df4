package trends

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/euterpe-dev/euterpe/analytics"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/spotify"
)

// Trends from the stored history are read by whole months, in the zone the
// user's summaries are kept in, from the first month with a play to the
// last.

// MonthTotal is one month's listening.
type MonthTotal struct {
	Month   Month `json:"month"`
	Plays   int64 `json:"plays"`
	Minutes int64 `json:"minutes"`
}

// Monthly is the listening of every month of the history.
type Monthly struct {
	Zone   string       `json:"time_zone"`
	Months []MonthTotal `json:"months"`
}

// whole is the user's whole history as a history view, and their zone.
func (s *Service) whole(ctx context.Context, userID uuid.UUID) (history.View, history.Zone, error) {
	zone, err := s.zoneFor(ctx, userID)
	if err != nil {
		return history.View{}, zone, err
	}
	b, err := s.history.BoundsFor(ctx, userID)
	if err != nil {
		return history.View{}, zone, fmt.Errorf("trends: %w", err)
	}
	v := history.View{UserID: userID, Bounds: b,
		Span: history.Span{From: b.First, To: b.Last, Loc: zone.Loc, Period: history.AllTime}}
	return v, zone, nil
}

func firstOfMonth(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// months is every month from first to last.
func months(first, last time.Time) []time.Time {
	var out []time.Time
	for m := firstOfMonth(first); !m.After(last); m = m.AddDate(0, 1, 0) {
		out = append(out, m)
	}
	return out
}

// MonthlyListening reads the plays and minutes of every month of the
// user's history (months without a play included).
func (s *Service) MonthlyListening(ctx context.Context, userID uuid.UUID) (Monthly, error) {
	v, zone, err := s.whole(ctx, userID)
	out := Monthly{Zone: zone.Loc.String(), Months: []MonthTotal{}}
	if err != nil || v.Bounds.Empty() {
		return out, err
	}
	totals, err := s.monthTotals(ctx, userID, v.Bounds.First, v.Bounds.Last)
	if err != nil {
		return out, err
	}
	for _, m := range months(v.Bounds.First, v.Bounds.Last) {
		t := totals[m]
		t.Month = Month{m}
		out.Months = append(out.Months, t)
	}
	return out, nil
}

func (s *Service) monthTotals(ctx context.Context, userID uuid.UUID, from, to time.Time) (map[time.Time]MonthTotal, error) {
	rows, err := s.queries.ListMonthTotals(ctx, db.ListMonthTotalsParams{UserID: userID, FromDay: from, ToDay: to})
	if err != nil {
		return nil, fmt.Errorf("trends: read months: %w", err)
	}
	out := make(map[time.Time]MonthTotal, len(rows))
	for _, r := range rows {
		m := day(r.Month)
		out[m] = MonthTotal{Month: Month{m}, Plays: r.Plays, Minutes: analytics.Minutes(r.MsPlayed)}
	}
	return out, nil
}

// ShareArtists is how many artists the share chart follows.
const ShareArtists = 6

// ArtistShare is the top artists' share of each month's listening time.
type ArtistShare struct {
	Zone string `json:"time_zone"`
	// Artists are the user's top artists of all time by minutes.
	Artists []history.TopItem `json:"artists"`
	Months  []ShareMonth      `json:"months"`
}

// ShareMonth is one month of the share chart. A track counts for each of
// its artists, so when the artists' minutes add up to more than the month
// had (their collaborations), the shares are scaled down to add up to 1.
type ShareMonth struct {
	Month   Month     `json:"month"`
	Minutes int64     `json:"minutes"`
	Shares  []float64 `json:"shares"` // each artist's, 0–1, in Artists' order
	Other   float64   `json:"other"`  // everyone else's
}

// ArtistShares reads the share of each month's listening that the user's
// top artists of all time had.
func (s *Service) ArtistShares(ctx context.Context, userID uuid.UUID) (ArtistShare, error) {
	v, zone, err := s.whole(ctx, userID)
	out := ArtistShare{Zone: zone.Loc.String(), Artists: []history.TopItem{}, Months: []ShareMonth{}}
	if err != nil || v.Bounds.Empty() {
		return out, err
	}
	top, err := s.history.Top(ctx, v, history.Artists, history.ByMinutes, ShareArtists)
	if err != nil {
		return out, fmt.Errorf("trends: %w", err)
	}
	out.Artists = top.Items
	totals, err := s.monthTotals(ctx, userID, v.Bounds.First, v.Bounds.Last)
	if err != nil {
		return out, err
	}
	ids := make([]int64, len(top.Items))
	pos := make(map[int64]int, len(top.Items))
	for i, it := range top.Items {
		ids[i], pos[it.ID] = it.ID, i
	}
	first, last := firstOfMonth(v.Bounds.First), firstOfMonth(v.Bounds.Last)
	rows, err := s.queries.ListItemMonthTotals(ctx, db.ListItemMonthTotalsParams{UserID: userID, Kind: "a", ItemIds: ids,
		FromMonth: first, ToMonth: last})
	if err != nil {
		return out, fmt.Errorf("trends: read artist months: %w", err)
	}
	ms := map[time.Time][]int64{}
	for _, r := range rows {
		m := day(r.Month)
		if ms[m] == nil {
			ms[m] = make([]int64, len(ids))
		}
		ms[m][pos[r.ItemID]] = r.MsPlayed
	}
	for _, m := range months(first, last) {
		sm := ShareMonth{Month: Month{m}, Shares: make([]float64, len(ids))}
		total := float64(totals[m].Minutes) * 60000
		sm.Minutes = totals[m].Minutes
		var sum float64
		for _, v := range ms[m] {
			sum += float64(v)
		}
		if denom := max(total, sum); denom > 0 {
			for i, v := range ms[m] {
				sm.Shares[i] = float64(v) / denom
			}
			sm.Other = max(0, total-sum) / denom
		}
		out.Months = append(out.Months, sm)
	}
	return out, nil
}

// Discovery is how many artists the user heard for the first time, month
// by month. Euterpe knows only the history it has: in its first month every
// artist is new, which Starts says.
type Discovery struct {
	Zone   string           `json:"time_zone"`
	Starts Month            `json:"history_starts"`
	Months []DiscoveryMonth `json:"months"`
}

// DiscoveryMonth is one month's discoveries.
type DiscoveryMonth struct {
	Month      Month `json:"month"`
	Artists    int64 `json:"artists"`    // heard that month
	Discovered int64 `json:"discovered"` // of them, for the first time
}

// Rate is the share of the month's artists heard for the first time, 0–1.
func (d DiscoveryMonth) Rate() float64 {
	if d.Artists == 0 {
		return 0
	}
	return float64(d.Discovered) / float64(d.Artists)
}

// Discoveries reads the artists heard for the first time, per month.
func (s *Service) Discoveries(ctx context.Context, userID uuid.UUID) (Discovery, error) {
	v, zone, err := s.whole(ctx, userID)
	out := Discovery{Zone: zone.Loc.String(), Months: []DiscoveryMonth{}}
	if err != nil || v.Bounds.Empty() {
		return out, err
	}
	rows, err := s.queries.ListArtistDiscoveries(ctx, userID)
	if err != nil {
		return out, fmt.Errorf("trends: read discoveries: %w", err)
	}
	byMonth := make(map[time.Time]DiscoveryMonth, len(rows))
	for _, r := range rows {
		m := day(r.Month)
		byMonth[m] = DiscoveryMonth{Month: Month{m}, Artists: r.Artists, Discovered: r.Discovered}
	}
	out.Starts = Month{firstOfMonth(v.Bounds.First)}
	for _, m := range months(v.Bounds.First, v.Bounds.Last) {
		d := byMonth[m]
		d.Month = Month{m}
		out.Months = append(out.Months, d)
	}
	return out, nil
}

// Standing is "timeless" and "falling off" recomputed from the history,
// with the rules of the dashboard's panels (analytics.TimelessArtists,
// analytics.FallingOffArtists) over windows like Spotify's: the top 50
// artists by plays of the last 4 weeks, 6 months and year.
type Standing struct {
	Zone     string     `json:"time_zone"`
	Windows  [3]Window  `json:"windows"`
	Timeless []StandRow `json:"timeless"`
	Falling  []StandRow `json:"falling_off"`
	// Enough reports whether the history reaches back a year, the
	// longest window: before that, "falling off" cannot be told.
	Enough bool `json:"history_covers_a_year"`
}

// Window is one of Standing's three windows.
type Window struct {
	Range spotify.TimeRange `json:"time_range"`
	From  Date              `json:"from"`
	To    Date              `json:"to"`
}

// StandRow is an artist of Standing with their rank in each window (0: not
// in it).
type StandRow struct {
	Rank        int     `json:"rank"`
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	ImageURL    string  `json:"image_url"`
	URL         string  `json:"-"`
	ShortRank   int     `json:"short_term_rank"`
	MediumRank  int     `json:"medium_term_rank"`
	LongRank    int     `json:"long_term_rank"`
	AverageRank float64 `json:"average_rank"`
}

// windowDays are Standing's windows, Spotify's ranges in days.
var windowDays = [3]int{28, 182, 365}

// StandingFromHistory recomputes timeless and falling-off artists from the
// plays of the windows ending on the user's today.
func (s *Service) StandingFromHistory(ctx context.Context, userID uuid.UUID) (Standing, error) {
	zone, err := s.zoneFor(ctx, userID)
	out := Standing{Zone: zone.Loc.String(), Timeless: []StandRow{}, Falling: []StandRow{}}
	if err != nil {
		return out, err
	}
	b, err := s.history.BoundsFor(ctx, userID)
	if err != nil {
		return out, fmt.Errorf("trends: %w", err)
	}
	today := DateOf(s.now().In(zone.Loc)).Time
	var lists [3][]spotify.Artist
	items := map[string]history.TopItem{}
	for i, r := range spotify.TimeRanges() {
		from := today.AddDate(0, 0, 1-windowDays[i])
		out.Windows[i] = Window{Range: r, From: Date{from}, To: Date{today}}
		v := history.View{UserID: userID, Bounds: b, Span: history.Span{From: from, To: today, Loc: zone.Loc, Period: history.CustomSpan}}
		top, err := s.history.Top(ctx, v, history.Artists, history.ByPlays, 50)
		if err != nil {
			return out, fmt.Errorf("trends: %w", err)
		}
		for _, it := range top.Items {
			id := strconv.FormatInt(it.ID, 10)
			items[id] = it
			lists[i] = append(lists[i], spotify.Artist{ID: id, Name: it.Name})
		}
	}
	out.Enough = !b.Empty() && !b.First.After(today.AddDate(0, 0, 1-windowDays[2]))
	row := func(a analytics.ArtistStanding) StandRow {
		it := items[a.ID]
		return StandRow{Rank: a.Rank, ID: it.ID, Name: it.Name, ImageURL: it.ImageURL, URL: it.URL,
			ShortRank: a.ShortTermRank, MediumRank: a.MediumTermRank, LongRank: a.LongTermRank, AverageRank: a.AverageRank}
	}
	for _, a := range analytics.TimelessArtists(lists[0], lists[1], lists[2]) {
		out.Timeless = append(out.Timeless, row(a))
	}
	for _, a := range analytics.FallingOffArtists(lists[0], lists[1], lists[2]) {
		out.Falling = append(out.Falling, row(a))
	}
	return out, nil
}

// Compared is Standing next to Spotify's own timeless and falling-off
// artists (from its top lists of the three ranges).
type Compared struct {
	History Standing `json:"from_history"`
	// Spotify is nil when Spotify's lists could not be had; SpotifyError
	// then says why.
	Spotify      *SpotifyStanding `json:"from_spotify"`
	SpotifyError string           `json:"spotify_error,omitempty"`
}

// SpotifyStanding is the dashboard's timeless and falling-off artists.
type SpotifyStanding struct {
	Timeless []analytics.ArtistStanding `json:"timeless"`
	Falling  []analytics.ArtistStanding `json:"falling_off"`
}
