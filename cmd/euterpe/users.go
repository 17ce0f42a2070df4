package main

import (
	"context"
	"fmt"
	"io"

	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/db"
)

func usersCmd(ctx context.Context, args []string, getenv env, stdout io.Writer) error {
	if len(args) != 1 || args[0] != "count" {
		return fmt.Errorf("%w: euterpe users count", errUsage)
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	pool, err := database.Open(ctx, cfg.DatabaseURL, database.PoolOptions{MaxConns: 1})
	if err != nil {
		return err
	}
	defer pool.Close()
	n, err := db.New(pool).CountUsers(ctx)
	if err != nil {
		return fmt.Errorf("users: count: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "Users: %d\n", n)
	return err
}
