package handlers

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/social"
	"github.com/euterpe-dev/euterpe/views"
)

// inviteNotFound is every invite that does not work, alike; past the
// address's misses a minute, it says to slow down instead.
func (h *handler) inviteNotFound(w http.ResponseWriter, r *http.Request, misses *missLimit) {
	if misses.missed(w, r) {
		h.render.errorPage(w, r, errTooMany)
		return
	}
	h.notFound(w, r, "This invite does not work",
		"It was used already, withdrawn, or it expired (an invite works once, for 7 days). Ask your friend for a new one.",
		"/", "Go to Euterpe")
}

// showInvite is the page an invite link opens: who sent it and, signed in,
// the button that accepts it; signed out, a login that comes back here.
func (h *handler) showInvite(k *socialKit, misses *missLimit) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		noIndex(w)
		token := chi.URLParam(r, "token")
		inv, err := k.friends.InvitationFor(r.Context(), token)
		if errors.Is(err, social.ErrNotFound) {
			h.inviteNotFound(w, r, misses)
			return
		}
		if err != nil {
			h.fail(w, r, "friends: read invite", err)
			return
		}
		p := principalFrom(r.Context())
		base := "/friends/join/" + token
		d := views.InviteData{InviterName: inv.InviterName, Expires: inv.Expires, SignedIn: p != nil,
			Own: p != nil && p.UserID == inv.InviterID, AcceptURL: base, LoginURL: base + "/login"}
		h.render.write(w, r, http.StatusOK, views.InvitePage(h.render.pageFor(r, "An invitation"), d))
	}
}

// inviteLogin logs in through Spotify and comes back to the invite.
func (h *handler) inviteLogin(k *socialKit, misses *missLimit) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		noIndex(w)
		token := chi.URLParam(r, "token")
		if _, err := k.friends.InvitationFor(r.Context(), token); err != nil {
			if errors.Is(err, social.ErrNotFound) {
				h.inviteNotFound(w, r, misses)
				return
			}
			h.fail(w, r, "friends: read invite", err)
			return
		}
		h.beginAuthorization(w, r, auth.Authorization{ReturnTo: "/friends/join/" + token})
	}
}
