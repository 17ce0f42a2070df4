package spotifysim

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode"
)

// Search messages, as Spotify words them.
const (
	msgNoQuery       = "No search query"
	msgBadSearchType = "Bad search type field"
)

// maxSearchLimit and maxSearchOffset are openapi.yml's ceilings for
// /search: 10 results a page (since 2026), offsets up to 1000.
const (
	maxSearchLimit  = 10
	maxSearchOffset = 1000
)

// searchTypes are the types /search accepts, in the order its answer lists
// them. The simulator's catalogue is music only: the other types answer
// empty pages.
var searchTypes = []string{"album", "artist", "playlist", "track", "show", "episode", "audiobook"}

// searchQuery is a parsed q: field filters (track:, artist:, album:), each a
// quoted phrase or one word, and free words matched against every name.
type searchQuery struct {
	track, artist, album []string
	free                 []string
}

func parseSearchQuery(q string) searchQuery {
	var sq searchQuery
	rest := strings.TrimSpace(q)
	for rest != "" {
		field := ""
		for _, f := range []string{"track:", "artist:", "album:"} {
			if len(rest) >= len(f) && strings.EqualFold(rest[:len(f)], f) {
				field, rest = f[:len(f)-1], rest[len(f):]
				break
			}
		}
		var value string
		if strings.HasPrefix(rest, `"`) {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				value, rest = rest[1:], ""
			} else {
				value, rest = rest[1:1+end], rest[2+end:]
			}
		} else {
			end := strings.IndexFunc(rest, unicode.IsSpace)
			if end < 0 {
				end = len(rest)
			}
			value, rest = rest[:end], rest[end:]
		}
		rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
		value = searchFold(value)
		if value == "" {
			continue
		}
		switch field {
		case "track":
			sq.track = append(sq.track, value)
		case "artist":
			sq.artist = append(sq.artist, value)
		case "album":
			sq.album = append(sq.album, value)
		default:
			sq.free = append(sq.free, value)
		}
	}
	return sq
}

func (sq searchQuery) empty() bool {
	return len(sq.track)+len(sq.artist)+len(sq.album)+len(sq.free) == 0
}

// searchFold is how the simulator compares names: case and runs of spaces
// ignored.
func searchFold(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

func containsAll(name string, terms []string) bool {
	n := searchFold(name)
	for _, t := range terms {
		if !strings.Contains(n, t) {
			return false
		}
	}
	return true
}

func anyContains(names []string, term string) bool {
	for _, n := range names {
		if strings.Contains(searchFold(n), term) {
			return true
		}
	}
	return false
}

func artistNames(as []*artist) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.name
	}
	return out
}

// matchesTrack: every filter and every free word must match (free words
// may match the track's, its album's or an artist's name).
func (sq searchQuery) matchesTrack(t *track) bool {
	if len(sq.track) > 0 && !containsAll(t.name, sq.track) || len(sq.album) > 0 && !containsAll(t.album.name, sq.album) {
		return false
	}
	names := artistNames(t.artists)
	for _, a := range sq.artist {
		if !anyContains(names, a) {
			return false
		}
	}
	all := append([]string{t.name, t.album.name}, names...)
	for _, w := range sq.free {
		if !anyContains(all, w) {
			return false
		}
	}
	return true
}

func (sq searchQuery) matchesArtist(a *artist) bool {
	if len(sq.track) > 0 || len(sq.album) > 0 {
		return false
	}
	return containsAll(a.name, sq.artist) && containsAll(a.name, sq.free)
}

func (sq searchQuery) matchesAlbum(al *album) bool {
	if len(sq.track) > 0 || len(sq.album) > 0 && !containsAll(al.name, sq.album) {
		return false
	}
	names := artistNames(al.artists)
	for _, a := range sq.artist {
		if !anyContains(names, a) {
			return false
		}
	}
	all := append([]string{al.name}, names...)
	for _, w := range sq.free {
		if !anyContains(all, w) {
			return false
		}
	}
	return true
}

// exactness ranks a result: a name equal to the query's filter (or to all
// its free words) comes before one that merely contains it.
func exactness(name string, filter, free []string) int {
	n := searchFold(name)
	if len(filter) == 1 && n == filter[0] || len(filter) == 0 && n == strings.Join(free, " ") {
		return 0
	}
	return 1
}

// getSearch is GET /v1/search: the catalogue's albums, artists and tracks
// whose names match q, the closest names first, then the most popular.
// Field filters (track:, artist:, album:) narrow a type's results as
// Spotify's do.
func (s *Server) getSearch(w http.ResponseWriter, r *http.Request, c caller) {
	q := r.URL.Query()
	// The links of Spotify's pages spell q as query; both work.
	text := q.Get("q")
	if text == "" {
		text = q.Get("query")
	}
	sq := parseSearchQuery(text)
	if sq.empty() {
		writeAPIError(w, http.StatusBadRequest, msgNoQuery)
		return
	}
	types := map[string]bool{}
	for _, t := range strings.Split(q.Get("type"), ",") {
		if !slices.Contains(searchTypes, t) {
			writeAPIError(w, http.StatusBadRequest, msgBadSearchType)
			return
		}
		types[t] = true
	}
	p, msg := parsePaging(q, 5, maxSearchLimit)
	if msg == "" && p.offset > maxSearchOffset {
		msg = msgInvalidOffset
	}
	if msg != "" {
		writeAPIError(w, http.StatusBadRequest, msg)
		return
	}
	extra := url.Values{"query": {text}, "type": {q.Get("type")}}
	var b jsonBuf
	b.raw("{")
	first := true
	section := func(name string, n int, item func(i int)) {
		if !first {
			b.raw(",")
		}
		first = false
		b.str(name)
		b.raw(":")
		writePage(&b, "/v1/search", extra, p, n, item)
	}
	for _, t := range searchTypes {
		if !types[t] {
			continue
		}
		switch t {
		case "track":
			var hits []*track
			for _, tr := range s.cat.tracks {
				if sq.matchesTrack(tr) {
					hits = append(hits, tr)
				}
			}
			slices.SortStableFunc(hits, func(a, b *track) int {
				if d := exactness(a.name, sq.track, sq.free) - exactness(b.name, sq.track, sq.free); d != 0 {
					return d
				}
				return b.popularity - a.popularity
			})
			section("tracks", len(hits), func(i int) { b.frag(hits[i].full) })
		case "artist":
			var hits []*artist
			for _, a := range s.cat.artists {
				if sq.matchesArtist(a) {
					hits = append(hits, a)
				}
			}
			slices.SortStableFunc(hits, func(a, b *artist) int {
				if d := exactness(a.name, sq.artist, sq.free) - exactness(b.name, sq.artist, sq.free); d != 0 {
					return d
				}
				return b.popularity - a.popularity
			})
			section("artists", len(hits), func(i int) { b.frag(hits[i].full) })
		case "album":
			var hits []*album
			for _, al := range s.cat.albums {
				if sq.matchesAlbum(al) {
					hits = append(hits, al)
				}
			}
			slices.SortStableFunc(hits, func(a, b *album) int {
				return exactness(a.name, sq.album, sq.free) - exactness(b.name, sq.album, sq.free)
			})
			section("albums", len(hits), func(i int) { b.frag(hits[i].simple) })
		default:
			section(t+"s", 0, func(int) {})
		}
	}
	b.raw("}")
	writeJSONBody(w, r, http.StatusOK, b.Bytes())
}
