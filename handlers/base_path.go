package handlers

import (
	"net/http"
	"strings"

	"github.com/euterpe-dev/euterpe/views"
)

// underBase serves the route tree under base (config.BasePath), behind a
// reverse proxy that passes the path on as it came (/euterpe/history): a
// request there reaches the route of /history, every page it renders links
// under base (views.At), and every redirect the tree answers with an app
// path (Location, HX-Redirect) is moved under base here, in one place.
// Anything outside base is not Euterpe's: 404. At a host's root (base "")
// the tree is served as it is.
func underBase(base string, tree http.Handler) http.Handler {
	if base == "" {
		return tree
	}
	stripped := http.StripPrefix(base, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tree.ServeHTTP(&baseWriter{ResponseWriter: w, base: base}, r.WithContext(views.WithBase(r.Context(), base)))
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case p == base:
			target := base + "/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusPermanentRedirect)
		case strings.HasPrefix(p, base+"/"):
			stripped.ServeHTTP(w, r)
		default:
			http.Error(w, "Not found: Euterpe is at "+base+"/", http.StatusNotFound)
		}
	})
}

// redirectHeaders are the headers that name where the browser goes next.
var redirectHeaders = []string{"Location", "HX-Redirect", "HX-Location"}

// baseWriter moves the app paths of redirectHeaders under base as the
// response's header is written.
type baseWriter struct {
	http.ResponseWriter
	base    string
	written bool
}

func (b *baseWriter) moveRedirects() {
	if b.written {
		return
	}
	b.written = true
	h := b.Header()
	for _, k := range redirectHeaders {
		if v := h.Get(k); v != "" {
			h.Set(k, views.AtBase(b.base, v))
		}
	}
}

func (b *baseWriter) WriteHeader(code int) {
	b.moveRedirects()
	b.ResponseWriter.WriteHeader(code)
}

func (b *baseWriter) Write(p []byte) (int, error) {
	b.moveRedirects()
	return b.ResponseWriter.Write(p)
}

// Flush keeps streamed answers (downloads) streaming.
func (b *baseWriter) Flush() {
	b.moveRedirects()
	if f, ok := b.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection (write
// deadlines of long downloads).
func (b *baseWriter) Unwrap() http.ResponseWriter { return b.ResponseWriter }
