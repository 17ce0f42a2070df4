package localdb

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestFindUsesRunningServer(t *testing.T) {
	ctx := context.Background()
	if _, err := ensureDB(ctx, "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"); err != nil {
		t.Fatalf("the local PostgreSQL on 127.0.0.1:5432 that make test starts is not answering: %v", err)
	}
	d, err := Find(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.URL, "127.0.0.1:5432/"+DBName) {
		t.Fatalf("URL = %s, want the running server's %s database", d.URL, DBName)
	}
	c, err := pgx.Connect(ctx, d.URL)
	if err != nil {
		t.Fatal(err)
	}
	c.Close(ctx)
	if err := d.Stop(); err != nil {
		t.Fatalf("Stop on a server we did not start: %v", err)
	}
}

// TestPrivateCluster starts a real cluster from the installed binaries, as
// `make run` does on a machine where no server is running.
func TestPrivateCluster(t *testing.T) {
	if _, err := binDir(); err != nil {
		t.Fatalf("PostgreSQL binaries not found: %v", err)
	}
	ctx := context.Background()
	parent := t.TempDir()
	// As root the cluster runs as postgres; t.TempDir's 0700 parents must be
	// made traversable by the code under test, not by the test.
	dir := filepath.Join(parent, "data")
	d, err := startPrivate(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Stop()
	c, err := pgx.Connect(ctx, d.URL)
	if err != nil {
		t.Fatal(err)
	}
	var name string
	if err := c.QueryRow(ctx, "SELECT current_database()").Scan(&name); err != nil || name != DBName {
		t.Fatalf("current_database = %q, %v", name, err)
	}
	c.Close(ctx)

	// A second start finds the running cluster instead of failing.
	again, err := startPrivate(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if again.URL != d.URL {
		t.Fatalf("second start URL %s, want %s", again.URL, d.URL)
	}
	if err := d.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "pgdata", "PG_VERSION")); err != nil {
		t.Fatalf("cluster not under the data dir: %v", err)
	}
	// The next demo starts the same cluster again, keeping its data.
	third, err := startPrivate(ctx, dir)
	if err != nil {
		t.Fatalf("restart of an existing cluster: %v", err)
	}
	defer third.Stop()
	c, err = pgx.Connect(ctx, third.URL)
	if err != nil {
		t.Fatal(err)
	}
	c.Close(ctx)
}
