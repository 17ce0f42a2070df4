package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/internal/testclock"
	"github.com/euterpe-dev/euterpe/internal/testdb"
)

// demo is one `euterpe demo` process: the app and its simulated Spotify,
// on a database of its own.
type demo struct {
	URL    string // the app, e.g. http://127.0.0.1:41234 (its --base-url, when given)
	Base   string // the path it is served under: "" at the root, else --base-url's
	SimURL string // the simulator; its control API is under /_sim/
	log    *syncBuffer
}

// startDemo runs the demo for the length of t. Faults injected into the
// simulator affect everyone using it, so a test that injects them needs its
// own demo.
func startDemo(t *testing.T, flags ...string) *demo {
	t.Helper()
	skipIfRequested(t)
	dbURL := testdb.Create(t) // dropped after the process has stopped (cleanups run last-in first-out)
	d, _ := launchDemo(t, binary(t), dbURL, freeAddr(t), freeAddr(t), flags...)
	return d
}

// launchDemo runs bin's demo on the given database and addresses until t
// ends or stop is called, whichever comes first; stop waits for the process
// to end. A test can so stop the app and start another build on the same
// addresses, as a deploy would.
func launchDemo(t *testing.T, bin, dbURL, appAddr, simAddr string, flags ...string) (d *demo, stop func()) {
	t.Helper()
	d = &demo{log: &syncBuffer{}}
	d.URL, d.SimURL = "http://"+appAddr, "http://"+simAddr
	if i := slices.Index(flags, "--base-url"); i >= 0 && i+1 < len(flags) {
		// Reached through a proxy at a sub-path, which the test runs.
		d.URL = strings.TrimRight(flags[i+1], "/")
		u, err := url.Parse(d.URL)
		if err != nil {
			t.Fatal(err)
		}
		d.Base = u.Path
	}

	args := []string{"demo", "--addr", appAddr, "--sim-addr", simAddr}
	if !slices.Contains(flags, "--clock") {
		// The app and the simulator live on the suite's clock.
		args = append(args, "--clock", testclock.Spec())
	}
	args = append(args, flags...)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL)
	cmd.Stdout, cmd.Stderr = d.log, d.log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start euterpe demo: %v", err)
	}
	// exited is closed once the process has ended, with exitErr set.
	exited := make(chan struct{})
	var exitErr error
	go func() { exitErr = cmd.Wait(); close(exited) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-exited:
				if exitErr != nil {
					t.Errorf("euterpe demo did not stop cleanly on SIGTERM: %v", exitErr)
				}
			case <-time.After(15 * time.Second):
				_ = cmd.Process.Kill()
				<-exited
				t.Errorf("euterpe demo still running 15 s after SIGTERM; killed it")
			}
		})
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("euterpe demo output:\n%s", d.log.String())
		}
	})

	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-exited:
			t.Fatalf("euterpe demo exited before it answered /health: %v\n%s", exitErr, d.log.String())
		default:
		}
		if res, err := http.Get(d.URL + "/health"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return d, stop
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("euterpe demo did not answer /health with 200 within 30 s\n%s", d.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// freeAddr is a loopback address with a port nobody listens on just now.
func freeAddr(t *testing.T) string {
	t.Helper()
	handedOut.Lock()
	defer handedOut.Unlock()
	// A port just closed may be offered again at once: never hand out
	// the same one twice in a run (two demos, or a demo's app and simulator,
	// would collide).
	for range 100 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		if !handedOut.addrs[addr] {
			handedOut.addrs[addr] = true
			return addr
		}
	}
	t.Fatal("no free port that was not handed out already")
	return ""
}

// handedOut are the addresses freeAddr gave.
var handedOut = struct {
	sync.Mutex
	addrs map[string]bool
}{addrs: map[string]bool{}}

// sim calls the simulator's control API and fails t unless it answers with
// a 2xx status.
func (d *demo) sim(t *testing.T, method, path string, body any) []byte {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, d.SimURL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("simulator %s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	if res.StatusCode/100 != 2 {
		t.Fatalf("simulator %s %s: %s: %s", method, path, res.Status, out)
	}
	return out
}

// fault is the simulator's POST /_sim/faults body.
type fault struct {
	Status     int    `json:"status,omitempty"`
	RetryAfter int    `json:"retry_after,omitempty"`
	Count      int    `json:"count"`
	PathPrefix string `json:"path_prefix,omitempty"`
}
