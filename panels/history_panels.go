package panels

import (
	"context"
	"net/url"
	"strconv"

	"github.com/a-h/templ"

	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/views"
)

// HistoryPanel is one panel of the History page. Like a dashboard Panel, its
// entry in historyPanels is its whole definition; its data come from the
// stored history, never from Spotify.
type HistoryPanel struct {
	ID    string // "top-tracks"
	Title string
	Wide  bool

	load func(ctx context.Context, s *history.Service, in HistoryInput) (any, error)
	view func(ref views.PanelRef, in HistoryInput, data any) templ.Component
	zero func() any
}

// HistoryInput is what a History panel is asked for: whose history over
// which days, and the panel's own choices (?by=, ?year=).
type HistoryInput struct {
	View history.View
	By   history.Measure
	Year int
}

// ParseHistoryInput reads a panel's own parameters beside the span.
func ParseHistoryInput(v history.View, q url.Values) (HistoryInput, error) {
	by, err := history.ParseMeasure(q)
	if err != nil {
		return HistoryInput{}, err
	}
	year, err := history.ParseYear(q, v.Span)
	if err != nil {
		return HistoryInput{}, err
	}
	return HistoryInput{View: v, By: by, Year: year}, nil
}

// query is the input as URL parameters: the span, and the panel's own
// choices when they are not the defaults.
func (in HistoryInput) query() url.Values {
	q := in.View.Span.Query()
	if in.By == history.ByMinutes {
		q.Set("by", string(in.By))
	}
	if in.Year != 0 && in.Year != in.View.Span.To.Year() {
		q.Set("year", strconv.Itoa(in.Year))
	}
	return q
}

// URL is where the panel's fragment is served for in.
func (p HistoryPanel) URL(in HistoryInput) string {
	return "/history/panels/" + url.PathEscape(p.ID) + "?" + in.query().Encode()
}

// Ref is the panel as the page places it.
func (p HistoryPanel) Ref(in HistoryInput) views.PanelRef {
	return views.PanelRef{ID: p.ID, Title: p.Title, URL: p.URL(in), Wide: p.Wide}
}

// Load reads the panel's data.
func (p HistoryPanel) Load(ctx context.Context, s *history.Service, in HistoryInput) (any, error) {
	return p.load(ctx, s, in)
}

// View shows data from the same panel's Load.
func (p HistoryPanel) View(in HistoryInput, data any) templ.Component {
	return p.view(p.Ref(in), in, data)
}

func defineHistory[T any](p HistoryPanel,
	load func(ctx context.Context, s *history.Service, in HistoryInput) (T, error),
	view func(ref views.PanelRef, in HistoryInput, data T) templ.Component,
) HistoryPanel {
	p.load = func(ctx context.Context, s *history.Service, in HistoryInput) (any, error) { return load(ctx, s, in) }
	p.view = func(ref views.PanelRef, in HistoryInput, data any) templ.Component { return view(ref, in, data.(T)) }
	p.zero = func() any { var zero T; return zero }
	return p
}

// topPanel is the panel of the span's top tracks, artists or albums, with
// the switch between ranking by plays and by minutes.
func topPanel(k history.Kind, title string) HistoryPanel {
	return defineHistory(HistoryPanel{ID: "top-" + string(k), Title: title},
		func(ctx context.Context, s *history.Service, in HistoryInput) (history.TopList, error) {
			return s.Top(ctx, in.View, k, in.By, history.TopLimit)
		},
		func(ref views.PanelRef, in HistoryInput, list history.TopList) templ.Component {
			var links []views.Link
			for _, m := range []history.Measure{history.ByPlays, history.ByMinutes} {
				alt := in
				alt.By = m
				links = append(links, views.Link{Label: "By " + string(m), URL: "/history/panels/" + ref.ID + "?" + alt.query().Encode(), Current: m == in.By})
			}
			return views.HistoryTopPanel(ref, list, links)
		})
}

// historyPanels is the History page, in page order.
var historyPanels = []HistoryPanel{
	defineHistory(HistoryPanel{ID: "totals", Title: "In numbers", Wide: true},
		func(ctx context.Context, s *history.Service, in HistoryInput) (history.Totals, error) {
			return s.Totals(ctx, in.View)
		},
		func(ref views.PanelRef, in HistoryInput, t history.Totals) templ.Component {
			return views.HistoryTotalsPanel(ref, t)
		}),
	topPanel(history.Tracks, "Top tracks"),
	topPanel(history.Artists, "Top artists"),
	topPanel(history.Albums, "Top albums"),
	defineHistory(HistoryPanel{ID: "calendar", Title: "Calendar", Wide: true},
		func(ctx context.Context, s *history.Service, in HistoryInput) (history.Calendar, error) {
			return s.CalendarFor(ctx, in.View, in.Year)
		},
		func(ref views.PanelRef, in HistoryInput, c history.Calendar) templ.Component {
			var links []views.Link
			for _, y := range c.Years {
				alt := in
				alt.Year = y
				links = append(links, views.Link{Label: strconv.Itoa(y), URL: "/history/panels/" + ref.ID + "?" + alt.query().Encode(), Current: y == in.Year})
			}
			return views.CalendarPanel(ref, c, links)
		}),
	defineHistory(HistoryPanel{ID: "clock", Title: "Listening clock"},
		func(ctx context.Context, s *history.Service, in HistoryInput) (history.Clock, error) {
			return s.ClockFor(ctx, in.View)
		},
		func(ref views.PanelRef, in HistoryInput, c history.Clock) templ.Component {
			return views.ClockPanel(ref, c)
		}),
	defineHistory(HistoryPanel{ID: "sessions", Title: "Listening sessions"},
		func(ctx context.Context, s *history.Service, in HistoryInput) (history.Sessions, error) {
			return s.SessionsFor(ctx, in.View, sessionsShown)
		},
		func(ref views.PanelRef, in HistoryInput, ss history.Sessions) templ.Component {
			return views.SessionsPanel(ref, ss)
		}),
}

// sessionsShown is how many of the longest sessions the panel lists.
const sessionsShown = 5

// HistoryPanels lists the History page's panels in page order.
func HistoryPanels() []HistoryPanel { return append([]HistoryPanel(nil), historyPanels...) }

// LookupHistory finds a History panel by its id.
func LookupHistory(id string) (HistoryPanel, bool) {
	for _, p := range historyPanels {
		if p.ID == id {
			return p, true
		}
	}
	return HistoryPanel{}, false
}

// HistoryPage is the History page's data for a span: the preset links, the
// custom range and every panel.
func HistoryPage(in HistoryInput, zone history.Zone, status history.Collection) views.HistoryData {
	s := in.View.Span
	d := views.HistoryData{
		Span:       s,
		Zone:       zone.Loc.String(),
		Rebuilding: zone.Rebuilding(),
		Preferred:  zone.Preferred,
		Empty:      in.View.Bounds.Empty(),
		Status:     status,
		JSONURL:    "/history.json?" + s.Query().Encode(),
	}
	for _, p := range history.Periods() {
		d.Periods = append(d.Periods, views.Link{Label: p.Label(), URL: "/history?period=" + string(p), Current: p == s.Period})
	}
	for _, p := range historyPanels {
		d.Panels = append(d.Panels, p.Ref(in))
	}
	return d
}
