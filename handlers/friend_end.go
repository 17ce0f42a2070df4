package handlers

import (
	"errors"
	"net/http"

	"github.com/euterpe-dev/euterpe/social"
)

// endFriendship ends a friendship, for either friend: from the next
// request neither sees the other.
func (h *handler) endFriendship(k *socialKit) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := idParam(r, "id")
		err := social.ErrNotFound
		if ok {
			err = k.friends.End(r.Context(), principalFrom(r.Context()).UserID, id)
		}
		switch {
		case errors.Is(err, social.ErrNotFound):
			h.friendNotFound(w, r)
		case err != nil:
			h.fail(w, r, "friends: end", err)
		default:
			http.Redirect(w, r, "/friends?notice=ended", http.StatusSeeOther)
		}
	}
}

// friendNotFound is a friendship id that is not one of the user's: never
// made, ended, or between two other people, alike.
func (h *handler) friendNotFound(w http.ResponseWriter, r *http.Request) {
	h.notFound(w, r, "Not one of your friends", "There is no friend of yours at this address.", "/friends", "Your friends")
}
