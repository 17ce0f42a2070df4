package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/internal/localdb"
	"github.com/euterpe-dev/euterpe/tokencrypt"
)

// demoCmd is `make run`: the whole product on this machine with nothing
// configured. It finds or starts a local PostgreSQL (unless DATABASE_URL is
// set), makes throwaway keys, migrates and serves.
func demoCmd(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	started := time.Now()
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address the app listens on")
	dataDir := fs.String("data-dir", ".data", "where a private PostgreSQL cluster is kept when no server is running")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
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
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("demo: %w (is another euterpe running? pass --addr)", err)
	}
	appURL := "http://" + ln.Addr().String()

	demoEnv, err := demoEnvironment(dbURL, appURL)
	if err != nil {
		ln.Close()
		return err
	}
	cfg, err := config.Load(func(k string) string { return demoEnv[k] })
	if err = errors.Join(err, cfg.ValidateServe()); err != nil {
		ln.Close()
		return fmt.Errorf("demo configuration:\n%w", err)
	}
	m, err := database.NewMigrator(ctx, cfg.DatabaseURL, nil)
	if err != nil {
		ln.Close()
		return err
	}
	_, err = m.Up(ctx)
	m.Close()
	if err != nil {
		ln.Close()
		return err
	}

	fmt.Fprintf(stdout, "\n  Euterpe demo\n  open  %s\n  db    %s\n\n  Ctrl-C stops it.\n\n", appURL, where)
	return serve(ctx, cfg, ln, stderr, started)
}

// demoEnvironment is the configuration a newcomer would otherwise write by
// hand. The keys are new on every start: tokens and sessions from an earlier
// run become unreadable, and the app asks those users to log in again.
func demoEnvironment(dbURL, appURL string) (map[string]string, error) {
	key, err := tokencrypt.GenerateKey()
	if err != nil {
		return nil, err
	}
	secret, err := tokencrypt.GenerateKey()
	if err != nil {
		return nil, err
	}
	return map[string]string{
		"DATABASE_URL":         dbURL,
		"SECRET_KEY":           strings.TrimRight(secret, "="),
		"ENCRYPTION_KEY":       key,
		"SPOTIFY_CLIENT_ID":    "euterpe-demo",
		"SPOTIFY_REDIRECT_URI": appURL + "/callback",
	}, nil
}
