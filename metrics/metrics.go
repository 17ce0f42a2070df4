// Package metrics is Euterpe's Prometheus instrumentation: requests by
// route pattern, status and latency; Spotify calls by endpoint and status,
// its 429s and the current pause; the response cache; the database pool;
// background jobs by kind and outcome with their queue wait; the poller's
// lag; imports under way. /metrics serves it to the operator's token only
// (handlers). Counters live in this process; the gauges read from the
// database are the same from every process.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/imports"
)

const namespace = "euterpe"

// Sources are what the gauges read at scrape time.
type Sources struct {
	Log  *slog.Logger
	Pool *database.Pool
	// Now is the app's clock (the poller's schedule is in it).
	Now func() time.Time
	// Cache reports the response cache's hits and misses so far.
	Cache func() (hits, misses uint64)
	// PausedUntil is when Spotify's last Retry-After ends (zero: none).
	PausedUntil func(ctx context.Context) (time.Time, error)
}

// Metrics is one process's registry and instruments. It is safe for
// concurrent use.
type Metrics struct {
	reg          *prometheus.Registry
	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec
	spotifyCalls *prometheus.CounterVec
	spotify429   prometheus.Counter
	jobs         *prometheus.CounterVec
	jobWait      *prometheus.HistogramVec
}

// New registers every instrument and the scrape-time gauges.
func New(s Sources) *Metrics {
	if s.Now == nil {
		s.Now = time.Now
	}
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.httpRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "http_requests_total",
		Help: "HTTP requests answered, by route pattern, method and status.",
	}, []string{"route", "method", "status"})
	m.httpDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "http_request_duration_seconds",
		Help:    "Time to answer an HTTP request, by route pattern and method.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"route", "method"})
	m.spotifyCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "spotify_requests_total",
		Help: "Calls to Spotify's Web API, by endpoint and status (\"error\": no answer).",
	}, []string{"endpoint", "status"})
	m.spotify429 = prometheus.NewCounter(prometheus.CounterOpts{
		Namespace: namespace, Name: "spotify_rate_limited_total",
		Help: "Spotify's 429 answers.",
	})
	m.jobs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "jobs_total",
		Help: "Background jobs this process worked, by kind and outcome (completed, failed, snoozed, cancelled).",
	}, []string{"kind", "outcome"})
	m.jobWait = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "job_queue_wait_seconds",
		Help:    "Time a job waited in its queue before it ran, by kind.",
		Buckets: []float64{.1, .5, 1, 2.5, 5, 10, 30, 60, 300, 900},
	}, []string{"kind"})
	m.reg.MustRegister(m.httpRequests, m.httpDuration, m.spotifyCalls, m.spotify429, m.jobs, m.jobWait,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if s.Cache != nil {
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: namespace, Name: "cache_hits_total", Help: "Spotify responses served from the cache.",
		}, func() float64 { h, _ := s.Cache(); return float64(h) }))
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: namespace, Name: "cache_misses_total", Help: "Spotify responses the cache did not have.",
		}, func() float64 { _, miss := s.Cache(); return float64(miss) }))
	}
	if s.Pool != nil {
		m.reg.MustRegister(&poolCollector{pool: s.Pool}, &stateCollector{s: s})
	}
	return m
}

// Handler serves the registry in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// HTTP counts and times every request by its route pattern and method.
// The labels are bounded whatever the requests: a route is one of the
// patterns of routes, the tree the middleware serves (read at the first
// request, when the tree is complete), or "unmatched"; a method is one of
// HTTP's own (Method) or "OTHER". Go's server takes any token as a method
// and any path, and each new label value would be a series kept for the
// life of the process.
func (m *Metrics) HTTP(routes chi.Routes) func(http.Handler) http.Handler {
	var once sync.Once
	var patterns map[string]bool
	known := func(pattern string) bool {
		once.Do(func() { patterns = routePatterns(routes) })
		return patterns[pattern]
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			next.ServeHTTP(ww, r)
			route := Unmatched
			if rc := chi.RouteContext(r.Context()); rc != nil && known(rc.RoutePattern()) {
				route = rc.RoutePattern()
			}
			status := ww.Status()
			if status == 0 {
				status = http.StatusOK
			}
			method := Method(r.Method)
			m.httpRequests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
			m.httpDuration.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
		})
	}
}

// Unmatched is the route label of a request no route of the tree matched.
const Unmatched = "unmatched"

// OtherMethod is the method label of any method HTTP does not define.
const OtherMethod = "OTHER"

// Method is the label of an HTTP method: itself when HTTP (RFC 9110 and
// PATCH) defines it, OtherMethod else.
func Method(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return OtherMethod
}

// routePatterns are the patterns of every route of the tree, as chi's
// RoutePattern names them at a request.
func routePatterns(routes chi.Routes) map[string]bool {
	patterns := map[string]bool{}
	_ = chi.Walk(routes, func(_ string, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if route != "/" {
			route = strings.TrimSuffix(strings.TrimSuffix(route, "//"), "/")
		}
		patterns[route] = true
		return nil
	})
	return patterns
}

// spotifyID is what an endpoint's path holds in place of {id}.
var spotifyID = regexp.MustCompile(`/[0-9A-Za-z]{22}(/|$)`)

// Endpoint is a Web API path with its ids replaced: the label of a call.
func Endpoint(path string) string {
	for {
		p := spotifyID.ReplaceAllString(path, "/{id}$1")
		if p == path {
			return path
		}
		path = p
	}
}

// Spotify wraps the Spotify HTTP client's transport: every call under
// apiURL is counted by endpoint and status.
func (m *Metrics) Spotify(next http.RoundTripper, apiURL string) http.RoundTripper {
	prefix := strings.TrimRight(apiURL, "/") + "/"
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		res, err := next.RoundTrip(r)
		if !strings.HasPrefix(r.URL.String(), prefix) {
			return res, err
		}
		endpoint := r.Method + " " + Endpoint(r.URL.Path)
		status := "error"
		if err == nil {
			status = strconv.Itoa(res.StatusCode)
			if res.StatusCode == http.StatusTooManyRequests {
				m.spotify429.Inc()
			}
		}
		m.spotifyCalls.WithLabelValues(endpoint, status).Inc()
		return res, err
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// JobDone records a background job's run: its kind, its outcome and how
// many seconds it waited in its queue (jobs.Deps.JobDone).
func (m *Metrics) JobDone(kind, outcome string, queueWaitSeconds float64) {
	m.jobs.WithLabelValues(kind, outcome).Inc()
	if queueWaitSeconds > 0 {
		m.jobWait.WithLabelValues(kind).Observe(queueWaitSeconds)
	}
}

// poolCollector reports the database pool as it is at the scrape.
type poolCollector struct{ pool *database.Pool }

var (
	poolConns = prometheus.NewDesc(namespace+"_db_pool_connections", "Connections the pool holds, by state.", []string{"state"}, nil)
	poolMax   = prometheus.NewDesc(namespace+"_db_pool_max_connections", "The most connections the pool may hold (DB_MAX_CONNS).", nil, nil)
	poolWaits = prometheus.NewDesc(namespace+"_db_pool_waited_acquires_total", "Acquires that found no idle connection and waited or connected.", nil, nil)
	poolGone  = prometheus.NewDesc(namespace+"_db_pool_canceled_acquires_total", "Acquires given up while waiting.", nil, nil)
	poolShut  = prometheus.NewDesc(namespace+"_db_pool_limited", "1 while the server refuses the pool more connections and it does not grow.", nil, nil)
	poolRefd  = prometheus.NewDesc(namespace+"_db_connection_refusals_total", "New connections the server refused for want of slots (SQLSTATE 53300).", nil, nil)
)

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- poolConns
	ch <- poolMax
	ch <- poolWaits
	ch <- poolGone
	ch <- poolShut
	ch <- poolRefd
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.pool.Stat()
	ch <- prometheus.MustNewConstMetric(poolConns, prometheus.GaugeValue, float64(st.AcquiredConns()), "acquired")
	ch <- prometheus.MustNewConstMetric(poolConns, prometheus.GaugeValue, float64(st.IdleConns()), "idle")
	ch <- prometheus.MustNewConstMetric(poolConns, prometheus.GaugeValue, float64(st.ConstructingConns()), "constructing")
	ch <- prometheus.MustNewConstMetric(poolMax, prometheus.GaugeValue, float64(st.MaxConns()))
	ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(st.EmptyAcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolGone, prometheus.CounterValue, float64(st.CanceledAcquireCount()))
	bp := c.pool.State()
	limited := 0.0
	if bp.Limited {
		limited = 1
	}
	ch <- prometheus.MustNewConstMetric(poolShut, prometheus.GaugeValue, limited)
	ch <- prometheus.MustNewConstMetric(poolRefd, prometheus.CounterValue, float64(bp.Refusals))
}

// stateCollector reads what the database says at the scrape: the poller's
// lag, imports under way, Spotify's pause. A scrape that cannot read them
// goes without (and says why in the log), rather than fail.
type stateCollector struct{ s Sources }

var (
	pollerLag         = prometheus.NewDesc(namespace+"_poller_lag_seconds", "How long the longest-waiting due user has waited to be polled (0: nobody).", nil, nil)
	pollerOverdue     = prometheus.NewDesc(namespace+"_poller_overdue_users", "Users due a poll and not yet polled.", nil, nil)
	importsInProgress = prometheus.NewDesc(namespace+"_imports_in_progress", "Imports uploading, queued or running.", []string{"state"}, nil)
	paused            = prometheus.NewDesc(namespace+"_spotify_paused_seconds", "Seconds left of Spotify's last Retry-After (0: not paused).", nil, nil)
)

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- pollerLag
	ch <- pollerOverdue
	ch <- importsInProgress
	ch <- paused
}

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	now := c.s.Now()
	q := db.New(c.s.Pool)
	if lag, err := q.GetPollerLag(ctx, now); err == nil {
		seconds := 0.0
		if lag.Overdue > 0 {
			seconds = now.Sub(lag.OldestDue).Seconds()
		}
		ch <- prometheus.MustNewConstMetric(pollerLag, prometheus.GaugeValue, seconds)
		ch <- prometheus.MustNewConstMetric(pollerOverdue, prometheus.GaugeValue, float64(lag.Overdue))
	} else {
		c.warn("poller lag", err)
	}
	if rows, err := q.CountActiveImports(ctx); err == nil {
		counts := map[imports.State]int64{}
		for _, r := range rows {
			counts[imports.State(r.State)] = r.Imports
		}
		for _, state := range imports.ActiveStates() {
			ch <- prometheus.MustNewConstMetric(importsInProgress, prometheus.GaugeValue, float64(counts[state]), string(state))
		}
	} else {
		c.warn("imports", err)
	}
	if c.s.PausedUntil != nil {
		if until, err := c.s.PausedUntil(ctx); err == nil {
			ch <- prometheus.MustNewConstMetric(paused, prometheus.GaugeValue, max(0, until.Sub(now).Seconds()))
		} else {
			c.warn("Spotify pause", err)
		}
	}
}

func (c *stateCollector) warn(what string, err error) {
	if c.s.Log != nil {
		c.s.Log.Warn("metrics: could not read "+what, "err", err)
	}
}
