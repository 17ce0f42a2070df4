package handlers

import (
	"net/http"
	"time"

	"github.com/euterpe-dev/euterpe/export"
)

// streamHistory answers the user's listens in span as a file in f, written
// as they are read: a page of rows at a time, whatever the history's
// length. An error after the first byte can only cut the file short (the
// status is sent); it is logged.
func (h *handler) streamHistory(w http.ResponseWriter, r *http.Request, f export.Format, span export.Span, loc *time.Location, what string) {
	p := principalFrom(r.Context())
	out := h.exportTo(w, f.ContentType(), h.fileName(r, what, f))
	hist := export.NewHistory(h.pool)
	var err error
	if f == export.CSV {
		var c *export.HistoryCSV
		if c, err = export.NewHistoryCSV(out, loc); err == nil {
			if err = hist.Each(r.Context(), p.UserID, span, c.Write); err == nil {
				err = c.Flush()
			}
		}
	} else {
		j := export.NewHistoryJSON(out)
		if err = hist.Each(r.Context(), p.UserID, span, j.Write); err == nil {
			err = j.Close()
		}
	}
	if err != nil && r.Context().Err() == nil {
		h.log.ErrorContext(r.Context(), "export cut short", requestAttrs(r), "err", err)
	}
}

// exportHistoryCSV is GET /export/history.csv: the whole history, every
// listen a row.
func (h *handler) exportHistoryCSV(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	zone, err := h.history.ZoneFor(r.Context(), p.UserID)
	if err != nil {
		h.fail(w, r, "export: read time zone", err)
		return
	}
	h.streamHistory(w, r, export.CSV, export.Span{}, zone.Loc, "history")
}

// exportAll is GET /export/all.zip, "Download my data": everything Euterpe
// stores about the user (export.Archive).
func (h *handler) exportAll(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	zone, err := h.history.ZoneFor(r.Context(), p.UserID)
	if err != nil {
		h.fail(w, r, "export: read time zone", err)
		return
	}
	out := h.exportTo(w, "application/zip", h.fileName(r, "data", "zip"))
	if err := export.NewArchive(h.pool, h.now).Write(r.Context(), out, p.UserID, zone.Loc); err != nil && r.Context().Err() == nil {
		h.log.ErrorContext(r.Context(), "export cut short", requestAttrs(r), "err", err)
	}
}
