package handlers

import (
	"net/http"

	"github.com/euterpe-dev/euterpe/views"
)

// deleteAccount deletes the user and everything stored for them, once the
// confirmation box is ticked.
func (h *handler) deleteAccount(w http.ResponseWriter, r *http.Request) {
	if r.PostFormValue("confirm") != "yes" {
		p := h.render.pageFor(r, "Delete your account")
		p.Flash = "Tick the box to confirm that you want everything deleted."
		h.render.write(w, r, http.StatusBadRequest, views.DeleteAccountPage(p))
		return
	}
	p := principalFrom(r.Context())
	if err := h.auth.DeleteAccount(r.Context(), p.UserID); err != nil {
		h.fail(w, r, "account deletion failed", err)
		return
	}
	h.forget(p.UserID.String())
	h.log.InfoContext(r.Context(), "account deleted", "user_id", p.UserID)
	http.SetCookie(w, h.cookies.clear(h.cookies.session))
	http.Redirect(w, r, "/login?reason=deleted", http.StatusSeeOther)
}
