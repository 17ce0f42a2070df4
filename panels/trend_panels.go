package panels

import (
	"context"
	"errors"
	"net/url"

	"github.com/a-h/templ"
	"github.com/google/uuid"

	"github.com/euterpe-dev/euterpe/analytics"
	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/trends"
	"github.com/euterpe-dev/euterpe/upstream"
	"github.com/euterpe-dev/euterpe/views"
)

// TrendInput is whose trends, and what to read them with.
type TrendInput struct {
	UserID   uuid.UUID
	Trends   *trends.Service
	Source   *upstream.Source
	Listener upstream.Listener
	Range    spotify.TimeRange // of a ranged panel
}

// trendPanel is a panel of the Trends page. Its data come from the stored
// history, over whole months; one compares with Spotify's lists.
type trendPanel = Panel[TrendInput]

// trendPanels is the Trends page, in page order.
var trendPanels = newRegistry("/trends/panels/",
	func(p trendPanel, in TrendInput) url.Values { return rangeQuery(p.Ranged, in.Range) },
	// The rank of the top 10 artists over the daily snapshots kept, with a
	// switch between Spotify's ranges: from the database, no Spotify call.
	define(trendPanel{ID: "rank-over-time", Title: "Top artists over time", Wide: true, Ranged: true},
		func(ctx context.Context, in TrendInput) (trends.BumpChart, error) {
			return in.Trends.Bump(ctx, in.UserID, trends.List{Kind: trends.TopArtists, Range: in.Range})
		},
		func(ref views.PanelRef, in TrendInput, c trends.BumpChart) templ.Component {
			var links []views.Link
			for _, r := range spotify.TimeRanges() {
				links = append(links, views.Link{Label: r.Label(), URL: trendPanelURL(ref.ID, r), Current: r == in.Range})
			}
			return views.BumpPanel(ref, in.Range, c, links)
		}),
	define(trendPanel{ID: "monthly", Title: "Listening per month", Wide: true},
		func(ctx context.Context, in TrendInput) (trends.Monthly, error) {
			return in.Trends.MonthlyListening(ctx, in.UserID)
		}, plain[TrendInput](views.MonthlyPanel)),
	define(trendPanel{ID: "artist-share", Title: "Your top artists' share", Wide: true},
		func(ctx context.Context, in TrendInput) (trends.ArtistShare, error) {
			return in.Trends.ArtistShares(ctx, in.UserID)
		}, plain[TrendInput](views.SharePanel)),
	define(trendPanel{ID: "discovery", Title: "Discovery", Wide: true},
		func(ctx context.Context, in TrendInput) (trends.Discovery, error) {
			return in.Trends.Discoveries(ctx, in.UserID)
		}, plain[TrendInput](views.DiscoveryPanel)),
	// Timeless and falling off from the plays Euterpe keeps, next to the
	// dashboard's, which Spotify's top lists make. Spotify failing leaves
	// the history's side standing, with the reason.
	define(trendPanel{ID: "standing", Title: "Timeless and falling off", Wide: true},
		func(ctx context.Context, in TrendInput) (trends.Compared, error) {
			var c trends.Compared
			var err error
			if c.History, err = in.Trends.StandingFromHistory(ctx, in.UserID); err != nil {
				return c, err
			}
			short, medium, long, err := in.Source.AllRangesTopArtists(ctx, in.Listener)
			var rl *upstream.RateLimitedError
			switch {
			case err == nil:
				c.Spotify = &trends.SpotifyStanding{Timeless: analytics.TimelessArtists(short, medium, long),
					Falling: analytics.FallingOffArtists(short, medium, long)}
			case errors.Is(err, auth.ErrLoginRequired), ctx.Err() != nil:
				return c, err
			case errors.As(err, &rl):
				c.SpotifyError = "Spotify asked Euterpe to slow down: its lists are not here this time."
			default:
				c.SpotifyError = "Spotify did not answer properly: its lists are not here this time."
			}
			return c, nil
		}, plain[TrendInput](views.StandingPanel)),
)

// Trends is the Trends page's panels.
func Trends() Registry[TrendInput] { return trendPanels }

// TrendsPage is the Trends page's data: its panels and the years with a
// review.
func TrendsPage(years []int, current int) views.TrendsData {
	var d views.TrendsData
	d.Panels = trendPanels.Refs(TrendInput{Range: DefaultRange})
	d.Years = YearLinks(years, current)
	return d
}

// YearLinks are the links to the years in review, newest first.
func YearLinks(years []int, current int) []views.Link {
	var out []views.Link
	for i := len(years) - 1; i >= 0; i-- {
		y := years[i]
		out = append(out, views.Link{Label: itoa(y), URL: "/year/" + itoa(y), Current: y == current})
	}
	return out
}

func trendPanelURL(id string, r spotify.TimeRange) string {
	return "/trends/panels/" + url.PathEscape(id) + "?range=" + url.QueryEscape(string(r))
}
