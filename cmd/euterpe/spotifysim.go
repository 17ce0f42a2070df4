package main

import (
	"context"
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
