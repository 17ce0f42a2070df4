package handlers

import (
	"errors"
	"net/http"

	"github.com/euterpe-dev/euterpe/social"
)

// cancelInvite withdraws one of the user's open invites: its link stops
// working at once.
func (h *handler) cancelInvite(k *socialKit) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := idParam(r, "id")
		err := social.ErrNotFound
		if ok {
			err = k.friends.CancelInvite(r.Context(), principalFrom(r.Context()).UserID, id)
		}
		switch {
		case errors.Is(err, social.ErrNotFound):
			h.notFound(w, r, "No such invite", "You have no open invite by that address.", "/friends", "Your friends")
		case err != nil:
			h.fail(w, r, "friends: withdraw invite", err)
		default:
			http.Redirect(w, r, "/friends", http.StatusSeeOther)
		}
	}
}
