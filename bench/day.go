package main

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/euterpe-dev/euterpe/bench/stack"
	"github.com/euterpe-dev/euterpe/clock"
)

// dayStart is when the measured day begins: a whole UTC day (the demo
// listeners' zone), a Tuesday on which every demo listener plays. The
// simulator's listening is a function of the date, so a fixed day makes the
// same plays on every run. The listeners sign in signInBefore earlier, so
// that what a sign-in sets off (the first poll, the first day's snapshot of
// the top lists) is done before the day is counted, as for someone who
// signed in long ago.
var dayStart = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

const signInBefore = 4 * time.Hour

// Goals of the simulated day.
const (
	goalCallsPerDay = 30 // Spotify Web API calls per listener per day
	fixedLoopCalls  = 86400 / 120
)

// dayPhase runs Euterpe as an operator would on one machine — the
// simulator, one `euterpe serve` with its workers and one `euterpe worker`
// — on a shared clock running opts.daySpeed times faster than the wall
// clock. The five demo listeners sign in and a simulated day passes; then
// their stored plays are compared with the simulator's, and its request log
// says what the poller cost and whether two polls of one listener ever ran
// at once. The Web API answers after opts.latency, as in the dashboard
// phase (the accounts service at once: at this speed an authorization code
// lives 0.4 s). Then, with the poller still at work, the cold dashboard is
// timed again.
func (b *bench) dayPhase(ctx context.Context) error {
	dbURL, _, err := b.throwawayDatabase(ctx)
	if err != nil {
		return err
	}
	port, err := stack.FreePort()
	if err != nil {
		return err
	}
	// The shared clock reads dayStart - signInBefore a moment from now,
	// when every process is up.
	clk := clock.Scaled{Speed: b.opts.daySpeed, Start: dayStart.Add(-signInBefore), Anchor: time.Now().Add(2 * time.Second)}
	sim, err := stack.StartSim(b.bin, stack.SimOptions{RedirectURI: stack.Callback(port), LogDir: b.tmp,
		Args: []string{"--clock", clk.String()}})
	if err != nil {
		return err
	}
	b.atCleanup(func() { _ = sim.Stop(5 * time.Second) })
	if err := sim.AddFault(ctx, stack.Fault{DelayMS: int(b.opts.latency / time.Millisecond), Count: -1, PathPrefix: "/v1/"}); err != nil {
		return err
	}
	env := map[string]string{"EUTERPE_CLOCK": clk.String()}
	for k, v := range b.opts.appEnv {
		env[k] = v
	}
	opts := stack.AppOptions{Port: port, DatabaseURL: dbURL, SimURL: sim.URL, EncryptionKey: b.key, Env: env, LogDir: b.tmp}
	app, err := stack.StartApp(b.bin, opts)
	if err != nil {
		return err
	}
	b.atCleanup(func() { _ = app.Stop(stopGrace) })
	worker, err := stack.StartWorker(b.bin, opts, "worker")
	if err != nil {
		return err
	}
	b.atCleanup(func() { _ = worker.Stop(stopGrace) })
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()

	if _, err := loginAll(ctx, app.URL); err != nil {
		return err
	}
	// The day starts at dayStart (or when everyone is signed in, if later).
	if err := waitSim(ctx, sim, clk, dayStart); err != nil {
		return err
	}
	stats0, err := sim.Stats(ctx)
	if err != nil {
		return err
	}
	wall0 := time.Now()
	t0, err := sim.Now(ctx)
	if err != nil {
		return err
	}
	b.progress("day: %d listeners signed in; the simulated day runs from %s (%.0f×)", len(stack.Listeners), t0.Format(time.Stamp), clk.Speed)
	if err := waitSim(ctx, sim, clk, t0.Add(b.opts.day)); err != nil {
		return err
	}
	wall1 := time.Now()
	t1, err := sim.Now(ctx)
	if err != nil {
		return err
	}
	stats1, err := sim.Stats(ctx)
	if err != nil {
		return err
	}
	log, err := sim.Log(ctx, "", "")
	if err != nil {
		return err
	}
	days := t1.Sub(t0).Hours() / 24

	type outcome struct {
		listener              string
		played, stored, lost  int
		gap                   bool
		webCalls, recentCalls int
		byPath                map[string]int
		overlaps              []string
		polls                 int64
		lastPolled            time.Time
	}
	var outs []outcome
	for _, l := range stack.Listeners {
		o := outcome{listener: l, byPath: map[string]int{}}
		var last *time.Time
		err := pool.QueryRow(ctx, `SELECT ps.polls, ps.last_polled_at, ps.gap_at IS NOT NULL FROM euterpe.poll_state ps
			JOIN euterpe.users u ON u.id = ps.user_id WHERE u.spotify_user_id = $1`, l).Scan(&o.polls, &last, &o.gap)
		if err != nil {
			return fmt.Errorf("day: %s's poll state: %w", l, err)
		}
		if last == nil || !last.After(t0) {
			return fmt.Errorf("day: %s was not polled during the day", l)
		}
		o.lastPolled = *last
		truth, err := sim.History(ctx, l, t0, o.lastPolled)
		if err != nil {
			return err
		}
		want := make([]string, len(truth))
		for i, p := range truth {
			want[i] = fmt.Sprintf("%s@%d", p.TrackID, p.PlayedAt.UnixMilli())
		}
		rows, err := pool.Query(ctx, `SELECT t.spotify_id || '@' || (extract(epoch FROM p.played_at) * 1000)::bigint
			FROM euterpe.plays p JOIN euterpe.tracks t ON t.id = p.track_id JOIN euterpe.users u ON u.id = p.user_id
			WHERE u.spotify_user_id = $1 AND p.played_at > $2 AND p.played_at <= $3`, l, t0, o.lastPolled)
		if err != nil {
			return err
		}
		got, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		slices.Sort(got)
		o.played, o.stored = len(want), len(got)
		for _, p := range want {
			if _, found := slices.BinarySearch(got, p); !found {
				o.lost++
			}
		}
		var recent []stack.LoggedRequest
		for _, r := range log {
			if r.Listener != l {
				continue
			}
			isRecent := strings.HasPrefix(r.Path, "/v1/me/player/recently-played")
			if isRecent {
				recent = append(recent, r)
			}
			if strings.HasPrefix(r.Path, "/v1/") && !r.Started.Before(wall0) && r.Started.Before(wall1) {
				o.webCalls++
				path, _, _ := strings.Cut(strings.TrimPrefix(r.Path, "/v1"), "?")
				o.byPath[path]++
				if isRecent {
					o.recentCalls++
				}
			}
		}
		o.overlaps = overlapping(recent)
		outs = append(outs, o)
	}

	var played, stored, lost, overlaps, worstCalls int
	var worst outcome
	var gaps []string
	var perListener, lostBy []string
	for _, o := range outs {
		played += o.played
		stored += o.stored
		lost += o.lost
		overlaps += len(o.overlaps)
		if o.gap {
			gaps = append(gaps, o.listener)
		}
		perDay := float64(o.webCalls) / days
		if int(perDay+0.999) > worstCalls || worst.listener == "" {
			worstCalls, worst = int(perDay+0.999), o
		}
		perListener = append(perListener, fmt.Sprintf("%s %.0f", o.listener, perDay))
		lostBy = append(lostBy, fmt.Sprintf("%s %d/%d", o.listener, o.lost, o.played))
		b.progress("day: %s: %d played, %d stored, %d lost, %d polls, %d Web API calls (%d recently-played), last poll %s",
			o.listener, o.played, o.stored, o.lost, o.polls, o.webCalls, o.recentCalls, o.lastPolled.Format(time.Stamp))
	}
	refreshes := stats1.TokenGrants["refresh_token"] - stats0.TokenGrants["refresh_token"]
	n := float64(len(stack.Listeners))

	b.table.info(secSimulatedDay, fmt.Sprintf("simulated day: spotify-sim, euterpe serve (workers) and euterpe worker on one clock at %.0f×, Web API at %s",
		clk.Speed, b.opts.latency), fmt.Sprintf("%s in %s; %d listeners signed in, %d plays in the day",
		fmtSimSpan(t1.Sub(t0)), wall1.Sub(wall0).Round(100*time.Millisecond), len(stack.Listeners), played))
	lostNote := ""
	if len(gaps) > 0 {
		lostNote = "; a poll found a whole window new for " + strings.Join(gaps, ", ")
	}
	b.table.check(secSimulatedDay, "  plays lost (stored vs GET /_sim/history over each listener's polled span)",
		fmt.Sprintf("%d of %d, %d stored (%s)%s", lost, played, stored, strings.Join(lostBy, ", "), lostNote), "0",
		lost == 0 && stored == played && len(gaps) == 0 && played > 0)
	b.table.check(secSimulatedDay, fmt.Sprintf("  Spotify Web API calls per listener per day (a fixed 120 s loop makes %d)", fixedLoopCalls),
		fmt.Sprintf("at most %d (%s); %s's: %s", worstCalls, strings.Join(perListener, ", "), worst.listener, describePaths(worst.byPath)),
		fmt.Sprintf("≤ %d", goalCallsPerDay), worstCalls <= goalCallsPerDay)
	b.table.info(secSimulatedDay, "  token refreshes per listener per day",
		fmt.Sprintf("%.1f (%d refresh_token grants for %d listeners)", float64(refreshes)/n/days, refreshes, len(stack.Listeners)))
	var recentTotal int
	var firstOverlap string
	for _, o := range outs {
		for _, r := range log {
			if r.Listener == o.listener && strings.HasPrefix(r.Path, "/v1/me/player/recently-played") {
				recentTotal++
			}
		}
		if len(o.overlaps) > 0 && firstOverlap == "" {
			firstOverlap = "; first: " + o.overlaps[0]
		}
	}
	overlapValue := fmt.Sprintf("none of %d requests", recentTotal)
	if overlaps > 0 {
		overlapValue = fmt.Sprintf("%d overlaps in %d requests%s", overlaps, recentTotal, firstOverlap)
	}
	b.table.check(secSimulatedDay, "  two recently-played requests for one listener in flight at once (/_sim/log)",
		overlapValue, "none", overlaps == 0 && recentTotal > 0)

	return b.dashboardWhilePolling(ctx, app, sim, clk)
}

// dashboardWhilePolling times the cold dashboard as latencyPhase does (a
// fresh login each time, so the cache is empty and the token new), on the
// processes of the simulated day, whose poller keeps polling the five
// listeners meanwhile; each login also enrols walt's poll at once.
func (b *bench) dashboardWhilePolling(ctx context.Context, app *stack.App, sim *stack.Sim, clk clock.Scaled) error {
	type window struct{ from, to time.Time }
	var times []time.Duration
	var windows []window
	for range b.opts.rounds {
		br, err := stack.Login(ctx, app.URL, "walt")
		if err != nil {
			return err
		}
		from := time.Now()
		d, err := br.ViewDashboard(ctx)
		if err != nil {
			return fmt.Errorf("dashboard while polling: %w", err)
		}
		windows = append(windows, window{from, time.Now()})
		times = append(times, d.Elapsed)
		b.progress("cold dashboard while polling: %s (slowest panel %s)", d.Elapsed, slowest(d))
		if err := br.Logout(ctx); err != nil {
			return err
		}
	}
	log, err := sim.Log(ctx, "/v1/me/player/recently-played", "")
	if err != nil {
		return err
	}
	// Polls in flight during the views: every recently-played request that
	// overlapped one, but the view's own (walt's first).
	polls := 0
	for _, w := range windows {
		walt := 0
		for _, r := range log {
			if r.Started.After(w.to) || r.Ended.Before(w.from) {
				continue
			}
			if r.Listener == "walt" {
				walt++
			} else {
				polls++
			}
		}
		polls += max(walt-1, 0)
	}
	sorted := slices.Clone(times)
	slices.Sort(sorted)
	median := sorted[len(sorted)/2]
	factor := float64(median) / float64(b.opts.latency)
	all := make([]string, len(times))
	for i, t := range times {
		all[i] = ms(t)
	}
	b.table.check(secDashboardTime, fmt.Sprintf("  whole cold dashboard while the poller polls the 5 listeners (%.0f× clock, serve + worker)", clk.Speed),
		fmt.Sprintf("%.1f× (median %s of %s; polls in flight during the views: %d)", factor, ms(median), strings.Join(all, ", "), polls),
		fmt.Sprintf("≤ %.0f×", goalDashboardFactor), factor <= goalDashboardFactor)
	return nil
}

// overlapping finds requests that were in flight at the same time, in
// start order.
func overlapping(reqs []stack.LoggedRequest) []string {
	rs := slices.Clone(reqs)
	sort.Slice(rs, func(i, j int) bool { return rs[i].Started.Before(rs[j].Started) })
	var out []string
	var latest time.Time
	for i, r := range rs {
		if i > 0 && r.Started.Before(latest) {
			out = append(out, fmt.Sprintf("%s at %s", r.Listener, r.Started.Format("15:04:05.000000")))
		}
		if r.Ended.After(latest) {
			latest = r.Ended
		}
	}
	return out
}

// waitSim waits until the simulator's clock reads until.
func waitSim(ctx context.Context, sim *stack.Sim, clk clock.Scaled, until time.Time) error {
	for {
		t, err := sim.Now(ctx)
		if err != nil {
			return err
		}
		left := until.Sub(t)
		if left <= 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(min(clk.Real(left)+20*time.Millisecond, 2*time.Second)):
		}
	}
}

// describePaths lists calls by path, most first.
func describePaths(by map[string]int) string {
	type pc struct {
		path string
		n    int
	}
	var all []pc
	for p, n := range by {
		all = append(all, pc{p, n})
	}
	slices.SortFunc(all, func(a, b pc) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return strings.Compare(a.path, b.path)
	})
	parts := make([]string, len(all))
	for i, c := range all {
		parts[i] = fmt.Sprintf("%d× %s", c.n, c.path)
	}
	return strings.Join(parts, ", ")
}

// fmtSimSpan is a simulated span, in hours.
func fmtSimSpan(d time.Duration) string {
	return fmt.Sprintf("%.1f simulated hours", d.Hours())
}
