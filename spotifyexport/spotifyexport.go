// Package spotifyexport reads Spotify's privacy exports: the "Account data"
// listening history (StreamingHistory_music_N.json, StreamingHistory_podcast_N.json)
// and the "Extended streaming history" (endsong_N.json, and since 2023
// Streaming_History_Audio_*.json and Streaming_History_Video_*.json), and
// Euterpe's own export of a history (history.json in "Download my data",
// see package export). Files are recognised by their content, not their
// names, and read as streams: a file of any length costs a few kilobytes
// of memory.
package spotifyexport

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// Kind is what a file holds.
type Kind int

// The kinds of files.
const (
	// Other is anything but a listening history (Userdata.json,
	// playlists, …): an import skips it.
	Other Kind = iota
	// AccountMusic is StreamingHistory_music_N.json (or the older
	// StreamingHistoryN.json): endTime to the minute, names, msPlayed.
	AccountMusic
	// AccountPodcast is StreamingHistory_podcast_N.json.
	AccountPodcast
	// Extended is the extended streaming history: ts to the second, track
	// URIs, episodes and audiobooks.
	Extended
	// Euterpe is Euterpe's own export: played_at to the microsecond, each
	// track with its album and every artist, Spotify's ids.
	Euterpe
)

func (k Kind) String() string {
	switch k {
	case AccountMusic:
		return "account data, music"
	case AccountPodcast:
		return "account data, podcasts"
	case Extended:
		return "extended streaming history"
	case Euterpe:
		return "Euterpe export"
	}
	return "not a listening history"
}

// What a row is about.
type RowKind int

// The row kinds.
const (
	Music RowKind = iota + 1
	Episode
	Audiobook
	// Unknown is a row that names nothing (a local file, or an item
	// Spotify no longer knows): counted, not stored.
	Unknown
)

// Row is one listen.
type Row struct {
	Kind RowKind
	// EndedAt is when playback stopped. AccountMusic and AccountPodcast
	// give it to the minute (Precise false): the row's minute, at :00.
	EndedAt  time.Time
	Precise  bool
	MSPlayed int

	TrackName, ArtistName, AlbumName string
	TrackID                          string // a Spotify id, "" when the row has no URI

	ShowName, EpisodeName, EpisodeID          string
	AudiobookTitle, ChapterTitle, AudiobookID string

	ReasonStart, ReasonEnd, Platform, Country string
	Shuffle, Skipped, Offline                 bool

	// Euterpe is what a row of Euterpe's own export says besides; nil for
	// Spotify's rows.
	Euterpe *EuterpeListen
}

// EuterpeListen is what Euterpe's own export keeps of a listen that
// Spotify's exports do not say.
type EuterpeListen struct {
	// Play: the listen was a play (a poll counts a short one), not a skip.
	Play bool
	// MSKnown is false when the time heard was not known (MSPlayed is 0).
	MSKnown    bool
	ContextURI string
	Source     string // where the play came from: poll, account_export, …
	Track      EuterpeTrack
}

// EuterpeTrack is a track as Euterpe's catalogue knew it. Ids are Spotify's,
// "" for an item known only by its name.
type EuterpeTrack struct {
	DurationMS       int // -1 when unknown
	Explicit         bool
	AlbumID          string
	AlbumType        string
	AlbumReleaseDate string // "1971", "1971-11" or "1971-11-08"; "" when unknown
	AlbumImageURL    string
	Artists          []EuterpeArtist // in credit order
	AlbumArtists     []EuterpeArtist
}

// EuterpeArtist is one credited artist.
type EuterpeArtist struct {
	ID, Name, ImageURL string
}

// Earliest is the earliest time a listen can have: Spotify opened in 2008;
// a little before that allows for clock errors in exports.
var Earliest = time.Date(2006, 1, 1, 0, 0, 0, 0, time.UTC)

// maxPlayed bounds ms_played: a single play of more than a day is not one.
const maxPlayed = 24 * 60 * 60 * 1000

// File reads the rows of one file.
type File struct {
	name  string
	kind  Kind
	r     *reader
	obj   object
	first bool // obj holds the first item, not yet returned
	now   time.Time
}

// Open reads the start of a file to learn its kind. A file that is not JSON,
// or not a list of the objects a history holds, is Other (with a nil error):
// an export has many such files. now bounds plausible dates.
func Open(name string, r io.Reader, now time.Time) (*File, error) {
	f := &File{name: name, r: newReader(r), now: now}
	if err := f.r.start(); err != nil {
		if isSyntax(err) {
			return f, nil // not JSON, or not a list
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	ok, err := f.r.object(&f.obj)
	switch {
	case err != nil && isSyntax(err):
		return f, nil // a list of something else
	case err != nil:
		return nil, fmt.Errorf("%s: %w", name, err)
	case !ok:
		return f, nil // an empty list: nothing to import
	}
	f.kind = detect(&f.obj)
	f.first = true
	return f, nil
}

func isSyntax(err error) bool {
	var se *SyntaxError
	return errors.As(err, &se)
}

// detect tells the kind from the fields of the first item.
func detect(o *object) Kind {
	has := func(keys ...string) bool {
		for _, k := range keys {
			if _, ok := o.get(k); !ok {
				return false
			}
		}
		return true
	}
	switch {
	case has("played_at", "kind", "ms_played"):
		return Euterpe
	case has("ts", "ms_played") && (has("master_metadata_track_name") || has("episode_name") || has("audiobook_title") || has("spotify_track_uri")):
		return Extended
	case has("endTime", "msPlayed", "artistName", "trackName"):
		return AccountMusic
	case has("endTime", "msPlayed", "podcastName", "episodeName"):
		return AccountPodcast
	}
	return Other
}

// Name is the file's name, for messages.
func (f *File) Name() string { return f.name }

// Kind is what the file holds.
func (f *File) Kind() Kind { return f.kind }

// Item is the 1-based index of the last row read.
func (f *File) Item() int { return f.r.item }

// Next returns the next row; io.EOF after the last. An error names the
// file, the item and the byte.
func (f *File) Next() (Row, error) {
	if f.kind == Other {
		return Row{}, io.EOF
	}
	if f.first {
		f.first = false
	} else {
		ok, err := f.r.object(&f.obj)
		if err != nil {
			return Row{}, fmt.Errorf("%s: %w", f.name, err)
		}
		if !ok {
			return Row{}, io.EOF
		}
	}
	row, err := f.row()
	if err != nil {
		return Row{}, fmt.Errorf("%s: %w", f.name, &SyntaxError{Item: f.r.item, Offset: f.r.offset, Msg: err.Error()})
	}
	return row, nil
}

func (f *File) row() (Row, error) {
	o := &f.obj
	var row Row
	var err error
	if f.kind != Euterpe {
		for _, v := range o.vals {
			if v.kind == 'l' {
				return row, errors.New("a field holds a nested list, which Spotify's history files never do")
			}
		}
	}
	switch f.kind {
	case Euterpe:
		return f.euterpeRow(o)
	case AccountMusic, AccountPodcast:
		if row.EndedAt, err = f.minute(o, "endTime"); err != nil {
			return row, err
		}
		if row.MSPlayed, err = msField(o, "msPlayed"); err != nil {
			return row, err
		}
		if f.kind == AccountMusic {
			row.Kind = Music
			row.TrackName, row.ArtistName = str(o, "trackName"), str(o, "artistName")
			if row.TrackName == "" || row.ArtistName == "" {
				row.Kind = Unknown
			}
		} else {
			row.Kind = Episode
			row.ShowName, row.EpisodeName = str(o, "podcastName"), str(o, "episodeName")
			if row.EpisodeName == "" {
				row.Kind = Unknown
			}
		}
	case Extended:
		row.Precise = true
		if row.EndedAt, err = f.instant(o, "ts"); err != nil {
			return row, err
		}
		if row.MSPlayed, err = msField(o, "ms_played"); err != nil {
			return row, err
		}
		row.TrackName = str(o, "master_metadata_track_name")
		row.ArtistName = str(o, "master_metadata_album_artist_name")
		row.AlbumName = str(o, "master_metadata_album_album_name")
		row.TrackID = idFromURI(str(o, "spotify_track_uri"), "track")
		row.EpisodeName, row.ShowName = str(o, "episode_name"), str(o, "episode_show_name")
		row.EpisodeID = idFromURI(str(o, "spotify_episode_uri"), "episode")
		row.AudiobookTitle, row.ChapterTitle = str(o, "audiobook_title"), str(o, "audiobook_chapter_title")
		row.AudiobookID = idFromURI(str(o, "audiobook_uri"), "audiobook")
		row.ReasonStart, row.ReasonEnd = str(o, "reason_start"), str(o, "reason_end")
		row.Platform, row.Country = str(o, "platform"), str(o, "conn_country")
		row.Shuffle, row.Skipped, row.Offline = boolean(o, "shuffle"), boolean(o, "skipped"), boolean(o, "offline")
		switch {
		case row.TrackName != "" && (row.ArtistName != "" || row.TrackID != ""):
			row.Kind = Music
		case row.EpisodeName != "" || row.EpisodeID != "":
			row.Kind = Episode
		case row.AudiobookTitle != "" || row.AudiobookID != "":
			row.Kind = Audiobook
		default:
			row.Kind = Unknown
		}
	}
	return row, nil
}

// str is a string field, "" when absent or null; other types are "".
func str(o *object, key string) string {
	v, ok := o.get(key)
	if !ok || v.kind != 's' {
		return ""
	}
	return strings.TrimSpace(v.str)
}

func boolean(o *object, key string) bool {
	v, ok := o.get(key)
	return ok && v.kind == 'b' && v.b
}

func msField(o *object, key string) (int, error) {
	v, ok := o.get(key)
	if !ok || v.kind != 'n' {
		return 0, fmt.Errorf("%s is missing or not a number", key)
	}
	f, err := strconv.ParseFloat(v.str, 64)
	if err != nil || f < 0 || f > maxPlayed || math.IsNaN(f) {
		return 0, fmt.Errorf("%s %s is not a plausible duration in milliseconds", key, v.str)
	}
	return int(f), nil
}

// minute reads the account data's "2023-01-05 14:32" (UTC).
func (f *File) minute(o *object, key string) (time.Time, error) {
	s := str(o, key)
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		return t, fmt.Errorf("%s %q is not a time written YYYY-MM-DD HH:MM", key, clip(s))
	}
	return t, f.plausible(key, t)
}

// instant reads the extended history's "2023-01-05T14:32:11Z".
func (f *File) instant(o *object, key string) (time.Time, error) {
	s := str(o, key)
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return t, fmt.Errorf("%s %q is not an RFC 3339 time", key, clip(s))
	}
	return t.UTC(), f.plausible(key, t)
}

func (f *File) plausible(key string, t time.Time) error {
	if t.Before(Earliest) || t.After(f.now.Add(48*time.Hour)) {
		return fmt.Errorf("%s %s is not a plausible date for a listen", key, t.Format(time.RFC3339))
	}
	return nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// idFromURI is the id of "spotify:track:ID", "" for anything else.
func idFromURI(uri, kind string) string {
	id, ok := strings.CutPrefix(uri, "spotify:"+kind+":")
	if !ok || !ValidID(id) {
		return ""
	}
	return id
}

// ValidID reports whether id has the shape of a Spotify id: 22 base62
// characters.
func ValidID(id string) bool {
	if len(id) != 22 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}

// euterpeRow reads a row of Euterpe's own export (see package export).
func (f *File) euterpeRow(o *object) (Row, error) {
	row := Row{Precise: true}
	var err error
	if row.EndedAt, err = f.instant(o, "played_at"); err != nil {
		return row, err
	}
	e := &EuterpeListen{MSKnown: true}
	if v, ok := o.get("ms_played"); ok && v.kind == '0' {
		e.MSKnown = false
	} else if row.MSPlayed, err = msField(o, "ms_played"); err != nil {
		return row, err
	}
	switch kind := str(o, "kind"); kind {
	case "play", "skip":
		if !e.MSKnown && kind == "skip" {
			return row, errors.New("a skip without ms_played")
		}
		row.Kind = Music
		e.Play = kind == "play"
		row.TrackName = raw(o, "track_name")
		row.TrackID = idFromURI(str(o, "track_uri"), "track")
		row.AlbumName = raw(o, "album_name")
		e.ContextURI, e.Source = raw(o, "context_uri"), str(o, "source")
		t := &e.Track
		t.DurationMS = -1
		if v, ok := o.get("track_duration_ms"); ok && v.kind == 'n' {
			if t.DurationMS, err = msField(o, "track_duration_ms"); err != nil {
				return row, err
			}
		}
		t.Explicit = boolean(o, "track_explicit")
		t.AlbumID = idFromURI(str(o, "album_uri"), "album")
		t.AlbumType, t.AlbumImageURL = raw(o, "album_type"), raw(o, "album_image_url")
		if t.AlbumReleaseDate = str(o, "album_release_date"); t.AlbumReleaseDate != "" && !releaseDate(t.AlbumReleaseDate) {
			return row, fmt.Errorf("album_release_date %q is not YYYY, YYYY-MM or YYYY-MM-DD", clip(t.AlbumReleaseDate))
		}
		if t.Artists, err = artists(o, "artist_uris", "artist_names", "artist_image_urls"); err != nil {
			return row, err
		}
		if t.AlbumArtists, err = artists(o, "album_artist_uris", "album_artist_names", ""); err != nil {
			return row, err
		}
		if len(t.Artists) > 0 {
			row.ArtistName = t.Artists[0].Name
		}
		if row.TrackName == "" && row.TrackID == "" {
			row.Kind = Unknown
		}
	case "episode":
		row.Kind = Episode
		row.ShowName, row.EpisodeName = raw(o, "show"), raw(o, "title")
		row.EpisodeID = idFromURI(str(o, "uri"), "episode")
		if row.EpisodeName == "" && row.EpisodeID == "" {
			row.Kind = Unknown
		}
	case "chapter":
		row.Kind = Audiobook
		row.AudiobookTitle, row.ChapterTitle = raw(o, "show"), raw(o, "title")
		row.AudiobookID = idFromURI(str(o, "uri"), "audiobook")
		if row.AudiobookTitle == "" && row.AudiobookID == "" {
			row.Kind = Unknown
		}
	default:
		return row, fmt.Errorf("kind %q is not one of play, skip, episode, chapter", clip(kind))
	}
	if row.Kind == Episode || row.Kind == Audiobook {
		if !e.MSKnown {
			return row, errors.New("an episode or chapter without ms_played")
		}
		return row, nil
	}
	row.Euterpe = e
	return row, nil
}

// raw is a string field as it is (Euterpe's export keeps names exactly,
// spaces included), "" when absent or not a string.
func raw(o *object, key string) string {
	v, ok := o.get(key)
	if !ok || v.kind != 's' {
		return ""
	}
	return v.str
}

// artists reads parallel lists of URIs, names and (when imagesKey is set)
// pictures into credited artists; an artist with neither id nor name is
// left out.
func artists(o *object, urisKey, namesKey, imagesKey string) ([]EuterpeArtist, error) {
	list := func(key string) ([]string, error) {
		v, ok := o.get(key)
		switch {
		case !ok || v.kind == '0':
			return nil, nil
		case v.kind != 'l':
			return nil, fmt.Errorf("%s is not a list", key)
		}
		return v.list, nil
	}
	uris, err := list(urisKey)
	if err != nil {
		return nil, err
	}
	names, err := list(namesKey)
	if err != nil {
		return nil, err
	}
	var images []string
	if imagesKey != "" {
		if images, err = list(imagesKey); err != nil {
			return nil, err
		}
	}
	if len(uris) != len(names) || (images != nil && len(images) != len(names)) {
		return nil, fmt.Errorf("%s and %s differ in length", urisKey, namesKey)
	}
	var out []EuterpeArtist
	for i, n := range names {
		a := EuterpeArtist{ID: idFromURI(uris[i], "artist"), Name: n}
		if images != nil {
			a.ImageURL = images[i]
		}
		if a.Name != "" || a.ID != "" {
			out = append(out, a)
		}
	}
	return out, nil
}

// releaseDate reports whether s is a release date as Spotify writes one.
func releaseDate(s string) bool {
	for _, layout := range []string{"2006", "2006-01", "2006-01-02"} {
		if len(s) == len(layout) {
			if _, err := time.Parse(layout, s); err == nil {
				return true
			}
		}
	}
	return false
}
