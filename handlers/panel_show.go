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
	p, ok := panels.Lookup(chi.URLParam(r, "panel"))
	if !ok {
		h.unknownPanel(w, r, chi.URLParam(r, "panel"), panelIDs(panels.Panels(), func(p panels.Panel) string { return p.ID }))
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
	data, err := h.dashboard.Load(r.Context(), p, h.listener(r), tr)
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
		h.panelFailed(w, r, page, format, p.ID, p.Ref(tr), err)
		return
	}
	h.render.fragment(w, r, http.StatusOK, page, p.View(tr, data))
}

// panelIDs are the ids of a registry's panels, for the message about one
// that is not there.
func panelIDs[P any](panels []P, id func(P) string) []string {
	out := make([]string, len(panels))
	for i, p := range panels {
		out[i] = id(p)
	}
	return out
}
