package handlers

import (
	"errors"
	"net/http"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/export"
	"github.com/euterpe-dev/euterpe/views"
)

// panelFailed answers a panel whose data could not load: the login page
// when the grant is gone, the reason as a file's error when a download was
// asked for, else the panel's error state (with a 200 to htmx, which swaps
// only 2xx answers: the error state is content too).
func (h *handler) panelFailed(w http.ResponseWriter, r *http.Request, page views.Page, format export.Format, id string, ref views.PanelRef, err error) {
	if errors.Is(err, auth.ErrLoginRequired) {
		h.loginRequired(w, r)
		return
	}
	p := h.explain(r, "panel failed", err, "panel", id)
	if format != export.HTML {
		writeProblemJSON(w, p)
		return
	}
	status := p.status
	if isHTMX(r) {
		status = http.StatusOK
	}
	h.render.fragment(w, r, status, page, views.PanelError(ref, p.message))
}
