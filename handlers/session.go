package handlers

import (
	"cmp"
	"context"
	"errors"
	"net/http"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/upstream"
)

// principalKey is the context key for the signed-in user; a struct type, so
// no other package can collide with it.
type principalKey struct{}

// grantGoneKey marks a request whose cookie named a session that ended with
// its user's Spotify grant: it is anonymous now, and told why.
type grantGoneKey struct{}

// grantGone reports whether r came with the cookie of a session that ended
// because its user's grant is gone.
func grantGone(r *http.Request) bool {
	gone, _ := r.Context().Value(grantGoneKey{}).(bool)
	return gone
}

func principalFrom(ctx context.Context) *auth.Principal {
	p, _ := ctx.Value(principalKey{}).(*auth.Principal)
	return p
}

// cookieNames depend on whether the app is served over https: the __Host-
// prefix makes the browser insist on Secure, Path=/ and no Domain, which it
// refuses over plain http.
type cookieNames struct {
	session string
	login   string
	secure  bool
	// path is where the cookies are sent: the base path, or the whole site.
	path string
}

func newCookieNames(secure bool, base string) cookieNames {
	c := cookieNames{session: "euterpe_session", login: "euterpe_login", path: cmp.Or(base, "/")}
	switch {
	case secure && base == "":
		// __Host-: Secure, this host only, the whole site.
		c.session, c.login = "__Host-"+c.session, "__Host-"+c.login
	case secure:
		// Under a sub-path a cookie cannot be __Host- (whose Path is /):
		// __Secure- still refuses to be set over plain http.
		c.session, c.login = "__Secure-"+c.session, "__Secure-"+c.login
	}
	c.secure = secure
	return c
}

// sessionCookie ends with the browser (no Max-Age): the server-side row has
// its own idle and absolute limits.
func (c cookieNames) sessionCookie(id string) *http.Cookie {
	return &http.Cookie{Name: c.session, Value: id, Path: c.path, HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode}
}

func (c cookieNames) clear(name string) *http.Cookie {
	return &http.Cookie{Name: name, Value: "", Path: c.path, MaxAge: -1, HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode}
}

// withPrincipal resolves the session cookie, if any, for every request.
// Pages decide for themselves what a visitor without one sees.
func (h *handler) withPrincipal(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(h.cookies.session)
		if err != nil || c.Value == "" {
			next.ServeHTTP(w, r)
			return
		}
		p, err := h.auth.Principal(r.Context(), c.Value)
		switch {
		case errors.Is(err, auth.ErrNoSession):
			// Logged out, expired or forged: forget the cookie.
			http.SetCookie(w, h.cookies.clear(h.cookies.session))
			next.ServeHTTP(w, r)
		case errors.Is(err, auth.ErrGrantGone):
			http.SetCookie(w, h.cookies.clear(h.cookies.session))
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), grantGoneKey{}, true)))
		case err != nil:
			h.fail(w, r, "session lookup failed", err)
		default:
			// The Spotify calls this request drives come from the user's
			// share of the app's budget.
			ctx := upstream.ForUser(context.WithValue(r.Context(), principalKey{}, p), p.UserID.String())
			next.ServeHTTP(w, r.WithContext(ctx))
		}
	})
}

// requireJSON answers 401 JSON to anonymous callers of the JSON API.
func requireJSON(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if principalFrom(r.Context()) == nil {
			msg := "Please log in"
			if grantGone(r) {
				msg = "Please log in again"
			}
			writeJSON(w, http.StatusUnauthorized, errorJSON{Error: msg})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requirePage sends anonymous visitors of a page (or an HTMX fragment) to
// the login page. A panel request without a session comes from a dashboard
// that was shown to a signed-in user, so the session ended under it (often a
// sibling panel just found the grant revoked): say so, rather than start a
// new login that the browser would follow in the middle of the dashboard.
// So is a page asked for with the cookie of a session that ended with its
// grant.
func (h *handler) requirePage(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if principalFrom(r.Context()) == nil {
			reason := ""
			if isHTMX(r) || grantGone(r) {
				reason = "expired"
			}
			h.toLogin(w, r, reason)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// loginAgainURL is where a user whose grant is gone is sent: the login page
// with the "Please log in again" notice.
const loginAgainURL = "/login?reason=expired"

// toLogin sends the browser to the login page the way each kind of request
// understands: HX-Redirect for HTMX, 401 JSON for the API, 303 for pages.
func (h *handler) toLogin(w http.ResponseWriter, r *http.Request, reason string) {
	target := "/login"
	if reason != "" {
		target += "?reason=" + reason
	}
	switch {
	case isHTMX(r):
		// 200, not 401: htmx follows HX-Redirect either way, and a 4xx
		// would also log a console error in the browser.
		w.Header().Set("HX-Redirect", target)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
	case wantsJSON(r):
		msg := "Please log in"
		if reason != "" {
			msg = "Please log in again"
		}
		writeJSON(w, http.StatusUnauthorized, errorJSON{Error: msg})
	default:
		if reason == "" {
			target = "/" // the landing page with its login button
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
	}
}

// loginRequired handles auth.ErrLoginRequired: the grant is gone; end this
// session (the user's others end at their next use), clear the cookie and
// send the user to log in again.
func (h *handler) loginRequired(w http.ResponseWriter, r *http.Request) {
	if p := principalFrom(r.Context()); p != nil {
		if err := h.auth.EndSession(r.Context(), p.SessionID); err != nil {
			h.log.WarnContext(r.Context(), "could not end the session of a user whose grant is gone", "err", err)
		}
	}
	http.SetCookie(w, h.cookies.clear(h.cookies.session))
	h.toLogin(w, r, "expired")
}

// listener is the signed-in user of r as the upstream layer sees them, with
// a Spotify client that refreshes their token as needed.
func (h *handler) listener(r *http.Request) upstream.Listener {
	p := principalFrom(r.Context())
	return upstream.Listener{UserID: p.UserID.String(), SpotifyUserID: p.SpotifyUserID, Client: h.auth.Client(p)}
}
