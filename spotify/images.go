package spotify

// ImageURL picks the image to show at want pixels wide: the one exactly that
// wide when Spotify has it (album covers come at 640, 300 and 64), else the
// largest (widest, then tallest), so that the browser scales down rather than
// up. Images without a URL are skipped; an unknown size counts as 0, and among
// equals the first wins, since Spotify lists images widest first. "" when there is
// nothing to show.
func ImageURL(images []Image, want int) string {
	best, bestW, bestH := -1, -1, -1
	for i, img := range images {
		if img.URL == "" {
			continue
		}
		w, h := size(img.Width), size(img.Height)
		if img.Width != nil && w == want {
			return img.URL
		}
		if w > bestW || (w == bestW && h > bestH) {
			best, bestW, bestH = i, w, h
		}
	}
	if best < 0 {
		return ""
	}
	return images[best].URL
}

func size(p *int) int {
	if p == nil || *p < 0 {
		return 0
	}
	return *p
}
