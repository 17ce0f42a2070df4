package handlers

import (
	"errors"
	"net/http"

	"github.com/euterpe-dev/euterpe/social"
)

// revokeShare deletes one of the user's links: from the next request on it
// answers 404, on every process. Someone else's link is a 404 here.
func (h *handler) revokeShare(k *socialKit) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := idParam(r, "id")
		err := social.ErrNotFound
		if ok {
			err = k.shares.Revoke(r.Context(), principalFrom(r.Context()).UserID, id)
		}
		switch {
		case errors.Is(err, social.ErrNotFound):
			h.notFound(w, r, "No such link", "You have no link by that address: it may be revoked already.", "/shares", "Your links")
		case err != nil:
			h.fail(w, r, "shares: revoke", err)
		default:
			http.Redirect(w, r, "/shares", http.StatusSeeOther)
		}
	}
}
