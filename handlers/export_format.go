package handlers

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/euterpe-dev/euterpe/export"
	"github.com/euterpe-dev/euterpe/panels"
	"github.com/euterpe-dev/euterpe/views"
)

// Every panel and history view answers ?format=csv|json with its data as a
// file (export.ParseFormat): JSON as the view's data, CSV as its table
// (panels.Table). Long exports stream (exportTo).

// exportFormat reads ?format=; a value that is not a format is answered
// with a 400 naming it, and ok is false.
func (h *handler) exportFormat(w http.ResponseWriter, r *http.Request) (export.Format, bool) {
	f, err := export.ParseFormat(r.URL.Query())
	if err != nil {
		h.badRequest(w, r, err.Error()+".")
		return f, false
	}
	return f, true
}

// badRequest answers bad input: JSON to the JSON API and to a file
// request, the error page otherwise.
func (h *handler) badRequest(w http.ResponseWriter, r *http.Request, message string) {
	if wantsJSON(r) || r.URL.Query().Has("format") {
		writeJSON(w, http.StatusBadRequest, errorJSON{Error: strings.TrimSuffix(message, ".")})
		return
	}
	h.render.errorPage(w, r, views.ErrorInfo{Status: http.StatusBadRequest, Title: "Check the address",
		Message: message, ActionURL: "/", ActionLabel: "Back to your dashboard"})
}

// unknownPanel answers a panel name that is not one of names.
func (h *handler) unknownPanel(w http.ResponseWriter, r *http.Request, name string, names []string) {
	h.badRequest(w, r, "There is no panel "+quoteName(name)+" here: the panels are "+strings.Join(names, ", ")+".")
}

func quoteName(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	b, _ := json.Marshal(s)
	return string(b)
}

// fileName names a download of what for the signed-in user, today.
func (h *handler) fileName(r *http.Request, what string, f export.Format) string {
	user := ""
	if p := principalFrom(r.Context()); p != nil {
		user = p.SpotifyUserID
	}
	return export.FileName(what, user, h.now().UTC(), f.Ext())
}

// writeExport answers data as a file in f, named after what. The file is
// made in memory first (a view's data is small), so a failure is a clean
// error rather than half a file.
func (h *handler) writeExport(w http.ResponseWriter, r *http.Request, f export.Format, what string, data any) {
	var buf bytes.Buffer
	if f == export.CSV {
		t, err := panels.Table(data)
		if err == nil {
			err = t.WriteCSV(&buf)
		}
		if err != nil {
			h.fail(w, r, "export: write CSV", err)
			return
		}
	} else {
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(data); err != nil {
			h.fail(w, r, "export: write JSON", err)
			return
		}
	}
	h.downloadHeaders(w, f.ContentType(), h.fileName(r, what, f))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

func (h *handler) downloadHeaders(w http.ResponseWriter, contentType, name string) {
	hd := w.Header()
	hd.Set("Content-Type", contentType)
	hd.Set("Content-Disposition", export.Disposition(name))
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
}

// exportWindow is how long one write of a streamed export may take: the
// server's WriteTimeout (30 s) would cut a long export, so each write
// moves the deadline this far on.
const exportWindow = 30 * time.Second

// exportTo starts a streamed download and returns where to write it: the
// response, behind a writer that keeps pushing the write deadline forward
// while the export makes progress (http.ResponseController), so a client
// reading along is never cut off, and one that stops reading is after
// exportWindow.
func (h *handler) exportTo(w http.ResponseWriter, contentType, name string) io.Writer {
	h.downloadHeaders(w, contentType, name)
	rc := http.NewResponseController(w)
	dw := &deadlineWriter{w: w, rc: rc}
	dw.extend(time.Now())
	w.WriteHeader(http.StatusOK)
	return dw
}

// deadlineWriter moves the connection's write deadline on as it writes.
type deadlineWriter struct {
	w        io.Writer
	rc       *http.ResponseController
	extended time.Time
}

func (d *deadlineWriter) extend(now time.Time) {
	// Not every ResponseWriter supports deadlines (a test's recorder):
	// then the server has none to move either.
	_ = d.rc.SetWriteDeadline(now.Add(exportWindow))
	d.extended = now
}

func (d *deadlineWriter) Write(p []byte) (int, error) {
	if now := time.Now(); now.Sub(d.extended) > time.Second {
		d.extend(now)
	}
	return d.w.Write(p)
}
