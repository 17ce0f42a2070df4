package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// row is one line of the table. A row without a goal is context for the
// rows around it.
type row struct {
	section             section
	metric, value, goal string
	pass                *bool // nil = no goal
}

// section orders the table as the issue lists the figures, whatever order
// the phases measure them in.
type section int

const (
	secThroughput section = iota
	secMemory
	secConnections
	secSpotifyCalls
	secDashboardTime
	secStartup
	secHistory
	secSimulatedDay
)

type table struct {
	rows []row
	// appendix is printed after the table: what does not fit a cell (a
	// query plan).
	appendix []string
}

func (t *table) info(s section, metric, value string) {
	t.rows = append(t.rows, row{section: s, metric: metric, value: value, goal: "—"})
}

func (t *table) check(s section, metric, value, goal string, pass bool) {
	t.rows = append(t.rows, row{section: s, metric: metric, value: value, goal: goal, pass: &pass})
}

func (t *table) failed() bool {
	for _, r := range t.rows {
		if r.pass != nil && !*r.pass {
			return true
		}
	}
	return false
}

func (t *table) print(w io.Writer, machine string, took time.Duration) {
	fmt.Fprintf(w, "\nEuterpe bench — %s; whole run %s\n\n", machine, took.Round(100*time.Millisecond))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "metric\tmeasured\tgoal\tresult")
	fmt.Fprintln(tw, "------\t--------\t----\t------")
	rows := slices.Clone(t.rows)
	slices.SortStableFunc(rows, func(a, b row) int { return int(a.section) - int(b.section) })
	for _, r := range rows {
		result := ""
		if r.pass != nil {
			result = "PASS"
			if !*r.pass {
				result = "FAIL"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.metric, r.value, r.goal, result)
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, a := range t.appendix {
		fmt.Fprintln(w, a)
		fmt.Fprintln(w)
	}
}

// machine describes where the figures come from.
func machine() string {
	cpu := "unknown CPU"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	load := "?"
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = strings.Fields(string(b))[0]
	}
	// A busy machine skews every figure; the load average says so.
	return fmt.Sprintf("%d cores (nproc), %s, %s %s/%s, load average %s", runtime.NumCPU(), cpu, runtime.Version(), runtime.GOOS, runtime.GOARCH, load)
}

func ms(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	case d < 100*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	}
}

// megabytes are decimal (10⁶ bytes), the stricter reading of a goal in MB.
func megabytes(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }
