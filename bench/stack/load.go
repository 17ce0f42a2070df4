package stack

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Request is one kind of request a load client sends.
type Request struct {
	Path    string
	Session string // session cookie value; "" = anonymous
	HTMX    bool
	// Operator sends the operator's token (MetricsToken): /health and
	// /db_check throttle anyone else per address.
	Operator bool
}

// Load is a closed-loop load: Clients goroutines each send a request, read
// the whole answer, and send the next, until Duration has passed. Client i
// sends Requests[i % len(Requests)], so sessions spread over the clients.
type Load struct {
	BaseURL  string
	Clients  int
	Duration time.Duration
	Requests []Request
	// OK decides whether an answer counts as a success; nil = status 200.
	OK func(status int, body []byte) bool
}

// Sample is one finished request.
type Sample struct {
	At      time.Duration // since the load started, when the request began
	Latency time.Duration
	Status  int // 0 = transport error
	Bytes   int // body length
	OK      bool
}

// Result is what a load run measured.
type Result struct {
	Started  time.Time
	Elapsed  time.Duration
	Samples  []Sample
	FirstErr string // the first failure, described
}

// Run drives the load and returns every sample. Each client has its own
// keep-alive connection.
func (l Load) Run(ctx context.Context) Result {
	tr := NewTransport(l.Clients)
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	ok := l.OK
	if ok == nil {
		ok = func(status int, _ []byte) bool { return status == http.StatusOK }
	}
	ctx, cancel := context.WithTimeout(ctx, l.Duration)
	defer cancel()
	start := time.Now()
	per := make([][]Sample, l.Clients)
	var (
		firstMu  sync.Mutex
		firstErr string
	)
	fail := func(s string) {
		firstMu.Lock()
		if firstErr == "" {
			firstErr = s
		}
		firstMu.Unlock()
	}
	var wg sync.WaitGroup
	for i := range l.Clients {
		rq := l.Requests[i%len(l.Requests)]
		wg.Go(func() {
			samples := make([]Sample, 0, 1024)
			for ctx.Err() == nil {
				req, _ := http.NewRequest(http.MethodGet, l.BaseURL+rq.Path, nil)
				if rq.Session != "" {
					req.AddCookie(&http.Cookie{Name: SessionCookie, Value: rq.Session})
				}
				if rq.HTMX {
					req.Header.Set("HX-Request", "true")
				}
				if rq.Operator {
					req.Header.Set("Authorization", "Bearer "+MetricsToken)
				}
				t0 := time.Now()
				res, err := client.Do(req)
				s := Sample{At: t0.Sub(start)}
				if err != nil {
					if ctx.Err() != nil {
						break // the run ended, not the server
					}
					s.Latency = time.Since(t0)
					fail(fmt.Sprintf("%s: %v", rq.Path, err))
					samples = append(samples, s)
					time.Sleep(5 * time.Millisecond) // a refused connection must not spin
					continue
				}
				body, err := io.ReadAll(res.Body)
				res.Body.Close()
				s.Latency, s.Status, s.Bytes = time.Since(t0), res.StatusCode, len(body)
				s.OK = err == nil && ok(res.StatusCode, body)
				if !s.OK {
					fail(fmt.Sprintf("%s: %d %.200s", rq.Path, res.StatusCode, strings.TrimSpace(string(body))))
				}
				samples = append(samples, s)
			}
			per[i] = samples
		})
	}
	wg.Wait()
	r := Result{Started: start, Elapsed: time.Since(start), FirstErr: firstErr}
	for _, s := range per {
		r.Samples = append(r.Samples, s...)
	}
	sort.Slice(r.Samples, func(i, j int) bool { return r.Samples[i].At < r.Samples[j].At })
	return r
}

// Count is the number of requests.
func (r Result) Count() int { return len(r.Samples) }

// Errors counts the requests that did not succeed.
func (r Result) Errors() int {
	n := 0
	for _, s := range r.Samples {
		if !s.OK {
			n++
		}
	}
	return n
}

// PerSecond is the throughput.
func (r Result) PerSecond() float64 { return float64(len(r.Samples)) / r.Elapsed.Seconds() }

// Percentile is the latency below which p (0–100) percent of the requests
// finished.
func (r Result) Percentile(p float64) time.Duration {
	if len(r.Samples) == 0 {
		return 0
	}
	lat := make([]time.Duration, len(r.Samples))
	for i, s := range r.Samples {
		lat[i] = s.Latency
	}
	slices.Sort(lat)
	i := int(float64(len(lat)-1) * p / 100)
	return lat[i]
}

// MeanBytes is the average body length.
func (r Result) MeanBytes() int {
	if len(r.Samples) == 0 {
		return 0
	}
	total := 0
	for _, s := range r.Samples {
		total += s.Bytes
	}
	return total / len(r.Samples)
}

// Statuses counts the answers by status (0 = transport error).
func (r Result) Statuses() map[int]int {
	m := map[int]int{}
	for _, s := range r.Samples {
		m[s.Status]++
	}
	return m
}
