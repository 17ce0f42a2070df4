package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestNeutralise(t *testing.T) {
	for in, want := range map[string]string{
		"=SUM(A1:A9)":                "'=SUM(A1:A9)",
		`=HYPERLINK("http://x","y")`: `'=HYPERLINK("http://x","y")`,
		"+1+cmd|' /C calc'!A0":       "'+1+cmd|' /C calc'!A0",
		"-2+3":                       "'-2+3",
		"@SUM(1)":                    "'@SUM(1)",
		"\t=1":                       "'\t=1",
		"\r=1":                       "'\r=1",
		"-":                          "'-",
		"- Remastered":               "'- Remastered",
		// Numbers stay numbers.
		"-5": "-5", "+12": "+12", "3.25": "3.25", "-0.5": "-0.5", "42": "42",
		// Ordinary text, and formula characters later in it, are left alone.
		"Jóga": "Jóga", "a=b": "a=b", "AC/DC": "AC/DC", "": "", "'quoted": "'quoted",
		// Issue 21, item 12: spreadsheets skip leading white space, and
		// read the full-width (and small) forms as the ASCII ones.
		" =1+1": "' =1+1", "  +1+1": "'  +1+1", "\n=1": "'\n=1", "\r\n@SUM(1)": "'\r\n@SUM(1)",
		"\u00a0=1": "'\u00a0=1", "\u3000-1+1": "'\u3000-1+1", "\u2003=1": "'\u2003=1", "\u200b=1": "'\u200b=1",
		"\ufeff=1": "'\ufeff=1", "\u0085=1": "'\u0085=1",
		"＝1+1": "'＝1+1", "＋1+1": "'＋1+1", "－1+1": "'－1+1", "＠SUM(1)": "'＠SUM(1)", " ＝1": "' ＝1",
		"﹦1+1": "'﹦1+1", "﹢1": "'﹢1", "﹣1": "'﹣1", "﹫x": "'﹫x", "\u22121+1": "'\u22121+1",
		// A tab or carriage return first is neutralised whatever follows.
		"\tTab": "'\tTab", "\rCR": "'\rCR",
		// Leading spaces before ordinary text or a number change nothing.
		" Jóga": " Jóga", "  42": "  42", " -5": " -5", "\u3000Tokyo": "\u3000Tokyo", "\nline": "\nline", "   ": "   ",
		"Ａ＝1": "Ａ＝1",
	} {
		if got := Neutralise(in); got != want {
			t.Errorf("Neutralise(%q) = %q, want %q", in, got, want)
		}
	}
}

// A table's CSV reads back as what was written, formulas neutralised, with
// RFC 4180's CRLF line ends and quoting.
func TestTableCSV(t *testing.T) {
	tb := Table{Columns: []string{"rank", "song", "artists"}}
	tb.Add("1", `=HYPERLINK("http://evil","click")`, "Björk")
	tb.Add("2", "Line\nbreak, \"quoted\"", "-")
	var buf bytes.Buffer
	if err := tb.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "\r\n") {
		t.Error("no CRLF line ends")
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"rank", "song", "artists"}, {"1", `'=HYPERLINK("http://evil","click")`, "Björk"}, {"2", "Line\nbreak, \"quoted\"", "'-"}}
	if len(rows) != len(want) {
		t.Fatalf("%d rows", len(rows))
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q, want %q", i, rows[i], want[i])
		}
	}
}

func TestFileNameAndFormat(t *testing.T) {
	day := time.Date(2026, 11, 28, 23, 0, 0, 0, time.UTC)
	for _, c := range []struct{ what, user, ext, want string }{
		{"top-songs-short_term", "ines", "csv", "euterpe-top-songs-short_term-ines-2026-11-28.csv"},
		{"history-top tracks/this year", "Inès Moreau", "json", "euterpe-history-top-tracks-this-year-ines-moreau-2026-11-28.json"},
		{"", "", "zip", "euterpe-2026-11-28.zip"},
		{`"; rm -rf /`, "../../etc", "csv", "euterpe-rm-rf-etc-2026-11-28.csv"},
	} {
		if got := FileName(c.what, c.user, day, c.ext); got != c.want {
			t.Errorf("FileName(%q, %q) = %q, want %q", c.what, c.user, got, c.want)
		}
	}
	if got := Disposition("euterpe-x-2026-11-28.csv"); got != `attachment; filename=euterpe-x-2026-11-28.csv` {
		t.Errorf("Disposition = %q", got)
	}
	for q, want := range map[string]Format{"": HTML, "format=csv": CSV, "format=json": JSON} {
		v, _ := url.ParseQuery(q)
		if f, err := ParseFormat(v); err != nil || f != want {
			t.Errorf("?%s: %q, %v", q, f, err)
		}
	}
	for _, bad := range []string{"format=", "format=xml", "format=CSV", "format=html"} {
		v, _ := url.ParseQuery(bad)
		if _, err := ParseFormat(v); err == nil || !strings.Contains(err.Error(), "csv or json") {
			t.Errorf("?%s: %v, want an error naming the formats", bad, err)
		}
	}
}

func TestReleaseDate(t *testing.T) {
	d := time.Date(1971, 11, 8, 0, 0, 0, 0, time.UTC)
	for p, want := range map[string]string{"year": "1971", "month": "1971-11", "day": "1971-11-08", "": "1971-11-08"} {
		if got := ReleaseDate(d, p); got != want {
			t.Errorf("precision %q: %q, want %q", p, got, want)
		}
	}
	if got := ReleaseDate(time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), "day"); got != "" {
		t.Errorf("unknown date: %q", got)
	}
}

// FuzzAppendString: every string becomes valid JSON that decodes to it
// (invalid UTF-8 becomes U+FFFD, as encoding/json does too).
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", `quo"te\`, "ctl\x00\x01\x1f", "tab\tnl\n", "Jóga 🎵", "\u2028\u2029", "\xff\xfe", "</script>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := appendString(nil, s)
		if !json.Valid(b) {
			t.Fatalf("%q wrote invalid JSON %q", s, b)
		}
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		want := string([]rune(s)) // each invalid byte a U+FFFD
		if utf8.ValidString(s) && back != s || !utf8.ValidString(s) && back != want {
			t.Fatalf("%q came back as %q", s, back)
		}
	})
}

// FuzzNeutralise: a cell is either left as it was or given one leading
// apostrophe, and what is left never starts a formula after white space.
func FuzzNeutralise(f *testing.F) {
	for _, s := range []string{"=1+1", " =1+1", "＝1+1", "\u3000＠x", "\t", "\r\n-1", "-5", " -5", "Jóga", "", "\ufeff+1", "\xff=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Neutralise(s)
		if got != s && got != "'"+s {
			t.Fatalf("Neutralise(%q) = %q", s, got)
		}
		if got != s {
			return
		}
		if s != "" && (s[0] == '\t' || s[0] == '\r') {
			t.Fatalf("%q left as it was", s)
		}
		rest := strings.TrimLeftFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) })
		if rest == "" || number.MatchString(rest) {
			return
		}
		r, _ := utf8.DecodeRuneInString(rest)
		if strings.ContainsAny(norm.NFKC.String(string(r)), "=+-@") {
			t.Fatalf("%q left as it was", s)
		}
	})
}
