package handlers

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/euterpe-dev/euterpe/views"
)

// rawClient is a browser (its cookies are jar's) without the transport's
// own gzip handling, so a test sees the bytes the server sent.
func rawClient(t testing.TB, jar http.CookieJar) *http.Client {
	tr := &http.Transport{DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second, Transport: tr}
}

// rawGet fetches u with the Accept-Encoding given (none when empty).
func rawGet(t testing.TB, c *http.Client, u, acceptEncoding string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

func gunzip(t testing.TB, what string, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: not gzip: %v", what, err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: broken gzip: %v", what, err)
	}
	return out
}

func hasVary(res *http.Response, v string) bool {
	for _, line := range res.Header.Values("Vary") {
		for f := range strings.SplitSeq(line, ",") {
			if strings.EqualFold(strings.TrimSpace(f), v) {
				return true
			}
		}
	}
	return false
}

// Every kind of text Euterpe sends — pages, htmx fragments, JSON, CSS, JS,
// SVG, the manifest, the service worker — is gzipped for a client that
// accepts it, and the same bytes as before once unzipped; PNGs and clients
// that do not accept gzip get the bytes as they are.
func TestTextAnswersAreGzipped(t *testing.T) {
	e := newEnv(t, envOptions{})
	signedIn := e.login(t, "ines")
	page := doc(t, mustGet(t, signedIn, e.appURL+"/"))
	c := rawClient(t, signedIn.Jar)
	asset := func(sel, attrName string) string {
		v, ok := page.Find(sel).Attr(attrName)
		if !ok {
			t.Fatalf("the dashboard has no %s", sel)
		}
		return v
	}
	cases := []struct {
		path, contentType string
		header            []string
		// same: the answer does not change between two requests, so the
		// unzipped body must equal the plain one byte for byte.
		same bool
	}{
		{"/", "text/html", nil, false},
		{"/panels/top-songs?range=short_term", "text/html", []string{"HX-Request", "true"}, true},
		{"/top_songs?time_range=short_term", "application/json", []string{"Accept", "application/json"}, true},
		{"/history.json", "application/json", []string{"Accept", "application/json"}, false},
		{asset(`link[rel="stylesheet"]`, "href"), "text/css", nil, true},
		{asset(`script[src^="/static/htmx"]`, "src"), "text/javascript", nil, true},
		{asset(`script[src^="/static/app.js"]`, "src"), "text/javascript", nil, true},
		{asset(`link[rel="icon"]`, "href"), "image/svg+xml", nil, true},
		{"/manifest.webmanifest", "application/manifest+json", nil, true},
		{"/sw.js", "text/javascript", nil, true},
		{"/offline", "text/html", nil, true},
		{"/health", "application/json", nil, false},
	}
	for _, tc := range cases {
		plainRes, plain := rawGet(t, c, e.appURL+tc.path, "", tc.header...)
		zipRes, zipped := rawGet(t, c, e.appURL+tc.path, "gzip, deflate, br, zstd", tc.header...)
		if plainRes.StatusCode != http.StatusOK || zipRes.StatusCode != http.StatusOK {
			t.Errorf("%s: %d and %d", tc.path, plainRes.StatusCode, zipRes.StatusCode)
			continue
		}
		if got := plainRes.Header.Get("Content-Encoding"); got != "" {
			t.Errorf("%s without Accept-Encoding: Content-Encoding %q", tc.path, got)
		}
		if got := zipRes.Header.Get("Content-Encoding"); got != "gzip" {
			t.Errorf("%s: Content-Encoding %q, want gzip", tc.path, got)
			continue
		}
		if !strings.HasPrefix(zipRes.Header.Get("Content-Type"), tc.contentType) {
			t.Errorf("%s: Content-Type %q, want %s", tc.path, zipRes.Header.Get("Content-Type"), tc.contentType)
		}
		// A cache must not hand the gzipped answer to a client that did
		// not ask for it. Pages, panels and JSON are never stored (no-store),
		// so only the gzipped answer needs saying it; the files a cache may
		// keep say it both ways.
		if !hasVary(zipRes, "Accept-Encoding") {
			t.Errorf("%s: no Vary: Accept-Encoding on the gzipped answer (%q)", tc.path, zipRes.Header.Values("Vary"))
		}
		if plainRes.Header.Get("Cache-Control") != "no-store" && tc.path != "/health" && !hasVary(plainRes, "Accept-Encoding") {
			t.Errorf("%s (%s): no Vary: Accept-Encoding on the plain answer", tc.path, plainRes.Header.Get("Cache-Control"))
		}
		unzipped := gunzip(t, tc.path, zipped)
		if tc.same && !bytes.Equal(unzipped, plain) {
			t.Errorf("%s: the gzipped answer unzips to %d bytes that differ from the plain %d", tc.path, len(unzipped), len(plain))
		}
		if len(plain) > 1000 && len(zipped) >= len(plain)/2 {
			t.Errorf("%s: gzip sent %d bytes for %d", tc.path, len(zipped), len(plain))
		}
		if tc.header != nil && tc.header[0] == "HX-Request" && !hasVary(zipRes, "HX-Request") {
			t.Errorf("%s: the htmx fragment lost its Vary: HX-Request", tc.path)
		}
		switch tc.path {
		case "/":
			if !bytes.Contains(unzipped, []byte("</html>")) || !bytes.Contains(unzipped, []byte("panel-top-songs")) {
				t.Errorf("the gzipped dashboard unzips to something else: %.200s", unzipped)
			}
		case "/health":
			var h healthJSON
			if err := json.Unmarshal(unzipped, &h); err != nil || h.Status != "healthy" {
				t.Errorf("/health gzipped: %v %+v", err, h)
			}
		}
	}

	// A PNG is compressed already.
	icon := views.AssetURL("icon-192.png")
	res, body := rawGet(t, c, e.appURL+icon, "gzip")
	if res.Header.Get("Content-Encoding") != "" || !bytes.HasPrefix(body, []byte("\x89PNG")) {
		t.Errorf("%s: Content-Encoding %q, body %q…", icon, res.Header.Get("Content-Encoding"), body[:min(8, len(body))])
	}
	// A client that refuses gzip does not get it, nor deflate instead.
	for _, ae := range []string{"gzip;q=0", "identity", "deflate", "br", "*;q=0", "gzip;q=0, *"} {
		for _, u := range []string{"/", views.AssetURL("app.css"), "/top_songs?time_range=short_term"} {
			if res, _ := rawGet(t, c, e.appURL+u, ae); res.Header.Get("Content-Encoding") != "" {
				t.Errorf("Accept-Encoding %q: %s came with Content-Encoding %q", ae, u, res.Header.Get("Content-Encoding"))
			}
		}
	}
}

func mustGet(t testing.TB, c *http.Client, u string) []byte {
	t.Helper()
	status, body, _ := get(t, c, u)
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d", u, status)
	}
	return body
}

func TestAcceptsGzip(t *testing.T) {
	for _, c := range []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"GZIP", true},
		{"x-gzip", true},
		{"gzip, deflate, br, zstd", true},
		{"br;q=1.0, gzip;q=0.8, *;q=0.1", true},
		{"gzip;q=0", false},
		{"gzip; q=0.000", false},
		{"*", true},
		{"*;q=0", false},
		{"gzip;q=0, *", false},
		{"identity", false},
		{"br, zstd", false},
		{"gzip;q=oops", false},
	} {
		h := http.Header{}
		if c.header != "" {
			h.Set("Accept-Encoding", c.header)
		}
		if got := acceptsGzip(h); got != c.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", c.header, got, c.want)
		}
	}
}

// Static files: this build's hash may be kept for a year; another build's
// hash gets this build's file, which must not be kept under that URL; a
// revalidation with the ETag is a 304 with no body.
func TestStaticFileCaching(t *testing.T) {
	h := staticFiles()
	serve := func(target string, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	css := views.AssetURL("app.css")
	for _, c := range []struct {
		target, cacheControl string
		status               int
	}{
		{css, "public, max-age=31536000, immutable", 200},
		{"/static/app.css?v=000000000000", "no-cache", 200},
		{"/static/app.css", "public, max-age=3600", 200},
		{views.AssetURL("icon-512.png"), "public, max-age=31536000, immutable", 200},
		{"/static/", "", 404},
		{"/static/nope.css", "", 404},
		{"/static/../layout.templ", "", 404},
	} {
		rec := serve(c.target)
		if rec.Code != c.status || rec.Header().Get("Cache-Control") != c.cacheControl {
			t.Errorf("%s: %d %q, want %d %q", c.target, rec.Code, rec.Header().Get("Cache-Control"), c.status, c.cacheControl)
		}
	}

	first := serve(css, "Accept-Encoding", "gzip")
	etag := first.Header().Get("ETag")
	if etag == "" || first.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("app.css: ETag %q, Content-Encoding %q", etag, first.Header().Get("Content-Encoding"))
	}
	plainETag := serve(css).Header().Get("ETag")
	if plainETag == etag {
		t.Errorf("the gzipped and the plain app.css share the ETag %s", etag)
	}
	again := serve(css, "Accept-Encoding", "gzip", "If-None-Match", etag)
	if again.Code != http.StatusNotModified || again.Body.Len() != 0 || again.Header().Get("Content-Encoding") != "" {
		t.Errorf("revalidating app.css: %d, %d bytes, Content-Encoding %q", again.Code, again.Body.Len(), again.Header().Get("Content-Encoding"))
	}
	head := httptest.NewRequest(http.MethodHead, css, nil)
	head.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, head)
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Errorf("HEAD app.css: %d with %d bytes", rec.Code, rec.Body.Len())
	}
	if !bytes.Equal(gunzip(t, "app.css", first.Body.Bytes()), mustRead(t, "static/app.css")) {
		t.Error("the gzipped app.css is not app.css")
	}
}

func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	b, err := views.Static.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A long answer that flushes as it goes reaches the client as it goes,
// compressed or not, and a stream of server-sent events is never
// compressed: the middleware holds nothing back.
func TestCompressionKeepsStreamsFlowing(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(compress()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", r.URL.Query().Get("type"))
		_, _ = io.WriteString(w, "first\n")
		http.NewResponseController(w).Flush()
		<-release
		_, _ = io.WriteString(w, "second\n")
	})))
	defer srv.Close()
	defer close(release)

	for _, c := range []struct {
		contentType, wantEncoding string
	}{
		{"text/html; charset=utf-8", "gzip"},
		{"text/event-stream", ""},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/?type="+url.QueryEscape(c.contentType), nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Header.Get("Content-Encoding"); got != c.wantEncoding {
			t.Errorf("%s: Content-Encoding %q, want %q", c.contentType, got, c.wantEncoding)
		}
		var body io.Reader = res.Body
		if c.wantEncoding == "gzip" {
			zr, err := gzip.NewReader(res.Body)
			if err != nil {
				t.Fatalf("%s: %v", c.contentType, err)
			}
			body = zr
		}
		// The handler is still blocked: the first line must be here already.
		line, err := bufio.NewReader(body).ReadString('\n')
		if err != nil || line != "first\n" {
			t.Errorf("%s: before the handler finished, read %q, %v", c.contentType, line, err)
		}
		res.Body.Close()
		cancel()
	}
}

// countingConn counts the bytes a client reads from the server.
type countingConn struct {
	net.Conn
	read *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.read.Add(int64(n))
	return n, err
}

// wireClient is a browser with jar's cookies that counts the bytes it
// receives, headers included, as they come off the socket.
func wireClient(t testing.TB, jar http.CookieJar) (*http.Client, *atomic.Int64) {
	var read atomic.Int64
	dialer := &net.Dialer{}
	tr := &http.Transport{
		DisableCompression: true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := dialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return countingConn{Conn: conn, read: &read}, nil
		},
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second, Transport: tr}, &read
}

// The cold dashboard — the page, what it links (stylesheet, scripts, icon,
// manifest) and every panel, as a browser with an empty cache loads them —
// over the wire, with and without gzip. The figures are logged; the test
// requires only that gzip sends less than half.
func TestColdDashboardBytesOnTheWire(t *testing.T) {
	e := newEnv(t, envOptions{})
	signedIn := e.login(t, "walt")
	page := doc(t, mustGet(t, signedIn, e.appURL+"/"))
	var links []string
	page.Find(`link[rel="stylesheet"], link[rel="icon"], link[rel="manifest"]`).Each(func(_ int, s *goquery.Selection) {
		links = append(links, s.AttrOr("href", ""))
	})
	page.Find("script[src]").Each(func(_ int, s *goquery.Selection) { links = append(links, s.AttrOr("src", "")) })
	var panels []string
	page.Find("section.panel[hx-get]").Each(func(_ int, s *goquery.Selection) { panels = append(panels, s.AttrOr("hx-get", "")) })
	if len(panels) < 10 || len(links) < 5 {
		t.Fatalf("the dashboard links %d panels and %d files: %q %q", len(panels), len(links), panels, links)
	}
	// Spotify's answers are cached after this, so both runs see the same
	// panels.
	for _, p := range panels {
		get(t, signedIn, e.appURL+p, "HX-Request", "true")
	}

	type figures struct{ page, files, panels int64 }
	measure := func(acceptEncoding string) figures {
		c, read := wireClient(t, signedIn.Jar)
		var f figures
		fetch := func(u string, into *int64, header ...string) {
			before := read.Load()
			res, _ := rawGet(t, c, e.appURL+u, acceptEncoding, header...)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", u, res.StatusCode)
			}
			if acceptEncoding != "" && res.Header.Get("Content-Encoding") != "gzip" {
				t.Errorf("%s (%s) was not gzipped", u, res.Header.Get("Content-Type"))
			}
			*into += read.Load() - before
		}
		fetch("/", &f.page)
		for _, u := range links {
			fetch(u, &f.files)
		}
		for _, p := range panels {
			fetch(p, &f.panels, "HX-Request", "true")
		}
		return f
	}
	plain, zipped := measure(""), measure("gzip, deflate, br, zstd")
	total := func(f figures) int64 { return f.page + f.files + f.panels }
	kB := func(n int64) string { return fmt.Sprintf("%.1f kB", float64(n)/1000) }
	t.Logf("cold dashboard over the wire, headers included (page, %d linked files, %d panels):", len(links), len(panels))
	t.Logf("  %-9s %9s %11s %10s %10s", "", "page", "css/js/svg", "panels", "total")
	for _, row := range []struct {
		name string
		f    figures
	}{{"identity", plain}, {"gzip", zipped}} {
		t.Logf("  %-9s %9s %11s %10s %10s", row.name, kB(row.f.page), kB(row.f.files), kB(row.f.panels), kB(total(row.f)))
	}
	t.Logf("  gzip sends %.0f %% of the bytes", 100*float64(total(zipped))/float64(total(plain)))
	if total(zipped)*2 > total(plain) {
		t.Errorf("gzip sent %d bytes for %d plain: less than half was expected", total(zipped), total(plain))
	}
}
