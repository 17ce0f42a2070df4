package handlers

import (
	"errors"
	"net/http"
	"time"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/views"
)

// login starts the OAuth flow. With ?reason=… (sent here when a grant ended)
// it shows the login page with a notice instead, so the user knows why.
func (h *handler) login(w http.ResponseWriter, r *http.Request) {
	if notice, ok := loginNotices[r.URL.Query().Get("reason")]; ok {
		p := h.render.pageFor(r, "Log in")
		p.User = nil
		p.Flash = notice
		h.render.write(w, r, http.StatusOK, views.LoginPage(p))
		return
	}
	// Signing in again keeps what the stored grant allows: Spotify's new
	// token carries exactly the scopes asked for.
	var a auth.Authorization
	if p := principalFrom(r.Context()); p != nil {
		scopes, err := h.auth.GrantedScopes(r.Context(), p.UserID)
		if err != nil {
			h.log.WarnContext(r.Context(), "could not read the stored grant's scopes", requestAttrs(r), "err", err)
		}
		a.ExtraScopes = scopes
	}
	h.beginAuthorization(w, r, a)
}

// beginAuthorization sends the browser to Spotify's consent page for a,
// the state bound to it by a short-lived cookie. Every login starts here,
// from /login or from a form that needs a scope: each spends the client
// address's login budget (LOGIN_RATE_PER_MINUTE, shared with /callback),
// and a signed-in user's logins in progress are bounded
// (auth.MaxPendingLoginsPerUser).
func (h *handler) beginAuthorization(w http.ResponseWriter, r *http.Request, a auth.Authorization) {
	if !spendAddressBudget(h.logins, w, r) {
		return
	}
	if p := principalFrom(r.Context()); p != nil {
		a.UserID = p.UserID
	}
	authURL, state, err := h.auth.BeginAuthorization(r.Context(), a)
	if errors.Is(err, auth.ErrTooManyLogins) {
		w.Header().Set("Retry-After", "60")
		h.render.errorPage(w, r, views.ErrorInfo{Status: http.StatusServiceUnavailable, Title: "Too many logins at once",
			Message:   "More people are logging in right now than Euterpe takes at once. Please try again in a minute.",
			ActionURL: "/login", ActionLabel: "Try again"})
		return
	}
	if err != nil {
		h.fail(w, r, "could not start login", err)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: h.cookies.login, Value: state, Path: h.cookies.path,
		MaxAge: int(auth.LoginStateTTL / time.Second), HttpOnly: true, Secure: h.cookies.secure,
		// Lax: the cookie must come back on Spotify's top-level redirect.
		SameSite: http.SameSiteLaxMode,
	})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, authURL, http.StatusFound)
}

// loginNotices are the only texts ?reason= can show: no user input reaches
// the page.
var loginNotices = map[string]string{
	"expired": "Please log in again. Your Spotify access ended or expired, and Euterpe has stopped collecting your listening history until you do.",
	"deleted": "Your account and everything Euterpe stored for you have been deleted.",
	"logout":  "You have logged out.",
}
