package handlers

import (
	"errors"
	"net/http"

	"github.com/euterpe-dev/euterpe/social"
	"github.com/euterpe-dev/euterpe/views"
)

// createInvite makes an invite link and shows it, this once (201); a user
// with social.MaxOpenInvites open ones is asked to wait or withdraw some
// (409).
func (h *handler) createInvite(k *socialKit) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := principalFrom(r.Context())
		token, inv, err := k.friends.Invite(r.Context(), p.UserID)
		if err != nil && !errors.Is(err, social.ErrTooMany) {
			h.fail(w, r, "friends: invite", err)
			return
		}
		d, ok := h.friendsData(w, r, k)
		if !ok {
			return
		}
		page := h.render.pageFor(r, "Friends")
		if errors.Is(err, social.ErrTooMany) {
			d.Error = "You have as many open invites as Euterpe keeps: withdraw one, or wait for one to be accepted or to expire."
			h.render.write(w, r, http.StatusConflict, views.FriendsPage(page, d))
			return
		}
		d.Invited = &views.LinkReady{URL: k.baseURL + "/friends/join/" + token, What: "Invite link", Expires: inv.Expires}
		noIndex(w)
		h.render.write(w, r, http.StatusCreated, views.FriendsPage(page, d))
	}
}
