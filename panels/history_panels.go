package panels

import (
	"context"
	"net/url"
	"strconv"

	"github.com/a-h/templ"

	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/views"
)

// HistoryInput is what a History panel is asked for: whose history over
// which days, and the panel's own choices (?by=, ?year=), with what to read
// it with.
type HistoryInput struct {
	View    history.View
	By      history.Measure
	Year    int
	History *history.Service
}

// ParseHistoryInput reads a panel's own parameters beside the span; s is
// what the panels read the history with.
func ParseHistoryInput(s *history.Service, v history.View, q url.Values) (HistoryInput, error) {
	by, err := history.ParseMeasure(q)
	if err != nil {
		return HistoryInput{}, err
	}
	year, err := history.ParseYear(q, v.Span)
	if err != nil {
		return HistoryInput{}, err
	}
	return HistoryInput{View: v, By: by, Year: year, History: s}, nil
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

// historyPanel is a panel of the History page: its data come from the
// stored history, never from Spotify.
type historyPanel = Panel[HistoryInput]

// topPanel is the panel of the span's top tracks, artists or albums, with
// the switch between ranking by plays and by minutes.
func topPanel(k history.Kind, title string) historyPanel {
	return define(historyPanel{ID: "top-" + string(k), Title: title},
		func(ctx context.Context, in HistoryInput) (history.TopList, error) {
			return in.History.Top(ctx, in.View, k, in.By, history.TopLimit)
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
var historyPanels = newRegistry("/history/panels/",
	func(_ historyPanel, in HistoryInput) url.Values { return in.query() },
	define(historyPanel{ID: "totals", Title: "In numbers", Wide: true},
		func(ctx context.Context, in HistoryInput) (history.Totals, error) {
			return in.History.Totals(ctx, in.View)
		}, plain[HistoryInput](views.HistoryTotalsPanel)),
	topPanel(history.Tracks, "Top tracks"),
	topPanel(history.Artists, "Top artists"),
	topPanel(history.Albums, "Top albums"),
	define(historyPanel{ID: "calendar", Title: "Calendar", Wide: true},
		func(ctx context.Context, in HistoryInput) (history.Calendar, error) {
			return in.History.CalendarFor(ctx, in.View, in.Year)
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
	define(historyPanel{ID: "clock", Title: "Listening clock"},
		func(ctx context.Context, in HistoryInput) (history.Clock, error) {
			return in.History.ClockFor(ctx, in.View)
		}, plain[HistoryInput](views.ClockPanel)),
	define(historyPanel{ID: "sessions", Title: "Listening sessions"},
		func(ctx context.Context, in HistoryInput) (history.Sessions, error) {
			return in.History.SessionsFor(ctx, in.View, sessionsShown)
		}, plain[HistoryInput](views.SessionsPanel)),
)

// History is the History page's panels.
func History() Registry[HistoryInput] { return historyPanels }

// sessionsShown is how many of the longest sessions the panel lists.
const sessionsShown = 5

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
	d.Panels = historyPanels.Refs(in)
	return d
}
