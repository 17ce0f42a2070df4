// Package export writes what Euterpe shows and keeps as files: any panel or
// history view as CSV or JSON, the whole listening history as CSV, and
// "Download my data", a zip of everything Euterpe stores about a user.
//
// Everything is written as a stream: the history is read from the database
// a page at a time (a cursor after the last row sent, each page a range of
// an index) and written as it comes, so memory stays flat whatever its
// length. The JSON history is Euterpe's own export format (see
// historyfile.go), which the importer reads back.
//
// CSV is written with encoding/csv (RFC 4180, CRLF line ends). A cell that
// a spreadsheet would run as a formula — one that begins with =, +, -, @
// (or their full-width forms), after any white space, or with a tab or a
// carriage return — gets a leading apostrophe, unless it is simply a number
// (OWASP's advice against CSV injection): a track called "=HYPERLINK(…)"
// stays text when the file is opened in a spreadsheet.
package export

import (
	"encoding/csv"
	"io"
	"mime"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/euterpe-dev/euterpe/history"
)

// Format is how a view is answered: its page (HTML) or a file.
type Format string

// The formats of ?format=.
const (
	HTML Format = ""
	CSV  Format = "csv"
	JSON Format = "json"
)

// ParseFormat reads ?format=: csv or json, the page when absent.
func ParseFormat(q url.Values) (Format, error) {
	if !q.Has("format") {
		return HTML, nil
	}
	switch f := Format(q.Get("format")); f {
	case CSV, JSON:
		return f, nil
	}
	return HTML, &history.ParamError{Param: "format", Message: "must be csv or json"}
}

// ContentType is the format's media type.
func (f Format) ContentType() string {
	if f == CSV {
		return "text/csv; charset=utf-8"
	}
	return "application/json; charset=utf-8"
}

// Ext is the format's file name extension.
func (f Format) Ext() string { return string(f) }

// FileName says what a file holds, whose and when: "euterpe-top-songs-
// short_term-ines-2026-11-28.csv". Only letters, digits, - and _ stay in
// it, so it is safe in any header and on any file system.
func FileName(what, user string, day time.Time, ext string) string {
	parts := []string{"euterpe"}
	for _, p := range []string{what, user} {
		if s := slug(p); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "-") + "-" + day.Format(time.DateOnly) + "." + ext
}

// slug is s in lower-case ASCII letters, digits, - and _: accents dropped
// ("Inès" is "ines"), anything else a dash.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(norm.NFKD.String(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_'):
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// Disposition is the Content-Disposition of a download named name.
func Disposition(name string) string {
	return mime.FormatMediaType("attachment", map[string]string{"filename": name})
}

// number is a plain decimal number, which a spreadsheet reads as one and
// never as a formula.
var number = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?$`)

// Neutralise makes s safe in a spreadsheet's cell: text that would start a
// formula gets a leading apostrophe, which spreadsheets show as text. A tab
// or carriage return first is enough; otherwise the first character after
// any white space (spreadsheets skip it: spaces, line ends, no-break and
// ideographic spaces, and invisible format characters such as U+200B and
// the BOM) is looked at in its compatibility form, so the full-width and
// small forms of = + - @ (＝ ＋ － ＠, ﹦ ﹢ ﹣ ﹫) count as the ASCII ones, and
// so does the minus sign U+2212.
func Neutralise(s string) string {
	if s == "" {
		return s
	}
	if s[0] == '\t' || s[0] == '\r' {
		return "'" + s
	}
	rest := strings.TrimLeftFunc(s, blank)
	if rest == "" || number.MatchString(rest) {
		return s
	}
	r, _ := utf8.DecodeRuneInString(rest)
	if r == '\u2212' || strings.ContainsAny(norm.NFKC.String(string(r)), "=+-@") {
		return "'" + s
	}
	return s
}

// blank is what a spreadsheet skips before a formula.
func blank(r rune) bool { return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) }

// CSVWriter writes CSV rows with every cell neutralised.
type CSVWriter struct {
	w   *csv.Writer
	row []string
}

// NewCSV writes CSV to w.
func NewCSV(w io.Writer) *CSVWriter {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return &CSVWriter{w: cw}
}

// Write writes one row.
func (c *CSVWriter) Write(cells ...string) error {
	c.row = c.row[:0]
	for _, s := range cells {
		c.row = append(c.row, Neutralise(s))
	}
	return c.w.Write(c.row)
}

// Flush writes what is buffered and reports any error so far.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// Table is a view as rows of text: a panel's CSV.
type Table struct {
	Columns []string
	Rows    [][]string
}

// Add appends a row.
func (t *Table) Add(cells ...string) { t.Rows = append(t.Rows, cells) }

// WriteCSV writes the table with its header.
func (t Table) WriteCSV(w io.Writer) error {
	c := NewCSV(w)
	if err := c.Write(t.Columns...); err != nil {
		return err
	}
	for _, r := range t.Rows {
		if err := c.Write(r...); err != nil {
			return err
		}
	}
	return c.Flush()
}
