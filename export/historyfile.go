package export

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/euterpe-dev/euterpe/db"
)

// HistoryColumns are the columns of a history CSV: what, when (in UTC, and
// on the user's clock), how long, and the track, artists, album and
// Spotify URI (for an episode: the episode, the show; for a chapter: the
// chapter, the audiobook).
var HistoryColumns = []string{"kind", "played_at", "local_date", "local_time", "ms_played", "title", "artists", "album",
	"spotify_uri", "context_uri", "source"}

// HistoryCSV writes listens as CSV rows.
type HistoryCSV struct {
	c   *CSVWriter
	loc *time.Location
}

// NewHistoryCSV writes the header; loc is the user's zone, for the local
// columns.
func NewHistoryCSV(w io.Writer, loc *time.Location) (*HistoryCSV, error) {
	h := &HistoryCSV{c: NewCSV(w), loc: loc}
	return h, h.c.Write(HistoryColumns...)
}

// Write writes one listen.
func (h *HistoryCSV) Write(l *Listen) error {
	local := l.PlayedAt.In(h.loc)
	ms := ""
	if l.Known {
		ms = strconv.FormatInt(l.MSPlayed, 10)
	}
	var title, artists, album, uri string
	if l.Track != nil {
		t := l.Track
		title, artists, album = t.Name, strings.Join(t.ArtistNames, ", "), t.AlbumName
		if t.SpotifyID != "" {
			uri = "spotify:track:" + t.SpotifyID
		}
	} else {
		title, artists, uri = l.Title, l.Show, l.URI
	}
	return h.c.Write(l.Kind, l.PlayedAt.UTC().Format(time.RFC3339Nano), local.Format(time.DateOnly), local.Format(time.TimeOnly),
		ms, title, artists, album, uri, l.ContextURI, l.Source)
}

// Flush writes what is buffered.
func (h *HistoryCSV) Flush() error { return h.c.Flush() }

// Euterpe's own history format, history.json: a JSON array of flat
// objects, one a listen, in time order, which the importer recognises by
// its fields (played_at, kind, ms_played) and brings back exactly:
//
//	{"kind": "play" | "skip" | "episode" | "chapter",
//	 "played_at": "2026-11-27T21:43:05.123456Z",   when playback ended, UTC, to the microsecond
//	 "ms_played": 201000 | null,                      null: not known
//	 — music —
//	 "track_uri", "track_name", "track_duration_ms", "track_explicit",
//	 "artist_uris", "artist_names", "artist_image_urls",      lists, in credit order
//	 "album_uri", "album_name", "album_type", "album_release_date", "album_image_url",
//	 "album_artist_uris", "album_artist_names",
//	 "context_uri", "source"                                  plays only
//	 — episodes and chapters —
//	 "show", "title", "uri"}
//
// A URI is null (in a list, "") for an item Euterpe knows only by its name;
// album_release_date is as precise as Spotify said ("1971", "1971-11",
// "1971-11-08"). "skip" is a listen under 30 seconds that an export
// reported; a poll's short play is a "play".

// HistoryJSON writes listens as Euterpe's history format.
type HistoryJSON struct {
	w     *bufio.Writer
	buf   []byte
	count int64
}

// NewHistoryJSON writes to w (buffered; Close flushes).
func NewHistoryJSON(w io.Writer) *HistoryJSON {
	return &HistoryJSON{w: bufio.NewWriterSize(w, 32<<10), buf: make([]byte, 0, 2048)}
}

// Write writes one listen.
func (h *HistoryJSON) Write(l *Listen) error {
	b := h.buf[:0]
	if h.count == 0 {
		b = append(b, "[\n"...)
	} else {
		b = append(b, ",\n"...)
	}
	h.count++
	b = append(b, `{"kind":`...)
	b = appendString(b, l.Kind)
	b = append(b, `,"played_at":`...)
	b = appendString(b, l.PlayedAt.UTC().Format(time.RFC3339Nano))
	b = append(b, `,"ms_played":`...)
	if l.Known {
		b = strconv.AppendInt(b, l.MSPlayed, 10)
	} else {
		b = append(b, "null"...)
	}
	if t := l.Track; t != nil {
		b = appendTrack(b, t)
		if l.Kind == "play" {
			b = append(b, `,"context_uri":`...)
			b = appendOptional(b, l.ContextURI)
			b = append(b, `,"source":`...)
			b = appendString(b, l.Source)
		}
	} else {
		b = append(b, `,"show":`...)
		b = appendString(b, l.Show)
		b = append(b, `,"title":`...)
		b = appendString(b, l.Title)
		b = append(b, `,"uri":`...)
		b = appendOptional(b, l.URI)
	}
	b = append(b, '}')
	h.buf = b
	_, err := h.w.Write(b)
	return err
}

func appendTrack(b []byte, t *db.ListTrackCatalogRow) []byte {
	b = append(b, `,"track_uri":`...)
	b = appendURI(b, "track", t.SpotifyID)
	b = append(b, `,"track_name":`...)
	b = appendString(b, t.Name)
	b = append(b, `,"track_duration_ms":`...)
	if t.DurationMs != nil {
		b = strconv.AppendInt(b, int64(*t.DurationMs), 10)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"track_explicit":`...)
	b = strconv.AppendBool(b, t.Explicit)
	b = append(b, `,"artist_uris":`...)
	b = appendURIs(b, "artist", t.ArtistSpotifyIds)
	b = append(b, `,"artist_names":`...)
	b = appendStrings(b, t.ArtistNames)
	b = append(b, `,"artist_image_urls":`...)
	b = appendStrings(b, t.ArtistImageUrls)
	b = append(b, `,"album_uri":`...)
	b = appendURI(b, "album", t.AlbumSpotifyID)
	b = append(b, `,"album_name":`...)
	b = appendOptional(b, t.AlbumName)
	b = append(b, `,"album_type":`...)
	b = appendOptional(b, t.AlbumType)
	b = append(b, `,"album_release_date":`...)
	b = appendOptional(b, ReleaseDate(t.AlbumReleaseDate, t.AlbumReleaseDatePrecision))
	b = append(b, `,"album_image_url":`...)
	b = appendOptional(b, t.AlbumImageUrl)
	b = append(b, `,"album_artist_uris":`...)
	b = appendURIs(b, "artist", t.AlbumArtistSpotifyIds)
	b = append(b, `,"album_artist_names":`...)
	b = appendStrings(b, t.AlbumArtistNames)
	return b
}

// ReleaseDate writes a release date as Spotify does, as precise as it is
// known: "1971", "1971-11" or "1971-11-08"; "" when unknown.
func ReleaseDate(d time.Time, precision string) string {
	if d.Year() <= 1 {
		return ""
	}
	switch precision {
	case "year":
		return d.Format("2006")
	case "month":
		return d.Format("2006-01")
	}
	return d.Format(time.DateOnly)
}

// Close ends the array and flushes.
func (h *HistoryJSON) Close() error {
	end := "]\n"
	if h.count == 0 {
		end = "[]\n"
	}
	if _, err := h.w.WriteString(end); err != nil {
		return err
	}
	return h.w.Flush()
}

func appendURI(b []byte, kind, id string) []byte {
	if id == "" {
		return append(b, "null"...)
	}
	return appendString(b, "spotify:"+kind+":"+id)
}

func appendURIs(b []byte, kind string, ids []string) []byte {
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		if id == "" {
			b = append(b, `""`...)
		} else {
			b = appendString(b, "spotify:"+kind+":"+id)
		}
	}
	return append(b, ']')
}

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

// appendOptional writes s, or null when it is empty.
func appendOptional(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return appendString(b, s)
}

const hex = "0123456789abcdef"

// appendString writes s as a JSON string: quotes, backslashes and control
// characters escaped, invalid UTF-8 replaced by U+FFFD, U+2028 and U+2029
// escaped so the file is also valid JavaScript.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, `\u202`...)
			b = append(b, hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
