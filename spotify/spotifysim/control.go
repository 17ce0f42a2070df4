package spotifysim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The control API is the simulator's own, not Spotify's. It is never slowed
// down, counted or faulted, so tests can always observe and steer.

func writeControlJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "spotifysim: cannot encode response", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func controlError(w http.ResponseWriter, status int, msg string) {
	writeControlJSON(w, status, map[string]string{"error": msg})
}

// controlListeners is GET /_sim/listeners.
func (s *Server) controlListeners(w http.ResponseWriter, r *http.Request) {
	writeControlJSON(w, http.StatusOK, s.Listeners())
}

// Stats is what GET /_sim/stats returns.
type Stats struct {
	// Requests counts Spotify requests by method and path template, e.g.
	// "GET /v1/playlists/{id}/items". Patterns never requested are omitted.
	Requests map[string]int64 `json:"requests"`
	// TokenGrants counts /api/token attempts by grant_type.
	TokenGrants map[string]int64 `json:"token_grants"`
}

// Stats snapshots the request and token-grant counters.
func (s *Server) Stats() Stats {
	st := Stats{Requests: map[string]int64{}, TokenGrants: map[string]int64{}}
	for k, c := range s.requests {
		if n := c.Load(); n > 0 {
			st.Requests[k] = n
		}
	}
	for k, c := range s.tokenGrants {
		st.TokenGrants[k] = c.Load()
	}
	return st
}

func (s *Server) controlStats(w http.ResponseWriter, r *http.Request) {
	writeControlJSON(w, http.StatusOK, s.Stats())
}

// controlReset is POST /_sim/reset: zero the counters and empty the request
// log, so that a test can observe just what follows (state is kept).
func (s *Server) controlReset(w http.ResponseWriter, r *http.Request) {
	for _, c := range s.requests {
		c.Store(0)
	}
	for _, c := range s.tokenGrants {
		c.Store(0)
	}
	s.log.clear()
	w.WriteHeader(http.StatusNoContent)
}

// controlRevoke is POST /_sim/revoke?listener=ID: the listener withdraws
// the app's access, so all their tokens stop working.
func (s *Server) controlRevoke(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("listener")
	if s.cat.listenerByID[id] == nil {
		controlError(w, http.StatusNotFound, fmt.Sprintf("unknown listener %q", id))
		return
	}
	writeControlJSON(w, http.StatusOK, map[string]int{"revoked_grants": s.revokeListener(id)})
}

// maxHistorySpan bounds GET /_sim/history, as maxAdvance bounds a step of
// the clock.
const maxHistorySpan = 400 * 24 * time.Hour

// controlHistory is GET /_sim/history?listener=ID&after=MS&before=MS: the
// listener's true plays with after < played_at <= before, oldest first, in
// recently-played's item shape. Tests compare what an app stored with it.
// The answer is streamed a day at a time, so that a long span of a busy
// listener does not have to fit in memory.
func (s *Server) controlHistory(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	id := q.Get("listener")
	if id == "" {
		controlError(w, http.StatusBadRequest, "listener is required")
		return
	}
	l := s.cat.listenerByID[id]
	if l == nil {
		controlError(w, http.StatusNotFound, fmt.Sprintf("unknown listener %q", id))
		return
	}
	var bounds [2]int64
	for i, name := range []string{"after", "before"} {
		v := q.Get(name)
		n, err := strconv.ParseInt(v, 10, 64)
		switch {
		case v == "":
			controlError(w, http.StatusBadRequest, name+" is required (Unix milliseconds)")
			return
		case err != nil || n < 0:
			controlError(w, http.StatusBadRequest, fmt.Sprintf("%s %q is not a Unix time in milliseconds", name, v))
			return
		}
		bounds[i] = n
	}
	after, before := bounds[0], bounds[1]
	now := s.now()
	switch {
	case after > before:
		controlError(w, http.StatusBadRequest, "after is later than before")
		return
	case before > now.UnixMilli():
		controlError(w, http.StatusBadRequest, fmt.Sprintf("before is later than the simulator's now (%d, %s)",
			now.UnixMilli(), now.UTC().Format(time.RFC3339Nano)))
		return
	case before-after > maxHistorySpan.Milliseconds():
		controlError(w, http.StatusBadRequest, "after and before are more than 400 days apart")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	base := []byte(baseURL(r))
	var b jsonBuf
	flush := func() {
		_, _ = w.Write(bytes.ReplaceAll(b.Bytes(), []byte(basePH), base))
		b.Reset()
	}
	b.raw(`{"items":[`)
	first := true
	for day := dayOf(after + 1); day <= dayOf(before); day++ {
		for _, p := range s.dayPlays(l, day) {
			if p.playedAt <= after || p.playedAt > before {
				continue
			}
			if !first {
				b.raw(",")
			}
			first = false
			writePlayHistory(&b, p)
		}
		if b.Len() >= 64<<10 {
			flush()
		}
	}
	b.raw("]}")
	flush()
}

// fault makes upcoming Spotify requests fail. Fields:
//
//	status       HTTP status to answer (e.g. 429, 500, 503); 0 = answer normally
//	retry_after  Retry-After seconds (status 429 only; default 1)
//	count        how many matching requests fail (default 1; -1 = until cleared)
//	path_prefix  only requests whose path starts with this (default: all
//	             Spotify requests, /api/token included)
//	method       only requests with this method (default: any)
//	listener     only requests made with this listener's access token
//	body         body to send instead of Spotify's error JSON for status (a
//	             JSON string is sent as its raw text; anything else verbatim)
//	malformed    send a truncated, unparseable JSON body: with status, that
//	             status's error body cut short; without, the real response
//	             cut short (status 200 and all)
//	delay_ms     wait this long before answering (honours cancellation);
//	             alone, it only slows the request down
type fault struct {
	Status     int             `json:"status"`
	RetryAfter int             `json:"retry_after,omitempty"`
	Count      int             `json:"count"`
	PathPrefix string          `json:"path_prefix,omitempty"`
	Method     string          `json:"method,omitempty"`
	Listener   string          `json:"listener,omitempty"`
	Body       json.RawMessage `json:"body,omitempty"`
	Malformed  bool            `json:"malformed,omitempty"`
	DelayMS    int             `json:"delay_ms,omitempty"`
}

func (f *fault) validate() error {
	switch {
	case f.Status == http.StatusOK && len(f.Body) == 0:
		return fmt.Errorf("status 200 needs a body: the answer to send instead of Spotify's")
	case f.Status != 0 && f.Status != http.StatusOK && (f.Status < 400 || f.Status > 599):
		return fmt.Errorf("status %d: use 200 with a body, or an error status (400-599)", f.Status)
	case f.Status == 0 && !f.Malformed && f.DelayMS == 0:
		return fmt.Errorf("fault does nothing: set status, malformed or delay_ms")
	case f.Count < -1:
		return fmt.Errorf("count %d: use a positive count, or -1 for until cleared", f.Count)
	case f.DelayMS < 0 || f.RetryAfter < 0:
		return fmt.Errorf("delay_ms and retry_after must not be negative")
	}
	if f.Count == 0 {
		f.Count = 1
	}
	if f.Status == http.StatusTooManyRequests && f.RetryAfter == 0 {
		f.RetryAfter = 1 // Spotify always says when to come back
	}
	f.Method = strings.ToUpper(f.Method)
	return nil
}

func (s *Server) controlAddFault(w http.ResponseWriter, r *http.Request) {
	var f fault
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		controlError(w, http.StatusBadRequest, "invalid fault: "+err.Error())
		return
	}
	if err := f.validate(); err != nil {
		controlError(w, http.StatusBadRequest, "invalid fault: "+err.Error())
		return
	}
	if f.Listener != "" && s.cat.listenerByID[f.Listener] == nil {
		controlError(w, http.StatusBadRequest, fmt.Sprintf("invalid fault: unknown listener %q", f.Listener))
		return
	}
	s.faultMu.Lock()
	s.faults = append(s.faults, &f)
	s.activeFaults.Store(int32(len(s.faults)))
	s.faultMu.Unlock()
	writeControlJSON(w, http.StatusCreated, f)
}

func (s *Server) controlListFaults(w http.ResponseWriter, r *http.Request) {
	s.faultMu.Lock()
	out := make([]fault, len(s.faults))
	for i, f := range s.faults {
		out[i] = *f
	}
	s.faultMu.Unlock()
	writeControlJSON(w, http.StatusOK, out)
}

func (s *Server) controlClearFaults(w http.ResponseWriter, r *http.Request) {
	s.faultMu.Lock()
	s.faults = nil
	s.activeFaults.Store(0)
	s.faultMu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// takeFault consumes one use of the first fault matching r, made with
// listener's access token ("" for none), if any.
func (s *Server) takeFault(r *http.Request, listener string) *fault {
	if s.activeFaults.Load() == 0 {
		return nil
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	for i, f := range s.faults {
		if !strings.HasPrefix(r.URL.Path, f.PathPrefix) || (f.Method != "" && f.Method != r.Method) ||
			(f.Listener != "" && f.Listener != listener) {
			continue
		}
		taken := *f
		if f.Count > 0 {
			f.Count--
			if f.Count == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
				s.activeFaults.Store(int32(len(s.faults)))
			}
		}
		return &taken
	}
	return nil
}

// serveFault answers r as the fault says, falling through to h when the
// fault only delays or corrupts the real response.
func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, f *fault, h http.HandlerFunc) {
	if !s.sleep(r.Context(), time.Duration(f.DelayMS)*time.Millisecond) {
		return
	}
	if f.Status == 0 {
		if !f.Malformed {
			h(w, r)
			return
		}
		rec := &recorder{header: http.Header{}, status: http.StatusOK}
		h(rec, r)
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.status)
		_, _ = w.Write(truncate(rec.body.Bytes()))
		return
	}
	var body []byte
	switch {
	case len(f.Body) > 0:
		var str string
		if json.Unmarshal(f.Body, &str) == nil {
			body = []byte(str)
		} else {
			body = f.Body
		}
	case strings.HasPrefix(r.URL.Path, "/v1/"):
		msg := http.StatusText(f.Status)
		if f.Status == http.StatusTooManyRequests {
			msg = msgRateLimited
		}
		body, _ = json.Marshal(apiErrorBody{apiError{Status: f.Status, Message: msg}})
	default:
		code := "server_error"
		if f.Status < 500 {
			code = "invalid_request"
		}
		body, _ = json.Marshal(oauthErrorBody{Error: code, Description: http.StatusText(f.Status)})
	}
	if f.Malformed {
		body = truncate(body)
	}
	if f.Status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(f.Status)
	_, _ = w.Write(body)
}

// truncate cuts a JSON body so that no decoder accepts it, as a connection
// dropped mid-response would.
func truncate(b []byte) []byte {
	b = bytes.TrimSpace(b)
	if len(b) < 2 {
		return []byte(`{"`)
	}
	return b[:len(b)/2]
}

// recorder captures a handler's response so a fault can corrupt it.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(p []byte) (int, error) {
	r.wrote = true
	return r.body.Write(p)
}
func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
}
