package spotifysim

import (
	"crypto/sha256"
	"fmt"
	"html"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Images stand in for Spotify's CDN (i.scdn.co): every album, artist,
// playlist and profile picture is an SVG generated from the object's id and
// name, so the demo looks like a real library with no internet access. They
// never change for a given id, so browsers may cache them for good.

var imageSizes = map[string][]int{
	"album":    albumSizes,
	"artist":   artistSizes,
	"playlist": {640},
	"user":     userSizes,
}

// image is GET /image/{kind}/{id}/{size}.
func (s *Server) image(w http.ResponseWriter, r *http.Request) {
	kind, id := r.PathValue("kind"), r.PathValue("id")
	size, err := strconv.Atoi(r.PathValue("size"))
	if err != nil || !slices.Contains(imageSizes[kind], size) {
		http.NotFound(w, r)
		return
	}
	title, subtitle, ok := s.imageSubject(kind, id)
	if !ok {
		http.NotFound(w, r)
		return
	}
	etag := `"` + kind + "-" + id + "-" + strconv.Itoa(size) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "image/svg+xml")
	// An SVG opened directly must not run anything, whatever ends up in a
	// (user-chosen) playlist name.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(renderSVG(kind, id, size, title, subtitle))
}

func (s *Server) imageSubject(kind, id string) (title, subtitle string, ok bool) {
	switch kind {
	case "album":
		if al := s.cat.albumByID[id]; al != nil {
			return al.name, al.artists[0].name, true
		}
	case "artist":
		if a := s.cat.artistByID[id]; a != nil {
			return a.name, "", true
		}
	case "user":
		if l := s.cat.listenerByID[id]; l != nil {
			return l.displayName, "", true
		}
	case "playlist":
		s.mu.RLock()
		defer s.mu.RUnlock()
		if p := s.cat.playlists[id]; p != nil {
			return p.name, p.owner.displayName, true
		}
	}
	return "", "", false
}

func initials(name string) string {
	var out []rune
	for _, w := range strings.Fields(name) {
		for _, r := range w {
			out = append(out, r)
			break
		}
		if len(out) == 2 {
			break
		}
	}
	return strings.ToUpper(string(out))
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// renderSVG draws a deterministic picture: colours and pattern come from a
// hash of kind and id, the text from the object's name.
func renderSVG(kind, id string, size int, title, subtitle string) []byte {
	h := sha256.Sum256([]byte(kind + "/" + id))
	hue1 := int(h[0]) * 360 / 256
	hue2 := (hue1 + 40 + int(h[1])%120) % 360
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 640 640">`, size, size)
	fmt.Fprintf(&b, `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="%s"/><stop offset="1" stop-color="%s"/></linearGradient></defs>`, hslHex(hue1, 0.65, 0.55), hslHex(hue2, 0.6, 0.25))
	// A solid base first, for renderers without gradient support.
	fmt.Fprintf(&b, `<rect width="640" height="640" fill="%s"/>`, hslHex(hue1, 0.55, 0.4))
	b.WriteString(`<rect width="640" height="640" fill="url(#g)"/>`)
	switch kind {
	case "artist":
		// A stylised portrait.
		fmt.Fprintf(&b, `<circle cx="320" cy="250" r="120" fill="%s" opacity=".85"/>`, hslHex(hue2, 0.3, 0.85))
		fmt.Fprintf(&b, `<path d="M100 640 C120 440 520 440 540 640 Z" fill="%s" opacity=".85"/>`, hslHex(hue2, 0.3, 0.85))
	case "user":
		fmt.Fprintf(&b, `<text x="320" y="390" font-family="sans-serif" font-size="220" font-weight="700" text-anchor="middle" fill="#fff">%s</text>`, html.EscapeString(initials(title)))
	default:
		switch h[2] % 4 {
		case 0:
			for i := range 6 {
				fmt.Fprintf(&b, `<circle cx="%d" cy="%d" r="%d" fill="none" stroke="#fff" stroke-opacity=".%d" stroke-width="%d"/>`,
					200+int(h[3])%240, 200+int(h[4])%200, 40+i*45, 2+i, 4+int(h[5+i])%18)
			}
		case 1:
			for i := range 8 {
				fmt.Fprintf(&b, `<rect x="0" y="%d" width="640" height="%d" fill="%s" opacity=".%d"/>`,
					i*80, 10+int(h[3+i])%60, hslHex((hue1+i*25)%360, 0.7, 0.6), 2+i%6)
			}
		case 2:
			for i := range 5 {
				fmt.Fprintf(&b, `<circle cx="%d" cy="%d" r="%d" fill="%s" opacity=".35"/>`,
					int(h[3+i])*640/256, int(h[8+i])*640/256, 60+int(h[13+i])%140, hslHex((hue2+i*30)%360, 0.8, 0.65))
			}
		default:
			for i := range 4 {
				fmt.Fprintf(&b, `<polygon points="%d,%d %d,%d %d,%d" fill="#fff" opacity=".%d"/>`,
					int(h[3+i])*640/256, int(h[7+i])*640/256, int(h[11+i])*640/256, int(h[15+i])*640/256,
					int(h[19+i])*640/256, int(h[23+i])*640/256, 1+i*2)
			}
		}
		fmt.Fprintf(&b, `<text x="40" y="560" font-family="sans-serif" font-size="44" font-weight="700" fill="#fff">%s</text>`, html.EscapeString(clip(title, 24)))
		if subtitle != "" {
			fmt.Fprintf(&b, `<text x="40" y="606" font-family="sans-serif" font-size="30" fill="#fff" opacity=".8">%s</text>`, html.EscapeString(clip(subtitle, 32)))
		}
	}
	b.WriteString(`</svg>`)
	return []byte(b.String())
}

// hslHex converts a colour to #rrggbb: every SVG renderer understands hex,
// not all understand hsl().
func hslHex(h int, s, l float64) string {
	c := (1 - math.Abs(2*l-1)) * s
	x := c * (1 - math.Abs(math.Mod(float64(h)/60, 2)-1))
	m := l - c/2
	var r, g, b float64
	switch {
	case h < 60:
		r, g, b = c, x, 0
	case h < 120:
		r, g, b = x, c, 0
	case h < 180:
		r, g, b = 0, c, x
	case h < 240:
		r, g, b = 0, x, c
	case h < 300:
		r, g, b = x, 0, c
	default:
		r, g, b = c, 0, x
	}
	return fmt.Sprintf("#%02x%02x%02x", int((r+m)*255+0.5), int((g+m)*255+0.5), int((b+m)*255+0.5))
}
