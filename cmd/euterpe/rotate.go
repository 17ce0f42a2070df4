package main

import (
	"context"
	"fmt"
	"io"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/database"
)

// rotateKeysCmd re-encrypts every stored token with the first key of
// ENCRYPTION_KEY. Rotation: set ENCRYPTION_KEY="NEW,OLD", deploy, run this,
// then drop OLD.
func rotateKeysCmd(ctx context.Context, args []string, getenv env, stdout io.Writer) error {
	if len(args) != 0 {
		return fmt.Errorf("%w: euterpe rotate-keys takes no arguments; it reads DATABASE_URL and ENCRYPTION_KEY", errUsage)
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	if cfg.Keys == nil {
		return fmt.Errorf("configuration:\nENCRYPTION_KEY: is required (the new key first, then the old ones)")
	}
	pool, err := database.Open(ctx, cfg.DatabaseURL, database.PoolOptions{MaxConns: 2})
	if err != nil {
		return err
	}
	defer pool.Close()
	rep, err := auth.RotateKeys(ctx, pool, cfg.Keys, 500)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "rotate-keys: re-encrypted %d, skipped %d (already under the first key), unreadable %d\n",
		rep.Reencrypted, rep.Skipped, rep.Unreadable)
	return err
}
