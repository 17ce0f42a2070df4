// Package stack runs Euterpe the way an operator does — the euterpe binary's
// `serve` and `spotify-sim` as separate processes on 127.0.0.1 — and gives
// the bench and the fault drill the handles they measure through: the
// simulator's control API, the app's /health and /proc status, logged-in
// browsers, the app's connections in pg_stat_activity, and a private
// PostgreSQL cluster that can be killed and restarted.
package stack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// ModulePath is the package the binary is built from; building by import
// path works from any directory inside the module.
const ModulePath = "github.com/euterpe-dev/euterpe/cmd/euterpe"

// Build compiles the euterpe binary into dir and returns its path. race
// builds it with the race detector, so a fault drill also catches data races
// in the app.
func Build(ctx context.Context, dir string, race bool) (string, error) {
	out := filepath.Join(dir, "euterpe")
	args := []string{"build", "-o", out}
	if race {
		args = append(args, "-race")
	}
	args = append(args, ModulePath)
	cmd := exec.CommandContext(ctx, "go", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("stack: go build: %v\n%s", err, stderr.String())
	}
	return out, nil
}

// Keygen asks the binary for a fresh ENCRYPTION_KEY.
func Keygen(ctx context.Context, bin string) (string, error) {
	out, err := exec.CommandContext(ctx, bin, "keygen").Output()
	if err != nil {
		return "", fmt.Errorf("stack: euterpe keygen: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// Migrate runs `euterpe migrate up` against dbURL, as Heroku's release
// phase does.
func Migrate(ctx context.Context, bin, dbURL string) error {
	cmd := exec.CommandContext(ctx, bin, "migrate", "up")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("stack: euterpe migrate up: %v\n%s", err, out)
	}
	return nil
}

// FreePort returns a TCP port on 127.0.0.1 that nothing listens on now.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("stack: free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// proc is a child process with its output in a log file.
type proc struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	started time.Time
	exited  chan struct{} // closed when the process has been waited for
	state   *os.ProcessState
	waitErr error
}

func startProc(name, logPath string, env []string, bin string, args ...string) (*proc, error) {
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("stack: %s log: %w", name, err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Its own process group: a Ctrl-C on the bench reaches the bench, which
	// then stops its children in order.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	p := &proc{name: name, cmd: cmd, logPath: logPath, exited: make(chan struct{})}
	p.started = time.Now()
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("stack: start %s: %w", name, err)
	}
	go func() {
		p.waitErr = cmd.Wait()
		p.state = cmd.ProcessState
		logFile.Close()
		close(p.exited)
	}()
	return p, nil
}

// PID is the process id.
func (p *proc) PID() int { return p.cmd.Process.Pid }

// Running reports whether the process has not exited.
func (p *proc) Running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// Signal sends sig to the process.
func (p *proc) Signal(sig os.Signal) error {
	if !p.Running() {
		return fmt.Errorf("stack: %s already exited", p.name)
	}
	return p.cmd.Process.Signal(sig)
}

// Wait waits up to timeout for the process to exit and returns its exit
// code (-1 when a signal ended it).
func (p *proc) Wait(timeout time.Duration) (int, error) {
	select {
	case <-p.exited:
		return p.state.ExitCode(), nil
	case <-time.After(timeout):
		return 0, fmt.Errorf("stack: %s still running after %s", p.name, timeout)
	}
}

// Stop sends SIGTERM and waits up to grace, then kills. It is safe to call
// more than once.
func (p *proc) Stop(grace time.Duration) error {
	if !p.Running() {
		return nil
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if _, err := p.Wait(grace); err != nil {
		_ = p.cmd.Process.Kill()
		<-p.exited
		return err
	}
	return nil
}

// Logs returns what the process has written so far.
func (p *proc) Logs() string {
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	return string(b)
}

// LogTail is the last n lines of the log, for failure messages.
func (p *proc) LogTail(n int) string {
	lines := strings.Split(strings.TrimRight(p.Logs(), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// waitFor polls ready every few milliseconds until it succeeds, the process
// exits, or timeout passes.
func (p *proc) waitFor(timeout time.Duration, ready func() error) error {
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		if !p.Running() {
			return fmt.Errorf("stack: %s exited before it was ready (%v):\n%s", p.name, p.waitErr, p.LogTail(20))
		}
		if last = ready(); last == nil {
			return nil
		}
		time.Sleep(2 * time.Millisecond)
	}
	return errors.Join(fmt.Errorf("stack: %s not ready after %s:\n%s", p.name, timeout, p.LogTail(20)), last)
}
