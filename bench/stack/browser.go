package stack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"sync"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/euterpe-dev/euterpe/spotify/spotifysim"
)

// SessionCookie is the app's session cookie over plain http.
const SessionCookie = "euterpe_session"

// Listeners are the simulator's demo listeners.
var Listeners = []string{"ines", "walt", "kiko", "amara", "dex"}

// Browser is one signed-in user: a cookie jar and the session id in it.
type Browser struct {
	Client   *http.Client
	AppURL   string
	Listener string
	Session  string
}

// NewTransport is a keep-alive transport for conns concurrent requests to
// one host, like a browser's or a load generator's.
func NewTransport(conns int) *http.Transport {
	return &http.Transport{
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
}

// BrowserConns is how many connections a browser opens to one host over
// HTTP/1.1.
const BrowserConns = 6

// Login signs listener in as a person would: /login, the simulator's consent
// page, accept, the app's callback, the dashboard. Like a browser, the
// returned client uses at most BrowserConns connections.
func Login(ctx context.Context, appURL, listener string) (*Browser, error) {
	return LoginWith(ctx, appURL, listener, BrowserConns)
}

// LoginWith is Login with a client of conns connections (HTTP/2 would
// multiplex every panel at once).
func LoginWith(ctx context.Context, appURL, listener string, conns int) (*Browser, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Transport: NewTransport(conns), Timeout: 30 * time.Second}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, appURL+"/login", nil)
	page, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("stack: login %s: %w", listener, err)
	}
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	if page.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("stack: login %s: consent page answered %d: %.300s", listener, page.StatusCode, body)
	}
	res, err := spotifysim.Consent(ctx, c, page.Request.URL, listener, "accept")
	if err != nil {
		return nil, fmt.Errorf("stack: login %s: %w", listener, err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/" {
		return nil, fmt.Errorf("stack: login %s ended at %s with %d: %.300s", listener, res.Request.URL, res.StatusCode, body)
	}
	u, _ := url.Parse(appURL)
	b := &Browser{Client: c, AppURL: appURL, Listener: listener}
	for _, ck := range jar.Cookies(u) {
		if ck.Name == SessionCookie {
			b.Session = ck.Value
		}
	}
	if b.Session == "" {
		return nil, fmt.Errorf("stack: login %s: no %s cookie", listener, SessionCookie)
	}
	return b, nil
}

// SignedIn is a browser holding a session made without the login flow
// (the bench's history listener has no Spotify account to log in with).
func SignedIn(appURL, listener, session string, conns int) *Browser {
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(appURL)
	jar.SetCookies(u, []*http.Cookie{{Name: SessionCookie, Value: session, Path: "/"}})
	c := &http.Client{Jar: jar, Transport: NewTransport(conns), Timeout: 30 * time.Second}
	return &Browser{Client: c, AppURL: appURL, Listener: listener, Session: session}
}

// Logout ends the session (and so empties the user's Spotify cache).
func (b *Browser) Logout(ctx context.Context) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, b.AppURL+"/logout", nil)
	c := *b.Client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("stack: logout %s: %d", b.Listener, res.StatusCode)
	}
	return nil
}

// Response is one answer, read to the end.
type Response struct {
	URL     string
	Status  int
	Header  http.Header
	Body    []byte
	Elapsed time.Duration
	Err     error
}

// Get fetches path (relative to the app); htmx marks it as an HTMX request.
func (b *Browser) Get(ctx context.Context, path string, htmx bool) Response {
	h := http.Header{}
	if htmx {
		h.Set("HX-Request", "true")
	}
	return b.GetWith(ctx, path, h)
}

// GetWith fetches path with extra request headers (X-Request-Id, to find
// the request in the app's access log).
func (b *Browser) GetWith(ctx context.Context, path string, header http.Header) Response {
	start := time.Now()
	r := Response{URL: path}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.AppURL+path, nil)
	if err != nil {
		r.Err = err
		return r
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := b.Client.Do(req)
	if err != nil {
		r.Err, r.Elapsed = err, time.Since(start)
		return r
	}
	r.Body, r.Err = io.ReadAll(res.Body)
	res.Body.Close()
	r.Status, r.Header, r.Elapsed = res.StatusCode, res.Header, time.Since(start)
	return r
}

// Dashboard is one full dashboard view: the page and every panel it loads.
type Dashboard struct {
	Page    Response
	Panels  []Response
	Elapsed time.Duration
}

// Err is the first failure among the page and the panels.
func (d Dashboard) Err() error {
	var errs []error
	for _, r := range append([]Response{d.Page}, d.Panels...) {
		switch {
		case r.Err != nil:
			errs = append(errs, fmt.Errorf("%s: %w", r.URL, r.Err))
		case r.Status != http.StatusOK:
			errs = append(errs, fmt.Errorf("%s: status %d", r.URL, r.Status))
		case bytes.Contains(r.Body, []byte("panel--error")):
			errs = append(errs, fmt.Errorf("%s: the panel shows its error state", r.URL))
		}
	}
	return errors.Join(errs...)
}

// PanelURLs are the hx-get targets on a page, in document order.
func PanelURLs(page []byte) ([]string, error) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
	if err != nil {
		return nil, err
	}
	var urls []string
	doc.Find("[hx-get][hx-trigger=load]").Each(func(_ int, s *goquery.Selection) {
		u, _ := s.Attr("hx-get")
		urls = append(urls, u)
	})
	return urls, nil
}

// ViewDashboard loads the dashboard as a browser does: GET /, then every
// panel the page asks for, in parallel over the browser's connections.
func (b *Browser) ViewDashboard(ctx context.Context) (Dashboard, error) {
	return b.ViewPage(ctx, "/")
}

// ViewPage loads a page of panels (the dashboard, History) as a browser
// does: the page, then every panel it asks for, in parallel over the
// browser's connections.
func (b *Browser) ViewPage(ctx context.Context, path string) (Dashboard, error) {
	start := time.Now()
	d := Dashboard{Page: b.Get(ctx, path, false)}
	if d.Page.Err != nil || d.Page.Status != http.StatusOK {
		return d, fmt.Errorf("stack: page %s: %d %v", path, d.Page.Status, d.Page.Err)
	}
	urls, err := PanelURLs(d.Page.Body)
	if err != nil {
		return d, err
	}
	if len(urls) == 0 {
		return d, fmt.Errorf("stack: the page %s loads no panels: %.300s", path, d.Page.Body)
	}
	d.Panels = make([]Response, len(urls))
	var wg sync.WaitGroup
	for i, u := range urls {
		wg.Go(func() { d.Panels[i] = b.Get(ctx, u, true) })
	}
	wg.Wait()
	d.Elapsed = time.Since(start)
	return d, d.Err()
}
