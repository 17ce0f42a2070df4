package e2e

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Every test fails on a console error or a CSP violation; this one makes
// sure that check is not blind, by breaking the CSP on purpose.
func TestConsoleWatchSeesCSPViolations(t *testing.T) {
	t.Parallel()
	app := startDemo(t)
	p := newPerson(t, "watcher")
	p.do(t,
		chromedp.Navigate(app.URL+"/"),
		waitFor("the landing page", `!!document.querySelector('.user-nav a[href="/login"]')`),
		// An inline script: the app's CSP (script-src 'self') refuses it.
		chromedp.Evaluate[chromedp.Void](`(() => { const s = document.createElement("script"); s.textContent = "window.cspBroken = true"; document.body.append(s); })()`),
	)
	var got []string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		got = append(got, p.takeProblems()...)
		if slices.ContainsFunc(got, func(m string) bool { return strings.Contains(m, "Content Security Policy") }) &&
			slices.ContainsFunc(got, func(m string) bool { return strings.Contains(m, "securitypolicyviolation: script-src") }) {
			break
		}
	}
	if !slices.ContainsFunc(got, func(m string) bool { return strings.Contains(m, "Content Security Policy") }) {
		t.Errorf("the browser's CSP report was not seen; saw %q", got)
	}
	if !slices.ContainsFunc(got, func(m string) bool { return strings.Contains(m, "securitypolicyviolation: script-src") }) {
		t.Errorf("the securitypolicyviolation event was not seen; saw %q", got)
	}
	if eval[bool](t, p, `window.cspBroken === true`) {
		t.Error("the inline script ran: the page has no working Content-Security-Policy")
	}
}
