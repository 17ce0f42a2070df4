package main

import (
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var staticDir = filepath.Join("..", "..", "..", "views", "static")

func readMark(t *testing.T) *mark {
	t.Helper()
	f, err := os.Open(filepath.Join(staticDir, "favicon.svg"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := parseMark(f)
	if err != nil {
		t.Fatalf("favicon.svg: %v", err)
	}
	return m
}

// The committed PNGs are what the generator draws from the committed mark.
// Pixels are compared with a small tolerance, not bytes: another Go
// version's zlib writes other bytes for the same pixels.
func TestCommittedIconsMatchTheMark(t *testing.T) {
	m := readMark(t)
	for _, ic := range icons {
		t.Run(ic.Name, func(t *testing.T) {
			f, err := os.Open(filepath.Join(staticDir, ic.Name))
			if err != nil {
				t.Fatalf("%v (run `go run ./internal/cmd/icons` and commit the PNGs)", err)
			}
			defer f.Close()
			committed, err := png.Decode(f)
			if err != nil {
				t.Fatal(err)
			}
			drawn := m.draw(ic.Size, ic.Style)
			if committed.Bounds() != drawn.Bounds() {
				t.Fatalf("%s is %v, want %v: run `go run ./internal/cmd/icons`", ic.Name, committed.Bounds(), drawn.Bounds())
			}
			worst, at := 0, image.Point{}
			for y := 0; y < ic.Size; y++ {
				for x := 0; x < ic.Size; x++ {
					a := color.NRGBAModel.Convert(committed.At(x, y)).(color.NRGBA)
					b := drawn.NRGBAAt(x, y)
					if a.A == 0 && b.A == 0 {
						continue // a transparent pixel's colour is no colour
					}
					for _, d := range []int{diff(a.R, b.R), diff(a.G, b.G), diff(a.B, b.B), diff(a.A, b.A)} {
						if d > worst {
							worst, at = d, image.Pt(x, y)
						}
					}
				}
			}
			if worst > 2 {
				t.Errorf("%s differs from the mark by %d/255 at %v: run `go run ./internal/cmd/icons` and commit the PNGs", ic.Name, worst, at)
			}
		})
	}
}

func diff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// The maskable icon is opaque to its edges (a mask may cut anywhere outside
// the safe zone), and everything drawn over the tile — the bars, nearly
// white — lies inside the safe zone's circle. The plain icon keeps the
// tile's rounded corners transparent.
func TestMaskableIconKeepsTheMarkInTheSafeZone(t *testing.T) {
	m := readMark(t)
	const size = 512
	img := m.draw(size, styleMaskable)
	c := float64(size) / 2
	bars := 0
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			p := img.NRGBAAt(x, y)
			if p.A != 0xff {
				t.Fatalf("the maskable icon is not opaque at (%d,%d): alpha %d", x, y, p.A)
			}
			// The tile's gradient runs from violet to pink: its green is
			// never above 0x70, while the bars' is (white, or white at 80 %).
			if p.G > 0xb0 {
				bars++
				if d := math.Hypot(float64(x)+0.5-c, float64(y)+0.5-c); d > safeZoneRadius*size {
					t.Fatalf("a bar's pixel (%d,%d) is %.1f px from the centre, outside the safe zone (%.1f px)", x, y, d, safeZoneRadius*size)
				}
			}
		}
	}
	if bars < size*size/50 {
		t.Fatalf("only %d bar pixels in the maskable icon: the bars are missing", bars)
	}

	plain := m.draw(size, styleAny)
	if a := plain.NRGBAAt(0, 0).A; a != 0 {
		t.Errorf("the plain icon's corner has alpha %d, want 0 (the tile is rounded)", a)
	}
	if a := plain.NRGBAAt(size/2, 8).A; a != 0xff {
		t.Errorf("the plain icon's top edge has alpha %d, want opaque", a)
	}
	if a := m.draw(180, styleSquare).NRGBAAt(0, 0).A; a != 0xff {
		t.Errorf("the apple-touch-icon's corner has alpha %d, want opaque (iOS rounds it)", a)
	}
}

// The bars keep their size in every icon but the maskable one, which
// shrinks them about the centre.
func TestContentScale(t *testing.T) {
	m := readMark(t)
	if k := m.contentScale(styleAny); k != 1 {
		t.Errorf("styleAny scales the bars by %v", k)
	}
	if k := m.contentScale(styleSquare); k != 1 {
		t.Errorf("styleSquare scales the bars by %v", k)
	}
	if k := m.contentScale(styleMaskable); k >= 1 || k < 0.5 {
		t.Errorf("styleMaskable scales the bars by %v, want a little under 1", k)
	}
}

// What the generator cannot draw faithfully, it refuses by name.
func TestParseMarkRefusesWhatItCannotDraw(t *testing.T) {
	for _, c := range []struct{ svg, want string }{
		{`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64"/><circle r="3"/></svg>`, "<circle>"},
		{`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" transform="rotate(4)"/></svg>`, `"transform"`},
		{`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 32"><rect width="64" height="32"/></svg>`, "square"},
		{`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect x="4" width="60" height="64"/></svg>`, "tile"},
		{`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="url(#nope)"/></svg>`, "#nope"},
		{`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="rebeccapurple"/></svg>`, "#rrggbb"},
	} {
		_, err := parseMark(strings.NewReader(c.svg))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("parseMark(%s) = %v, want an error mentioning %s", c.svg, err, c.want)
		}
	}
}

// A gradient runs from its first stop's colour to its last along the
// vector; the mark's tile goes from violet at the top left to pink at the
// bottom right.
func TestGradientFollowsItsStops(t *testing.T) {
	m := readMark(t)
	img := m.draw(512, styleSquare)
	tl, br := img.NRGBAAt(0, 0), img.NRGBAAt(511, 511)
	if want := (color.NRGBA{0x8b, 0x5c, 0xf6, 0xff}); !near(tl, want) {
		t.Errorf("top-left pixel %v, want about %v (the first stop)", tl, want)
	}
	if want := (color.NRGBA{0xec, 0x48, 0x99, 0xff}); !near(br, want) {
		t.Errorf("bottom-right pixel %v, want about %v (the last stop)", br, want)
	}
}

func near(a, b color.NRGBA) bool {
	return diff(a.R, b.R) <= 2 && diff(a.G, b.G) <= 2 && diff(a.B, b.B) <= 2 && diff(a.A, b.A) <= 2
}
