package handlers

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/euterpe-dev/euterpe/social"
)

// makeBlend writes a blend of the user's and a friend's top tracks over
// the compared range (the form's period or from and to) to the user's
// Spotify account. Both sides come from the stored history: the friend's
// Spotify account is never touched.
func (h *handler) makeBlend(k *socialKit) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			h.badRequest(w, r, "The form could not be read.")
			return
		}
		q := url.Values{}
		for _, name := range []string{"period", "from", "to"} {
			if v := r.PostForm.Get(name); v != "" {
				q.Set(name, v)
			}
		}
		id, ok := idParam(r, "id")
		if !ok {
			h.friendNotFound(w, r)
			return
		}
		// A non-friend learns nothing, not even by being asked to grant a
		// scope first.
		if _, err := k.friends.Friend(r.Context(), principalFrom(r.Context()).UserID, id); errors.Is(err, social.ErrNotFound) {
			h.friendNotFound(w, r)
			return
		} else if err != nil {
			h.fail(w, r, "friends: read friend", err)
			return
		}
		back := "/friends/" + id.String() + "?" + q.Encode()
		if !h.playlistAllowed(w, r, back) {
			return
		}
		f, c, ok := h.comparison(w, r, k, q)
		if !ok {
			return
		}
		blend, err := k.playlists.BlendOf(r.Context(), c)
		if err != nil {
			h.fail(w, r, "playlists: blend", err)
			return
		}
		ids := make([]string, len(blend))
		for i, b := range blend {
			ids[i] = b.SpotifyID
		}
		me := principalFrom(r.Context()).DisplayName
		h.writePlaylist(w, r, k, social.PlaylistRequest{
			Key: formValue(r, "key"), Kind: social.PlaylistBlend, FriendID: &f.UserID,
			Name: playlistName(me + " + " + f.Name + " · a blend"),
			Description: "What " + me + " and " + f.Name + " both love, then each one's favourites in turn: their top songs, " +
				lowerInitial(c.Me.Span.Period.Label()) + ". Made by Euterpe.",
			TrackIDs: ids,
		}, back)
	}
}
