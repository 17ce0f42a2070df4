// Command withdb runs a command against a freshly migrated, throwaway
// database: `withdb VAR -- cmd args…` creates a database on the test server
// (TEST_DATABASE_URL, else the local one), applies Euterpe's migrations, runs
// cmd with VAR set to the database's URL, and drops the database afterwards.
// `make check` uses it for `sqlc vet`, whose rules prepare and EXPLAIN every
// query against the real schema.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"

	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/database"
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
	admin, err := pgx.Connect(ctx, testdb.AdminURL())
	if err != nil {
		return fmt.Errorf("connect to %s: %w", testdb.AdminURL(), err)
	}
	defer admin.Close(ctx)
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "euterpe_vet_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return err
	}
	defer func() {
		if _, derr := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); derr != nil && err == nil {
			err = derr
		}
	}()
	u, _ := url.Parse(testdb.AdminURL())
	u.Path = "/" + name
	m, err := database.NewMigrator(ctx, u.String(), nil)
	if err != nil {
		return err
	}
	_, err = m.Up(ctx)
	m.Close()
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, args[2], args[3:]...)
	cmd.Env = append(os.Environ(), args[0]+"="+u.String())
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	return cmd.Run()
}
