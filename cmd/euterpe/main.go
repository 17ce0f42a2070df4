// Command euterpe is the whole product in one binary: the web server, its
// migrations (run by Heroku's release phase) and the operator's tools.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	// The binary carries the time zones and the roots it trusts, so the
	// image can be FROM scratch (no /usr/share/zoneinfo, no /etc/ssl):
	// zones work and Spotify's certificate verifies anywhere. The system's
	// are used where there are some.
	_ "time/tzdata"

	_ "golang.org/x/crypto/x509roots/fallback"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "euterpe:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// errUsage marks a command line we do not understand.
var errUsage = errors.New("usage")

const usage = `Usage: euterpe <command> [arguments]

Commands:
  demo                     the whole product locally with nothing configured (make run)
  serve                    run the web server and the background jobs (reads the environment; see README)
  worker                   run the background jobs alone (an optional worker dyno)
  spotify-sim              run the simulated Spotify alone (--addr, --latency, --mode, …)
  migrate up|down|status   apply, roll back one, or list the database migrations
  users count|list         how many users signed in; who, when last seen, plays stored
  users delete ID          delete a user (Euterpe or Spotify id) and everything stored about them
  keygen                   print a new ENCRYPTION_KEY (a Fernet key)
  healthcheck [--url URL]  exit 0 when the server on PORT (under BASE_URL's path) answers healthy, else 1
  rotate-keys              re-encrypt every stored token with the first ENCRYPTION_KEY
`

// env is how commands read the environment: os.Getenv in production, a map
// in tests.
type env = func(string) string

// run dispatches a command line. It is main without the process: tests call
// it with their own arguments, environment and output.
func run(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: no command given", errUsage)
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "demo":
		return demoCmd(ctx, rest, getenv, stdout, stderr)
	case "spotify-sim":
		return spotifySimCmd(ctx, rest, stdout, stderr)
	case "serve":
		return serveCmd(ctx, rest, getenv, stderr)
	case "worker":
		return workerCmd(ctx, rest, getenv, stderr)
	case "migrate":
		return migrateCmd(ctx, rest, getenv, stdout, stderr)
	case "users":
		return usersCmd(ctx, rest, getenv, stdout)
	case "rotate-keys":
		return rotateKeysCmd(ctx, rest, getenv, stdout)
	case "keygen":
		return keygenCmd(stdout)
	case "healthcheck":
		return healthcheckCmd(ctx, rest, getenv, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: unknown command %q", errUsage, cmd)
	}
}
