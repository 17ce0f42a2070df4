package handlers

import (
	"errors"
	"net/http"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/social"
	"github.com/euterpe-dev/euterpe/spotify"
)

// makeTopPlaylist writes the user's top songs of a range (?range= in the
// form) to their Spotify account as a private playlist.
func (h *handler) makeTopPlaylist(k *socialKit) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		const back = "/playlists"
		tr, err := spotify.ParseTimeRange(formValue(r, "range"))
		if err != nil {
			h.render.errorPage(w, r, errUnknownRange)
			return
		}
		if !h.playlistAllowed(w, r, back) {
			return
		}
		tracks, err := h.source.TopTracks(r.Context(), h.listener(r), tr)
		if errors.Is(err, auth.ErrLoginRequired) {
			h.loginRequired(w, r)
			return
		}
		if err != nil {
			h.log.WarnContext(r.Context(), "playlists: no top songs from Spotify", requestAttrs(r), "err", err)
			http.Redirect(w, r, withQuery(back, "playlist", "failed"), http.StatusSeeOther)
			return
		}
		label := lowerInitial(tr.Label())
		h.writePlaylist(w, r, k, social.PlaylistRequest{
			Key: formValue(r, "key"), Kind: social.PlaylistTop,
			Name:        playlistName("Top songs · " + label),
			Description: "The most played songs of the " + label + " on Spotify, as of " + h.now().Format("2 January 2006") + ". Made by Euterpe.",
			TrackIDs:    spotifyIDs(tracks),
		}, back)
	}
}
