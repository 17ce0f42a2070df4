package handlers

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/euterpe-dev/euterpe/export"
	"github.com/euterpe-dev/euterpe/panels"
)

// showPanel serves one dashboard panel as an HTMX partial (or, opened
// directly, inside the layout). A failure becomes the panel's own error
// state with a Retry button, so one panel never breaks the others.
//
// ?format=csv|json answers the panel's data as a file instead.
func (h *handler) showPanel(w http.ResponseWriter, r *http.Request) {
	p, ok := panels.Dashboard().Lookup(chi.URLParam(r, "panel"))
	if !ok {
		h.unknownPanel(w, r, chi.URLParam(r, "panel"), panels.Dashboard().IDs())
		return
	}
	format, ok := h.exportFormat(w, r)
	if !ok {
		return
	}
	tr, err := rangeParam(r, "range", p.Ranged)
	if err != nil {
		h.render.errorPage(w, r, errUnknownRange)
		return
	}
	in := h.dashboard.Input(h.listener(r), tr)
	data, err := p.Load(r.Context(), in)
	page := h.render.pageFor(r, p.Title)
	if err == nil && format != export.HTML {
		what := p.ID
		if p.Ranged {
			what += "-" + string(tr)
		}
		h.writeExport(w, r, format, what, data)
		return
	}
	if err != nil {
		h.panelFailed(w, r, page, format, p.ID, p.Ref(in), err)
		return
	}
	h.render.fragment(w, r, http.StatusOK, page, p.View(in, data))
}
