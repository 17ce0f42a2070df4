package handlers

import (
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/euterpe-dev/euterpe/imports"
)

// createDemoImport imports an export the simulated Spotify writes for the
// signed-in demo listener (demo mode only): the whole import flow without a
// real export at hand. format=extended (the default) is two years of
// extended streaming history; format=account a year of account data, whose
// tracks, named only by title and artist, the background search resolves.
func (h *handler) createDemoImport(w http.ResponseWriter, r *http.Request) {
	if h.demoSimURL == "" {
		h.render.errorPage(w, r, errNotFound)
		return
	}
	p := principalFrom(r.Context())
	q := url.Values{"listener": {p.SpotifyUserID}, "format": {"extended"}, "years": {"2"}}
	if r.PostFormValue("format") == "account" {
		q = url.Values{"listener": {p.SpotifyUserID}, "format": {"account"}, "years": {"1"}}
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, h.demoSimURL+"/_sim/export?"+q.Encode(), nil)
	if err != nil {
		h.fail(w, r, "demo export", err)
		return
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.fail(w, r, "demo export", err)
		return
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		h.fail(w, r, "demo export", fmt.Errorf("the simulator answered %d", res.StatusCode))
		return
	}
	sent := false
	h.startImport(w, r, func() (imports.UploadFile, error) {
		if sent {
			return imports.UploadFile{}, io.EOF
		}
		sent = true
		return imports.UploadFile{Name: "my_spotify_data.zip (demo)", Body: res.Body}, nil
	})
}
