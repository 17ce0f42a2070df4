package scrobbles

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
)

// The JSON files are read with encoding/json's Decoder, one listen at a
// time, through a window that lets the decoder read at most maxRow bytes
// past where it stands: the Decoder holds a whole value before decoding it,
// and without the window a single hostile value would be read whole.

var errTooLong = errors.New("scrobbles: a row is longer than allowed")

// window stops reading past limit (a count of the bytes it has handed
// out); the reader sets the limit before each step.
type window struct {
	r     io.Reader
	read  int64
	limit int64
}

func (w *window) Read(p []byte) (int, error) {
	if w.read >= w.limit {
		return 0, errTooLong
	}
	if room := w.limit - w.read; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := w.r.Read(p)
	w.read += int64(n)
	return n, err
}

// bound lets the decoder read one more row.
func (f *File) bound() { f.win.limit = f.dec.InputOffset() + maxRow }

// jsonErr says what went wrong at the current item; a read error is
// returned as it is.
func (f *File) jsonErr(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, errTooLong):
		return f.fail("an item is longer than %d kB", maxRow>>10)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return f.fail("the file ends too early")
	case errors.As(err, &se):
		return f.fail("not valid JSON: %v", se)
	case errors.As(err, &te):
		if te.Field != "" {
			return f.fail("%s is a JSON %s, which a file of this kind (%v) never has there", te.Field, te.Value, f.kind)
		}
		return f.fail("an item is a JSON %s, not an object", te.Value)
	}
	return err
}

// token reads the next token, which must be want when want is not 0.
func (f *File) token(want json.Delim, what string) (json.Token, error) {
	f.bound()
	tok, err := f.dec.Token()
	if err != nil {
		return nil, f.jsonErr(err)
	}
	if want != 0 && tok != want {
		return nil, f.fail("%s", what)
	}
	return tok, nil
}

// decode reads the next value into v.
func (f *File) decode(v any) error {
	f.bound()
	if err := f.dec.Decode(v); err != nil {
		return f.jsonErr(err)
	}
	return nil
}

// seek reads the keys of the object the decoder is in, skipping their
// values, up to key (true) or the object's end (false).
func (f *File) seek(key string) (bool, error) {
	for {
		tok, err := f.token(0, "")
		if err != nil {
			return false, err
		}
		if tok == json.Delim('}') {
			return false, nil
		}
		if tok == key {
			return true, nil
		}
		var skip json.RawMessage
		if err := f.decode(&skip); err != nil {
			return false, err
		}
	}
}

// more reports whether the list the decoder is in has another item, and
// reads its closing bracket when it has not.
func (f *File) more() (bool, error) {
	f.bound()
	if f.dec.More() {
		return true, nil
	}
	_, err := f.token(json.Delim(']'), "expected the end of a list")
	return false, err
}

// finish checks that nothing follows the file's value.
func (f *File) finish() error {
	f.bound()
	_, err := f.dec.Token()
	switch {
	case err == io.EOF:
		return io.EOF
	case err == nil:
		return f.fail("something follows the end of the file's JSON")
	}
	return f.jsonErr(err)
}

// enter reads up to the first listen of a JSON file.
func (f *File) enter() error {
	switch f.kind {
	case ListenBrainzJSON, LastfmGhanJSON:
		_, err := f.token(json.Delim('['), "not a JSON list")
		f.depth = 1
		return err
	case Maloja:
		if _, err := f.token(json.Delim('{'), "not a JSON object"); err != nil {
			return err
		}
		found, err := f.seek("scrobbles")
		if err != nil {
			return err
		}
		if !found {
			return f.fail("no scrobbles")
		}
		_, err = f.token(json.Delim('['), "scrobbles is not a list")
		f.depth = 2
		return err
	}
	return nil
}

// nextJSON reads the next listen of a JSON file.
func (f *File) nextJSON() (Listen, error) {
	for {
		if f.depth == 0 {
			return Listen{}, f.finish()
		}
		more, err := f.more()
		if err != nil {
			return Listen{}, err
		}
		switch {
		case !more && f.kind == LastfmGhanJSON && f.depth == 2:
			// The end of a page's tracks: the rest of the page.
			if _, err := f.seek(""); err != nil {
				return Listen{}, err
			}
			f.depth = 1
			continue
		case !more && f.kind == Maloja:
			// The end of the scrobbles: the rest of the export.
			if _, err := f.seek(""); err != nil {
				return Listen{}, err
			}
			f.depth = 0
			continue
		case !more:
			f.depth = 0
			continue
		case f.kind == LastfmGhanJSON && f.depth == 1:
			// A page: {"track": [...], "@attr": {...}}.
			if _, err := f.token(json.Delim('{'), "a page is not an object"); err != nil {
				return Listen{}, err
			}
			found, err := f.seek("track")
			if err != nil {
				return Listen{}, err
			}
			if found {
				if _, err := f.token(json.Delim('['), "a page's track is not a list"); err != nil {
					return Listen{}, err
				}
				f.depth = 2
			}
			continue
		}
		f.item++
		switch f.kind {
		case ListenBrainzJSON:
			var li lbListen
			if err := f.decode(&li); err != nil {
				return Listen{}, err
			}
			return f.listenBrainz(&li)
		case Maloja:
			var s malojaScrobble
			if err := f.decode(&s); err != nil {
				return Listen{}, err
			}
			return f.maloja(&s)
		default:
			var t ghanTrack
			if err := f.decode(&t); err != nil {
				return Listen{}, err
			}
			l, ok, err := f.ghan(&t)
			if err != nil || ok {
				return l, err
			}
			// A now-playing track: not a listen.
		}
	}
}

// Values read leniently: a listen's optional fields are whatever its
// scrobbler sent, so a field of an unexpected type is taken as absent
// rather than failing the file; a required one (a listen's time) is
// checked where it is used.

// text is a JSON string; any other value (a number, a list, null) is "".
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = text(s)
	}
	return nil
}

func (t text) String() string { return strings.TrimSpace(string(t)) }

// num is a JSON number, or a string holding one (Last.fm writes its
// timestamps as strings); ok is false for anything else.
type num struct {
	v   float64
	raw string
	ok  bool
}

func (n *num) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	*n = numOf(s)
	return nil
}

// numOf reads a number written as text.
func numOf(s string) num {
	s = strings.TrimSpace(s)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return num{raw: s}
	}
	return num{v: v, raw: s, ok: true}
}

// names is a list of names (a single string is a list of one); items
// that are not strings, and empty ones, are left out.
type names []string

func (n *names) UnmarshalJSON(b []byte) error {
	var list []text
	switch {
	case len(b) > 0 && b[0] == '[':
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
	case len(b) > 0 && b[0] == '"':
		list = make([]text, 1)
		if err := json.Unmarshal(b, &list[0]); err != nil {
			return err
		}
	}
	*n = nil
	for _, t := range list {
		if s := t.String(); s != "" {
			*n = append(*n, s)
		}
	}
	return nil
}

// detect tells a file's kind from its start (at most maxRow bytes).
func detect(head []byte) Kind {
	b := bytes.TrimLeft(head, " \t\r\n")
	if len(b) == 0 {
		return Other
	}
	switch b[0] {
	case '[':
		return detectList(b)
	case '{':
		return detectObject(b)
	}
	return detectCSV(b)
}

// probe reads the start of a JSON file (which may be cut short) by tokens.
type probe struct{ dec *json.Decoder }

func (p probe) delim(d json.Delim) bool {
	tok, err := p.dec.Token()
	return err == nil && tok == d
}

// keys reads the keys of the object just entered, skipping their values,
// up to stop (true) or the object's end; complete is whether the object
// ended.
func (p probe) keys(stop string) (keys map[string]bool, stopped, complete bool) {
	keys = map[string]bool{}
	for {
		tok, err := p.dec.Token()
		if err != nil {
			return keys, false, false
		}
		if tok == json.Delim('}') {
			return keys, false, true
		}
		k, _ := tok.(string)
		if k == stop && stop != "" {
			return keys, true, false
		}
		keys[k] = true
		var skip json.RawMessage
		if p.dec.Decode(&skip) != nil {
			return keys, false, false
		}
	}
}

func isListen(keys map[string]bool) bool { return keys["listened_at"] && keys["track_metadata"] }

// detectList: a list of ListenBrainz listens, or of Last.fm's pages of
// tracks. Spotify's own lists (endTime, ts, played_at) are neither.
func detectList(b []byte) Kind {
	p := probe{json.NewDecoder(bytes.NewReader(b))}
	if !p.delim('[') || !p.delim('{') {
		return Other
	}
	keys, page, _ := p.keys("track")
	switch {
	case isListen(keys):
		return ListenBrainzJSON
	case page && p.delim('[') && p.delim('{'):
		if t, _, _ := p.keys(""); t["name"] && t["artist"] {
			return LastfmGhanJSON
		}
	}
	return Other
}

// detectObject: Maloja's export, or a ListenBrainz JSONL file (whose first
// line is a whole listen).
func detectObject(b []byte) Kind {
	p := probe{json.NewDecoder(bytes.NewReader(b))}
	if !p.delim('{') {
		return Other
	}
	keys, scrobbles, complete := p.keys("scrobbles")
	switch {
	case scrobbles:
		if p.delim('[') && p.delim('{') {
			if s, _, _ := p.keys(""); s["time"] && s["track"] {
				return Maloja
			}
		}
	case complete && isListen(keys):
		if nl := bytes.IndexByte(b, '\n'); nl < 0 || p.dec.InputOffset() <= int64(nl) {
			return ListenBrainz
		}
	}
	return Other
}
