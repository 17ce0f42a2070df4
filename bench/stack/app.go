package stack

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// App is a running `euterpe serve`.
type App struct {
	*proc
	URL  string // http://127.0.0.1:PORT
	Port int
	// Ready is the time from starting the process to its first 200 on
	// /health.
	Ready time.Duration
	http  *http.Client
}

// AppOptions configure the app process. The environment is what an
// operator would set, pointed at the simulator.
type AppOptions struct {
	Port          int // 0 = a free port
	DatabaseURL   string
	SimURL        string
	APIURL        string // the Web API, when not the simulator's /v1 (a proxy)
	EncryptionKey string
	Env           map[string]string // extra or overriding variables (DB_MAX_CONNS, …)
	LogDir        string
}

// SecretKey is the bench's SECRET_KEY: fixed, 40 characters.
const SecretKey = "euterpe-bench-secret-key-0123456789abcdef"

// MetricsToken is the bench's METRICS_TOKEN, the operator's: /health's
// details and /metrics.
const MetricsToken = "euterpe-bench-operator-token-0123456789ab"

// Callback is the redirect URI for an app on port.
func Callback(port int) string { return "http://127.0.0.1:" + strconv.Itoa(port) + "/callback" }

// StartApp starts the app and waits for its first 200 on /health.
func StartApp(bin string, o AppOptions) (*App, error) {
	port := o.Port
	if port == 0 {
		var err error
		if port, err = FreePort(); err != nil {
			return nil, err
		}
	}
	environ := appEnviron(o, map[string]string{"PORT": strconv.Itoa(port)})
	logPath := filepath.Join(o.LogDir, fmt.Sprintf("app-%d.log", port))
	p, err := startProc("euterpe serve", logPath, environ, bin, "serve")
	if err != nil {
		return nil, err
	}
	a := &App{proc: p, URL: "http://127.0.0.1:" + strconv.Itoa(port), Port: port,
		http: &http.Client{Timeout: 5 * time.Second}}
	err = p.waitFor(15*time.Second, func() error {
		_, status, err := a.Health(context.Background())
		if err == nil && status != http.StatusOK {
			err = fmt.Errorf("/health answered %d", status)
		}
		return err
	})
	if err != nil {
		_ = p.Stop(time.Second)
		return nil, err
	}
	a.Ready = time.Since(p.started)
	return a, nil
}

// Worker is a running `euterpe worker`.
type Worker struct {
	*proc
}

// StartWorker starts `euterpe worker` with the app's environment (o.Port
// names the app whose callback the simulator knows; a worker listens on
// nothing) and waits until it logs that it is working.
func StartWorker(bin string, o AppOptions, name string) (*Worker, error) {
	environ := appEnviron(o, nil)
	p, err := startProc("euterpe worker", filepath.Join(o.LogDir, name+".log"), environ, bin, "worker")
	if err != nil {
		return nil, err
	}
	err = p.waitFor(15*time.Second, func() error {
		if strings.Contains(p.Logs(), "msg=working") {
			return nil
		}
		return errors.New("not working yet")
	})
	if err != nil {
		_ = p.Stop(time.Second)
		return nil, err
	}
	return &Worker{proc: p}, nil
}

// appEnviron is what an operator would set, pointed at the simulator, plus
// extra.
func appEnviron(o AppOptions, extra map[string]string) []string {
	env := map[string]string{
		"DATABASE_URL":          o.DatabaseURL,
		"SECRET_KEY":            SecretKey,
		"ENCRYPTION_KEY":        o.EncryptionKey,
		"SPOTIFY_CLIENT_ID":     "euterpe-demo",
		"SPOTIFY_CLIENT_SECRET": "euterpe-demo-secret",
		"SPOTIFY_REDIRECT_URI":  Callback(o.Port),
		"SPOTIFY_ACCOUNTS_URL":  o.SimURL,
		"SPOTIFY_API_URL":       o.SimURL + "/v1",
		// Load comes from a handful of users; the per-user limit would
		// measure itself, not the app.
		"RATE_LIMIT_PER_MINUTE": "100000000",
		// Every simulated browser logs in from 127.0.0.1.
		"LOGIN_RATE_PER_MINUTE": "100000000",
		// /health's details (goroutines, the pool) need the operator's token.
		"METRICS_TOKEN": MetricsToken,
	}
	if o.APIURL != "" {
		env["SPOTIFY_API_URL"] = o.APIURL
	}
	for k, v := range extra {
		env[k] = v
	}
	if port, ok := extra["PORT"]; ok {
		env["SPOTIFY_REDIRECT_URI"] = "http://127.0.0.1:" + port + "/callback"
	}
	for k, v := range o.Env {
		env[k] = v
	}
	environ := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range env {
		environ = append(environ, k+"="+v)
	}
	return environ
}

// Health is what /health reports.
type Health struct {
	Status     string `json:"status"`
	Database   string `json:"database"`
	Goroutines int    `json:"goroutines"`
}

// Health calls /health once on a fresh connection, so the probe itself
// leaves no idle connection (and goroutine) behind in the app.
func (a *App) Health(ctx context.Context) (Health, int, error) {
	var h Health
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.URL+"/health", nil)
	if err != nil {
		return h, 0, err
	}
	req.Close = true
	req.Header.Set("Authorization", "Bearer "+MetricsToken)
	res, err := a.http.Do(req)
	if err != nil {
		return h, 0, err
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(&h); err != nil {
		return h, res.StatusCode, fmt.Errorf("stack: /health body: %w", err)
	}
	return h, res.StatusCode, nil
}

// Goroutines is the app's goroutine count from /health.
func (a *App) Goroutines(ctx context.Context) (int, error) {
	h, _, err := a.Health(ctx)
	return h.Goroutines, err
}

// PeakRSS is the process's high-water resident set size (VmHWM), in bytes.
func (a *App) PeakRSS() (int64, error) {
	return procStatusKB(a.PID(), "VmHWM:")
}

// RSS is the current resident set size (VmRSS), in bytes.
func (a *App) RSS() (int64, error) {
	return procStatusKB(a.PID(), "VmRSS:")
}

// CPUTime is the user + system CPU time the process has used so far.
func (a *App) CPUTime() (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", a.PID()))
	if err != nil {
		return 0, fmt.Errorf("stack: %w", err)
	}
	// The command name (field 2) may hold spaces; count from after it.
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0, fmt.Errorf("stack: /proc/%d/stat: too few fields", a.PID())
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("stack: /proc/%d/stat: bad times", a.PID())
	}
	// USER_HZ is 100 on every Linux Go supports.
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

func procStatusKB(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("stack: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("stack: /proc/%d/status %s %q", pid, field, rest)
			}
			return kb * 1024, nil
		}
	}
	return 0, fmt.Errorf("stack: /proc/%d/status has no %s", pid, field)
}
