package views

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/euterpe-dev/euterpe/analytics"
	"github.com/euterpe-dev/euterpe/spotify"
)

func pageTitle(title string) string {
	if title == "" {
		return "Euterpe"
	}
	return title + " · Euterpe"
}

// initial is the first letter of a name, for the navbar's avatar.
func initial(name string) string {
	for _, r := range name {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return strings.ToUpper(string(r))
		}
	}
	return "♪"
}

func itoa(n int) string { return strconv.Itoa(n) }

// orDash shows a missing name as a dash rather than as nothing.
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// coverAlt is the alt text of an album, artist or playlist picture.
func coverAlt(kind, name string) string {
	if name == "" {
		return kind
	}
	return kind + ": " + name
}

// firstN splits a list into what a panel shows at once and what it keeps
// behind a "Show all" disclosure.
func firstN[T any](items []T, n int) (shown, rest []T) {
	if len(items) <= n {
		return items, nil
	}
	return items[:n], items[n:]
}

// truncateRunes shortens s to at most n runes, for text inside SVG <title>s.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func join(parts []string, sep string) string { return strings.Join(parts, sep) }

// lowerFirst turns a panel title into the middle of a sentence: "Top songs"
// → "top songs".
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// rangeBlurb is the line under the dashboard's heading.
func rangeBlurb(r spotify.TimeRange) string {
	switch r {
	case spotify.ShortTerm:
		return "What you have played most over the last 4 weeks."
	case spotify.MediumTerm:
		return "What you have played most over the last 6 months."
	case spotify.LongTerm:
		return "What you have played most over the last year."
	}
	return "What you have played most."
}

// anyGenresKnown tells a Development-Mode list (no artist came with a genres
// field) from one where Spotify simply has not classified some artists.
func anyGenresKnown(artists []analytics.ArtistRow) bool {
	for _, a := range artists {
		if a.GenresKnown {
			return true
		}
	}
	return false
}

// contextLabel says where a play started.
func contextLabel(t string) string {
	switch t {
	case "playlist":
		return "from a playlist"
	case "album":
		return "from the album"
	case "artist":
		return "from the artist"
	case "collection":
		return "from Liked Songs"
	}
	return "from " + t
}

// focusID is the id of what takes the focus in a panel: the Retry button of
// an error, the body of a loaded panel. Sharing one id lets htmx, which
// refocuses the element with the focused element's id after a swap, move
// the focus from Retry into the panel that replaced it.
func focusID(panelID string) string { return "panel-" + panelID + "-focus" }
