package metrics

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
)

func TestEndpoint(t *testing.T) {
	for path, want := range map[string]string{
		"/v1/me/top/tracks":                                                 "/v1/me/top/tracks",
		"/v1/playlists/37i9dQZF1DXcBWIGoYBM5M/items":                        "/v1/playlists/{id}/items",
		"/v1/artists/0TnOYISbd1XYRBk9myaseg":                                "/v1/artists/{id}",
		"/v1/playlists/37i9dQZF1DXcBWIGoYBM5M/items/37i9dQZF1DXcBWIGoYBM5M": "/v1/playlists/{id}/items/{id}",
		"/v1/me/player/recently-played":                                     "/v1/me/player/recently-played",
		"/v1/users/spotifyuser_with_a_long_name_here/playlists":             "/v1/users/spotifyuser_with_a_long_name_here/playlists",
	} {
		if got := Endpoint(path); got != want {
			t.Errorf("Endpoint(%q) = %q, want %q", path, got, want)
		}
	}
}

// TestHTTPLabelsAreBounded: whatever methods and paths arrive, the request
// series are those of the tree's routes and HTTP's methods, plus
// "unmatched" and "OTHER".
func TestHTTPLabelsAreBounded(t *testing.T) {
	m := New(Sources{})
	r := chi.NewRouter()
	r.Use(m.HTTP(r))
	ok := func(w http.ResponseWriter, _ *http.Request) {}
	r.Get("/", ok)
	r.Get("/a/{id}", ok)
	r.Route("/b", func(r chi.Router) {
		r.Get("/", ok)
		r.Post("/c/{x}", ok)
	})
	r.Handle("/static/*", http.HandlerFunc(ok))
	serve := func(method, path string) {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Method = method
		r.ServeHTTP(httptest.NewRecorder(), req)
	}
	for _, c := range []struct{ method, path, route string }{
		{"GET", "/", "/"},
		{"GET", "/a/1", "/a/{id}"},
		{"GET", "/b", "/b"},
		{"POST", "/b/c/y", "/b/c/{x}"},
		{"GET", "/static/app.css", "/static/*"},
		{"GET", "/nope/nope", Unmatched},
		{"DELETE", "/a/1", ""}, // 405: the pattern, if chi names one, is the tree's
	} {
		serve(c.method, c.path)
		if c.route == "" {
			continue
		}
		if n := requests(t, m, c.route, c.method); n != 1 {
			t.Errorf("%s %s counted %v times as route %q", c.method, c.path, n, c.route)
		}
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	token := func(n int) string {
		const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~"
		b := make([]byte, n)
		for i := range b {
			b[i] = chars[rnd.IntN(len(chars))]
		}
		return string(b)
	}
	random := func() {
		serve(token(1+rnd.IntN(16)), "/"+url.PathEscape(token(1+rnd.IntN(16)))+"/"+url.PathEscape(token(8)))
	}
	random()
	before := httpSeries(t, m)
	for range 10_000 {
		random()
	}
	if after := httpSeries(t, m); after != before {
		t.Errorf("10,000 random methods and paths: %d request series, before them %d", after, before)
	}
	mfs, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if !strings.HasPrefix(mf.GetName(), "euterpe_http_") {
			continue
		}
		for _, s := range mf.GetMetric() {
			for _, l := range s.GetLabel() {
				switch v := l.GetValue(); l.GetName() {
				case "method":
					if Method(v) != v {
						t.Errorf("method label %q", v)
					}
				case "route":
					if !slices.Contains([]string{"/", "/a/{id}", "/b", "/b/c/{x}", "/static/*", Unmatched}, v) {
						t.Errorf("route label %q", v)
					}
				}
			}
		}
	}
}

// httpSeries counts the request series in the registry.
func httpSeries(t *testing.T, m *Metrics) int {
	t.Helper()
	mfs, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, mf := range mfs {
		if strings.HasPrefix(mf.GetName(), "euterpe_http_") {
			n += len(mf.GetMetric())
		}
	}
	return n
}

// requests is how many requests the registry counted for route and method.
func requests(t *testing.T, m *Metrics, route, method string) float64 {
	t.Helper()
	mfs, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	n := 0.0
	for _, mf := range mfs {
		if mf.GetName() != "euterpe_http_requests_total" {
			continue
		}
		for _, s := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range s.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["route"] == route && labels["method"] == method {
				n += s.GetCounter().GetValue()
			}
		}
	}
	return n
}
