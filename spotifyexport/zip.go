package spotifyexport

import (
	"archive/zip"
	"bytes"
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
}

// DefaultLimits fit the largest real exports (a decade of extended history
// is a few hundred megabytes of JSON) with room to spare.
var DefaultLimits = Limits{MaxTotal: 2 << 30, MaxRatio: 100, MaxEntries: 10000}

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
// entries or a declared size past the limits.
func ReadZip(ra io.ReaderAt, size int64, lim Limits) ([]Entry, error) {
	zr, err := zip.NewReader(ra, size)
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
