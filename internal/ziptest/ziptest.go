// Package ziptest makes hostile zip archives for tests: central directories
// of millions of empty files, generated as they are read, so an archive of
// hundreds of megabytes costs nothing to hold.
package ziptest

import (
	"encoding/binary"
	"io"
)

// recordLen is one central directory record: 46 bytes and a one-byte name.
const recordLen = 47

// localHeader is an empty local file header, so the archive starts as a
// zip does ("PK\x03\x04").
var localHeader = func() []byte {
	b := make([]byte, 30)
	binary.LittleEndian.PutUint32(b, 0x04034b50)
	binary.LittleEndian.PutUint16(b[4:], 20)
	return b
}()

var record = func() []byte {
	b := make([]byte, recordLen)
	le := binary.LittleEndian
	le.PutUint32(b, 0x02014b50)
	le.PutUint16(b[4:], 20)  // version made by
	le.PutUint16(b[6:], 20)  // version needed
	le.PutUint16(b[14:], 33) // 1980-01-01
	le.PutUint16(b[28:], 1)  // name length
	b[46] = 'a'
	return b
}()

// Archive is a zip of n central directory records, all of one empty file
// named "a", and the end records.
type Archive struct {
	n    int64
	tail []byte
}

// Honest lists n records and says so in its end records (the zip64 ones
// too when n needs them).
func Honest(n int64) *Archive {
	return build(n, uint64(n), uint64(n)*recordLen, n >= 0xffff)
}

// Understated lists n records but its end record says it lists only
// declared (n modulo 65536 is what archive/zip checks) in declared×47 bytes.
func Understated(n int64, declared uint16) *Archive {
	return build(n, uint64(declared), uint64(declared)*recordLen, false)
}

func build(n int64, records, size uint64, zip64 bool) *Archive {
	le := binary.LittleEndian
	dirOffset := uint64(len(localHeader))
	end64At := dirOffset + uint64(n)*recordLen
	var tail []byte
	if zip64 {
		rec := make([]byte, 56)
		le.PutUint32(rec, 0x06064b50)
		le.PutUint64(rec[4:], 56-12)
		le.PutUint16(rec[12:], 45)
		le.PutUint16(rec[14:], 45)
		le.PutUint64(rec[24:], records)
		le.PutUint64(rec[32:], records)
		le.PutUint64(rec[40:], size)
		le.PutUint64(rec[48:], dirOffset)
		loc := make([]byte, 20)
		le.PutUint32(loc, 0x07064b50)
		le.PutUint64(loc[8:], end64At)
		le.PutUint32(loc[16:], 1)
		tail = append(rec, loc...)
		records, size, dirOffset = 0xffff, 0xffffffff, 0xffffffff
	}
	end := make([]byte, 22)
	le.PutUint32(end, 0x06054b50)
	le.PutUint16(end[8:], uint16(min(records, 0xffff)))
	le.PutUint16(end[10:], uint16(min(records, 0xffff)))
	le.PutUint32(end[12:], uint32(min(size, 0xffffffff)))
	le.PutUint32(end[16:], uint32(min(dirOffset, 0xffffffff)))
	return &Archive{n: n, tail: append(tail, end...)}
}

// Size is the archive's length in bytes.
func (a *Archive) Size() int64 {
	return int64(len(localHeader)) + a.n*recordLen + int64(len(a.tail))
}

// ReadAt generates the archive's bytes at off.
func (a *Archive) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, io.EOF
	}
	dirAt := int64(len(localHeader))
	tailAt := dirAt + a.n*recordLen
	n := 0
	for n < len(p) && off < a.Size() {
		var c int
		switch {
		case off < dirAt:
			c = copy(p[n:], localHeader[off:])
		case off < tailAt:
			within := (off - dirAt) % recordLen
			c = copy(p[n:], record[within:])
			c = int(min(int64(c), tailAt-off))
		default:
			c = copy(p[n:], a.tail[off-tailAt:])
		}
		n += c
		off += int64(c)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Bytes is the whole archive, for an upload.
func (a *Archive) Bytes() []byte {
	b := make([]byte, a.Size())
	a.ReadAt(b, 0)
	return b
}
