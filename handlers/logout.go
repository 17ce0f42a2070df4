package handlers

import "net/http"

// logout ends the session server-side, so a copy of the cookie is useless,
// and forgets the user's cached Spotify data.
func (h *handler) logout(w http.ResponseWriter, r *http.Request) {
	if p := principalFrom(r.Context()); p != nil {
		h.forget(p.UserID.String())
	}
	if c, err := r.Cookie(h.cookies.session); err == nil {
		if err := h.auth.EndSession(r.Context(), c.Value); err != nil {
			h.fail(w, r, "logout failed", err)
			return
		}
	}
	http.SetCookie(w, h.cookies.clear(h.cookies.session))
	w.Header().Set("Clear-Site-Data", `"cache"`)
	http.Redirect(w, r, "/login?reason=logout", http.StatusSeeOther)
}
