package localdb

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Cluster is a private PostgreSQL server, so that killing and restarting it
// disturbs nobody else's tests.
type Cluster struct {
	AdminURL  string
	Port      int
	dir       string // holds pgdata, the socket and the log
	pgdata    string
	bin       string
	owner     string // "" = the current user; as root, "postgres"
	throwaway bool
	maxConns  int
}

// ClusterOptions shape a private cluster.
type ClusterOptions struct {
	// Port to listen on; 0 picks a free one.
	Port int
	// Throwaway clusters skip fsync: they live as long as a test and are
	// never recovered after a crash.
	Throwaway bool
	// MaxConnections is the server's max_connections (default 100): small,
	// to test what a shared database's cap does.
	MaxConnections int
}

// StartCluster starts the cluster in dir, creating it first when dir holds
// none. PostgreSQL refuses to run as root, so as root the cluster belongs to
// the postgres user, who must be able to reach dir: every parent is made
// traversable.
func StartCluster(ctx context.Context, dir string, o ClusterOptions) (*Cluster, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, pgdata: filepath.Join(dir, "pgdata"), bin: bin, throwaway: o.Throwaway, maxConns: cmp.Or(o.MaxConnections, 100)}
	if os.Geteuid() == 0 {
		if _, err := user.Lookup("postgres"); err != nil {
			return nil, errors.New("localdb: running as root and there is no postgres user to run PostgreSQL as")
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
			return nil, fmt.Errorf("localdb: chown %s: %v: %s", dir, err, out)
		}
	}
	if c.Port = o.Port; c.Port == 0 {
		if c.Port, err = freePort(); err != nil {
			return nil, err
		}
	}
	c.AdminURL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=5", c.Port)
	if _, err := os.Stat(filepath.Join(c.pgdata, "PG_VERSION")); err != nil {
		args := []string{"-D", c.pgdata, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-instructions"}
		if c.throwaway {
			args = append(args, "--no-sync")
		}
		if err := c.run(ctx, "initdb", args...); err != nil {
			return nil, err
		}
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
				return fmt.Errorf("localdb: make %s traversable for PostgreSQL: %w", d, err)
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
		return fmt.Errorf("localdb: %s: %v\n%s", name, err, out.String())
	}
	return nil
}

// Start starts the server and returns once it accepts connections.
func (c *Cluster) Start(ctx context.Context) error {
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories=%s -c max_connections=%d", c.Port, c.dir, c.maxConns)
	if c.throwaway {
		opts += " -c fsync=off"
	}
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
			return fmt.Errorf("localdb: private PostgreSQL on port %d does not accept connections: %w\n%s", c.Port, err, c.Log())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// freePort returns a TCP port on 127.0.0.1 that nothing listens on now.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
