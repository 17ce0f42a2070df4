package spotify

import (
	"net/url"
	"slices"
)

// ImageURL picks the image to show at want pixels wide: the one exactly that
// wide when Spotify has it (album covers come at 640, 300 and 64), else the
// largest (widest, then tallest), so that the browser scales down rather than
// up. Images without a URL are skipped; an unknown size counts as 0, and among
// equals the first wins, since Spotify lists images widest first. "" when there is
// nothing to show.
func ImageURL(images []Image, want int) string {
	best, bestW, bestH := -1, -1, -1
	for i, img := range images {
		if img.URL == "" {
			continue
		}
		w, h := size(img.Width), size(img.Height)
		if img.Width != nil && w == want {
			return img.URL
		}
		if w > bestW || (w == bestW && h > bestH) {
			best, bestW, bestH = i, w, h
		}
	}
	if best < 0 {
		return ""
	}
	return images[best].URL
}

func size(p *int) int {
	if p == nil || *p < 0 {
		return 0
	}
	return *p
}

// imageHosts are the hosts Spotify serves pictures from: covers and artist
// pictures (i.scdn.co), playlist mosaics and the covers of its own mixes.
var imageHosts = []string{
	"i.scdn.co",
	"mosaic.scdn.co",
	"image-cdn-ak.spotifycdn.com",
	"image-cdn-fa.spotifycdn.com",
	"thisis-images.spotifycdn.com",
	"seed-mix-image.spotifycdn.com",
}

// ImageURLs tells a picture's URL from Spotify's image hosts from any other:
// a URL that reaches the shared catalogue from anywhere but Spotify's API
// (a user's upload) is kept only when it is one of Spotify's. The zero value
// accepts Spotify's hosts over https only.
type ImageURLs struct {
	// origin is one more scheme://host[:port] accepted: the simulator's,
	// which serves its pictures from the address of its API.
	origin string
}

// NewImageURLs accepts Spotify's image hosts and, when apiURL is not
// Spotify's own API (the app talks to the simulator), the origin of apiURL.
func NewImageURLs(apiURL, defaultAPIURL string) ImageURLs {
	if apiURL == "" || apiURL == defaultAPIURL {
		return ImageURLs{}
	}
	u, err := url.Parse(apiURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ImageURLs{}
	}
	return ImageURLs{origin: u.Scheme + "://" + u.Host}
}

// Allowed reports whether raw is a picture on one of the hosts accepted: an
// absolute https URL on one of Spotify's image hosts (no user name, no
// port), or on the extra origin.
func (a ImageURLs) Allowed(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.User != nil || u.Host == "" || u.Opaque != "" {
		return false
	}
	if a.origin != "" && u.Scheme+"://"+u.Host == a.origin {
		return true
	}
	return u.Scheme == "https" && u.Port() == "" && slices.Contains(imageHosts, u.Host)
}
