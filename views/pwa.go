package views

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"path"
	"slices"
	"strconv"
)

// Euterpe installs as a web app: a manifest, icons drawn from the brand
// mark (go run ./internal/cmd/icons), and a service worker that keeps the
// app's shell — stylesheet, scripts, the mark — and an offline page, and
// nothing else: a phone may be shared, so no one's pages, panels, JSON,
// exports or shared pages are ever stored on it.

// The theme colours are the page background of each scheme (--bg in
// app.css; a test keeps them equal), so the browser's bars blend into it.
const (
	ThemeColorLight = "#f5f4fa"
	ThemeColorDark  = "#0d0c13"
)

// OfflinePath is the page the service worker shows when the network is
// gone.
const OfflinePath = "/offline"

// AppIcon is one of the PNG icons in static/.
type AppIcon struct {
	Name     string
	Size     int
	Maskable bool
}

// AppIcons are the icons the manifest lists, as internal/cmd/icons draws
// them. The apple-touch-icon, for iOS, is linked from the layout.
func AppIcons() []AppIcon {
	return []AppIcon{
		{Name: "icon-192.png", Size: 192},
		{Name: "icon-512.png", Size: 512},
		{Name: "icon-maskable-512.png", Size: 512, Maskable: true},
	}
}

type manifestIcon struct {
	Src     string `json:"src"`
	Sizes   string `json:"sizes"`
	Type    string `json:"type"`
	Purpose string `json:"purpose"`
}

type manifestColors struct {
	ThemeColor      string `json:"theme_color"`
	BackgroundColor string `json:"background_color"`
}

type webAppManifest struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	ShortName   string   `json:"short_name"`
	Description string   `json:"description"`
	Lang        string   `json:"lang"`
	Dir         string   `json:"dir"`
	StartURL    string   `json:"start_url"`
	Scope       string   `json:"scope"`
	Display     string   `json:"display"`
	Categories  []string `json:"categories"`
	manifestColors
	// ColorSchemeDark is the manifest's member for a dark system theme
	// (W3C manifest, color_scheme_dark); browsers without it use the
	// light colours and the layout's theme-color meta elements.
	ColorSchemeDark manifestColors `json:"color_scheme_dark"`
	Icons           []manifestIcon `json:"icons"`
}

// WebAppManifest is /manifest.webmanifest: what a browser needs to install
// Euterpe, its icons linked with their content hash like every asset, all
// under base (config.BasePath).
func WebAppManifest(base string) []byte {
	m := webAppManifest{
		ID:          base + "/",
		Name:        "Euterpe",
		ShortName:   "Euterpe",
		Description: "Your Spotify listening, summed up: top songs, artists and albums, and the history Euterpe keeps for you.",
		Lang:        "en",
		Dir:         "ltr",
		StartURL:    base + "/",
		Scope:       base + "/",
		Display:     "standalone",
		Categories:  []string{"music", "entertainment"},
		manifestColors: manifestColors{
			ThemeColor: ThemeColorLight, BackgroundColor: ThemeColorLight,
		},
		ColorSchemeDark: manifestColors{ThemeColor: ThemeColorDark, BackgroundColor: ThemeColorDark},
	}
	for _, ic := range AppIcons() {
		purpose := "any"
		if ic.Maskable {
			purpose = "maskable"
		}
		size := strconv.Itoa(ic.Size)
		m.Icons = append(m.Icons, manifestIcon{Src: AtBase(base, AssetURL(ic.Name)), Sizes: size + "x" + size, Type: "image/png", Purpose: purpose})
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		panic(err) // strings and slices of strings always encode
	}
	return append(b, '\n')
}

// shellExtensions are the static files the pages load, which the service
// worker keeps. The PNG icons are not among them: an installed app keeps
// its own copy of its icons.
var shellExtensions = []string{".css", ".js", ".svg"}

// ShellAssets are the URLs of the static files the service worker keeps,
// with their content hashes, sorted.
func ShellAssets() []string {
	var urls []string
	for name := range assetVersions {
		if slices.Contains(shellExtensions, path.Ext(name)) {
			urls = append(urls, AssetURL(name))
		}
	}
	slices.Sort(urls)
	return urls
}

//go:embed sw.js
var serviceWorkerSource []byte

// serviceWorkerBuild is what the server tells the service worker about this
// build, as the first line of /sw.js.
type serviceWorkerBuild struct {
	// Base is the path the site is under: the worker's scope.
	Base     string   `json:"base"`
	Cache    string   `json:"cache"`
	Offline  string   `json:"offline"`
	Precache []string `json:"precache"`
}

// ServiceWorker is /sw.js for this build, given the offline page it
// shows, and the name of the cache it keeps. The name is a hash of
// everything the cache holds and of the worker itself, so it changes
// exactly when a deploy changes one of them: the browser then installs the
// new worker (its bytes differ), which deletes the old cache.
func ServiceWorker(offlinePage []byte, base string) (script []byte, cacheName string) {
	precache := []string{AtBase(base, OfflinePath)}
	for _, a := range ShellAssets() {
		precache = append(precache, AtBase(base, a))
	}
	h := sha256.New()
	h.Write(serviceWorkerSource)
	for _, u := range precache {
		h.Write([]byte(u + "\n"))
	}
	h.Write(offlinePage)
	cacheName = "euterpe-" + hex.EncodeToString(h.Sum(nil)[:8])

	build, err := json.Marshal(serviceWorkerBuild{Base: base, Cache: cacheName, Offline: AtBase(base, OfflinePath), Precache: precache})
	if err != nil {
		panic(err) // strings only
	}
	var b bytes.Buffer
	b.WriteString("// This build (written by the server, views/pwa.go).\nconst BUILD = ")
	b.Write(build)
	b.WriteString(";\n\n")
	b.Write(serviceWorkerSource)
	return b.Bytes(), cacheName
}
