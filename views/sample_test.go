package views

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/a-h/templ"

	"github.com/euterpe-dev/euterpe/analytics"
	"github.com/euterpe-dev/euterpe/spotify"
)

// TestWriteSamplePages writes every page, with sample data, as static files
// to look at in a browser or screenshot:
//
//	EUTERPE_SAMPLE_DIR=/tmp/euterpe-sample go test ./views -run TestWriteSamplePages
//
// It is skipped otherwise. Asset URLs become relative and album art becomes
// generated SVG files, so the pages work from file://.
func TestWriteSamplePages(t *testing.T) {
	dir := os.Getenv("EUTERPE_SAMPLE_DIR")
	if dir == "" {
		t.Skip("set EUTERPE_SAMPLE_DIR to write the sample pages")
	}
	user := &NavUser{Name: "Ada Lovelace"}
	dev := map[string]templ.Component{
		PanelOverview: OverviewPanel(spotify.ShortTerm, func() analytics.OverviewReport {
			o := sampleOverview()
			o.AveragePopularity, o.TopGenre, o.GenresAvailable = nil, nil, false
			return o
		}()),
		PanelTopSongs:        TopSongsPanel(spotify.ShortTerm, sampleSongs(50, false)),
		PanelTopArtists:      TopArtistsPanel(spotify.ShortTerm, sampleArtists(50, false)),
		PanelTopAlbums:       TopAlbumsPanel(spotify.ShortTerm, sampleAlbums()),
		PanelHiddenGems:      HiddenGemsPanel(spotify.ShortTerm, analytics.HiddenGemsReport{Songs: []analytics.Song{}, WithoutPopularity: 50}),
		PanelReleaseYears:    ReleaseYearsPanel(spotify.ShortTerm, sampleYears()),
		PanelSeasons:         SeasonsPanel(spotify.ShortTerm, sampleSeasons(false)),
		PanelGenres:          GenresPanel(spotify.ShortTerm, analytics.GenresReport{Genres: []analytics.GenreCount{}, ArtistCount: 50}),
		PanelRecentlyPlayed:  RecentlyPlayedPanel(nil),
		PanelFallingOff:      FallingOffPanel(nil),
		PanelTimelessArtists: TimelessArtistsPanel(sampleTimeless()),
		// top-playlists is left out: it shows the error state.
	}
	pages := map[string]templ.Component{
		"dashboard.html":     filledDashboard(Page{Title: "Dashboard", User: user, Range: spotify.ShortTerm}),
		"dashboard-dev.html": filledWith(Page{Title: "Dashboard", User: user, Range: spotify.ShortTerm, Demo: true}, dev),
		"loading.html": Dashboard(Page{Title: "Dashboard", User: user, Range: spotify.MediumTerm},
			DashboardData{Range: spotify.MediumTerm, Panels: DashboardPanels(spotify.MediumTerm)}),
		"login.html":  LoginPage(Page{Title: "Welcome", Demo: true}),
		"error.html":  ErrorPage(Page{Title: "Not found", User: user}, ErrorInfo{Status: 404}),
		"cancel.html": ErrorPage(Page{Title: "Login cancelled", Flash: "Please log in again."}, ErrorInfo{Title: "Login was cancelled", Message: "You chose not to connect Euterpe to Spotify. Nothing was stored.", ActionURL: "/login", ActionLabel: "Try again"}),
		"delete.html": DeleteAccountPage(Page{Title: "Delete your account", User: user}),
		"panel.html":  Layout(Page{Title: "Top songs", User: user}),
	}
	images := regexp.MustCompile(`https://i\.scdn\.co/image/([a-z]+)-(\d+)`)
	for name, c := range pages {
		var buf bytes.Buffer
		ctx := context.Background()
		if name == "panel.html" { // a panel on its own, as a non-HTMX request gets it
			ctx = templ.WithChildren(ctx, TopAlbumsPanel(spotify.ShortTerm, sampleAlbums()))
		}
		if err := c.Render(ctx, &buf); err != nil {
			t.Fatal(err)
		}
		html := strings.ReplaceAll(buf.String(), `"/static/`, `"static/`)
		html = images.ReplaceAllString(html, "img/$1-$2.svg")
		if err := os.WriteFile(filepath.Join(dir, name), []byte(html), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "img"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"album", "artist", "playlist"} {
		for i := range 24 {
			if err := os.WriteFile(filepath.Join(dir, "img", fmt.Sprintf("%s-%02d.svg", kind, i)), []byte(sampleSVG(kind, i)), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	err := fs.WalkDir(Static, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, path), 0o755)
		}
		b, err := Static.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, path), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestServeSample serves the dashboard with sample data and the real CSP, for
// a browser to load (panels, htmx swaps, retry):
//
//	EUTERPE_SAMPLE_SERVE=127.0.0.1:8099 go test ./views -run TestServeSample -timeout 0
//
// It serves until the test binary is stopped. /panels/top-playlists fails
// on its first request and succeeds on the retry.
func TestServeSample(t *testing.T) {
	addr := os.Getenv("EUTERPE_SAMPLE_SERVE")
	if addr == "" {
		t.Skip("set EUTERPE_SAMPLE_SERVE to serve the sample dashboard")
	}
	images := regexp.MustCompile(`https://i\.scdn\.co/image/([a-z]+)-(\d+)`)
	write := func(w http.ResponseWriter, c templ.Component, ctx context.Context) {
		var buf bytes.Buffer
		if err := c.Render(ctx, &buf); err != nil {
			http.Error(w, "render failed", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, images.ReplaceAllString(buf.String(), "/img/$1-$2.svg"))
	}
	var mu sync.Mutex
	failed := false
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(must(fs.Sub(Static, "static")))))
	mux.HandleFunc("GET /img/{name}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/svg+xml")
		var kind string
		var i int
		_, _ = fmt.Sscanf(strings.ReplaceAll(r.PathValue("name"), "-", " "), "%s %d", &kind, &i)
		_, _ = io.WriteString(w, sampleSVG(kind, i))
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		rng, err := spotify.ParseTimeRange(r.URL.Query().Get("range"))
		if err != nil {
			rng = spotify.ShortTerm
		}
		write(w, Dashboard(Page{Title: "Dashboard", User: &NavUser{Name: "Ada Lovelace"}, Demo: true, Range: rng},
			DashboardData{Range: rng, Panels: DashboardPanels(rng)}), r.Context())
	})
	mux.HandleFunc("GET /panels/{id}", func(w http.ResponseWriter, r *http.Request) {
		rng, err := spotify.ParseTimeRange(r.URL.Query().Get("range"))
		if err != nil {
			rng = spotify.ShortTerm
		}
		id := r.PathValue("id")
		c, ok := sampleFragments(rng)[id]
		if !ok {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		fail := id == PanelTopPlaylists && !failed
		failed = failed || fail
		mu.Unlock()
		if fail {
			c = PanelError(id, PanelTitle(id), "Spotify is busy. Try again in 30 seconds.", r.URL.RequestURI())
		}
		ctx := r.Context()
		if r.Header.Get("HX-Request") == "" {
			ctx = templ.WithChildren(ctx, c)
			c = Layout(Page{Title: PanelTitle(id), User: &NavUser{Name: "Ada Lovelace"}})
		}
		w.Header().Set("Vary", "HX-Request")
		write(w, c, ctx)
	})
	csp := "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; " +
		"form-action 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
	srv := &http.Server{Addr: addr, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		mux.ServeHTTP(w, r)
	})}
	t.Logf("serving the sample dashboard on http://%s/", addr)
	if err := srv.ListenAndServe(); err != nil {
		t.Fatal(err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func sampleFragments(r spotify.TimeRange) map[string]templ.Component {
	return map[string]templ.Component{
		PanelOverview:        OverviewPanel(r, sampleOverview()),
		PanelTopSongs:        TopSongsPanel(r, sampleSongs(50, true)),
		PanelTopArtists:      TopArtistsPanel(r, sampleArtists(50, true)),
		PanelTopAlbums:       TopAlbumsPanel(r, sampleAlbums()),
		PanelHiddenGems:      HiddenGemsPanel(r, sampleHiddenGems()),
		PanelTopPlaylists:    TopPlaylistsPanel(samplePlaylists()),
		PanelTimelessArtists: TimelessArtistsPanel(sampleTimeless()),
		PanelFallingOff:      FallingOffPanel(sampleFallingOff()),
		PanelReleaseYears:    ReleaseYearsPanel(r, sampleYears()),
		PanelSeasons:         SeasonsPanel(r, sampleSeasons(true)),
		PanelGenres:          GenresPanel(r, sampleGenresReport()),
		PanelRecentlyPlayed:  RecentlyPlayedPanel(samplePlays(50)),
	}
}

var samplePalette = [][2]string{{"#ff8a5c", "#e6458b"}, {"#6d4aff", "#38bdf8"}, {"#22c55e", "#0ea5e9"}, {"#f59e0b", "#ef4444"},
	{"#111827", "#6d4aff"}, {"#ec4899", "#8b5cf6"}, {"#14b8a6", "#1e3a8a"}, {"#fde047", "#f97316"}}

// sampleSVG stands in for album art: a gradient tile.
func sampleSVG(kind string, i int) string {
	p := samplePalette[(i*3+len(kind))%len(samplePalette)]
	return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 300"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="%s"/><stop offset="1" stop-color="%s"/></linearGradient></defs><rect width="300" height="300" fill="url(#g)"/><circle cx="%d" cy="%d" r="%d" fill="#fff" opacity=".18"/></svg>`,
		p[0], p[1], 60+i*9%180, 80+i*13%140, 40+i*7%90)
}
