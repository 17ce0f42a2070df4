// Package scrobbles reads the listening histories people keep outside
// Spotify: ListenBrainz's user export (the zip of listens/YYYY/M.jsonl, and
// the single JSON file it wrote before), Last.fm scrobbles as the common
// exporters write them (lastfm-to-csv's CSV, lastfm.ghan.nl's JSON and CSV)
// and Maloja's export. Like package spotifyexport, files are recognised by
// their content, not their names, and read as streams: every row, line and
// value is bounded, so a file of any length, or a hostile one, costs a few
// hundred kilobytes of memory.
//
// A zip is opened with spotifyexport.ReadZip (and its Limits, against zip
// bombs), and each entry given to Open: a ListenBrainz export's listens are
// recognised, its user.json, feedback.jsonl and pinned_recording.jsonl are
// Other.
//
// Scrobbles mark the start of a play (Last.fm's and ListenBrainz's rules
// both say so), where Spotify's ts marks its end: Listen.StartedAt is the
// start, and converting between the two is the caller's, with DurationMS or
// PlayedMS where a file gives them.
package scrobbles

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/euterpe-dev/euterpe/spotifyexport"
)

// Kind is what a file holds.
type Kind int

// The kinds of files.
const (
	// Other is anything but a scrobble history (a ListenBrainz export's
	// user.json or feedback.jsonl, Spotify's own files, …): an import
	// skips it.
	Other Kind = iota
	// ListenBrainz is one listens/YYYY/M.jsonl of ListenBrainz's user
	// export zip: a listen a line.
	ListenBrainz
	// ListenBrainzJSON is the single file ListenBrainz exported until
	// 2024 (username_lb-YYYY-MM-DD.json): a JSON list of the same listens.
	ListenBrainzJSON
	// LastfmCSV is lastfm-to-csv's file: artist,album,track,date rows,
	// the date to the minute.
	LastfmCSV
	// LastfmGhanCSV is lastfm.ghan.nl's CSV: a header, then uts,
	// utc_time, artist, artist_mbid, album, album_mbid, track, track_mbid.
	LastfmGhanCSV
	// LastfmGhanJSON is lastfm.ghan.nl's JSON: a list of the pages of
	// Last.fm's user.getRecentTracks.
	LastfmGhanJSON
	// Maloja is Maloja's export (maloja_export_*.json).
	Maloja
)

func (k Kind) String() string {
	switch k {
	case ListenBrainz:
		return "ListenBrainz export, listens"
	case ListenBrainzJSON:
		return "ListenBrainz export, single file"
	case LastfmCSV:
		return "Last.fm scrobbles, lastfm-to-csv"
	case LastfmGhanCSV:
		return "Last.fm scrobbles, lastfm.ghan.nl CSV"
	case LastfmGhanJSON:
		return "Last.fm scrobbles, lastfm.ghan.nl JSON"
	case Maloja:
		return "Maloja export"
	}
	return "not a listening history"
}

// Listen is one scrobble.
type Listen struct {
	Kind Kind // the kind of file it came from
	// StartedAt is when the play began: a scrobble is stamped with its
	// start. Precise is false where the file gives it to the minute only
	// (lastfm-to-csv): then it is that minute at :00.
	StartedAt time.Time
	Precise   bool
	// DurationMS is the track's length, PlayedMS how long of it was
	// heard; -1 when the file does not say (or says something
	// implausible: zero, negative, more than a day).
	DurationMS int
	PlayedMS   int

	Track, Artist, Album string
	// Artists is every credited artist, in credit order, where the file
	// lists them (ListenBrainz's artist_names, Maloja's artists); nil
	// where it gives one credit string only. Artist is the credit as the
	// file writes it, or for Maloja the first of Artists.
	Artists []string

	SpotifyID     string // a bare 22-character track id, "" unless the file gives a valid one
	ISRC          string // 12 characters, upper case, no hyphens
	RecordingMBID string // a MusicBrainz recording id, lower case
}

// Named reports whether the listen says what was played: a track and an
// artist, or a Spotify id. A listen that does not is counted by an import,
// not stored, as spotifyexport's Unknown rows are.
func (l Listen) Named() bool {
	return l.Track != "" && l.Artist != "" || l.SpotifyID != ""
}

// Earliest is the earliest time a listen can have: ListenBrainz refuses
// listens before October 2002, "before which most Last.FM data is rubbish"
// (LISTEN_MINIMUM_DATE in listenbrainz/listenstore). A listen dated earlier,
// or more than two days after now, is an error naming its row: a file with
// one is damaged or misread, and saying so beats importing the epoch.
var Earliest = time.Date(2002, 10, 1, 0, 0, 0, 0, time.UTC)

// Bounds on what one row may hold.
const (
	// maxRow bounds one line (JSONL, CSV) or one list item (JSON) in
	// bytes: a ListenBrainz listen with its MusicBrainz mapping is 1 to 3
	// kB, a Last.fm track with its images 1 kB.
	maxRow = 64 << 10
	// maxValue bounds one name, as spotifyexport does.
	maxValue = 4096
	// maxArtists bounds Artists.
	maxArtists = 128
	// maxMS bounds a duration: a play of more than a day is not one.
	maxMS = 24 * 60 * 60 * 1000
)

// SyntaxError says where a file stops being what its kind writes.
type SyntaxError struct {
	Line   int   // 1-based line, for JSONL and CSV (0 for JSON)
	Item   int   // 1-based listen, for JSON (0 before the first)
	Offset int64 // byte offset in the file, for JSON
	Msg    string
}

func (e *SyntaxError) Error() string {
	switch {
	case e.Line > 0:
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	case e.Item > 0:
		return fmt.Sprintf("item %d (byte %d): %s", e.Item, e.Offset, e.Msg)
	}
	return fmt.Sprintf("byte %d: %s", e.Offset, e.Msg)
}

// File reads the listens of one file.
type File struct {
	name string
	kind Kind
	now  time.Time
	br   *bufio.Reader
	err  error // sticky: once a file has gone wrong, it stays so

	line int // JSONL and CSV: the line of the last row
	item int // JSON: the index of the last listen

	// JSON kinds
	win   *window
	dec   *json.Decoder
	depth int // ghan JSON: 1 between pages, 2 inside a page's track list

	// CSV kinds
	csv  *csv.Reader
	cols columns
}

// Open reads the start of a file to learn its kind. A file that is not one
// of these histories is Other (with a nil error): an upload has many such
// files. now bounds plausible dates.
func Open(name string, r io.Reader, now time.Time) (*File, error) {
	f := &File{name: name, now: now, br: bufio.NewReaderSize(r, maxRow)}
	if b, err := f.br.Peek(3); err == nil && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		_, _ = f.br.Discard(3)
	}
	head, err := f.br.Peek(maxRow)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	f.kind = detect(head)
	switch f.kind {
	case ListenBrainzJSON, LastfmGhanJSON, Maloja:
		f.win = &window{r: f.br}
		f.dec = json.NewDecoder(f.win)
		if err := f.enter(); err != nil {
			f.err = err
		}
	case LastfmCSV, LastfmGhanCSV:
		f.startCSV(head)
	}
	return f, nil
}

// Name is the file's name, for messages.
func (f *File) Name() string { return f.name }

// Kind is what the file holds.
func (f *File) Kind() Kind { return f.kind }

// Item is where the last listen read stands: its line in a JSONL or CSV
// file, its index in a JSON one.
func (f *File) Item() int {
	if f.dec != nil {
		return f.item
	}
	return f.line
}

// Next returns the next listen; io.EOF after the last. Now-playing entries
// (Last.fm's, which have no date) are not listens and are passed over. An
// error names the file and the line or item; a read error (such as
// spotifyexport.ErrUnsafe from a zip's entry) is returned as it is, wrapped.
func (f *File) Next() (Listen, error) {
	if f.err != nil {
		return Listen{}, f.err
	}
	var l Listen
	var err error
	switch f.kind {
	case Other:
		return Listen{}, io.EOF
	case ListenBrainz:
		l, err = f.nextJSONL()
	case ListenBrainzJSON, LastfmGhanJSON, Maloja:
		l, err = f.nextJSON()
	case LastfmCSV, LastfmGhanCSV:
		l, err = f.nextCSV()
	}
	if err != nil {
		if err != io.EOF {
			err = fmt.Errorf("%s: %w", f.name, err)
		}
		f.err = err
		return Listen{}, err
	}
	l.Kind = f.kind
	return l, nil
}

// fail is a SyntaxError at the current row.
func (f *File) fail(format string, args ...any) error {
	e := &SyntaxError{Msg: fmt.Sprintf(format, args...)}
	if f.dec != nil {
		e.Item, e.Offset = f.item, f.dec.InputOffset()
	} else {
		e.Line = f.line
	}
	return e
}

// plausible checks a listen's start.
func (f *File) plausible(key string, t time.Time) error {
	if t.Before(Earliest) || t.After(f.now.Add(48*time.Hour)) {
		return f.fail("%s %s is not a plausible date for a listen", key, t.UTC().Format(time.RFC3339))
	}
	return nil
}

// unix is a time given in Unix seconds, to the microsecond (ListenBrainz's
// export writes PostgreSQL's extract(epoch …): 1612128840.000000).
func (f *File) unix(key string, n num) (time.Time, error) {
	if !n.ok {
		return time.Time{}, f.fail("%s is missing or not a number", key)
	}
	// Bounded before converting, so an absurd number cannot overflow.
	if n.v < float64(Earliest.Unix()) || n.v > float64(f.now.Add(48*time.Hour).Unix()+1) {
		return time.Time{}, f.fail("%s %s is not a plausible date for a listen", key, clip(n.raw))
	}
	sec, frac := math.Modf(n.v)
	t := time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3).UTC()
	return t, f.plausible(key, t)
}

// check bounds a listen's names once they are read.
func (f *File) check(l *Listen) error {
	for _, v := range []struct{ key, s string }{{"track", l.Track}, {"artist", l.Artist}, {"album", l.Album}} {
		if len(v.s) > maxValue {
			return f.fail("the %s's name is longer than %d bytes", v.key, maxValue)
		}
		if !utf8.ValidString(v.s) {
			return f.fail("the %s's name is not valid UTF-8", v.key)
		}
	}
	if len(l.Artists) > maxArtists {
		return f.fail("more than %d artists", maxArtists)
	}
	for _, a := range l.Artists {
		if len(a) > maxValue {
			return f.fail("an artist's name is longer than %d bytes", maxValue)
		}
	}
	return nil
}

// ms is a duration in milliseconds from n, given in units of unit ms; -1
// when absent or implausible.
func ms(n num, unit float64) int {
	if !n.ok {
		return -1
	}
	v := n.v * unit
	if !(v > 0 && v <= maxMS) {
		return -1
	}
	return int(math.Round(v))
}

// spotifyTrackID is the id of a Spotify track as ListenBrainz clients write
// it: the docs give http://open.spotify.com/track/ID, ListenBrainz's own
// Spotify importer https://open.spotify.com/track/ID; links shared from the
// apps add ?si=… and sometimes a locale (/intl-de/track/ID); a few clients
// send the URI spotify:track:ID. "" for anything else, or an id of the
// wrong shape.
func spotifyTrackID(s string) string {
	s = strings.TrimSpace(s)
	if id, ok := strings.CutPrefix(s, "spotify:track:"); ok {
		if spotifyexport.ValidID(id) {
			return id
		}
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host != "open.spotify.com" {
		return ""
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) == 3 && strings.HasPrefix(parts[0], "intl-") {
		parts = parts[1:]
	}
	if len(parts) != 2 || parts[0] != "track" || !spotifyexport.ValidID(parts[1]) {
		return ""
	}
	return parts[1]
}

// isrc is an ISRC in its 12-character form (CC-XXX-YY-NNNNN written with
// or without hyphens, any case), "" for anything else.
func isrc(s string) string {
	s = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), "-", ""))
	if len(s) != 12 {
		return ""
	}
	for i := 0; i < 12; i++ {
		c := s[i]
		letter, digit := 'A' <= c && c <= 'Z', '0' <= c && c <= '9'
		switch {
		case i < 2 && !letter, i >= 2 && i < 5 && !letter && !digit, i >= 5 && !digit:
			return ""
		}
	}
	return s
}

// mbid is a MusicBrainz id (a UUID, 8-4-4-4-12 hex digits) in lower case,
// "" for anything else.
func mbid(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) != 36 {
		return ""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return ""
			}
		} else if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return ""
		}
	}
	return s
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
