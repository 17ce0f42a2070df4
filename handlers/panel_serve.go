package handlers

import (
	"bytes"
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/euterpe-dev/euterpe/export"
	"github.com/euterpe-dev/euterpe/panels"
	"github.com/euterpe-dev/euterpe/spotify"
)

// panelPage is how one page's panels are served: the dashboard's, History's
// or Trends'.
type panelPage[In any] struct {
	registry panels.Registry[In]
	section  string // the page's section of the site (views.SectionHistory), or none
	// input reads what the request asks p for; on bad input it has
	// answered, as its page answers it, and ok is false.
	input func(w http.ResponseWriter, r *http.Request, p panels.Panel[In]) (in In, ok bool)
	// file is what a download of p's data for in is named after.
	file func(p panels.Panel[In], in In) string
	// keep, when set, names a panel's fragment for in for writeKept: the
	// user it is kept for and a key naming all else it depends on. Only
	// panels made from cached data are worth keeping (the dashboard's).
	keep func(p panels.Panel[In], in In) (user, key string)
}

// servePanel serves the request's panel of pg as an HTMX partial (or,
// opened directly, inside the layout). A failure becomes the panel's own
// error state with a Retry button, so one panel never breaks the others.
//
// ?format=csv|json answers the panel's data as a file instead.
func servePanel[In any](h *handler, w http.ResponseWriter, r *http.Request, pg panelPage[In]) {
	id := chi.URLParam(r, "panel")
	p, ok := pg.registry.Lookup(id)
	if !ok {
		h.unknownPanel(w, r, id, pg.registry.IDs())
		return
	}
	format, ok := h.exportFormat(w, r)
	if !ok {
		return
	}
	in, ok := pg.input(w, r, p)
	if !ok {
		return
	}
	if pg.keep != nil && format == export.HTML && isHTMX(r) {
		user, key := pg.keep(p, in)
		w.Header().Add("Vary", "HX-Request")
		err := h.writeKept(w, r, "text/html; charset=utf-8", user, key, func(ctx context.Context) ([]byte, error) {
			data, err := p.Load(ctx, in)
			if err != nil {
				return nil, err
			}
			var buf bytes.Buffer
			err = p.View(in, data).Render(ctx, &buf)
			return buf.Bytes(), err
		})
		if err != nil {
			page := h.render.pageFor(r, p.Title)
			page.Section = pg.section
			h.panelFailed(w, r, page, format, p.ID, p.Ref(in), err)
		}
		return
	}
	data, err := p.Load(r.Context(), in)
	if err == nil && format != export.HTML {
		h.writeExport(w, r, format, pg.file(p, in), data)
		return
	}
	page := h.render.pageFor(r, p.Title)
	page.Section = pg.section
	if err != nil {
		h.panelFailed(w, r, page, format, p.ID, p.Ref(in), err)
		return
	}
	h.render.fragment(w, r, http.StatusOK, page, p.View(in, data))
}

// rangedName names a download of a panel's data: what, and the range when
// the panel takes one ("top-songs-short_term").
func rangedName(what string, ranged bool, tr spotify.TimeRange) string {
	if ranged {
		what += "-" + string(tr)
	}
	return what
}
