package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// person is one person at the browser: a tab in a browser context of its
// own, so their cookies are nobody else's. It records every console error,
// uncaught exception and Content-Security-Policy violation of its pages;
// the test fails on any that is still recorded when it ends.
type person struct {
	name string
	ctx  context.Context

	mu       sync.Mutex
	problems []string
}

// A person starts with a desktop viewport.
const desktopWidth, desktopHeight = 1280, 900

// newPerson opens a private browser context with one blank tab.
func newPerson(t *testing.T, name string) *person {
	t.Helper()
	return openPerson(t, name, chromedp.WithNewBrowserContext())
}

// newProfilePerson opens a tab in the browser's own profile rather than a
// private context, for what Chromium does only there (its installability
// check). The profile is shared: such a tab should not sign in.
func newProfilePerson(t *testing.T, name string) *person {
	t.Helper()
	return openPerson(t, name)
}

func openPerson(t *testing.T, name string, opts ...chromedp.ContextOption) *person {
	t.Helper()
	p := &person{name: name}
	ctx, cancel := chromedp.NewContext(browserFor(t), append(opts, chromedp.WithListener(p.watch))...)
	p.ctx = ctx
	t.Cleanup(func() {
		cancel()
		for _, msg := range p.takeProblems() {
			t.Errorf("%s's browser reported: %s", p.name, msg)
		}
	})
	// The first Do opens the tab (and binds its life to ctx). The script
	// turns a CSP violation into a console error in every page the tab
	// loads, in case the browser's own report is ever missing.
	if err := chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
				Source: `document.addEventListener("securitypolicyviolation", (e) =>
	console.error("securitypolicyviolation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " in " + e.documentURI));`,
			})
			return err
		}),
		chromedp.EmulateViewport(desktopWidth, desktopHeight),
	); err != nil {
		t.Fatalf("open a tab for %s: %v", name, err)
	}
	return p
}

// watch runs in the tab's event loop: it must return fast.
func (p *person) watch(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		var args []string
		for _, a := range ev.Args {
			if a.Value != nil {
				args = append(args, strings.Trim(string(a.Value), `"`))
			} else {
				args = append(args, a.Description)
			}
		}
		msg = "console." + string(ev.Type) + ": " + strings.Join(args, " ")
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg = "uncaught exception: " + d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		msg += fmt.Sprintf(" (%s:%d)", d.URL, d.LineNumber+1)
	case *cdplog.EventEntryAdded:
		// CSP violations and failed loads (4xx/5xx answers) arrive here.
		if ev.Entry.Level != cdplog.EntryLevelError {
			return
		}
		msg = fmt.Sprintf("%s error: %s", ev.Entry.Source, ev.Entry.Text)
		if ev.Entry.URL != "" {
			msg += " (" + ev.Entry.URL + ")"
		}
	default:
		return
	}
	p.mu.Lock()
	p.problems = append(p.problems, msg)
	p.mu.Unlock()
}

// takeProblems returns the problems recorded so far and forgets them.
func (p *person) takeProblems() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.problems
	p.problems = nil
	return out
}

// do runs steps in the tab within a minute, and on failure saves a
// screenshot of what the tab showed and fails t.
func (p *person) do(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v%s", p.name, err, p.failureContext(t))
	}
}

// eval evaluates a JavaScript expression in the tab's page (awaiting it when
// it is a promise) and decodes the result into T.
func eval[T any](t *testing.T, p *person, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: evaluate %s: %v%s", p.name, expr, err, p.failureContext(t))
	}
	return v
}

// failureContext saves a screenshot of the tab for a failing test and says
// where the tab was.
func (p *person) failureContext(t *testing.T) string {
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 600) : ""`))
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	where := ""
	if err == nil {
		if path, err := saveScreenshot("failed-"+t.Name()+"-"+p.name, shot); err == nil {
			where = "\nscreenshot: " + path
		}
	}
	return fmt.Sprintf("\npage: %s\ntext: %q%s", loc, text, where)
}

// waitTimeout bounds every wait for the page: a login or a dashboard takes
// about a second, so this is only slack for a busy machine.
const waitTimeout = 15 * time.Second

// waitFor polls a JavaScript condition until it is true. Errors while the
// page is navigating (no execution context yet) are retried.
func waitFor(what, condition string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		deadline := time.Now().Add(waitTimeout)
		var last error
		for {
			ok, err := chromedp.Evaluate[bool](condition)(ctx, t)
			switch {
			case err == nil && ok:
				return nil
			case err != nil:
				last = err
			}
			if time.Now().After(deadline) {
				if last != nil {
					return fmt.Errorf("timed out waiting for %s (last error: %w)", what, last)
				}
				return fmt.Errorf("timed out waiting for %s", what)
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("waiting for %s: %w", what, ctx.Err())
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
}

// loaded waits for condition on a page that has finished loading: a page
// is read while the browser parses it, so an element near its top can be
// there before the rest.
func loaded(what, condition string) chromedp.Action[chromedp.Void] {
	return waitFor(what, `document.readyState === "complete" && (`+condition+`)`)
}

// jsString quotes s for JavaScript: a JSON string is a JavaScript string
// (encoding/json escapes U+2028 and U+2029 too).
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// logIn goes from the landing page through the simulator's consent page as
// the listener, back to the dashboard.
func logIn(app *demo, listener string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(app.URL+"/"),
		chromedp.Click(chromedp.CSS(`.user-nav a[href="`+app.Base+`/login"]`)),
		waitFor("the simulator's consent page",
			`!!document.querySelector('input[name="listener"][value=`+jsString(listener)+`]')`),
		chromedp.Click(chromedp.CSS(`input[name="listener"][value=`+jsString(listener)+`]`)),
		chromedp.Click(chromedp.CSS(`button[name="action"][value="accept"]`)),
		waitFor("the dashboard after the login",
			`location.href.startsWith(`+jsString(app.URL+"/")+`) && !!document.querySelector(".user-name") && !!document.querySelector(".range-switch")`),
	)
}

// panelCount is how many panels the dashboard has.
const panelCount = 12

// panelsLoaded waits until every panel has replaced its placeholder: no
// section is busy or still the loading placeholder.
var panelsLoaded = waitFor("every panel to load",
	fmt.Sprintf(`document.querySelectorAll("section.panel").length === %d &&
		!document.querySelector('[aria-busy="true"], .panel--loading, .htmx-request')`, panelCount))

// setColorScheme emulates prefers-color-scheme ("light" or "dark").
func setColorScheme(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	})
}

// screenshotDir is E2E_SCREENSHOTS, or e2e-screenshots at the repository's
// root (git-ignored).
func screenshotDir() string {
	if d := os.Getenv("E2E_SCREENSHOTS"); d != "" {
		return d
	}
	return filepath.Join(suite.repoRoot, "e2e-screenshots")
}

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func saveScreenshot(name string, png []byte) (string, error) {
	if len(png) == 0 {
		return "", errors.New("empty screenshot")
	}
	dir := screenshotDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, unsafeFileChars.ReplaceAllString(name, "_")+".png")
	return path, os.WriteFile(path, png, 0o644)
}

// screenshotPage saves a full-page PNG of the tab as name.png. It loads
// every lazy image first: a full-page capture does not scroll, so images
// below the fold would stay blank.
func (p *person) screenshotPage(t *testing.T, name string) {
	t.Helper()
	p.do(t,
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('img[loading="lazy"]').forEach((img) => { img.loading = "eager"; })`),
		waitFor("the images to load", `[...document.images].every((img) => img.complete)`),
	)
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("%s: screenshot %s: %v", p.name, name, err)
	}
	path, err := saveScreenshot(name, png)
	if err != nil {
		t.Fatalf("save screenshot: %v", err)
	}
	t.Logf("screenshot: %s", path)
}
