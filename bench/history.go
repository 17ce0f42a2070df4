package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/bench/stack"
	"github.com/euterpe-dev/euterpe/clock"
	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/panels"
)

// goalHistoryP95 is the most a History panel may take at the 95th
// percentile, in server time, over a million plays.
const goalHistoryP95 = 50 * time.Millisecond

// historyPreset is a range the History page is read over.
type historyPreset struct {
	label string
	query url.Values
}

// historyPresets are three of the page's presets and a custom range with
// ragged ends (whole years 2020–2022, the months around them, and days at
// both ends read from the plays).
func historyPresets() []historyPreset {
	return []historyPreset{
		{"all_time", url.Values{"period": {"all_time"}}},
		{"this_year", url.Values{"period": {"this_year"}}},
		{"last_365_days", url.Values{"period": {"last_365_days"}}},
		{"2019-03-17…2023-08-09", url.Values{"from": {"2019-03-17"}, "to": {"2023-08-09"}}},
	}
}

// historyTarget is one answer the History page needs from the server.
type historyTarget struct {
	name  string
	path  func(q url.Values) string // q is the preset's; nil for the item pages' fixed path
	fixed string
	htmx  bool
	goal  bool // p95 ≤ goalHistoryP95
}

func withQuery(base string, q url.Values, extra ...string) string {
	q2 := url.Values{}
	for k, v := range q {
		q2[k] = v
	}
	for i := 0; i+1 < len(extra); i += 2 {
		q2.Set(extra[i], extra[i+1])
	}
	return base + "?" + q2.Encode()
}

// historyTargets are the page, every History panel (the top lists by plays
// and by minutes), /history.json, and the pages of the listener's most
// played track, artist and album.
func historyTargets(items map[history.Kind]int64) []historyTarget {
	ts := []historyTarget{{name: "/history (the page)", path: func(q url.Values) string { return withQuery("/history", q) }, goal: true}}
	for _, p := range panels.History().All() {
		base := "/history/panels/" + url.PathEscape(p.ID)
		ts = append(ts, historyTarget{name: "panel " + p.ID, htmx: true, goal: true,
			path: func(q url.Values) string { return withQuery(base, q) }})
		if strings.HasPrefix(p.ID, "top-") {
			ts = append(ts, historyTarget{name: "panel " + p.ID + " by minutes", htmx: true, goal: true,
				path: func(q url.Values) string { return withQuery(base, q, "by", "minutes") }})
		}
	}
	ts = append(ts, historyTarget{name: "/history.json (every panel's data in one answer)",
		path: func(q url.Values) string { return withQuery("/history.json", q) }})
	for _, k := range history.Kinds() {
		ts = append(ts, historyTarget{name: fmt.Sprintf("item page, most played %s", strings.TrimSuffix(string(k), "s")),
			fixed: history.ItemURL(k, items[k]), goal: true})
	}
	return ts
}

// accessLine is the app's access log entry of a request the bench tagged.
var accessLine = regexp.MustCompile(`request_id=(bench-\S+) status=(\d+) bytes=\d+ duration=(\S+)`)

// serverTimes reads the app's log for the durations of tagged requests.
func serverTimes(log string) map[string]time.Duration {
	out := map[string]time.Duration{}
	for _, m := range accessLine.FindAllStringSubmatch(log, -1) {
		if d, err := time.ParseDuration(m[3]); err == nil {
			out[m[1]] = d
		}
	}
	return out
}

// historyPhase measures the History page of the million-play listener
// through a real `euterpe serve` on the generated history, then finds the
// slowest query in-process and explains it.
func (b *bench) historyPhase(ctx context.Context, hdb historyDB) error {
	pool, err := database.Open(ctx, hdb.url, database.PoolOptions{MaxConns: 4})
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	defer pool.Close()
	var heavy uuid.UUID
	if err := pool.QueryRow(ctx, `SELECT id FROM euterpe.users WHERE spotify_user_id = $1`, heavyListener).Scan(&heavy); err != nil {
		return fmt.Errorf("history: the heavy listener: %w", err)
	}
	items := map[history.Kind]int64{}
	for _, k := range history.Kinds() {
		code := map[history.Kind]string{history.Tracks: "t", history.Artists: "a", history.Albums: "l"}[k]
		var id int64
		if err := pool.QueryRow(ctx, `SELECT item_id FROM euterpe.play_totals WHERE user_id = $1 AND kind = $2 AND period = 'a'
			ORDER BY plays DESC, item_id LIMIT 1`, heavy, code).Scan(&id); err != nil {
			return fmt.Errorf("history: most played %s: %w", k, err)
		}
		items[k] = id
	}

	// The listener has no Spotify account to log in with: their session is
	// made as a login makes it, and ended at the end.
	sessions := auth.New(auth.Options{Log: slog.New(slog.DiscardHandler), Pool: pool, Config: config.Config{SecretKeys: []string{stack.SecretKey}}})
	session, err := sessions.CreateSession(ctx, heavy)
	if err != nil {
		return err
	}
	defer func() {
		dctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = sessions.EndSession(dctx, session)
	}()

	// The app lives at the generated history's present; it runs no jobs,
	// and needs no Spotify (the History page never calls it).
	env := map[string]string{"WORKER_CONCURRENCY": "0",
		"EUTERPE_CLOCK": clock.Scaled{Speed: 1, Start: historyNow, Anchor: time.Now()}.String()}
	for k, v := range b.opts.appEnv {
		env[k] = v
	}
	app, err := stack.StartApp(b.bin, stack.AppOptions{DatabaseURL: hdb.url, SimURL: "http://127.0.0.1:9",
		EncryptionKey: b.key, Env: env, LogDir: b.tmp})
	if err != nil {
		return err
	}
	b.atCleanup(func() { _ = app.Stop(stopGrace) })
	br := stack.SignedIn(app.URL, heavyListener, session, 1)

	presets := historyPresets()
	targets := historyTargets(items)
	type key struct{ target, preset int }
	tags := map[string]key{}
	seq := 0
	get := func(t historyTarget, ti, pi int, measured bool) error {
		path := t.fixed
		if t.path != nil {
			path = t.path(presets[pi].query)
		}
		seq++
		tag := fmt.Sprintf("bench-h%d", seq)
		h := http.Header{"X-Request-Id": {tag}}
		if t.htmx {
			h.Set("HX-Request", "true")
		}
		r := br.GetWith(ctx, path, h)
		switch {
		case r.Err != nil:
			return fmt.Errorf("history: %s: %w", path, r.Err)
		case r.Status != http.StatusOK:
			return fmt.Errorf("history: %s: status %d: %.300s", path, r.Status, r.Body)
		case strings.Contains(string(r.Body), "panel--error"):
			return fmt.Errorf("history: %s shows its error state", path)
		}
		if measured {
			tags[tag] = key{ti, pi}
		}
		return nil
	}
	round := func(measured bool) error {
		for ti, t := range targets {
			for pi := range presets {
				if t.path == nil && pi > 0 {
					continue // an item page has no range
				}
				if err := get(t, ti, pi, measured); err != nil {
					return err
				}
			}
		}
		return nil
	}
	// One round warms the caches (PostgreSQL's and the app's prepared
	// statements), then the measured rounds, for at most historyBudget.
	if err := round(false); err != nil {
		return err
	}
	started := time.Now()
	rounds := 0
	for rounds < b.opts.historyRounds && (rounds < 5 || time.Since(started) < historyBudget) {
		if err := round(true); err != nil {
			return err
		}
		rounds++
	}
	b.progress("history: %d rounds of %d requests in %s", rounds, len(tags)/max(rounds, 1), time.Since(started).Round(time.Millisecond))

	// Server time: what the app's access log says each request took.
	// The app logs a request once its handler has returned, which may be
	// just after the client has the answer.
	var times map[string]time.Duration
	for range 100 {
		times = serverTimes(app.Logs())
		missing := 0
		for tag := range tags {
			if _, ok := times[tag]; !ok {
				missing++
			}
		}
		if missing == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	samples := map[key][]time.Duration{}
	for tag, k := range tags {
		d, ok := times[tag]
		if !ok {
			return fmt.Errorf("history: request %s is not in the app's access log", tag)
		}
		samples[k] = append(samples[k], d)
	}

	header := make([]string, len(presets))
	for i, p := range presets {
		header[i] = p.label
	}
	status := fmt.Sprintf("reused %s", hdb.name)
	if hdb.generated > 0 {
		status = fmt.Sprintf("generated in this run in %s (%s, kept for later runs)", hdb.generated.Round(time.Second), hdb.name)
	}
	b.table.info(secHistory, fmt.Sprintf("History, %s plays of one listener (+%d listeners × %s in the same tables)",
		thousands(heavyPlays), otherUsers, thousands(otherPlays)), status)
	b.table.info(secHistory, fmt.Sprintf("  server time p50/p95 in ms (%d rounds, 1 client): %s", rounds, strings.Join(header, " | ")), "")
	type worst struct {
		name string
		p95  time.Duration
	}
	var slowest worst
	for ti, t := range targets {
		var cells []string
		var p95 time.Duration
		for pi := range presets {
			s := samples[key{ti, pi}]
			if len(s) == 0 {
				continue
			}
			slices.Sort(s)
			p50, p := pct(s, 50), pct(s, 95)
			p95 = max(p95, p)
			cells = append(cells, fmt.Sprintf("%s/%s", msNum(p50), msNum(p)))
			if t.goal && p > slowest.p95 {
				label := t.name
				if t.path != nil {
					label += ", " + presets[pi].label
				}
				slowest = worst{label, p}
			}
		}
		value := strings.Join(cells, " | ")
		if t.goal {
			b.table.check(secHistory, "    "+t.name, value, fmt.Sprintf("p95 ≤ %d ms", goalHistoryP95.Milliseconds()), p95 <= goalHistoryP95)
		} else {
			b.table.info(secHistory, "    "+t.name, value)
		}
	}
	b.table.info(secHistory, "  slowest of them at p95", fmt.Sprintf("%s: %s", slowest.name, ms(slowest.p95)))

	// The whole page as a browser loads it: the page, then its panels over
	// six connections at once.
	var views []string
	for _, p := range presets {
		var ts []time.Duration
		for range 3 {
			d, err := stack.SignedIn(app.URL, heavyListener, session, stack.BrowserConns).ViewPage(ctx, withQuery("/history", p.query))
			if err != nil {
				return fmt.Errorf("history page %s: %w", p.label, err)
			}
			ts = append(ts, d.Elapsed)
		}
		slices.Sort(ts)
		views = append(views, msNum(ts[1]))
	}
	b.table.info(secHistory, "  whole History page (page + panels, 6 connections like a browser), median of 3, ms", strings.Join(views, " | "))

	if err := b.historyStorage(ctx, pool); err != nil {
		return err
	}
	if err := app.Stop(stopGrace); err != nil {
		return err
	}
	return b.explainSlowest(ctx, hdb, heavy, items)
}

// historyBudget bounds the measured rounds.
const historyBudget = 40 * time.Second

// historyStorage reports what the plays and their summaries take on disk,
// per million plays.
func (b *bench) historyStorage(ctx context.Context, pool *database.Pool) error {
	var plays, playsBytes, totals, hours, sessions int64
	err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM euterpe.plays),
		pg_total_relation_size('euterpe.plays'), pg_total_relation_size('euterpe.play_totals'),
		pg_total_relation_size('euterpe.play_hours'), pg_total_relation_size('euterpe.listening_sessions')`).
		Scan(&plays, &playsBytes, &totals, &hours, &sessions)
	if err != nil {
		return fmt.Errorf("history: sizes: %w", err)
	}
	millions := float64(plays) / 1e6
	per := func(n int64) string { return fmt.Sprintf("%.0f", float64(n)/1e6/millions) }
	b.table.info(secHistory, "  table + index bytes per million plays (all listeners)",
		fmt.Sprintf("plays %s MB + summaries %s MB (play_totals %s, play_hours %s, listening_sessions %s); %.2f M plays, %.2f GB",
			per(playsBytes), per(totals+hours+sessions), per(totals), per(hours), per(sessions), millions,
			float64(playsBytes+totals+hours+sessions)/1e9))
	return nil
}

// queryTracer records every query a pool runs, with its arguments and how
// long it took.
type queryTracer struct {
	mu      sync.Mutex
	label   string
	records []tracedQuery
}

type tracedQuery struct {
	label string // what the bench was reading
	sql   string
	args  []any
	took  time.Duration
}

type traceStart struct {
	sql   string
	args  []any
	start time.Time
}

type traceKey struct{}

func (t *queryTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	return context.WithValue(ctx, traceKey{}, traceStart{d.SQL, d.Args, time.Now()})
}

func (t *queryTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryEndData) {
	s, ok := ctx.Value(traceKey{}).(traceStart)
	if !ok || d.Err != nil {
		return
	}
	t.mu.Lock()
	t.records = append(t.records, tracedQuery{t.label, s.sql, s.args, time.Since(s.start)})
	t.mu.Unlock()
}

func (t *queryTracer) setLabel(l string) {
	t.mu.Lock()
	t.label = l
	t.mu.Unlock()
}

// queryName is sqlc's name for a query ("-- name: TopItems :many").
func queryName(sql string) string {
	if rest, ok := strings.CutPrefix(sql, "-- name: "); ok {
		if name, _, ok := strings.Cut(rest, " "); ok {
			return name
		}
	}
	first, _, _ := strings.Cut(strings.TrimSpace(sql), "\n")
	return first
}

// explainSlowest reads every panel and item page in-process through the
// History service (the same code the app runs) on a pool that times each
// query, then shows the plan of the slowest as the app's connections run
// it: a prepared statement, executed five times first so PostgreSQL may
// switch to its generic plan.
func (b *bench) explainSlowest(ctx context.Context, hdb historyDB, heavy uuid.UUID, items map[history.Kind]int64) error {
	tracer := &queryTracer{}
	// As the app's pool: the statements are prepared once per connection.
	pool, err := database.Open(ctx, hdb.url, database.PoolOptions{MaxConns: 1, Tracer: tracer})
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	defer pool.Close()
	svc := history.NewService(history.Options{Log: slog.New(slog.DiscardHandler), Pool: pool, Now: func() time.Time { return historyNow }})
	for pass := range 3 {
		for _, p := range historyPresets() {
			v, zone, err := svc.ViewFor(ctx, heavy, p.query)
			if err != nil {
				return err
			}
			for _, panel := range panels.History().All() {
				for _, by := range []string{"plays", "minutes"} {
					if by == "minutes" && !strings.HasPrefix(panel.ID, "top-") {
						continue
					}
					q := url.Values{"by": {by}}
					in, err := panels.ParseHistoryInput(svc, v, q)
					if err != nil {
						return err
					}
					tracer.setLabel(fmt.Sprintf("panel %s by %s, %s", panel.ID, by, p.label))
					if _, err := panel.Load(ctx, in); err != nil {
						return fmt.Errorf("history: in-process %s: %w", panel.ID, err)
					}
				}
			}
			if pass == 0 && p.label != "all_time" {
				continue
			}
			for _, k := range history.Kinds() {
				tracer.setLabel(fmt.Sprintf("item page of the most played %s", strings.TrimSuffix(string(k), "s")))
				if _, err := svc.ItemFor(ctx, heavy, zone.Loc, k, items[k]); err != nil {
					return fmt.Errorf("history: in-process item: %w", err)
				}
			}
		}
	}
	tracer.setLabel("")
	// The slowest: the query and arguments with the highest median.
	type group struct {
		q     tracedQuery
		times []time.Duration
	}
	groups := map[string]*group{}
	var order []string
	for _, r := range tracer.records {
		k := r.sql + fmt.Sprint(r.args)
		g, ok := groups[k]
		if !ok {
			g = &group{q: r}
			groups[k] = g
			order = append(order, k)
		}
		g.times = append(g.times, r.took)
	}
	var slow *group
	var slowMedian time.Duration
	for _, k := range order {
		g := groups[k]
		slices.Sort(g.times)
		if m := g.times[len(g.times)/2]; m > slowMedian {
			slow, slowMedian = g, m
		}
	}
	if slow == nil {
		return errors.New("history: no queries traced")
	}
	// The slowest few, for the appendix: where a panel's time goes.
	type ranked struct {
		name, label string
		median      time.Duration
	}
	var all []ranked
	for _, k := range order {
		g := groups[k]
		all = append(all, ranked{queryName(g.q.sql), g.q.label, g.times[len(g.times)/2]})
	}
	slices.SortFunc(all, func(a, b ranked) int { return int(b.median - a.median) })
	if b.opts.verbose {
		byLabel := slices.Clone(all)
		slices.SortStableFunc(byLabel, func(a, b ranked) int { return strings.Compare(a.label, b.label) })
		for _, r := range byLabel {
			b.progress("history query %8s  %-22s %s", ms(r.median), r.name, r.label)
		}
	}
	var top []string
	for _, r := range all[:min(12, len(all))] {
		top = append(top, fmt.Sprintf("  %8s  %-22s %s", ms(r.median), r.name, r.label))
	}
	b.table.appendix = append(b.table.appendix, fmt.Sprintf(
		"The slowest History queries, in-process (median of %d runs each; %d distinct queries in all):\n%s",
		3, len(all), strings.Join(top, "\n")))

	plan, generic, err := explainPrepared(ctx, pool, slow.q.sql, slow.q.args)
	if err != nil {
		return err
	}
	b.table.info(secHistory, "  slowest query (in-process, the same code; plan below the table)",
		fmt.Sprintf("%s for %s: median %s of %d", queryName(slow.q.sql), slow.q.label, ms(slowMedian), len(slow.times)))
	kind := "custom plan"
	if generic {
		kind = "generic plan"
	}
	var args []string
	for _, a := range slow.q.args {
		switch v := a.(type) {
		case time.Time:
			args = append(args, v.UTC().Format(time.RFC3339))
		default:
			args = append(args, fmt.Sprint(v))
		}
	}
	b.table.appendix = append(b.table.appendix, fmt.Sprintf(
		"Slowest History query: %s (%s), median %s in-process; arguments %s\n"+
			"EXPLAIN (ANALYZE, BUFFERS) of its prepared statement after five executions (%s, as the app's connections run it):\n\n%s",
		queryName(slow.q.sql), slow.q.label, ms(slowMedian), strings.Join(args, ", "), kind, plan))
	return nil
}

// explainPrepared prepares sql as the app's driver does, runs it five times
// with args, then explains the sixth run; generic reports whether
// PostgreSQL used the generic plan for it.
func explainPrepared(ctx context.Context, pool *database.Pool, sql string, args []any) (plan string, generic bool, err error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return "", false, err
	}
	defer conn.Release()
	c := conn.Conn()
	if _, err := c.Exec(ctx, "DEALLOCATE ALL"); err != nil {
		return "", false, err
	}
	if _, err := c.Exec(ctx, "PREPARE bench_slowest AS "+sql); err != nil {
		return "", false, fmt.Errorf("history: prepare: %w", err)
	}
	var types []string
	if err := c.QueryRow(ctx, `SELECT parameter_types::text[] FROM pg_prepared_statements WHERE name = 'bench_slowest'`).Scan(&types); err != nil {
		return "", false, err
	}
	if len(types) != len(args) {
		return "", false, fmt.Errorf("history: the statement takes %d parameters, the trace has %d", len(types), len(args))
	}
	// EXECUTE's arguments are not parameters of the statement around it:
	// they go in as literals.
	params := make([]string, len(types))
	for i, t := range types {
		lit, err := sqlLiteral(args[i])
		if err != nil {
			return "", false, err
		}
		params[i] = lit + "::" + t
	}
	execute := "EXECUTE bench_slowest(" + strings.Join(params, ", ") + ")"
	for range 5 {
		rows, err := c.Query(ctx, execute)
		if err != nil {
			return "", false, err
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return "", false, fmt.Errorf("history: execute: %w", err)
		}
	}
	var before int64
	if err := c.QueryRow(ctx, `SELECT generic_plans FROM pg_prepared_statements WHERE name = 'bench_slowest'`).Scan(&before); err != nil {
		return "", false, err
	}
	rows, err := c.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+execute)
	if err != nil {
		return "", false, fmt.Errorf("history: explain: %w", err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return "", false, fmt.Errorf("history: explain: %w", err)
	}
	var after int64
	if err := c.QueryRow(ctx, `SELECT generic_plans FROM pg_prepared_statements WHERE name = 'bench_slowest'`).Scan(&after); err != nil {
		return "", false, err
	}
	_, _ = c.Exec(ctx, "DEALLOCATE bench_slowest")
	return strings.Join(lines, "\n"), after > before, nil
}

// sqlLiteral writes a query argument as SQL text.
func sqlLiteral(v any) (string, error) {
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	switch x := v.(type) {
	case nil:
		return "NULL", nil
	case string:
		return quote(x), nil
	case bool:
		return strconv.FormatBool(x), nil
	case int, int16, int32, int64:
		return fmt.Sprint(x), nil
	case time.Time:
		return quote(x.Format("2006-01-02 15:04:05.999999999Z07:00")), nil
	case uuid.UUID:
		return quote(x.String()), nil
	case fmt.Stringer:
		return quote(x.String()), nil
	}
	return "", fmt.Errorf("history: no SQL literal for %T", v)
}

func pct(sorted []time.Duration, p float64) time.Duration {
	return sorted[int(float64(len(sorted)-1)*p/100)]
}

// msNum is a duration in milliseconds without the unit, for dense cells.
func msNum(d time.Duration) string {
	f := float64(d) / float64(time.Millisecond)
	switch {
	case f < 10:
		return strconv.FormatFloat(f, 'f', 1, 64)
	default:
		return strconv.FormatFloat(f, 'f', 0, 64)
	}
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	var out []string
	for len(s) > 3 {
		out = append([]string{s[len(s)-3:]}, out...)
		s = s[:len(s)-3]
	}
	return strings.Join(append([]string{s}, out...), ",")
}
