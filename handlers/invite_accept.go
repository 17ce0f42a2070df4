package handlers

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/euterpe-dev/euterpe/social"
	"github.com/euterpe-dev/euterpe/views"
)

// acceptInvite makes the signed-in user and the invite's sender friends,
// spending the invite, and opens their compare page. Without a session it
// goes back to the invite, which offers the login.
func (h *handler) acceptInvite(k *socialKit, misses *missLimit) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		noIndex(w)
		token := chi.URLParam(r, "token")
		p := principalFrom(r.Context())
		if p == nil {
			http.Redirect(w, r, "/friends/join/"+token, http.StatusSeeOther)
			return
		}
		f, err := k.friends.Accept(r.Context(), token, p.UserID)
		switch {
		case errors.Is(err, social.ErrNotFound):
			h.inviteNotFound(w, r, misses)
		case errors.Is(err, social.ErrOwnInvite):
			h.render.errorPage(w, r, views.ErrorInfo{Status: http.StatusConflict, Title: "This is your own invite",
				Message: "Send the link to the friend you made it for.", ActionURL: "/friends", ActionLabel: "Your friends"})
		case errors.Is(err, social.ErrAlreadyFriends):
			http.Redirect(w, r, "/friends?notice=already", http.StatusSeeOther)
		case err != nil:
			h.fail(w, r, "friends: accept invite", err)
		default:
			http.Redirect(w, r, "/friends/"+f.ID.String(), http.StatusSeeOther)
		}
	}
}
