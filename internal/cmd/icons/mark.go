package main

import (
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/image/vector"
)

// The mark is read by a small SVG reader of its own rather than a general
// renderer: it knows the few things the mark is drawn with (rounded
// rectangles, groups, flat colours and linear gradients, opacity) and
// refuses anything else by name, so a change to the mark that it cannot draw
// faithfully fails here instead of producing a wrong icon.

// style is how an icon places the mark.
type style int

const (
	// styleAny is the mark as it is, rounded tile and transparent corners.
	styleAny style = iota
	// styleMaskable fills the square with the tile and shrinks the rest of
	// the mark into the maskable safe zone, the centred circle of 40 % of
	// the icon's width that every launcher mask keeps.
	styleMaskable
	// styleSquare fills the square with the tile and keeps the mark's size,
	// for platforms that round the corners themselves.
	styleSquare
)

// icon is one PNG the command writes.
type icon struct {
	Name  string
	Size  int
	Style style
}

// icons are what the manifest and the layout link (see views/pwa.go).
var icons = []icon{
	{"icon-192.png", 192, styleAny},
	{"icon-512.png", 512, styleAny},
	{"icon-maskable-512.png", 512, styleMaskable},
	{"apple-touch-icon.png", 180, styleSquare},
}

// safeZoneRadius is the maskable safe zone's radius as a share of the
// icon's width (W3C, "Icon masks"); safeZoneFill is how much of it the mark
// may use, leaving a margin inside the circle.
const (
	safeZoneRadius = 0.4
	safeZoneFill   = 0.9
)

// mark is the parsed brand mark: a square viewBox whose first shape is the
// tile covering all of it, and the shapes drawn over the tile.
type mark struct {
	minX, minY, side float64
	tile             shape
	shapes           []shape
}

type shape struct {
	x, y, w, h, rx, ry float64
	fill               paint
	opacity            float64
}

// paint is a flat colour or a linear gradient.
type paint struct {
	color    color.NRGBA
	gradient *gradient
	ref      string // url(#ref), resolved once the whole file is read
}

type gradient struct {
	x1, y1, x2, y2 float64 // objectBoundingBox units
	stops          []stop
}

type stop struct {
	offset float64
	color  color.NRGBA
}

// inherited is what a <g> passes down.
type inherited struct {
	fill    paint
	hasFill bool
	opacity float64
}

var knownAttrs = map[string][]string{
	"svg":            {"viewBox", "width", "height", "version"},
	"defs":           {},
	"title":          {},
	"desc":           {},
	"linearGradient": {"id", "x1", "y1", "x2", "y2", "gradientUnits"},
	"stop":           {"offset", "stop-color", "stop-opacity"},
	"g":              {"fill", "opacity"},
	"rect":           {"x", "y", "width", "height", "rx", "ry", "fill", "opacity", "fill-opacity"},
}

// parseMark reads the subset of SVG the mark uses.
func parseMark(r io.Reader) (*mark, error) {
	dec := xml.NewDecoder(r)
	m := &mark{}
	gradients := map[string]*gradient{}
	var (
		stack    = []inherited{{fill: paint{color: color.NRGBA{A: 0xff}}, hasFill: true, opacity: 1}}
		open     []string
		current  *gradient
		sawRoot  bool
		all      []shape
		textOnly int // depth inside <title> or <desc>
	)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			allowed, ok := knownAttrs[name]
			if !ok {
				return nil, fmt.Errorf("<%s> is not supported (the icon generator draws rect, g and linearGradient)", name)
			}
			if textOnly > 0 {
				return nil, fmt.Errorf("<%s> inside <title> or <desc>", name)
			}
			attrs := map[string]string{}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
					continue
				}
				if a.Name.Space != "" || !slices.Contains(allowed, a.Name.Local) {
					return nil, fmt.Errorf("attribute %q on <%s> is not supported", a.Name.Local, name)
				}
				attrs[a.Name.Local] = a.Value
			}
			if !sawRoot && name != "svg" {
				return nil, fmt.Errorf("the root element is <%s>, want <svg>", name)
			}
			parent := stack[len(stack)-1]
			switch name {
			case "svg":
				if sawRoot {
					return nil, errors.New("nested <svg> is not supported")
				}
				sawRoot = true
				if err := m.setViewBox(attrs["viewBox"]); err != nil {
					return nil, err
				}
			case "title", "desc":
				textOnly++
			case "linearGradient":
				if u := attrs["gradientUnits"]; u != "" && u != "objectBoundingBox" {
					return nil, fmt.Errorf("linearGradient %q: gradientUnits %q is not supported", attrs["id"], u)
				}
				g := &gradient{x2: 1}
				for _, c := range []struct {
					attr string
					dst  *float64
				}{{"x1", &g.x1}, {"y1", &g.y1}, {"x2", &g.x2}, {"y2", &g.y2}} {
					if v, ok := attrs[c.attr]; ok {
						if *c.dst, err = fraction(v); err != nil {
							return nil, fmt.Errorf("linearGradient %q: %s: %w", attrs["id"], c.attr, err)
						}
					}
				}
				if attrs["id"] == "" {
					return nil, errors.New("a linearGradient without an id cannot be used")
				}
				gradients[attrs["id"]] = g
				current = g
			case "stop":
				if current == nil {
					return nil, errors.New("<stop> outside a linearGradient")
				}
				s, err := parseStop(attrs)
				if err != nil {
					return nil, err
				}
				// A stop before the previous one moves to it (SVG 1.1, 13.2.4).
				if n := len(current.stops); n > 0 && s.offset < current.stops[n-1].offset {
					s.offset = current.stops[n-1].offset
				}
				current.stops = append(current.stops, s)
			case "g", "rect":
				next := parent
				if v, ok := attrs["fill"]; ok {
					p, err := parsePaint(v)
					if err != nil {
						return nil, fmt.Errorf("<%s> fill: %w", name, err)
					}
					next.fill, next.hasFill = p, true
				}
				if v, ok := attrs["opacity"]; ok {
					o, err := unit(v)
					if err != nil {
						return nil, fmt.Errorf("<%s> opacity: %w", name, err)
					}
					// Multiplying a group's opacity into its shapes is exact
					// only while they do not overlap, as in the mark.
					next.opacity *= o
				}
				if name == "rect" {
					s, err := parseRect(attrs, next)
					if err != nil {
						return nil, err
					}
					all = append(all, s)
				}
				stack = append(stack, next)
			default: // defs
				stack = append(stack, parent)
			}
			open = append(open, name)
		case xml.EndElement:
			name := open[len(open)-1]
			open = open[:len(open)-1]
			switch name {
			case "g", "rect", "defs":
				stack = stack[:len(stack)-1]
			case "linearGradient":
				current = nil
			case "title", "desc":
				textOnly--
			}
		case xml.CharData:
			if textOnly == 0 && strings.TrimSpace(string(t)) != "" {
				return nil, fmt.Errorf("text %q is not supported", strings.TrimSpace(string(t)))
			}
		}
	}
	if !sawRoot {
		return nil, errors.New("no <svg> element")
	}
	for i := range all {
		if ref := all[i].fill.ref; ref != "" {
			g, ok := gradients[ref]
			if !ok {
				return nil, fmt.Errorf("fill url(#%s) names no linearGradient", ref)
			}
			if len(g.stops) == 0 {
				return nil, fmt.Errorf("linearGradient %q has no stops", ref)
			}
			all[i].fill.gradient = g
		}
	}
	if len(all) == 0 {
		return nil, errors.New("the mark draws nothing")
	}
	t := all[0]
	if t.x != m.minX || t.y != m.minY || t.w != m.side || t.h != m.side {
		return nil, errors.New("the mark's first shape must be its tile, a rect covering the whole viewBox")
	}
	m.tile, m.shapes = t, all[1:]
	return m, nil
}

func (m *mark) setViewBox(v string) error {
	f := strings.Fields(strings.ReplaceAll(v, ",", " "))
	if len(f) != 4 {
		return fmt.Errorf("viewBox %q: want four numbers", v)
	}
	var n [4]float64
	for i, s := range f {
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("viewBox %q: %w", v, err)
		}
		n[i] = x
	}
	if n[2] <= 0 || n[2] != n[3] {
		return fmt.Errorf("viewBox %q: an icon's viewBox must be a square", v)
	}
	m.minX, m.minY, m.side = n[0], n[1], n[2]
	return nil
}

func parseRect(attrs map[string]string, in inherited) (shape, error) {
	s := shape{fill: in.fill, opacity: in.opacity}
	for _, c := range []struct {
		attr string
		dst  *float64
	}{{"x", &s.x}, {"y", &s.y}, {"width", &s.w}, {"height", &s.h}, {"rx", &s.rx}, {"ry", &s.ry}} {
		v, ok := attrs[c.attr]
		if !ok {
			continue
		}
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return s, fmt.Errorf("<rect> %s=%q: want a number in user units", c.attr, v)
		}
		*c.dst = x
	}
	if s.w <= 0 || s.h <= 0 {
		return s, errors.New("<rect> needs a positive width and height")
	}
	// SVG 1.1, 9.2: a missing radius takes the other's value, and each is at
	// most half the side.
	_, hasRX := attrs["rx"]
	_, hasRY := attrs["ry"]
	switch {
	case hasRX && !hasRY:
		s.ry = s.rx
	case hasRY && !hasRX:
		s.rx = s.ry
	}
	s.rx, s.ry = min(s.rx, s.w/2), min(s.ry, s.h/2)
	if v, ok := attrs["fill-opacity"]; ok {
		o, err := unit(v)
		if err != nil {
			return s, fmt.Errorf("<rect> fill-opacity: %w", err)
		}
		s.opacity *= o
	}
	return s, nil
}

func parseStop(attrs map[string]string) (stop, error) {
	var s stop
	off, err := fraction(attrs["offset"])
	if err != nil {
		return s, fmt.Errorf("<stop> offset: %w", err)
	}
	s.offset = min(max(off, 0), 1)
	c, err := parseColor(attrs["stop-color"])
	if err != nil {
		return s, fmt.Errorf("<stop> stop-color: %w", err)
	}
	if v, ok := attrs["stop-opacity"]; ok {
		o, err := unit(v)
		if err != nil {
			return s, fmt.Errorf("<stop> stop-opacity: %w", err)
		}
		c.A = uint8(math.Round(float64(c.A) * o))
	}
	s.color = c
	return s, nil
}

func parsePaint(v string) (paint, error) {
	v = strings.TrimSpace(v)
	if v == "none" {
		return paint{}, nil
	}
	if ref, ok := strings.CutPrefix(v, "url(#"); ok {
		ref, ok = strings.CutSuffix(ref, ")")
		if !ok || ref == "" {
			return paint{}, fmt.Errorf("%q: want url(#id)", v)
		}
		return paint{ref: ref}, nil
	}
	c, err := parseColor(v)
	return paint{color: c}, err
}

// parseColor reads #rgb and #rrggbb, the forms the mark uses.
func parseColor(v string) (color.NRGBA, error) {
	v = strings.TrimSpace(v)
	hex, ok := strings.CutPrefix(v, "#")
	if !ok || (len(hex) != 3 && len(hex) != 6) {
		return color.NRGBA{}, fmt.Errorf("%q: want #rgb or #rrggbb", v)
	}
	if len(hex) == 3 {
		hex = string([]byte{hex[0], hex[0], hex[1], hex[1], hex[2], hex[2]})
	}
	n, err := strconv.ParseUint(hex, 16, 32)
	if err != nil {
		return color.NRGBA{}, fmt.Errorf("%q: want #rgb or #rrggbb", v)
	}
	return color.NRGBA{R: uint8(n >> 16), G: uint8(n >> 8), B: uint8(n), A: 0xff}, nil
}

// fraction reads a number or a percentage ("0.5", "50%").
func fraction(v string) (float64, error) {
	v = strings.TrimSpace(v)
	if p, ok := strings.CutSuffix(v, "%"); ok {
		x, err := strconv.ParseFloat(p, 64)
		return x / 100, err
	}
	return strconv.ParseFloat(v, 64)
}

// unit reads an opacity, clamped to [0, 1].
func unit(v string) (float64, error) {
	x, err := fraction(v)
	if err != nil {
		return 0, err
	}
	return min(max(x, 0), 1), nil
}

// contentScale is how much the shapes over the tile shrink for st.
func (m *mark) contentScale(st style) float64 {
	if st != styleMaskable {
		return 1
	}
	c := m.side / 2
	var farthest float64
	for _, s := range m.shapes {
		for _, p := range [][2]float64{{s.x, s.y}, {s.x + s.w, s.y}, {s.x, s.y + s.h}, {s.x + s.w, s.y + s.h}} {
			farthest = max(farthest, math.Hypot(p[0]-m.minX-c, p[1]-m.minY-c))
		}
	}
	limit := safeZoneRadius * safeZoneFill * m.side
	if farthest <= limit {
		return 1
	}
	return limit / farthest
}

// draw renders the mark as a size×size image.
func (m *mark) draw(size int, st style) *image.NRGBA {
	dst := image.NewNRGBA(image.Rect(0, 0, size, size))
	px := float64(size) / m.side
	tile := m.tile
	if st != styleAny {
		tile.rx, tile.ry = 0, 0 // the platform's mask shapes it
	}
	fillShape(dst, tile, px, m.minX, m.minY, 1, 0)
	k := m.contentScale(st)
	for _, s := range m.shapes {
		fillShape(dst, s, px, m.minX, m.minY, k, m.side/2)
	}
	return dst
}

// fillShape draws s scaled by k about the viewBox's centre c.
func fillShape(dst draw.Image, s shape, px, minX, minY, k, c float64) {
	if s.fill.gradient == nil && s.fill.color.A == 0 {
		return
	}
	tx := func(x float64) float64 { return ((x-minX-c)*k + c) * px }
	ty := func(y float64) float64 { return ((y-minY-c)*k + c) * px }
	x0, y0, x1, y1 := tx(s.x), ty(s.y), tx(s.x+s.w), ty(s.y+s.h)
	rx, ry := s.rx*k*px, s.ry*k*px

	b := dst.Bounds()
	z := vector.NewRasterizer(b.Dx(), b.Dy())
	z.DrawOp = draw.Over
	roundedRect(z, x0, y0, x1, y1, rx, ry)

	var src image.Image
	if g := s.fill.gradient; g != nil {
		src = &gradientImage{g: g, x0: x0, y0: y0, w: x1 - x0, h: y1 - y0, opacity: s.opacity}
	} else {
		col := s.fill.color
		col.A = uint8(math.Round(float64(col.A) * s.opacity))
		src = image.NewUniform(col)
	}
	z.Draw(dst, b, src, image.Point{})
}

// kappa places a cubic Bézier's control points to draw a quarter ellipse.
const kappa = 0.5522847498307936

func roundedRect(z *vector.Rasterizer, x0, y0, x1, y1, rx, ry float64) {
	f := func(v float64) float32 { return float32(v) }
	cx, cy := rx*(1-kappa), ry*(1-kappa)
	z.MoveTo(f(x0+rx), f(y0))
	z.LineTo(f(x1-rx), f(y0))
	if rx > 0 && ry > 0 {
		z.CubeTo(f(x1-cx), f(y0), f(x1), f(y0+cy), f(x1), f(y0+ry))
	}
	z.LineTo(f(x1), f(y1-ry))
	if rx > 0 && ry > 0 {
		z.CubeTo(f(x1), f(y1-cy), f(x1-cx), f(y1), f(x1-rx), f(y1))
	}
	z.LineTo(f(x0+rx), f(y1))
	if rx > 0 && ry > 0 {
		z.CubeTo(f(x0+cx), f(y1), f(x0), f(y1-cy), f(x0), f(y1-ry))
	}
	z.LineTo(f(x0), f(y0+ry))
	if rx > 0 && ry > 0 {
		z.CubeTo(f(x0), f(y0+cy), f(x0+cx), f(y0), f(x0+rx), f(y0))
	}
	z.ClosePath()
}

// gradientImage is a linear gradient over a shape's bounding box, in pixels.
type gradientImage struct {
	g            *gradient
	x0, y0, w, h float64
	opacity      float64
}

func (gi *gradientImage) ColorModel() color.Model { return color.NRGBA64Model }

func (gi *gradientImage) Bounds() image.Rectangle {
	return image.Rect(-1<<20, -1<<20, 1<<20, 1<<20)
}

// At samples the pixel's centre. Colours mix in sRGB, SVG's default
// color-interpolation.
func (gi *gradientImage) At(x, y int) color.Color {
	u := (float64(x) + 0.5 - gi.x0) / gi.w
	v := (float64(y) + 0.5 - gi.y0) / gi.h
	g := gi.g
	dx, dy := g.x2-g.x1, g.y2-g.y1
	var t float64
	if d := dx*dx + dy*dy; d > 0 {
		t = ((u-g.x1)*dx + (v-g.y1)*dy) / d
	}
	t = min(max(t, 0), 1)
	stops := g.stops
	c := stops[len(stops)-1].color
	if t <= stops[0].offset {
		c = stops[0].color
	} else {
		for i := 1; i < len(stops); i++ {
			if t <= stops[i].offset {
				a, b := stops[i-1], stops[i]
				f := 0.0
				if b.offset > a.offset {
					f = (t - a.offset) / (b.offset - a.offset)
				}
				return mix(a.color, b.color, f, gi.opacity)
			}
		}
	}
	return mix(c, c, 0, gi.opacity)
}

func mix(a, b color.NRGBA, f, opacity float64) color.NRGBA64 {
	ch := func(x, y uint8) uint16 {
		return uint16(math.Round((float64(x) + (float64(y)-float64(x))*f) * 257))
	}
	alpha := (float64(a.A) + (float64(b.A)-float64(a.A))*f) * 257 * opacity
	return color.NRGBA64{R: ch(a.R, b.R), G: ch(a.G, b.G), B: ch(a.B, b.B), A: uint16(math.Round(alpha))}
}
