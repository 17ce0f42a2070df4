package history

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NameKey is what two spellings of one title (or artist, or album) have in
// common, to match an export's rows, which name tracks without ids, to the
// catalogue: letters and digits only, lower case, without accents, without
// the qualifiers Spotify adds to a title over the years ("- 2011 Remaster",
// "(feat. …)"), parts joined by a separator. "Jóga - Remastered 2002" by
// "Björk" and "Joga" by "bjork" have one key.
func NameKey(parts ...string) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteByte(0x1f)
		}
		b.WriteString(normalise(p))
	}
	return b.String()
}

// qualifiers are the parts of a title that name an edition, not the song.
var qualifiers = regexp.MustCompile(`(?i)\s+-\s+(?:\d{4}\s+)?(?:digital(?:ly)?\s+)?remaster(?:ed)?(?:\s+(?:version|\d{4}))?.*$|` +
	`\s*[(\[](?:feat\.?|ft\.?|featuring|with)\s[^)\]]*[)\]]|\s*[(\[](?:\d{4}\s+)?remaster(?:ed)?[^)\]]*[)\]]`)

func normalise(s string) string {
	s = qualifiers.ReplaceAllString(s, "")
	var b strings.Builder
	space := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // accents, once decomposed
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		case r == '&':
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString("and")
			space = true
		default:
			space = true
		}
	}
	return b.String()
}
