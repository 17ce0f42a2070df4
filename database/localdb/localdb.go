// Package localdb finds a PostgreSQL for the demo when no DATABASE_URL is
// given: a server already answering on 127.0.0.1:5432, or else a private
// cluster it creates and starts under a directory of the project's own from
// the installed PostgreSQL binaries.
package localdb

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// DBName is the database the demo uses.
const DBName = "euterpe"

// privatePort is where the private cluster listens, off the standard port so
// it never collides with a system server started later.
const privatePort = 54329

// ErrNoPostgres means neither a running server nor PostgreSQL's binaries were
// found.
var ErrNoPostgres = errors.New(`no PostgreSQL found.
Install it and run again, e.g.:
  Debian/Ubuntu:  sudo apt-get install postgresql
  macOS:          brew install postgresql@17 && brew services start postgresql@17
or point DATABASE_URL at any PostgreSQL 13+ database`)

// Database is a local database ready for Euterpe.
type Database struct {
	URL string
	// Stop shuts down a private cluster this package started; it is a no-op
	// for a server that was already running.
	Stop func() error
	// Where says, for the demo's banner, which database is in use.
	Where string
}

// Find returns a database named euterpe, creating it when missing.
func Find(ctx context.Context, dataDir string) (Database, error) {
	for _, u := range candidateUsers() {
		admin := fmt.Sprintf("postgres://%s@127.0.0.1:5432/postgres?sslmode=disable&connect_timeout=2", url.User(u).String())
		if dbURL, err := ensureDB(ctx, admin); err == nil {
			return Database{URL: dbURL, Stop: func() error { return nil }, Where: "the PostgreSQL server on 127.0.0.1:5432"}, nil
		}
	}
	return startPrivate(ctx, dataDir)
}

// candidateUsers are the roles a local trust-auth server usually has.
func candidateUsers() []string {
	users := []string{"postgres"}
	if u := os.Getenv("PGUSER"); u != "" {
		users = append([]string{u}, users...)
	}
	if cu, err := user.Current(); err == nil && cu.Username != "postgres" && cu.Username != "root" {
		users = append(users, cu.Username)
	}
	return users
}

// ensureDB connects with adminURL and creates the euterpe database if it is
// missing, returning its URL.
func ensureDB(ctx context.Context, adminURL string) (string, error) {
	cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	conn, err := pgx.Connect(cctx, adminURL)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(cctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", DBName).Scan(&exists); err != nil {
		return "", err
	}
	if !exists {
		if _, err := conn.Exec(cctx, "CREATE DATABASE "+DBName); err != nil {
			var again bool // another demo may have created it meanwhile
			if qerr := conn.QueryRow(cctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", DBName).Scan(&again); qerr != nil || !again {
				return "", fmt.Errorf("localdb: create database %s: %w", DBName, err)
			}
		}
	}
	u, _ := url.Parse(adminURL)
	u.Path = "/" + DBName
	q := u.Query()
	q.Del("connect_timeout")
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// binDir finds initdb and pg_ctl: on PATH, or in Debian's versioned
// directories (newest first), or Homebrew's.
func binDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	brew, _ := filepath.Glob("/opt/homebrew/opt/postgresql*/bin")
	dirs = append(dirs, brew...)
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", ErrNoPostgres
}

func versionOf(dir string) int {
	base := filepath.Base(filepath.Dir(dir))
	n, _ := strconv.Atoi(strings.TrimPrefix(base, "postgresql@"))
	return n
}

// startPrivate creates (once) and starts a cluster in dataDir, or finds the
// one an earlier demo left running.
func startPrivate(ctx context.Context, dataDir string) (Database, error) {
	admin := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=5", privatePort)
	if dbURL, err := ensureDB(ctx, admin); err == nil {
		// Left running by an earlier demo that did not stop it.
		return Database{URL: dbURL, Stop: func() error { return nil }, Where: fmt.Sprintf("the private PostgreSQL on 127.0.0.1:%d", privatePort)}, nil
	}
	c, err := StartCluster(ctx, dataDir, ClusterOptions{Port: privatePort})
	if err != nil {
		return Database{}, err
	}
	stop := func() error { return c.Stop(context.Background(), "fast") }
	dbURL, err := ensureDB(ctx, c.AdminURL)
	if err != nil {
		_ = stop()
		return Database{}, err
	}
	return Database{URL: dbURL, Stop: stop, Where: "a private PostgreSQL in " + c.pgdata}, nil
}
