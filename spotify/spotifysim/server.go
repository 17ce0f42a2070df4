package spotifysim

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/euterpe-dev/euterpe/clock"
)

// Listener is one demo account a user can sign in as on the consent page.
type Listener struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
	// Taste is a one-line description of what the listener plays, shown on
	// the consent page so that a demo user can pick an interesting account.
	Taste string `json:"taste"`
}

// Server is the simulated Spotify. It is an http.Handler; all of its state
// lives here, behind mutexes, so any number of servers can run side by side
// in one test binary.
type Server struct {
	cfg Config
	dev bool
	cat *catalog
	mux *http.ServeMux

	// clockNow is the configured clock; offset (nanoseconds) is how far the
	// control API has advanced the simulator past it. now() is their sum.
	clockNow func() time.Time
	offset   atomic.Int64

	// days holds generated listening history (history.go).
	days *dayCache
	// topLists holds the top lists of recent days (toplists.go).
	topLists topCache
	// log is the most recent Spotify requests, for GET /_sim/log.
	log requestLog

	// mu guards the mutable parts of the catalog: playlists and libraries.
	mu sync.RWMutex

	// authMu guards the accounts service's codes, grants and tokens.
	authMu  sync.RWMutex
	codes   map[string]*authCode
	grants  map[string]*grant
	access  map[string]*accessToken
	refresh map[string]*refreshToken

	faultMu sync.Mutex
	faults  []*fault
	// activeFaults mirrors len(faults) so that the hot path skips the
	// mutex when no fault is set, which is almost always.
	activeFaults atomic.Int32

	// requests and tokenGrants are created in New and never resized, so
	// counting needs no lock on the hot path.
	requests    map[string]*atomic.Int64
	tokenGrants map[string]*atomic.Int64

	pages *template.Template
}

// New builds the catalog for cfg.Seed and the routes.
func New(cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	clockNow := cfg.Now
	if clockNow == nil {
		c := cfg.Clock
		if c == nil {
			c = clock.System{}
		}
		clockNow = c.Now
	}
	pages, err := template.New("pages").Parse(pageTemplates)
	if err != nil {
		return nil, fmt.Errorf("spotifysim: parse page templates: %w", err)
	}
	s := &Server{
		cfg:      cfg,
		dev:      cfg.Mode == ModeDevelopment,
		cat:      generateCatalog(cfg.Seed, clockNow()),
		mux:      http.NewServeMux(),
		clockNow: clockNow,
		days:     newDayCache(cachedDays),
		codes:    map[string]*authCode{},
		grants:   map[string]*grant{},
		access:   map[string]*accessToken{},
		refresh:  map[string]*refreshToken{},
		requests: map[string]*atomic.Int64{},
		tokenGrants: map[string]*atomic.Int64{
			"authorization_code": new(atomic.Int64),
			"refresh_token":      new(atomic.Int64),
		},
		pages: pages,
	}
	if err := s.cat.render(s.dev); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

// Listeners lists the demo accounts in a fixed order.
func (s *Server) Listeners() []Listener {
	out := make([]Listener, len(s.cat.listeners))
	for i, l := range s.cat.listeners {
		out[i] = Listener{ID: l.id, DisplayName: l.displayName, Taste: l.taste}
	}
	return out
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

type routeKind int

const (
	// kindSpotify routes are Spotify's own (accounts service and Web API):
	// they get latency, request counting and faults.
	kindSpotify routeKind = iota
	// kindImage routes stand in for Spotify's image CDN: latency only, so a
	// browser loading covers does not skew stats or consume faults.
	kindImage
	// kindControl routes are the simulator's own API: none of the above, so
	// tests can always observe and steer the simulator.
	kindControl
)

// routes is the whole surface of the simulator.
func (s *Server) routes() {
	// Accounts service.
	s.handle("GET /authorize", kindSpotify, s.authorizePage)
	s.handle("POST /authorize", kindSpotify, s.authorizeDecision)
	s.handle("POST /api/token", kindSpotify, s.token)

	// Web API.
	s.handle("GET /v1/me", kindSpotify, s.api(s.getMe))
	s.handle("GET /v1/me/top/tracks", kindSpotify, s.api(s.getTopTracks))
	s.handle("GET /v1/me/top/artists", kindSpotify, s.api(s.getTopArtists))
	s.handle("GET /v1/me/player/recently-played", kindSpotify, s.api(s.getRecentlyPlayed))
	s.handle("GET /v1/me/playlists", kindSpotify, s.api(s.getMyPlaylists))
	s.handle("POST /v1/me/playlists", kindSpotify, s.api(s.createPlaylist))
	s.handle("GET /v1/playlists/{id}", kindSpotify, s.api(s.getPlaylist))
	s.handle("GET /v1/playlists/{id}/items", kindSpotify, s.api(s.getPlaylistItems(false)))
	s.handle("GET /v1/playlists/{id}/tracks", kindSpotify, s.api(s.getPlaylistItems(true)))
	s.handle("POST /v1/playlists/{id}/items", kindSpotify, s.api(s.addPlaylistItems(false)))
	s.handle("POST /v1/playlists/{id}/tracks", kindSpotify, s.api(s.addPlaylistItems(true)))
	s.handle("GET /v1/artists/{id}", kindSpotify, s.api(s.getArtist))
	s.handle("GET /v1/artists", kindSpotify, s.api(s.getSeveralArtists))
	s.handle("GET /v1/search", kindSpotify, s.api(s.getSearch))
	// Spotify answers unknown Web API paths with a JSON 404.
	s.mux.HandleFunc("/v1/", func(w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, http.StatusNotFound, "Service not found")
	})

	s.handle("GET /image/{kind}/{id}/{size}", kindImage, s.image)
	// Browsers ask every origin for one; a 404 would log a console error.
	s.handle("GET /favicon.ico", kindImage, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })

	s.handle("GET /_sim/listeners", kindControl, s.controlListeners)
	s.handle("GET /_sim/stats", kindControl, s.controlStats)
	s.handle("POST /_sim/reset", kindControl, s.controlReset)
	s.handle("POST /_sim/revoke", kindControl, s.controlRevoke)
	s.handle("GET /_sim/faults", kindControl, s.controlListFaults)
	s.handle("POST /_sim/faults", kindControl, s.controlAddFault)
	s.handle("DELETE /_sim/faults", kindControl, s.controlClearFaults)
	s.handle("GET /_sim/clock", kindControl, s.controlClock)
	s.handle("POST /_sim/clock/advance", kindControl, s.controlAdvanceClock)
	s.handle("GET /_sim/history", kindControl, s.controlHistory)
	s.handle("GET /_sim/top", kindControl, s.controlTop)
	s.handle("GET /_sim/log", kindControl, s.controlLog)
	s.handle("GET /_sim/export", kindControl, s.controlExport)
}

// apiRoutes lists the Web API patterns, for tests that must cover them all.
func (s *Server) apiRoutes() []string {
	var out []string
	for p := range s.requests {
		if strings.Contains(p, " /v1/") {
			out = append(out, p)
		}
	}
	return out
}

func (s *Server) handle(pattern string, kind routeKind, h http.HandlerFunc) {
	var wrapped http.HandlerFunc
	switch kind {
	case kindSpotify:
		counter := new(atomic.Int64)
		s.requests[pattern] = counter
		wrapped = func(w http.ResponseWriter, r *http.Request) {
			sw := &statusWriter{ResponseWriter: w}
			entry := LoggedRequest{Method: r.Method, Path: r.URL.Path, Listener: s.tokenListener(r),
				Started: time.Now().UTC(), UserAgent: r.UserAgent()}
			defer func() {
				entry.Status, entry.Ended = sw.status, time.Now().UTC()
				s.log.add(entry)
			}()
			if !s.sleep(r.Context(), s.cfg.Latency) {
				return
			}
			counter.Add(1)
			if f := s.takeFault(r, entry.Listener); f != nil {
				s.serveFault(sw, r, f, h)
				return
			}
			h(sw, r)
		}
	case kindImage:
		wrapped = func(w http.ResponseWriter, r *http.Request) {
			if s.sleep(r.Context(), s.cfg.Latency) {
				h(w, r)
			}
		}
	default:
		wrapped = h
	}
	s.mux.HandleFunc(pattern, wrapped)
}

// sleep waits d unless the client goes away first; it reports whether the
// request should still be answered.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// baseURL is the scheme and host the client used, so that links in
// responses lead back to this simulator whatever address it listens on.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" || !validHost(host) {
		// A Host header that could break out of a JSON string or URL is not
		// echoed back.
		host = "localhost"
	}
	return scheme + "://" + host
}

func validHost(h string) bool {
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == ':' || c == '[' || c == ']') {
			return false
		}
	}
	return true
}

// writeJSONBody sends pre-rendered JSON with the placeholder base replaced.
func writeJSONBody(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	out := bytes.ReplaceAll(body, []byte(basePH), []byte(baseURL(r)))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "private, max-age=0")
	w.WriteHeader(status)
	_, _ = w.Write(out)
}
