package views

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"github.com/euterpe-dev/euterpe/analytics"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/spotify"
)

// render renders c, parses the result with a real HTML parser and checks that
// nothing in it would be blocked by the Content-Security-Policy.
func render(t *testing.T, c templ.Component) *goquery.Document {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	doc, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	assertCSPSafe(t, doc)
	return doc
}

// assertCSPSafe fails on what `script-src 'self'; style-src 'self'` blocks:
// inline scripts, <style> elements, style attributes, event-handler
// attributes, and scripts or stylesheets from elsewhere.
func assertCSPSafe(t *testing.T, doc *goquery.Document) {
	t.Helper()
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		src, ok := s.Attr("src")
		if !ok || !strings.HasPrefix(src, "/static/") || strings.TrimSpace(s.Text()) != "" {
			t.Errorf("script that is inline or not ours: %s", outer(s))
		}
	})
	if n := doc.Find("style").Length(); n > 0 {
		t.Errorf("%d <style> elements", n)
	}
	doc.Find("*").Each(func(_ int, s *goquery.Selection) {
		for _, a := range s.Nodes[0].Attr {
			name := strings.ToLower(a.Key)
			switch {
			case name == "style":
				t.Errorf("style attribute on <%s>", goquery.NodeName(s))
			case strings.HasPrefix(name, "on"):
				t.Errorf("event handler attribute %s on <%s>", name, goquery.NodeName(s))
			case strings.HasPrefix(name, "hx-on"), name == "hx-vars":
				t.Errorf("%s needs eval, which the CSP forbids", name)
			case (name == "href" || name == "src" || name == "action" || name == "hx-get") &&
				strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:"):
				t.Errorf("javascript: URL in %s", name)
			}
		}
	})
	doc.Find(`link[rel="stylesheet"]`).Each(func(_ int, s *goquery.Selection) {
		if href, _ := s.Attr("href"); !strings.HasPrefix(href, "/static/") {
			t.Errorf("stylesheet from elsewhere: %s", href)
		}
	})
}

func outer(s *goquery.Selection) string {
	h, _ := goquery.OuterHtml(s)
	return h
}

func attr(s *goquery.Selection, name string) string {
	v, _ := s.Attr(name)
	return v
}

// texts is the text of each element, joined with " | ".
func texts(s *goquery.Selection) string {
	return strings.Join(s.Map(func(_ int, e *goquery.Selection) string { return text(e) }), " | ")
}

func text(s *goquery.Selection) string {
	return strings.Join(strings.Fields(s.Text()), " ")
}

var loggedIn = Page{Title: "Dashboard", User: &NavUser{Name: "Ada Lovelace"}}

func TestLayoutHead(t *testing.T) {
	doc := render(t, Layout(loggedIn))
	if got := doc.Find("html").AttrOr("lang", ""); got != "en" {
		t.Errorf("lang = %q", got)
	}
	if got := doc.Find("title").Text(); got != "Dashboard · Euterpe" {
		t.Errorf("title = %q", got)
	}
	if doc.Find(`meta[name="viewport"]`).Length() != 1 {
		t.Error("no viewport meta")
	}
	if got := attr(doc.Find(`meta[name="color-scheme"]`), "content"); got != "light dark" {
		t.Errorf("color-scheme = %q", got)
	}
	var cfg map[string]any
	if err := json.Unmarshal([]byte(attr(doc.Find(`meta[name="htmx-config"]`), "content")), &cfg); err != nil {
		t.Fatalf("htmx-config is not JSON: %v", err)
	}
	for _, k := range []string{"includeIndicatorStyles", "allowEval", "allowScriptTags"} {
		if cfg[k] != false {
			t.Errorf("htmx-config %s = %v, want false", k, cfg[k])
		}
	}
	css := doc.Find(`link[rel="stylesheet"]`)
	if css.Length() != 1 || !strings.HasPrefix(attr(css, "href"), "/static/app.css?v=") {
		t.Errorf("stylesheet: %s", outer(css))
	}
	js := doc.Find("script")
	if js.Length() != 2 || !strings.HasPrefix(attr(js.Eq(0), "src"), "/static/htmx.min.js?v=") ||
		!strings.HasPrefix(attr(js.Eq(1), "src"), "/static/app.js?v=") {
		t.Errorf("scripts: %s", outer(js))
	}
	js.Each(func(_ int, s *goquery.Selection) {
		if _, ok := s.Attr("defer"); !ok {
			t.Errorf("%s is not deferred", attr(s, "src"))
		}
		if strings.TrimSpace(s.Text()) != "" {
			t.Errorf("inline script in %s", outer(s))
		}
	})
}

func TestLayoutNavbar(t *testing.T) {
	doc := render(t, Layout(loggedIn))
	skip := doc.Find("a.skip-link")
	if attr(skip, "href") != "#main" || doc.Find("main#main").Length() != 1 {
		t.Errorf("skip link %s without main#main", outer(skip))
	}
	if doc.Find("body > *").First().Is("a.skip-link") == false {
		t.Error("the skip link is not the first thing in the body")
	}
	if got := text(doc.Find(".user-name")); got != "Signed in as Ada Lovelace" {
		t.Errorf("user name = %q", got)
	}
	form := doc.Find(`form[action="/logout"]`)
	if strings.ToLower(attr(form, "method")) != "post" || form.Find(`button[type="submit"]`).Length() != 1 {
		t.Errorf("logout form: %s", outer(form))
	}
	if doc.Find(`a[href="/account/delete"]`).Length() != 1 {
		t.Error("no Account link")
	}
	if doc.Find(`a[href="/login"]`).Length() != 0 {
		t.Error("login link shown to a logged-in user")
	}
	if doc.Find(".demo-banner").Length() != 0 || doc.Find(".flash").Length() != 0 {
		t.Error("demo banner or flash without being asked for")
	}

	out := render(t, Layout(Page{Title: "Welcome", Demo: true, Flash: "Please log in again."}))
	if out.Find(`form[action="/logout"]`).Length() != 0 || out.Find(".user-name").Length() != 0 {
		t.Error("logged-out page shows a user")
	}
	if got := text(out.Find(`header a[href="/login"]`)); got != "Log in with Spotify" {
		t.Errorf("login link = %q", got)
	}
	if got := text(out.Find(".demo-banner")); got != "Demo: this Euterpe talks to a simulated Spotify, not the real one." {
		t.Errorf("demo banner = %q", got)
	}
	flash := out.Find("main .flash")
	if attr(flash, "role") != "status" || text(flash) != "Please log in again." {
		t.Errorf("flash: %s", outer(flash))
	}
	if got := out.Find("title").Text(); got != "Welcome · Euterpe" {
		t.Errorf("title = %q", got)
	}
	if got := render(t, Layout(Page{})).Find("title").Text(); got != "Euterpe" {
		t.Errorf("untitled page = %q", got)
	}
}

func TestStaticAssets(t *testing.T) {
	for _, name := range []string{"app.css", "htmx.min.js", "favicon.svg", "README.md"} {
		b, err := Static.ReadFile("static/" + name)
		if err != nil || len(b) == 0 {
			t.Fatalf("static/%s: %v", name, err)
		}
		if u := AssetURL(name); !strings.HasPrefix(u, "/static/"+name+"?v=") || len(u) != len("/static/"+name+"?v=")+12 {
			t.Errorf("AssetURL(%q) = %q", name, u)
		}
	}
	if got := AssetURL("missing.js"); got != "/static/missing.js" {
		t.Errorf("AssetURL of a missing file = %q", got)
	}
	js, _ := Static.ReadFile("static/htmx.min.js")
	if !bytes.Contains(js, []byte(`version:"2.0.11"`)) {
		t.Error("htmx.min.js is not htmx 2.0.11; update static/README.md with the version")
	}
	css, _ := Static.ReadFile("static/app.css")
	for _, want := range []string{".htmx-indicator", "prefers-color-scheme: dark", "prefers-reduced-motion", ":focus-visible", ".visually-hidden"} {
		if !bytes.Contains(css, []byte(want)) {
			t.Errorf("app.css has no %s", want)
		}
	}
	if bytes.Contains(css, []byte("@import")) || bytes.Contains(css, []byte("url(http")) {
		t.Error("app.css loads something from elsewhere")
	}
}

func TestLoginPage(t *testing.T) {
	doc := render(t, LoginPage(Page{Title: "Welcome"}))
	cta := doc.Find(`main a.button[href="/login"]`)
	if cta.Length() != 1 || text(cta) != "Log in with Spotify" {
		t.Errorf("call to action: %s", outer(cta))
	}
	if doc.Find("main h1").Length() != 1 {
		t.Error("want exactly one h1")
	}
	if !strings.Contains(text(doc.Find(".hero-note")), "only their own") {
		t.Error("no note that data stays per user")
	}
	if got := doc.Find(".feature").Length(); got < 5 {
		t.Errorf("%d features", got)
	}
}

func TestErrorPage(t *testing.T) {
	tests := []struct {
		e                      ErrorInfo
		code, title, href, cta string
	}{
		{ErrorInfo{Status: 401}, "401", "Please log in", "/login", "Log in with Spotify"},
		{ErrorInfo{Status: 403}, "403", "Not allowed", "/", "Back to your dashboard"},
		{ErrorInfo{Status: 404}, "404", "Page not found", "/", "Back to your dashboard"},
		{ErrorInfo{Status: 429, Message: "Try again in 30 seconds."}, "429", "Slow down a little", "/", "Back to your dashboard"},
		{ErrorInfo{Status: 500}, "500", "Something went wrong", "/", "Back to your dashboard"},
		{ErrorInfo{Status: 503}, "503", "Spotify is not answering", "/", "Back to your dashboard"},
		{ErrorInfo{Title: "Login was cancelled", Message: "You chose not to connect Spotify.", ActionURL: "/login", ActionLabel: "Try again"}, "", "Login was cancelled", "/login", "Try again"},
		{ErrorInfo{Status: 400, Title: "This login link has expired", ActionURL: "/login"}, "400", "This login link has expired", "/login", "Log in with Spotify"},
	}
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			doc := render(t, ErrorPage(Page{Title: tt.title}, tt.e))
			if got := text(doc.Find(".error-code")); got != tt.code {
				t.Errorf("code = %q, want %q", got, tt.code)
			}
			if got := text(doc.Find("main h1")); got != tt.title {
				t.Errorf("h1 = %q", got)
			}
			if text(doc.Find(".error-page .lead")) == "" {
				t.Error("no message")
			}
			a := doc.Find(".error-page .actions a")
			if attr(a, "href") != tt.href || text(a) != tt.cta {
				t.Errorf("action = %s", outer(a))
			}
		})
	}
	doc := render(t, ErrorPage(Page{}, ErrorInfo{Status: 500, Message: `<script>alert("x")</script>`}))
	if !strings.Contains(doc.Find(".error-page .lead").Text(), `<script>alert("x")</script>`) {
		t.Error("message not shown as text")
	}
	if doc.Find("main script").Length() != 0 {
		t.Error("message rendered as markup")
	}
	if got := (ErrorInfo{Status: http.StatusTeapot}).withDefaults().Title; got == "" {
		t.Error("no default title for an unusual status")
	}
}

func TestDeleteAccountPage(t *testing.T) {
	doc := render(t, DeleteAccountPage(loggedIn))
	form := doc.Find(`main form[action="/account/delete"]`)
	if strings.ToLower(attr(form, "method")) != "post" {
		t.Fatalf("form: %s", outer(form))
	}
	box := form.Find(`input[type="checkbox"][name="confirm"][value="yes"]`)
	if _, req := box.Attr("required"); box.Length() != 1 || !req {
		t.Errorf("confirm checkbox: %s", outer(box))
	}
	if box.Closest("label").Length() != 1 {
		t.Error("checkbox without a label")
	}
	if form.Find(`button[type="submit"].button--danger`).Length() != 1 {
		t.Error("no danger submit button")
	}
	if form.Find(`a[href="/"]`).Length() != 1 {
		t.Error("no cancel link")
	}
	list := text(doc.Find(".checklist"))
	for _, want := range []string{"account", "tokens", "sessions", "preferences"} {
		if !strings.Contains(list, want) {
			t.Errorf("deletion list does not mention %s: %q", want, list)
		}
	}
}

func TestDashboard(t *testing.T) {
	data := sampleDashboard(spotify.MediumTerm)
	panels := data.Panels
	doc := render(t, Dashboard(Page{Title: "Dashboard", User: &NavUser{Name: "Ada"}}, data))

	links := doc.Find(`nav.range-switch a`)
	if links.Length() != 3 {
		t.Fatalf("%d range links", links.Length())
	}
	for i, r := range spotify.TimeRanges() {
		a := links.Eq(i)
		if attr(a, "href") != "/?range="+string(r) || text(a) != r.Label() {
			t.Errorf("range link %d: %s", i, outer(a))
		}
		cur, ok := a.Attr("aria-current")
		if (r == spotify.MediumTerm) != ok || (ok && cur != "page") {
			t.Errorf("aria-current on %s: %q %v", r, cur, ok)
		}
	}

	sections := doc.Find(".panels section.panel")
	if sections.Length() != len(panels) {
		t.Fatalf("%d placeholders, want %d", sections.Length(), len(panels))
	}
	sections.Each(func(i int, s *goquery.Selection) {
		p := panels[i]
		if attr(s, "id") != "panel-"+p.ID || attr(s, "aria-busy") != "true" || attr(s, "hx-get") != p.URL ||
			attr(s, "hx-trigger") != "load" || attr(s, "hx-swap") != "outerHTML" {
			t.Errorf("placeholder %d: %s", i, outer(s.Clone().Empty()))
		}
		h := s.Find("h2")
		if text(h) != p.Title || attr(s, "aria-labelledby") != attr(h, "id") {
			t.Errorf("placeholder %s heading %s", p.ID, outer(h))
		}
		if s.Find(".spinner").Length() != 1 {
			t.Errorf("placeholder %s has no loading indicator", p.ID)
		}
		if s.Parent().HasClass("cell--wide") != p.Wide {
			t.Errorf("placeholder %s wide = %v", p.ID, !p.Wide)
		}
	})
}

// assertPanel checks what every fragment shares: exactly one section, the
// panel's id, no aria-busy, a heading it is labelled by.
func assertPanel(t *testing.T, doc *goquery.Document, id string) *goquery.Selection {
	t.Helper()
	s := doc.Find("body > section")
	if s.Length() != 1 || doc.Find("body").Children().Length() != 1 {
		t.Fatalf("want one top-level section, got %d", doc.Find("body").Children().Length())
	}
	if attr(s, "id") != "panel-"+id || !s.HasClass("panel") {
		t.Errorf("section: %s", outer(s.Clone().Empty()))
	}
	if _, busy := s.Attr("aria-busy"); busy {
		t.Error("fragment still aria-busy")
	}
	h := s.Find("h2#panel-" + id + "-title")
	if h.Length() != 1 || attr(s, "aria-labelledby") != "panel-"+id+"-title" || text(h) == "" {
		t.Errorf("heading: %s", outer(h))
	}
	return s
}

func assertEmpty(t *testing.T, s *goquery.Selection, want string) {
	t.Helper()
	if got := text(s.Find(".empty")); got != want {
		t.Errorf("empty state = %q, want %q", got, want)
	}
}

func assertUnavailable(t *testing.T, s *goquery.Selection) {
	t.Helper()
	n := text(s.Find(`.notice[role="note"]`))
	for _, want := range []string{"Not available for this app.", "Development Mode", "extended quota"} {
		if !strings.Contains(n, want) {
			t.Errorf("unavailable notice %q lacks %q", n, want)
		}
	}
}

func assertImages(t *testing.T, s *goquery.Selection) {
	t.Helper()
	s.Find("img").Each(func(_ int, img *goquery.Selection) {
		if attr(img, "alt") == "" || attr(img, "loading") != "lazy" || attr(img, "width") == "" || attr(img, "height") == "" {
			t.Errorf("img: %s", outer(img))
		}
	})
}

func TestOverviewPanel(t *testing.T) {
	s := assertPanel(t, render(t, OverviewPanel(ref("overview"), spotify.ShortTerm, sampleOverview())), "overview")
	stats := map[string]string{}
	s.Find(".stat").Each(func(_ int, st *goquery.Selection) {
		stats[text(st.Find("dt"))] = text(st.Find(".stat-value"))
	})
	want := map[string]string{
		"Your top song": "Midnight City", "Your top artist": "M83", "Top songs": "50",
		"Listening time": "3 h 25 min", "Top decade": "2020s", "Average popularity": "61/100",
		"Top genre": "indie pop", "Recently played": "50 plays",
	}
	for k, v := range want {
		if stats[k] != v {
			t.Errorf("%s = %q, want %q", k, stats[k], v)
		}
	}

	dev := sampleOverview()
	dev.AveragePopularity, dev.TopGenre, dev.GenresAvailable = nil, nil, false
	s = assertPanel(t, render(t, OverviewPanel(ref("overview"), spotify.ShortTerm, dev)), "overview")
	na := s.Find(".stat--na")
	if na.Length() != 2 {
		t.Errorf("%d unavailable stats, want popularity and genre", na.Length())
	}
	na.Each(func(_ int, st *goquery.Selection) {
		if text(st.Find(".stat-value")) != "Not available" || !strings.Contains(text(st), "does not give") {
			t.Errorf("unavailable stat: %q", text(st))
		}
	})
	if strings.Contains(text(s), "0/100") {
		t.Error("missing popularity shown as 0")
	}

	s = assertPanel(t, render(t, OverviewPanel(ref("overview"), spotify.ShortTerm, analytics.OverviewReport{})), "overview")
	assertEmpty(t, s, noHistory)
	if s.Find(".stat").Length() != 0 {
		t.Error("empty overview shows stats")
	}
}

func TestTopSongsPanel(t *testing.T) {
	songs := sampleSongs(50, true)
	s := assertPanel(t, render(t, TopSongsPanel(ref("top-songs"), spotify.ShortTerm, songs)), "top-songs")
	if got := text(s.Find(".panel-sub")); got != "Last 4 weeks" {
		t.Errorf("sub = %q", got)
	}
	shown := s.ChildrenFiltered(".panel-body").ChildrenFiltered("ol.tracks").Children()
	rest := s.Find("details.more ol.tracks").Children()
	if shown.Length() != 10 || rest.Length() != 40 {
		t.Errorf("%d shown + %d behind Show all, want 10 + 40", shown.Length(), rest.Length())
	}
	first := shown.First()
	if text(first.Find(".rank")) != "1" || text(first.Find(".track-title")) != songs[0].Name || text(first.Find(".track-sub")) != songs[0].Artists {
		t.Errorf("first row: %q", text(first))
	}
	if attr(first.Find(".track-title a"), "href") != songs[0].SpotifyURL {
		t.Error("no link to Spotify")
	}
	if got := text(first.Find(".duration")); got != "Duration "+songs[0].Duration {
		t.Errorf("duration = %q", got)
	}
	if got := text(first.Find(".pop-num")); got != "Popularity 90" {
		t.Errorf("popularity = %q", got)
	}
	if first.Find("svg.pop-bar rect.pop-fill").AttrOr("width", "") != "90" {
		t.Error("popularity bar width")
	}
	if s.Find(".explicit").Length() != 10 {
		t.Errorf("%d explicit badges", s.Find(".explicit").Length())
	}
	if s.Find("img").Length() != 49 || s.Find(".cover--none[role=img]").Length() != 1 {
		t.Error("want 49 covers and one placeholder for the album without art")
	}
	assertImages(t, s)

	dev := sampleSongs(5, false)
	s = assertPanel(t, render(t, TopSongsPanel(ref("top-songs"), spotify.ShortTerm, dev)), "top-songs")
	if s.Find(".popularity").Length() != 0 || s.Find("details").Length() != 0 {
		t.Error("popularity shown though absent, or Show all with 5 songs")
	}
	s = assertPanel(t, render(t, TopSongsPanel(ref("top-songs"), spotify.LongTerm, nil)), "top-songs")
	assertEmpty(t, s, noHistory)
}

func TestTopArtistsPanel(t *testing.T) {
	artists := sampleArtists(50, true)
	s := assertPanel(t, render(t, TopArtistsPanel(ref("top-artists"), spotify.MediumTerm, artists)), "top-artists")
	cards := s.Find(".artist-grid > li")
	if cards.Length() != 12 || s.Find("details .compact-list > li").Length() != 38 {
		t.Errorf("%d cards", cards.Length())
	}
	if got := texts(cards.First().Find(".chip")); got != "indie pop | synthpop" {
		t.Errorf("genres = %q", got)
	}
	if cards.Eq(4).Find(".chips").Length() != 0 {
		t.Error("chips for an artist with no genres")
	}
	if s.Find(".notice").Length() != 0 {
		t.Error("unavailable notice though genres are known")
	}
	assertImages(t, s)

	s = assertPanel(t, render(t, TopArtistsPanel(ref("top-artists"), spotify.MediumTerm, sampleArtists(8, false))), "top-artists")
	assertUnavailable(t, s)
	if s.Find(".chip").Length() != 0 {
		t.Error("genre chips without genres")
	}
	assertEmpty(t, assertPanel(t, render(t, TopArtistsPanel(ref("top-artists"), spotify.MediumTerm, []analytics.ArtistRow{})), "top-artists"), noHistory)
}

func TestTopAlbumsPanel(t *testing.T) {
	s := assertPanel(t, render(t, TopAlbumsPanel(ref("top-albums"), spotify.ShortTerm, sampleAlbums())), "top-albums")
	cards := s.Find(".album-grid > li")
	if cards.Length() != 10 {
		t.Fatalf("%d albums", cards.Length())
	}
	if got := text(cards.First().Find(".chip")); got != "6 top songs" {
		t.Errorf("track count = %q", got)
	}
	if got := text(cards.Last().Find(".chip")); got != "2 top songs" {
		t.Errorf("track count = %q", got)
	}
	assertImages(t, s)
	assertEmpty(t, assertPanel(t, render(t, TopAlbumsPanel(ref("top-albums"), spotify.ShortTerm, nil)), "top-albums"), noHistory)
}

func TestHiddenGemsPanel(t *testing.T) {
	g := sampleHiddenGems()
	s := assertPanel(t, render(t, HiddenGemsPanel(ref("hidden-gems"), spotify.ShortTerm, g)), "hidden-gems")
	if got := text(s.Find(".track .pop-num").First()); got != "Popularity "+itoa(*g.Songs[0].Popularity) {
		t.Errorf("first gem popularity = %q", got)
	}
	if !strings.Contains(text(s), "3 top songs came without a popularity score") {
		t.Error("no note about songs left out")
	}
	if s.Find(".notice").Length() != 0 {
		t.Error("unavailable notice with popularity present")
	}

	dev := analytics.HiddenGemsReport{Available: false, Songs: []analytics.Song{}, WithoutPopularity: 50}
	s = assertPanel(t, render(t, HiddenGemsPanel(ref("hidden-gems"), spotify.ShortTerm, dev)), "hidden-gems")
	assertUnavailable(t, s)
	if s.Find(".track").Length() != 0 || s.Find(".popularity").Length() != 0 {
		t.Error("songs ranked without popularity")
	}
	s = assertPanel(t, render(t, HiddenGemsPanel(ref("hidden-gems"), spotify.ShortTerm, analytics.HiddenGemsReport{Songs: []analytics.Song{}})), "hidden-gems")
	assertEmpty(t, s, noHistory)
	if s.Find(".notice").Length() != 0 {
		t.Error("no history is not Spotify withholding popularity")
	}
}

func TestTopPlaylistsPanel(t *testing.T) {
	rows := samplePlaylists()
	s := assertPanel(t, render(t, TopPlaylistsPanel(ref("top-playlists"), rows)), "top-playlists")
	items := s.Find(".playlist-list > li")
	if items.Length() != len(rows) {
		t.Fatalf("%d playlists", items.Length())
	}
	if got := text(items.First().Find(".track-sub")); got != "9 top songs of 40 items" {
		t.Errorf("counts = %q", got)
	}
	if items.First().Find("details .mini-list li").Length() != 9 {
		t.Error("top songs of the playlist not listed")
	}
	assertImages(t, s)
	s = assertPanel(t, render(t, TopPlaylistsPanel(ref("top-playlists"), nil)), "top-playlists")
	if s.Find(".empty").Length() != 1 {
		t.Error("no empty state")
	}
}

func TestStandingPanels(t *testing.T) {
	s := assertPanel(t, render(t, TimelessArtistsPanel(ref("timeless-artists"), sampleTimeless())), "timeless-artists")
	first := s.Find(".standing").First()
	if got := texts(first.Find(".rank-chip")); got != "4 wk last 4 weeks: #1 | 6 mo last 6 months: #2 | 1 yr last year: #1" {
		t.Errorf("ranks = %q", got)
	}
	assertImages(t, s)
	s = assertPanel(t, render(t, FallingOffPanel(ref("falling-off"), sampleFallingOff())), "falling-off")
	if got := texts(s.Find(".standing").First().Find(".rank-chip")); got != "1 yr last year: #7" {
		t.Errorf("ranks = %q", got)
	}
	for _, c := range []templ.Component{TimelessArtistsPanel(ref("timeless-artists"), nil), FallingOffPanel(ref("falling-off"), []analytics.ArtistStanding{})} {
		doc := render(t, c)
		if doc.Find(".empty").Length() != 1 || doc.Find(".standing").Length() != 0 {
			t.Error("no empty state")
		}
	}
}

func TestReleaseYearsPanel(t *testing.T) {
	y := sampleYears()
	s := assertPanel(t, render(t, ReleaseYearsPanel(ref("release-years"), spotify.LongTerm, y)), "release-years")
	svg := s.Find("figure svg.hist")
	if attr(svg, "role") != "img" || !strings.HasPrefix(attr(svg, "viewBox"), "0 0 ") {
		t.Fatalf("svg: %s", outer(svg.Clone().Empty()))
	}
	for _, id := range strings.Fields(attr(svg, "aria-labelledby")) {
		if text(svg.Find("#"+id)) == "" {
			t.Errorf("aria-labelledby %s names nothing", id)
		}
	}
	if got := svg.Find("rect.bar").Length(); got != len(y.Years) {
		t.Errorf("%d bars, want %d", got, len(y.Years))
	}
	if svg.Find("rect.bar--peak").Length() != 1 || text(svg.Find("rect.bar--peak title")) != "2022: 6 songs" {
		t.Errorf("peak bar: %s", outer(svg.Find("rect.bar--peak")))
	}
	caption := text(s.Find("figcaption"))
	for _, want := range []string{"1977–2024", "peak year 2022", "2 songs have no usable release date"} {
		if !strings.Contains(caption, want) {
			t.Errorf("caption %q lacks %q", caption, want)
		}
	}
	if rows := s.Find("table.visually-hidden tbody tr"); rows.Length() != len(y.Years) || texts(rows.First().Children()) != "1977 | 2" {
		t.Errorf("text alternative: %d rows", rows.Length())
	}

	wide := y
	wide.Range = &analytics.YearRange{Min: 1850, Max: 2024}
	wide.Decades = []analytics.DecadeCount{{Decade: 1850, Label: "1850s", Count: 1}, {Decade: 1860, Label: "1860s"}, {Decade: 2020, Label: "2020s", Count: 20}}
	s = assertPanel(t, render(t, ReleaseYearsPanel(ref("release-years"), spotify.LongTerm, wide)), "release-years")
	if got := s.Find("svg rect.bar").Length(); got != 2 {
		t.Errorf("decade mode: %d bars, want 2", got)
	}

	onlyUnknown := analytics.ReleaseYearsReport{Years: []analytics.YearCount{}, Decades: []analytics.DecadeCount{}, UnknownDate: 3}
	s = assertPanel(t, render(t, ReleaseYearsPanel(ref("release-years"), spotify.LongTerm, onlyUnknown)), "release-years")
	if s.Find("svg.hist").Length() != 0 || !strings.Contains(text(s), "3 songs have no usable release date") {
		t.Errorf("only unknown dates: %q", text(s))
	}
	assertEmpty(t, assertPanel(t, render(t, ReleaseYearsPanel(ref("release-years"), spotify.LongTerm, analytics.ReleaseYearsReport{})), "release-years"), noHistory)
}

func TestSeasonsPanel(t *testing.T) {
	s := assertPanel(t, render(t, SeasonsPanel(ref("seasons"), spotify.ShortTerm, sampleSeasons(true))), "seasons")
	svg := s.Find("svg.season-chart")
	if attr(svg, "role") != "img" || svg.Find("title").Length() == 0 || !strings.Contains(text(svg.Find("desc")), "Unknown season 4") {
		t.Errorf("svg text alternative: %s", outer(svg.Find("desc")))
	}
	if svg.Find("rect.bar").Length() != 5 {
		t.Errorf("%d bars", svg.Find("rect.bar").Length())
	}
	legend := s.Find(".season-legend > li")
	if legend.Length() != 5 || texts(legend.Last().Children()) != "4 | Unknown season | no month" {
		t.Errorf("legend: %q", text(legend))
	}
	if s.Find(".season-genre-group").Length() != 5 || s.Find(".notice").Length() != 0 {
		t.Error("genres per season missing")
	}

	s = assertPanel(t, render(t, SeasonsPanel(ref("seasons"), spotify.ShortTerm, sampleSeasons(false))), "seasons")
	assertUnavailable(t, s)
	if s.Find(".season-legend > li").Length() != 5 || s.Find("svg.season-chart rect.bar").Length() != 5 {
		t.Error("track counts per season hidden when genres are unavailable")
	}
	if s.Find(".season-genre-group").Length() != 0 {
		t.Error("genre groups without genres")
	}

	empty := sampleSeasons(true)
	for i := range empty.Seasons {
		empty.Seasons[i].TrackCount = 0
	}
	empty.TotalTracks = 0
	assertEmpty(t, assertPanel(t, render(t, SeasonsPanel(ref("seasons"), spotify.ShortTerm, empty)), "seasons"), noHistory)
}

func TestGenresPanel(t *testing.T) {
	g := sampleGenresReport()
	s := assertPanel(t, render(t, GenresPanel(ref("genres"), spotify.ShortTerm, g)), "genres")
	rows := s.Find("figure ol.hbars > li")
	if rows.Length() != len(g.Genres) {
		t.Fatalf("%d bars", rows.Length())
	}
	if got := text(rows.First()); got != "indie pop 14 of 50 artists" {
		t.Errorf("first bar = %q", got)
	}
	if rows.First().Find("rect.hbar-fill").AttrOr("width", "") != "100" || rows.Eq(1).Find("rect.hbar-fill").AttrOr("width", "") != "78.57" {
		t.Error("bar lengths")
	}
	if s.Find("figcaption").Length() != 1 {
		t.Error("no caption")
	}

	dev := analytics.GenresReport{Genres: []analytics.GenreCount{}, ArtistCount: 50}
	s = assertPanel(t, render(t, GenresPanel(ref("genres"), spotify.ShortTerm, dev)), "genres")
	assertUnavailable(t, s)
	if s.Find("svg.hbar").Length() != 0 {
		t.Error("bars without genres")
	}
	s = assertPanel(t, render(t, GenresPanel(ref("genres"), spotify.ShortTerm, analytics.GenresReport{GenresAvailable: true, ArtistCount: 3, Genres: []analytics.GenreCount{}})), "genres")
	if s.Find(".empty").Length() != 1 || s.Find(".notice").Length() != 0 {
		t.Error("unclassified artists are not Spotify withholding genres")
	}
	assertEmpty(t, assertPanel(t, render(t, GenresPanel(ref("genres"), spotify.ShortTerm, analytics.GenresReport{})), "genres"), noHistory)
}

func TestRecentlyPlayedPanel(t *testing.T) {
	plays := samplePlays(50)
	s := assertPanel(t, render(t, RecentlyPlayedPanel(ref("recently-played"), plays)), "recently-played")
	if s.Find(".track").Length() != 50 || s.Find("details .track").Length() != 40 {
		t.Errorf("%d plays", s.Find(".track").Length())
	}
	tm := s.Find(".track time").Eq(1)
	if attr(tm, "datetime") != "2026-03-14T18:23:00Z" || text(tm) != "4 minutes ago" {
		t.Errorf("time: %s", outer(tm))
	}
	if got := text(s.Find(".track .context").First()); got != "from a playlist" {
		t.Errorf("context = %q", got)
	}
	assertImages(t, s)
	if text(assertPanel(t, render(t, RecentlyPlayedPanel(ref("recently-played"), nil)), "recently-played").Find(".empty")) == "" {
		t.Error("no empty state")
	}
}

func TestPanelError(t *testing.T) {
	doc := render(t, PanelError(ref("top-songs"), "Spotify is busy. Try again in 30 seconds."))
	s := assertPanel(t, doc, "top-songs")
	if got := text(s.Find(`[role="alert"]`)); got != "Spotify is busy. Try again in 30 seconds." {
		t.Errorf("alert = %q", got)
	}
	b := s.Find("button.retry")
	if attr(b, "type") != "button" || attr(b, "hx-get") != "/panels/top-songs?range=short_term" ||
		attr(b, "hx-target") != "#panel-top-songs" || attr(b, "hx-swap") != "outerHTML" || text(b) != "Retry" {
		t.Errorf("retry: %s", outer(b))
	}
	// htmx refocuses the element with the id of the one that had the focus,
	// so a keyboard user's focus moves from Retry into the reloaded panel.
	if attr(b, "id") != "panel-top-songs-focus" {
		t.Errorf("retry id = %q", attr(b, "id"))
	}
	loaded := render(t, TopSongsPanel(ref("top-songs"), spotify.ShortTerm, nil)).Find("#panel-top-songs-focus")
	if loaded.Length() != 1 || attr(loaded, "tabindex") != "-1" {
		t.Errorf("loaded panel has no focus target for Retry: %s", outer(loaded.Clone().Empty()))
	}
	if render(t, PanelError(PanelRef{ID: "x", Title: "X"}, "Gone.")).Find("button").Length() != 0 {
		t.Error("retry button without a URL")
	}
}

// hostile is what a playlist or track name can hold: Spotify names are
// user-chosen for playlists and arbitrary for uploads.
const hostile = `<script>alert(1)</script>"><img src=x onerror=alert(2)>`

func TestHostileNamesAreText(t *testing.T) {
	songs := sampleSongs(3, true)
	songs[0].Name, songs[0].Artists, songs[0].Album = hostile, hostile, hostile
	songs[0].SpotifyURL, songs[0].AlbumImage = "javascript:alert(3)", "javascript:alert(4)"
	artists := sampleArtists(2, true)
	artists[0].Name, artists[0].Genres = hostile, []string{hostile}
	albums := sampleAlbums()
	albums[0].Name, albums[0].Artists = hostile, hostile
	playlists := samplePlaylists()
	playlists[0].Name, playlists[0].TopSongs[0].Name = hostile, hostile
	standing := sampleTimeless()
	standing[0].Name = hostile
	genres := sampleGenresReport()
	genres.Genres[0].Genre = hostile
	seasons := sampleSeasons(true)
	seasons.Seasons[0].Genres[0].Genre = hostile
	plays := samplePlays(2)
	plays[0].Name, plays[0].ContextType = hostile, hostile
	o := sampleOverview()
	o.TopSong, o.TopArtist = hostile, hostile
	gems := analytics.HiddenGemsReport{Available: true, Songs: songs}

	for name, c := range map[string]templ.Component{
		"songs":     TopSongsPanel(ref("top-songs"), spotify.ShortTerm, songs),
		"gems":      HiddenGemsPanel(ref("hidden-gems"), spotify.ShortTerm, gems),
		"artists":   TopArtistsPanel(ref("top-artists"), spotify.ShortTerm, artists),
		"albums":    TopAlbumsPanel(ref("top-albums"), spotify.ShortTerm, albums),
		"playlists": TopPlaylistsPanel(ref("top-playlists"), playlists),
		"timeless":  TimelessArtistsPanel(ref("timeless-artists"), standing),
		"falling":   FallingOffPanel(ref("falling-off"), standing),
		"genres":    GenresPanel(ref("genres"), spotify.ShortTerm, genres),
		"seasons":   SeasonsPanel(ref("seasons"), spotify.ShortTerm, seasons),
		"recent":    RecentlyPlayedPanel(ref("recently-played"), plays),
		"overview":  OverviewPanel(ref("overview"), spotify.ShortTerm, o),
		"error":     PanelError(PanelRef{ID: "top-songs", Title: hostile, URL: "/panels/top-songs?x=\"><script>"}, hostile),
		"layout":    Layout(Page{Title: hostile, User: &NavUser{Name: hostile}, Flash: hostile}),
	} {
		t.Run(name, func(t *testing.T) {
			doc := render(t, c) // also fails on on* attributes and scripts
			if n := doc.Find("body script, body img[src='x']").Length(); n != 0 {
				t.Errorf("%d injected elements", n)
			}
			if !strings.Contains(doc.Text(), "<script>alert(1)</script>") {
				t.Error("hostile name not shown as text")
			}
		})
	}
}

// TestFilledDashboardIsCoherent renders the dashboard with every panel
// swapped in, as the browser ends up with it: ids stay unique and every
// aria-labelledby names an element.
func TestFilledDashboardIsCoherent(t *testing.T) {
	doc := render(t, filledDashboard(Page{Title: "Dashboard", User: &NavUser{Name: "Ada"}, Demo: true}, spotify.ShortTerm))
	ids := map[string]bool{}
	doc.Find("[id]").Each(func(_ int, s *goquery.Selection) {
		id := attr(s, "id")
		if ids[id] {
			t.Errorf("duplicate id %q", id)
		}
		ids[id] = true
	})
	doc.Find("[aria-labelledby]").Each(func(_ int, s *goquery.Selection) {
		for _, id := range strings.Fields(attr(s, "aria-labelledby")) {
			if !ids[id] {
				t.Errorf("aria-labelledby names missing id %q", id)
			}
		}
	})
	if doc.Find(".panels section.panel").Length() != len(sampleDashboard(spotify.ShortTerm).Panels) {
		t.Error("a panel is missing")
	}
	if doc.Find("h1").Length() != 1 {
		t.Errorf("%d h1", doc.Find("h1").Length())
	}
}

// filledDashboard is the dashboard after every panel has loaded: the
// placeholders' cells with the fragments in them.
func filledDashboard(p Page, r spotify.TimeRange) templ.Component {
	return filledWith(p, sampleDashboard(r), sampleFragments(r))
}

// sampleFragments is every panel with realistic data.
func sampleFragments(r spotify.TimeRange) map[string]templ.Component {
	return map[string]templ.Component{
		"overview":         OverviewPanel(ref("overview"), r, sampleOverview()),
		"top-songs":        TopSongsPanel(ref("top-songs"), r, sampleSongs(50, true)),
		"top-artists":      TopArtistsPanel(ref("top-artists"), r, sampleArtists(50, true)),
		"top-albums":       TopAlbumsPanel(ref("top-albums"), r, sampleAlbums()),
		"hidden-gems":      HiddenGemsPanel(ref("hidden-gems"), r, sampleHiddenGems()),
		"top-playlists":    TopPlaylistsPanel(ref("top-playlists"), samplePlaylists()),
		"timeless-artists": TimelessArtistsPanel(ref("timeless-artists"), sampleTimeless()),
		"falling-off":      FallingOffPanel(ref("falling-off"), sampleFallingOff()),
		"release-years":    ReleaseYearsPanel(ref("release-years"), r, sampleYears()),
		"seasons":          SeasonsPanel(ref("seasons"), r, sampleSeasons(true)),
		"genres":           GenresPanel(ref("genres"), r, sampleGenresReport()),
		"recently-played":  RecentlyPlayedPanel(ref("recently-played"), samplePlays(50)),
	}
}

func filledWith(p Page, d DashboardData, fragments map[string]templ.Component) templ.Component {
	body := templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if _, err := io.WriteString(w, `<div class="dash-head"><div class="dash-title"><h1>Your listening</h1><p class="muted">`+
			templ.EscapeString(rangeBlurb(d.Range))+`</p></div>`); err != nil {
			return err
		}
		if err := linkSwitch("Time range", "range-switch", d.Ranges).Render(ctx, w); err != nil {
			return err
		}
		_, _ = io.WriteString(w, `</div><div class="panels">`)
		for _, ref := range d.Panels {
			class := "cell"
			if ref.Wide {
				class += " cell--wide"
			}
			_, _ = io.WriteString(w, `<div class="`+class+`">`)
			c, ok := fragments[ref.ID]
			if !ok {
				c = PanelError(ref, "Spotify is busy. Try again in 30 seconds.")
			}
			if err := c.Render(ctx, w); err != nil {
				return err
			}
			_, _ = io.WriteString(w, `</div>`)
		}
		_, err := io.WriteString(w, `</div>`)
		return err
	})
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		return Layout(p).Render(templ.WithChildren(ctx, body), w)
	})
}

// TestClockSummaries: the busiest weekday and hour are the ones with the
// most plays in all (not the busiest single cell's), the first of equals
// wins, and the viewer's and a friend's clock say it alike.
func TestClockSummaries(t *testing.T) {
	var c history.Clock
	c.Plays[4][22] = 9 // Friday 22:00: the busiest hour of the week
	for w := range 7 {
		c.Plays[w][7] = 3 // every morning at 07:00: the busiest hour of the day
	}
	c.Plays[2][7] = 6 // Wednesday: 6 plays, in its busiest single morning; Friday has 3 + 9 = 12
	c.Max = 9
	want := "on Fridays and around 07:00; the busiest hour of the week is Friday 22:00 with 9 plays."
	if got := clockGrid(c).Summary; got != "You listen most "+want {
		t.Errorf("clockGrid: %q", got)
	}
	if got := personClock(c, "Walt").Summary; got != "Walt listens most on Fridays and around 07:00 local time; the busiest hour of the week is Friday 22:00 with 9 plays." {
		t.Errorf("personClock: %q", got)
	}
	if got := personClock(history.Clock{}, "Walt").Summary; got != "No plays in this range." {
		t.Errorf("an empty clock: %q", got)
	}
	var tie history.Clock
	tie.Plays[0][0], tie.Plays[6][23], tie.Max = 1, 1, 1
	if got := clockPeaks(tie, ""); got != "on Mondays and around 00:00; the busiest hour of the week is Monday 00:00 with 1 play." {
		t.Errorf("a tie: %q", got)
	}
}
