package handlers

import (
	"cmp"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/social"
	"github.com/euterpe-dev/euterpe/trends"
	"github.com/euterpe-dev/euterpe/upstream"
	"github.com/euterpe-dev/euterpe/views"
)

// Sharing and friends (issue 14) in three parts of the route tree.
//
// Signed in (socialRoutes, under the signed-in pages' session, per-user
// limit and body limit):
//
//	GET  /shares                        my links, and the forms that make one
//	POST /shares                        make a link (the page shows it once)
//	POST /shares/{id}/revoke            revoke (or delete an expired one)
//	GET  /friends                       my friends and open invites
//	POST /friends/invites               make an invite link (shown once)
//	POST /friends/invites/{id}/cancel   withdraw an invite
//	GET  /friends/{id}                  compare with a friend (?period= or ?from=&to=)
//	POST /friends/{id}/end              end the friendship
//	POST /friends/{id}/blend            write a blend of our top tracks to Spotify
//	GET  /playlists                     playlists Euterpe wrote for me
//	POST /playlists/top                 write my top songs of a range to Spotify
//
// With or without a session (inviteRoutes):
//
//	GET  /friends/join/{token}          an invite: who sent it, Accept
//	GET  /friends/join/{token}/login    log in, then back to the invite
//	POST /friends/join/{token}          accept it
//
// Anonymous (shareRoutes, outside the session: it never looks one up):
//
//	GET  /s/{token}                     a share link's page
//
// Every POST is under the router's cross-origin protection.

// socialKit is what the pages of sharing and friends use.
type socialKit struct {
	shares    *social.Shares
	reader    *social.ShareReader
	friends   *social.Friends
	comparer  *social.Comparer
	playlists *social.Playlists
	trends    *trends.Service
	// baseURL is the site's own address (BASE_URL, else from
	// SPOTIFY_REDIRECT_URI; never from a request's Host header), for the
	// links shown to copy.
	baseURL string
	// accountsOrigin is Spotify's accounts service, where a playlist
	// form's first submission leads (allowFormsToSpotify).
	accountsOrigin string
}

// newSocialKit is built once per router, from the app's social services.
func newSocialKit(s social.Services, t *trends.Service, cfg config.Config) *socialKit {
	return &socialKit{
		shares:         s.Shares,
		reader:         s.Reader,
		friends:        s.Friends,
		comparer:       s.Comparer,
		playlists:      s.Playlists,
		trends:         t,
		baseURL:        cmp.Or(cfg.BaseURL, siteURL(cfg.Spotify.RedirectURI)),
		accountsOrigin: siteURL(cfg.Spotify.AccountsURL),
	}
}

// siteURL is the scheme and host of the registered redirect URI: where the
// site is reached.
func siteURL(redirectURI string) string {
	u, err := url.Parse(redirectURI)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

func (h *handler) socialRoutes(r chi.Router, k *socialKit) {
	r.Get("/shares", h.showShares(k))
	r.Post("/shares", h.createShare(k))
	r.Post("/shares/{id}/revoke", h.revokeShare(k))
	r.Get("/friends", h.showFriends(k))
	r.Post("/friends/invites", h.createInvite(k))
	r.Post("/friends/invites/{id}/cancel", h.cancelInvite(k))
	r.Get("/friends/{id}", h.showCompare(k))
	r.Post("/friends/{id}/end", h.endFriendship(k))
	r.Post("/friends/{id}/blend", h.makeBlend(k))
	r.Get("/playlists", h.showPlaylists(k))
	r.Post("/playlists/top", h.makeTopPlaylist(k))
}

func (h *handler) inviteRoutes(r chi.Router, k *socialKit) {
	misses := newMissLimit()
	r.Get("/friends/join/{token}", h.showInvite(k, misses))
	// Under the login budget per address, as every login (beginAuthorization).
	r.Get("/friends/join/{token}/login", h.inviteLogin(k, misses))
	r.Post("/friends/join/{token}", h.acceptInvite(k, misses))
}

func (h *handler) shareRoutes(r chi.Router, k *socialKit, cfg config.Config) {
	pages := upstream.New(upstream.Options{TTL: sharedPageTTL, MaxEntries: sharedPagesCached, Now: h.now})
	limits := newShareLimits(cmp.Or(cfg.RateLimitPerMinute, config.DefaultRateLimit))
	r.Get("/s/{token}", h.showShared(k, pages, limits))
}

// idParam reads a uuid from the path; false (and nothing answered) when it
// is not one, which callers answer as not found.
func idParam(r *http.Request, name string) (uuid.UUID, bool) {
	id, err := uuid.Parse(chi.URLParam(r, name))
	return id, err == nil
}

// withQuery is path with key=value set in its query.
func withQuery(path, key, value string) string {
	u, err := url.Parse(path)
	if err != nil {
		return path
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// notFound answers the friendly 404 page with a way back.
func (h *handler) notFound(w http.ResponseWriter, r *http.Request, title, message, back, backLabel string) {
	h.render.errorPage(w, r, views.ErrorInfo{Status: http.StatusNotFound, Title: title, Message: message,
		ActionURL: back, ActionLabel: backLabel})
}

// noIndex keeps a page whose address holds a token out of search engines
// and out of Referer headers.
func noIndex(w http.ResponseWriter) {
	w.Header().Set("X-Robots-Tag", "noindex, nofollow, noarchive")
	w.Header().Set("Referrer-Policy", "no-referrer")
}

// allowFormsToSpotify lets the forms of a page that writes playlists lead to
// Spotify's consent page. A browser applies the CSP's form-action to every
// redirect that follows a form's submission, and the first press of a
// playlist button is answered with a redirect to Spotify (playlistAllowed):
// under form-action 'self' alone the browser blocks it and nothing happens.
// Only the pages with such a button widen it, and only by that origin.
func (k *socialKit) allowFormsToSpotify(w http.ResponseWriter) {
	const self = "form-action 'self'"
	h := w.Header()
	csp := h.Get("Content-Security-Policy")
	if k.accountsOrigin == "" || !strings.Contains(csp, self) {
		return
	}
	h.Set("Content-Security-Policy", strings.Replace(csp, self, self+" "+k.accountsOrigin, 1))
}

// formValue is a posted form's field, trimmed.
func formValue(r *http.Request, name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
