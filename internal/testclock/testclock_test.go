package testclock

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/clock"
)

func TestTheSuitesClock(t *testing.T) {
	want := Default
	if v := os.Getenv(EnvVar); v != "" {
		want = v
	}
	start, _ := time.Parse(time.RFC3339Nano, want)
	if !Start().Equal(start) {
		t.Fatalf("Start() = %s, want %s", Start(), want)
	}
	// It ticks from the pinned instant, at wall-clock speed.
	if d := Now().Sub(start); d < 0 || d > time.Hour {
		t.Errorf("Now() is %s after the pinned instant", d)
	}
	// Another process given the spec reads the same time.
	c, err := clock.Parse(Spec())
	if err != nil {
		t.Fatal(err)
	}
	if d := c.Now().Sub(Now()).Abs(); d > time.Second {
		t.Errorf("the spec's clock is %s off", d)
	}
}

// A malformed EUTERPE_TEST_NOW stops the run, saying what is wrong.
func TestAMalformedInstantIsRefused(t *testing.T) {
	if os.Getenv("TESTCLOCK_CHILD") == "1" {
		Now()
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestAMalformedInstantIsRefused$")
	cmd.Env = append(os.Environ(), "TESTCLOCK_CHILD=1", EnvVar+"=31/12/2026")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "is not an RFC 3339 instant") {
		t.Fatalf("a malformed instant: %v\n%s", err, out)
	}
}
