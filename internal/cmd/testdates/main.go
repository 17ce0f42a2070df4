// Command testdates runs the date-sensitive packages' tests at the instants
// that break software — a year's last half hour and the next year's first
// in two zones, both summer-time changes in two zones, a leap day, the first
// of a month, and today — each run with EUTERPE_TEST_NOW (the suite's one
// clock, internal/testclock) and TZ set to that instant and zone, several
// runs at once. It prints one line per run, the output of each run that
// failed, and exits 1 if any did. `make test-dates` runs it; `make test`
// includes it.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"time"
)

// instant is one run: the suite's clock and the process's zone.
type instant struct {
	what string
	zone string
	now  string // RFC 3339, in the zone's offset at that instant
}

// instants are the nights the issue names. Each is checked against its
// zone when the command starts, so a typo in an offset cannot pass as a
// harmless instant.
var instants = []instant{
	{"31 Dec 23:30, Paris", "Europe/Paris", "2026-12-31T23:30:00+01:00"},
	{"1 Jan 00:30, Paris", "Europe/Paris", "2027-01-01T00:30:00+01:00"},
	{"31 Dec 23:30, Auckland", "Pacific/Auckland", "2026-12-31T23:30:00+13:00"},
	{"1 Jan 00:30, Auckland", "Pacific/Auckland", "2027-01-01T00:30:00+13:00"},
	// Berlin springs forward at 02:00 on 28 Mar 2027, and falls back at
	// 03:00 on 31 Oct 2027: 02:30 happens twice, this is the second.
	{"spring forward, Berlin", "Europe/Berlin", "2027-03-28T01:45:00+01:00"},
	{"fall back, Berlin", "Europe/Berlin", "2027-10-31T02:30:00+01:00"},
	// New York springs forward at 02:00 on 14 Mar 2027, and falls back at
	// 02:00 on 7 Nov 2027: 01:30 happens twice, this is the second.
	{"spring forward, New York", "America/New_York", "2027-03-14T01:45:00-05:00"},
	{"fall back, New York", "America/New_York", "2027-11-07T01:30:00-05:00"},
	{"29 Feb of a leap year", "UTC", "2028-02-29T12:00:00Z"},
	{"the first of a month", "Europe/Paris", "2027-06-01T00:15:00+02:00"},
}

func main() {
	parallel := flag.Int("p", max(1, runtime.NumCPU()/2), "runs at once")
	race := flag.Bool("race", true, "run the tests with -race")
	goCmd := flag.String("go", "go", "the go command")
	flag.Parse()
	pkgs := flag.Args()
	if len(pkgs) == 0 {
		fmt.Fprintln(os.Stderr, "usage: testdates [-p N] [-race=false] PACKAGE...")
		os.Exit(2)
	}
	runs := append(instants, instant{"today", "UTC", time.Now().UTC().Truncate(time.Second).Format(time.RFC3339)})
	if err := check(runs); err != nil {
		fmt.Fprintln(os.Stderr, "testdates:", err)
		os.Exit(2)
	}
	// Build once, with the race detector if asked: the runs then only link.
	args := []string{"test", "-count=1"}
	if *race {
		args = append(args, "-race")
	}
	if out, err := exec.Command(*goCmd, append(append([]string{"test", "-run", "^$"}, args[1:]...), pkgs...)...).CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "testdates: build: %v\n%s", err, out)
		os.Exit(1)
	}

	type result struct {
		run  instant
		took time.Duration
		out  []byte
		err  error
	}
	results := make([]result, len(runs))
	sem := make(chan struct{}, *parallel)
	var wg sync.WaitGroup
	for i, r := range runs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			start := time.Now()
			cmd := exec.CommandContext(context.Background(), *goCmd, append(args, pkgs...)...)
			cmd.Env = append(os.Environ(), "EUTERPE_TEST_NOW="+r.now, "TZ="+r.zone)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			results[i] = result{run: r, took: time.Since(start), out: out.Bytes(), err: err}
			verdict := "ok  "
			if err != nil {
				verdict = "FAIL"
			}
			fmt.Printf("%s %-26s EUTERPE_TEST_NOW=%s TZ=%s (%s)\n", verdict, r.what, r.now, r.zone, time.Since(start).Round(time.Second))
		})
	}
	wg.Wait()
	failed := 0
	for _, r := range results {
		if r.err != nil {
			failed++
			fmt.Printf("\n--- %s: EUTERPE_TEST_NOW=%s TZ=%s\n%s\n", r.run.what, r.run.now, r.run.zone, failures(r.out))
		}
	}
	fmt.Printf("test-dates: %d passed, %d failed\n", len(results)-failed, failed)
	if failed > 0 {
		os.Exit(1)
	}
}

// check makes sure each instant is written in its zone's offset at that
// moment: "23:30 in Auckland" must really be 23:30 there.
func check(runs []instant) error {
	for _, r := range runs {
		loc, err := time.LoadLocation(r.zone)
		if err != nil {
			return fmt.Errorf("%s: %w", r.what, err)
		}
		t, err := time.Parse(time.RFC3339, r.now)
		if err != nil {
			return fmt.Errorf("%s: %w", r.what, err)
		}
		_, want := t.In(loc).Zone()
		if _, got := t.Zone(); got != want {
			return fmt.Errorf("%s: %s is not written in %s's offset at that instant", r.what, r.now, r.zone)
		}
	}
	return nil
}

// failures keeps what matters of a failed run's output: failing tests,
// their messages, panics and the packages' verdicts, not every passing line.
func failures(out []byte) string {
	var b strings.Builder
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "ok ") || strings.HasPrefix(line, "=== ") || strings.HasPrefix(line, "--- PASS") || strings.TrimSpace(line) == "PASS" {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return strings.TrimSpace(b.String())
}
