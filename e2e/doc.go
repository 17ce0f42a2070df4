// Package e2e drives a real headless Chromium (through chromedp) against the
// demo, that is the built euterpe binary with its simulated Spotify, to see
// what a person sees: the login through the consent page, the HTMX panels
// arriving, the Content-Security-Policy, a phone-sized layout.
//
// The package holds only tests. They build ./cmd/euterpe once, start one
// `euterpe demo` per test on free ports with a fresh database (see
// internal/testdb), and share one browser in which every simulated person
// gets a browser context of their own (cookies and cache apart, like a
// private window).
//
// The browser is the one E2E_CHROMIUM names, else chromium on PATH
// (Debian's chromium package, which make test installs). When it cannot be started the tests fail: they never
// skip by themselves. Outside CI, E2E_SKIP=1 skips them on purpose.
//
// Screenshots of the dashboard go to E2E_SCREENSHOTS, by default the
// git-ignored e2e-screenshots/ at the root of the repository.
package e2e
