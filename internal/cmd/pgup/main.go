// Command pgup makes sure the PostgreSQL server the tests use is answering
// (TEST_DATABASE_URL, by default 127.0.0.1:5432 as user postgres with trust
// auth). When it is not, it starts Debian's cluster with pg_ctlcluster, and
// when PostgreSQL is not installed at all it installs Debian's package (as
// root with apt-get), so `make test` works on a fresh machine.
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/internal/testdb"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "pgup:", err)
		os.Exit(1)
	}
}

func answers(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, testdb.AdminURL())
	if err != nil {
		return err
	}
	return c.Close(ctx)
}

func sh(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}

func run(ctx context.Context) error {
	if answers(ctx) == nil {
		return nil
	}
	clusters, _ := filepath.Glob("/etc/postgresql/*/main")
	if len(clusters) == 0 {
		if _, err := exec.LookPath("apt-get"); err != nil || os.Geteuid() != 0 {
			return fmt.Errorf("no PostgreSQL answers at %s and none is installed; install PostgreSQL (e.g. apt-get install postgresql) or set TEST_DATABASE_URL", testdb.AdminURL())
		}
		fmt.Fprintln(os.Stderr, "pgup: installing PostgreSQL from Debian's packages")
		if err := sh("apt-get", "update", "-qq"); err != nil {
			return err
		}
		if err := sh("apt-get", "install", "-y", "-qq", "postgresql"); err != nil {
			return err
		}
		clusters, _ = filepath.Glob("/etc/postgresql/*/main")
	}
	for _, c := range clusters {
		version := filepath.Base(filepath.Dir(c))
		fmt.Fprintf(os.Stderr, "pgup: starting PostgreSQL %s\n", version)
		_ = sh("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start")
	}
	var err error
	for range 40 {
		if err = answers(ctx); err == nil {
			return nil
		}
		time.Sleep(250 * time.Millisecond)
	}
	return fmt.Errorf("PostgreSQL still does not answer at %s: %w (the tests expect trust auth for user postgres on 127.0.0.1)", testdb.AdminURL(), err)
}
