// Command bench is `make bench`: it builds euterpe, starts the simulated
// Spotify and the app as separate processes on a throwaway database, signs
// in the demo listeners, drives load from this process, and prints one table
// of figures, all measured in this run, against Euterpe's goals.
//
// It needs Go and a PostgreSQL server with trust auth (TEST_DATABASE_URL,
// by default postgres://postgres@127.0.0.1:5432/postgres); it creates its
// database there and drops it at the end. All traffic stays on 127.0.0.1.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		if errors.Is(err, errGoalsMissed) {
			os.Exit(3)
		}
		os.Exit(1)
	}
}

// errGoalsMissed: the bench ran, and the table shows a goal not met.
var errGoalsMissed = errors.New("one or more goals missed (see the table)")

// options are the bench's knobs; the defaults are what the README's table
// was measured with.
type options struct {
	adminURL string
	duration time.Duration // each measured load phase
	warmup   time.Duration // load before each measured phase, not counted
	clients  int           // concurrent clients for the throughput phases
	crowd    int           // concurrent clients for the connection-cap phase
	latency  time.Duration // the simulator's latency for the dashboard-time phase
	rounds   int           // cold dashboard views at that latency
	keep     bool          // keep the temp dir (binary, logs)
	verbose  bool
	budget   time.Duration // the whole run, but for generating the history database
	appEnv   envFlag       // extra environment for the app (experiments: GOMEMLIMIT, DB_MAX_CONNS…)
	phases   phaseFlag     // which parts run (all by default)

	dropCache     bool    // drop the cached history database and exit
	historyDB     string  // read this generated database instead of the cache's (experiments)
	historyRounds int     // measured rounds over the History page
	daySpeed      float64 // the shared clock's speed in the simulated day
	day           time.Duration
}

// The bench's parts, in the order they run.
var allPhases = []string{"load", "latency", "history", "day", "import", "share"}

// phaseFlag is the -phases list.
type phaseFlag map[string]bool

func (p phaseFlag) String() string {
	var on []string
	for _, name := range allPhases {
		if p[name] {
			on = append(on, name)
		}
	}
	return strings.Join(on, ",")
}

func (p phaseFlag) Set(v string) error {
	clear(p)
	for _, name := range strings.Split(v, ",") {
		if !slices.Contains(allPhases, name) {
			return fmt.Errorf("unknown phase %q (have %s)", name, strings.Join(allPhases, ", "))
		}
		p[name] = true
	}
	return nil
}

// envFlag collects repeated -app-env NAME=VALUE flags.
type envFlag map[string]string

func (e envFlag) String() string { return fmt.Sprint(map[string]string(e)) }

func (e envFlag) Set(v string) error {
	name, value, ok := strings.Cut(v, "=")
	if !ok || name == "" {
		return fmt.Errorf("want NAME=VALUE, got %q", v)
	}
	e[name] = value
	return nil
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	o := options{adminURL: os.Getenv("TEST_DATABASE_URL"), appEnv: envFlag{}, phases: phaseFlag{}}
	for _, name := range allPhases {
		o.phases[name] = true
	}
	if o.adminURL == "" {
		o.adminURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.DurationVar(&o.duration, "duration", 5*time.Second, "length of each measured load phase")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "unmeasured load before each phase")
	fs.IntVar(&o.clients, "clients", 32, "concurrent clients in the throughput phases")
	fs.IntVar(&o.crowd, "crowd", 500, "concurrent clients in the connection-cap phase")
	fs.DurationVar(&o.latency, "latency", 150*time.Millisecond, "the simulator's latency in the dashboard-time phase")
	fs.IntVar(&o.rounds, "rounds", 3, "cold dashboard views at that latency (the median is reported)")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary directory (binary and process logs)")
	fs.BoolVar(&o.verbose, "v", false, "print progress and details")
	fs.DurationVar(&o.budget, "budget", 15*time.Minute, "give up after this long (generating the history database is not counted; the import phase alone takes about 6 minutes on 2 cores)")
	fs.Var(o.phases, "phases", "the parts to run, comma-separated: "+strings.Join(allPhases, ","))
	fs.BoolVar(&o.dropCache, "drop-cache", false, "drop the cached history database(s) ("+historyDBPrefix+"*) and exit")
	fs.StringVar(&o.historyDB, "history-db", "", "measure History on this already generated database (e.g. one of an earlier schema), not the cache")
	fs.IntVar(&o.historyRounds, "history-rounds", 20, "measured rounds over every History panel and range")
	fs.Float64Var(&o.daySpeed, "day-speed", 1440, "the shared clock's speed in the simulated day (1440: a day in a minute)")
	fs.DurationVar(&o.day, "day", 24*time.Hour, "the simulated time the listeners are polled for")
	fs.Var(o.appEnv, "app-env", "NAME=VALUE added to the app's environment (repeatable), to try a setting")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if o.dropCache {
		return dropHistoryDBs(ctx, o.adminURL, stdout)
	}
	b := &bench{opts: o, log: stderr}
	started, where := time.Now(), machine() // the load average before the bench adds its own
	err = b.run(ctx)
	b.cleanup()
	if err != nil {
		return err
	}
	b.table.print(stdout, where, time.Since(started))
	if b.table.failed() {
		return errGoalsMissed
	}
	return nil
}
