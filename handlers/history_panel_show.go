package handlers

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/euterpe-dev/euterpe/dashboard"
	"github.com/euterpe-dev/euterpe/views"
)

// showHistoryPanel serves one History panel as an HTMX partial (or, opened
// directly, inside the layout). A panel that fails shows its error state
// with a Retry button; the others are unaffected.
func (h *handler) showHistoryPanel(w http.ResponseWriter, r *http.Request) {
	p, ok := dashboard.LookupHistory(chi.URLParam(r, "panel"))
	if !ok {
		h.render.errorPage(w, r, errNotFound)
		return
	}
	in, _, ok := h.historyInput(w, r)
	if !ok {
		return
	}
	page := h.render.pageFor(r, p.Title)
	page.Section = views.SectionHistory
	data, err := p.Load(r.Context(), h.history, in)
	if err != nil {
		f := h.explain(r, p.ID, err)
		status := f.status
		if isHTMX(r) {
			status = http.StatusOK // htmx swaps only 2xx answers
		}
		h.render.fragment(w, r, status, page, views.PanelError(p.Ref(in), f.message))
		return
	}
	h.render.fragment(w, r, http.StatusOK, page, p.View(in, data))
}
