package handlers

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/dashboard"
	"github.com/euterpe-dev/euterpe/views"
)

// showPanel serves one dashboard panel as an HTMX partial (or, opened
// directly, inside the layout). A failure becomes the panel's own error
// state with a Retry button, so one panel never breaks the others.
func (h *handler) showPanel(w http.ResponseWriter, r *http.Request) {
	p, ok := dashboard.Lookup(chi.URLParam(r, "panel"))
	if !ok {
		h.render.errorPage(w, r, errNotFound)
		return
	}
	tr, err := rangeParam(r, "range", p.Ranged)
	if err != nil {
		h.render.errorPage(w, r, errUnknownRange)
		return
	}
	data, err := h.dashboard.Load(r.Context(), p, h.listener(r), tr)
	page := h.render.pageFor(r, p.Title)
	if err != nil {
		if errors.Is(err, auth.ErrLoginRequired) {
			h.loginRequired(w, r)
			return
		}
		f := h.explain(r, p.ID, err)
		status := f.status
		// htmx swaps only 2xx answers: the error state is content too.
		if isHTMX(r) {
			status = http.StatusOK
		}
		h.render.fragment(w, r, status, page, views.PanelError(p.Ref(tr), f.message))
		return
	}
	h.render.fragment(w, r, http.StatusOK, page, p.View(tr, data))
}
