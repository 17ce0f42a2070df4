// Package panels is the panels of Euterpe's pages, one Registry a page:
// the dashboard's (what each fetches from Spotify through upstream and
// which analytic it computes), History's and Trends' (what each reads from
// the stored history). Each panel's entry is its whole definition: its id,
// title and URL, its load, the component that shows it, and (tables.go) its
// data's CSV. Beside them: the dashboard's service (its page, the JSON the
// earlier version's endpoints answer, the user's favourite range) and the
// data of the History and Trends pages. handlers serve it; views show it.
package panels

import (
	"context"
	"net/url"
	"slices"

	"github.com/a-h/templ"

	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/views"
)

// Panel is one panel of a page: the dashboard's, History's or Trends'. Its
// entry in its page's Registry is its whole definition: what it is called,
// where it is served, what it loads and which component shows it. In is
// what its page asks it for (DashboardInput, HistoryInput, TrendInput).
type Panel[In any] struct {
	ID       string // in the panel's URL and element ids: "top-songs"
	Title    string // its heading: "Top songs"
	JSONPath string // a dashboard panel's: the earlier version's JSON endpoint, "/top_songs"
	Ranged   bool   // takes ?range= (Spotify's time ranges)
	Wide     bool   // takes a whole row of the two-column grid

	// path and query are its page's (newRegistry): where its panels are
	// served, and the parameters of a panel's URL for an input.
	path  string
	query func(p Panel[In], in In) url.Values

	load func(ctx context.Context, in In) (any, error)
	view func(ref views.PanelRef, in In, data any) templ.Component
	// zero is the panel's data when there is none (the tables test asks
	// every panel's type for its CSV).
	zero func() any
}

// define keeps a panel's load and view agreeing on the type of its data.
func define[In, T any](p Panel[In],
	load func(ctx context.Context, in In) (T, error),
	view func(ref views.PanelRef, in In, data T) templ.Component,
) Panel[In] {
	p.load = func(ctx context.Context, in In) (any, error) { return load(ctx, in) }
	p.view = func(ref views.PanelRef, in In, data any) templ.Component { return view(ref, in, data.(T)) }
	p.zero = func() any { var zero T; return zero }
	return p
}

// plain adapts the view of a panel that shows nothing but its data.
func plain[In, T any](view func(ref views.PanelRef, data T) templ.Component) func(views.PanelRef, In, T) templ.Component {
	return func(ref views.PanelRef, _ In, data T) templ.Component { return view(ref, data) }
}

// URL is where the panel's fragment is served for in.
func (p Panel[In]) URL(in In) string {
	u := p.path + url.PathEscape(p.ID)
	if q := p.query(p, in); len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// Ref is the panel as its page places it.
func (p Panel[In]) Ref(in In) views.PanelRef {
	return views.PanelRef{ID: p.ID, Title: p.Title, URL: p.URL(in), Wide: p.Wide}
}

// Load reads the panel's data.
func (p Panel[In]) Load(ctx context.Context, in In) (any, error) { return p.load(ctx, in) }

// View is the component that shows data, which must come from the same
// panel's Load.
func (p Panel[In]) View(in In, data any) templ.Component {
	return p.view(p.Ref(in), in, data)
}

// Registry is one page's panels, in page order.
type Registry[In any] struct {
	panels []Panel[In]
}

// newRegistry is the page whose panels are served under path
// ("/panels/"), each at path+id with the parameters query gives it for an
// input.
func newRegistry[In any](path string, query func(p Panel[In], in In) url.Values, panels ...Panel[In]) Registry[In] {
	for i := range panels {
		panels[i].path, panels[i].query = path, query
	}
	return Registry[In]{panels: panels}
}

// All lists the panels in page order. It is a copy: a caller cannot
// reorder the page.
func (g Registry[In]) All() []Panel[In] { return slices.Clone(g.panels) }

// Lookup finds a panel by its id.
func (g Registry[In]) Lookup(id string) (Panel[In], bool) {
	for _, p := range g.panels {
		if p.ID == id {
			return p, true
		}
	}
	return Panel[In]{}, false
}

// IDs are the panels' ids in page order, for the message about one that
// is not there.
func (g Registry[In]) IDs() []string {
	out := make([]string, len(g.panels))
	for i, p := range g.panels {
		out[i] = p.ID
	}
	return out
}

// Refs are the panels as their page places them for in.
func (g Registry[In]) Refs(in In) []views.PanelRef {
	var out []views.PanelRef
	for _, p := range g.panels {
		out = append(out, p.Ref(in))
	}
	return out
}

// rangeQuery is the parameters of a panel that takes Spotify's time range:
// the range, or none for a panel that does not take one.
func rangeQuery(ranged bool, r spotify.TimeRange) url.Values {
	if !ranged {
		return nil
	}
	return url.Values{"range": {string(r)}}
}
