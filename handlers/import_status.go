package handlers

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/euterpe-dev/euterpe/imports"
	"github.com/euterpe-dev/euterpe/views"
)

// showImport is an import's page: its progress while it runs (htmx asks for
// the progress part, ?progress=1, every second), then its result.
func (h *handler) showImport(w http.ResponseWriter, r *http.Request) {
	im, ok := h.importFor(w, r)
	if !ok {
		return
	}
	ref := h.importRef(im)
	if r.URL.Query().Get("progress") == "1" && isHTMX(r) {
		h.render.write(w, r, http.StatusOK, views.ImportProgress(ref))
		return
	}
	page := h.render.pageFor(r, "Import: "+im.UploadName)
	page.Section = views.SectionHistory
	h.render.write(w, r, http.StatusOK, views.ImportStatusPage(page, views.ImportData{Import: ref}))
}

// importFor reads the import the URL names, answering 404 for one that is
// not the user's or does not exist.
func (h *handler) importFor(w http.ResponseWriter, r *http.Request) (imports.Import, bool) {
	id, err := uuid.Parse(chi.URLParam(r, "id"))
	if err != nil {
		h.render.errorPage(w, r, errNoSuchImport)
		return imports.Import{}, false
	}
	im, err := h.importer.Get(r.Context(), principalFrom(r.Context()).UserID, id)
	switch {
	case errors.Is(err, imports.ErrNoSuchImport):
		h.render.errorPage(w, r, errNoSuchImport)
		return im, false
	case err != nil:
		h.fail(w, r, "could not read an import", err)
		return im, false
	}
	return im, true
}

var errNoSuchImport = views.ErrorInfo{Status: http.StatusNotFound, Title: "No such import",
	Message: "There is no import at this address.", ActionURL: "/history/imports", ActionLabel: "Your imports"}

// cancelImport stops an import that is running; nothing of it stays.
func (h *handler) cancelImport(w http.ResponseWriter, r *http.Request) {
	im, ok := h.importFor(w, r)
	if !ok {
		return
	}
	if _, err := h.importer.Cancel(r.Context(), im.UserID, im.ID); err != nil {
		h.fail(w, r, "could not cancel an import", err)
		return
	}
	if im.State == imports.Uploading {
		// An unfinished upload is gone altogether.
		http.Redirect(w, r, "/history/import", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/history/imports/"+im.ID.String(), http.StatusSeeOther)
}

// deleteImport removes a finished import and its plays (in the background).
func (h *handler) deleteImport(w http.ResponseWriter, r *http.Request) {
	im, ok := h.importFor(w, r)
	if !ok {
		return
	}
	deleted, err := h.importer.Delete(r.Context(), im.UserID, im.ID)
	if err != nil {
		h.fail(w, r, "could not delete an import", err)
		return
	}
	if !deleted {
		h.render.errorPage(w, r, views.ErrorInfo{Status: http.StatusConflict, Title: "Still running",
			Message: "An import that is still running can be cancelled, not deleted.", ActionURL: "/history/imports/" + im.ID.String(), ActionLabel: "Back to the import"})
		return
	}
	http.Redirect(w, r, "/history/import", http.StatusSeeOther)
}
