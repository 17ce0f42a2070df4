package views

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
)

// Static holds the stylesheet, the vendored htmx and the icons, served at
// /static/… by the handlers.
//
//go:embed static
var Static embed.FS

// assetVersions maps each static file to a short hash of its content. Pages
// link to /static/NAME?v=HASH, so the files can be cached for a year and a
// deploy that changes one still reaches every browser at once.
var assetVersions = func() map[string]string {
	v := make(map[string]string)
	_ = fs.WalkDir(Static, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := Static.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		v[path[len("static/"):]] = hex.EncodeToString(sum[:6])
		return nil
	})
	return v
}()

// AssetURL is the URL of a file in static/ with its content hash as a cache
// buster: AssetURL("app.css") is "/static/app.css?v=1a2b3c4d5e6f". The query
// is only for caches; the handler serving /static/ ignores it.
func AssetURL(name string) string {
	if v, ok := assetVersions[name]; ok {
		return "/static/" + name + "?v=" + v
	}
	return "/static/" + name
}
