package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// axe-core, the accessibility engine, comes from npm, pinned by
// e2e/axe/package-lock.json and installed next to it (node_modules is
// git-ignored) by `make axe`, which `make test` runs first. Only these tests
// use it; nothing of it ships.
var axe struct {
	once    sync.Once
	version string
	source  string
	err     error
}

// axeSource is axe.min.js, or fails t saying how to install it. The
// installed version must be the pinned one: a stale install fails too.
func axeSource(t *testing.T) string {
	t.Helper()
	skipIfRequested(t) // E2E_SKIP=1 skips every browser test, outside CI only
	axe.once.Do(func() {
		dir := filepath.Join(suite.repoRoot, "e2e", "axe")
		var lock struct {
			Packages map[string]struct {
				Version string `json:"version"`
			} `json:"packages"`
		}
		b, err := os.ReadFile(filepath.Join(dir, "package-lock.json"))
		if err == nil {
			err = json.Unmarshal(b, &lock)
		}
		if err != nil {
			axe.err = fmt.Errorf("read e2e/axe/package-lock.json: %w", err)
			return
		}
		pinned := lock.Packages["node_modules/axe-core"].Version
		installHint := "run `make axe` (make test runs it), which is `npm ci --prefix e2e/axe`"
		var installed struct {
			Version string `json:"version"`
		}
		b, err = os.ReadFile(filepath.Join(dir, "node_modules", "axe-core", "package.json"))
		if err != nil {
			axe.err = fmt.Errorf("axe-core %s is not installed for the accessibility tests: %s (%v)", pinned, installHint, err)
			return
		}
		if err := json.Unmarshal(b, &installed); err != nil || installed.Version != pinned {
			axe.err = fmt.Errorf("e2e/axe/node_modules holds axe-core %q, but package-lock.json pins %s: %s", installed.Version, pinned, installHint)
			return
		}
		src, err := os.ReadFile(filepath.Join(dir, "node_modules", "axe-core", "axe.min.js"))
		if err != nil {
			axe.err = fmt.Errorf("axe-core %s is installed without axe.min.js: %s (%v)", pinned, installHint, err)
			return
		}
		axe.version, axe.source = pinned, string(src)
	})
	if axe.err != nil {
		t.Fatal(axe.err)
	}
	return axe.source
}

// axeViolation is one rule that failed, with the elements that fail it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
		HTML    string `json:"html"`
	} `json:"nodes"`
}

// axeTags are the rules run: WCAG 2.2 A and AA (2.0 and 2.1 included) and
// axe's best practices.
const axeTags = `["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]`

// axeResult is what fails, and how many rules found nothing wrong.
type axeResult struct {
	Violations []axeViolation `json:"violations"`
	Passed     int            `json:"passed"`
}

// runAxe checks the tab's page as it is now.
func runAxe(t *testing.T, p *person) axeResult {
	t.Helper()
	src := axeSource(t)
	ctx, cancel := context.WithTimeout(p.ctx, time.Minute)
	defer cancel()
	// Injected through the DevTools protocol, which the page's CSP does not
	// govern: the app's pages need no exception for it.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`typeof axe === "undefined" ? (0, eval)(`+jsString(src)+`) : undefined`)); err != nil {
		t.Fatalf("%s: inject axe-core: %v", p.name, err)
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[axeResult](
		`axe.run(document, {runOnly: {type: "tag", values: `+axeTags+`}, resultTypes: ["violations"]})
			.then((r) => ({violations: r.violations, passed: r.passes.length}))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: axe.run: %v%s", p.name, err, p.failureContext(t))
	}
	return out
}

// axeSummary collects the counts for the log's table.
type axeSummary struct {
	mu   sync.Mutex
	rows []string
}

func (s *axeSummary) add(page, config string, r axeResult) {
	counts := map[string]int{}
	var minor []string
	for _, v := range r.Violations {
		counts[v.Impact] += len(v.Nodes)
		if v.Impact != "serious" && v.Impact != "critical" {
			minor = append(minor, v.ID)
		}
	}
	row := fmt.Sprintf("%-12s %-14s %12d %8d %7d %8d %5d  %s", page, config, r.Passed,
		counts["critical"], counts["serious"], counts["moderate"], counts["minor"], strings.Join(minor, " "))
	s.mu.Lock()
	s.rows = append(s.rows, row)
	s.mu.Unlock()
}

func (s *axeSummary) log(t *testing.T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sort.Strings(s.rows)
	var b strings.Builder
	fmt.Fprintf(&b, "axe-core %s, rules tagged %s: rules passed, and elements failing by impact:\n", axe.version, axeTags)
	fmt.Fprintf(&b, "%-12s %-14s %12s %8s %7s %8s %5s  %s\n", "page", "viewport", "rules passed", "critical", "serious", "moderate", "minor", "rules failing (moderate, minor)")
	for _, r := range s.rows {
		b.WriteString(r + "\n")
	}
	t.Log(b.String())
}

// describe writes what axe found, element by element.
func describe(vs []axeViolation) string {
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "\n  [%s] %s: %s", v.Impact, v.ID, v.Help)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n      %v %s\n        %s", n.Target, strings.ReplaceAll(n.Summary, "\n", " / "), n.HTML)
		}
	}
	return b.String()
}

// The accessibility check is not blind: on a page broken on purpose (a
// button without a name, grey text on grey) axe reports both, as critical
// and serious.
func TestAxeSeesViolations(t *testing.T) {
	t.Parallel()
	axeSource(t)
	app := startDemo(t)
	p := newPerson(t, "auditor")
	p.do(t,
		chromedp.Navigate(app.URL+"/"),
		waitFor("the landing page", `!!document.querySelector(".hero")`),
		chromedp.Evaluate[chromedp.Void](`(() => {
			const b = document.createElement("button");
			b.className = "button";
			document.querySelector("main").append(b);
			const p = document.createElement("p");
			p.textContent = "Barely there";
			// Through the CSSOM, which the CSP allows (a style attribute it would not).
			p.style.color = "#999";
			p.style.backgroundColor = "#aaa";
			document.querySelector("main").append(p);
		})()`),
	)
	found := map[string]string{}
	for _, v := range runAxe(t, p).Violations {
		found[v.ID] = v.Impact
	}
	if found["button-name"] != "critical" {
		t.Errorf("axe did not report the nameless button as critical: %v", found)
	}
	if found["color-contrast"] != "serious" {
		t.Errorf("axe did not report grey on grey as serious: %v", found)
	}
}
