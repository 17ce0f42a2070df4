package stack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Sim is a running `euterpe spotify-sim`.
type Sim struct {
	*proc
	URL  string // http://127.0.0.1:PORT
	Port int
	http *http.Client
}

// SimOptions configure the simulator process.
type SimOptions struct {
	Port        int    // 0 = a free port
	RedirectURI string // the app's callback, registered exactly
	Latency     time.Duration
	Args        []string // more spotify-sim flags
	LogDir      string   // where sim.log goes
}

// StartSim starts the simulator and waits until its control API answers.
func StartSim(bin string, o SimOptions) (*Sim, error) {
	port := o.Port
	if port == 0 {
		var err error
		if port, err = FreePort(); err != nil {
			return nil, err
		}
	}
	args := []string{"spotify-sim", "--addr", "127.0.0.1:" + strconv.Itoa(port), "--redirect-uri", o.RedirectURI}
	if o.Latency > 0 {
		args = append(args, "--latency", o.Latency.String())
	}
	args = append(args, o.Args...)
	logPath := filepath.Join(o.LogDir, fmt.Sprintf("sim-%d.log", port))
	p, err := startProc("spotify-sim", logPath, os.Environ(), bin, args...)
	if err != nil {
		return nil, err
	}
	s := &Sim{proc: p, URL: "http://127.0.0.1:" + strconv.Itoa(port), Port: port,
		http: &http.Client{Timeout: 10 * time.Second}}
	err = p.waitFor(10*time.Second, func() error {
		_, err := s.Stats(context.Background())
		return err
	})
	if err != nil {
		_ = p.Stop(time.Second)
		return nil, err
	}
	return s, nil
}

// SimStats is GET /_sim/stats.
type SimStats struct {
	Requests    map[string]int64 `json:"requests"`
	TokenGrants map[string]int64 `json:"token_grants"`
}

// WebAPICalls sums the Web API requests (paths under /v1/).
func (s SimStats) WebAPICalls() int64 {
	var n int64
	for k, v := range s.Requests {
		if strings.Contains(k, " /v1/") {
			n += v
		}
	}
	return n
}

// Total sums every Spotify request the simulator counted, accounts service
// included.
func (s SimStats) Total() int64 {
	var n int64
	for _, v := range s.Requests {
		n += v
	}
	return n
}

// Stats reads the request counters.
func (s *Sim) Stats(ctx context.Context) (SimStats, error) {
	var st SimStats
	err := s.control(ctx, http.MethodGet, "/_sim/stats", nil, &st)
	return st, err
}

// Reset zeroes the counters.
func (s *Sim) Reset(ctx context.Context) error {
	return s.control(ctx, http.MethodPost, "/_sim/reset", nil, nil)
}

// Fault is a /_sim/faults entry; see spotifysim's control API.
type Fault struct {
	Status     int             `json:"status,omitempty"`
	RetryAfter int             `json:"retry_after,omitempty"`
	Count      int             `json:"count,omitempty"` // -1 = until cleared
	PathPrefix string          `json:"path_prefix,omitempty"`
	Method     string          `json:"method,omitempty"`
	Body       json.RawMessage `json:"body,omitempty"`
	Malformed  bool            `json:"malformed,omitempty"`
	DelayMS    int             `json:"delay_ms,omitempty"`
}

// AddFault makes upcoming Spotify requests misbehave.
func (s *Sim) AddFault(ctx context.Context, f Fault) error {
	return s.control(ctx, http.MethodPost, "/_sim/faults", f, nil)
}

// ClearFaults removes every fault.
func (s *Sim) ClearFaults(ctx context.Context) error {
	return s.control(ctx, http.MethodDelete, "/_sim/faults", nil, nil)
}

func (s *Sim) control(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.URL+path, body)
	if err != nil {
		return err
	}
	res, err := s.http.Do(req)
	if err != nil {
		return fmt.Errorf("stack: sim %s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		return fmt.Errorf("stack: sim %s %s: %d %s", method, path, res.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}
