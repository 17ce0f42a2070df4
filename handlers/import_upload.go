package handlers

import (
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/euterpe-dev/euterpe/imports"
	"github.com/euterpe-dev/euterpe/views"
)

// The import page's script sends an export in pieces, each a short
// request (Heroku cuts one at 30 s, and a slow connection takes longer
// than that for a whole export): POST /history/import/uploads begins,
// PUT …/uploads/{id}/files/{file}/pieces/{piece}?name= sends one piece,
// POST …/uploads/{id}/done queues the import. Every answer is JSON.

type uploadJSON struct {
	ID         string `json:"id"`
	PieceBytes int    `json:"piece_bytes"`
	MaxBytes   int64  `json:"max_bytes"`
	// URL is the import's page, once the upload is done.
	URL string `json:"url,omitempty"`
}

// beginUpload is POST /history/import/uploads.
func (h *handler) beginUpload(w http.ResponseWriter, r *http.Request) {
	id, err := h.importer.Begin(r.Context(), principalFrom(r.Context()).UserID)
	if err != nil {
		h.uploadError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, uploadJSON{ID: id.String(), PieceBytes: imports.UploadPiece, MaxBytes: imports.MaxUploadBytes})
}

// putUploadPiece is PUT /history/import/uploads/{id}/files/{file}/pieces/{piece}.
func (h *handler) putUploadPiece(w http.ResponseWriter, r *http.Request) {
	id, err := uuid.Parse(chi.URLParam(r, "id"))
	fileNo, ferr := strconv.Atoi(chi.URLParam(r, "file"))
	piece, perr := strconv.Atoi(chi.URLParam(r, "piece"))
	if err != nil || ferr != nil || perr != nil {
		writeJSON(w, http.StatusNotFound, errorJSON{Error: "No such upload."})
		return
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, imports.UploadPiece+1))
	if err != nil {
		h.uploadError(w, r, err)
		return
	}
	if len(data) > imports.UploadPiece {
		writeJSON(w, http.StatusRequestEntityTooLarge, errorJSON{Error: fmt.Sprintf("A piece may be at most %d bytes.", imports.UploadPiece)})
		return
	}
	err = h.importer.PutPiece(r.Context(), principalFrom(r.Context()).UserID, id, fileNo, piece, r.URL.Query().Get("name"), data)
	if err != nil {
		h.uploadError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// finishUpload is POST /history/import/uploads/{id}/done.
func (h *handler) finishUpload(w http.ResponseWriter, r *http.Request) {
	id, err := uuid.Parse(chi.URLParam(r, "id"))
	if err != nil {
		writeJSON(w, http.StatusNotFound, errorJSON{Error: "No such upload."})
		return
	}
	if err := h.importer.Finish(r.Context(), principalFrom(r.Context()).UserID, id); err != nil {
		h.uploadError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, uploadJSON{ID: id.String(), PieceBytes: imports.UploadPiece, MaxBytes: imports.MaxUploadBytes,
		URL: views.AtBase(h.base, "/history/imports/"+id.String())})
}

// uploadError answers what went wrong in words the page can show.
func (h *handler) uploadError(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil {
		return // the browser went away: nobody to tell
	}
	writeProblemJSON(w, h.explain(r, "could not store an upload", err))
}
