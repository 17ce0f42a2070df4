package spotifyexport

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// The history files of Spotify's exports are JSON arrays of flat objects
// (strings, numbers, booleans and nulls); Euterpe's own export adds lists of
// strings (a track's artists). reader reads exactly that shape as a stream,
// one object at a time, with every value bounded in size: memory stays flat
// whatever the file's length, and a malformed file is reported with the
// item and byte where it went wrong.

// maxValue bounds one string or number: the longest real value (a podcast
// episode's title) is a few hundred bytes.
const maxValue = 4096

// maxKeys bounds the fields of one object.
const maxKeys = 64

// maxList bounds the strings of one list (a track's credited artists).
const maxList = 128

// value is one field's value.
type value struct {
	kind byte // 's' string, 'n' number, 'b' boolean, '0' null, 'l' list of strings
	str  string
	b    bool
	list []string // null items are ""
}

// object is one item: its fields in the order read.
type object struct {
	keys []string
	vals []value
}

func (o *object) reset() { o.keys, o.vals = o.keys[:0], o.vals[:0] }

func (o *object) get(key string) (value, bool) {
	for i, k := range o.keys {
		if k == key {
			return o.vals[i], true
		}
	}
	return value{}, false
}

// SyntaxError says where a file stops being what Spotify writes.
type SyntaxError struct {
	Item   int   // 1-based index of the item being read (0: before the first)
	Offset int64 // byte offset in the file
	Msg    string
}

func (e *SyntaxError) Error() string {
	if e.Item > 0 {
		return fmt.Sprintf("item %d (byte %d): %s", e.Item, e.Offset, e.Msg)
	}
	return fmt.Sprintf("byte %d: %s", e.Offset, e.Msg)
}

type reader struct {
	r      *bufio.Reader
	offset int64
	item   int
	done   bool
	buf    []byte
	names  map[string]string // field names read so far, see key
}

func newReader(r io.Reader) *reader {
	return &reader{r: bufio.NewReaderSize(r, 64<<10)}
}

func (p *reader) fail(format string, args ...any) error {
	return &SyntaxError{Item: p.item, Offset: p.offset, Msg: fmt.Sprintf(format, args...)}
}

func (p *reader) readByte() (byte, error) {
	c, err := p.r.ReadByte()
	if err == nil {
		p.offset++
	}
	return c, err
}

// next skips white space and returns the next byte.
func (p *reader) next() (byte, error) {
	for {
		c, err := p.readByte()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return 0, p.fail("the file ends too early")
			}
			return 0, err
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return c, nil
	}
}

// start reads the opening bracket of the array.
func (p *reader) start() error {
	// A UTF-8 byte order mark is tolerated.
	if b, err := p.r.Peek(3); err == nil && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		_, _ = p.r.Discard(3)
		p.offset += 3
	}
	c, err := p.next()
	if err != nil {
		return err
	}
	if c != '[' {
		return p.fail("not a JSON list (it starts with %q)", c)
	}
	return nil
}

// object reads the next item into o; false at the end of the array.
func (p *reader) object(o *object) (bool, error) {
	if p.done {
		return false, nil
	}
	c, err := p.next()
	if err != nil {
		return false, err
	}
	if p.item > 0 {
		if c == ']' {
			p.done = true
			return false, p.end()
		}
		if c != ',' {
			return false, p.fail("expected , or ] after an item, found %q", c)
		}
		if c, err = p.next(); err != nil {
			return false, err
		}
	} else if c == ']' {
		p.done = true
		return false, p.end()
	}
	p.item++
	if c != '{' {
		return false, p.fail("an item is not an object")
	}
	o.reset()
	for first := true; ; first = false {
		c, err := p.next()
		if err != nil {
			return false, err
		}
		if c == '}' && first {
			return true, nil
		}
		if !first {
			if c == '}' {
				return true, nil
			}
			if c != ',' {
				return false, p.fail("expected , or } in an item, found %q", c)
			}
			if c, err = p.next(); err != nil {
				return false, err
			}
		}
		if c != '"' {
			return false, p.fail("expected a field name")
		}
		key, err := p.key()
		if err != nil {
			return false, err
		}
		if c, err = p.next(); err != nil {
			return false, err
		}
		if c != ':' {
			return false, p.fail("expected : after a field name")
		}
		v, err := p.value()
		if err != nil {
			return false, err
		}
		if len(o.keys) == maxKeys {
			return false, p.fail("an item has more than %d fields", maxKeys)
		}
		o.keys = append(o.keys, key)
		o.vals = append(o.vals, v)
	}
}

// end checks that nothing but white space follows the array.
func (p *reader) end() error {
	for {
		c, err := p.readByte()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return p.fail("something follows the end of the list")
	}
}

func (p *reader) value() (value, error) {
	c, err := p.next()
	if err != nil {
		return value{}, err
	}
	switch {
	case c == '"':
		s, err := p.str()
		return value{kind: 's', str: s}, err
	case c == '-' || (c >= '0' && c <= '9'):
		s, err := p.number(c)
		return value{kind: 'n', str: s}, err
	case c == 't':
		return value{kind: 'b', b: true}, p.literal("rue")
	case c == 'f':
		return value{kind: 'b'}, p.literal("alse")
	case c == 'n':
		return value{kind: '0'}, p.literal("ull")
	case c == '[':
		l, err := p.strings()
		return value{kind: 'l', list: l}, err
	case c == '{':
		return value{}, p.fail("a field holds a nested object, which no history file does")
	}
	return value{}, p.fail("unexpected %q", c)
}

// strings reads a list of strings (or nulls) after its opening bracket.
func (p *reader) strings() ([]string, error) {
	out := []string{}
	for {
		c, err := p.next()
		if err != nil {
			return nil, err
		}
		if c == ']' && len(out) == 0 {
			return out, nil
		}
		if len(out) > 0 {
			if c == ']' {
				return out, nil
			}
			if c != ',' {
				return nil, p.fail("expected , or ] in a list, found %q", c)
			}
			if c, err = p.next(); err != nil {
				return nil, err
			}
		}
		if len(out) == maxList {
			return nil, p.fail("a list has more than %d items", maxList)
		}
		switch c {
		case '"':
			s, err := p.str()
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		case 'n':
			if err := p.literal("ull"); err != nil {
				return nil, err
			}
			out = append(out, "")
		default:
			return nil, p.fail("a list holds something other than strings, which no history file does")
		}
	}
}

func (p *reader) literal(rest string) error {
	for i := 0; i < len(rest); i++ {
		c, err := p.readByte()
		if err != nil || c != rest[i] {
			return p.fail("not a JSON value")
		}
	}
	return nil
}

func (p *reader) number(first byte) (string, error) {
	p.buf = append(p.buf[:0], first)
	for {
		b, err := p.r.Peek(1)
		if err != nil || !(b[0] == '-' || b[0] == '+' || b[0] == '.' || b[0] == 'e' || b[0] == 'E' || (b[0] >= '0' && b[0] <= '9')) {
			break
		}
		c, _ := p.readByte()
		if len(p.buf) == 64 {
			return "", p.fail("a number is too long")
		}
		p.buf = append(p.buf, c)
	}
	if _, err := strconv.ParseFloat(string(p.buf), 64); err != nil {
		return "", p.fail("%q is not a number", p.buf)
	}
	return string(p.buf), nil
}

// str reads a string after its opening quote.
func (p *reader) str() (string, error) {
	if err := p.scan(); err != nil {
		return "", err
	}
	return string(p.buf), nil
}

// maxInterned bounds the field names key keeps: Spotify's files use a few
// dozen.
const maxInterned = 256

// key reads a field name after its opening quote. The names repeat in
// every item, so each is allocated once.
func (p *reader) key() (string, error) {
	if err := p.scan(); err != nil {
		return "", err
	}
	if k, ok := p.names[string(p.buf)]; ok {
		return k, nil
	}
	k := string(p.buf)
	if len(p.names) < maxInterned {
		if p.names == nil {
			p.names = make(map[string]string)
		}
		p.names[k] = k
	}
	return k, nil
}

// scan reads a string after its opening quote into p.buf. Runs of plain
// bytes are taken from the buffered input at once; escapes, the closing
// quote and anything wrong go byte by byte, so errors say the same byte.
func (p *reader) scan() error {
	p.buf = p.buf[:0]
	for {
		if b, _ := p.r.Peek(p.r.Buffered()); len(b) > 0 {
			room := maxValue + 1 - len(p.buf)
			i := 0
			for i < len(b) && i < room {
				if c := b[i]; c == '"' || c == '\\' || c < 0x20 {
					break
				}
				i++
			}
			if i > 0 {
				p.buf = append(p.buf, b[:i]...)
				_, _ = p.r.Discard(i)
				p.offset += int64(i)
				if len(p.buf) > maxValue {
					return p.fail("a value is longer than %d bytes", maxValue)
				}
			}
		}
		c, err := p.readByte()
		if err != nil {
			return p.fail("a string is not closed")
		}
		switch {
		case c == '"':
			if !utf8.Valid(p.buf) {
				return p.fail("a string is not valid UTF-8")
			}
			return nil
		case c == '\\':
			if err := p.escape(); err != nil {
				return err
			}
		case c < 0x20:
			return p.fail("a string holds a control character")
		default:
			p.buf = append(p.buf, c)
		}
		if len(p.buf) > maxValue {
			return p.fail("a value is longer than %d bytes", maxValue)
		}
	}
}

func (p *reader) escape() error {
	c, err := p.readByte()
	if err != nil {
		return p.fail("a string is not closed")
	}
	switch c {
	case '"', '\\', '/':
		p.buf = append(p.buf, c)
	case 'b':
		p.buf = append(p.buf, '\b')
	case 'f':
		p.buf = append(p.buf, '\f')
	case 'n':
		p.buf = append(p.buf, '\n')
	case 'r':
		p.buf = append(p.buf, '\r')
	case 't':
		p.buf = append(p.buf, '\t')
	case 'u':
		r, err := p.hex4()
		if err != nil {
			return err
		}
		if utf16.IsSurrogate(r) {
			// A surrogate pair: \uD83C\uDFB5.
			if a, _ := p.readByte(); a != '\\' {
				return p.fail("a lone UTF-16 surrogate")
			}
			if b, _ := p.readByte(); b != 'u' {
				return p.fail("a lone UTF-16 surrogate")
			}
			r2, err := p.hex4()
			if err != nil {
				return err
			}
			if r = utf16.DecodeRune(r, r2); r == utf8.RuneError {
				return p.fail("an invalid UTF-16 surrogate pair")
			}
		}
		p.buf = utf8.AppendRune(p.buf, r)
	default:
		return p.fail("an unknown escape \\%c", c)
	}
	return nil
}

func (p *reader) hex4() (rune, error) {
	var r rune
	for range 4 {
		c, err := p.readByte()
		if err != nil {
			return 0, p.fail("a string is not closed")
		}
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, p.fail("a bad \\u escape")
		}
		r = r<<4 | rune(d)
	}
	return r, nil
}
