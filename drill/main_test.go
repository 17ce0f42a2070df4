// Package drill is Euterpe's fault drill: it runs the euterpe binary as a
// process, with its own simulated Spotify and a private PostgreSQL cluster,
// and breaks things around it — PostgreSQL backends killed and the server
// restarted under load, five hundred clients on fifteen connections, Spotify
// rate limiting, failing, hanging, and answering garbage, and SIGTERM with
// requests in flight — checking that the app degrades the way the README
// says and recovers.
//
// The cluster is private so that stopping it disturbs no other package's
// tests on the shared server. The app is built with the race detector when
// the drill is, so the drill also finds data races in the app.
package drill

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/bench/stack"
)

// The drill's shared fixtures, made once in TestMain.
var (
	bin     string         // the euterpe binary
	cluster *stack.Cluster // private PostgreSQL
	encKey  string         // ENCRYPTION_KEY for every app
	workDir string         // logs, binary, cluster
)

func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.list"); f != nil && f.Value.String() != "" {
		os.Exit(m.Run()) // listing tests (make fuzz does) needs no cluster
	}
	if testing.Short() {
		// No cluster and no build: every test says SKIP (newEnv), so a
		// short run shows what it left out.
		os.Exit(m.Run())
	}
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var err error
	if workDir, err = os.MkdirTemp("", "euterpe-drill-"); err != nil {
		fmt.Fprintln(os.Stderr, "drill:", err)
		return 1
	}
	defer os.RemoveAll(workDir)
	if bin, err = stack.Build(ctx, workDir, raceEnabled); err != nil {
		fmt.Fprintln(os.Stderr, "drill:", err)
		return 1
	}
	if encKey, err = stack.Keygen(ctx, bin); err != nil {
		fmt.Fprintln(os.Stderr, "drill:", err)
		return 1
	}
	if cluster, err = stack.StartCluster(ctx, filepath.Join(workDir, "pg")); err != nil {
		fmt.Fprintln(os.Stderr, "drill:", err)
		return 1
	}
	defer func() {
		if err := cluster.Destroy(); err != nil {
			fmt.Fprintln(os.Stderr, "drill:", err)
		}
	}()
	return m.Run()
}

// env is one app with its own simulator and database.
type env struct {
	t      *testing.T
	sim    *stack.Sim
	app    *stack.App
	dbURL  string
	dbName string
}

type envOptions struct {
	simArgs []string
	appEnv  map[string]string
}

// newEnv starts a simulator and an app on a fresh database of the private
// cluster. When the test ends it stops both and fails the test if the app's
// log shows a panic or a data race.
func newEnv(t *testing.T, o envOptions) *env {
	t.Helper()
	if testing.Short() {
		t.Skip("the fault drill needs its own PostgreSQL cluster and a built euterpe: skipped with -short")
	}
	ctx := t.Context()
	e := &env{t: t}
	var err error
	if e.dbURL, e.dbName, err = stack.CreateDatabase(ctx, cluster.AdminURL, "drill"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// A test that leaves the cluster down has failed already.
		_ = stack.DropDatabase(context.Background(), cluster.AdminURL, e.dbName)
	})
	if err := stack.Migrate(ctx, bin, e.dbURL); err != nil {
		t.Fatal(err)
	}
	logDir := t.TempDir()
	port, err := stack.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	if e.sim, err = stack.StartSim(bin, stack.SimOptions{RedirectURI: stack.Callback(port), Args: o.simArgs, LogDir: logDir}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.sim.Stop(5 * time.Second) })
	ao := stack.AppOptions{Port: port, DatabaseURL: e.dbURL, SimURL: e.sim.URL, EncryptionKey: encKey, Env: o.appEnv, LogDir: logDir}
	if e.app, err = stack.StartApp(bin, ao); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = e.app.Stop(30 * time.Second)
		logs := e.app.Logs()
		for _, bad := range []string{"DATA RACE", "panic"} {
			if strings.Contains(logs, bad) {
				t.Errorf("the app's log shows %q:\n%s", bad, tail(withoutAccessLog(logs), 60))
				break
			}
		}
		if t.Failed() {
			t.Logf("app log, less the access log (last lines):\n%s", tail(withoutAccessLog(logs), 30))
		}
	})
	return e
}

// login signs in the listeners, each in a browser of its own.
func (e *env) login(listeners ...string) []*stack.Browser {
	e.t.Helper()
	out := make([]*stack.Browser, len(listeners))
	for i, l := range listeners {
		b, err := stack.Login(e.t.Context(), e.app.URL, l)
		if err != nil {
			e.t.Fatal(err)
		}
		out[i] = b
	}
	return out
}

// warm loads each browser's dashboard, so its Spotify data is cached.
func (e *env) warm(browsers []*stack.Browser) {
	e.t.Helper()
	for _, b := range browsers {
		if _, err := b.ViewDashboard(e.t.Context()); err != nil {
			e.t.Fatalf("warming %s: %v", b.Listener, err)
		}
	}
}

// alive fails the test if the app process has exited.
func (e *env) alive() {
	e.t.Helper()
	if !e.app.Running() {
		code, _ := e.app.Wait(0)
		e.t.Fatalf("the app exited (code %d):\n%s", code, e.app.LogTail(40))
	}
}

// withoutAccessLog drops the one-line-per-request entries of successful
// requests, which drown everything else under load.
func withoutAccessLog(logs string) string {
	var keep []string
	for _, l := range strings.Split(logs, "\n") {
		if !strings.Contains(l, "level=INFO msg=request ") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func sessionRequests(browsers []*stack.Browser, path string, htmx bool) []stack.Request {
	out := make([]stack.Request, len(browsers))
	for i, b := range browsers {
		out[i] = stack.Request{Path: path, Session: b.Session, HTMX: htmx}
	}
	return out
}
