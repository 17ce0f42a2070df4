package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/euterpe-dev/euterpe/clock"
	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/database/localdb"
	"github.com/euterpe-dev/euterpe/spotify/spotifysim"
	"github.com/euterpe-dev/euterpe/tokencrypt"
)

// demoCmd is `make run`: the whole product on this machine with nothing
// configured. It finds or starts a local PostgreSQL (unless DATABASE_URL is
// set), starts the simulated Spotify, makes throwaway keys, migrates, and
// serves the app pointed at the simulator.
func demoCmd(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	started := time.Now()
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address the app listens on")
	simAddr := fs.String("sim-addr", "127.0.0.1:8090", "address the simulated Spotify listens on")
	dataDir := fs.String("data-dir", ".data", "where a private PostgreSQL cluster is kept when no server is running")
	baseURL := fs.String("base-url", getenv("BASE_URL"), "where people reach the app, when a reverse proxy serves it at a sub-path (BASE_URL), e.g. http://127.0.0.1:8081/euterpe")
	simCfg := spotifysim.DefaultConfig()
	simCfg.BindFlags(fs)
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: demo takes only flags, got %q", errUsage, fs.Arg(0))
	}

	dbURL := getenv("DATABASE_URL")
	where := "DATABASE_URL"
	if dbURL == "" {
		local, err := localdb.Find(ctx, *dataDir)
		if err != nil {
			return err
		}
		defer local.Stop()
		dbURL, where = local.URL, local.Where
	}
	appLn, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("demo: %w (is another euterpe running? pass --addr)", err)
	}
	simLn, err := net.Listen("tcp", *simAddr)
	if err != nil {
		appLn.Close()
		return fmt.Errorf("demo: %w (pass --sim-addr)", err)
	}
	closeBoth := func() { appLn.Close(); simLn.Close() }
	appURL := "http://" + appLn.Addr().String()
	simURL := "http://" + simLn.Addr().String()
	if *baseURL != "" {
		appURL = strings.TrimRight(*baseURL, "/")
	}

	// The simulator registers the app exactly as a Spotify developer would.
	simCfg.RedirectURI = appURL + "/callback"
	sim, err := spotifysim.New(simCfg)
	if err != nil {
		closeBoth()
		return err
	}
	demoEnv, err := demoEnvironment(dbURL, appURL, simURL, simCfg)
	if err != nil {
		closeBoth()
		return err
	}
	// The app lives on the simulator's clock (a faster one with --clock).
	if c, ok := simCfg.Clock.(clock.Scaled); ok {
		demoEnv["EUTERPE_CLOCK"] = c.String()
	}
	if *baseURL != "" {
		demoEnv["BASE_URL"] = appURL
	}
	// Tuning knobs pass through, so benchmarks can run against the demo.
	for _, k := range []string{"DB_MAX_CONNS", "RATE_LIMIT_PER_MINUTE", "LOGIN_RATE_PER_MINUTE", "WORKER_CONCURRENCY", "SPOTIFY_CALLS_PER_30S", "METRICS_TOKEN"} {
		if v := getenv(k); v != "" {
			demoEnv[k] = v
		}
	}
	cfg, err := config.Load(func(k string) string { return demoEnv[k] })
	if err = errors.Join(err, cfg.ValidateServe()); err != nil {
		closeBoth()
		return fmt.Errorf("demo configuration:\n%w", err)
	}
	m, err := database.NewMigrator(ctx, cfg.DatabaseURL, nil)
	if err != nil {
		closeBoth()
		return err
	}
	_, err = m.Up(ctx)
	m.Close()
	if err != nil {
		closeBoth()
		return err
	}

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		return runServer(gctx, &http.Server{Handler: sim, ReadHeaderTimeout: 5 * time.Second}, simLn, nil)
	})
	// The demo listeners' last month of listening, as if Euterpe had been
	// collecting it all along.
	seeded, err := seedDemoHistory(gctx, cfg.DatabaseURL, simURL, sim.Now(), sim.Listeners())
	if err != nil {
		appLn.Close()
		simLn.Close()
		return errors.Join(err, g.Wait())
	}
	fmt.Fprintf(stdout, "\n  Euterpe demo (Spotify is simulated: %d demo listeners, %s mode; %d days of listening history, %d new plays stored)\n  open     %s\n  spotify  %s\n  db       %s\n\n  Ctrl-C stops it.\n\n",
		len(sim.Listeners()), simCfg.Mode, demoHistoryDays, seeded, appURL, simURL, where)
	g.Go(func() error {
		return serve(gctx, cfg, appLn, stderr, started, serveOptions{demo: true, getenv: getenv})
	})
	return g.Wait()
}

// demoEnvironment is the configuration a newcomer would otherwise write by
// hand. The keys are new on every start: tokens and sessions from an earlier
// run become unreadable, and the app asks those users to log in again.
func demoEnvironment(dbURL, appURL, simURL string, sim spotifysim.Config) (map[string]string, error) {
	key, err := tokencrypt.GenerateKey()
	if err != nil {
		return nil, err
	}
	secret, err := tokencrypt.GenerateKey()
	if err != nil {
		return nil, err
	}
	return map[string]string{
		"DATABASE_URL":          dbURL,
		"SECRET_KEY":            strings.TrimRight(secret, "="),
		"ENCRYPTION_KEY":        key,
		"SPOTIFY_CLIENT_ID":     sim.ClientID,
		"SPOTIFY_CLIENT_SECRET": sim.ClientSecret,
		"SPOTIFY_REDIRECT_URI":  appURL + "/callback",
		"SPOTIFY_ACCOUNTS_URL":  simURL,
		"SPOTIFY_API_URL":       simURL + "/v1",
	}, nil
}
