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

// TrendPanel is one panel of the Trends page: like a History panel, its
// entry in trendPanels is its whole definition. Its data come from the
// stored history, over whole months; one compares with Spotify's lists.
type TrendPanel struct {
	ID     string
	Title  string
	Wide   bool
	Ranged bool // takes ?range= (Spotify's time ranges)

	load func(ctx context.Context, in TrendInput) (any, error)
	view func(ref views.PanelRef, in TrendInput, data any) templ.Component
	zero func() any
}

// TrendInput is whose trends, and what to read them with.
type TrendInput struct {
	UserID   uuid.UUID
	Trends   *trends.Service
	Source   *upstream.Source
	Listener upstream.Listener
	Range    spotify.TimeRange // of a ranged panel
}

// URL is where the panel's fragment is served (with range r when it takes
// one).
func (p TrendPanel) URL(r spotify.TimeRange) string {
	u := "/trends/panels/" + url.PathEscape(p.ID)
	if p.Ranged {
		u += "?range=" + url.QueryEscape(string(r))
	}
	return u
}

// Ref is the panel as the page places it.
func (p TrendPanel) Ref(r spotify.TimeRange) views.PanelRef {
	return views.PanelRef{ID: p.ID, Title: p.Title, URL: p.URL(r), Wide: p.Wide}
}

// Load reads the panel's data.
func (p TrendPanel) Load(ctx context.Context, in TrendInput) (any, error) { return p.load(ctx, in) }

// View shows data from the same panel's Load.
func (p TrendPanel) View(in TrendInput, data any) templ.Component {
	return p.view(p.Ref(in.Range), in, data)
}

func defineTrend[T any](p TrendPanel, load func(ctx context.Context, in TrendInput) (T, error),
	view func(ref views.PanelRef, in TrendInput, data T) templ.Component) TrendPanel {
	p.load = func(ctx context.Context, in TrendInput) (any, error) { return load(ctx, in) }
	p.view = func(ref views.PanelRef, in TrendInput, data any) templ.Component { return view(ref, in, data.(T)) }
	p.zero = func() any { var zero T; return zero }
	return p
}

// plain adapts the view of a panel that takes nothing but its data.
func plain[T any](view func(ref views.PanelRef, data T) templ.Component) func(views.PanelRef, TrendInput, T) templ.Component {
	return func(ref views.PanelRef, _ TrendInput, data T) templ.Component { return view(ref, data) }
}

// trendPanels is the Trends page, in page order.
var trendPanels = []TrendPanel{
	// The rank of the top 10 artists over the daily snapshots kept, with a
	// switch between Spotify's ranges: from the database, no Spotify call.
	defineTrend(TrendPanel{ID: "rank-over-time", Title: "Top artists over time", Wide: true, Ranged: true},
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
	defineTrend(TrendPanel{ID: "monthly", Title: "Listening per month", Wide: true},
		func(ctx context.Context, in TrendInput) (trends.Monthly, error) {
			return in.Trends.MonthlyListening(ctx, in.UserID)
		}, plain(views.MonthlyPanel)),
	defineTrend(TrendPanel{ID: "artist-share", Title: "Your top artists' share", Wide: true},
		func(ctx context.Context, in TrendInput) (trends.ArtistShare, error) {
			return in.Trends.ArtistShares(ctx, in.UserID)
		}, plain(views.SharePanel)),
	defineTrend(TrendPanel{ID: "discovery", Title: "Discovery", Wide: true},
		func(ctx context.Context, in TrendInput) (trends.Discovery, error) {
			return in.Trends.Discoveries(ctx, in.UserID)
		}, plain(views.DiscoveryPanel)),
	// Timeless and falling off from the plays Euterpe keeps, next to the
	// dashboard's, which Spotify's top lists make. Spotify failing leaves
	// the history's side standing, with the reason.
	defineTrend(TrendPanel{ID: "standing", Title: "Timeless and falling off", Wide: true},
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
		}, plain(views.StandingPanel)),
}

// TrendPanels lists the Trends page's panels in page order.
func TrendPanels() []TrendPanel { return append([]TrendPanel(nil), trendPanels...) }

// LookupTrend finds a Trends panel by its id.
func LookupTrend(id string) (TrendPanel, bool) {
	for _, p := range trendPanels {
		if p.ID == id {
			return p, true
		}
	}
	return TrendPanel{}, false
}

// TrendsPage is the Trends page's data: its panels and the years with a
// review.
func TrendsPage(years []int, current int) views.TrendsData {
	var d views.TrendsData
	for _, p := range trendPanels {
		d.Panels = append(d.Panels, p.Ref(DefaultRange))
	}
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
