// Package localdb finds a PostgreSQL for the demo when no DATABASE_URL is
// given: a server already answering on 127.0.0.1:5432, or else a private
// cluster it creates and starts under a directory of the project's own from
// the installed PostgreSQL binaries.
package localdb

import (
	"bytes"
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

// startPrivate creates (once) and starts a cluster in dataDir. PostgreSQL
// refuses to run as root, so as root the cluster belongs to the postgres
// system user that the PostgreSQL packages create.
func startPrivate(ctx context.Context, dataDir string) (Database, error) {
	admin := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=5", privatePort)
	if dbURL, err := ensureDB(ctx, admin); err == nil {
		// Left running by an earlier demo that did not stop it.
		return Database{URL: dbURL, Stop: func() error { return nil }, Where: fmt.Sprintf("the private PostgreSQL on 127.0.0.1:%d", privatePort)}, nil
	}
	bin, err := binDir()
	if err != nil {
		return Database{}, err
	}
	dataDir, err = filepath.Abs(dataDir)
	if err != nil {
		return Database{}, err
	}
	pgdata := filepath.Join(dataDir, "pg")
	asUser, err := clusterOwner()
	if err != nil {
		return Database{}, err
	}
	if err := os.MkdirAll(pgdata, 0o700); err != nil {
		return Database{}, fmt.Errorf("localdb: %w", err)
	}
	if asUser != "" {
		if out, err := exec.CommandContext(ctx, "chown", "-R", asUser, dataDir).CombinedOutput(); err != nil {
			return Database{}, fmt.Errorf("localdb: chown %s: %v: %s", dataDir, err, out)
		}
	}
	run := func(name string, args ...string) error {
		cmdline := append([]string{filepath.Join(bin, name)}, args...)
		if asUser != "" {
			cmdline = append([]string{"runuser", "-u", asUser, "--"}, cmdline...)
		}
		cmd := exec.CommandContext(ctx, cmdline[0], cmdline[1:]...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("localdb: %s: %v\n%s", name, err, out.String())
		}
		return nil
	}
	if _, err := os.Stat(filepath.Join(pgdata, "PG_VERSION")); err != nil {
		if err := run("initdb", "-D", pgdata, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-instructions"); err != nil {
			return Database{}, err
		}
	}
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories=%s", privatePort, pgdata)
	if err := run("pg_ctl", "-D", pgdata, "-l", filepath.Join(dataDir, "postgres.log"), "-o", opts, "-w", "start"); err != nil {
		return Database{}, err
	}
	stop := func() error { return run("pg_ctl", "-D", pgdata, "-m", "fast", "-w", "stop") }
	dbURL, err := ensureDB(ctx, admin)
	if err != nil {
		_ = stop()
		return Database{}, err
	}
	return Database{URL: dbURL, Stop: stop, Where: "a private PostgreSQL in " + pgdata}, nil
}

// clusterOwner is "" when the current user may run PostgreSQL itself.
func clusterOwner() (string, error) {
	if os.Geteuid() != 0 {
		return "", nil
	}
	if _, err := user.Lookup("postgres"); err != nil {
		return "", errors.New("localdb: PostgreSQL will not run as root and there is no postgres user to run it as; set DATABASE_URL instead")
	}
	return "postgres", nil
}
