package handlers

import (
	"net/http"

	"github.com/euterpe-dev/euterpe/views"
)

// friendsNotices are the only texts ?notice= can show.
var friendsNotices = map[string]string{
	"ended":   "The friendship has ended: neither of you sees the other any more.",
	"already": "You are friends already.",
}

// showFriends is /friends: the user's friends and their open invites.
func (h *handler) showFriends(k *socialKit) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		d, ok := h.friendsData(w, r, k)
		if !ok {
			return
		}
		d.Notice = friendsNotices[r.URL.Query().Get("notice")]
		h.render.write(w, r, http.StatusOK, views.FriendsPage(h.render.pageFor(r, "Friends"), d))
	}
}

func (h *handler) friendsData(w http.ResponseWriter, r *http.Request, k *socialKit) (views.FriendsData, bool) {
	p := principalFrom(r.Context())
	rows, ok := h.friendRows(w, r, k)
	if !ok {
		return views.FriendsData{}, false
	}
	invites, err := k.friends.OpenInvites(r.Context(), p.UserID)
	if err != nil {
		h.fail(w, r, "friends: list invites", err)
		return views.FriendsData{}, false
	}
	return views.FriendsData{Friends: rows, Invites: invites}, true
}

// friendRows are the user's friends, each with their compare page.
func (h *handler) friendRows(w http.ResponseWriter, r *http.Request, k *socialKit) ([]views.FriendRow, bool) {
	friends, err := k.friends.List(r.Context(), principalFrom(r.Context()).UserID)
	if err != nil {
		h.fail(w, r, "friends: list", err)
		return nil, false
	}
	rows := make([]views.FriendRow, len(friends))
	for i, f := range friends {
		rows[i] = views.FriendRow{Name: f.Name, Since: f.Since, CompareURL: "/friends/" + f.ID.String()}
	}
	return rows, true
}
