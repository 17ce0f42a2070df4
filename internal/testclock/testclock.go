// Package testclock is the one instant the whole test suite lives at. Every
// test, the simulated Spotify it starts and the app under test read the same
// clock: pinned by default to Default, so a test's data and its assertions
// never follow the day it happens to run, and moved for the whole suite by
// EUTERPE_TEST_NOW (RFC 3339), so `make test-dates` can run it on the nights
// that break software (year ends, DST changes, leap days).
//
// The clock ticks at wall-clock speed from that instant (tokens still expire,
// timeouts still pass); processes started by a test get the same clock
// through Spec, as EUTERPE_CLOCK or the demo's --clock.
package testclock

import (
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/euterpe-dev/euterpe/clock"
)

// Default is the instant tests run at unless EUTERPE_TEST_NOW says
// otherwise: an ordinary Wednesday afternoon, far from a year's end, a
// month's end and any summer-time change.
const Default = "2026-05-13T14:20:00Z"

// EnvVar moves the suite's instant.
const EnvVar = "EUTERPE_TEST_NOW"

var (
	once sync.Once
	clk  clock.Scaled
	err  error
)

func load() {
	once.Do(func() {
		spec := os.Getenv(EnvVar)
		if spec == "" {
			spec = Default
		}
		start, perr := time.Parse(time.RFC3339Nano, spec)
		if perr != nil {
			err = fmt.Errorf("%s=%q is not an RFC 3339 instant (e.g. 2026-12-31T23:30:00+01:00)", EnvVar, spec)
			return
		}
		// Anchored at the first read: every reader in this process, and
		// every process handed Spec, agrees on the time.
		clk = clock.Scaled{Speed: 1, Start: start, Anchor: time.Now()}
	})
}

// Clock is the suite's clock. A malformed EUTERPE_TEST_NOW stops the test
// binary with a message saying so: no test could mean anything on it.
func Clock() clock.Scaled {
	load()
	if err != nil {
		panic(err)
	}
	return clk
}

// Now is the suite's current instant.
func Now() time.Time { return Clock().Now() }

// Start is the pinned instant itself: what Now read when the first test
// asked, in the zone EUTERPE_TEST_NOW was written in.
func Start() time.Time { return Clock().Start }

// Spec is the clock as a clock.Parse spec, for EUTERPE_CLOCK and --clock.
func Spec() string { return Clock().String() }
