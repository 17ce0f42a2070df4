package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/bench/stack"
)

// Goals, from the issue that asked for this bench.
const (
	goalThroughputRatio = 0.25        // /top_songs vs a static asset
	goalPeakRSS         = 64_000_000  // bytes
	goalMaxConns        = 15          // PostgreSQL connections
	goalDashboardFactor = 3.0         // whole dashboard / simulator latency
	goalStartup         = time.Second // process start to first 200 on /health
	trivialPath         = "/static/favicon.svg"
	topSongsPath        = "/top_songs"
	healthPath          = "/health"
	stopGrace           = 30 * time.Second // what Heroku allows after SIGTERM
)

type bench struct {
	opts  options
	log   io.Writer
	table table

	tmp      string
	bin      string
	dbURL    string
	dbName   string
	key      string
	cleanups []func()
}

func (b *bench) progress(format string, args ...any) {
	if b.opts.verbose {
		fmt.Fprintf(b.log, "bench: "+format+"\n", args...)
	}
}

// atCleanup registers f to run when the bench ends, last registered first.
func (b *bench) atCleanup(f func()) { b.cleanups = append(b.cleanups, f) }

func (b *bench) cleanup() {
	for i := len(b.cleanups) - 1; i >= 0; i-- {
		b.cleanups[i]()
	}
	b.cleanups = nil
}

func (b *bench) run(ctx context.Context) error {
	var err error
	if b.tmp, err = os.MkdirTemp("", "euterpe-bench-"); err != nil {
		return err
	}
	b.atCleanup(func() {
		if b.opts.keep {
			fmt.Fprintln(b.log, "bench: kept", b.tmp)
			return
		}
		os.RemoveAll(b.tmp)
	})
	b.progress("building ./cmd/euterpe")
	if b.bin, err = stack.Build(ctx, b.tmp, false); err != nil {
		return err
	}
	if b.key, err = stack.Keygen(ctx, b.bin); err != nil {
		return err
	}
	// The history database is made once and kept; making it is not part
	// of the run's budget.
	var hdb historyDB
	if b.opts.phases["history"] {
		if hdb, err = b.ensureHistoryDB(ctx); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, b.opts.budget)
	defer cancel()

	if b.opts.phases["load"] || b.opts.phases["latency"] {
		if b.dbURL, b.dbName, err = b.throwawayDatabase(ctx); err != nil {
			return err
		}
	}
	var starts []time.Duration
	if b.opts.phases["load"] {
		startup, err := b.loadPhases(ctx)
		if err != nil {
			return err
		}
		starts = append(starts, startup)
	}
	if b.opts.phases["latency"] {
		startup, err := b.latencyPhase(ctx)
		if err != nil {
			return err
		}
		starts = append(starts, startup)
	}
	if len(starts) > 0 {
		worst := slices.Max(starts)
		all := make([]string, len(starts))
		for i, s := range starts {
			all[i] = ms(s)
		}
		b.table.check(secStartup, "process start → first 200 on /health", fmt.Sprintf("%s (worst of %d starts: %s)", ms(worst), len(starts), strings.Join(all, ", ")),
			"≤ 1 s", worst <= goalStartup)
	}
	if b.opts.phases["history"] {
		if err := b.historyPhase(ctx, hdb); err != nil {
			return err
		}
	}
	if b.opts.phases["day"] {
		if err := b.dayPhase(ctx); err != nil {
			return err
		}
	}
	if b.opts.phases["import"] {
		if err := b.importPhase(ctx); err != nil {
			return err
		}
	}
	if b.opts.phases["share"] {
		if err := b.sharePhase(ctx); err != nil {
			return err
		}
	}
	return nil
}

// throwawayDatabase creates and migrates a database dropped when the bench
// ends.
func (b *bench) throwawayDatabase(ctx context.Context) (dbURL, name string, err error) {
	if dbURL, name, err = stack.CreateDatabase(ctx, b.opts.adminURL, "euterpe_bench"); err != nil {
		return "", "", err
	}
	b.atCleanup(func() {
		dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := stack.DropDatabase(dctx, b.opts.adminURL, name); err != nil {
			fmt.Fprintln(b.log, "bench:", err)
		}
	})
	if err := stack.Migrate(ctx, b.bin, dbURL); err != nil {
		return "", "", err
	}
	return dbURL, name, nil
}

// startPair starts a simulator and an app on the bench's own database.
func (b *bench) startPair(latency time.Duration, env map[string]string) (*stack.Sim, *stack.App, error) {
	sim, app, _, err := b.startStack(b.dbURL, latency, env)
	return sim, app, err
}

// startStack starts a simulator and an app pointed at it on dbURL, and
// returns the app's options for a restart.
func (b *bench) startStack(dbURL string, latency time.Duration, env map[string]string) (*stack.Sim, *stack.App, stack.AppOptions, error) {
	port, err := stack.FreePort()
	if err != nil {
		return nil, nil, stack.AppOptions{}, err
	}
	sim, err := stack.StartSim(b.bin, stack.SimOptions{RedirectURI: stack.Callback(port), Latency: latency, LogDir: b.tmp})
	if err != nil {
		return nil, nil, stack.AppOptions{}, err
	}
	b.atCleanup(func() { _ = sim.Stop(5 * time.Second) })
	appEnv := maps.Clone(b.opts.appEnv)
	if appEnv == nil {
		appEnv = map[string]string{}
	}
	maps.Copy(appEnv, env)
	o := stack.AppOptions{Port: port, DatabaseURL: dbURL, SimURL: sim.URL, EncryptionKey: b.key, Env: appEnv, LogDir: b.tmp}
	app, err := stack.StartApp(b.bin, o)
	if err != nil {
		return nil, nil, o, err
	}
	b.atCleanup(func() { _ = app.Stop(stopGrace) })
	b.progress("app on %s (ready in %s), simulator on %s (latency %s)", app.URL, app.Ready, sim.URL, latency)
	return sim, app, o, nil
}

func loginAll(ctx context.Context, appURL string) ([]*stack.Browser, error) {
	browsers := make([]*stack.Browser, len(stack.Listeners))
	errs := make([]error, len(stack.Listeners))
	var wg sync.WaitGroup
	for i, l := range stack.Listeners {
		wg.Go(func() { browsers[i], errs[i] = stack.Login(ctx, appURL, l) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return browsers, nil
}

// loadPhases measures everything that needs no simulator latency, on one
// app, and returns its start-up time.
func (b *bench) loadPhases(ctx context.Context) (time.Duration, error) {
	sim, app, err := b.startPair(0, nil)
	if err != nil {
		return 0, err
	}
	browsers, err := loginAll(ctx, app.URL)
	if err != nil {
		return 0, err
	}
	b.progress("signed in %d listeners", len(browsers))
	// serve polls each listener at once on sign-in, then not for ten
	// minutes: once those polls are done, every Spotify call counted below
	// is the dashboard's.
	if err := waitFirstPolls(ctx, b.dbURL, len(browsers)); err != nil {
		return 0, err
	}
	// Other work a sign-in starts in the background (its own calls to
	// Spotify) is let finish too.
	if err := waitQuiet(ctx, sim, 500*time.Millisecond, 15*time.Second); err != nil {
		return 0, err
	}

	// Spotify calls per dashboard view: the first view fills ines's cache,
	// the second should be served from it.
	if err := b.spotifyCalls(ctx, sim, browsers[0]); err != nil {
		return 0, err
	}
	// Every listener's /top_songs is warm before it is measured.
	for _, br := range browsers {
		if r := br.Get(ctx, topSongsPath, false); r.Err != nil || r.Status != 200 {
			return 0, fmt.Errorf("warming %s's /top_songs: %d %v", br.Listener, r.Status, r.Err)
		}
	}
	sessions := make([]stack.Request, len(browsers))
	for i, br := range browsers {
		sessions[i] = stack.Request{Path: topSongsPath, Session: br.Session}
	}
	before, _ := sim.Stats(ctx)

	trivial := b.measure(ctx, app, "trivial", b.opts.clients, []stack.Request{{Path: trivialPath}})
	top := b.measure(ctx, app, "top_songs", b.opts.clients, sessions)
	// As the operator: anyone else's /health is throttled per address.
	health := b.measure(ctx, app, "health", b.opts.clients, []stack.Request{{Path: healthPath, Operator: true}})
	after, _ := sim.Stats(ctx)
	if ctx.Err() != nil {
		return 0, ctx.Err()
	}
	// /health may be limited per client address (a monitor asks once a
	// minute): then it is no baseline for a load from one address.
	healthLimited := health.Statuses()[http.StatusTooManyRequests] > 0
	for _, r := range []struct {
		name string
		res  measured
	}{{trivialPath, trivial}, {topSongsPath, top}, {healthPath, health}} {
		if r.name == healthPath && healthLimited {
			continue
		}
		if r.res.Count() == 0 || r.res.Errors() > 0 {
			return 0, fmt.Errorf("%s under load: %d errors of %d (first: %s)", r.name, r.res.Errors(), r.res.Count(), r.res.FirstErr)
		}
	}
	ratio := top.PerSecond() / trivial.PerSecond()
	b.table.check(secThroughput, fmt.Sprintf("warm /top_songs throughput vs %s (%d clients, %d users)", trivialPath, b.opts.clients, len(browsers)),
		fmt.Sprintf("%.0f %% (%.0f vs %.0f req/s)", 100*ratio, top.PerSecond(), trivial.PerSecond()),
		fmt.Sprintf("≥ %.0f %%", 100*goalThroughputRatio), ratio >= goalThroughputRatio)
	b.table.info(secThroughput, "  /top_songs latency p50 / p99", top.describe())
	b.table.info(secThroughput, "  "+trivialPath+" latency p50 / p99", trivial.describe())
	if healthLimited {
		b.table.info(secThroughput, "  /top_songs vs /health (which pings PostgreSQL)",
			fmt.Sprintf("not measured: /health answered 429 to %d of %d requests from one address", health.Statuses()[http.StatusTooManyRequests], health.Count()))
	} else {
		b.table.info(secThroughput, "  /top_songs vs /health (which pings PostgreSQL)",
			fmt.Sprintf("%.0f %% (%.0f req/s on /health)", 100*top.PerSecond()/health.PerSecond(), health.PerSecond()))
	}
	b.table.info(secThroughput, "  Spotify calls during the warm load", fmt.Sprint(after.Total()-before.Total()))
	if err := b.warmPanels(ctx, app, browsers, trivial); err != nil {
		return 0, err
	}
	rss, err := app.PeakRSS()
	if err != nil {
		return 0, err
	}
	b.table.check(secMemory, "peak RSS of the app (VmHWM) after that load", megabytes(rss), "≤ 64 MB", rss <= goalPeakRSS)

	if err := b.crowdPhase(ctx, app, sessions); err != nil {
		return 0, err
	}
	if rss, err = app.PeakRSS(); err != nil {
		return 0, err
	}
	b.table.check(secMemory, fmt.Sprintf("peak RSS of the app (VmHWM) after %d clients too", b.opts.crowd), megabytes(rss), "≤ 64 MB", rss <= goalPeakRSS)

	// SIGTERM with nothing in flight: a clean exit is part of a healthy run.
	if err := app.Stop(stopGrace); err != nil {
		return 0, err
	}
	if code, _ := app.Wait(0); code != 0 {
		return 0, fmt.Errorf("the app exited %d after SIGTERM:\n%s", code, app.LogTail(20))
	}
	if err := sim.Stop(5 * time.Second); err != nil {
		return 0, err
	}
	return app.Ready, nil
}

// measured is a load result with the app's CPU use during it.
type measured struct {
	stack.Result
	cores float64 // CPU seconds the app used per second
}

func (m measured) describe() string {
	return fmt.Sprintf("%s / %s (%.1f kB answers; the app used %.1f of %d cores)",
		ms(m.Percentile(50)), ms(m.Percentile(99)), float64(m.MeanBytes())/1000, m.cores, runtime.NumCPU())
}

// measure runs an unmeasured warm-up, then the measured load.
func (b *bench) measure(ctx context.Context, app *stack.App, name string, clients int, reqs []stack.Request) measured {
	if ctx.Err() != nil {
		return measured{}
	}
	stack.Load{BaseURL: app.URL, Clients: clients, Duration: b.opts.warmup, Requests: reqs}.Run(ctx)
	cpu0, _ := app.CPUTime()
	res := stack.Load{BaseURL: app.URL, Clients: clients, Duration: b.opts.duration, Requests: reqs}.Run(ctx)
	cpu1, _ := app.CPUTime()
	m := measured{Result: res, cores: (cpu1 - cpu0).Seconds() / res.Elapsed.Seconds()}
	b.progress("%-10s %7.0f req/s, p50 %s, p99 %s, %d errors of %d %s; app CPU %.2f cores", name, res.PerSecond(),
		ms(res.Percentile(50)), ms(res.Percentile(99)), res.Errors(), res.Count(), res.FirstErr, m.cores)
	return m
}

// warmPanels are the dashboard's page and its heaviest warm panels as htmx
// asks for them, each against the static file measured in the same run
// (issue 23: each at least a quarter of its rate).
var warmPanels = []struct {
	path string
	htmx bool
}{
	{"/", false},
	{"/panels/top-songs?range=short_term", true},
	{"/panels/top-artists?range=short_term", true},
	{"/panels/recently-played", true},
}

// warmPanels measures each of warmPanels, warmed first for every listener,
// under the same load as /top_songs.
func (b *bench) warmPanels(ctx context.Context, app *stack.App, browsers []*stack.Browser, trivial measured) error {
	for _, p := range warmPanels {
		reqs := make([]stack.Request, len(browsers))
		for i, br := range browsers {
			if r := br.Get(ctx, p.path, p.htmx); r.Err != nil || r.Status != 200 {
				return fmt.Errorf("warming %s's %s: %d %v", br.Listener, p.path, r.Status, r.Err)
			}
			reqs[i] = stack.Request{Path: p.path, Session: br.Session, HTMX: p.htmx}
		}
		m := b.measure(ctx, app, p.path, b.opts.clients, reqs)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if m.Count() == 0 || m.Errors() > 0 {
			return fmt.Errorf("%s under load: %d errors of %d (first: %s)", p.path, m.Errors(), m.Count(), m.FirstErr)
		}
		ratio := m.PerSecond() / trivial.PerSecond()
		b.table.check(secThroughput, fmt.Sprintf("  warm %s vs %s", p.path, trivialPath),
			fmt.Sprintf("%.0f %% (%.0f req/s; p50 %s, p99 %s)", 100*ratio, m.PerSecond(), ms(m.Percentile(50)), ms(m.Percentile(99))),
			fmt.Sprintf("≥ %.0f %%", 100*goalThroughputRatio), ratio >= goalThroughputRatio)
	}
	return nil
}

// spotifyCalls counts the simulator's requests during one full dashboard
// view with an empty cache, then one with a full cache.
func (b *bench) spotifyCalls(ctx context.Context, sim *stack.Sim, br *stack.Browser) error {
	var calls [2]stack.SimStats
	var panels int
	for i := range calls {
		if err := sim.Reset(ctx); err != nil {
			return err
		}
		d, err := br.ViewDashboard(ctx)
		if err != nil {
			return fmt.Errorf("dashboard view: %w", err)
		}
		panels = len(d.Panels)
		if calls[i], err = sim.Stats(ctx); err != nil {
			return err
		}
		b.progress("dashboard view %d: %d panels in %s, Spotify calls %v", i+1, len(d.Panels), d.Elapsed, calls[i].Requests)
	}
	b.table.info(secSpotifyCalls, fmt.Sprintf("Spotify calls per dashboard view, cold (page + %d panels)", panels),
		fmt.Sprintf("%d (%s)", calls[0].Total(), describeCalls(calls[0])))
	b.table.check(secSpotifyCalls, "Spotify calls per dashboard view, warm", fmt.Sprint(calls[1].Total()), "0 (5-minute cache)", calls[1].Total() == 0)
	return nil
}

// describeCalls groups the counters by endpoint, shortest form first.
func describeCalls(s stack.SimStats) string {
	var parts []string
	for k, v := range s.Requests {
		parts = append(parts, fmt.Sprintf("%d× %s", v, strings.TrimPrefix(strings.TrimPrefix(k, "GET "), "/v1")))
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}

// crowdPhase puts many concurrent clients on the app and watches its share
// of PostgreSQL.
func (b *bench) crowdPhase(ctx context.Context, app *stack.App, sessions []stack.Request) error {
	watch, err := stack.WatchConnections(ctx, b.opts.adminURL, b.dbName, 10*time.Millisecond)
	if err != nil {
		return err
	}
	res := stack.Load{BaseURL: app.URL, Clients: b.opts.crowd, Duration: b.opts.duration, Requests: sessions}.Run(ctx)
	peak, samples := watch.Stop()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	b.progress("crowd: %d requests, %d errors %s, peak %d connections in %d samples, p50 %s p99 %s",
		res.Count(), res.Errors(), res.FirstErr, peak, samples, ms(res.Percentile(50)), ms(res.Percentile(99)))
	b.table.check(secConnections, fmt.Sprintf("most PostgreSQL connections held, %d concurrent clients", b.opts.crowd),
		fmt.Sprintf("%d (%d samples, every 10 ms)", peak, samples), "≤ 15", peak <= goalMaxConns && samples > 0)
	b.table.check(secConnections, fmt.Sprintf("  failed requests among them (%.0f req/s, p99 %s)", res.PerSecond(), ms(res.Percentile(99))),
		fmt.Sprintf("%d of %d", res.Errors(), res.Count()), "0", res.Errors() == 0 && res.Count() > 0)
	return nil
}

// latencyPhase times whole cold dashboards against a simulator that takes
// opts.latency per call, and returns this app's start-up time.
func (b *bench) latencyPhase(ctx context.Context) (time.Duration, error) {
	// Four cold dashboards of one listener in a few seconds (60 Spotify
	// calls) are more than one person's share of the default budget (half
	// of 100 calls per 30 s at once, then their fair rate): this phase times
	// Spotify's latency, not the budget, so its app's budget never refuses.
	sim, app, err := b.startPair(b.opts.latency, map[string]string{"SPOTIFY_CALLS_PER_30S": "100000"})
	if err != nil {
		return 0, err
	}
	var times []time.Duration
	for range b.opts.rounds {
		// A new login after a logout starts with an empty cache.
		br, err := stack.Login(ctx, app.URL, "walt")
		if err != nil {
			return 0, err
		}
		d, err := br.ViewDashboard(ctx)
		if err != nil {
			return 0, fmt.Errorf("dashboard at %s latency: %w", b.opts.latency, err)
		}
		times = append(times, d.Elapsed)
		b.progress("cold dashboard at %s latency: %s (page %s; slowest panel %s)", b.opts.latency, d.Elapsed, d.Page.Elapsed, slowest(d))
		if err := br.Logout(ctx); err != nil {
			return 0, err
		}
	}
	// The same view over as many connections as panels, as HTTP/2 would
	// multiplex them: how much of the time is the browser's queueing.
	br, err := stack.LoginWith(ctx, app.URL, "walt", 64)
	if err != nil {
		return 0, err
	}
	d, err := br.ViewDashboard(ctx)
	if err != nil {
		return 0, fmt.Errorf("dashboard at %s latency: %w", b.opts.latency, err)
	}
	if err := br.Logout(ctx); err != nil {
		return 0, err
	}
	slices.Sort(times)
	median := times[len(times)/2]
	factor := float64(median) / float64(b.opts.latency)
	all := make([]string, len(times))
	for i, t := range times {
		all[i] = ms(t)
	}
	b.table.check(secDashboardTime, fmt.Sprintf("whole cold dashboard, simulator at %s (page + panels, 6 connections like a browser)", b.opts.latency),
		fmt.Sprintf("%.1f× (median %s of %s)", factor, ms(median), strings.Join(all, ", ")),
		fmt.Sprintf("≤ %.0f×", goalDashboardFactor), factor <= goalDashboardFactor)
	b.table.info(secDashboardTime, "  slowest panel; the same view with a connection per panel",
		fmt.Sprintf("%s; %.1f× (%s)", slowest(d), float64(d.Elapsed)/float64(b.opts.latency), ms(d.Elapsed)))
	if err := app.Stop(stopGrace); err != nil {
		return 0, err
	}
	_ = sim.Stop(5 * time.Second)
	return app.Ready, nil
}

// waitFirstPolls waits until n listeners have been polled once, for at most
// 15 seconds (a process without workers never polls: then it just waits).
func waitFirstPolls(ctx context.Context, dbURL string, n int) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		var polled int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM euterpe.poll_state WHERE polls > 0`).Scan(&polled); err != nil {
			return err
		}
		if polled >= n {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil
}

// waitQuiet waits until the simulator has had no request for quiet, for at
// most limit.
func waitQuiet(ctx context.Context, sim *stack.Sim, quiet, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	last, err := sim.Stats(ctx)
	if err != nil {
		return err
	}
	since := time.Now()
	for time.Now().Before(deadline) && time.Since(since) < quiet {
		time.Sleep(50 * time.Millisecond)
		st, err := sim.Stats(ctx)
		if err != nil {
			return err
		}
		if st.Total() != last.Total() {
			last, since = st, time.Now()
		}
	}
	return nil
}

func slowest(d stack.Dashboard) string {
	var worst stack.Response
	for _, p := range d.Panels {
		if p.Elapsed > worst.Elapsed {
			worst = p
		}
	}
	return worst.URL + " " + ms(worst.Elapsed)
}
