package handlers

import (
	"errors"
	"net/http"
	"time"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/upstream"
	"github.com/euterpe-dev/euterpe/views"
)

// authHandler is login, callback and logout.
type authHandler struct {
	auth    *auth.Service
	cookies cookieNames
	render  *renderer
	source  *upstream.Source
}

// login starts the OAuth flow. With ?reason=… (sent here when a grant ended)
// it shows the login page with a notice instead, so the user knows why.
func (a *authHandler) login(w http.ResponseWriter, r *http.Request) {
	if notice, ok := loginNotices[r.URL.Query().Get("reason")]; ok {
		p := a.render.pageFor(r, "Log in")
		p.User = nil
		p.Flash = notice
		a.render.write(w, r, http.StatusOK, views.LoginPage(p))
		return
	}
	authURL, state, err := a.auth.BeginLogin(r.Context())
	if err != nil {
		a.render.serverError(w, r, "could not start login", err)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: a.cookies.login, Value: state, Path: "/",
		MaxAge: int(auth.LoginStateTTL / time.Second), HttpOnly: true, Secure: a.cookies.secure,
		// Lax: the cookie must come back on Spotify's top-level redirect.
		SameSite: http.SameSiteLaxMode,
	})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, authURL, http.StatusFound)
}

// loginNotices are the only texts ?reason= can show: no user input reaches
// the page.
var loginNotices = map[string]string{
	"expired": "Please log in again. Your Spotify access ended or expired.",
	"deleted": "Your account and everything Euterpe stored for you have been deleted.",
	"logout":  "You have logged out.",
}

// callback finishes the OAuth flow.
func (a *authHandler) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	cb := auth.Callback{State: q.Get("state"), Code: q.Get("code"), Error: q.Get("error")}
	if c, err := r.Cookie(a.cookies.login); err == nil {
		cb.CookieState = c.Value
	}
	// The state cookie is spent whatever happens.
	http.SetCookie(w, a.cookies.clear(a.cookies.login))

	in, err := a.auth.CompleteLogin(r.Context(), cb)
	switch {
	case err == nil:
		http.SetCookie(w, a.cookies.sessionCookie(in.SessionID))
		http.Redirect(w, r, "/", http.StatusSeeOther)
	case errors.Is(err, auth.ErrAccessDenied):
		a.render.errorPage(w, r, views.ErrorInfo{Status: http.StatusForbidden, Title: "Login cancelled",
			Message:   "You chose not to connect Spotify, so there is nothing to show yet. You can try again any time.",
			ActionURL: "/login", ActionLabel: "Log in with Spotify"})
	case errors.Is(err, auth.ErrLoginState):
		a.render.errorPage(w, r, views.ErrorInfo{Status: http.StatusBadRequest, Title: "This login link has expired",
			Message:   "The login was already used, took too long, or was started in another browser. Please start again.",
			ActionURL: "/login", ActionLabel: "Log in with Spotify"})
	case errors.Is(err, auth.ErrSpotifyUnavailable):
		a.render.log.WarnContext(r.Context(), "login failed: Spotify unavailable", "err", err)
		a.render.errorPage(w, r, views.ErrorInfo{Status: http.StatusBadGateway, Title: "Spotify did not answer",
			Message:   "Spotify's login service is not answering right now. Please try again in a minute.",
			ActionURL: "/login", ActionLabel: "Try again"})
	default:
		a.render.serverError(w, r, "login failed", err)
	}
}

// logout ends the session server-side, so a copy of the cookie is useless.
func (a *authHandler) logout(w http.ResponseWriter, r *http.Request) {
	if p := principalFrom(r.Context()); p != nil {
		a.source.Cache().Forget(p.UserID.String())
	}
	if c, err := r.Cookie(a.cookies.session); err == nil {
		if err := a.auth.EndSession(r.Context(), c.Value); err != nil {
			a.render.serverError(w, r, "logout failed", err)
			return
		}
	}
	http.SetCookie(w, a.cookies.clear(a.cookies.session))
	w.Header().Set("Clear-Site-Data", `"cache"`)
	http.Redirect(w, r, "/login?reason=logout", http.StatusSeeOther)
}
