package auth

import (
	"strings"
	"testing"

	"github.com/euterpe-dev/euterpe/randid"
)

func TestValidID(t *testing.T) {
	id := randid.New()
	if !ValidID(id) || len(id) != 43 {
		t.Fatalf("randid.New() = %q is not valid", id)
	}
	if randid.New() == id {
		t.Fatal("two ids alike")
	}
	for _, bad := range []string{"", "short", id + "=", id[:42], strings.Repeat("A", 42) + "/", strings.Repeat("A", 42) + "+",
		strings.Repeat("A", 42) + "B" /* non-canonical last char */, " " + id[1:], strings.Repeat("é", 22)} {
		if ValidID(bad) {
			t.Errorf("ValidID(%q) = true", bad)
		}
	}
}

// FuzzValidID: whatever a browser sends as a cookie, the check neither
// panics nor accepts something that is not 32 bytes of base64url.
func FuzzValidID(f *testing.F) {
	f.Add(randid.New())
	f.Add("")
	f.Add("' OR 1=1 --")
	f.Add(strings.Repeat("A", 43))
	f.Fuzz(func(t *testing.T, s string) {
		if ValidID(s) && (len(s) != 43 || strings.ContainsAny(s, "+/= \x00")) {
			t.Fatalf("accepted %q", s)
		}
	})
}
