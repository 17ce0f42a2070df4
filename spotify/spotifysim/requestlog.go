package spotifysim

import (
	"net/http"
	"strings"
	"sync"
	"time"
)

// maxLogged bounds the request log: enough for a simulated day of polling by
// several processes, small enough (a few MB) for a long benchmark.
const maxLogged = 10_000

// LoggedRequest is one Spotify-facing request, as GET /_sim/log lists it.
// Started and Ended are wall-clock times (not the simulated clock), so that
// tests can tell whether two requests were in flight at once.
type LoggedRequest struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	// Listener is the account whose access token made the request, valid or
	// not; "" when the request carried no known access token (the accounts
	// service, or a made-up token).
	Listener string `json:"listener"`
	// Status is the status answered, 0 when the client went away before an
	// answer (during the simulated latency or a fault's delay).
	Status    int       `json:"status"`
	Started   time.Time `json:"started"`
	Ended     time.Time `json:"ended"`
	UserAgent string    `json:"user_agent"`
}

// requestLog is a ring buffer of the most recent Spotify requests.
type requestLog struct {
	mu      sync.Mutex
	entries []LoggedRequest
	next    int // where the next entry goes once the buffer is full
}

func (l *requestLog) add(e LoggedRequest) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.entries) < maxLogged {
		l.entries = append(l.entries, e)
		return
	}
	l.entries[l.next] = e
	l.next = (l.next + 1) % maxLogged
}

// matching returns the entries that keep returns true for, in the order the
// requests ended.
func (l *requestLog) matching(keep func(*LoggedRequest) bool) []LoggedRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := []LoggedRequest{}
	for _, part := range [][]LoggedRequest{l.entries[l.next:], l.entries[:l.next]} {
		for i := range part {
			if keep(&part[i]) {
				out = append(out, part[i])
			}
		}
	}
	return out
}

func (l *requestLog) clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries, l.next = nil, 0
}

// RequestLog returns the most recent Spotify requests (up to 10,000) whose
// path starts with pathPrefix, in the order they ended.
func (s *Server) RequestLog(pathPrefix string) []LoggedRequest {
	return s.log.matching(func(e *LoggedRequest) bool { return strings.HasPrefix(e.Path, pathPrefix) })
}

// controlLog is GET /_sim/log?path_prefix=P&listener=ID (both optional).
func (s *Server) controlLog(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	prefix := q.Get("path_prefix")
	listener, byListener := q.Get("listener"), q.Has("listener")
	out := s.log.matching(func(e *LoggedRequest) bool {
		return strings.HasPrefix(e.Path, prefix) && (!byListener || e.Listener == listener)
	})
	writeControlJSON(w, http.StatusOK, struct {
		Requests []LoggedRequest `json:"requests"`
	}{out})
}

// tokenListener is the listener whose access token r carries, or "". The
// token need not be valid: a request made with an expired token was still
// made on that listener's behalf.
func (s *Server) tokenListener(r *http.Request) string {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	s.authMu.RLock()
	defer s.authMu.RUnlock()
	if at := s.access[strings.TrimSpace(tok)]; at != nil {
		return at.grant.listenerID
	}
	return ""
}

// statusWriter remembers the status a handler answered, for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
