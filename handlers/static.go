package handlers

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/views"
)

// staticFiles serves the embedded assets. Pages link them with a content
// hash (views.AssetURL), so the URL of this build's version may be cached
// for a year. The files are read and gzipped once, when the router is
// built, at the best compression: the server never compresses them again.
func staticFiles() http.Handler {
	files := map[string]*fixedBody{}
	err := fs.WalkDir(views.Static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := views.Static.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		files[name] = newFixedBody(contentTypeOf(name), b)
		return nil
	})
	if err != nil {
		panic(err) // the embedded files are in the binary: they can always be read
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		f, ok := files[name]
		if !ok {
			http.NotFound(w, r) // nor directory listings
			return
		}
		switch v, versioned := r.URL.Query()["v"]; {
		case versioned && len(v) == 1 && views.AssetURL(name) == "/static/"+name+"?v="+v[0]:
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		case versioned:
			// Another build's hash (a page from before a deploy): this
			// build's file, which must not be kept under that URL.
			w.Header().Set("Cache-Control", "no-cache")
		default:
			w.Header().Set("Cache-Control", "public, max-age=3600")
		}
		f.ServeHTTP(w, r)
	})
}

// contentTypes are the static files' types, fixed here rather than read
// from the system's MIME tables, which differ between machines.
var contentTypes = map[string]string{
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".md":          "text/markdown; charset=utf-8",
	".json":        "application/json",
	".webmanifest": "application/manifest+json",
}

func contentTypeOf(name string) string {
	ext := path.Ext(name)
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// fixedBody is a response body that does not change while the process
// runs (a static file, the manifest, the service worker), kept as it is and
// gzipped, with an ETag for each so browsers can revalidate for free.
type fixedBody struct {
	contentType string
	raw, gz     []byte
	etag        string // of raw; the gzipped body's has a suffix
}

func newFixedBody(contentType string, raw []byte) *fixedBody {
	sum := sha256.Sum256(raw)
	f := &fixedBody{contentType: contentType, raw: raw, etag: hex.EncodeToString(sum[:8])}
	if compressible(contentType) {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // a valid level: no error
		_, _ = zw.Write(raw)                                     // a bytes.Buffer does not fail
		_ = zw.Close()
		if buf.Len() < len(raw) {
			f.gz = buf.Bytes()
		}
	}
	return f
}

// ServeHTTP answers GET and HEAD, with conditional and range requests, in
// gzip when the client takes it. The Cache-Control is the caller's.
func (f *fixedBody) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	body, etag := f.raw, f.etag
	if f.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header) {
			body, etag = f.gz, f.etag+"-gzip"
			// The compress middleware leaves an encoded answer alone.
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", strconv.Quote(etag))
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reads Accept-Encoding as RFC 9110 (12.5.3) says: gzip or
// x-gzip or * with a weight above zero, and no gzip;q=0 overriding *.
func acceptsGzip(h http.Header) bool {
	star, gzip := false, 0 // gzip: 0 not named, 1 accepted, -1 refused
	for _, line := range h.Values("Accept-Encoding") {
		for item := range strings.SplitSeq(line, ",") {
			coding, params, _ := strings.Cut(item, ";")
			coding = strings.ToLower(strings.TrimSpace(coding))
			ok := true
			for p := range strings.SplitSeq(params, ";") {
				k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
				if strings.EqualFold(strings.TrimSpace(k), "q") {
					q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
					ok = err == nil && q > 0
				}
			}
			switch coding {
			case "gzip", "x-gzip":
				if ok {
					gzip = 1
				} else {
					gzip = -1
				}
			case "*":
				star = ok
			}
		}
	}
	return gzip == 1 || (gzip == 0 && star)
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
