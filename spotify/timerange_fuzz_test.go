package spotify

import (
	"errors"
	"testing"
)

// FuzzParseTimeRange: ?range= and ?time_range= come straight from the URL.
// Exactly the three values Spotify knows are accepted, and every refusal is
// the same message, so nothing of the input is echoed back to the client.
func FuzzParseTimeRange(f *testing.F) {
	for _, r := range TimeRanges() {
		f.Add(string(r))
	}
	f.Add("")
	f.Add("SHORT_TERM")
	f.Add("short_term ")
	f.Add("<script>alert(1)</script>")
	_, refusal := ParseTimeRange("")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseTimeRange(s)
		valid := s == string(ShortTerm) || s == string(MediumTerm) || s == string(LongTerm)
		if valid {
			if err != nil || string(r) != s || !r.Valid() || r.Label() == s {
				t.Fatalf("ParseTimeRange(%q) = %q, %v", s, r, err)
			}
			return
		}
		if err == nil || r != "" {
			t.Fatalf("ParseTimeRange(%q) accepted %q", s, r)
		}
		if !errors.Is(err, ErrUnknownTimeRange) || err.Error() != refusal.Error() {
			t.Fatalf("ParseTimeRange(%q) refused with %q, want the fixed message %q", s, err, refusal)
		}
	})
}
