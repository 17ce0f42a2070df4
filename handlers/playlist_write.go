package handlers

import (
	"errors"
	"net/http"
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/social"
	"github.com/euterpe-dev/euterpe/spotify"
)

// playlistNotices are what ?permission= and ?playlist= say on the pages
// whose forms write playlists; nothing else from the address reaches them.
var playlistNotices = map[string]string{
	"permission=granted": "Spotify now lets Euterpe make playlists for you. Press the button again to make it.",
	"permission=denied":  "Spotify did not give Euterpe permission to make playlists, so nothing was made.",
	"playlist=empty":     "There was nothing to put in the playlist: no songs Spotify knows in this range.",
	"playlist=failed":    "Spotify did not make the playlist just now. Please try again in a moment.",
	"playlist=pending":   "That playlist is still being made: it appears below in a moment.",
	"playlist=partial":   "Spotify made the playlist but did not take its songs: the empty playlist is in your account.",
}

// playlistNotice is the notice r's query asks for, if any.
func playlistNotice(r *http.Request) string {
	q := r.URL.Query()
	for _, key := range []string{"permission", "playlist"} {
		if n, ok := playlistNotices[key+"="+q.Get(key)]; ok {
			return n
		}
	}
	return ""
}

// playlistAllowed reports whether the user's grant lets Euterpe write
// playlists. When it does not, the browser has been sent to Spotify to add
// that one scope to those the grant has — the first time someone asks for
// a playlist, and only them — coming back to back.
func (h *handler) playlistAllowed(w http.ResponseWriter, r *http.Request, back string) bool {
	scopes, err := h.auth.GrantedScopes(r.Context(), principalFrom(r.Context()).UserID)
	if err != nil {
		h.fail(w, r, "playlists: read scopes", err)
		return false
	}
	if slices.Contains(scopes, auth.ScopePlaylistModifyPrivate) {
		return true
	}
	h.askPlaylistScope(w, r, scopes, back)
	return false
}

func (h *handler) askPlaylistScope(w http.ResponseWriter, r *http.Request, granted []string, back string) {
	h.beginAuthorization(w, r, auth.Authorization{
		ExtraScopes: append(slices.Clone(granted), auth.ScopePlaylistModifyPrivate),
		ReturnTo:    withQuery(back, "permission", "granted"),
	})
}

// writePlaylist writes req to the user's Spotify account and shows it on
// /playlists; a failure goes back to back, which says what happened.
func (h *handler) writePlaylist(w http.ResponseWriter, r *http.Request, k *socialKit, req social.PlaylistRequest, back string) {
	p := principalFrom(r.Context())
	made, again, err := k.playlists.Make(r.Context(), p.UserID, h.auth.Client(p), req)
	var fe *social.FormError
	switch {
	case errors.As(err, &fe):
		h.badRequest(w, r, "The form was incomplete: reload the page and try again.")
	case errors.Is(err, social.ErrNoTracks):
		http.Redirect(w, r, withQuery(back, "playlist", "empty"), http.StatusSeeOther)
	case errors.Is(err, auth.ErrLoginRequired):
		h.loginRequired(w, r)
	case spotify.InsufficientScope(err):
		// The stored grant said yes and Spotify says no: ask again.
		scopes, serr := h.auth.GrantedScopes(r.Context(), p.UserID)
		if serr != nil {
			h.fail(w, r, "playlists: read scopes", serr)
			return
		}
		h.askPlaylistScope(w, r, scopes, back)
	case errors.Is(err, social.ErrItemsRefused):
		h.log.WarnContext(r.Context(), "playlists: Spotify refused the songs", requestAttrs(r), "err", err)
		h.playlistsChanged(p.UserID.String())
		http.Redirect(w, r, "/playlists?playlist=partial&made="+made.ID.String(), http.StatusSeeOther)
	case err != nil:
		h.log.WarnContext(r.Context(), "playlists: not made", requestAttrs(r), "err", err)
		http.Redirect(w, r, withQuery(back, "playlist", "failed"), http.StatusSeeOther)
	case again && made.Pending():
		http.Redirect(w, r, "/playlists?playlist=pending", http.StatusSeeOther)
	default:
		h.playlistsChanged(p.UserID.String())
		http.Redirect(w, r, "/playlists?made="+made.ID.String(), http.StatusSeeOther)
	}
}

// spotifyIDs keeps the ids of tracks Spotify can put in a playlist.
func spotifyIDs(tracks []spotify.Track) []string {
	var out []string
	for _, t := range tracks {
		if t.ID != "" && !t.IsLocal {
			out = append(out, t.ID)
		}
	}
	return out
}

// playlistName bounds a name for Spotify and the table (200 characters).
func playlistName(s string) string {
	r := []rune(s)
	if len(r) > 100 {
		return string(r[:99]) + "…"
	}
	return s
}

// lowerInitial lower-cases a label's first letter, to go inside a sentence.
func lowerInitial(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}
