package handlers

import (
	"net/http"

	"github.com/euterpe-dev/euterpe/views"
)

// showDashboard is the dashboard for a signed-in user and the landing page
// for everyone else. ?range= picks the range and remembers it as the
// user's favourite.
func (h *handler) showDashboard(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	if p == nil && grantGone(r) {
		h.toLogin(w, r, "expired")
		return
	}
	if p == nil {
		h.render.write(w, r, http.StatusOK, views.LoginPage(h.render.pageFor(r, "Your listening, explained")))
		return
	}
	tr, loc, err := h.dashboard.RangeFor(r.Context(), p.UserID, r.URL.Query().Get("range"))
	if err != nil {
		h.render.errorPage(w, r, errUnknownRange)
		return
	}
	h.render.write(w, r, http.StatusOK, views.Dashboard(h.render.pageFor(r, "Your dashboard"), h.dashboard.Page(tr, loc)))
}
