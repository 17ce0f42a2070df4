package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/euterpe-dev/euterpe/spotify/spotifysim"
)

// spotifySimCmd runs the simulated Spotify on its own, for pointing an app
// (SPOTIFY_ACCOUNTS_URL, SPOTIFY_API_URL) at it, or for benchmarks.
func spotifySimCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("spotify-sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8090", "address to listen on")
	cfg := spotifysim.DefaultConfig()
	cfg.BindFlags(fs)
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	sim, err := spotifysim.New(cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("spotify-sim: %w", err)
	}
	fmt.Fprintf(stdout, "simulated Spotify on http://%s (accounts at /authorize and /api/token, Web API at /v1, control at /_sim)\n", ln.Addr())
	return runServer(ctx, &http.Server{Handler: sim, ReadHeaderTimeout: 5 * time.Second}, ln, nil)
}

// runServer serves on ln until ctx ends, then drains requests in flight for
// up to shutdownGrace (Heroku kills 30 s after SIGTERM). draining, when not
// nil, is called as the drain starts.
func runServer(ctx context.Context, srv *http.Server, ln net.Listener, draining func()) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	if draining != nil {
		draining()
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
