package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"

	"github.com/euterpe-dev/euterpe/imports"
	"github.com/euterpe-dev/euterpe/spotifyexport"
)

// createImport takes an upload (multipart, field "files": the zip Spotify
// sent, or its JSON files), stores it and starts its import in the
// background, and leads to the import's page. The upload is streamed into
// the database, never held whole in memory.
func (h *handler) createImport(w http.ResponseWriter, r *http.Request) {
	mr, err := r.MultipartReader()
	if err != nil {
		h.renderImportForm(w, r, http.StatusBadRequest, "Choose the zip Spotify sent you, or the JSON files in it.")
		return
	}
	next := func() (imports.UploadFile, error) {
		for {
			part, err := mr.NextPart()
			if err != nil {
				return imports.UploadFile{}, err
			}
			if part.FormName() == "files" && part.FileName() != "" {
				return uploadFile(part)
			}
		}
	}
	h.startImport(w, r, next)
}

// uploadFile checks the start of a file: a zip or JSON, or nothing to import.
func uploadFile(part *multipart.Part) (imports.UploadFile, error) {
	head := make([]byte, 512)
	n, err := io.ReadFull(part, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return imports.UploadFile{}, err
	}
	head = head[:n]
	if !spotifyexport.IsZip(head) && !spotifyexport.LooksLikeJSON(head) {
		return imports.UploadFile{}, fmt.Errorf("%s: %w", part.FileName(), spotifyexport.ErrNotExport)
	}
	return imports.UploadFile{Name: part.FileName(), Body: io.MultiReader(bytes.NewReader(head), part)}, nil
}

// startImport stores the upload next yields and redirects to its page, or
// shows the form again saying why it could not.
func (h *handler) startImport(w http.ResponseWriter, r *http.Request, next func() (imports.UploadFile, error)) {
	id, err := h.importer.Create(r.Context(), principalFrom(r.Context()).UserID, next)
	if errors.Is(err, io.EOF) {
		err = imports.ErrEmptyUpload // the form ended before a file
	}
	if err == nil {
		http.Redirect(w, r, "/history/imports/"+id.String(), http.StatusSeeOther)
		return
	}
	p := h.explain(r, "could not store an upload", err)
	if p.status == http.StatusInternalServerError || p.status == http.StatusServiceUnavailable {
		h.answer(w, r, "could not store an upload", p)
		return
	}
	h.renderImportForm(w, r, p.status, p.message)
}
