package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// suite is what every test shares: the built binary and one browser. Both
// are made on first use, so `go test -list` (make fuzz) costs nothing.
var suite struct {
	repoRoot string
	tmp      string

	buildOnce sync.Once
	binary    string
	buildErr  error

	chromium   string
	browserCtx context.Context // the browser's first tab; tests open browser contexts beside it
	startOnce  sync.Once
	startErr   error
	output     syncBuffer // Chromium's own output, for the message when it cannot start
}

func TestMain(m *testing.M) {
	os.Exit(runSuite(m))
}

func runSuite(m *testing.M) int {
	root, err := moduleRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	suite.repoRoot = root
	suite.tmp, err = os.MkdirTemp("", "euterpe-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(suite.tmp)

	suite.chromium = chromiumPath()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(suite.chromium),
		chromedp.UserDataDir(filepath.Join(suite.tmp, "chromium-profile")),
		// Works on a machine with no internet and no display, as root.
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.CombinedOutput(&suite.output),
	)
	defer cancelAlloc()
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	suite.browserCtx = browserCtx

	return m.Run()
}

// chromiumPath is E2E_CHROMIUM, else the chromium on PATH (what make test
// installs), else Debian's /usr/bin/chromium.
func chromiumPath() string {
	if p := os.Getenv("E2E_CHROMIUM"); p != "" {
		return p
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return "/usr/bin/chromium"
}

// binary builds ./cmd/euterpe once. The app runs as its own process, the
// way a person runs it, so the tests go through the real wiring of the
// demo command.
func binary(t *testing.T) string {
	t.Helper()
	suite.buildOnce.Do(func() {
		suite.binary = filepath.Join(suite.tmp, "euterpe")
		build := exec.Command("go", "build", "-o", suite.binary, "./cmd/euterpe")
		build.Dir = suite.repoRoot
		if out, err := build.CombinedOutput(); err != nil {
			suite.buildErr = fmt.Errorf("go build ./cmd/euterpe: %w\n%s", err, out)
		}
	})
	if suite.buildErr != nil {
		t.Fatal(suite.buildErr)
	}
	return suite.binary
}

// skipIfRequested honours E2E_SKIP=1, the developer's explicit opt-out.
// CI must run the tests, so there the opt-out is refused.
func skipIfRequested(t *testing.T) {
	t.Helper()
	if os.Getenv("E2E_SKIP") == "1" && os.Getenv("CI") == "" {
		t.Skip("E2E_SKIP=1: the browser tests were skipped on request (CI always runs them)")
	}
}

// browserFor fails t unless the shared browser is running, starting it on
// first use.
func browserFor(t *testing.T) context.Context {
	t.Helper()
	skipIfRequested(t)
	if os.Getenv("E2E_SKIP") == "1" {
		t.Log("E2E_SKIP=1 is ignored because CI is set: CI always runs the browser tests")
	}
	suite.startOnce.Do(func() {
		// Do with no steps starts the browser and its first tab. It gets
		// browserCtx itself, which the browser then lives as long as.
		done := make(chan error, 1)
		go func() { done <- chromedp.Do(suite.browserCtx) }()
		select {
		case suite.startErr = <-done:
		case <-time.After(30 * time.Second):
			suite.startErr = errors.New("no answer within 30 s")
		}
	})
	if suite.startErr != nil {
		t.Fatalf("e2e: cannot start Chromium (%s): %v\n"+
			"Install it with `apt-get install -y chromium chromium-driver` (make test does), "+
			"or point E2E_CHROMIUM at a Chromium or Chrome binary. Outside CI, E2E_SKIP=1 skips these tests.\n"+
			"Chromium said: %q", suite.chromium, suite.startErr, suite.output.String())
	}
	return suite.browserCtx
}

// moduleRoot is the directory of go.mod above the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// syncBuffer is a bytes.Buffer that a process and a test can share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
