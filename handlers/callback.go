package handlers

import (
	"errors"
	"net/http"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/views"
)

// callback finishes the OAuth flow.
func (h *handler) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	cb := auth.Callback{State: q.Get("state"), Code: q.Get("code"), Error: q.Get("error")}
	if c, err := r.Cookie(h.cookies.login); err == nil {
		cb.CookieState = c.Value
	}
	// The state cookie is spent whatever happens.
	http.SetCookie(w, h.cookies.clear(h.cookies.login))

	in, err := h.auth.CompleteLogin(r.Context(), cb)
	switch {
	case err == nil:
		http.SetCookie(w, h.cookies.sessionCookie(in.SessionID))
		http.Redirect(w, r, "/", http.StatusSeeOther)
	case errors.Is(err, auth.ErrAccessDenied):
		h.render.errorPage(w, r, views.ErrorInfo{Status: http.StatusForbidden, Title: "Login cancelled",
			Message:   "You chose not to connect Spotify, so there is nothing to show yet. You can try again any time.",
			ActionURL: "/login", ActionLabel: "Log in with Spotify"})
	case errors.Is(err, auth.ErrLoginState):
		h.render.errorPage(w, r, views.ErrorInfo{Status: http.StatusBadRequest, Title: "This login link has expired",
			Message:   "The login was already used, took too long, or was started in another browser. Please start again.",
			ActionURL: "/login", ActionLabel: "Log in with Spotify"})
	case errors.Is(err, auth.ErrSpotifyUnavailable):
		h.log.WarnContext(r.Context(), "login failed: Spotify unavailable", requestAttrs(r), "err", err)
		h.render.errorPage(w, r, views.ErrorInfo{Status: http.StatusBadGateway, Title: "Spotify did not answer",
			Message:   "Spotify's login service is not answering right now. Please try again in a minute.",
			ActionURL: "/login", ActionLabel: "Try again"})
	default:
		h.serverError(w, r, "login failed", err)
	}
}
