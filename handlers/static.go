package handlers

import (
	"io/fs"
	"net/http"
	"net/url"
	"strings"

	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/views"
)

// staticFiles serves the embedded assets. Pages link them with a content
// hash (views.AssetURL), so a versioned URL may be cached for a year.
func staticFiles() http.Handler {
	sub, err := fs.Sub(views.Static, "static")
	if err != nil {
		panic(err) // the embed directive guarantees the directory
	}
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r) // no directory listings
			return
		}
		if r.URL.Query().Has("v") {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "public, max-age=3600")
		}
		files.ServeHTTP(w, r)
	})
}

// imageOrigins are where album art may load from: Spotify's image CDNs, or
// the simulator when the app talks to one.
func imageOrigins(c config.Config) []string {
	origins := []string{"https://i.scdn.co", "https://mosaic.scdn.co", "https://*.spotifycdn.com"}
	if c.Spotify.APIURL != config.DefaultAPIURL {
		if o := originOf(c.Spotify.APIURL); o != "" {
			origins = append(origins, o)
		}
	}
	return origins
}

// originOf returns scheme://host[:port] of an absolute URL, or "".
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
