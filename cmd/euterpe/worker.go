package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/euterpe-dev/euterpe/config"
)

// workerCmd runs the background jobs alone, for an optional worker dyno
// (Procfile: `worker: euterpe worker`); `serve` runs them too by default.
func workerCmd(ctx context.Context, args []string, getenv env, stderr io.Writer) error {
	if len(args) != 0 {
		return fmt.Errorf("%w: euterpe worker takes no arguments; it reads the environment", errUsage)
	}
	cfg, err := config.Load(getenv)
	if err = errors.Join(err, cfg.ValidateServe()); err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	if cfg.WorkerConcurrency == 0 {
		return fmt.Errorf("configuration:\nWORKER_CONCURRENCY: is 0, so a worker would do nothing")
	}
	a, err := newApp(ctx, cfg, stderr, cfg.WorkerConcurrency)
	if err != nil {
		return err
	}
	if err := a.start(ctx); err != nil {
		return err
	}
	a.log.Info("working", "version", version, "workers", cfg.WorkerConcurrency)
	<-ctx.Done()
	a.log.Info("shutting down: finishing jobs in flight")
	a.close()
	a.log.Info("stopped")
	return nil
}
