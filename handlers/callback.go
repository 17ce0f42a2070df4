package handlers

import (
	"cmp"
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
		// The session this browser had before (another account's, or an
		// older one of the same) ends: one browser, one live session.
		if c, cerr := r.Cookie(h.cookies.session); cerr == nil {
			if err := h.auth.EndSession(r.Context(), c.Value); err != nil {
				h.log.WarnContext(r.Context(), "could not end the previous session at login", requestAttrs(r), "err", err)
			}
		}
		http.SetCookie(w, h.cookies.sessionCookie(in.SessionID))
		http.Redirect(w, r, cmp.Or(in.ReturnTo, "/"), http.StatusSeeOther)
	case errors.Is(err, auth.ErrAccessDenied) && in.ReturnTo != "" && principalFrom(r.Context()) != nil:
		// A signed-in user declined what a page asked for (the playlist
		// scope): back to that page, which says so; they stay signed in.
		http.Redirect(w, r, withQuery(in.ReturnTo, "permission", "denied"), http.StatusSeeOther)
	case errors.Is(err, auth.ErrAccessDenied):
		h.render.errorPage(w, r, views.ErrorInfo{Status: http.StatusForbidden, Title: "Login cancelled",
			Message:   "You chose not to connect Spotify, so there is nothing to show yet. You can try again any time.",
			ActionURL: "/login", ActionLabel: "Log in with Spotify"})
	case errors.Is(err, auth.ErrLoginState):
		h.render.errorPage(w, r, views.ErrorInfo{Status: http.StatusBadRequest, Title: "This login link has expired",
			Message:   "The login was already used, took too long, or was started in another browser. Please start again.",
			ActionURL: "/login", ActionLabel: "Log in with Spotify"})
	case errors.Is(err, auth.ErrNotAllowed):
		h.render.errorPage(w, r, views.ErrorInfo{Status: http.StatusForbidden, Title: "Not open to this account",
			Message: "This Euterpe is open only to the Spotify accounts its operator listed, and yours is not one of them. " +
				"Nothing about your account was kept.",
			ActionURL: "/", ActionLabel: "Back"})
	case errors.Is(err, auth.ErrSpotifyRefused):
		h.log.WarnContext(r.Context(), "login failed: Spotify refused the authorization", requestAttrs(r), "err", err)
		h.render.errorPage(w, r, views.ErrorInfo{Status: http.StatusBadGateway, Title: "Spotify refused the login",
			Message:   "Spotify answered with an error instead of letting you in. This is usually brief: please try again.",
			ActionURL: "/login", ActionLabel: "Try again"})
	case errors.Is(err, auth.ErrSpotifyUnavailable):
		h.log.WarnContext(r.Context(), "login failed: Spotify unavailable", requestAttrs(r), "err", err)
		h.render.errorPage(w, r, views.ErrorInfo{Status: http.StatusBadGateway, Title: "Spotify did not answer",
			Message:   "Spotify's login service is not answering right now. Please try again in a minute.",
			ActionURL: "/login", ActionLabel: "Try again"})
	default:
		h.fail(w, r, "login failed", err)
	}
}
