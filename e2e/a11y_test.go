package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/euterpe-dev/euterpe/internal/testclock"
	"github.com/euterpe-dev/euterpe/social"
)

// a11yZone is the browser's time zone in these tests, so the History page
// settles once and stays.
const a11yZone = "Europe/Paris"

// axePage is a page the accessibility check visits: where, whether it
// needs someone signed in, and how to tell it is ready (every panel in).
type axePage struct {
	name     string
	path     string
	signedIn bool
	ready    chromedp.Action[chromedp.Void]
}

// axePages are the pages axe checks, each in light and dark, on a desktop
// and on a phone. A new page is one line here: the year in review
// (/year/{yyyy}) joins when it lands. {share} and {friendship} stand for a
// link and a friendship the test makes first (socialPlaces).
var axePages = []axePage{
	{"landing", "/", false, waitFor("the landing page", `!!document.querySelector(".hero") && !!document.querySelector('.user-nav a[href="/login"]')`)},
	{"offline", "/offline", false, waitFor("the offline page", `!!document.querySelector("[data-offline]")`)},
	{"dashboard", "/", true, panelsLoaded},
	{"history", "/history", true, chromedp.Steps(historySettledIn(a11yZone), historyPanelsLoaded)},
	{"import", "/history/import", true, waitFor("the import page", `!!document.querySelector('input[type="file"][name="files"]')`)},
	{"account", "/account/delete", true, waitFor("the account page", `!!document.querySelector('form[action="/account/delete"]')`)},
	{"trends", "/trends", true, loaded("the Trends page", `document.querySelectorAll("section.panel").length > 0 &&
		!document.querySelector('section.panel[aria-busy="true"], section.panel.panel--loading, section.panel.htmx-request')`)},
	{"year", "/year", true, loaded("the year in review", `!!document.querySelector(".year-hero") && !!document.querySelector(".year-big-value")`)},
	{"shares", "/shares", true, loaded("the share links", `!!document.querySelector(".social-table") && !!document.querySelector("#share-year form")`)},
	{"friends", "/friends", true, loaded("the friends page", `!!document.querySelector(".social-friends a")`)},
	{"compare", "/friends/{friendship}", true, loaded("the compare page", `!!document.querySelector(".social-score-value") && !!document.querySelector(".social-clock")`)},
	{"playlists", "/playlists", true, loaded("the playlists page", `!!document.querySelector('form[action="/playlists/top"]')`)},
	{"share page", "/s/{share}", false, loaded("the share page", `!!document.querySelector(".shared-head h1") && !!document.querySelector(".year-top-item")`)},
}

// socialPlaces makes what the pages of sharing and friends show for ines,
// the signed-in member of TestAccessibility: a friendship with walt and a
// link to her year in review, every part shown. It fills the paths of
// axePages in.
func socialPlaces(t *testing.T, app *demo) *strings.Replacer {
	t.Helper()
	ines, walt := newPerson(t, "ines-setup"), newPerson(t, "walt-setup")
	ines.do(t, logIn(app, "ines"))
	walt.do(t, logIn(app, "walt"))
	_, comparePath := befriend(t, app, walt, ines, "Walt Brennan")
	year := strconv.Itoa(testclock.Now().UTC().Year())
	var panels []string
	for _, p := range social.ShareYear.Panels() {
		panels = append(panels, p.ID)
	}
	_, token := makeShare(t, app, ines, shareOptions{kind: "year", selects: map[string]string{"year": year}, panels: panels})
	return strings.NewReplacer("{friendship}", strings.TrimPrefix(comparePath, "/friends/"), "{share}", token)
}

// viewports are a desktop and a phone (375×812, touch).
var viewports = []struct {
	name  string
	apply chromedp.Action[chromedp.Void]
}{
	{"desktop", chromedp.EmulateViewport(desktopWidth, desktopHeight)},
	{"phone", chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)},
}

// settled waits for transitions to end (a colour scheme switch fades the
// buttons), so axe measures the colours a person ends up seeing. Endless
// animations (a spinner) are not waited for.
var settled = waitFor("transitions to end", `document.getAnimations().every((a) =>
	a.playState !== "running" || !isFinite(a.effect.getComputedTiming().endTime))`)

// axe finds no serious or critical problem on any page, in light or dark,
// on a desktop or a phone. What it finds of lesser impact is logged, with
// a summary of every run.
func TestAccessibility(t *testing.T) {
	t.Parallel()
	axeSource(t) // fail at once, and clearly, when axe-core is missing
	app := startDemo(t)
	places := socialPlaces(t, app)
	summary := &axeSummary{}
	t.Cleanup(func() { summary.log(t) })
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			t.Parallel()
			anon, member := newPerson(t, "visitor-"+vp.name), newPerson(t, "ines-"+vp.name)
			for _, p := range []*person{anon, member} {
				p.do(t, vp.apply, setTimezone(a11yZone))
			}
			member.do(t, logIn(app, "ines"), panelsLoaded)
			for _, pg := range axePages {
				p := anon
				if pg.signedIn {
					p = member
				}
				p.do(t, setColorScheme("light"), chromedp.Navigate(app.URL+places.Replace(pg.path)), pg.ready)
				for _, scheme := range []string{"light", "dark"} {
					p.do(t, setColorScheme(scheme), settled)
					res := runAxe(t, p)
					summary.add(pg.name, vp.name+" "+scheme, res)
					var grave, lesser []axeViolation
					for _, v := range res.Violations {
						if v.Impact == "serious" || v.Impact == "critical" {
							grave = append(grave, v)
						} else {
							lesser = append(lesser, v)
						}
					}
					if len(lesser) > 0 {
						t.Logf("%s (%s, %s): axe finds, of lesser impact:%s", pg.name, vp.name, scheme, describe(lesser))
					}
					if len(grave) > 0 {
						p.screenshotPage(t, "a11y-"+pg.name+"-"+vp.name+"-"+scheme)
						t.Errorf("%s (%s, %s): axe finds serious or critical problems:%s", pg.name, vp.name, scheme, describe(grave))
					}
				}
			}
		})
	}
}

// focusCheck says what is wrong with the focused element's focus
// indicator, or "" when a person can see where the focus is: the element
// matches :focus-visible and draws an outline of 2 px or more or a ring.
const focusCheck = `(() => {
	const el = document.activeElement;
	if (!el || el === document.body) return "nothing is focused";
	const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
		(typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\s+/).join(".") : "") +
		" " + JSON.stringify((el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40));
	if (!el.matches(":focus-visible")) return name + " is focused without :focus-visible";
	const s = getComputedStyle(el);
	const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
	const ring = s.boxShadow !== "none" && s.boxShadow !== "";
	const r = el.getBoundingClientRect();
	if (r.width === 0 || r.height === 0) return name + " is focused but has no size";
	return outline || ring ? "" : name + " shows no focus (outline " + s.outlineStyle + " " + s.outlineWidth + ", box-shadow " + s.boxShadow + ")";
})()`

// tabTo presses Tab (Shift+Tab when back) until the focused element
// matches selector, at most max times. On Euterpe's pages (ours) every
// element the focus passes must show it.
func tabTo(t *testing.T, p *person, selector string, back, ours bool, max int) {
	t.Helper()
	var opts []chromedp.KeyOption
	if back {
		opts = append(opts, chromedp.KeyModifiers(chromedp.ModifierShift))
	}
	matches := `(() => { const el = document.activeElement; return !!el && el.matches(` + jsString(selector) + `); })()`
	var passed []string
	for range max {
		p.do(t, chromedp.KeyEvent(kb.Tab, opts...))
		if ours {
			if problem := eval[string](t, p, focusCheck); problem != "" {
				t.Errorf("tabbing to %s: %s", selector, problem)
			}
		}
		if eval[bool](t, p, matches) {
			return
		}
		passed = append(passed, eval[string](t, p, `(document.activeElement || {}).outerHTML ? document.activeElement.outerHTML.slice(0, 80) : "none"`))
	}
	t.Fatalf("%d presses of Tab did not reach %s; the focus went through:\n%s%s", max, selector, strings.Join(passed, "\n"), p.failureContext(t))
}

func pressEnter(t *testing.T, p *person) {
	t.Helper()
	p.do(t, chromedp.KeyEvent(kb.Enter))
}

// Someone who uses only the keyboard signs in, switches the range, retries
// a panel that failed and logs out, and can always see where the focus is.
func TestKeyboardOnlyPath(t *testing.T) {
	t.Parallel()
	app := startDemo(t)
	// The top artists fail until the fault is lifted (see TestFailedPanelRetries).
	app.sim(t, "POST", "/_sim/faults", fault{Status: 500, Count: -1, PathPrefix: "/v1/me/top/artists"})
	p := newPerson(t, "keyboard")
	p.do(t,
		chromedp.Navigate(app.URL+"/"),
		waitFor("the landing page", `!!document.querySelector('.user-nav a[href="/login"]')`),
	)

	// The first Tab reaches the skip link, which shows itself.
	tabTo(t, p, "a.skip-link", false, true, 1)
	if top := eval[float64](t, p, `document.activeElement.getBoundingClientRect().top`); top < 0 {
		t.Errorf("the focused skip link stays off screen (top %v px)", top)
	}

	tabTo(t, p, `.user-nav a[href="/login"]`, false, true, 10)
	pressEnter(t, p)
	p.do(t, waitFor("the simulator's consent page", `!!document.querySelector('button[name="action"][value="accept"]')`))
	// The simulator's page is not Euterpe's: only its keys are used here.
	tabTo(t, p, `button[name="action"][value="accept"]`, false, false, 10)
	pressEnter(t, p)
	p.do(t,
		waitFor("the dashboard", `location.href.startsWith(`+jsString(app.URL+"/")+`) && !!document.querySelector(".range-switch")`),
		panelsLoaded,
	)

	tabTo(t, p, `nav[aria-label="Time range"] a[href="/?range=medium_term"]`, false, true, 20)
	pressEnter(t, p)
	p.do(t, waitFor("the 6-month dashboard", `location.search === "?range=medium_term"`), panelsLoaded)
	if !eval[bool](t, p, `document.querySelector("#panel-top-artists").classList.contains("panel--error")`) {
		t.Fatal("the top artists panel did not fail: there is no Retry to press")
	}

	app.sim(t, "DELETE", "/_sim/faults", nil)
	tabTo(t, p, "#panel-top-artists button.retry", false, true, 80)
	pressEnter(t, p)
	p.do(t, waitFor("the top artists after Retry", `(() => { const s = document.querySelector("#panel-top-artists");
		return !!s && !s.classList.contains("panel--error") && !!s.querySelector(".artist-grid"); })()`))
	// The focus stays where the person was: on the panel that replaced the
	// button, not lost to the top of the page.
	if got := eval[string](t, p, `document.activeElement.closest("section.panel") ? document.activeElement.closest("section.panel").id : document.activeElement.tagName`); got != "panel-top-artists" {
		t.Errorf("after Retry the focus is on %s, want the top artists panel", got)
	}
	if problem := eval[string](t, p, focusCheck); problem != "" {
		t.Errorf("after Retry: %s", problem)
	}

	tabTo(t, p, ".logout-form button", true, true, 200)
	pressEnter(t, p)
	p.do(t, waitFor("the page after logging out",
		`location.pathname === "/login" && !!document.querySelector('.user-nav a[href="/login"]')`))
	if got := eval[string](t, p, `(document.querySelector('[role="status"]') || {textContent: ""}).textContent.trim()`); got != "You have logged out." {
		t.Errorf("after logging out the notice says %q", got)
	}
}

// accessibleNames lists every SVG a screen reader meets (not hidden by
// aria-hidden on it or above it) with the name it reads: role img and the
// text of aria-labelledby, aria-label or a <title>.
const accessibleNames = `[...document.querySelectorAll("svg")]
	.filter((svg) => !svg.closest('[aria-hidden="true"]'))
	.map((svg) => {
		const where = (svg.closest("section[id]") || {id: "page"}).id + " svg" + (svg.getAttribute("class") ? "." + svg.getAttribute("class").split(/\s+/).join(".") : "");
		let name = "";
		if (svg.getAttribute("aria-labelledby")) {
			name = svg.getAttribute("aria-labelledby").split(/\s+/).map((id) => {
				const el = document.getElementById(id);
				return el ? el.textContent.trim() : "";
			}).join(" ").trim();
		} else if (svg.getAttribute("aria-label")) {
			name = svg.getAttribute("aria-label").trim();
		} else if (svg.querySelector(":scope > title")) {
			name = svg.querySelector(":scope > title").textContent.trim();
		}
		return {where, role: svg.getAttribute("role") || "", name};
	})`

type svgName struct {
	Where string `json:"where"`
	Role  string `json:"role"`
	Name  string `json:"name"`
}

// Every chart a screen reader meets is an image with a name that says what
// it shows, numbers included; every other SVG (icons, decoration) is
// hidden from it.
func TestChartsHaveTextAlternatives(t *testing.T) {
	t.Parallel()
	app := startDemo(t)
	p := newPerson(t, "walt")
	p.do(t, setTimezone(a11yZone), logIn(app, "walt"), panelsLoaded)
	pages := []struct {
		path   string
		ready  chromedp.Action[chromedp.Void]
		charts []string // where a chart must be
	}{
		{"/", panelsLoaded, []string{"panel-release-years", "panel-seasons"}},
		{"/history", chromedp.Steps(historySettledIn(a11yZone), historyPanelsLoaded), []string{"panel-calendar", "panel-clock"}},
	}
	for _, pg := range pages {
		p.do(t, chromedp.Navigate(app.URL+pg.path), pg.ready)
		named := map[string]bool{}
		for _, s := range eval[[]svgName](t, p, accessibleNames) {
			if s.Role != "img" || len(s.Name) < 10 {
				t.Errorf("%s: %s is read by screen readers as role %q named %q: give it role=img and a text alternative, or aria-hidden", pg.path, s.Where, s.Role, s.Name)
				continue
			}
			if !strings.ContainsAny(s.Name, "0123456789") {
				t.Errorf("%s: %s is named %q, which gives none of its figures", pg.path, s.Where, s.Name)
			}
			named[strings.Fields(s.Where)[0]] = true
		}
		for _, c := range pg.charts {
			if !named[c] {
				t.Errorf("%s: no named chart in #%s", pg.path, c)
			}
		}
	}
}

// moving lists what moves on the page: elements (and their ::before and
// ::after) with an animation or a transition longer than 10 ms. A spinner
// and a skeleton, as a loading panel shows them, are added first.
const moving = `(() => {
	document.body.insertAdjacentHTML("beforeend",
		'<div id="motion-probe"><span class="spinner"></span><div class="skeleton"><span></span></div><button class="button">b</button></div>');
	const seconds = (list) => Math.max(...list.split(",").map((v) => v.trim().endsWith("ms") ? parseFloat(v) / 1000 : parseFloat(v)));
	const out = [];
	for (const el of document.querySelectorAll("body *")) {
		for (const pseudo of [null, "::before", "::after"]) {
			const s = getComputedStyle(el, pseudo);
			const animated = s.animationName !== "none" && seconds(s.animationDuration) > 0.01;
			const transitions = s.transitionProperty !== "none" && seconds(s.transitionDuration) > 0.01;
			if (animated || transitions) {
				out.push(el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "") + (pseudo || "") +
					(animated ? " animation " + s.animationName + " " + s.animationDuration : "") + (transitions ? " transition " + s.transitionDuration : ""));
			}
		}
	}
	document.getElementById("motion-probe").remove();
	return [...new Set(out)];
})()`

// emulateMotion sets prefers-reduced-motion (and keeps the light scheme).
func emulateMotion(value string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{
				{Name: "prefers-reduced-motion", Value: value},
				{Name: "prefers-color-scheme", Value: "light"},
			},
		})
		return err
	})
}

// With prefers-reduced-motion: reduce nothing moves: no spinner turns, no
// skeleton shimmers, no transition plays. Without it they do, so the check
// is not blind.
func TestReducedMotionIsRespected(t *testing.T) {
	t.Parallel()
	app := startDemo(t)
	p := newPerson(t, "amara")
	p.do(t, logIn(app, "amara"), panelsLoaded)
	found := map[string][]string{}
	for _, pref := range []string{"no-preference", "reduce"} {
		for _, path := range []string{"/", "/history/import", "/offline"} {
			p.do(t, emulateMotion(pref), chromedp.Navigate(app.URL+path), waitFor("the page", `document.readyState === "complete"`))
			if path == "/" {
				p.do(t, panelsLoaded)
			}
			found[pref+" "+path] = eval[[]string](t, p, moving)
		}
	}
	for _, path := range []string{"/", "/history/import", "/offline"} {
		if got := found["reduce "+path]; len(got) > 0 {
			t.Errorf("%s with reduced motion still moves:\n%s", path, strings.Join(got, "\n"))
		}
		if len(found["no-preference "+path]) == 0 {
			t.Errorf("%s: nothing moves even without reduced motion: the check sees nothing", path)
		}
	}
	if s := strings.Join(found["no-preference /"], "\n"); !strings.Contains(s, "spin") || !strings.Contains(s, "shimmer") {
		t.Errorf("without reduced motion the spinner and the skeleton do not animate:\n%s", s)
	}
}
