// Command icons draws the web app's PNG icons from the brand mark,
// views/static/favicon.svg, into views/static: the manifest's 192 and 512 px
// icons, its maskable 512 px icon (the tile full-bleed, the bars shrunk into
// the safe zone that Android's masks never cut), and the apple-touch-icon
// (iOS rounds the corners itself, so it wants a square tile).
//
// Run it from the repository's root after changing the mark, and commit
// the PNGs it writes:
//
//	go run ./internal/cmd/icons
//
// A test fails while the committed PNGs differ from what it draws.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
)

func main() {
	mark := flag.String("mark", filepath.Join("views", "static", "favicon.svg"), "the brand mark, an SVG")
	out := flag.String("out", filepath.Join("views", "static"), "where the PNGs go")
	flag.Parse()
	if err := run(*mark, *out); err != nil {
		fmt.Fprintln(os.Stderr, "icons:", err)
		os.Exit(1)
	}
}

func run(markPath, outDir string) error {
	f, err := os.Open(markPath)
	if err != nil {
		return err
	}
	m, err := parseMark(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", markPath, err)
	}
	for _, ic := range icons {
		b, err := encodePNG(m, ic)
		if err != nil {
			return fmt.Errorf("%s: %w", ic.Name, err)
		}
		path := filepath.Join(outDir, ic.Name)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			return err
		}
		fmt.Printf("wrote %s (%d×%d, %d bytes)\n", path, ic.Size, ic.Size, len(b))
	}
	return nil
}

// encodePNG draws one icon as a PNG file.
func encodePNG(m *mark, ic icon) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, m.draw(ic.Size, ic.Style)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
