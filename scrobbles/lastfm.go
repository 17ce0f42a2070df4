package scrobbles

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"time"
)

// Last.fm has no export of its own; these are the files of the exporters
// its users are pointed to (Maloja's and ListenBrainz's importers read the
// same three).
//
// lastfm-to-csv (benfoxall/lastfm-to-csv, index.html and
// js/lastfm-export.js) reads user.getrecenttracks as XML and writes, with
// no header, a row a track of row(['artist', 'album', 'name', 'date']),
// each value with every '"' and ',' removed (its csv function: "not a world
// class csv generator"), so nothing is quoted. The date is the XML's text,
// Last.fm's UTC to the minute, "22 May 2014, 20:11", which the comma
// stripping makes "22 May 2014 20:11" (older API responses write the day
// unpadded: "9 Jun 2008, 17:16"). The track playing while it ran has no date
// element, so its row ends in an empty date. Maloja reads these rows as
// artist,album,title,time with "%d %b %Y %H:%M" in UTC. A header row is
// not written by the tool, but one added by hand (or by a spreadsheet) is
// taken: artist,album,track (or name, title),date (or time).
//
// lastfm.ghan.nl writes CSV with a header,
// uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid (every
// value quoted: "1700000000","14 Nov 2023, 22:13",…), and JSON as a list of
// the API's pages, each {"track": [...], "@attr": {...}}, where a track is
//
//	{"artist": {"mbid": …, "#text": "Radiohead"}, "name": "Karma Police", "mbid": …,
//	 "album": {"mbid": …, "#text": "OK Computer"}, "url": …, "image": [...],
//	 "date": {"uts": "1718150100", "#text": "11 Jun 2024, 20:35"}}
//
// and the track playing now has "@attr": {"nowplaying": "true"} and no
// date. With extended=1 the artist is {"name": …} instead; both are read.
// Last.fm's track mbid is a MusicBrainz recording id.

// columns are where a CSV's values are, -1 for none.
type columns struct {
	n                               int
	uts, date, artist, album, track int
	trackMBID                       int
}

// lastfmToCSV is lastfm-to-csv's layout.
var lastfmToCSV = columns{n: 4, uts: -1, date: 3, artist: 0, album: 1, track: 2, trackMBID: -1}

// header reads a CSV header: lastfm.ghan.nl's, or lastfm-to-csv's columns
// named.
func header(rec []string) (columns, Kind, bool) {
	c := columns{n: len(rec), uts: -1, date: -1, artist: -1, album: -1, track: -1, trackMBID: -1}
	for i, h := range rec {
		switch strings.ToLower(strings.TrimSpace(h)) {
		case "uts":
			c.uts = i
		case "date", "time":
			c.date = i
		case "artist":
			c.artist = i
		case "album":
			c.album = i
		case "track", "name", "title":
			c.track = i
		case "track_mbid":
			c.trackMBID = i
		}
	}
	switch {
	case c.uts >= 0 && c.artist >= 0 && c.track >= 0:
		return c, LastfmGhanCSV, true
	case len(rec) == 4 && c.artist == 0 && c.album == 1 && c.track == 2 && c.date == 3:
		return c, LastfmCSV, true
	}
	return columns{}, Other, false
}

// lastfmDate reads lastfm-to-csv's "22 May 2014 20:11" (UTC), and the
// same with Last.fm's comma kept.
func lastfmDate(s string) (time.Time, bool) {
	for _, layout := range []string{"2 Jan 2006 15:04", "2 Jan 2006, 15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// csvProbe is how many rows of a headerless file are looked at.
const csvProbe = 20

// detectCSV: a header of one of the exporters, or rows that are
// lastfm-to-csv's: four values, the last a Last.fm date (or empty, for the
// track playing), at least one of the first rows dated. The rows are looked
// at up to the first that is not such a row: a file that starts as
// lastfm-to-csv's and then goes wrong is one, with an error at that row.
func detectCSV(b []byte) Kind {
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 && len(b) == maxRow {
		b = b[:i+1] // the head is cut: leave out its last, partial line
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	for n := 0; n < csvProbe; n++ {
		rec, err := r.Read()
		if err != nil {
			return Other
		}
		if n == 0 {
			if _, kind, ok := header(rec); ok {
				return kind
			}
		}
		if len(rec) != 4 {
			return Other
		}
		if rec[3] == "" {
			continue // the track playing
		}
		if _, ok := lastfmDate(rec[3]); ok {
			return LastfmCSV
		}
		return Other
	}
	return Other
}

// startCSV sets the CSV reader up, past the header if the file has one.
func (f *File) startCSV(head []byte) {
	f.win = &window{r: f.br}
	f.csv = csv.NewReader(f.win)
	f.csv.ReuseRecord = true
	f.cols = lastfmToCSV
	first, _ := csv.NewReader(bytes.NewReader(head)).Read()
	if c, _, ok := header(first); ok {
		f.cols = c
		if _, err := f.readCSV(); err != nil {
			f.err = err
		}
	}
	f.csv.FieldsPerRecord = f.cols.n
}

// readCSV reads one record, bounded like a JSONL line: csv.Reader would
// otherwise read a line (or a quoted value of many lines) whole.
func (f *File) readCSV() ([]string, error) {
	// 4 kB: the read-ahead of csv.Reader's own buffer.
	f.win.limit = f.csv.InputOffset() + maxRow + 4096
	rec, err := f.csv.Read()
	var pe *csv.ParseError
	switch {
	case err == nil:
		// FieldPos is only for a record read (it panics after an error).
		f.line, _ = f.csv.FieldPos(0)
	case err == io.EOF:
		return nil, io.EOF
	case errors.Is(err, errTooLong):
		f.line++
		return nil, f.fail("a row is longer than %d kB", maxRow>>10)
	case errors.As(err, &pe):
		f.line = pe.StartLine
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return nil, f.fail("%d values, where the file's rows have %d", len(rec), f.cols.n)
		}
		return nil, f.fail("not valid CSV: %v", pe.Err)
	case err != nil:
		return nil, err
	}
	return rec, nil
}

func (f *File) nextCSV() (Listen, error) {
	for {
		rec, err := f.readCSV()
		if err != nil {
			return Listen{}, err
		}
		c := f.cols
		at := func(i int) string {
			if i < 0 {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		l := Listen{DurationMS: -1, PlayedMS: -1, Artist: at(c.artist), Album: at(c.album), Track: at(c.track),
			RecordingMBID: mbid(at(c.trackMBID))}
		switch {
		case c.uts >= 0:
			if at(c.uts) == "" {
				continue // the track playing: not a listen
			}
			if l.StartedAt, err = f.unix("uts", numOf(at(c.uts))); err != nil {
				return Listen{}, err
			}
			l.Precise = true
		default:
			d := at(c.date)
			if d == "" {
				continue // the track playing: not a listen
			}
			t, ok := lastfmDate(d)
			if !ok {
				return Listen{}, f.fail("the date %q is not Last.fm's (such as 31 Jan 2021 21:34)", clip(d))
			}
			if err := f.plausible("the date", t); err != nil {
				return Listen{}, err
			}
			l.StartedAt = t
		}
		return l, f.check(&l)
	}
}

// ghanTrack is one track of a page of user.getRecentTracks.
type ghanTrack struct {
	Name   text    `json:"name"`
	MBID   text    `json:"mbid"`
	Artist lfmText `json:"artist"`
	Album  lfmText `json:"album"`
	Date   *struct {
		UTS num `json:"uts"`
	} `json:"date"`
	Attr struct {
		NowPlaying text `json:"nowplaying"`
	} `json:"@attr"`
}

// lfmText is Last.fm's {"#text": …} (or with extended=1 {"name": …}); a
// plain string is taken too.
type lfmText struct{ text }

func (t *lfmText) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '{' {
		var o struct {
			Text text `json:"#text"`
			Name text `json:"name"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		t.text = o.Text
		if t.text == "" {
			t.text = o.Name
		}
		return nil
	}
	return t.text.UnmarshalJSON(b)
}

// ghan is a track as a listen; false for the track playing.
func (f *File) ghan(t *ghanTrack) (Listen, bool, error) {
	if t.Date == nil {
		if t.Attr.NowPlaying.String() == "true" {
			return Listen{}, false, nil
		}
		return Listen{}, false, f.fail("a track has no date and is not the one playing")
	}
	l := Listen{Precise: true, DurationMS: -1, PlayedMS: -1,
		Track: t.Name.String(), Artist: t.Artist.String(), Album: t.Album.String(), RecordingMBID: mbid(t.MBID.String())}
	var err error
	if l.StartedAt, err = f.unix("date.uts", t.Date.UTS); err != nil {
		return l, false, err
	}
	return l, true, f.check(&l)
}
