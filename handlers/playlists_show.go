package handlers

import (
	"net/http"

	"github.com/euterpe-dev/euterpe/social"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/views"
)

// showPlaylists is /playlists: the form for a playlist of the user's top
// songs, their friends (whose compare pages make blends), and the
// playlists Euterpe wrote for them; ?made= shows one just made.
func (h *handler) showPlaylists(k *socialKit) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := principalFrom(r.Context())
		friends, ok := h.friendRows(w, r, k)
		if !ok {
			return
		}
		made, err := k.playlists.List(r.Context(), p.UserID)
		if err != nil {
			h.fail(w, r, "playlists: list", err)
			return
		}
		d := views.PlaylistsData{Friends: friends, Made: made, Notice: playlistNotice(r),
			Top: views.PlaylistForm{Action: "/playlists/top", Key: social.RequestKey()}}
		for _, tr := range spotify.TimeRanges() {
			d.Top.Ranges = append(d.Top.Ranges, views.Option{Value: string(tr), Label: tr.Label(), Selected: tr == spotify.ShortTerm})
		}
		if id := r.URL.Query().Get("made"); id != "" {
			for i := range made {
				if made[i].ID.String() == id {
					d.Just = &made[i]
				}
			}
		}
		k.allowFormsToSpotify(w)
		h.render.write(w, r, http.StatusOK, views.PlaylistsPage(h.render.pageFor(r, "Playlists"), d))
	}
}
