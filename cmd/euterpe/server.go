package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
)

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
