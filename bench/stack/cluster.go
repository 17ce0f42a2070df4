package stack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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

// Cluster is a private PostgreSQL server, so that killing and restarting it
// disturbs nobody else's tests.
type Cluster struct {
	AdminURL string
	Port     int
	dir      string // holds pgdata, the socket and the log
	pgdata   string
	bin      string
	owner    string // "" = the current user; as root, "postgres"
}

// pgBinDir finds initdb and pg_ctl: on PATH, else Debian's versioned
// directories, newest first.
func pgBinDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi > vj
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("stack: PostgreSQL's initdb and pg_ctl not found (apt-get install postgresql)")
}

// StartCluster creates a cluster in dir (which must be empty or missing)
// and starts it on a free port. PostgreSQL refuses to run as root, so as
// root the cluster belongs to the postgres user, who must be able to reach
// dir: every parent is made traversable.
func StartCluster(ctx context.Context, dir string) (*Cluster, error) {
	bin, err := pgBinDir()
	if err != nil {
		return nil, err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, pgdata: filepath.Join(dir, "pgdata"), bin: bin}
	if os.Geteuid() == 0 {
		if _, err := user.Lookup("postgres"); err != nil {
			return nil, errors.New("stack: running as root and there is no postgres user to run PostgreSQL as")
		}
		c.owner = "postgres"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if c.owner != "" {
		if err := traversable(filepath.Dir(dir)); err != nil {
			return nil, err
		}
		if out, err := exec.CommandContext(ctx, "chown", "-R", c.owner, dir).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("stack: chown %s: %v: %s", dir, err, out)
		}
	}
	if c.Port, err = FreePort(); err != nil {
		return nil, err
	}
	c.AdminURL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=5", c.Port)
	// fsync off: the cluster lives as long as the test and is never recovered.
	if err := c.run(ctx, "initdb", "-D", c.pgdata, "-U", "postgres", "--auth=trust", "--encoding=UTF8",
		"--no-instructions", "--no-sync"); err != nil {
		return nil, err
	}
	if err := c.Start(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// traversable lets other users pass through dir and its parents (o+x),
// changing only those that forbid it — t.TempDir's are 0700.
func traversable(dir string) error {
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o001 == 0 {
			if err := os.Chmod(d, fi.Mode().Perm()|0o011); err != nil {
				return fmt.Errorf("stack: make %s traversable for PostgreSQL: %w", d, err)
			}
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

func (c *Cluster) run(ctx context.Context, name string, args ...string) error {
	cmdline := append([]string{filepath.Join(c.bin, name)}, args...)
	if c.owner != "" {
		cmdline = append([]string{"runuser", "-u", c.owner, "--"}, cmdline...)
	}
	cmd := exec.CommandContext(ctx, cmdline[0], cmdline[1:]...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("stack: %s: %v\n%s", name, err, out.String())
	}
	return nil
}

// Start starts the server and returns once it accepts connections.
func (c *Cluster) Start(ctx context.Context) error {
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories=%s -c fsync=off -c max_connections=100",
		c.Port, c.dir)
	if err := c.run(ctx, "pg_ctl", "-D", c.pgdata, "-l", filepath.Join(c.dir, "postgres.log"), "-o", opts, "-w", "-t", "30", "start"); err != nil {
		return err
	}
	return c.waitAccepting(ctx)
}

// Stop shuts the server down with mode fast (disconnecting every client) or
// immediate (a crash, as far as clients can tell).
func (c *Cluster) Stop(ctx context.Context, mode string) error {
	return c.run(ctx, "pg_ctl", "-D", c.pgdata, "-m", mode, "-w", "-t", "30", "stop")
}

// Restart is pg_ctl restart -m fast.
func (c *Cluster) Restart(ctx context.Context) error {
	if err := c.Stop(ctx, "fast"); err != nil {
		return err
	}
	return c.Start(ctx)
}

// Destroy stops the server if it runs; the directory is the caller's.
func (c *Cluster) Destroy() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.run(ctx, "pg_ctl", "-D", c.pgdata, "status"); err != nil {
		return nil // not running
	}
	return c.Stop(ctx, "immediate")
}

// Log is the server's log so far.
func (c *Cluster) Log() string {
	b, _ := os.ReadFile(filepath.Join(c.dir, "postgres.log"))
	return strings.TrimSpace(string(b))
}

func (c *Cluster) waitAccepting(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := pgx.Connect(ctx, c.AdminURL)
		if err == nil {
			return conn.Close(ctx)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("stack: private PostgreSQL on port %d does not accept connections: %w\n%s", c.Port, err, c.Log())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
