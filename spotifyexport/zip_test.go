package spotifyexport

import (
	"archive/zip"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/euterpe-dev/euterpe/internal/ziptest"
)

// TestZipDirectoryBoundedBeforeReading: an archive that lists 5 M empty
// files (235 MB, within the upload limit) is refused with a clear message
// before archive/zip holds its list, whether its end record admits to the
// count or understates it; either way the refusal costs less than 64 MB.
func TestZipDirectoryBoundedBeforeReading(t *testing.T) {
	const records = 5_000_000
	for _, c := range []struct {
		name string
		zip  *ziptest.Archive
		want string
	}{
		{"the end record says 5 M", ziptest.Honest(records), "lists 5000000 files, more than the 10000 allowed"},
		// 76×65536 + 20 records, of which the end record admits 20:
		// archive/zip compares only the count's low 16 bits.
		{"the end record says 20", ziptest.Understated(76*65536+20, 20), "list of files is longer than 4 MB"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			entries, err := ReadZip(c.zip, c.zip.Size(), DefaultLimits)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, ErrUnsafe) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("a %d MB archive of empty files: %d entries, %v; want a refusal saying %q", c.zip.Size()>>20, len(entries), err, c.want)
			}
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%v; %d kB allocated", err, alloc>>10)
			if alloc > 64<<20 {
				t.Errorf("refusing it allocated %d MB", alloc>>20)
			}
		})
	}
	// The same archives, small, open as archive/zip has them: the
	// generator makes what archive/zip reads.
	for _, z := range []*ziptest.Archive{ziptest.Honest(3), ziptest.Honest(70000), ziptest.Understated(65536+3, 3)} {
		zr, err := zip.NewReader(z, z.Size())
		if err != nil {
			t.Fatalf("archive/zip reads the generated archive: %v", err)
		}
		if len(zr.File) != 3 && len(zr.File) != 70000 && len(zr.File) != 65539 {
			t.Fatalf("archive/zip reads %d files", len(zr.File))
		}
	}
	small := ziptest.Honest(3)
	if entries, err := ReadZip(small, small.Size(), DefaultLimits); err != nil || len(entries) != 3 {
		t.Fatalf("three empty files: %d entries, %v", len(entries), err)
	}
}
