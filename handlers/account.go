package handlers

import (
	"net/http"

	"github.com/euterpe-dev/euterpe/views"
)

// accountHandler lets a user delete everything Euterpe holds for them.
type accountHandler struct {
	auth *authHandler
}

func (h *accountHandler) confirmDelete(w http.ResponseWriter, r *http.Request) {
	h.auth.render.write(w, r, http.StatusOK, views.DeleteAccountPage(h.auth.render.pageFor(r, "Delete your account")))
}

func (h *accountHandler) delete(w http.ResponseWriter, r *http.Request) {
	if r.PostFormValue("confirm") != "yes" {
		p := h.auth.render.pageFor(r, "Delete your account")
		p.Flash = "Tick the box to confirm that you want everything deleted."
		h.auth.render.write(w, r, http.StatusBadRequest, views.DeleteAccountPage(p))
		return
	}
	p := principalFrom(r.Context())
	if err := h.auth.auth.DeleteAccount(r.Context(), p.UserID); err != nil {
		h.auth.render.serverError(w, r, "account deletion failed", err)
		return
	}
	h.auth.source.Cache().Forget(p.UserID.String())
	h.auth.render.log.InfoContext(r.Context(), "account deleted", "user_id", p.UserID)
	http.SetCookie(w, h.auth.cookies.clear(h.auth.cookies.session))
	http.Redirect(w, r, "/login?reason=deleted", http.StatusSeeOther)
}
