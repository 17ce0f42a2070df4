package spotifyexport

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// Limits bound what an upload may expand to, against zip bombs.
type Limits struct {
	// MaxTotal is the most uncompressed bytes read from all of an
	// archive's entries together.
	MaxTotal int64
	// MaxRatio is the most an entry may expand: uncompressed bytes per
	// compressed byte. JSON compresses about 10:1; a bomb, thousands.
	MaxRatio int64
	// MaxEntries is the most files an archive may hold.
	MaxEntries int
	// MaxDirectory is the most bytes the archive's central directory (its
	// list of files) may take. archive/zip holds every record it lists in
	// memory, about five times its size for the smallest records.
	MaxDirectory int64
}

// DefaultLimits fit the largest real exports (a decade of extended history
// is a few hundred megabytes of JSON in about 20 files, listed in a few
// kilobytes) with room to spare.
var DefaultLimits = Limits{MaxTotal: 2 << 30, MaxRatio: 100, MaxEntries: 10000, MaxDirectory: 4 << 20}

// ErrUnsafe is an archive Euterpe will not open.
var ErrUnsafe = errors.New("spotifyexport: unsafe archive")

// ErrNotExport is an upload that is neither a zip nor JSON.
var ErrNotExport = errors.New("spotifyexport: neither a zip archive nor a JSON file")

// IsZip reports whether b, the start of an upload, is a zip archive.
func IsZip(b []byte) bool {
	return bytes.HasPrefix(b, []byte("PK\x03\x04")) || bytes.HasPrefix(b, []byte("PK\x05\x06"))
}

// LooksLikeJSON reports whether b, the start of an upload, can be JSON.
func LooksLikeJSON(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && (b[0] == '[' || b[0] == '{')
}

// Entry is one file of an archive.
type Entry struct {
	Name string
	f    *zip.File
	lim  *budget
}

// Size is the entry's uncompressed size, as the archive declares it.
func (e Entry) Size() int64 { return int64(e.f.UncompressedSize64) }

// Open reads the entry, decompressed, within the archive's limits.
func (e Entry) Open() (io.ReadCloser, error) {
	rc, err := e.f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e.Name, err)
	}
	// Small entries may compress better than any ratio; a megabyte is
	// harmless whatever it was compressed from.
	maxSize := max(int64(e.f.CompressedSize64)*e.lim.ratio, 1<<20)
	return &limited{rc: rc, name: e.Name, left: maxSize, total: e.lim}, nil
}

// budget is what is left of an archive's uncompressed total.
type budget struct {
	left  int64
	ratio int64
}

// limited stops an entry that expands past its ratio or the archive's total.
type limited struct {
	rc    io.ReadCloser
	name  string
	left  int64
	total *budget
}

func (l *limited) Read(p []byte) (int, error) {
	n, err := l.rc.Read(p)
	l.left -= int64(n)
	l.total.left -= int64(n)
	if l.left < 0 {
		return n, fmt.Errorf("%w: %s expands more than %d times: refused as a zip bomb", ErrUnsafe, l.name, l.total.ratio)
	}
	if l.total.left < 0 {
		return n, fmt.Errorf("%w: the archive expands to more than the allowed total: refused as a zip bomb", ErrUnsafe)
	}
	return n, err
}

func (l *limited) Close() error { return l.rc.Close() }

// ReadZip lists an archive's files (directories left out), refusing entry
// names that climb out (../) or are absolute, and archives with too many
// entries, too long a list of them or a declared size past the limits.
//
// zip.NewReader reads the whole central directory before anyone can count
// it (a small upload can list millions of empty files), so the end record's
// counts are checked first, and zip.NewReader reads through a budget of the
// directory's size: a directory longer than its end record says stops there.
func ReadZip(ra io.ReaderAt, size int64, lim Limits) ([]Entry, error) {
	end, ok := readDirectoryEnd(ra, size)
	if !ok {
		return nil, fmt.Errorf("spotifyexport: not a readable zip archive (truncated or damaged): %w", zip.ErrFormat)
	}
	if end.records > uint64(lim.MaxEntries) {
		return nil, fmt.Errorf("%w: the archive lists %d files, more than the %d allowed", ErrUnsafe, end.records, lim.MaxEntries)
	}
	if end.size > uint64(lim.MaxDirectory) {
		return nil, fmt.Errorf("%w: the archive's list of files takes %d bytes, more than the %d MB allowed", ErrUnsafe, end.size, lim.MaxDirectory>>20)
	}
	br := &budgetReader{ra: ra, left: lim.MaxDirectory + directorySlack}
	zr, err := zip.NewReader(br, size)
	br.left = -1 // the entries read through it from now on
	if errors.Is(err, errDirectoryTooLong) {
		return nil, fmt.Errorf("%w: the archive's list of files is longer than %d MB (or than its end record says)", ErrUnsafe, lim.MaxDirectory>>20)
	}
	if errors.Is(err, zip.ErrInsecurePath) {
		return nil, fmt.Errorf("%w: an entry's name leaves the archive (such as ../ or an absolute path)", ErrUnsafe)
	}
	if err != nil {
		return nil, fmt.Errorf("spotifyexport: not a readable zip archive (truncated or damaged): %w", err)
	}
	if len(zr.File) > lim.MaxEntries {
		return nil, fmt.Errorf("%w: more than %d files", ErrUnsafe, lim.MaxEntries)
	}
	b := &budget{left: lim.MaxTotal, ratio: lim.MaxRatio}
	var declared uint64
	var out []Entry
	for _, f := range zr.File {
		name := f.Name
		if strings.Contains(name, `\`) || path.IsAbs(name) || strings.HasPrefix(path.Clean(name), "..") {
			return nil, fmt.Errorf("%w: the entry %q leaves the archive", ErrUnsafe, clip(name))
		}
		if f.FileInfo().IsDir() {
			continue
		}
		declared += f.UncompressedSize64
		if declared > uint64(lim.MaxTotal) {
			return nil, fmt.Errorf("%w: the archive would expand to more than %d MB", ErrUnsafe, lim.MaxTotal>>20)
		}
		out = append(out, Entry{Name: name, f: f, lim: b})
	}
	return out, nil
}

// The zip format's end records (APPNOTE.TXT 4.3.14 to 4.3.16).
const (
	endSignature        = 0x06054b50
	endLen              = 22
	end64LocSignature   = 0x07064b50
	end64LocLen         = 20
	end64Signature      = 0x06064b50
	end64Len            = 56
	maxEndCommentSearch = 65 * 1024
)

// directorySlack is what zip.NewReader reads besides the directory: the
// end record's search (1 KB, then 65 KB), the zip64 records, one header to
// check the directory's offset (at most 46 bytes and three 64 KB fields)
// and its buffer's read-ahead.
const directorySlack = 512 << 10

// directoryEnd is what an archive's end record declares of its central
// directory.
type directoryEnd struct {
	records uint64
	size    uint64
}

// readDirectoryEnd reads the end of central directory record, found as
// archive/zip finds it (the last signature in the archive's last kilobyte,
// else in its last 65 KB), and the zip64 end record when its locator is
// there, as archive/zip does. False when there is none.
func readDirectoryEnd(ra io.ReaderAt, size int64) (directoryEnd, bool) {
	var buf []byte
	var at int64 = -1
	for i, n := range []int64{1024, maxEndCommentSearch} {
		n = min(n, size)
		buf = make([]byte, n)
		if _, err := ra.ReadAt(buf, size-n); err != nil && !errors.Is(err, io.EOF) {
			return directoryEnd{}, false
		}
		if p := findEndSignature(buf); p >= 0 {
			buf, at = buf[p:], size-n+int64(p)
			break
		}
		if i == 1 || n == size {
			return directoryEnd{}, false
		}
	}
	le := binary.LittleEndian
	end := directoryEnd{records: uint64(le.Uint16(buf[10:])), size: uint64(le.Uint32(buf[12:]))}
	offset := le.Uint32(buf[16:])
	// archive/zip looks for the zip64 records on any of these (0xffff for
	// the size too, as it does).
	if end.records != 0xffff && end.size != 0xffff && offset != 0xffffffff {
		return end, true
	}
	if at < end64LocLen {
		return end, true
	}
	loc := make([]byte, end64LocLen)
	if _, err := ra.ReadAt(loc, at-end64LocLen); err != nil {
		return directoryEnd{}, false
	}
	if le.Uint32(loc) != end64LocSignature || le.Uint32(loc[4:]) != 0 || le.Uint32(loc[16:]) != 1 {
		return end, true
	}
	p := le.Uint64(loc[8:])
	if p > uint64(size) {
		return directoryEnd{}, false
	}
	rec := make([]byte, end64Len)
	if _, err := ra.ReadAt(rec, int64(p)); err != nil || le.Uint32(rec) != end64Signature {
		return directoryEnd{}, false
	}
	return directoryEnd{records: le.Uint64(rec[32:]), size: le.Uint64(rec[40:])}, true
}

// findEndSignature is where the last end record of b starts, -1 for none
// (or for one whose comment runs past b, as archive/zip has it).
func findEndSignature(b []byte) int {
	for i := len(b) - endLen; i >= 0; i-- {
		if binary.LittleEndian.Uint32(b[i:]) == endSignature {
			if n := int(binary.LittleEndian.Uint16(b[i+endLen-2:])); i+endLen+n > len(b) {
				return -1
			}
			return i
		}
	}
	return -1
}

var errDirectoryTooLong = errors.New("spotifyexport: the central directory is longer than allowed")

// budgetReader lets zip.NewReader read so many bytes and no more; a
// negative budget is none.
type budgetReader struct {
	ra   io.ReaderAt
	left int64
}

func (b *budgetReader) ReadAt(p []byte, off int64) (int, error) {
	if b.left >= 0 {
		if int64(len(p)) > b.left {
			return 0, errDirectoryTooLong
		}
		b.left -= int64(len(p))
	}
	return b.ra.ReadAt(p, off)
}
