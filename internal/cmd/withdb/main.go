// Command withdb runs a command against a freshly migrated, throwaway
// database: `withdb VAR -- cmd args…` creates a database on the test server
// (TEST_DATABASE_URL, else the local one), applies Euterpe's migrations, runs
// cmd with VAR set to the database's URL, and drops the database afterwards.
// `make check` uses it for `sqlc vet`, whose rules prepare and EXPLAIN every
// query against the real schema.
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"

	"github.com/euterpe-dev/euterpe/internal/testdb"
)

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "withdb:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) (err error) {
	if len(args) < 3 || args[1] != "--" {
		return fmt.Errorf("usage: withdb VAR -- command [args…]")
	}
	return testdb.WithMigrated(ctx, "euterpe_vet_", func(dbURL string) error {
		cmd := exec.CommandContext(ctx, args[2], args[3:]...)
		cmd.Env = append(os.Environ(), args[0]+"="+dbURL)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
		return cmd.Run()
	})
}
